"""All writes of review rounds. One service per state change (see reviews/enums.py).

Round moves: ``round_set_state(round=, to_state=, actor=)`` is the single entry point for a
state move and dispatches to the service of that move, which is also public:

    draft -> assigning      round_start_assigning   enrols the entries taking part
    assigning -> draft      round_back_to_draft     drops enrolment and the proposal
    assigning -> open       round_confirm_assignments  re-checks, makes assignments visible
    open -> closed          round_close             (actor None = the system at the deadline)
    closed -> open          round_reopen            a deadline extension
    closed -> finalized     round_finalize          results, advancement, entry states

Heavy work (assignment, aggregation, ranking) is done by the pure functions of
``reviews.assignment`` and ``reviews.scoring`` over numpy arrays; the services here only load
arrays from the database, call them once, and store the outcome in bulk.
"""

from __future__ import annotations

import json
import logging
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

import numpy as np
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, connection, transaction
from django.db.models import Avg, FloatField, Q
from django.db.models.functions import Cast
from django.utils import timezone

from accounts.enums import Role
from accounts.models import ExpertiseField, Organisation, ReviewerProfile, User
from core.exceptions import Conflict, DomainError, NotPermitted, ValidationFailed
from core.models import AuditEvent
from core.services import audit_record
from core.transitions import check_transition
from jobs.services import job_check_target_free
from notifications import jobs as notification_jobs  # notifications (issue 6)
from projects.enums import ENTRY_TRANSITIONS, EntryState
from projects.models import Category, Contest, Entry
from reviews import assignment as solver
from reviews import notices, pledges, scoring
from reviews.enums import (
    ASSIGNMENT_TRANSITIONS,
    ROUND_ASSIGNABLE_STATES,
    ROUND_EDITABLE_STATES,
    ROUND_TRANSITIONS,
    AdvancementRule,
    AssignmentSource,
    AssignmentStatus,
    AwardTier,
    ConflictSource,
    ReviewState,
    RoundState,
)
from reviews.models import (
    Assignment,
    Award,
    Criterion,
    PoolMember,
    Review,
    ReviewerConflict,
    ReviewScore,
    Round,
    RoundEntry,
)
from reviews.selectors import is_review_staff

logger = logging.getLogger(__name__)

# Affinity weights: a reviewer field matching the entry's category counts more than one
# matching one of its keywords.
CATEGORY_TAG_WEIGHT = 3
KEYWORD_TAG_WEIGHT = 1
_BULK = 2000
_ONE_DECIMAL = Decimal("0.1")
_TOTAL_PLACES = Decimal("0.001")


# --------------------------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------------------------


def _lock_round(round_: Round) -> Round:
    """Lock the round for a write. A long step running on it (a job: solve, confirm, compute,
    finalize, awards, publish) holds it: any other write is a 409 naming that job meanwhile."""
    locked = Round.objects.select_for_update().get(pk=round_.pk)
    job_check_target_free(target=locked)
    return locked


def _refresh(target: Round, source: Round) -> Round:
    for field in (
        "state",
        "deadline",
        "assignments_confirmed_at",
        "results_computed_at",
        "finalized_at",
        "published_at",
    ):
        setattr(target, field, getattr(source, field))
    return target


def _round_move(round_: Round, to_state: str, actor: User | None, **extra) -> tuple[Round, str]:
    """Lock, check the move, set the state (caller saves). Returns (locked round, from_state)."""
    locked = _lock_round(round_)
    check_transition(ROUND_TRANSITIONS, locked.state, to_state, what="round")
    from_state = locked.state
    locked.state = to_state
    return locked, from_state


def _entries_bulk_set_state(
    *, entry_ids: Iterable[int], to_state: str, actor: User | None, reason: str
) -> int:
    """Move many entries to ``to_state`` at once, with one audit row each (bulk inserted).

    The bulk twin of ``projects.services.entry_set_state``: every entry's current state must allow
    the move in ``ENTRY_TRANSITIONS`` (otherwise nothing is written and 409 is raised); entries
    already in ``to_state`` are left alone. Returns the number of entries moved.
    """
    ids = sorted(set(entry_ids))
    if not ids:
        return 0
    rows = list(
        Entry.objects.select_for_update().filter(pk__in=ids).values_list("pk", "state").order_by()
    )
    by_state: dict[str, list[int]] = defaultdict(list)
    for pk, state in rows:
        if state != to_state:
            by_state[state].append(pk)
    for state in by_state:
        check_transition(ENTRY_TRANSITIONS, state, to_state, what="entry")
    now = timezone.now()
    entry_type = ContentType.objects.get_for_model(Entry)
    actor_id = actor.pk if getattr(actor, "is_authenticated", False) else None
    moved = 0
    if connection.vendor == "postgresql":
        # One UPDATE and one INSERT ... SELECT per state: 100,000 AuditEvent instances for
        # bulk_create took most of a finalize.
        with connection.cursor() as cursor:
            for state, pks in by_state.items():
                cursor.execute(
                    "UPDATE projects_entry SET state = %s, updated_at = %s WHERE id = ANY(%s)",
                    [to_state, now, pks],
                )
                cursor.execute(
                    "INSERT INTO core_auditevent (created_at, actor_id, action, target_type_id, "
                    "target_id, from_state, to_state, reason, data) "
                    "SELECT %s, %s, 'entry.state', %s, v.id::text, %s, %s, %s, '{}'::jsonb "
                    "FROM unnest(%s::bigint[]) AS v(id)",
                    [now, actor_id, entry_type.pk, state, to_state, reason, pks],
                )
                moved += len(pks)
        return moved
    for state, pks in by_state.items():
        for start in range(0, len(pks), 20_000):
            chunk = pks[start : start + 20_000]
            Entry.objects.filter(pk__in=chunk).update(state=to_state, updated_at=now)
            AuditEvent.objects.bulk_create(
                [
                    AuditEvent(
                        actor_id=actor_id,
                        action="entry.state",
                        target_type=entry_type,
                        target_id=str(pk),
                        from_state=state,
                        to_state=to_state,
                        reason=reason,
                    )
                    for pk in chunk
                ],
                batch_size=_BULK,
            )
            moved += len(chunk)
    return moved


# --------------------------------------------------------------------------------------------
# rounds and rubric
# --------------------------------------------------------------------------------------------

_ROUND_FIELDS = {
    "name",
    "order",
    "reviewers_per_entry",
    "opens_at",
    "deadline",
    "is_blind",
    "aggregation",
    "advancement_rule",
    "advancement_value",
    "one_reviewer_per_employer",
    "disagreement_threshold",
}


def _check_round_settings(round_: Round) -> None:
    errors: dict[str, list[str]] = {}
    if round_.opens_at and round_.deadline and round_.deadline <= round_.opens_at:
        errors["deadline"] = ["The deadline must be after the opening time."]
    rule, value = round_.advancement_rule, round_.advancement_value
    if rule != AdvancementRule.NONE and value is None:
        errors["advancement_value"] = ["This rule needs a value."]
    elif rule == AdvancementRule.TOP_N and (value < 1 or value != int(value)):
        errors["advancement_value"] = ["Top N needs a whole number of at least 1."]
    elif rule == AdvancementRule.TOP_SHARE and not (0 < value <= 1):
        errors["advancement_value"] = ["A top share is a fraction in (0, 1]."]
    elif rule == AdvancementRule.MIN_SCORE and value < 0:
        errors["advancement_value"] = ["A minimum score cannot be negative."]
    if errors:
        field, messages = next(iter(errors.items()))
        raise ValidationFailed(f"{field}: {messages[0]}", fields=errors)


