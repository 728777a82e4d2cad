"""Storing the solver's proposal, and every manual change of an assignment (add, remove, swap,
recuse), each re-checked against the same rules."""

from __future__ import annotations

import numpy as np
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from core.exceptions import Conflict, NotPermitted, ValidationFailed
from core.services import audit_record
from core.transitions import check_transition
from projects.models import Entry
from reviews import assignment as solver
from reviews import notices
from reviews.enums import (
    ASSIGNMENT_TRANSITIONS,
    ROUND_ASSIGNABLE_STATES,
    AssignmentSource,
    AssignmentStatus,
    ReviewState,
    RoundState,
)
from reviews.errors import ReviewError
from reviews.models import Assignment, PoolMember, Review, ReviewerConflict, Round, RoundEntry
from reviews.services._common import _BULK, _lock_round
from reviews.services.problem import LoadedProblem


def _insert_proposals(round_: Round, entry_pk, reviewer_pk, affinity, kept: set) -> int:
    """Insert the solver's pairs (except the kept ones) with one INSERT ... SELECT FROM unnest
    per 100,000 rows: building 500,000 model instances for bulk_create was most of the store."""
    keep = np.ones(len(entry_pk), dtype=bool)
    if kept:
        keep = np.asarray(
            [
                (e, r) not in kept
                for e, r in zip(entry_pk.tolist(), reviewer_pk.tolist(), strict=True)
            ]
        )
    columns = (
        entry_pk[keep].tolist(),
        reviewer_pk[keep].tolist(),
        affinity[keep].astype(int).tolist(),
    )
    # created_by stays NULL: a proposal is the solver's (Assignment.created_by).
    sql = (
        "INSERT INTO reviews_assignment (round_id, entry_id, reviewer_id, status, source, "
        "affinity, reason, created_at) "
        "SELECT %s, e, r, %s, %s, a, '', now() "
        "FROM unnest(%s::bigint[], %s::bigint[], %s::int[]) AS v(e, r, a)"
    )
    step = 100_000
    with connection.cursor() as cursor:
        for start in range(0, len(columns[0]), step):
            cursor.execute(
                sql,
                [
                    round_.pk,
                    AssignmentStatus.ACTIVE.value,
                    AssignmentSource.SOLVER.value,
                    *(col[start : start + step] for col in columns),
                ],
            )
    return len(columns[0])


def store_solution(round_: Round, loaded: LoadedProblem, result, *, actor: User | None) -> dict:
    with transaction.atomic():
        locked = _lock_round(round_)
        if locked.state != RoundState.ASSIGNING:
            raise solver.AssignmentInfeasible(
                [
                    _("The round left '%(state)s' during the solve.")
                    % {"state": RoundState.ASSIGNING.label}
                ]
            )
        kept = {
            (e, r)
            for _, e, r, status, source, has_review in loaded.existing
            if status == AssignmentStatus.ACTIVE
            and (source == AssignmentSource.MANUAL or has_review)
        }
        proposals = Assignment.objects.filter(
            round=locked,
            status=AssignmentStatus.ACTIVE,
            source=AssignmentSource.SOLVER,
            review__isnull=True,
        )
        if connection.vendor == "postgresql":
            # Nothing refers to a proposal without a review: a plain DELETE, not Django's
            # collector (which loaded all 500,000 rows to look for cascades).
            proposals._raw_delete(connection.alias)
        else:
            proposals.delete()
        entry_pk = loaded.entry_ids[result.pairs[:, 0]]
        reviewer_pk = loaded.reviewer_ids[result.pairs[:, 1]]
        if connection.vendor == "postgresql":
            _insert_proposals(locked, entry_pk, reviewer_pk, result.pair_affinity, kept)
        else:
            Assignment.objects.bulk_create(
                [
                    Assignment(
                        round=locked,
                        entry_id=int(e),
                        reviewer_id=int(r),
                        source=AssignmentSource.SOLVER,
                        affinity=int(a),
                    )
                    for e, r, a in zip(
                        entry_pk.tolist(),
                        reviewer_pk.tolist(),
                        result.pair_affinity.tolist(),
                        strict=True,
                    )
                    if (e, r) not in kept
                ],
                batch_size=_BULK,
            )
        stats = {
            "pairs": int(len(result.pairs)),
            "total_affinity": int(result.total_affinity),
            "upper_bound": int(result.upper_bound),
            "gap_percent": round(float(result.gap_percent), 4),
            "min_load": int(result.loads.min()) if len(result.loads) else 0,
            "max_load": int(result.loads.max()) if len(result.loads) else 0,
            "build_seconds": round(float(result.build_seconds), 3),
            "solve_seconds": round(float(result.solve_seconds), 3),
            # the optimality certificate of the priced solve (reviews.assignment, "Pricing")
            "certified_optimal": bool(result.certified_optimal),
            "pricing_rounds": result.pricing.rounds if result.pricing else 0,
            "pairs_priced": result.pricing.pairs_priced if result.pricing else 0,
            "pairs_added": result.pricing.pairs_added if result.pricing else 0,
            "pairs_negative_left": result.pricing.negative_left if result.pricing else 0,
            "pricing_pass_complete": result.pricing.last_pass_complete if result.pricing else True,
        }
        audit_record(actor=actor, action="assignment.solve", target=locked, data=stats)
    return stats


