"""Who the registration process tells what: the reminder that registration closes soon, to the
members of organisations with draft entries. Written through the notifications app's bulk path;
the wording is in ``projects/templates/notifications/registration_reminder/<language>/``.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from accounts.selectors import enterprise_members_by_organisation
from notifications.reminders import due_offset, offsets_setting, reminder_occasion, wave_written
from notifications.rendering import site_link
from notifications.services import Recipient, notices_enqueue_bulk
from projects.enums import ContestState, EntryState
from projects.models import Contest, Entry
from projects.services import entries_missing

REGISTRATION_REMINDER = "registration_reminder"


def registration_reminders_send(*, now: datetime | None = None) -> int:
    """Remind members of organisations with draft entries that registration closes soon.

    For each open contest whose registration closes within the largest offset
    (``NOTIFICATIONS_REGISTRATION_REMINDER_OFFSETS_HOURS``, default 72/24/2), every active member
    of an organisation with draft entries gets one reminder for the offset that applies now,
    listing each draft and what it is missing. Returns the number of new notices.
    """
    now = now or timezone.now()
    offsets = offsets_setting("NOTIFICATIONS_REGISTRATION_REMINDER_OFFSETS_HOURS")
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
    occasion = reminder_occasion(deadline=contest.registration_closes_at, offset_hours=offset_hours)
    if wave_written(kind=REGISTRATION_REMINDER, subject=contest, occasion=occasion):
        return 0
    drafts = Entry.objects.filter(contest=contest, state=EntryState.DRAFT)
    # The submit service's own rule, so the reminder lists exactly what submitting would refuse
    # (``fields`` codes: title, summary, innovation_points, expected_benefits, keywords, team,
    # attachments — the templates put them into words). One query for all drafts.
    missing = entries_missing(drafts)
    by_org: dict[int, list[dict]] = defaultdict(list)
    rows = drafts.order_by("organisation_id", "pk").values_list("pk", "organisation_id", "title")
    for pk, organisation_id, title in rows.iterator(chunk_size=5000):
        # A draft created between the two reads is left to the next reminder.
        if pk in missing:
            by_org[organisation_id].append({"id": pk, "title": title, "missing": list(missing[pk])})
    if not by_org:
        return 0
    # Enterprise members only: a user merely linked to the organisation (role taken away) is not
    # told about its entries.
    members_by_org = enterprise_members_by_organisation(by_org)
    members = sorted((u for users in members_by_org.values() for u in users), key=lambda u: u.pk)
    base = {
        "contest": {"id": contest.pk, "name": contest.name},
        "deadline": contest.registration_closes_at,
        "hours_before": offset_hours,
        "link": site_link("/enterprise/entries/?state=draft"),
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
            kind=REGISTRATION_REMINDER,
            subject=contest,
            occasion=occasion,
            recipients=recipients,
        )
