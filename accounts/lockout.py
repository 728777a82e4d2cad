"""What a sign-in refused by the per-account lockout (django-axes) answers."""

from __future__ import annotations

from django.conf import settings
from django.http import JsonResponse
from django.utils.translation import gettext_lazy

LOCKED_DETAIL = gettext_lazy(
    "Too many failed sign-ins for this account; try again in %(minutes)s minutes or ask union "
    "staff to unlock it."
)


def locked_detail() -> str:
    return str(LOCKED_DETAIL) % {"minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)}


def lockout_response(request, original_response=None, credentials=None):
    """API paths: the API's error body with 429. Pages: the page as rendered (its form shows the
    failed sign-in), with status 429."""
    if original_response is not None and original_response.status_code == 429:
        return original_response
    if request.path.startswith("/api/") or original_response is None:
        return JsonResponse(
            {"code": "account_locked", "detail": locked_detail(), "fields": {}}, status=429
        )
    original_response.status_code = 429
    return original_response
