"""``Idempotency-Key`` for creates and uploads: a retried ``POST`` returns the first answer.

A client that lost the response of a ``POST`` (a dropped connection) cannot know whether it was
committed; sending the same ``Idempotency-Key`` header again gets the first answer (with
``Idempotent-Replayed: true``) instead of a second row. How:

* The key is scoped to the caller's credentials (a hash of the ``Authorization`` header or of the
  session cookie): two users never share a key space. Anonymous requests are not covered.
* The request runs inside one transaction that first inserts the key row; its answer is stored in
  that row before commit. So "created" and "answer stored" commit together, and a concurrent
  retry waits on the key's unique index until the first finishes, then replays it.
* Only 2xx answers are stored; any other answer rolls the key back (with whatever the request
  wrote), so a corrected retry with the same key runs again.
* The same key with a different method, path or JSON body is a 422 (``idempotency_key_reused``).
* Keys are kept ``IDEMPOTENCY_KEY_TTL_HOURS`` (24 h); older rows are deleted by the core sweep.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpResponse, JsonResponse

from core.models import IdempotentResponse

HEADER = "HTTP_IDEMPOTENCY_KEY"
MAX_KEY_LENGTH = 255


def _caller(request) -> str | None:
    credential = request.META.get("HTTP_AUTHORIZATION") or request.COOKIES.get(
        settings.SESSION_COOKIE_NAME
    )
    if not credential:
        return None
    return hashlib.sha256(credential.encode()).hexdigest()


def _fingerprint(request) -> str:
    """Method, path and, for JSON and form bodies, the body. A multipart upload is not read
    here (it may be large, and clients pick a new boundary on each retry)."""
    digest = hashlib.sha256()
    digest.update(f"{request.method} {request.path}\n".encode())
    if not request.content_type.startswith("multipart/"):
        digest.update(request.body)
    return digest.hexdigest()


def _error(status: int, code: str, detail: str) -> JsonResponse:
    return JsonResponse({"code": code, "detail": detail, "fields": {}}, status=status)


def _replay(record: IdempotentResponse) -> HttpResponse:
    response = HttpResponse(bytes(record.body), status=record.status_code)
    if record.content_type:
        response["Content-Type"] = record.content_type
    response["Idempotent-Replayed"] = "true"
    return response


class IdempotencyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        key = request.META.get(HEADER)
        if key is None or request.method != "POST" or not request.path.startswith("/api/"):
            return self.get_response(request)
        key = key.strip()
        if not key or len(key) > MAX_KEY_LENGTH:
            return _error(400, "validation_error", "Idempotency-Key: 1 to 255 characters.")
        caller = _caller(request)
        if caller is None:
            return self.get_response(request)
        fingerprint = _fingerprint(request)  # reads the body before a view streams it
        try:
            with transaction.atomic():
                record = IdempotentResponse.objects.create(
                    caller=caller, key=key, fingerprint=fingerprint
                )
                response = self.get_response(request)
                if not 200 <= response.status_code < 300 or response.streaming:
                    transaction.set_rollback(True)
                    return response
                record.status_code = response.status_code
                record.content_type = response.get("Content-Type", "")
                record.body = response.content
                record.save(update_fields=["status_code", "content_type", "body"])
                return response
        except IntegrityError:
            pass
        record = IdempotentResponse.objects.filter(caller=caller, key=key).first()
        if record is None or record.status_code is None:
            return _error(409, "conflict", "A request with this Idempotency-Key is still running.")
        if record.fingerprint != fingerprint:
            return _error(
                422,
                "idempotency_key_reused",
                "This Idempotency-Key was used for a different request; use a new key.",
            )
        return _replay(record)


def idempotency_keys_purge() -> int:
    """Delete keys older than ``IDEMPOTENCY_KEY_TTL_HOURS``; returns how many."""
    from datetime import timedelta

    from django.utils import timezone

    hours = getattr(settings, "IDEMPOTENCY_KEY_TTL_HOURS", 24)
    cutoff = timezone.now() - timedelta(hours=hours)
    deleted, _ = IdempotentResponse.objects.filter(created_at__lt=cutoff).delete()
    return deleted
