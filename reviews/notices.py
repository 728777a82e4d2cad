"""Who the review process tells what, in its own words: the notices that a round's events write
through the notifications app's bulk path (``notices_enqueue_bulk``) — assignments confirmed or
changed, deadline reminders, the round closed, a recusal, publication, a shortfall of reviews. Each function is called
inside the transaction of the change that causes it (a rollback writes nothing, delivery is
queued on commit), and its occasion key makes a second call for the same event write nothing.

The wording is in ``reviews/templates/notifications/<kind>/<language>/``.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta

from django.db import connection, transaction
from django.utils import timezone

from accounts.enums import UNION_STAFF_ROLES
from accounts.models import User
from accounts.selectors import enterprise_members_by_organisation, users_holding
from notifications.models import Notice
from notifications.reminders import (
    due_offset,
    offsets_setting,
    remind_now_cooldown,
    reminder_occasion,
    wave_written,
)
from notifications.rendering import site_link
from notifications.services import Recipient, notice_enqueue, notices_enqueue_bulk
from reviews.enums import AdvancementRule, AssignmentStatus, AwardTier, RoundState
from reviews.models import Assignment, Round, RoundEntry
from reviews.selectors import reviewers_with_unsubmitted, round_progress, round_review_shortfall

# The kinds of notice the review process writes (``Notice.kind``); each has its templates here.
REVIEW_ASSIGNED = "review_assigned"
REVIEW_ASSIGNMENT_CHANGED = "review_assignment_changed"
REVIEW_DEADLINE_REMINDER = "review_deadline_reminder"
REVIEW_LATE_REMINDER = "review_late_reminder"
ROUND_CLOSED = "round_closed"
REVIEW_RECUSED = "review_recused"
ROUND_PUBLISHED = "round_published"
ROUND_SHORT_OF_REVIEWS = "round_short_of_reviews"

# How many entries a notice or a warning lists by name; the counts are always complete.
LISTED = 20


def review_staff() -> list[User]:
    """The people who run review rounds: active union staff, administrators and superusers."""
    return list(users_holding(UNION_STAFF_ROLES))


def _round_context(round_: Round) -> dict:
    return {
        "round": {"id": round_.pk, "name": round_.name},
        "contest": {"id": round_.contest_id, "name": round_.contest.name},
    }


def _to_staff(*, kind: str, round_: Round, occasion: str, context: dict) -> int:
    return notices_enqueue_bulk(
        kind=kind,
        subject=round_,
        occasion=occasion,
        recipients=[
            Recipient(user=staff, context={**context, "recipient_name": str(staff)})
            for staff in review_staff()
        ],
    )


# --- a recusal (回避) -----------------------------------------------------------------------------


def recusal_notify(*, assignment: Assignment) -> int:
    """Tell review staff that a reviewer recused from an entry, why, and how many active
    reviewers the entry has left against the round's k, so that they find a replacement."""
    round_ = assignment.round
    active = Assignment.objects.filter(
        round=round_, entry_id=assignment.entry_id, status=AssignmentStatus.ACTIVE
    ).count()
    context = {
        **_round_context(round_),
        "entry": {"id": assignment.entry_id, "title": assignment.entry.title},
        "reviewer_name": assignment.reviewer.full_name or assignment.reviewer.username,
        "reason": assignment.reason,
        "active_reviewers": active,
        "reviewers_per_entry": round_.reviewers_per_entry,
        # The console's assignment page of the round, where staff give the entry a new reviewer.
        "link": site_link(f"/console/rounds/{round_.pk}/assignment/"),
    }
    return _to_staff(
        kind=REVIEW_RECUSED,
        round_=round_,
        occasion=f"recusal;assignment={assignment.pk}",
        context=context,
    )


# --- publication ----------------------------------------------------------------------------------


