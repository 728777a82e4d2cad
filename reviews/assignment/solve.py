"""``assign``: scan, build, solve, widen or price, and finish into an ``AssignmentResult``."""

from __future__ import annotations

import time

import numpy as np
from ortools.graph.python import min_cost_flow

from reviews.assignment.checker import check_assignment
from reviews.assignment.diagnosis import _diagnose, _scan_reasons
from reviews.assignment.flow import _build_graph, _Graph, _make_solver, _reviewer_limits
from reviews.assignment.pricing import _price_and_resolve
from reviews.assignment.problem import (
    _COMPLETE_FALLBACK_CELLS,
    AssignmentInfeasible,
    AssignmentProblem,
    AssignmentResult,
    PricingProof,
    pair_affinity,
)
from reviews.assignment.pruning import _Prep, _prepare, _Scan, _scan


def assign(
    problem: AssignmentProblem,
    *,
    candidates_per_entry: int | None = None,
    reviewer_slack: float = 2.0,
    balance_weight: float | None = None,
    seed: int = 0,
    max_attempts: int = 3,
    target_gap_percent: float = 0.5,
    time_budget_seconds: float = 40.0,
    prove_optimal: bool = True,
) -> AssignmentResult:
    """Compute an optimal assignment (see module docstring for the model).

    Args:
        problem: the instance.
        candidates_per_entry: best reviewers kept per entry in the pruned graph
            (default ``max(4k, k + 10)``); ``>= n_reviewers`` means the complete graph.
        reviewer_slack: each reviewer keeps ``ceil(slack * cap)`` best entries.
        balance_weight: ``None`` = affinity first, then even loads (lexicographic);
            ``0`` = ignore balance; ``w > 0`` = soft trade-off, 1 squared-load unit costs
            ``w`` affinity points.
        seed: seeds the tie-breaking among equal affinities (result is deterministic).
        max_attempts: maximum number of scans/solves.  A retry doubles both candidate
            sets (each graph contains the previous one, so a retry never does worse) and
            happens (a) when the pruned graph is infeasible, always, small instances
            ending with the complete graph where infeasibility is definitive; (b) when
            the gap to the upper bound exceeds ``target_gap_percent`` and the time spent
            so far times 3 is within ``time_budget_seconds`` (the next solve is larger).
        target_gap_percent: see (b); ``100`` disables quality retries.  Only used with
            ``prove_optimal=False``.
        time_budget_seconds: see (b); infeasibility retries ignore it.  With pricing, no new
            pricing round starts after this many seconds (the result then says it is not
            certified).
        prove_optimal: price the pruned-away pairs against the flow's potentials, add the
            ones with a negative reduced cost and solve again until none is left (see
            "Pricing"): the result is the exact optimum of the full problem, certified
            (``result.pricing``).

    Returns:
        AssignmentResult whose pairs pass ``check_assignment`` with no violation.  With
        ``balance_weight=None`` the total affinity is maximal within the candidate graph
        (maximal for the full problem when ``complete_graph``), and ``sum(load**2)`` is
        minimal among assignments of that graph with that affinity.

    Raises:
        AssignmentInfeasible: with explanations, when no valid assignment exists (or none
            could be found in the widest candidate graph tried; the message says so).
    """
    t0 = time.perf_counter()
    p = problem
    prep = _prepare(p, seed)
    if prep.reasons:
        raise AssignmentInfeasible(prep.reasons)
    n_r = prep.n_r
    m = candidates_per_entry if candidates_per_entry is not None else max(4 * p.k, p.k + 10)
    m = int(max(m, p.k))
    slack = float(max(reviewer_slack, 1.0))
    timing = {"build": time.perf_counter() - t0, "solve": 0.0}
    attempt = 0
    while True:
        attempt += 1
        t1 = time.perf_counter()
        last = attempt >= max_attempts
        if m >= n_r or (last and prep.n_e * n_r <= _COMPLETE_FALLBACK_CELLS):
            m = n_r
        sc = _scan(prep, min(m, n_r), None if m >= n_r else _reviewer_limits(prep, slack))
        if attempt == 1:
            reasons = _scan_reasons(prep, sc)
            if reasons:
                raise AssignmentInfeasible(reasons)
        g = _build_graph(prep, sc, balance_weight)
        smcf = _make_solver(g)
        timing["build"] += time.perf_counter() - t1
        t2 = time.perf_counter()
        status = smcf.solve() if prep.need > 0 else smcf.OPTIMAL
        timing["solve"] += time.perf_counter() - t2
        if status == smcf.OPTIMAL:
            if prove_optimal:
                proof = None
                if not sc.complete and prep.need > 0:
                    sc, g, smcf, proof = _price_and_resolve(
                        prep, sc, g, smcf, balance_weight, timing, t0, time_budget_seconds
                    )
                return _finish(prep, sc, g, smcf, attempt, timing, proof, balance_weight)
            res = _finish(prep, sc, g, smcf, attempt, timing)
            elapsed = time.perf_counter() - t0
            if (
                res.complete_graph
                or last
                or res.gap_percent <= target_gap_percent
                or 3 * elapsed > time_budget_seconds
            ):
                return res
        elif status not in (smcf.INFEASIBLE, smcf.UNBALANCED):
            raise RuntimeError(f"min-cost flow solver failed with status {status}")
        elif sc.complete or last:
            raise AssignmentInfeasible(_diagnose(prep, sc))
        m *= 2
        slack *= 2


