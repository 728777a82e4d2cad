"""The jobs that decide who is told what and when (registration reminders; the review jobs join
them once the reviews app exists). Each job is a service: it writes notices through
``notices_enqueue_bulk``, so running it twice (two beats, a retried task) writes nothing new.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Sequence
from datetime import date, datetime, timedelta

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.selectors import enterprise_members_by_organisation
from notifications.enums import NoticeKind
from notifications.models import Notice
from notifications.rendering import site_link
from notifications.services import Recipient, notice_enqueue, notices_enqueue_bulk
from projects.enums import ContestState, EntryState
from projects.models import Contest, Entry
from projects.services import entries_missing

logger = logging.getLogger(__name__)


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


def _offsets(name: str) -> list[int]:
    return sorted({int(h) for h in getattr(settings, name, (72, 24, 2))}, reverse=True)


# --- registration reminders (job 3) ---------------------------------------------------------------


def _wave_written(*, kind: str, subject, occasion: str) -> bool:
    """Whether this reminder wave was already written. A wave is written in one transaction, so
    one row means all of it: later scans in the same window (every 5 minutes for days) skip the
    work instead of re-rendering thousands of notices that the unique key would drop anyway.
    Someone who joins after the wave (a late draft, a reviewer added by hand) gets the next
    offset's reminder (and a reviewer added by hand an assignment notice at once)."""
    subject_type = ContentType.objects.get_for_model(subject, for_concrete_model=False)
    return Notice.objects.filter(
        kind=kind, subject_type=subject_type, subject_id=str(subject.pk), occasion=occasion
    ).exists()


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
    occasion = reminder_occasion(deadline=contest.registration_closes_at, offset_hours=offset_hours)
    if _wave_written(kind=NoticeKind.REGISTRATION_REMINDER, subject=contest, occasion=occasion):
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
            kind=NoticeKind.REGISTRATION_REMINDER,
            subject=contest,
            occasion=occasion,
            recipients=recipients,
        )


# --- review jobs (1, 2, 4, 5) -----------------------------------------------------------------------
# Imports of the reviews app stay inside the functions: reviews.services calls into this module
# (assignment notices are written in its transactions), so a top-level import would be circular.


def _round_context(round_) -> dict:
    return {
        "round": {"id": round_.pk, "name": round_.name},
        "contest": {"id": round_.contest_id, "name": round_.contest.name},
        "deadline": round_.deadline,
        # The reviewer's workbench (web/reviewer): their queue with the round's pledge first.
        "link": site_link("/review/"),
    }


def _entry_list(assignments) -> list[dict]:
    # Titles only: in a blind round (盲评) the reviewer must not learn the organisation.
    return [{"id": a.entry_id, "title": a.entry.title} for a in assignments]


# The confirmation notice lists at most this many titles (then "and N more" with the link).
ASSIGNED_LIST_MAX = 30


def review_assignments_notify(*, round) -> int:
    """Job 1: called inside ``round_confirm_assignments``' transaction. Each reviewer with active
    assignments in the round gets ONE notice listing all their entries (not one per entry).
    Confirming is once per round, so the occasion is fixed; a retried call writes nothing."""
    from reviews.enums import AssignmentStatus
    from reviews.models import Assignment

    # Plain rows, not 500,000 Assignment + User + Entry instances (that was most of a
    # provincial round's confirmation); the reviewers are loaded once each.
    rows = (
        Assignment.objects.filter(round=round, status=AssignmentStatus.ACTIVE)
        .order_by("reviewer_id", "entry_id")
        .values_list("reviewer_id", "entry_id", "entry__title")
    )
    by_reviewer: dict[int, list[dict]] = defaultdict(list)
    for reviewer_id, entry_id, title in rows.iterator(chunk_size=20_000):
        by_reviewer[reviewer_id].append({"id": entry_id, "title": title})
    users = User.objects.in_bulk(list(by_reviewer))
    base = _round_context(round)
    recipients = [
        Recipient(
            user=users[reviewer_id],
            context={
                **base,
                # Titles only: in a blind round (盲评) the reviewer must not learn the
                # organisation. A long list is cut: the link shows them all.
                "entries": items[:ASSIGNED_LIST_MAX],
                "entries_more": max(len(items) - ASSIGNED_LIST_MAX, 0),
                "entry_count": len(items),
                "recipient_name": str(users[reviewer_id]),
            },
        )
        for reviewer_id, items in by_reviewer.items()
    ]
    return notices_enqueue_bulk(
        kind=NoticeKind.REVIEW_ASSIGNED,
        subject=round,
        occasion="assignments-confirmed",
        recipients=recipients,
    )


def review_assignment_changed_notify(*, assignment, change: str) -> Notice | None:
    """Job 1, later changes: called inside ``assignment_add`` / ``assignment_remove`` (and so
    ``assignment_swap``). Only the reviewer of the changed assignment is told, and only once the
    round is open (before that, the confirmation notice tells them everything). A recusal is the
    reviewer's own act and needs no notice."""
    from reviews.enums import RoundState

    round_ = assignment.round
    if round_.state != RoundState.OPEN:
        return None
    now = timezone.now()
    return notice_enqueue(
        recipient=assignment.reviewer,
        kind=NoticeKind.REVIEW_ASSIGNMENT_CHANGED,
        subject=round_,
        occasion=f"assignment={assignment.pk};{change};at={now.isoformat()}",
        context={
            **_round_context(round_),
            "change": change,
            "entry": {"id": assignment.entry_id, "title": assignment.entry.title},
            "recipient_name": str(assignment.reviewer),
        },
    )