def _check_pair(round_: Round, reviewer: User, entry: Entry, *, ignoring: Assignment | None):
    """The rules one hand-made assignment must keep: taking part (the entry in the round, the
    reviewer in the pool), then the solver's own rules, judged by the solver's checker
    (``solver.check_assignment``) on the entry's reviewers with the new one added — conflicts of
    interest, recusals, k, the reviewer's load, one reviewer per employer — so that a hand-made
    pair and a solved one obey one rule function. ``ignoring``: the assignment a swap replaces."""
    if not RoundEntry.objects.filter(round=round_, entry=entry).exists():
        raise ValidationFailed(
            _("entry: the entry does not take part in this round."),
            fields={"entry": [_("Not in this round.")]},
        )
    member = (
        PoolMember.objects.filter(
            contest_id=round_.contest_id,
            reviewer=reviewer,
            is_active=True,
            reviewer__reviewer_profile__is_active=True,
        )
        .select_related("reviewer__reviewer_profile")
        .first()
    )
    if member is None:
        raise ValidationFailed(
            _("reviewer: not an active member of the contest's pool."),
            fields={"reviewer": [_("Not in the pool.")]},
        )
    profile = member.reviewer.reviewer_profile
    max_load = member.max_load if member.max_load is not None else profile.max_load
    others = Assignment.objects.filter(round=round_, status=AssignmentStatus.ACTIVE)
    if ignoring is not None:
        others = others.exclude(pk=ignoring.pk)
    current = list(
        others.filter(entry=entry).values_list(
            "reviewer_id", "reviewer__reviewer_profile__employer_id"
        )
    )
    declared = (
        ReviewerConflict.objects.filter(reviewer=reviewer, organisation_id=entry.organisation_id)
        .filter(Q(contest_id=round_.contest_id) | Q(contest__isnull=True))
        .exists()
    )
    recused = Assignment.objects.filter(
        round=round_, entry=entry, reviewer=reviewer, status=AssignmentStatus.RECUSED
    ).exists()
    load_elsewhere = others.filter(reviewer=reviewer).exclude(entry=entry).count()
    # A one-entry problem: reviewer 0 is the candidate, 1.. the entry's reviewers now (the
    # candidate among them if already assigned, which the checker calls a duplicate). Only the
    # candidate's load is in question: their room is what their maximum leaves after the
    # entries they already review.
    employers = [profile.employer_id] + [employer for _reviewer, employer in current]
    orgs = [org if org is not None else -1 for org in employers]
    in_place = [
        0 if reviewer_id == reviewer.pk else 1 + i for i, (reviewer_id, _e) in enumerate(current)
    ]
    problem = solver.AssignmentProblem(
        k=round_.reviewers_per_entry,
        entry_org=[entry.organisation_id if entry.organisation_id is not None else -1],
        entry_tags=[[]],
        reviewer_org=orgs,
        reviewer_tags=[[] for _org in orgs],
        min_load=[0] * len(orgs),
        max_load=[max(max_load - load_elsewhere, 0)] + [1] * len(current),
        reviewer_org_conflicts=[(0, entry.organisation_id)] if declared else [],
        forbidden_pairs=[(0, 0)] if recused else [],
        same_employer_limit=round_.one_reviewer_per_employer,
    )
    pairs = [(0, 0)] + [(0, r) for r in in_place]
    broken = {v.kind for v in solver.check_assignment(problem, pairs, require_complete=False)}
    _refuse_pair(broken, round_=round_, max_load=max_load)


