"""Test and benchmark oracles only (never imported by production code): an exact MILP optimum
and random / contest-shaped instances."""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import scipy.sparse as sp

from reviews.assignment.diagnosis import _scan_reasons
from reviews.assignment.problem import AssignmentInfeasible, AssignmentProblem, _binary_csr
from reviews.assignment.pruning import _prepare, _scan


def exact_optimum(problem: AssignmentProblem, *, time_limit: float | None = None) -> int:
    """Exact optimal total affinity of the full problem via ``scipy.optimize.milp``
    (HiGHS) over every eligible pair.  For small/medium instances only (the model has one
    binary variable per eligible pair).  Independent of the flow code path except for
    the eligibility scan.

    Raises AssignmentInfeasible when the MILP is infeasible.
    """
    from scipy.optimize import Bounds, LinearConstraint, milp

    p = problem
    prep = _prepare(p, 0)
    if prep.reasons:
        raise AssignmentInfeasible(prep.reasons)
    sc = _scan(prep, prep.n_r, None)
    ce, cr, ca = sc.cand_e, sc.cand_r, sc.cand_a
    nv = len(ce)
    if (sc.elig_entry < prep.k_rem).any():
        raise AssignmentInfeasible(_scan_reasons(prep, sc))
    if nv == 0:  # nothing left to choose (everything fixed); pre-checks passed
        return prep.fixed_aff
    rows = [sp.csr_array((np.ones(nv), (ce, np.arange(nv))), shape=(prep.n_e, nv))]
    lb = [prep.k_rem.astype(float)]
    ub = [prep.k_rem.astype(float)]
    rows.append(sp.csr_array((np.ones(nv), (cr, np.arange(nv))), shape=(prep.n_r, nv)))
    lb.append(prep.min_rem.astype(float))
    ub.append(prep.max_rem.astype(float))
    if p.same_employer_limit:
        emp = prep.rev_empc[cr]
        has = np.flatnonzero(emp >= 0)
        _, inv = np.unique(ce[has] * prep.n_org + emp[has], return_inverse=True)
        ng = int(inv.max(initial=-1)) + 1
        rows.append(sp.csr_array((np.ones(len(has)), (inv, has)), shape=(ng, nv)))
        lb.append(np.zeros(ng))
        ub.append(np.ones(ng))
    a = sp.vstack(rows, format="csr")
    res = milp(
        c=-ca.astype(float),
        constraints=LinearConstraint(a, np.concatenate(lb), np.concatenate(ub)),
        integrality=np.ones(nv),
        bounds=Bounds(0, 1),
        options={"time_limit": time_limit} if time_limit else None,
    )
    if res.status == 2:
        raise AssignmentInfeasible(["the MILP over all eligible pairs is infeasible"])
    if res.x is None:
        raise RuntimeError(f"MILP failed: {res.message}")
    return prep.fixed_aff + int(round(-res.fun))