def publication_notify(*, round: Round) -> int:
    """Tell each enterprise whose entries took part in a published round: every active member
    of the organisation gets one notice listing that organisation's entries and their outcome
    (advanced or not, award). Published once, so the occasion is fixed."""
    by_org: dict[int, list[dict]] = {}
    rows = (
        RoundEntry.objects.filter(round=round)
        .order_by("entry__organisation_id", "rank", "entry_id")
        .values_list(
            "entry__organisation_id",
            "entry_id",
            "entry__title",
            "rank",
            "advanced",
            "entry__award__tier",
        )
    )
    for organisation_id, entry_id, title, rank, advanced, tier in rows.iterator(chunk_size=5000):
        by_org.setdefault(organisation_id, []).append(
            {
                "id": entry_id,
                "title": title,
                "rank": rank,
                "advanced": bool(advanced),
                "award_tier": tier or "",
                "award": AwardTier(tier).label if tier else "",
            }
        )
    if not by_org:
        return 0
    base = {
        **_round_context(round),
        # Nobody advances from a contest's final round: the notice then says nothing about it.
        "final": round.advancement_rule == AdvancementRule.NONE,
        # The enterprise results page (web/enterprise), where the outcomes and comments are.
        "link": site_link("/enterprise/results/"),
    }
    recipients = [
        Recipient(
            user=member,
            context={
                **base,
                "entries": by_org[organisation_id][:LISTED],
                "entry_count": len(by_org[organisation_id]),
                "recipient_name": str(member),
            },
        )
        for organisation_id, members in sorted(enterprise_members_by_organisation(by_org).items())
        for member in members
    ]
    return notices_enqueue_bulk(
        kind=ROUND_PUBLISHED, subject=round, occasion="published", recipients=recipients
    )


# --- entries with fewer than k reviews ------------------------------------------------------------


def round_shortfall_warn(*, round: Round, event: str) -> dict | None:
    """When entries of the round have fewer than k reviews as it closes (``event`` "closed") or
    its results are computed ("results"), tell review staff once per shortfall:
    the occasion holds the deadline and the figures, so recomputing the same results writes
    nothing new while a changed shortfall (a review added, the round reopened) is told again.
    Returns the warning (what the API answers) or None."""
    warning = round_review_shortfall(round)
    if warning is None:
        return None
    occasion = (
        f"short;deadline={round.deadline.isoformat()};entries={warning['entry_count']};"
        f"missing={warning['missing_reviews']}"
    )
    _to_staff(
        kind=ROUND_SHORT_OF_REVIEWS,
        round_=round,
        occasion=occasion,
        context={
            **_round_context(round),
            **warning,
            "event": event,
            "link": site_link(f"/console/rounds/{round.pk}/results/"),
        },
    )
    return warning


# --- to reviewers: assignments, reminders; to staff: the round closed ------------------------------


def _reviewer_round_context(round_: Round) -> dict:
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
    # One row per reviewer, grouped and cut by the database (count, the first entries' ids and
    # titles): at 500,000 assignments reading every row into Python was most of the notices' time.
    by_reviewer: dict[int, tuple[int, list[dict]]] = {}
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT a.reviewer_id, count(*), "
                "(array_agg(a.entry_id ORDER BY a.entry_id))[1:%s], "
                "(array_agg(e.title ORDER BY a.entry_id))[1:%s] "
                "FROM reviews_assignment a JOIN projects_entry e ON e.id = a.entry_id "
                "WHERE a.round_id = %s AND a.status = %s "
                "GROUP BY a.reviewer_id ORDER BY a.reviewer_id",
                [ASSIGNED_LIST_MAX, ASSIGNED_LIST_MAX, round.pk, AssignmentStatus.ACTIVE.value],
            )
            for reviewer_id, count, ids, titles in cursor.fetchall():
                by_reviewer[reviewer_id] = (
                    count,
                    [{"id": i, "title": t} for i, t in zip(ids, titles, strict=True)],
                )
    else:
        rows = (
            Assignment.objects.filter(round=round, status=AssignmentStatus.ACTIVE)
            .order_by("reviewer_id", "entry_id")
            .values_list("reviewer_id", "entry_id", "entry__title")
        )
        lists: dict[int, list[dict]] = defaultdict(list)
        for reviewer_id, entry_id, title in rows.iterator(chunk_size=20_000):
            lists[reviewer_id].append({"id": entry_id, "title": title})
        by_reviewer = {r: (len(items), items[:ASSIGNED_LIST_MAX]) for r, items in lists.items()}
    users = User.objects.in_bulk(list(by_reviewer))
    base = _reviewer_round_context(round)
    recipients = [
        Recipient(
            user=users[reviewer_id],
            context={
                **base,
                # Titles only: in a blind round (盲评) the reviewer must not learn the
                # organisation. A long list is cut: the link shows them all.
                "entries": items,
                "entries_more": max(count - ASSIGNED_LIST_MAX, 0),
                "entry_count": count,
                "recipient_name": str(users[reviewer_id]),
            },
        )
        for reviewer_id, (count, items) in by_reviewer.items()
    ]
    return notices_enqueue_bulk(
        kind=REVIEW_ASSIGNED,
        subject=round,
        occasion="assignments-confirmed",
        recipients=recipients,
    )