def _refuse_pair(broken: set[str], *, round_: Round, max_load: int) -> None:
    """What each rule the checker found broken means for a hand-made pair, in the order staff
    are told. A kind this table does not know refuses too (never allow what the checker
    rejects)."""
    # The kinds of ``reviews.assignment.Violation`` a single pair can break.
    refusals = [
        (
            "conflict_employer",
            _("The reviewer works for the entry's organisation (回避)."),
            ReviewError.CONFLICT_OF_INTEREST,
        ),
        (
            "conflict_declared",
            _("The reviewer declared a conflict with the entry's organisation (回避)."),
            ReviewError.CONFLICT_OF_INTEREST,
        ),
        (
            "duplicate",
            _("The reviewer is already assigned to this entry."),
            ReviewError.ALREADY_ASSIGNED,
        ),
        (
            "forbidden",
            _("The reviewer recused themself from this entry."),
            ReviewError.CONFLICT_OF_INTEREST,
        ),
        (
            "entry_count",
            _("The entry already has %(reviewers_per_entry)s reviewers.")
            % {"reviewers_per_entry": round_.reviewers_per_entry},
            ReviewError.ENTRY_FULL,
        ),
        (
            "load_high",
            _("The reviewer already has their maximum load (%(max_load)s).")
            % {"max_load": max_load},
            ReviewError.REVIEWER_LOAD_FULL,
        ),
        (
            "same_employer",
            _("Another reviewer of the same employer already reviews this entry."),
            ReviewError.SAME_EMPLOYER,
        ),
    ]
    for kind, message, code in refusals:
        if kind in broken:
            raise Conflict(message, code=ReviewError(code))
    if broken:
        raise Conflict(
            _("The assignment breaks a rule of the round: %(rules)s.")
            % {"rules": ", ".join(sorted(broken))},
            code=ReviewError.ASSIGNMENT_INVALID,
        )


def assignment_add(*, round: Round, reviewer: User, entry: Entry, actor: User) -> Assignment:
    """Assign a reviewer to an entry by hand (while assigning or open), re-checked against
    conflicts, the entry's k and the reviewer's maximum load. A pair removed earlier is
    re-activated; a recused pair never comes back."""
    with transaction.atomic():
        locked = _lock_round(round)
        if locked.state not in ROUND_ASSIGNABLE_STATES:
            raise Conflict(
                _("Assignments change only while the round is assigning or open."),
                code=ReviewError.ROUND_NOT_ASSIGNABLE,
            )
        _check_pair(locked, reviewer, entry, ignoring=None)
        now = timezone.now()
        assignment, created = Assignment.objects.get_or_create(
            round=locked,
            reviewer=reviewer,
            entry=entry,
            defaults={"source": AssignmentSource.MANUAL, "created_by": actor},
        )
        if not created:
            assignment = Assignment.objects.select_for_update().get(pk=assignment.pk)
            check_transition(
                ASSIGNMENT_TRANSITIONS,
                assignment.status,
                AssignmentStatus.ACTIVE,
                what="assignment",
            )
            assignment.status, assignment.source = AssignmentStatus.ACTIVE, AssignmentSource.MANUAL
            assignment.reason, assignment.status_changed_at = "", now
            assignment.save(update_fields=["status", "source", "reason", "status_changed_at"])
        audit_record(
            actor=actor,
            action="assignment.add",
            target=assignment,
            to_state=AssignmentStatus.ACTIVE,
            data={"round": locked.pk, "reviewer": reviewer.pk, "entry": entry.pk},
        )
        # notifications (issue 6): tell the added reviewer (only once the round is open).
        assignment.round = locked
        notices.review_assignment_changed_notify(assignment=assignment, change="added")
    return assignment