def round_create(*, contest: Contest, actor: User, **fields) -> Round:
    """Create a round in draft. Guarantees a unique order within the contest and a coherent
    window and advancement rule (400 naming the field otherwise)."""
    round_ = Round(contest=contest, created_by=actor, **{k: fields[k] for k in fields})
    _check_round_settings(round_)
    with transaction.atomic():
        if Round.objects.filter(contest=contest, order=round_.order).exists():
            raise ValidationFailed(
                f"order: the contest already has a round {round_.order}.",
                fields={"order": ["A round with this order exists in the contest."]},
            )
        round_.save()
        audit_record(actor=actor, action="round.create", target=round_, to_state=round_.state)
    return round_


def round_update(*, round: Round, actor: User, **fields) -> Round:
    """Change a round's settings; only while it is a draft (409 afterwards, because reviewers
    and entries would otherwise be judged under rules that changed under them)."""
    unknown = set(fields) - _ROUND_FIELDS
    if unknown:
        raise ValidationFailed(f"Unknown fields: {', '.join(sorted(unknown))}.")
    with transaction.atomic():
        locked = _lock_round(round)
        if locked.state not in ROUND_EDITABLE_STATES:
            raise Conflict("A round's settings can change only while it is a draft.")
        for key, value in fields.items():
            setattr(locked, key, value)
        _check_round_settings(locked)
        if (
            "order" in fields
            and Round.objects.filter(contest_id=locked.contest_id, order=locked.order)
            .exclude(pk=locked.pk)
            .exists()
        ):
            raise ValidationFailed(
                "order: the contest already has a round with this order.",
                fields={"order": ["A round with this order exists in the contest."]},
            )
        locked.save()
        audit_record(
            actor=actor, action="round.update", target=locked, data={"fields": sorted(fields)}
        )
    return locked


def rubric_set(*, round: Round, criteria: list[dict], actor: User) -> list[Criterion]:
    """Replace the rubric of a draft round. Each item: name, description, weight, max_score.
    Guarantees at least one criterion, unique names, positive maxima with one decimal."""
    if not criteria:
        raise ValidationFailed("criteria: a rubric needs at least one criterion.",
                               fields={"criteria": ["At least one criterion."]})  # fmt: skip
    names = [c["name"].strip() for c in criteria]
    if len(set(names)) != len(names):
        raise ValidationFailed(
            "criteria: criterion names must be unique.",
            fields={"criteria": ["Criterion names must be unique."]},
        )
    for index, item in enumerate(criteria):
        max_score = Decimal(item["max_score"])
        if max_score <= 0 or max_score != max_score.quantize(_ONE_DECIMAL):
            raise ValidationFailed(
                f"{item['name']}: the maximum score must be positive, with one decimal at most.",
                fields={f"criteria[{index}].max_score": ["Positive, one decimal at most."]},
            )
        if Decimal(item["weight"]) < 0:
            raise ValidationFailed(
                f"{item['name']}: the weight cannot be negative.",
                fields={f"criteria[{index}].weight": ["Cannot be negative."]},
            )
    with transaction.atomic():
        locked = _lock_round(round)
        if locked.state not in ROUND_EDITABLE_STATES:
            raise Conflict("The rubric can change only while the round is a draft.")
        Criterion.objects.filter(round=locked).delete()
        created = Criterion.objects.bulk_create(
            [
                Criterion(
                    round=locked,
                    name=name,
                    description=item.get("description", ""),
                    weight=Decimal(item["weight"]),
                    max_score=Decimal(item["max_score"]),
                    position=index,
                )
                for index, (name, item) in enumerate(zip(names, criteria, strict=True))
            ]
        )
        audit_record(
            actor=actor,
            action="round.rubric",
            target=locked,
            data={"criteria": [[c.name, str(c.weight), str(c.max_score)] for c in created]},
        )
    return created


def _previous_round(round_: Round) -> Round | None:
    return (
        Round.objects.filter(contest_id=round_.contest_id, order__lt=round_.order)
        .order_by("-order")
        .first()
    )


def round_start_assigning(*, round: Round, actor: User) -> Round:
    """draft -> assigning: enrol the entries taking part (the first round: every submitted entry
    of the contest; a later round: the entries the previous, finalized round advanced).
    Guarantees a rubric exists and at least one entry is enrolled."""
    with transaction.atomic():
        locked, from_state = _round_move(round, RoundState.ASSIGNING, actor)
        if not Criterion.objects.filter(round=locked).exists():
            raise Conflict("The round has no rubric yet.")
        previous = _previous_round(locked)
        if previous is None:
            entry_ids = list(
                Entry.objects.filter(
                    contest_id=locked.contest_id, state=EntryState.SUBMITTED
                ).values_list("pk", flat=True)
            )
        else:
            if previous.state != RoundState.FINALIZED:
                raise Conflict(f"The previous round ({previous.name}) is not finalized yet.")
            entry_ids = list(
                RoundEntry.objects.filter(round=previous, advanced=True).values_list(
                    "entry_id", flat=True
                )
            )
        if not entry_ids:
            raise Conflict("No entry takes part in this round.")
        RoundEntry.objects.filter(round=locked).delete()
        RoundEntry.objects.bulk_create(
            [RoundEntry(round=locked, entry_id=pk) for pk in entry_ids], batch_size=_BULK
        )
        locked.save(update_fields=["state", "updated_at"])
        audit_record(
            actor=actor,
            action="round.state",
            target=locked,
            from_state=from_state,
            to_state=locked.state,
            data={"entries": len(entry_ids)},
        )
    return _refresh(round, locked)


def round_back_to_draft(*, round: Round, actor: User) -> Round:
    """assigning -> draft: drops the enrolment and the proposed assignments (nobody has seen
    them yet), so that the rubric or k can change."""
    with transaction.atomic():
        locked, from_state = _round_move(round, RoundState.DRAFT, actor)
        Assignment.objects.filter(round=locked).delete()
        RoundEntry.objects.filter(round=locked).delete()
        locked.save(update_fields=["state", "updated_at"])
        audit_record(
            actor=actor,
            action="round.state",
            target=locked,
            from_state=from_state,
            to_state=locked.state,
        )
    return _refresh(round, locked)