def random_instance(
    n_entries: int,
    n_reviewers: int,
    k: int,
    conflict_rate: float,
    n_tags: int,
    seed: int,
    *,
    n_orgs: int | None = None,
    same_employer_limit: bool = False,
    load_spread: float = 0.4,
    recusal_rate: float = 0.01,
    employed_share: float = 0.5,
) -> AssignmentProblem:
    """Seeded random instance resembling a contest round.

    * ``n_orgs`` organisations (default ``max(min(20, n_entries), n_entries // 50)``), entries spread
      uniformly; ``employed_share`` of the reviewers work for one of them, the rest are
      independent (-1).
    * Tags: the first ``max(1, n_tags // 10)`` are categories (each entry has one, each
      reviewer 1-2), the rest keywords with Zipf-like popularity (entries 1-4 keywords,
      reviewers 2-8), so expertise for popular topics is plentiful and for rare ones
      scarce.
    * Each reviewer declares conflicts with ~``conflict_rate`` of the organisations, so
      about that share of (entry, reviewer) pairs is conflicted;
      ``recusal_rate * n_entries`` random forbidden pairs are added.
    * Loads: with mean ``m = n_entries * k / n_reviewers``, ``min = floor((1 - spread) m)``
      and ``max = ceil((1 + spread) m)``.
    """
    rng = np.random.default_rng(seed)
    n_orgs = n_orgs or max(min(20, n_entries), n_entries // 50, 1)
    entry_org = rng.integers(0, n_orgs, n_entries)
    employed = rng.random(n_reviewers) < employed_share
    reviewer_org = np.where(employed, rng.integers(0, n_orgs, n_reviewers), -1)
    n_cat = max(1, n_tags // 10)
    n_kw = n_tags - n_cat
    p_kw = 1.0 / (np.arange(n_kw) + 5.0)
    p_kw /= p_kw.sum() if n_kw else 1.0

    def tags(n: int, cat_lo: int, cat_hi: int, kw_lo: int, kw_hi: int) -> sp.csr_array:
        nc = rng.integers(cat_lo, cat_hi + 1, n)
        rows = [np.repeat(np.arange(n), nc)]
        cols = [rng.integers(0, n_cat, int(nc.sum()))]
        if n_kw:
            nk = rng.integers(kw_lo, kw_hi + 1, n)
            rows.append(np.repeat(np.arange(n), nk))
            cols.append(n_cat + rng.choice(n_kw, size=int(nk.sum()), p=p_kw))
        return _binary_csr(np.concatenate(rows), np.concatenate(cols), (n, n_tags))

    entry_tags = tags(n_entries, 1, 1, 1, 4)
    reviewer_tags = tags(n_reviewers, 1, 2, 2, 8)
    n_conf = rng.binomial(n_orgs, conflict_rate, n_reviewers)
    conf = np.stack(
        [np.repeat(np.arange(n_reviewers), n_conf), rng.integers(0, n_orgs, int(n_conf.sum()))],
        axis=1,
    )
    conf = np.unique(conf, axis=0) if len(conf) else np.empty((0, 2), np.int64)
    n_rec = int(round(recusal_rate * n_entries))
    forbidden = np.stack(
        [rng.integers(0, n_entries, n_rec), rng.integers(0, n_reviewers, n_rec)], axis=1
    )
    mean = n_entries * k / max(n_reviewers, 1)
    min_load = np.full(n_reviewers, math.floor((1 - load_spread) * mean), dtype=np.int64)
    max_load = np.full(n_reviewers, max(1, math.ceil((1 + load_spread) * mean)), dtype=np.int64)
    return AssignmentProblem(
        k=k,
        entry_org=entry_org,
        entry_tags=entry_tags,
        reviewer_org=reviewer_org,
        reviewer_tags=reviewer_tags,
        min_load=min_load,
        max_load=max_load,
        reviewer_org_conflicts=conf,
        forbidden_pairs=forbidden,
        same_employer_limit=same_employer_limit,
    )


def contest_instance(
    n_entries: int,
    n_reviewers: int,
    k: int = 5,
    seed: int = 0,
    *,
    tight_loads: bool = False,
    same_employer_limit: bool = False,
    n_tags: int = 300,
) -> AssignmentProblem:
    """The instances of the benchmark and the side-by-side comparison: ``random_instance``'s
    tags with the category tags weighted 3 (keywords 1), organisations of Zipf-like sizes for
    entries and employed reviewers (a few large employers, many small ones), 5 % declared
    conflicts, and loads ``[floor(mean) - 1, ceil(1.25 * mean)]`` (``tight_loads``: every
    load exactly the rounded mean, which needs ``n_entries * k`` divisible by the pool)."""
    base = random_instance(n_entries, n_reviewers, k, 0.05, n_tags, seed)
    rng = np.random.default_rng(seed + 1)
    n_orgs = max(20, n_entries // 50)
    weights = 1.0 / np.arange(1, n_orgs + 1)
    weights /= weights.sum()
    entry_org = rng.choice(n_orgs, n_entries, p=weights)
    employed = rng.random(n_reviewers) < 0.5
    reviewer_org = np.where(employed, rng.choice(n_orgs, n_reviewers, p=weights), -1)
    tag_weights = np.ones(n_tags, dtype=np.int64)
    tag_weights[: max(1, n_tags // 10)] = 3
    mean = n_entries * k / n_reviewers
    lo, hi = (round(mean),) * 2 if tight_loads else (math.floor(mean) - 1, math.ceil(1.25 * mean))
    return replace(
        base,
        entry_org=entry_org,
        reviewer_org=reviewer_org,
        tag_weights=tag_weights,
        min_load=np.full(n_reviewers, max(lo, 0)),
        max_load=np.full(n_reviewers, hi),
        same_employer_limit=same_employer_limit,
    )
