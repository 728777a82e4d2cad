"""API token authentication: django-rest-knox tokens (per device, hashed, expiring) that die
with a password change. ``Authorization: Token <key>`` as before."""

from __future__ import annotations

from hmac import compare_digest

from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from knox.auth import TokenAuthentication as KnoxTokenAuthentication
from rest_framework import exceptions


class TokenAuthentication(KnoxTokenAuthentication):
    def validate_user(self, auth_token):
        user, auth_token = super().validate_user(auth_token)
        if not compare_digest(auth_token.password_fingerprint, user.get_session_auth_hash()):
            # The password changed since the token was issued.
            auth_token.delete()
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        return user, auth_token


class ApiTokenScheme(OpenApiAuthenticationExtension):
    """How the OpenAPI schema documents the token (``Authorization: Token <key>``)."""

    target_class = TokenAuthentication
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": 'A token from auth/token/, sent with the prefix "Token ".',
        }
