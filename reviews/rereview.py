"""复评: one more reviewer for the entries whose reviewers disagree most (the fairness lab's
"add a reviewer"). ``pick_extra_reviewers`` is a pure function over the solver's
``AssignmentProblem``; the service ``round_add_reviewers`` loads the round with the solver's own
loader (``reviews.services.load_assignment_problem``), calls it, and writes the new assignments.

The pick obeys the solver's rules pair by pair (own employer, declared conflicts, removed or
recused pairs, maximum load, one reviewer per employer when the round says so) and the result is
checked once more by ``reviews.assignment.check_assignment`` — the very function that judges the
solver's own output — with ``k + 1`` allowed on the chosen entries.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime

import numpy as np
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from core.exceptions import Conflict, ValidationFailed
from core.services import audit_record
from projects.models import Entry
from reviews import assignment as solver
from reviews import notices
from reviews.enums import AssignmentSource, RoundState
from reviews.errors import ReviewError
from reviews.models import Assignment, Round


@dataclasses.dataclass(frozen=True)
class ExtraPick:
    """``pairs``: (m, 2) new (entry index, reviewer index) rows, one per served entry;
    ``unserved``: entry index -> the reason in words why nobody could be added."""

    pairs: np.ndarray
    unserved: dict[int, str]


def pick_extra_reviewers(
    problem: solver.AssignmentProblem, active_pairs: np.ndarray, entries
) -> ExtraPick:
    """One more reviewer for each of ``entries`` (entry indices, served in the given order):
    the eligible pool member with the best affinity, then the lightest load, then the lowest
    index. A reviewer picked for one entry counts towards their load for the next ones.

    Raises:
        RuntimeError: the result breaks a rule of ``check_assignment`` (a bug, never input).
    """
    p = problem
    active = solver.as_pairs(active_pairs, "active_pairs")
    n_r = p.n_reviewers
    loads = np.bincount(active[:, 1], minlength=n_r).astype(np.int64)
    on_entry: dict[int, set[int]] = {}
    for e, r in active.tolist():
        on_entry.setdefault(e, set()).add(r)
    forbidden: dict[int, list[int]] = {}
    for e, r in p.forbidden_pairs.tolist():
        forbidden.setdefault(int(e), []).append(int(r))
    declared: dict[int, set[int]] = {}
    for r, org in p.reviewer_org_conflicts.tolist():
        declared.setdefault(int(org), set()).add(int(r))
    ew = p.weighted_entry_tags()
    rt = p.reviewer_tags.astype(np.float64)
    chosen: list[tuple[int, int]] = []
    unserved: dict[int, str] = {}
    for e in dict.fromkeys(int(x) for x in entries):
        if not 0 <= e < p.n_entries:
            raise ValueError(f"entry index {e} out of range")
        ok = np.ones(n_r, dtype=bool)
        current = on_entry.get(e, set())
        ok[list(current)] = False
        org = int(p.entry_org[e])
        if org >= 0:
            ok &= p.reviewer_org != org
            ok[list(declared.get(org, ()))] = False
        ok[forbidden.get(e, [])] = False
        ok &= loads < p.max_load
        if p.same_employer_limit:
            employers = {int(p.reviewer_org[r]) for r in current if p.reviewer_org[r] >= 0}
            ok &= ~np.isin(p.reviewer_org, list(employers))
        candidates = np.flatnonzero(ok)
        if not len(candidates):
            unserved[e] = (
                f"entry {p.entry_label(e)}: no pool member is left who is free of conflicts, "
                "below their maximum load and not already on the entry"
            )
            continue
        affinity = np.asarray((ew[[e]] @ rt[candidates].T).todense()).ravel()
        best = candidates[np.lexsort((candidates, loads[candidates], -affinity))[0]]
        chosen.append((e, int(best)))
        loads[best] += 1
        on_entry.setdefault(e, set()).add(int(best))
    pairs = np.asarray(chosen, dtype=np.int64).reshape(-1, 2)
    _verify(p, active, pairs)
    return ExtraPick(pairs=pairs, unserved=unserved)


def _verify(p: solver.AssignmentProblem, active: np.ndarray, pairs: np.ndarray) -> None:
    """Judge active + new pairs with the solver's checker, one reviewer more than the served
    entries had allowed. Only
    what the new pairs cause counts: an old violation (e.g. a maximum load lowered after
    assigning) is not this function's to judge."""
    if not len(pairs):
        return
    per_entry = np.bincount(active[:, 0], minlength=p.n_entries)
    wider = dataclasses.replace(
        p,
        k=max(p.k, int(per_entry[pairs[:, 0]].max())) + 1,
        min_load=np.zeros_like(p.min_load),
        fixed_pairs=np.empty((0, 2), dtype=np.int64),
    )
    before = {str(v) for v in solver.check_assignment(wider, active, require_complete=False)}
    after = solver.check_assignment(wider, np.vstack([active, pairs]), require_complete=False)
    new = [str(v) for v in after if str(v) not in before]
    if new:
        raise RuntimeError("; ".join(new))


