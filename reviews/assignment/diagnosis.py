"""Why a problem is infeasible, from the scan's exact eligibility counts: counting bounds first,
then per-entry and per-reviewer findings."""

from __future__ import annotations

import numpy as np

from reviews.assignment.flow import _build_graph, _make_solver
from reviews.assignment.problem import _MAX_LISTED, Finding
from reviews.assignment.pruning import _fmt, _Prep, _Scan


def _diagnose(prep: _Prep, sc: _Scan) -> list:
    """Explain why no feasible flow exists, saying only what is true of the instance: the most
    review slots any assignment fills (a maximum flow's value), and the smallest shortfall of
    the minimum loads among the assignments that fill every slot (a min-cost maximum flow
    rewarding the units below the minimum loads). Which entries or reviewers end up short
    differs from one maximum flow to another, so none is named as short; the details list
    the entries and reviewers with the fewest eligible partners (exact counts)."""
    p = prep.problem
    if not sc.complete:
        return [Finding("not_proven", {"pairs": _fmt(len(sc.cand_e))})]
    g = _build_graph(prep, sc, None, diagnose=True)
    smcf = _make_solver(g)
    status = smcf.solve_max_flow_with_min_cost()
    if status != smcf.OPTIMAL:
        return [f"flow solver could not analyse the infeasibility (status {status})"]
    flows = smcf.flows(np.arange(g.n_cand, dtype=np.int32))
    got_r = np.bincount(sc.cand_r, weights=flows, minlength=prep.n_r).astype(np.int64)
    reasons: list = []
    mf = int(smcf.maximum_flow())
    if mf < prep.need:
        reasons.append(Finding("slots_short", {"filled": _fmt(mf), "need": _fmt(prep.need)}))
        reasons.append(
            f"only {_fmt(mf)} of the {_fmt(prep.need)} review slots can be filled "
            "without breaking a conflict, the same-employer limit or a max load"
        )
        act = prep.active
        fewest = act[np.argsort(sc.elig_entry[act] - prep.k_rem[act], kind="stable")]
        for e in fewest[:_MAX_LISTED]:
            reasons.append(
                f"entry {p.entry_label(e)} has {sc.elig_entry[e]} eligible reviewers for "
                f"{prep.k_rem[e]} places"
            )
    else:
        short = int(np.maximum(prep.min_rem - got_r, 0).sum())
        if short:
            reasons.append(Finding("min_loads_short", {"short": _fmt(short)}))
            need_min = np.flatnonzero(prep.min_rem > 0)
            fewest = need_min[np.argsort(sc.elig_rev[need_min] - prep.min_rem[need_min])]
            for r in fewest[:_MAX_LISTED]:
                reasons.append(
                    f"reviewer {p.reviewer_label(r)} has {sc.elig_rev[r]} eligible entries "
                    f"for a min load of {p.min_load[r]}"
                )
    if not reasons:
        reasons.append("no flow satisfies all constraints simultaneously")
    return reasons


def _scan_reasons(prep: _Prep, sc: _Scan) -> list:
    p = prep.problem
    reasons: list = []
    kr = prep.k_rem
    short = np.flatnonzero(sc.elig_entry < kr)
    if len(short):
        reasons.append(Finding("entries_short", {"entries": _fmt(len(short))}))
    for e in short[:_MAX_LISTED]:
        reasons.append(
            f"entry {p.entry_label(e)} has only {sc.elig_entry[e]} eligible reviewers, "
            f"needs {kr[e]}" + (" more" if kr[e] < p.k else "")
        )
    if len(short) > _MAX_LISTED:
        reasons.append(f"... and {len(short) - _MAX_LISTED} more entries lack eligible reviewers")
    if p.same_employer_limit:
        dshort = np.flatnonzero((sc.distinct_entry >= 0) & (sc.distinct_entry < kr))
        dshort = np.setdiff1d(dshort, short)
        if len(dshort):
            reasons.append(Finding("entries_short_of_employers", {"entries": _fmt(len(dshort))}))
        for e in dshort[:_MAX_LISTED]:
            reasons.append(
                f"entry {p.entry_label(e)} has eligible reviewers from only "
                f"{sc.distinct_entry[e]} distinct employers, needs {kr[e]} "
                "(same-employer limit is on)"
            )
        if len(dshort) > _MAX_LISTED:
            reasons.append(f"... and {len(dshort) - _MAX_LISTED} more such entries")
    low = np.flatnonzero(sc.elig_rev < prep.min_rem)
    if len(low):
        reasons.append(Finding("min_load_unreachable", {"reviewers": _fmt(len(low))}))
    for r in low[:_MAX_LISTED]:
        reasons.append(
            f"reviewer {p.reviewer_label(r)} has only {sc.elig_rev[r]} eligible entries, "
            f"below the {prep.min_rem[r]} still needed for min load {p.min_load[r]}"
        )
    if len(low) > _MAX_LISTED:
        reasons.append(f"... and {len(low) - _MAX_LISTED} more reviewers below min load")
    return reasons
