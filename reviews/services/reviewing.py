"""Online scoring: drafts, submission and staff reopening of a review."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from core.exceptions import Conflict, NotPermitted, ValidationFailed
from core.prefetch import set_prefetched
from core.services import audit_record
from core.transitions import check_transition
from reviews import pledges, selectors
from reviews.enums import REVIEW_TRANSITIONS, AssignmentStatus, ReviewState, RoundState
from reviews.errors import ReviewError
from reviews.models import Assignment, Criterion, Review, ReviewScore
from reviews.score_rules import clean_criterion_scores
from reviews.services._common import _TOTAL_PLACES


def _lock_assignment_for_scoring(assignment: Assignment, reviewer: User) -> Assignment:
    """Lock the assignment row (every writer of its review queues here) and check that scoring
    is allowed now; the pledge is read in the same query."""
    locked = (
        Assignment.objects.select_for_update(of=("self",))
        .select_related("round")
        .annotate(pledged=selectors.pledge_accepted_expr(reviewer))
        .get(pk=assignment.pk)
    )
    if locked.reviewer_id != reviewer.pk:
        raise NotPermitted(_("This is not your assignment."), code=ReviewError.NOT_YOUR_ASSIGNMENT)
    if locked.status != AssignmentStatus.ACTIVE:
        raise Conflict(
            _("This assignment is no longer active."), code=ReviewError.ASSIGNMENT_INACTIVE
        )
    if locked.round.state != RoundState.OPEN:
        raise Conflict(_("The round is not open for scoring."), code=ReviewError.ROUND_NOT_OPEN)
    # The server's clock at the moment of the write decides, not the client's.
    if timezone.now() > locked.round.deadline:
        raise Conflict(
            _("The deadline has passed; scores can no longer change."), code=ReviewError.DEADLINE
        )
    pledges.pledge_require(round_id=locked.round_id, reviewer=reviewer, accepted=locked.pledged)
    return locked


def weighted_total(criteria: list[Criterion], scores: dict[int, Decimal]) -> Decimal:
    """``sum(weight * score / max_score)`` over the scored criteria, to three decimals."""
    total = sum(
        (c.weight * scores[c.pk] / c.max_score for c in criteria if c.pk in scores),
        Decimal("0"),
    )
    return total.quantize(_TOTAL_PLACES, rounding=ROUND_HALF_UP)


def _write_review(
    assignment: Assignment,
    reviewer: User,
    *,
    scores: list[dict] | None,
    comment: str | None,
    submit: bool,
) -> Review:
    """The one write of a review, in as few queries as the rules allow (a deadline rush sends
    thousands at once): the lock, the review (read after the lock, so a concurrent submit is
    seen), its old scores only when the new ones leave a criterion out, one upsert of the
    scores, the review row, the history line."""
    locked = _lock_assignment_for_scoring(assignment, reviewer)
    criteria = selectors.round_criteria(locked.round)
    review = Review.objects.filter(assignment=locked).first()
    if review is not None and review.state == ReviewState.SUBMITTED:
        raise Conflict(_("The review is submitted and locked."), code=ReviewError.REVIEW_LOCKED)
    given = clean_criterion_scores(criteria, scores, complete=False) if scores is not None else {}
    current: dict[int, tuple[Decimal, str]] = {}
    if review is not None and not given.keys() >= {c.pk for c in criteria}:
        current = {s.criterion_id: (s.score, s.comment) for s in review.scores.all()}
    current.update(given)
    if submit:
        clean_criterion_scores(
            criteria,
            [{"criterion": pk, "score": v, "comment": c} for pk, (v, c) in current.items()],
            complete=True,
        )
    if review is None:
        review = Review(
            round_id=locked.round_id,
            reviewer_id=locked.reviewer_id,
            entry_id=locked.entry_id,
            assignment=locked,
        )
    if comment is not None:
        review.comment = comment
    review.total = weighted_total(criteria, {pk: v for pk, (v, _) in current.items()})
    from_state = review.state
    if submit:
        check_transition(REVIEW_TRANSITIONS, review.state, ReviewState.SUBMITTED, what="review")
        review.state, review.submitted_at = ReviewState.SUBMITTED, timezone.now()
    review.save()
    position = {c.pk: index for index, c in enumerate(criteria)}
    rows = sorted(
        (
            ReviewScore(review=review, criterion_id=pk, score=value, comment=text)
            for pk, (value, text) in current.items()
        ),
        key=lambda row: position[row.criterion_id],
    )
    if given:
        # Scores are only ever added or changed (a draft keeps what it had): one upsert.
        ReviewScore.objects.bulk_create(
            [row for row in rows if row.criterion_id in given],
            update_conflicts=True,
            unique_fields=["review", "criterion"],
            update_fields=["score", "comment"],
        )
    audit_record(
        actor=reviewer,
        action="review.submit" if submit else "review.save",
        target=review,
        from_state=from_state,
        to_state=review.state,
        data={
            "scores": {str(pk): str(v) for pk, (v, _) in current.items()},
            "total": str(review.total),
        },
    )
    # The caller renders the review from what was just written, without reading it again.
    set_prefetched(review, "scores", rows)
    return review


def review_save_draft(
    *, assignment: Assignment, reviewer: User, scores: list[dict] | None, comment: str | None
) -> Review:
    """Save scores as a draft, any number of times, until the deadline (409 afterwards or once
    submitted). Scores are validated per criterion (0..max, one decimal; 400 naming the
    criterion); the weighted total is computed here. Every save is in the history."""
    with transaction.atomic():
        return _write_review(assignment, reviewer, scores=scores, comment=comment, submit=False)


def review_submit(
    *,
    assignment: Assignment,
    reviewer: User,
    scores: list[dict] | None = None,
    comment: str | None = None,
) -> Review:
    """Save (optionally) and submit: every criterion must be scored; the review is locked.
    The assignment row is locked first, so two simultaneous submits leave one review and the
    second gets 409."""
    with transaction.atomic():
        try:
            return _write_review(assignment, reviewer, scores=scores, comment=comment, submit=True)
        except IntegrityError:
            raise Conflict(
                _("The review was written concurrently."), code=ReviewError.REVIEW_LOCKED
            ) from None


def review_reopen(*, review: Review, actor: User, reason: str) -> Review:
    """Staff send a submitted review back to draft, with a reason (audited), while the round is
    open; the reviewer can then change and resubmit it before the deadline."""
    if not reason.strip():
        raise ValidationFailed(
            _("reason: say why the review is reopened."), fields={"reason": [_("Required.")]}
        )
    with transaction.atomic():
        locked = Review.objects.select_for_update(of=("self",)).select_related("round")
        locked = locked.get(pk=review.pk)
        if locked.round.state != RoundState.OPEN:
            raise Conflict(
                _("Reviews can be reopened only while the round is open."),
                code=ReviewError.ROUND_NOT_OPEN,
            )
        check_transition(
            REVIEW_TRANSITIONS,
            locked.state,
            ReviewState.DRAFT,
            what="review",
        )
        locked.state, locked.submitted_at = ReviewState.DRAFT, None
        locked.save(update_fields=["state", "submitted_at", "updated_at"])
        audit_record(
            actor=actor,
            action="review.reopen",
            target=locked,
            from_state=ReviewState.SUBMITTED,
            to_state=ReviewState.DRAFT,
            reason=reason,
        )
    review.state = locked.state
    return locked
