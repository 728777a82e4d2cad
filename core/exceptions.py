"""Domain errors and the single error body of the API.

Every error response has the same shape::

    {"code": "invalid_transition", "detail": "human readable message", "fields": {...}}

``fields`` maps a field name to a list of messages (present for validation errors, ``{}`` otherwise).
Services raise :class:`DomainError` subclasses; the handler turns them into responses, so views never
translate errors by hand.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler


class DomainError(Exception):
    """A business rule refused the operation. Subclasses fix the HTTP status and code.

    ``detail`` and the messages in ``fields`` are user-facing text: write them with ``gettext``
    (or ``gettext_lazy``) and %-named placeholders, never f-strings, so that they can be
    translated (``tests/core/test_error_messages.py`` enforces this). They are rendered here, in
    the language active where the error is raised (the request's language; the default language
    in a worker). ``code`` is the stable, untranslated key that clients and tests rely on.
    """

    status_code = status.HTTP_400_BAD_REQUEST
    code = "invalid"

    def __init__(self, detail: str, *, code: str | None = None, fields: dict | None = None):
        detail = str(detail)
        super().__init__(detail)
        self.detail = detail
        if code:
            self.code = code
        self.fields = {
            key: [str(m) for m in msgs] if isinstance(msgs, (list, tuple)) else msgs
            for key, msgs in (fields or {}).items()
        }


class ValidationFailed(DomainError):
    """Input that is well-formed but breaks a rule (missing items, limits, bad files)."""

    status_code = status.HTTP_400_BAD_REQUEST
    code = "validation_error"


class InvalidTransition(DomainError):
    """A state move that the transition table does not allow from the current state."""

    status_code = status.HTTP_409_CONFLICT
    code = "invalid_transition"


class Conflict(DomainError):
    """The current state of the data forbids the operation (duplicate, limit reached, closed)."""

    status_code = status.HTTP_409_CONFLICT
    code = "conflict"


class NotPermitted(DomainError):
    status_code = status.HTTP_403_FORBIDDEN
    code = "permission_denied"


class TooManyAttempts(DomainError):
    """Refused for a while after too many tries (the per-account sign-in lockout)."""

    status_code = status.HTTP_429_TOO_MANY_REQUESTS
    code = "account_locked"


def _flatten(detail: Any) -> dict[str, list[str]]:
    if isinstance(detail, dict):
        out: dict[str, list[str]] = {}
        for key, value in detail.items():
            if isinstance(value, dict):
                for sub, msgs in _flatten(value).items():
                    out[f"{key}.{sub}"] = msgs
            elif isinstance(value, list) and value and isinstance(value[0], dict):
                for index, item in enumerate(value):
                    for sub, msgs in _flatten(item).items():
                        out[f"{key}[{index}].{sub}"] = msgs
            elif isinstance(value, list):
                out[key] = [str(v) for v in value]
            else:
                out[key] = [str(value)]
        return out
    if isinstance(detail, list):
        return {"non_field_errors": [str(v) for v in detail]}
    return {"non_field_errors": [str(detail)]}


def api_exception_handler(exc: Exception, context: dict) -> Response | None:
    if isinstance(exc, DomainError):
        return Response(
            {"code": exc.code, "detail": exc.detail, "fields": exc.fields},
            status=exc.status_code,
        )
    if isinstance(exc, DjangoValidationError):
        fields = (
            {k: [str(m) for m in v] for k, v in exc.message_dict.items()}
            if hasattr(exc, "error_dict")
            else {"non_field_errors": [str(m) for m in exc.messages]}
        )
        exc = exceptions.ValidationError(fields)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()

    response = exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        fields = _flatten(exc.detail)
        first = next(iter(fields.items()), ("", [""]))
        detail = f"{first[0]}: {first[1][0]}" if first[0] != "non_field_errors" else first[1][0]
        body = {"code": "validation_error", "detail": detail, "fields": fields}
    else:
        code = exc.get_codes() if isinstance(exc, exceptions.APIException) else "error"
        body = {
            "code": code if isinstance(code, str) else "error",
            "detail": str(getattr(exc, "detail", exc)),
            "fields": {},
        }
    response.data = body
    return response