def round_confirm_assignments(*, round: Round, actor: User) -> Round:
    """assigning -> open: re-checks the whole assignment (exactly k reviewers per entry, loads,
    every conflict) and refuses with the list of violations; then makes the assignments visible
    to reviewers and moves the entries to in_review (bulk, audited)."""
    with transaction.atomic():
        locked, from_state = _round_move(round, RoundState.OPEN, actor)
        loaded = load_assignment_problem(locked)
        pairs = loaded.active_pairs()
        violations = solver.check_assignment(loaded.problem, pairs)
        if violations:
            messages = [str(v) for v in violations[:20]]
            raise Conflict(
                f"The assignment breaks {len(violations)} rule(s): {messages[0]}",
                code="assignment_invalid",
                fields={"assignments": messages},
            )
        now = timezone.now()
        locked.assignments_confirmed_at = now
        locked.save(update_fields=["state", "assignments_confirmed_at", "updated_at"])
        _entries_bulk_set_state(
            entry_ids=loaded.entry_ids.tolist(),
            to_state=EntryState.IN_REVIEW,
            actor=actor,
            reason=f"Review round {locked.name} opened.",
        )
        audit_record(
            actor=actor,
            action="round.state",
            target=locked,
            from_state=from_state,
            to_state=locked.state,
            data={"assignments": len(pairs)},
        )
        # notifications (issue 6): one notice per reviewer listing their entries, written in
        # this transaction and sent after commit.
        notification_jobs.review_assignments_notify(round=locked)
    return _refresh(round, locked)


def round_close(*, round: Round, actor: User | None = None) -> Round:
    """open -> closed. ``actor`` None means the system closing the round at its deadline.
    Closing an already closed round changes nothing (the periodic sweep may run twice). Entries
    with fewer than k submitted reviews: review staff get a notice."""
    with transaction.atomic():
        if _lock_round(round).state == RoundState.CLOSED:
            return round
        locked, from_state = _round_move(round, RoundState.CLOSED, actor)
        locked.save(update_fields=["state", "updated_at"])
        audit_record(
            actor=actor,
            action="round.state",
            target=locked,
            from_state=from_state,
            to_state=locked.state,
            reason="" if actor else "Deadline reached.",
        )
        # Entries with fewer than k reviews: staff are told (reviews/notices.py).
        notices.round_shortfall_warn(round=locked, event="closed")
        if actor is None:
            # notifications (issue 6): the system closed it at the deadline; staff get the
            # completion figures (a close by staff needs no notice: they did it).
            notification_jobs.review_round_closed_notify(closed_round=locked)
    return _refresh(round, locked)


def round_reopen(*, round: Round, actor: User, deadline: datetime, reason: str = "") -> Round:
    """closed -> open with a new deadline in the future (an extension)."""
    if deadline <= timezone.now():
        raise ValidationFailed(
            "deadline: the new deadline must be in the future.",
            fields={"deadline": ["Must be in the future."]},
        )
    with transaction.atomic():
        locked, from_state = _round_move(round, RoundState.OPEN, actor)
        locked.deadline = deadline
        locked.results_computed_at = None
        locked.save(update_fields=["state", "deadline", "results_computed_at", "updated_at"])
        audit_record(
            actor=actor,
            action="round.state",
            target=locked,
            from_state=from_state,
            to_state=locked.state,
            reason=reason,
            data={"deadline": deadline.isoformat()},
        )
    return _refresh(round, locked)


def round_finalize(*, round: Round, actor: User) -> Round:
    """closed -> finalized: computes the results afresh, then marks every entry advanced or not
    advanced (bulk, audited), which is what the next round enrols."""
    with transaction.atomic():
        locked, from_state = _round_move(round, RoundState.FINALIZED, actor)
        _compute_results(locked)
        advanced = list(
            RoundEntry.objects.filter(round=locked, advanced=True).values_list(
                "entry_id", flat=True
            )
        )
        others = list(
            RoundEntry.objects.filter(round=locked)
            .exclude(advanced=True)
            .values_list("entry_id", flat=True)
        )
        reason = f"Review round {locked.name} finalized."
        _entries_bulk_set_state(
            entry_ids=advanced, to_state=EntryState.ADVANCED, actor=actor, reason=reason
        )
        _entries_bulk_set_state(
            entry_ids=others, to_state=EntryState.NOT_ADVANCED, actor=actor, reason=reason
        )
        locked.finalized_at = timezone.now()
        locked.save(update_fields=["state", "finalized_at", "results_computed_at", "updated_at"])
        audit_record(
            actor=actor,
            action="round.state",
            target=locked,
            from_state=from_state,
            to_state=locked.state,
            data={"advanced": len(advanced), "not_advanced": len(others)},
        )
    return _refresh(round, locked)


def round_set_state(*, round: Round, to_state: str, actor: User | None) -> Round:
    """The single entry point for a round move; dispatches to the service of that move (see the
    module docstring). Unknown or disallowed moves are 409s. ``closed -> open`` needs a new
    deadline and goes through ``round_reopen``."""
    current = Round.objects.values_list("state", flat=True).get(pk=round.pk)
    check_transition(ROUND_TRANSITIONS, current, to_state, what="round")
    if to_state == RoundState.ASSIGNING:
        return round_start_assigning(round=round, actor=actor)
    if to_state == RoundState.DRAFT:
        return round_back_to_draft(round=round, actor=actor)
    if to_state == RoundState.OPEN and current == RoundState.ASSIGNING:
        return round_confirm_assignments(round=round, actor=actor)
    if to_state == RoundState.CLOSED:
        return round_close(round=round, actor=actor)
    if to_state == RoundState.FINALIZED:
        return round_finalize(round=round, actor=actor)
    raise ValidationFailed(
        "deadline: reopening a closed round needs a new deadline (use the reopen action).",
        fields={"deadline": ["Required to reopen."]},
    )


def round_publish(*, round: Round, actor: User) -> Round:
    """Make a finalized round's outcomes visible to the enterprises (score, rank, advancement,
    award, anonymous comments), and tell the members of each enterprise concerned. Publishing
    twice changes nothing."""
    with transaction.atomic():
        locked = _lock_round(round)
        if locked.state != RoundState.FINALIZED:
            raise Conflict("Only a finalized round can be published.")
        if locked.published_at:
            return _refresh(round, locked)
        locked.published_at = timezone.now()
        locked.save(update_fields=["published_at", "updated_at"])
        audit_record(actor=actor, action="round.publish", target=locked)
        notices.publication_notify(round=locked)
    return _refresh(round, locked)


def close_due_rounds(*, now: datetime | None = None) -> list[int]:
    """Close every open round whose deadline has passed (beat, every minute) and tell staff the
    figures. Returns the ids it closed; running it twice closes and notifies nothing more."""
    now = now or timezone.now()
    closed = []
    for round_ in Round.objects.filter(state=RoundState.OPEN, deadline__lte=now):
        try:
            round_close(round=round_, actor=None)
        except DomainError:
            # Staff moved the round meanwhile (closed and reopened it): their move stands.
            logger.warning("Round %s could not be closed at its deadline", round_.pk, exc_info=True)
            continue
        closed.append(round_.pk)
    return closed


# --------------------------------------------------------------------------------------------
# reviewer pool and conflicts
# --------------------------------------------------------------------------------------------