@dataclasses.dataclass
class RereviewOutcome:
    added: list[Assignment]
    unserved: list[str]  # one sentence per entry that could not get a reviewer


def round_add_reviewers(
    *,
    round: Round,
    entries: list[Entry],
    actor: User,
    reason: str,
    deadline: datetime | None = None,
) -> RereviewOutcome:
    """Give each of ``entries`` one more reviewer (复评), chosen by ``pick_extra_reviewers``
    under the solver's rules. The round must be open, or closed with a new ``deadline`` (it is
    then reopened, which discards computed results, in the same transaction). All or nothing;
    the new reviewers are told like any hand-made addition. Entries nobody can take are
    reported in words, not refused."""
    from reviews import services

    if not reason.strip():
        raise ValidationFailed(_("reason: say why."), fields={"reason": [_("Required.")]})
    if not entries:
        raise ValidationFailed(
            _("entries: choose at least one entry."), fields={"entries": [_("Required.")]}
        )
    with transaction.atomic():
        locked = Round.objects.select_for_update().get(pk=round.pk)
        if locked.state == RoundState.CLOSED:
            if deadline is None:
                raise ValidationFailed(
                    _("deadline: the round is closed; give a new deadline to reopen it."),
                    fields={"deadline": [_("Required to reopen the round.")]},
                )
            locked = services.round_reopen(
                round=locked, actor=actor, deadline=deadline, reason=reason
            )
        elif locked.state != RoundState.OPEN:
            raise Conflict(
                _("A reviewer can be added while the round is open or closed."),
                code=ReviewError.ROUND_NOT_REVIEWING,
            )
        loaded = services.load_assignment_problem(locked)
        pks = np.asarray(sorted({e.pk for e in entries}), dtype=np.int64)
        index = loaded.entry_index(pks)
        known = (index < len(loaded.entry_ids)) & (
            loaded.entry_ids[np.minimum(index, max(len(loaded.entry_ids) - 1, 0))] == pks
        )
        if not known.all():
            raise ValidationFailed(
                _("entries: an entry does not take part in this round."),
                fields={"entries": [_("Not in this round.")]},
            )
        pick = pick_extra_reviewers(loaded.problem, loaded.active_pairs(), index)
        affinity = solver.pair_affinity(loaded.problem, pick.pairs)
        added = Assignment.objects.bulk_create(
            [
                Assignment(
                    round=locked,
                    entry_id=int(loaded.entry_ids[e]),
                    reviewer_id=int(loaded.reviewer_ids[r]),
                    source=AssignmentSource.MANUAL,
                    affinity=int(a),
                    created_by=actor,
                )
                for (e, r), a in zip(pick.pairs.tolist(), affinity.tolist(), strict=True)
            ]
        )
        for assignment in added:
            audit_record(
                actor=actor,
                action="assignment.add",
                target=assignment,
                reason=reason,
                data={
                    "round": locked.pk,
                    "reviewer": assignment.reviewer_id,
                    "entry": assignment.entry_id,
                    "rereview": True,
                },
            )
            assignment.round = locked
            notices.review_assignment_changed_notify(assignment=assignment, change="added")
    return RereviewOutcome(added=added, unserved=list(pick.unserved.values()))
