"""Rounds and their rubric: create, update, the rubric, and every state move of a round
(``round_set_state`` dispatches to the service of each move)."""

from __future__ import annotations

import logging
from datetime import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import User
from core.exceptions import Conflict, DomainError, ValidationFailed
from core.services import audit_record, model_update, state_saved
from core.transitions import check_transition
from projects.enums import EntryState
from projects.models import Contest, Entry
from reviews import assignment as solver
from reviews import notices, selectors
from reviews.enums import ROUND_EDITABLE_STATES, ROUND_TRANSITIONS, AdvancementRule, RoundState
from reviews.errors import ReviewError
from reviews.models import Assignment, Criterion, Round, RoundEntry
from reviews.services._common import (
    _BULK,
    _ONE_DECIMAL,
    _entries_bulk_set_state,
    _lock_round,
    _refresh,
    _round_move,
)
from reviews.services.problem import load_assignment_problem
from reviews.services.results import _compute_results

logger = logging.getLogger(__name__)


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
        raise ValidationFailed(
            _("%(field)s: %(messages)s") % {"field": field, "messages": messages[0]}, fields=errors
        )


def round_create(*, contest: Contest, actor: User, **fields) -> Round:
    """Create a round in draft. Guarantees a unique order within the contest and a coherent
    window and advancement rule (400 naming the field otherwise)."""
    round_ = Round(contest=contest, created_by=actor, **{k: fields[k] for k in fields})
    _check_round_settings(round_)
    with transaction.atomic():
        if Round.objects.filter(contest=contest, order=round_.order).exists():
            raise ValidationFailed(
                _("order: the contest already has a round %(order)s.") % {"order": round_.order},
                fields={"order": [_("A round with this order exists in the contest.")]},
            )
        round_.save()
        audit_record(actor=actor, action="round.create", target=round_, to_state=round_.state)
    return round_


