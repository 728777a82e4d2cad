"""API token authentication: django-rest-knox tokens (per device, hashed, expiring) that die
with a password change. ``Authorization: Token <key>`` as before."""

from __future__ import annotations

import binascii
from hmac import compare_digest

from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from knox.auth import TokenAuthentication as KnoxTokenAuthentication
from knox.crypto import hash_token
from knox.models import get_token_model
from knox.settings import CONSTANTS
from knox.signals import token_expired
from rest_framework import exceptions


class TokenAuthentication(KnoxTokenAuthentication):
    """knox's scheme in one query per request: the token, its user and the user's roles are read
    together (one row per role), where knox reads the token with its user, then every other
    token of the user to delete the expired ones, and the permissions then read the roles.
    Expired tokens of other devices are deleted by ``accounts.tasks.purge_expired_tokens``."""

    def authenticate_credentials(self, token: bytes):
        refused = exceptions.AuthenticationFailed(_("Invalid token."))
        token = token.decode("utf-8")
        try:
            digest = hash_token(token)
        except (TypeError, binascii.Error):
            raise refused from None
        rows = list(
            get_token_model()
            .objects.filter(token_key=token[: CONSTANTS.TOKEN_KEY_LENGTH])
            .select_related("user")
            .annotate(granted_role=F("user__role_grants__role"))
        )
        matching = [row for row in rows if compare_digest(digest, row.digest)]
        if not matching:
            raise refused
        auth_token = matching[0]
        if auth_token.expiry is not None and auth_token.expiry < timezone.now():
            username = auth_token.user.get_username()
            auth_token.delete()
            token_expired.send(sender=self.__class__, username=username, source="auth_token")
            raise refused
        # User.role_set reads this instead of querying the grants again.
        auth_token.user._role_cache = frozenset(
            row.granted_role for row in matching if row.granted_role
        )
        return self.validate_user(auth_token)

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