def _finish(
    prep: _Prep,
    sc: _Scan,
    g: _Graph,
    smcf: min_cost_flow.SimpleMinCostFlow,
    attempt: int,
    timing: dict[str, float],
    proof: PricingProof | None = None,
    balance_weight: float | None = None,
) -> AssignmentResult:
    """Turn an optimal flow into a checked AssignmentResult."""
    t3 = time.perf_counter()
    p = prep.problem
    if prep.need > 0:
        chosen = smcf.flows(np.arange(g.n_cand, dtype=np.int32)) > 0
    else:
        chosen = np.zeros(len(sc.cand_e), dtype=bool)
    new_pairs = np.stack([sc.cand_e[chosen], sc.cand_r[chosen]], axis=1)
    pairs = np.concatenate([p.fixed_pairs, new_pairs]).astype(np.int64)
    order = np.lexsort((pairs[:, 1], pairs[:, 0]))
    pairs = pairs[order]
    aff = np.concatenate([pair_affinity(p, p.fixed_pairs), sc.cand_a[chosen]])
    aff = aff.astype(np.int64)[order]
    loads = np.bincount(pairs[:, 1], minlength=prep.n_r).astype(np.int64)
    # Safety net: never hand out an invalid assignment, whatever happened above.
    violations = check_assignment(p, pairs)
    if violations:
        raise RuntimeError(
            "internal error, invalid assignment: " + "; ".join(map(str, violations[:5]))
        )
    total = int(aff.sum())
    ub = prep.fixed_aff + sc.ub_new
    if total > ub:
        raise RuntimeError(f"internal error: affinity {total} above its upper bound {ub}")
    if sc.complete:
        ub = total  # the complete graph was solved to optimality: a proven bound
    elif proof is not None and proof.certified and not balance_weight:
        # optimal for the full problem; its objective puts affinity first (lexicographic, or
        # affinity alone with balance_weight=0), so no assignment has more affinity
        ub = total
    timing["build"] += time.perf_counter() - t3
    return AssignmentResult(
        pairs=pairs,
        pair_affinity=aff,
        total_affinity=total,
        upper_bound=int(ub),
        loads=loads,
        sum_squared_loads=int((loads**2).sum()),
        build_seconds=timing["build"],
        solve_seconds=timing["solve"],
        n_candidate_pairs=int(g.n_cand),
        n_arcs=len(g.tails),
        attempts=attempt,
        complete_graph=sc.complete,
        pricing=proof,
    )
