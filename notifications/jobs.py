"""The jobs that decide who is told what and when (registration reminders; the review jobs join
them once the reviews app exists). Each job is a service: it writes notices through
``notices_enqueue_bulk``, so running it twice (two beats, a retried task) writes nothing new.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from accounts.models import User
from notifications.enums import NoticeKind
from notifications.rendering import site_link
from notifications.services import Recipient, notices_enqueue_bulk
from projects.enums import AttachmentKind, ContestState, EntryState, TeamRole
from projects.models import Attachment, Contest, Entry, TeamMember


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


def _offsets(name: str) -> list[int]:
    return sorted({int(h) for h in getattr(settings, name, (72, 24, 2))}, reverse=True)


# --- registration reminders (job 3) ---------------------------------------------------------------


def _missing(entry: dict) -> list[str]:
    """What a draft still lacks, as codes the templates put into words. Mirrors the fields on
    which submission depends on main (summary, innovation points, benefits, a leader, a plan)."""
    missing = [f for f in ("summary", "innovation_points", "expected_benefits") if not entry[f]]
    if not entry["has_leader"]:
        missing.append("team_leader")
    if not entry["has_plan"]:
        missing.append("plan")
    return missing


def registration_reminders_send(*, now: datetime | None = None) -> int:
    """Remind members of organisations with draft entries that registration closes soon.

    For each open contest whose registration closes within the largest offset
    (``NOTIFICATIONS_REGISTRATION_REMINDER_OFFSETS_HOURS``, default 72/24/2), every active member
    of an organisation with draft entries gets one reminder for the offset that applies now,
    listing each draft and what it is missing. Returns the number of new notices.
    """
    now = now or timezone.now()
    offsets = _offsets("NOTIFICATIONS_REGISTRATION_REMINDER_OFFSETS_HOURS")
    if not offsets:
        return 0
    contests = Contest.objects.filter(
        state=ContestState.OPEN,
        registration_closes_at__gt=now,
        registration_closes_at__lte=now + timedelta(hours=max(offsets)),
    )
    created = 0
    for contest in contests:
        offset = due_offset(deadline=contest.registration_closes_at, now=now, offsets_hours=offsets)
        if offset is not None:
            created += _registration_wave(contest=contest, offset_hours=offset)
    return created


def _registration_wave(*, contest: Contest, offset_hours: int) -> int:
    drafts = (
        Entry.objects.filter(contest=contest, state=EntryState.DRAFT)
        .annotate(
            has_leader=Exists(
                TeamMember.objects.filter(entry=OuterRef("pk"), role=TeamRole.LEADER)
            ),
            has_plan=Exists(
                Attachment.objects.filter(entry=OuterRef("pk"), kind=AttachmentKind.PLAN)
            ),
        )
        .order_by("organisation_id", "pk")
        .values(
            "pk",
            "organisation_id",
            "title",
            "summary",
            "innovation_points",
            "expected_benefits",
            "has_leader",
            "has_plan",
        )
    )
    by_org: dict[int, list[dict]] = defaultdict(list)
    for entry in drafts:
        by_org[entry["organisation_id"]].append(
            {"id": entry["pk"], "title": entry["title"], "missing": _missing(entry)}
        )
    if not by_org:
        return 0
    members = User.objects.filter(organisation_id__in=list(by_org), is_active=True).order_by("pk")
    base = {
        "contest": {"id": contest.pk, "name": contest.name},
        "deadline": contest.registration_closes_at,
        "hours_before": offset_hours,
        "link": site_link(f"/api/v1/entries/?contest={contest.pk}&state=draft"),
    }
    recipients = [
        Recipient(
            user=member,
            context={
                **base,
                "entries": by_org[member.organisation_id],
                "entry_count": len(by_org[member.organisation_id]),
                "recipient_name": str(member),
            },
        )
        for member in members
    ]
    with transaction.atomic():
        return notices_enqueue_bulk(
            kind=NoticeKind.REGISTRATION_REMINDER,
            subject=contest,
            occasion=reminder_occasion(
                deadline=contest.registration_closes_at, offset_hours=offset_hours
            ),
            recipients=recipients,
        )
