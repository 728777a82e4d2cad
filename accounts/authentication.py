"""API token authentication: django-rest-knox tokens (per device, hashed, expiring) that die
with a password change. ``Authorization: Token <key>`` as before."""

from __future__ import annotations

from hmac import compare_digest

from django.utils.translation import gettext_lazy as _
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