def round_update(*, round: Round, actor: User, **fields) -> Round:
    """Change a round's settings; only while it is a draft (409 afterwards, because reviewers
    and entries would otherwise be judged under rules that changed under them)."""
    unknown = set(fields) - _ROUND_FIELDS
    if unknown:
        raise ValidationFailed(
            _("Unknown fields: %(fields)s.") % {"fields": ", ".join(sorted(unknown))}
        )
    with transaction.atomic():
        locked = _lock_round(round)
        if locked.state not in ROUND_EDITABLE_STATES:
            raise Conflict(
                _("A round's settings can change only while it is a draft."),
                code=ReviewError.ROUND_NOT_DRAFT,
            )
        model_update(instance=locked, data=fields, fields=_ROUND_FIELDS)
        _check_round_settings(locked)
        if (
            "order" in fields
            and Round.objects.filter(contest_id=locked.contest_id, order=locked.order)
            .exclude(pk=locked.pk)
            .exists()
        ):
            raise ValidationFailed(
                _("order: the contest already has a round with this order."),
                fields={"order": [_("A round with this order exists in the contest.")]},
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
        raise ValidationFailed(
            _("criteria: a rubric needs at least one criterion."),
            fields={"criteria": [_("At least one criterion.")]},
        )
    names = [c["name"].strip() for c in criteria]
    if len(set(names)) != len(names):
        raise ValidationFailed(
            _("criteria: criterion names must be unique."),
            fields={"criteria": [_("Criterion names must be unique.")]},
        )
    for index, item in enumerate(criteria):
        max_score = Decimal(item["max_score"])
        if max_score <= 0 or max_score != max_score.quantize(_ONE_DECIMAL):
            raise ValidationFailed(
                _("%(name)s: the maximum score must be positive, with one decimal at most.")
                % {"name": item["name"]},
                fields={f"criteria[{index}].max_score": [_("Positive, one decimal at most.")]},
            )
        if Decimal(item["weight"]) < 0:
            raise ValidationFailed(
                _("%(name)s: the weight cannot be negative.") % {"name": item["name"]},
                fields={f"criteria[{index}].weight": [_("Cannot be negative.")]},
            )
    with transaction.atomic():
        locked = _lock_round(round)
        if locked.state not in ROUND_EDITABLE_STATES:
            raise Conflict(
                _("The rubric can change only while the round is a draft."),
                code=ReviewError.ROUND_NOT_DRAFT,
            )
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
            raise Conflict(_("The round has no rubric yet."), code=ReviewError.RUBRIC_MISSING)
        previous = _previous_round(locked)
        if previous is None:
            entry_ids = list(
                Entry.objects.filter(
                    contest_id=locked.contest_id, state=EntryState.SUBMITTED
                ).values_list("pk", flat=True)
            )
        else:
            if previous.state != RoundState.FINALIZED:
                raise Conflict(
                    _("The previous round (%(name)s) is not finalized yet.")
                    % {"name": previous.name},
                    code=ReviewError.PREVIOUS_ROUND_NOT_FINALIZED,
                )
            entry_ids = list(
                RoundEntry.objects.filter(round=previous, advanced=True).values_list(
                    "entry_id", flat=True
                )
            )
        if not entry_ids:
            raise Conflict(
                _("No entry takes part in this round."), code=ReviewError.ROUND_WITHOUT_ENTRIES
            )
        RoundEntry.objects.filter(round=locked).delete()
        RoundEntry.objects.bulk_create(
            [RoundEntry(round=locked, entry_id=pk) for pk in entry_ids], batch_size=_BULK
        )
        state_saved(
            locked,
            actor=actor,
            action="round.state",
            from_state=from_state,
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
        state_saved(
            locked,
            actor=actor,
            action="round.state",
            from_state=from_state,
        )
    return _refresh(round, locked)


BLIND_OVERRIDE_MAX_CHARS = 1000


def blind_opening_check(*, round: Round, override_reason: str = "") -> dict:
    """A blind round opens only when no entrant's free text names the entrant (the
    organisation, its contact, a team member or their employer: ``selectors.blind_text_flags``),
    or when staff open it anyway with a reason (e.g. "settled with the entrant", "the name is
    the product's"). 409 ``blind_text_flagged`` naming how many entries, otherwise what the
    opening's audit row records: ``{}`` for a clean or non-blind round, else the flagged entries
    and the reason."""
    if not round.is_blind:
        return {}
    flags = selectors.blind_text_flags(round)
    if not flags:
        return {}
    reason = " ".join((override_reason or "").split())[:BLIND_OVERRIDE_MAX_CHARS]
    if not reason:
        raise Conflict(
            ngettext(
                "%(count)s entry names its entrant in its free text, which reviewers of a blind "
                "round would read. Settle it with the entrant, or open the round anyway with a "
                "reason.",
                "%(count)s entries name their entrant in their free text, which reviewers of a "
                "blind round would read. Settle it with the entrants, or open the round anyway "
                "with a reason.",
                len(flags),
            )
            % {"count": len(flags)},
            code=ReviewError.BLIND_TEXT_FLAGGED,
            fields={
                "blind_override_reason": [
                    _("Say why the round may open with these entries as they are.")
                ],
                "entries": [str(flag["entry"]) for flag in flags[:100]],
            },
        )
    return {
        "blind_flagged_entries": [flag["entry"] for flag in flags[:1000]],
        "blind_flags": len(flags),
        "blind_override_reason": reason,
    }


def round_confirm_assignments(
    *, round: Round, actor: User, blind_override_reason: str = ""
) -> Round:
    """assigning -> open: re-checks the whole assignment (exactly k reviewers per entry, loads,
    every conflict) and refuses with the list of violations; a blind round whose entrants' free
    text names them is refused too unless staff give a reason (:func:`blind_opening_check`,
    recorded in the audit row); then makes the assignments visible to reviewers and moves the
    entries to in_review (bulk, audited)."""
    with transaction.atomic():
        locked, from_state = _round_move(round, RoundState.OPEN, actor)
        blind = blind_opening_check(round=locked, override_reason=blind_override_reason)
        loaded = load_assignment_problem(locked)
        pairs = loaded.active_pairs()
        violations = solver.check_assignment(loaded.problem, pairs)
        if violations:
            messages = [str(v) for v in violations[:20]]
            raise Conflict(
                _("The assignment breaks %(count)s rule(s): %(messages)s")
                % {"count": len(violations), "messages": messages[0]},
                code=ReviewError.ASSIGNMENT_INVALID,
                fields={"assignments": messages},
            )
        now = timezone.now()
        locked.assignments_confirmed_at = now
        _entries_bulk_set_state(
            entry_ids=loaded.entry_ids.tolist(),
            to_state=EntryState.IN_REVIEW,
            actor=actor,
            reason=f"Review round {locked.name} opened.",
        )
        state_saved(
            locked,
            actor=actor,
            action="round.state",
            from_state=from_state,
            fields=["assignments_confirmed_at"],
            data={"assignments": len(pairs), **blind},
        )
        # notifications (issue 6): one notice per reviewer listing their entries, written in
        # this transaction and sent after commit.
        notices.review_assignments_notify(round=locked)
    return _refresh(round, locked)


def round_close(*, round: Round, actor: User | None = None) -> Round:
    """open -> closed. ``actor`` None means the system closing the round at its deadline.
    Closing an already closed round changes nothing (the periodic sweep may run twice). Entries
    with fewer than k submitted reviews: review staff get a notice."""
    with transaction.atomic():
        if _lock_round(round).state == RoundState.CLOSED:
            return round
        locked, from_state = _round_move(round, RoundState.CLOSED, actor)
        state_saved(
            locked,
            actor=actor,
            action="round.state",
            from_state=from_state,
            reason="" if actor else "Deadline reached.",
        )
        # Entries with fewer than k reviews: staff are told (reviews/notices.py).
        notices.round_shortfall_warn(round=locked, event="closed")
        if actor is None:
            # notifications (issue 6): the system closed it at the deadline; staff get the
            # completion figures (a close by staff needs no notice: they did it).
            notices.review_round_closed_notify(closed_round=locked)
    return _refresh(round, locked)


def round_reopen(*, round: Round, actor: User, deadline: datetime, reason: str = "") -> Round:
    """closed -> open with a new deadline in the future (an extension)."""
    if deadline <= timezone.now():
        raise ValidationFailed(
            _("deadline: the new deadline must be in the future."),
            fields={"deadline": [_("Must be in the future.")]},
        )
    with transaction.atomic():
        locked, from_state = _round_move(round, RoundState.OPEN, actor)
        locked.deadline = deadline
        locked.results_computed_at = None
        state_saved(
            locked,
            actor=actor,
            action="round.state",
            from_state=from_state,
            fields=["deadline", "results_computed_at"],
            reason=reason,
            data={"deadline": deadline.isoformat()},
        )
    return _refresh(round, locked)


def round_finalize(*, round: Round, actor: User) -> Round:
    """closed -> finalized: marks every entry advanced or not advanced (bulk, audited), which is
    what the next round enrols, from the results staff computed and looked at.

    Results computed while the round is closed are still those of its reviews: nothing that feeds
    them can change in a closed round (settings and rubric only in draft, assignments and reviews
    only while assigning or open), and reopening discards them (``round_reopen``). So they are
    kept, not computed a second time (half of a provincial finalize); a round finalized without
    a compute first has them computed here, in the same transaction."""
    with transaction.atomic():
        locked, from_state = _round_move(round, RoundState.FINALIZED, actor)
        if locked.results_computed_at is None:
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
        state_saved(
            locked,
            actor=actor,
            action="round.state",
            from_state=from_state,
            fields=["finalized_at", "results_computed_at"],
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
        _("deadline: reopening a closed round needs a new deadline (use the reopen action)."),
        fields={"deadline": [_("Required to reopen.")]},
    )


def round_publish(*, round: Round, actor: User) -> Round:
    """Make a finalized round's outcomes visible to the enterprises (score, rank, advancement,
    award, anonymous comments), and tell the members of each enterprise concerned. Publishing
    twice changes nothing."""
    with transaction.atomic():
        locked = _lock_round(round)
        if locked.state != RoundState.FINALIZED:
            raise Conflict(
                _("Only a finalized round can be published."), code=ReviewError.ROUND_NOT_FINALIZED
            )
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


def round_remind_late_reviewers(*, round: Round, actor: User) -> dict:
    """Staff "remind late reviewers now" (``POST review-rounds/{id}/remind-late-reviewers/``,
    the console's progress page): only an open round has reviewers to remind; who is told and
    the cool-down are ``notices.late_reviewers_remind``'s. The round is locked, so two clicks at
    once are serialised. Audited. Returns ``{"reminded": n, "in_cooldown": m}``."""
    with transaction.atomic():
        locked = _lock_round(round)
        if locked.state != RoundState.OPEN:
            raise Conflict(
                _("Only an open round has reviewers to remind."),
                code=ReviewError.ROUND_NOT_OPEN,
                fields={"round": [_("The round is not open.")]},
            )
        result = notices.late_reviewers_remind(round=locked, now=timezone.now())
        audit_record(actor=actor, action="round.remind_late", target=locked, data=result)
    return result