def _unsubmitted_recipients(round_, extra: dict) -> list[Recipient]:
    from reviews.selectors import reviewers_with_unsubmitted

    base = {**_round_context(round_), **extra}
    return [
        Recipient(
            user=reviewer,
            context={
                **base,
                "entries": _entry_list(items),
                "entry_count": len(items),
                "recipient_name": str(reviewer),
            },
        )
        for reviewer, items in sorted(
            reviewers_with_unsubmitted(round_).items(), key=lambda kv: kv[0].pk
        )
    ]


def review_deadline_reminders_send(*, now: datetime | None = None) -> int:
    """Job 2 (beat, every few minutes): for each open round whose deadline is within the largest
    offset (``NOTIFICATIONS_REVIEW_REMINDER_OFFSETS_HOURS``, default 72/24/2), every reviewer with
    unsubmitted assignments gets one reminder for the offset that applies now, listing what is
    left. Reviewers who are done get nothing. The deadline is part of the occasion key, so a moved
    deadline gets reminders for its own offsets and a repeated scan (two beats) writes nothing.
    Returns the number of new notices."""
    from reviews.enums import RoundState
    from reviews.models import Round

    now = now or timezone.now()
    offsets = _offsets("NOTIFICATIONS_REVIEW_REMINDER_OFFSETS_HOURS")
    if not offsets:
        return 0
    rounds = Round.objects.filter(
        state=RoundState.OPEN, deadline__gt=now, deadline__lte=now + timedelta(hours=max(offsets))
    ).select_related("contest")
    created = 0
    for round_ in rounds:
        offset = due_offset(deadline=round_.deadline, now=now, offsets_hours=offsets)
        if offset is None:
            continue
        occasion = reminder_occasion(deadline=round_.deadline, offset_hours=offset)
        kind = NoticeKind.REVIEW_DEADLINE_REMINDER
        if _wave_written(kind=kind, subject=round_, occasion=occasion):
            continue
        recipients = _unsubmitted_recipients(round_, {"hours_before": offset})
        with transaction.atomic():
            created += notices_enqueue_bulk(
                kind=kind, subject=round_, occasion=occasion, recipients=recipients
            )
    return created


def _review_staff() -> list[User]:
    from accounts.enums import UNION_STAFF_ROLES
    from accounts.selectors import users_holding

    return list(users_holding(UNION_STAFF_ROLES))


def review_round_closed_notify(*, closed_round) -> int:
    """Job 4: tell union staff the completion figures of a round the system closed at its
    deadline. Called by ``reviews.services.round_close`` in its transaction; the key (round,
    deadline) keeps it to one notice per staff member even if the close ran twice."""
    round_ = closed_round
    from reviews.selectors import round_progress

    progress = round_progress(round_)
    totals = progress["totals"]
    behind = [r for r in progress["reviewers"] if r["submitted"] < r["assigned"]]
    context = {
        **_round_context(round_),
        "assigned": totals["assigned"],
        "submitted": totals["submitted"],
        "missing": totals["assigned"] - totals["submitted"],
        "percent": round(100 * totals["submitted"] / totals["assigned"], 1)
        if totals["assigned"]
        else 100.0,
        "reviewer_count": len(progress["reviewers"]),
        "late_reviewers": [
            {
                "name": r["full_name"] or r["username"],
                "missing": r["assigned"] - r["submitted"],
            }
            for r in sorted(behind, key=lambda r: r["submitted"] - r["assigned"])[:20]
        ],
        "late_reviewer_count": len(behind),
        "link": site_link(f"/console/rounds/{round_.pk}/"),
    }
    return notices_enqueue_bulk(
        kind=NoticeKind.ROUND_CLOSED,
        subject=round_,
        occasion=f"closed;deadline={round_.deadline.isoformat()}",
        recipients=[
            Recipient(user=staff, context={**context, "recipient_name": str(staff)})
            for staff in _review_staff()
        ],
    )


def review_late_reminders_send(*, round, actor: User) -> dict:
    """Job 5: staff "remind late reviewers now". Every reviewer with unsubmitted assignments in
    the open round is reminded, except those already reminded this way within the cool-down
    (``NOTIFICATIONS_REMIND_NOW_COOLDOWN_HOURS``). The round row is locked for the duration, so
    two clicks at once are serialised and the second finds the first's notices. Audited."""
    from core.exceptions import Conflict
    from core.services import audit_record
    from reviews.enums import RoundState
    from reviews.models import Round

    now = timezone.now()
    cooldown = timedelta(hours=getattr(settings, "NOTIFICATIONS_REMIND_NOW_COOLDOWN_HOURS", 12))
    with transaction.atomic():
        locked = Round.objects.select_for_update(of=("self",)).select_related("contest")
        locked = locked.get(pk=round.pk)
        if locked.state != RoundState.OPEN:
            raise Conflict(
                _("Only an open round has reviewers to remind."),
                code="round_not_open",
                fields={"round": [_("The round is not open.")]},
            )
        recipients = _unsubmitted_recipients(locked, {"overdue": now > locked.deadline})
        recent = set(
            Notice.objects.filter(
                kind=NoticeKind.REVIEW_LATE_REMINDER,
                subject_type__app_label="reviews",
                subject_type__model="round",
                subject_id=str(locked.pk),
                created_at__gt=now - cooldown,
            ).values_list("recipient_id", flat=True)
        )
        due = [r for r in recipients if r.user.pk not in recent]
        created = notices_enqueue_bulk(
            kind=NoticeKind.REVIEW_LATE_REMINDER,
            subject=locked,
            occasion=f"remind-now;at={now.isoformat()}",
            recipients=due,
        )
        audit_record(
            actor=actor,
            action="round.remind_late",
            target=locked,
            data={"reminded": created, "in_cooldown": len(recipients) - len(due)},
        )
    return {"reminded": created, "in_cooldown": len(recipients) - len(due)}
