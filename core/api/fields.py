"""Serializer fields that refuse what the database cannot store or what is not what it claims.

``core.apps`` makes ModelSerializer use them for every model field it maps; serializers that
declare a field by hand use them by name (a test walks every serializer of the API for that).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core import bounds


def _raise_as_drf(check, value):
    try:
        check(value)
    except DjangoValidationError as exc:
        raise serializers.ValidationError(exc.messages, code=exc.code) from exc


class DateTimeField(serializers.DateTimeField):
    """A datetime within years 1900..2999 and a real-world UTC offset (``core.bounds``)."""

    def to_internal_value(self, value):
        if isinstance(value, str):
            # The offset as written: DRF turns the value to the current time zone first, so an
            # offset no clock has (-16:00) would otherwise pass unnoticed.
            try:
                written = parse_datetime(value.strip())
            except ValueError:
                written = None
            if written is not None:
                _raise_as_drf(bounds.check_datetime, written)
        result = super().to_internal_value(value)
        _raise_as_drf(bounds.check_datetime, result)
        return result


def datetime_representer() -> Callable[[datetime | None], str | None]:
    """DRF's ``DateTimeField().to_representation`` for the many timestamps of one response
    built without serializers (dict rows of a read-only list): the same ISO 8601 text in the
    current time zone, with that zone looked up once instead of once per value (the lookup was
    most of DRF's cost: three timestamps on each of 50 rows took 1.5 ms a page). A naive or
    non-datetime value goes to DRF's own field, in the same zone."""
    zone = timezone.get_current_timezone()
    fallback = serializers.DateTimeField(default_timezone=zone).to_representation

    def represent(value):
        if not value:
            return None
        if type(value) is not datetime or value.tzinfo is None:
            return fallback(value)
        text = value.astimezone(zone).isoformat()
        return text[:-6] + "Z" if text.endswith("+00:00") else text

    return represent


class DateField(serializers.DateField):
    """A date within years 1900..2999 (``core.bounds``)."""

    def to_internal_value(self, value):
        result = super().to_internal_value(value)
        _raise_as_drf(bounds.check_date, result)
        return result


class PrimaryKeyRelatedField(serializers.PrimaryKeyRelatedField):
    """A related id that is an integer: ``2.5`` or ``true`` is a 400, not row 2 or row 1."""

    default_error_messages = {
        **serializers.PrimaryKeyRelatedField.default_error_messages,
        "incorrect_type": "Incorrect type. Expected an integer id, received {data_type}.",
    }

    def to_internal_value(self, data):
        if isinstance(data, bool | float):
            self.fail("incorrect_type", data_type=type(data).__name__)
        if isinstance(data, str) and not data.strip().lstrip("-").isdigit():
            self.fail("incorrect_type", data_type="str")
        return super().to_internal_value(data)

    def get_choices(self, cutoff=None):
        """The options of the browsable API's form: only rows of the caller's own selector
        (``core.filters.CHOICE_SELECTORS``). What the field *accepts* is still its queryset: the
        service decides whether the caller may use a row (a 403/404 naming it)."""
        from core.filters import choices_for

        queryset = self.get_queryset()
        if queryset is None:
            return {}
        request = self.context.get("request") if hasattr(self, "parent") else None
        user = getattr(request, "user", None)
        try:
            scoped = choices_for(queryset.model, user) if user is not None else None
        except Exception:  # noqa: BLE001 - no selector: offer nothing rather than everything
            scoped = None
        scoped = queryset.none() if scoped is None else queryset.filter(pk__in=scoped.values("pk"))
        if cutoff is not None:
            scoped = scoped[:cutoff]
        return {self.to_representation(item): self.display_value(item) for item in scoped}


@extend_schema_field(
    {"anyOf": [{"type": "string", "format": "email"}, {"type": "string", "maxLength": 0}]}
)
class EmailOrBlankField(serializers.EmailField):
    """An email address, or empty where the model allows none (the schema says both)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("allow_blank", True)
        super().__init__(**kwargs)
