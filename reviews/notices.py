"""Who the review process tells what, in its own words: the notices that a round's events write
through the notifications app's bulk path (``notices_enqueue_bulk``). Each function is called
inside the transaction of the change that causes it (a rollback writes nothing, delivery is
queued on commit), and its occasion key makes a second call for the same event write nothing.

The wording is in ``reviews/templates/notifications/<kind>/<language>/``.
"""

from __future__ import annotations

from accounts.enums import UNION_STAFF_ROLES
from accounts.models import User
from accounts.selectors import enterprise_members_by_organisation, users_holding
from notifications.rendering import site_link
from notifications.services import Recipient, notices_enqueue_bulk
from reviews.enums import AdvancementRule, AssignmentStatus, AwardTier
from reviews.models import Assignment, Round, RoundEntry
from reviews.selectors import round_review_shortfall

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
        kind=REVIEW_RECUSED, round_=round_, occasion=f"recusal;assignment={assignment.pk}",
        context=context,
    )  # fmt: skip


# --- publication ----------------------------------------------------------------------------------


def publication_notify(*, round: Round) -> int:
    """Tell each enterprise whose entries took part in a published round: every active member
    of the organisation gets one notice listing that organisation's entries and their outcome
    (advanced or not, award). Published once, so the occasion is fixed."""
    by_org: dict[int, list[dict]] = {}
    rows = (
        RoundEntry.objects.filter(round=round)
        .order_by("entry__organisation_id", "rank", "entry_id")
        .values_list("entry__organisation_id", "entry_id", "entry__title", "rank", "advanced",
                     "entry__award__tier")
    )  # fmt: skip
    for organisation_id, entry_id, title, rank, advanced, tier in rows.iterator(chunk_size=5000):
        by_org.setdefault(organisation_id, []).append(
            {"id": entry_id, "title": title, "rank": rank, "advanced": bool(advanced),
             "award_tier": tier or "", "award": AwardTier(tier).label if tier else ""}
        )  # fmt: skip
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
        kind=ROUND_SHORT_OF_REVIEWS, round_=round, occasion=occasion,
        context={**_round_context(round), **warning, "event": event,
                 "link": site_link(f"/console/rounds/{round.pk}/results/")},
    )  # fmt: skip
    return warning
