"""The OpenAPI schema documents what the server answers, its errors included (issue 10).

Every error of the API has one body, ``{code, detail, fields}`` (``core.exceptions``), and each
operation lists the error statuses it can answer, from what the operation is:

- 400: invalid input (a body, query parameters, a too-deep JSON body);
- 401 and 403: not signed in, or a role or organisation that may not do this;
- 404: an object the caller cannot see (a path id), or a page past the end (a list);
- 409: a write refused by the current state (a transition table, a live job, a duplicate);
- 422: a POST whose ``Idempotency-Key`` was used before with another body;
- 429: a throttled operation (sign-in), or an account locked after failed sign-ins.

``tests/core/test_fuzz_schema.py`` fails on any status a response has that its operation does
not document.

``code`` is stable and never translated: clients branch on it. ``detail`` and the messages in
``fields`` are for people, in the request's language (``Accept-Language``; zh-hans when absent,
English with ``Accept-Language: en``).
"""

from __future__ import annotations

from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers

WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})

ERROR_DESCRIPTIONS = {
    "400": "Invalid input; `fields` says which field and why.",
    "401": "Not signed in, or the token is invalid or expired.",
    "403": "This role or organisation may not do this.",
    "404": "No such object visible to the caller, or no such page.",
    "409": "Refused in the current state; `detail` says why.",
    "422": "This Idempotency-Key was used with another request (core/idempotency.py).",
    "429": "Too many attempts; try again later.",
}


class ErrorSerializer(serializers.Serializer):
    """The body of every error answer."""

    code = serializers.CharField(
        help_text="Stable machine code (never translated). A 400 is `validation_error` with the "
        "fields named in `fields`; a refusal (403/409) carries its app's code, listed in "
        "`<app>/errors.py` — clients branch on it, never on `detail`."
    )
    detail = serializers.CharField(
        help_text="What went wrong, for people, in the request's language (Accept-Language; "
        "zh-hans by default)."
    )
    fields = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text="Messages by field name, in the request's language.",
    )

    class Meta:
        ref_name = "Error"


class AutoSchema(SpectacularAutoSchema):
    """drf-spectacular's schema with each operation's error answers added."""

    def error_statuses(self) -> list[str]:
        codes = ["400", "401", "403"]
        if "{" in self.path or self.method == "GET":
            codes.append("404")
        if self.method in WRITES:
            codes.append("409")
        if self.method == "POST":
            codes.append("422")
        if self.view.get_throttles() or getattr(self.view, "answers_429", False):
            codes.append("429")
        return codes

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        for code in self.error_statuses():
            if code not in responses:
                responses[code] = self._get_response_for_code(
                    OpenApiResponse(ErrorSerializer, description=ERROR_DESCRIPTIONS[code]),
                    code,
                    media_types=["application/json"],
                    direction=direction,
                )
        return responses