def _end_assignment(
    assignment: Assignment, *, status: str, actor: User | None, reason: str, action: str
) -> Assignment:
    locked = Assignment.objects.select_for_update().select_related("round").get(pk=assignment.pk)
    check_transition(ASSIGNMENT_TRANSITIONS, locked.status, status, what="assignment")
    if locked.round.state not in ROUND_ASSIGNABLE_STATES:
        raise Conflict(
            _("Assignments change only while the round is assigning or open."),
            code=ReviewError.ROUND_NOT_ASSIGNABLE,
        )
    if Review.objects.filter(assignment=locked, state=ReviewState.SUBMITTED).exists():
        raise Conflict(
            _("The review of this assignment is already submitted."), code=ReviewError.REVIEW_LOCKED
        )
    locked.status, locked.reason, locked.status_changed_at = status, reason, timezone.now()
    locked.save(update_fields=["status", "reason", "status_changed_at"])
    audit_record(
        actor=actor,
        action=action,
        target=locked,
        from_state=AssignmentStatus.ACTIVE,
        to_state=status,
        reason=reason,
        data={"round": locked.round_id, "reviewer": locked.reviewer_id, "entry": locked.entry_id},
    )
    assignment.status = locked.status
    return locked


def assignment_remove(*, assignment: Assignment, actor: User, reason: str) -> Assignment:
    """Staff take a reviewer off an entry (not once the review is submitted). The row stays as
    history, and the solver never proposes the pair again in the round."""
    if not reason.strip():
        raise ValidationFailed(_("reason: say why."), fields={"reason": [_("Required.")]})
    with transaction.atomic():
        removed = _end_assignment(
            assignment,
            status=AssignmentStatus.REMOVED,
            actor=actor,
            reason=reason,
            action="assignment.remove",
        )
        # notifications (issue 6): tell the removed reviewer (only once the round is open).
        notices.review_assignment_changed_notify(assignment=removed, change="removed")
        return removed


def assignment_swap(
    *, assignment: Assignment, reviewer: User, actor: User, reason: str
) -> Assignment:
    """Replace the reviewer of one assignment by another, atomically: the old one is removed and
    the new pair is checked like a hand-made addition (all or nothing)."""
    with transaction.atomic():
        old = assignment_remove(assignment=assignment, actor=actor, reason=reason)
        return assignment_add(round=old.round, reviewer=reviewer, entry=old.entry, actor=actor)


def assignment_recuse(*, assignment: Assignment, reviewer: User, reason: str) -> Assignment:
    """The reviewer declines one assignment with a reason (回避). Frees the slot for a
    replacement; the pair is never proposed again in this round. Review staff get a notice."""
    if assignment.reviewer_id != reviewer.pk:
        raise NotPermitted(
            _("Only the assigned reviewer may recuse."), code=ReviewError.NOT_YOUR_ASSIGNMENT
        )
    if not reason.strip():
        raise ValidationFailed(
            _("reason: say why you recuse."), fields={"reason": [_("Required.")]}
        )
    with transaction.atomic():
        recused = _end_assignment(
            assignment,
            status=AssignmentStatus.RECUSED,
            actor=reviewer,
            reason=reason,
            action="assignment.recuse",
        )
        # Staff are told at once, so that they assign a replacement (reviews/notices.py).
        notices.recusal_notify(assignment=recused)
        return recused
