"""复评: one more reviewer for the entries whose reviewers disagree most (the fairness lab's
"add a reviewer"). Pure functions over the solver's ``AssignmentProblem``; the service in
``reviews.services`` loads the round, calls ``pick_extra_reviewers`` and writes the pairs through
the ordinary hand-assignment path.

The pick obeys the solver's rules pair by pair (own employer, declared conflicts, removed or
recused pairs, maximum load, one reviewer per employer when the round says so) and the result is
checked once more by ``reviews.assignment.check_assignment`` — the very function that judges the
solver's own output — with ``k + 1`` allowed on the chosen entries.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from reviews import assignment as solver


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
    active = solver._as_pairs(active_pairs, "active_pairs")
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