def review_assignment_changed_notify(*, assignment, change: str) -> Notice | None:
    """Job 1, later changes: called inside ``assignment_add`` / ``assignment_remove`` (and so
    ``assignment_swap``). Only the reviewer of the changed assignment is told, and only once the
    round is open (before that, the confirmation notice tells them everything). A recusal is the
    reviewer's own act and needs no notice."""
    round_ = assignment.round
    if round_.state != RoundState.OPEN:
        return None
    now = timezone.now()
    return notice_enqueue(
        recipient=assignment.reviewer,
        kind=REVIEW_ASSIGNMENT_CHANGED,
        subject=round_,
        occasion=f"assignment={assignment.pk};{change};at={now.isoformat()}",
        context={
            **_reviewer_round_context(round_),
            "change": change,
            "entry": {"id": assignment.entry_id, "title": assignment.entry.title},
            "recipient_name": str(assignment.reviewer),
        },
    )


def _unsubmitted_recipients(round_, extra: dict) -> list[Recipient]:
    base = {**_reviewer_round_context(round_), **extra}
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
    now = now or timezone.now()
    offsets = offsets_setting("NOTIFICATIONS_REVIEW_REMINDER_OFFSETS_HOURS")
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
        kind = REVIEW_DEADLINE_REMINDER
        if wave_written(kind=kind, subject=round_, occasion=occasion):
            continue
        recipients = _unsubmitted_recipients(round_, {"hours_before": offset})
        with transaction.atomic():
            created += notices_enqueue_bulk(
                kind=kind, subject=round_, occasion=occasion, recipients=recipients
            )
    return created


def review_round_closed_notify(*, closed_round) -> int:
    """Job 4: tell union staff the completion figures of a round the system closed at its
    deadline. Called by ``reviews.services.round_close`` in its transaction; the key (round,
    deadline) keeps it to one notice per staff member even if the close ran twice."""
    round_ = closed_round
    progress = round_progress(round_)
    totals = progress["totals"]
    behind = [r for r in progress["reviewers"] if r["submitted"] < r["assigned"]]
    context = {
        **_reviewer_round_context(round_),
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
        kind=ROUND_CLOSED,
        subject=round_,
        occasion=f"closed;deadline={round_.deadline.isoformat()}",
        recipients=[
            Recipient(user=staff, context={**context, "recipient_name": str(staff)})
            for staff in review_staff()
        ],
    )


def late_reviewers_remind(*, round: Round, now: datetime) -> dict:
    """Staff's "remind late reviewers now", the notice part: every reviewer with unsubmitted
    assignments in the round is reminded, except those already reminded this way within the
    cool-down (``NOTIFICATIONS_REMIND_NOW_COOLDOWN_HOURS``). Called by
    ``services.round_remind_late_reviewers`` with the round locked, so two clicks at once are
    serialised and the second finds the first's notices."""
    cooldown = remind_now_cooldown()
    recipients = _unsubmitted_recipients(round, {"overdue": now > round.deadline})
    recent = set(
        Notice.objects.filter(
            kind=REVIEW_LATE_REMINDER,
            subject_type__app_label="reviews",
            subject_type__model="round",
            subject_id=str(round.pk),
            created_at__gt=now - cooldown,
        ).values_list("recipient_id", flat=True)
    )
    due = [r for r in recipients if r.user.pk not in recent]
    created = notices_enqueue_bulk(
        kind=REVIEW_LATE_REMINDER,
        subject=round,
        occasion=f"remind-now;at={now.isoformat()}",
        recipients=due,
    )
    return {"reminded": created, "in_cooldown": len(recipients) - len(due)}
