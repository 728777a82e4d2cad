"""Filters for notice templates (built into the notice template engine; ``{% load notices %}``
elsewhere)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from django import template
from django.conf import settings
from django.utils.dateparse import parse_datetime

register = template.Library()


@register.filter
def local_time(value: str | datetime | None) -> str:
    """An ISO datetime (as stored in a notice's JSON context) as ``YYYY-MM-DD HH:MM`` in the
    notice time zone (Asia/Shanghai), whatever the server's or the reader's zone."""
    if not value:
        return ""
    moment = parse_datetime(value) if isinstance(value, str) else value
    if moment is None:
        return str(value)
    zone = ZoneInfo(getattr(settings, "NOTIFICATIONS_TIME_ZONE", "Asia/Shanghai"))
    return moment.astimezone(zone).strftime("%Y-%m-%d %H:%M")