def pool_add(
    *,
    contest: Contest,
    reviewers: list[User],
    actor: User,
    min_load: int = 0,
    max_load: int | None = None,
) -> list[PoolMember]:
    """Add reviewers to a contest's pool (re-activating former members). Guarantees each holds
    the reviewer role with an active profile, and ``min_load <= max_load``."""
    if max_load is not None and max_load < min_load:
        raise ValidationFailed(
            "max_load: must be at least min_load.", fields={"max_load": ["At least min_load."]}
        )
    ids = [u.pk for u in reviewers]
    eligible = set(
        ReviewerProfile.objects.filter(
            user_id__in=ids, is_active=True, user__role_grants__role=Role.REVIEWER
        ).values_list("user_id", flat=True)
    )
    missing = [pk for pk in ids if pk not in eligible]
    if missing:
        raise ValidationFailed(
            f"reviewers: users {missing} are not active reviewers.",
            fields={"reviewers": [f"Not an active reviewer: {pk}" for pk in missing]},
        )
    with transaction.atomic():
        existing = {
            m.reviewer_id: m
            for m in PoolMember.objects.select_for_update().filter(
                contest=contest, reviewer_id__in=ids
            )
        }
        for member in existing.values():
            member.is_active, member.min_load, member.max_load = True, min_load, max_load
        PoolMember.objects.bulk_update(existing.values(), ["is_active", "min_load", "max_load"])
        PoolMember.objects.bulk_create(
            [
                PoolMember(
                    contest=contest,
                    reviewer_id=pk,
                    min_load=min_load,
                    max_load=max_load,
                    added_by=actor,
                )
                for pk in ids
                if pk not in existing
            ]
        )
        for pk in ids:
            audit_record(actor=actor, action="pool.add", target=contest, data={"reviewer": pk})
    return list(PoolMember.objects.filter(contest=contest, reviewer_id__in=ids))


def pool_update(
    *, member: PoolMember, actor: User, min_load: int, max_load: int | None, is_active: bool
) -> PoolMember:
    """Change a member's load bounds or take them out of (or back into) the pool."""
    if max_load is not None and max_load < min_load:
        raise ValidationFailed(
            "max_load: must be at least min_load.", fields={"max_load": ["At least min_load."]}
        )
    with transaction.atomic():
        locked = PoolMember.objects.select_for_update().get(pk=member.pk)
        locked.min_load, locked.max_load, locked.is_active = min_load, max_load, is_active
        locked.save(update_fields=["min_load", "max_load", "is_active"])
        audit_record(
            actor=actor,
            action="pool.update",
            target=locked,
            data={"min_load": min_load, "max_load": max_load, "is_active": is_active},
        )
    return locked


def conflict_declare(
    *,
    reviewer: User,
    organisation: Organisation,
    reason: str,
    actor: User,
    contest: Contest | None = None,
) -> ReviewerConflict:
    """Record a conflict (回避) between a reviewer and an organisation, declared by the reviewer
    themself or by staff (a reviewer cannot declare one for somebody else). Declaring the same
    conflict twice returns the existing one."""
    if actor.pk != reviewer.pk and not is_review_staff(actor):
        raise ValidationFailed("reviewer: you may declare only your own conflicts.",
                               fields={"reviewer": ["Only yourself."]})  # fmt: skip
    if not reason.strip():
        raise ValidationFailed("reason: a conflict needs a reason.",
                               fields={"reason": ["Required."]})  # fmt: skip
    source = ConflictSource.REVIEWER if actor.pk == reviewer.pk else ConflictSource.STAFF
    with transaction.atomic():
        existing = ReviewerConflict.objects.filter(
            reviewer=reviewer, organisation=organisation, contest=contest
        ).first()
        if existing:
            return existing
        conflict = ReviewerConflict.objects.create(
            reviewer=reviewer,
            organisation=organisation,
            contest=contest,
            reason=reason.strip(),
            source=source,
            declared_by=actor,
        )
        audit_record(
            actor=actor,
            action="conflict.declare",
            target=conflict,
            reason=reason,
            data={"reviewer": reviewer.pk, "organisation": organisation.pk},
        )
    return conflict


def conflict_withdraw(*, conflict: ReviewerConflict, actor: User, reason: str = "") -> None:
    """Delete a declared conflict (staff only; the audit row keeps the trace)."""
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="conflict.withdraw",
            target=conflict,
            reason=reason,
            data={"reviewer": conflict.reviewer_id, "organisation": conflict.organisation_id},
        )
        conflict.delete()


# --------------------------------------------------------------------------------------------
# assignment
# --------------------------------------------------------------------------------------------


