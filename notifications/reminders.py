"""The reminder mechanics, once for every app: which offset before a deadline applies now, which
reminder is due for a due *date*, the occasion key of a wave, whether a wave was written, and the
cool-down of a reminder staff send by hand ("remind now").

Who is reminded of what lives in the app whose rule it is (``reviews/notices.py``,
``projects/notices.py``, ``innovation/notices.py``, ``incubator/notices.py``); they all write
through the one bulk path, ``notifications.services.notices_enqueue_bulk`` /
``notices_enqueue_due``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db.models import Max

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


# --- "remind now" by hand, with a cool-down ------------------------------------------------------


def remind_now_cooldown() -> timedelta:
    """How long a "remind now" by staff blocks the next one for the same thing: the one setting
    ``NOTIFICATIONS_REMIND_NOW_COOLDOWN_HOURS`` that the reviewers' "remind late reviewers now"
    reads as well."""
    return timedelta(hours=getattr(settings, "NOTIFICATIONS_REMIND_NOW_COOLDOWN_HOURS", 12))


def remind_now_occasion(now: datetime) -> str:
    """The occasion key of a "remind now": the moment it was sent, so each press is a wave of its
    own and a repeated request within the same instant writes nothing twice."""
    return f"remind-now;at={now.isoformat()}"


def remind_now_blocked_until(
    *, kind: str, subjects: Iterable, now: datetime
) -> dict[Any, datetime]:
    """For the subjects (studios, reports: one model) reminded by hand (notices of ``kind``)
    within the cool-down, the time when the next reminder may be sent, by the subject's pk;
    subjects free to be reminded are absent. One aggregate query whatever the number of
    subjects: the list pages show it per row, the services refuse with it."""
    subjects = list(subjects)
    if not subjects:
        return {}
    cooldown = remind_now_cooldown()
    subject_type = ContentType.objects.get_for_model(subjects[0], for_concrete_model=False)
    by_key = {str(s.pk): s.pk for s in subjects}
    rows = (
        Notice.objects.filter(
            kind=kind,
            subject_type=subject_type,
            subject_id__in=list(by_key),
            created_at__gt=now - cooldown,
        )
        .values("subject_id")
        .annotate(last=Max("created_at"))
    )
    return {by_key[row["subject_id"]]: row["last"] + cooldown for row in rows}
