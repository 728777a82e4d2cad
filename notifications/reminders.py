"""The reminder mechanics, once for every app: which offset before a deadline applies now, which
reminder is due for a due *date*, the occasion key of a wave, and whether a wave was written.

Who is reminded of what lives in the app whose rule it is (``reviews/notices.py``,
``projects/notices.py``, ``innovation/notices.py``, ``incubator/notices.py``); they all write
through the one bulk path, ``notifications.services.notices_enqueue_bulk`` /
``notices_enqueue_due``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta

from django.conf import settings
from django.contrib.contenttypes.models import ContentType

from notifications.models import Notice


def due_offset(*, deadline: datetime, now: datetime, offsets_hours: Sequence[int]) -> int | None:
    """The reminder offset (in hours) that applies ``now`` for ``deadline``: the smallest offset
    whose window has opened, or None before the first window or after the deadline.

    Only the smallest one: a scan that first sees a deadline 20 h away sends the 24 h reminder,
    not the 72 h one as well (one message, not two at once).
    """
    if now >= deadline:
        return None
    left = deadline - now
    opened = [h for h in offsets_hours if left <= timedelta(hours=h)]
    return min(opened) if opened else None


def reminder_occasion(*, deadline: datetime, offset_hours: int) -> str:
    """The occasion key of a reminder: the deadline is part of it, so a moved deadline gets
    reminders of its own and an unchanged one never gets the same reminder twice."""
    return f"deadline={deadline.isoformat()};before={offset_hours}h"


def due_date_reminder(
    *, today: date, due: date, days_before: int, overdue_every: int
) -> tuple[str, int] | None:
    """Which reminder (if any) is due on ``today`` for a due *date* (reports): ``("due", 0)``
    within ``days_before`` days before it, then ``("overdue", n)`` from the day after, a new ``n``
    every ``overdue_every`` days. Pure; callers put the pair in the occasion key."""
    if due - timedelta(days=days_before) <= today <= due:
        return ("due", 0)
    if today > due:
        return ("overdue", (today - due - timedelta(days=1)).days // max(overdue_every, 1))
    return None


def offsets_setting(name: str) -> list[int]:
    """The reminder offsets (hours before a deadline) of the setting ``name``, largest first."""
    return sorted({int(h) for h in getattr(settings, name, (72, 24, 2))}, reverse=True)


def wave_written(*, kind: str, subject, occasion: str) -> bool:
    """Whether this reminder wave was already written. A wave is written in one transaction, so
    one row means all of it: later scans in the same window (every 5 minutes for days) skip the
    work instead of re-rendering thousands of notices that the unique key would drop anyway.
    Someone who joins after the wave (a late draft, a reviewer added by hand) gets the next
    offset's reminder (and a reviewer added by hand an assignment notice at once)."""
    subject_type = ContentType.objects.get_for_model(subject, for_concrete_model=False)
    return Notice.objects.filter(
        kind=kind, subject_type=subject_type, subject_id=str(subject.pk), occasion=occasion
    ).exists()