@dataclass
class LoadedProblem:
    """An assignment instance read from the database, with the maps back to primary keys."""

    problem: solver.AssignmentProblem
    entry_ids: np.ndarray  # index -> Entry pk (sorted)
    reviewer_ids: np.ndarray  # index -> User pk (sorted)
    existing: list[
        tuple[int, int, int, str, str, bool]
    ]  # pk, entry, reviewer, status, source, has_review

    def entry_index(self, pks) -> np.ndarray:
        return np.searchsorted(self.entry_ids, np.asarray(pks, dtype=np.int64))

    def reviewer_index(self, pks) -> np.ndarray:
        return np.searchsorted(self.reviewer_ids, np.asarray(pks, dtype=np.int64))

    def _index(self, rows) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(pk pairs, index pairs, known mask), vectorised: at 500,000 rows a Python loop of
        scalar searches took 20 s of a confirmation."""
        arr = np.asarray(rows, dtype=np.int64).reshape(-1, 2)
        e = np.searchsorted(self.entry_ids, arr[:, 0])
        r = np.searchsorted(self.reviewer_ids, arr[:, 1])
        known = (e < len(self.entry_ids)) & (r < len(self.reviewer_ids))
        known[known] &= (self.entry_ids[e[known]] == arr[known, 0]) & (
            self.reviewer_ids[r[known]] == arr[known, 1]
        )
        return arr, np.column_stack([e, r]), known

    def _pairs(self, rows) -> np.ndarray:
        _, idx, known = self._index(rows)
        return idx[known]

    def _known(self, entry_pk: int, reviewer_pk: int) -> bool:
        return bool(self._index([(entry_pk, reviewer_pk)])[2][0])

    def active_pairs(self) -> np.ndarray:
        rows = [(e, r) for _, e, r, status, _, _ in self.existing if status == "active"]
        arr, idx, known = self._index(rows)
        if not known.all():
            # An active assignment of a reviewer no longer in the pool (or an entry no longer
            # enrolled) is a violation the solver's checker cannot see: report it here.
            e, r = arr[~known][0].tolist()
            raise Conflict(
                f"Reviewer {r} is assigned to entry {e} but is not an active pool member.",
                code="assignment_invalid",
                fields={"assignments": [f"reviewer {r} / entry {e}: not in the pool"]},
            )
        return idx


def load_assignment_problem(round_: Round) -> LoadedProblem:
    """Read everything the solver needs about a round into numpy arrays (a fixed number of
    queries whatever the size). Fixed pairs: active manual assignments and active ones a
    reviewer already started; forbidden pairs: removed and recused ones."""
    contest_id = round_.contest_id
    entries = list(
        RoundEntry.objects.filter(round=round_)
        .order_by("entry_id")
        .values_list("entry_id", "entry__organisation_id", "entry__category_id", "entry__keywords")
    )
    members = list(
        PoolMember.objects.filter(
            contest_id=contest_id, is_active=True, reviewer__reviewer_profile__is_active=True
        )
        .order_by("reviewer_id")
        .values_list(
            "reviewer_id",
            "min_load",
            "max_load",
            "reviewer__reviewer_profile__max_load",
            "reviewer__reviewer_profile__employer_id",
        )
    )
    fields = list(ExpertiseField.objects.values_list("pk", "code", "name"))
    field_ids = np.asarray(sorted(pk for pk, _, _ in fields), dtype=np.int64)
    n_fields = len(field_ids)
    by_word: dict[str, int] = {}
    for pk, code, name in fields:
        index = int(np.searchsorted(field_ids, pk))
        by_word[code.lower()] = index
        by_word[name.lower()] = index

    entry_ids = np.asarray([row[0] for row in entries], dtype=np.int64)
    entry_org = np.asarray([row[1] for row in entries], dtype=np.int64)
    category_fields: dict[int, list[int]] = defaultdict(list)
    for category_id, field_id in Category.expertise.through.objects.filter(
        category__contest_id=contest_id
    ).values_list("category_id", "expertisefield_id"):
        category_fields[category_id].append(int(np.searchsorted(field_ids, field_id)))
    # Tag space: [0, F) = "category matches field f", [F, 2F) = "keyword matches field f".
    entry_tags = []
    for _, _, category_id, keywords in entries:
        tags = set(category_fields.get(category_id, ()))
        words = keywords if isinstance(keywords, list) else []
        tags.update(
            n_fields + by_word[w.strip().lower()]
            for w in words
            if isinstance(w, str) and w.strip().lower() in by_word
        )
        entry_tags.append(sorted(tags))

    reviewer_ids = np.asarray([row[0] for row in members], dtype=np.int64)
    reviewer_org = np.asarray([row[4] if row[4] else -1 for row in members], dtype=np.int64)
    min_load = np.asarray([row[1] for row in members], dtype=np.int64)
    max_load = np.asarray(
        [row[2] if row[2] is not None else row[3] for row in members], dtype=np.int64
    )
    min_load = np.minimum(min_load, max_load)
    reviewer_fields: dict[int, list[int]] = defaultdict(list)
    for user_id, field_id in ReviewerProfile.expertise.through.objects.filter(
        reviewerprofile__user_id__in=reviewer_ids.tolist()
    ).values_list("reviewerprofile__user_id", "expertisefield_id"):
        index = int(np.searchsorted(field_ids, field_id))
        reviewer_fields[user_id].extend((index, n_fields + index))
    reviewer_tags = [sorted(reviewer_fields.get(int(pk), ())) for pk in reviewer_ids]

    conflicts = list(
        ReviewerConflict.objects.filter(reviewer_id__in=reviewer_ids.tolist())
        .filter(Q(contest_id=contest_id) | Q(contest__isnull=True))
        .values_list("reviewer_id", "organisation_id")
    )
    existing = [
        (pk, e, r, status, source, has_review)
        for pk, e, r, status, source, has_review in Assignment.objects.filter(
            round=round_
        ).values_list("pk", "entry_id", "reviewer_id", "status", "source", "review__id")
    ]
    existing = [(pk, e, r, s, src, h is not None) for pk, e, r, s, src, h in existing]
    loaded = LoadedProblem(
        problem=None,  # type: ignore[arg-type]
        entry_ids=entry_ids,
        reviewer_ids=reviewer_ids,
        existing=existing,
    )
    fixed = loaded._pairs(
        [
            (e, r)
            for _, e, r, status, source, has_review in existing
            if status == AssignmentStatus.ACTIVE
            and (source == AssignmentSource.MANUAL or has_review)
        ]
    )
    forbidden = loaded._pairs(
        [(e, r) for _, e, r, status, _, _ in existing if status != AssignmentStatus.ACTIVE]
    )
    conflict_pairs = np.asarray(
        [(int(np.searchsorted(reviewer_ids, r)), o) for r, o in conflicts], dtype=np.int64
    ).reshape(-1, 2)
    loaded.problem = solver.AssignmentProblem(
        k=round_.reviewers_per_entry,
        entry_org=entry_org,
        entry_tags=solver.tags_to_csr(entry_tags, max(2 * n_fields, 1)),
        reviewer_org=reviewer_org,
        reviewer_tags=solver.tags_to_csr(reviewer_tags, max(2 * n_fields, 1)),
        min_load=min_load,
        max_load=max_load,
        reviewer_org_conflicts=conflict_pairs,
        forbidden_pairs=forbidden,
        fixed_pairs=fixed,
        same_employer_limit=round_.one_reviewer_per_employer,
        tag_weights=np.asarray(
            [CATEGORY_TAG_WEIGHT] * n_fields + [KEYWORD_TAG_WEIGHT] * n_fields or [1],
            dtype=np.int64,
        ),
        entry_labels=entry_ids.tolist(),
        reviewer_labels=reviewer_ids.tolist(),
    )
    return loaded


def _insert_proposals(round_: Round, entry_pk, reviewer_pk, affinity, kept: set, actor) -> int:
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
    actor_id = actor.pk if getattr(actor, "is_authenticated", False) else None
    sql = (
        "INSERT INTO reviews_assignment (round_id, entry_id, reviewer_id, status, source, "
        "affinity, reason, created_by_id, created_at) "
        "SELECT %s, e, r, %s, %s, a, '', %s, now() "
        "FROM unnest(%s::bigint[], %s::bigint[], %s::int[]) AS v(e, r, a)"
    )
    step = 100_000
    with connection.cursor() as cursor:
        for start in range(0, len(columns[0]), step):
            cursor.execute(
                sql,
                [round_.pk, AssignmentStatus.ACTIVE.value, AssignmentSource.SOLVER.value, actor_id,
                 *(col[start : start + step] for col in columns)],
            )  # fmt: skip
    return len(columns[0])


def _store_solution(round_: Round, loaded: LoadedProblem, result, *, actor: User | None) -> dict:
    with transaction.atomic():
        locked = _lock_round(round_)
        if locked.state != RoundState.ASSIGNING:
            raise solver.AssignmentInfeasible(["The round left 'assigning' during the solve."])
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
            _insert_proposals(locked, entry_pk, reviewer_pk, result.pair_affinity, kept, actor)
        else:
            Assignment.objects.bulk_create(
                [
                    Assignment(
                        round=locked,
                        entry_id=int(e),
                        reviewer_id=int(r),
                        source=AssignmentSource.SOLVER,
                        affinity=int(a),
                        created_by=actor,
                    )
                    for e, r, a in zip(
                        entry_pk.tolist(),
                        reviewer_pk.tolist(),
                        result.pair_affinity.tolist(),
                        strict=True,
                    )  # fmt: skip
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
        }
        audit_record(actor=actor, action="assignment.solve", target=locked, data=stats)
    return stats


def _check_pair(round_: Round, reviewer: User, entry: Entry, *, ignoring: Assignment | None):
    """The rules one hand-made assignment must keep (the solver's, pair by pair)."""
    if not RoundEntry.objects.filter(round=round_, entry=entry).exists():
        raise ValidationFailed("entry: the entry does not take part in this round.",
                               fields={"entry": ["Not in this round."]})  # fmt: skip
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
        raise ValidationFailed("reviewer: not an active member of the contest's pool.",
                               fields={"reviewer": ["Not in the pool."]})  # fmt: skip
    profile = member.reviewer.reviewer_profile
    if profile.employer_id and profile.employer_id == entry.organisation_id:
        raise Conflict("The reviewer works for the entry's organisation (回避).",
                       code="conflict_of_interest")  # fmt: skip
    if (
        ReviewerConflict.objects.filter(reviewer=reviewer, organisation_id=entry.organisation_id)
        .filter(Q(contest_id=round_.contest_id) | Q(contest__isnull=True))
        .exists()
    ):
        raise Conflict("The reviewer declared a conflict with the entry's organisation (回避).",
                       code="conflict_of_interest")  # fmt: skip
    others = Assignment.objects.filter(round=round_, status=AssignmentStatus.ACTIVE)
    if ignoring is not None:
        others = others.exclude(pk=ignoring.pk)
    if others.filter(entry=entry, reviewer=reviewer).exists():
        raise Conflict("The reviewer is already assigned to this entry.")
    if Assignment.objects.filter(
        round=round_, entry=entry, reviewer=reviewer, status=AssignmentStatus.RECUSED
    ).exists():
        raise Conflict("The reviewer recused themself from this entry.",
                       code="conflict_of_interest")  # fmt: skip
    if others.filter(entry=entry).count() >= round_.reviewers_per_entry:
        raise Conflict(f"The entry already has {round_.reviewers_per_entry} reviewers.")
    max_load = member.max_load if member.max_load is not None else profile.max_load
    if others.filter(reviewer=reviewer).count() >= max_load:
        raise Conflict(f"The reviewer already has their maximum load ({max_load}).")
    if (
        round_.one_reviewer_per_employer
        and profile.employer_id
        and others.filter(
            entry=entry, reviewer__reviewer_profile__employer_id=profile.employer_id
        ).exists()
    ):
        raise Conflict("Another reviewer of the same employer already reviews this entry.")


def assignment_add(*, round: Round, reviewer: User, entry: Entry, actor: User) -> Assignment:
    """Assign a reviewer to an entry by hand (while assigning or open), re-checked against
    conflicts, the entry's k and the reviewer's maximum load. A pair removed earlier is
    re-activated; a recused pair never comes back."""
    with transaction.atomic():
        locked = _lock_round(round)
        if locked.state not in ROUND_ASSIGNABLE_STATES:
            raise Conflict("Assignments change only while the round is assigning or open.")
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
        notification_jobs.review_assignment_changed_notify(assignment=assignment, change="added")
    return assignment


def _end_assignment(
    assignment: Assignment, *, status: str, actor: User | None, reason: str, action: str
) -> Assignment:
    locked = Assignment.objects.select_for_update().select_related("round").get(pk=assignment.pk)
    check_transition(ASSIGNMENT_TRANSITIONS, locked.status, status, what="assignment")
    if locked.round.state not in ROUND_ASSIGNABLE_STATES:
        raise Conflict("Assignments change only while the round is assigning or open.")
    if Review.objects.filter(assignment=locked, state=ReviewState.SUBMITTED).exists():
        raise Conflict("The review of this assignment is already submitted.")
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
        raise ValidationFailed("reason: say why.", fields={"reason": ["Required."]})
    with transaction.atomic():
        removed = _end_assignment(
            assignment,
            status=AssignmentStatus.REMOVED,
            actor=actor,
            reason=reason,
            action="assignment.remove",
        )
        # notifications (issue 6): tell the removed reviewer (only once the round is open).
        notification_jobs.review_assignment_changed_notify(assignment=removed, change="removed")
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
        raise NotPermitted("Only the assigned reviewer may recuse.")
    if not reason.strip():
        raise ValidationFailed("reason: say why you recuse.", fields={"reason": ["Required."]})
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


# --------------------------------------------------------------------------------------------
# online scoring
# --------------------------------------------------------------------------------------------


def _lock_assignment_for_scoring(assignment: Assignment, reviewer: User) -> Assignment:
    locked = (
        Assignment.objects.select_for_update(of=("self",))
        .select_related("round")
        .get(pk=assignment.pk)
    )
    if locked.reviewer_id != reviewer.pk:
        raise NotPermitted("This is not your assignment.")
    if locked.status != AssignmentStatus.ACTIVE:
        raise Conflict("This assignment is no longer active.")
    if locked.round.state != RoundState.OPEN:
        raise Conflict("The round is not open for scoring.", code="round_not_open")
    # The server's clock at the moment of the write decides, not the client's.
    if timezone.now() > locked.round.deadline:
        raise Conflict("The deadline has passed; scores can no longer change.", code="deadline")
    pledges.pledge_require(round_id=locked.round_id, reviewer=reviewer)
    return locked


def _clean_scores(
    criteria: list[Criterion], scores: list[dict], *, complete: bool
) -> dict[int, tuple[Decimal, str]]:
    by_id = {c.pk: c for c in criteria}
    clean: dict[int, tuple[Decimal, str]] = {}
    for item in scores:
        criterion = by_id.get(int(item["criterion"]))
        if criterion is None:
            raise ValidationFailed(
                f"scores: criterion {item['criterion']} is not in this round's rubric.",
                fields={"scores": [f"Unknown criterion {item['criterion']}."]},
            )
        key = f"scores.{criterion.name}"
        try:
            value = Decimal(str(item["score"]))
        except (InvalidOperation, TypeError):
            raise ValidationFailed(
                f"{criterion.name}: not a number.", fields={key: ["Not a number."]}
            ) from None
        if value.is_nan() or value < 0 or value > criterion.max_score:
            raise ValidationFailed(
                f"{criterion.name}: the score must lie between 0 and {criterion.max_score}.",
                fields={key: [f"Between 0 and {criterion.max_score}."]},
            )
        if value != value.quantize(_ONE_DECIMAL):
            raise ValidationFailed(
                f"{criterion.name}: one decimal place at most.",
                fields={key: ["One decimal place at most."]},
            )
        if criterion.pk in clean:
            raise ValidationFailed(
                f"{criterion.name}: scored twice.", fields={key: ["Scored twice."]}
            )
        clean[criterion.pk] = (value.quantize(_ONE_DECIMAL), str(item.get("comment", "")))
    if complete:
        missing = [c.name for c in criteria if c.pk not in clean]
        if missing:
            raise ValidationFailed(
                f"{missing[0]}: every criterion needs a score before submitting.",
                fields={f"scores.{name}": ["Required to submit."] for name in missing},
            )
    return clean


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
    locked = _lock_assignment_for_scoring(assignment, reviewer)
    criteria = list(Criterion.objects.filter(round_id=locked.round_id))
    review = Review.objects.filter(assignment=locked).first()
    if review is not None and review.state == ReviewState.SUBMITTED:
        raise Conflict("The review is submitted and locked.", code="review_locked")
    if review is None:
        review = Review.objects.create(
            round_id=locked.round_id,
            reviewer_id=locked.reviewer_id,
            entry_id=locked.entry_id,
            assignment=locked,
        )
    current = {s.criterion_id: (s.score, s.comment) for s in review.scores.all()}
    if scores is not None:
        current.update(_clean_scores(criteria, scores, complete=False))
    if submit:
        _clean_scores(
            criteria,
            [{"criterion": pk, "score": v, "comment": c} for pk, (v, c) in current.items()],
            complete=True,
        )
    if scores is not None:
        ReviewScore.objects.filter(review=review).delete()
        ReviewScore.objects.bulk_create(
            [
                ReviewScore(review=review, criterion_id=pk, score=value, comment=text)
                for pk, (value, text) in current.items()
            ]
        )
    if comment is not None:
        review.comment = comment
    review.total = weighted_total(criteria, {pk: v for pk, (v, _) in current.items()})
    from_state = review.state
    if submit:
        check_transition(
            {ReviewState.DRAFT: {ReviewState.SUBMITTED}},
            review.state,
            ReviewState.SUBMITTED,
            what="review",
        )
        review.state, review.submitted_at = ReviewState.SUBMITTED, timezone.now()
    review.save()
    audit_record(
        actor=reviewer,
        action="review.submit" if submit else "review.save",
        target=review,
        from_state=from_state,
        to_state=review.state,
        data={
            "scores": {str(pk): str(v) for pk, (v, _) in current.items()},
            "total": str(review.total),
        },  # fmt: skip
    )
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
            raise Conflict("The review was written concurrently.", code="review_locked") from None


def review_reopen(*, review: Review, actor: User, reason: str) -> Review:
    """Staff send a submitted review back to draft, with a reason (audited), while the round is
    open; the reviewer can then change and resubmit it before the deadline."""
    if not reason.strip():
        raise ValidationFailed("reason: say why the review is reopened.",
                               fields={"reason": ["Required."]})  # fmt: skip
    with transaction.atomic():
        locked = Review.objects.select_for_update(of=("self",)).select_related("round")
        locked = locked.get(pk=review.pk)
        if locked.round.state != RoundState.OPEN:
            raise Conflict("Reviews can be reopened only while the round is open.")
        check_transition(
            {ReviewState.SUBMITTED: {ReviewState.DRAFT}},
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


# --------------------------------------------------------------------------------------------
# results, advancement, awards
# --------------------------------------------------------------------------------------------


def _advancement_rule(round_: Round) -> scoring.AdvancementRule | None:
    if round_.advancement_rule == AdvancementRule.NONE:
        return None
    return scoring.AdvancementRule(round_.advancement_rule, float(round_.advancement_value))


def _compute_results(round_: Round) -> int:
    """Aggregate, rank and apply the advancement rule for a whole round in bulk."""
    criteria = list(Criterion.objects.filter(round=round_).order_by("position", "id"))
    criterion_ids = np.asarray([c.pk for c in criteria], dtype=np.int64)
    order = np.argsort(criterion_ids)
    max_total = float(sum(c.weight for c in criteria))
    rows = list(
        RoundEntry.objects.filter(round=round_)
        .order_by("entry_id")
        .values_list("pk", "entry_id", "entry__category_id", "entry__submitted_at")
    )
    entry_ids = np.asarray([r[1] for r in rows], dtype=np.int64)
    n = len(rows)
    reviews = Review.objects.filter(
        round=round_, state=ReviewState.SUBMITTED, assignment__status=AssignmentStatus.ACTIVE
    )
    # Numbers come out of the database as floats (not Decimal objects) straight into numpy: at
    # 100,000 entries x 5 reviews building Python Decimals was most of the time.
    review_rows = np.array(
        list(
            reviews.order_by("pk").values_list(
                "entry_id", "reviewer_id", Cast("total", FloatField())
            )
        ),
        dtype=np.float64,
    ).reshape(-1, 3)
    entry_index = np.searchsorted(entry_ids, review_rows[:, 0].astype(np.int64))
    reviewer = review_rows[:, 1].astype(np.int64)
    total = np.clip(review_rows[:, 2], 0.0, max_total)
    agg = scoring.aggregate(entry_index, reviewer, total, n, max_total, round_.aggregation)
    # Criterion means per entry are averaged by the database (entries x criteria rows instead of
    # reviews x criteria); entries without submitted reviews stay NaN.
    means = np.full((n, len(criteria)), np.nan)
    mean_rows = np.array(
        list(
            ReviewScore.objects.filter(review__in=reviews)
            .values("review__entry_id", "criterion_id")
            .annotate(mean=Avg(Cast("score", FloatField())))
            .values_list("review__entry_id", "criterion_id", "mean")
        ),
        dtype=np.float64,
    ).reshape(-1, 3)
    if len(mean_rows):
        e_idx = np.searchsorted(entry_ids, mean_rows[:, 0].astype(np.int64))
        c_idx = order[np.searchsorted(criterion_ids[order], mean_rows[:, 1].astype(np.int64))]
        means[e_idx, c_idx] = mean_rows[:, 2]
    submitted = np.asarray([r[3].timestamp() if r[3] else np.nan for r in rows], dtype=np.float64)
    category = np.asarray([r[2] for r in rows], dtype=np.int64)
    rank = scoring.rank_in_category(
        agg.score,
        agg.median_raw,
        category,
        submitted,
        entry_ids,
        criterion_means=means,
        criterion_weights=np.asarray([float(c.weight) for c in criteria]),
    )
    rule = _advancement_rule(round_)
    advanced = (
        scoring.select_advancing(agg.score, agg.count, category, rank, rule)
        if rule is not None
        else np.zeros(n, dtype=bool)
    )
    _store_results(
        pks=[r[0] for r in rows],
        count=agg.count,
        score=agg.score,
        median=agg.median_raw,
        rank=rank,
        advanced=advanced,
        means=means,
        criterion_ids=criterion_ids,
    )
    round_.results_computed_at = timezone.now()
    return n


def _decimal_list(values: np.ndarray) -> list[Decimal | None]:
    return [None if np.isnan(v) else Decimal(f"{v:.3f}") for v in values.tolist()]


def _float_list(values: np.ndarray) -> list[float | None]:
    return [None if v != v else v for v in values.tolist()]  # NaN != NaN: no score


def _store_results(*, pks, count, score, median, rank, advanced, means, criterion_ids) -> None:
    keys = [str(pk) for pk in criterion_ids.tolist()]
    rounded = np.round(means, 3)
    means_json = [
        json.dumps({k: (None if np.isnan(v) else v) for k, v in zip(keys, row, strict=True)})
        for row in rounded.tolist()
    ]
    columns = (
        pks,
        count.astype(int).tolist(),
        score,
        median,
        rank.astype(int).tolist(),
        advanced.astype(bool).tolist(),
        means_json,
    )
    if connection.vendor == "postgresql":
        # One UPDATE ... FROM unnest(arrays) per chunk: Django's bulk_update builds a CASE per
        # row and is an order of magnitude slower for a round of 100,000 entries. Scores travel
        # as float8 and JSON as text (cheap to adapt) and are cast by the database.
        sql = (
            "UPDATE reviews_roundentry AS re SET n_reviews = v.n, "
            "score = round(v.s::numeric, 3), median_total = round(v.m::numeric, 3), "
            "rank = v.r, advanced = v.a, criterion_means = v.cm::jsonb "
            "FROM unnest(%s::bigint[], %s::int[], %s::float8[], %s::float8[], %s::int[], "
            "%s::boolean[], %s::text[]) AS v(id, n, s, m, r, a, cm) WHERE re.id = v.id"
        )
        pg_columns = (
            columns[0],
            columns[1],
            _float_list(score),
            _float_list(median),
            *columns[4:],
        )
        step = 20_000
        with connection.cursor() as cursor:
            for start in range(0, len(pks), step):
                cursor.execute(sql, [list(col[start : start + step]) for col in pg_columns])
        return
    objs = [
        RoundEntry(
            pk=pk, n_reviews=n, score=s, median_total=m, rank=r, advanced=a, criterion_means=json.loads(cm)
        )
        for pk, n, s, m, r, a, cm in zip(
            columns[0], columns[1], _decimal_list(score), _decimal_list(median), *columns[4:],
            strict=True,
        )
    ]  # fmt: skip
    RoundEntry.objects.bulk_update(
        objs,
        ["n_reviews", "score", "median_total", "rank", "advanced", "criterion_means"],
        batch_size=500,
    )


def round_compute_results(*, round: Round, actor: User) -> Round:
    """Compute (or recompute) the scores, ranks and proposed advancement of a closed round, so
    that staff can look before finalizing. Bulk: a fixed number of queries."""
    with transaction.atomic():
        locked = _lock_round(round)
        if locked.state != RoundState.CLOSED:
            raise Conflict("Results are computed once the round is closed.")
        n = _compute_results(locked)
        locked.save(update_fields=["results_computed_at", "updated_at"])
        audit_record(actor=actor, action="round.results", target=locked, data={"entries": n})
        notices.round_shortfall_warn(round=locked, event="results")
    return _refresh(round, locked)


def _award_entries(round_: Round, grants: dict[int, str], *, actor: User, by_rank: bool) -> list:
    entries = Entry.objects.filter(pk__in=list(grants))
    taken = set(Award.objects.filter(entry__in=entries).values_list("entry_id", flat=True))
    awards = Award.objects.bulk_create(
        [
            Award(round=round_, entry_id=pk, tier=tier, by_rank=by_rank, granted_by=actor)
            for pk, tier in grants.items()
            if pk not in taken
        ]
    )
    _entries_bulk_set_state(
        entry_ids=[a.entry_id for a in awards],
        to_state=EntryState.AWARDED,
        actor=actor,
        reason=f"Awarded after {round_.name}.",
    )
    for award in awards:
        audit_record(
            actor=actor,
            action="award.grant",
            target=award,
            to_state=award.tier,
            data={"entry": award.entry_id, "by_rank": by_rank},
        )
    return awards


# The award rule: an awarded entry never sits in a later round. So awards by rank come only from
# a contest's final round (advancement rule "none": nobody advances from it), and an award by
# hand from an earlier round goes only to an entry that did not advance from it (an excellence
# award to an entry that stops there). An award moves the entry to "awarded", which a later round
# could neither enrol nor confirm (the 409 of issue 10).
def award_source_check(round_: Round, *, entry_ids: list[int] | None = None) -> None:
    """Raise ``Conflict`` (``award_not_final_round``) when awards from ``round_`` would break the
    award rule; by rank when ``entry_ids`` is None, else by hand to those entries."""
    if round_.advancement_rule == AdvancementRule.NONE:
        return
    if entry_ids is None:
        raise Conflict(
            f"Awards by rank come from the contest's final round; {round_.name} advances entries "
            "to a later round (its advancement rule is not 'none').",
            code="award_not_final_round",
        )
    if RoundEntry.objects.filter(round=round_, entry_id__in=entry_ids, advanced=True).exists():
        raise Conflict(
            f"The entry advanced from {round_.name} to a later round; award it from the round "
            "where its contest ends.",
            code="award_not_final_round",
        )


def awards_grant_by_rank(*, round: Round, tiers: dict[str, int], actor: User) -> list[Award]:
    """Grant awards from a finalized final round's ranks, per category. ``tiers`` maps a tier to
    the cumulative rank it reaches (e.g. first 1, second 3, third 6, excellence 10). Entries that
    already hold an award keep it. Refused (409) on a round that advances entries to a later one
    (``award_source_check``)."""
    unknown = set(tiers) - set(AwardTier.values)
    if unknown:
        raise ValidationFailed(f"tiers: unknown tier {sorted(unknown)[0]}.",
                               fields={"tiers": [f"Unknown: {t}" for t in sorted(unknown)]})  # fmt: skip
    ordered = {t: tiers[t] for t in AwardTier.values if t in tiers}
    with transaction.atomic():
        locked = _lock_round(round)
        if locked.state != RoundState.FINALIZED:
            raise Conflict("Awards are granted from a finalized round.")
        award_source_check(locked)
        rows = list(
            RoundEntry.objects.filter(round=locked).values_list("entry_id", "rank", "n_reviews")
        )
        if not rows:
            return []
        arr = np.asarray(rows, dtype=np.int64)
        try:
            names = scoring.award_tiers(arr[:, 1], arr[:, 2], ordered)
        except ValueError as exc:
            raise ValidationFailed(f"tiers: {exc}", fields={"tiers": [str(exc)]}) from None
        grants = {int(e): t for e, t in zip(arr[:, 0].tolist(), names.tolist(), strict=True) if t}
        return _award_entries(locked, grants, actor=actor, by_rank=True)


def award_grant(
    *,
    round: Round,
    entry: Entry,
    tier: str,
    actor: User,
    recommended_provincial: bool = False,
    note: str = "",
) -> Award:
    """Grant one award by hand (e.g. an excellence award to an entry that did not advance). From
    a round that is not the contest's final one, only to an entry that did not advance from it."""
    with transaction.atomic():
        locked = _lock_round(round)
        if locked.state != RoundState.FINALIZED:
            raise Conflict("Awards are granted from a finalized round.")
        award_source_check(locked, entry_ids=[entry.pk])
        if not RoundEntry.objects.filter(round=locked, entry=entry).exists():
            raise ValidationFailed("entry: the entry did not take part in this round.",
                                   fields={"entry": ["Not in this round."]})  # fmt: skip
        if Award.objects.filter(entry=entry).exists():
            raise Conflict("The entry already holds an award.")
        (award,) = _award_entries(locked, {entry.pk: tier}, actor=actor, by_rank=False)
        if recommended_provincial or note:
            award.recommended_provincial, award.note = recommended_provincial, note
            award.save(update_fields=["recommended_provincial", "note"])
    return award


def award_update(
    *, award: Award, actor: User, tier: str, recommended_provincial: bool, note: str
) -> Award:
    """Change an award's tier, its recommendation to the provincial contest, or its note."""
    with transaction.atomic():
        locked = Award.objects.select_for_update().get(pk=award.pk)
        from_tier = locked.tier
        locked.tier, locked.recommended_provincial, locked.note = tier, recommended_provincial, note
        locked.save(update_fields=["tier", "recommended_provincial", "note"])
        audit_record(
            actor=actor,
            action="award.update",
            target=locked,
            from_state=from_tier,
            to_state=tier,
            data={"recommended_provincial": recommended_provincial},
        )
    return locked
