"""The min-cost-flow network over the pruned candidates (OR-Tools ``SimpleMinCostFlow``)."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from ortools.graph.python import min_cost_flow

from reviews.assignment.pruning import _Prep, _ragged_arange, _Scan


@dataclass(eq=False)
class _Graph:
    tails: np.ndarray
    heads: np.ndarray
    caps: np.ndarray
    costs: np.ndarray
    supplies: np.ndarray
    n_cand: int
    n_groups: int = 0
    big: int = 1  # cost of one affinity point on a candidate arc (cand cost = -affinity * big)


def _group_tails(prep: _Prep, ce: np.ndarray, cr: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Tail node of every candidate arc, and the entry -> group arcs (same-employer)."""
    tails = ce.copy()
    extra = np.empty((0, 2), dtype=np.int64)
    if not prep.problem.same_employer_limit:
        return tails, extra
    emp = prep.rev_empc[cr]
    has = np.flatnonzero(emp >= 0)
    gkey = ce[has] * prep.n_org + emp[has]
    uk, inv, cnt = np.unique(gkey, return_inverse=True, return_counts=True)
    multi = cnt >= 2  # singletons need no group node: their arc already has capacity 1
    gid = np.cumsum(multi) - 1
    base = prep.n_e + prep.n_r
    grouped = multi[inv]
    tails[has[grouped]] = base + gid[inv[grouped]]
    extra = np.stack([uk[multi] // prep.n_org, base + np.arange(int(multi.sum()))], axis=1)
    return tails, extra


def _build_graph(
    prep: _Prep, sc: _Scan, balance_weight: float | None, *, diagnose: bool = False
) -> _Graph:
    n_e, n_r = prep.n_e, prep.n_r
    ce, cr, ca = sc.cand_e, sc.cand_r, sc.cand_a
    deg = np.bincount(cr, minlength=n_r)
    # Diagnosis: a reviewer cannot take more than its arcs. The optimisation graph keeps every
    # unit up to the max load, so that its residual graph has the full problem's unit arcs
    # and its potentials can price the pruned pairs (see "Pricing").
    cap = np.minimum(prep.max_rem, deg) if diagnose else prep.max_rem
    tails_c, extra = _group_tails(prep, ce, cr)
    n_groups = len(extra)
    sink = n_e + n_r + n_groups
    rnode = n_e + np.arange(n_r)
    if diagnose:
        # max-flow diagnosis: reward the units below each min load, no lower bounds
        lo = np.minimum(prep.min_rem, cap)
        ut = np.concatenate([rnode, rnode])
        uc = np.concatenate([lo, cap - lo])
        ucost = np.concatenate([-np.ones(n_r, np.int64), np.zeros(n_r, np.int64)])
        cand_cost = np.zeros(len(ce), dtype=np.int64)
        sup_r = np.zeros(n_r, dtype=np.int64)
        big = 1
    else:
        lo = prep.min_rem
        units = np.maximum(cap - lo, 0)
        if balance_weight is not None and balance_weight == 0:
            # no balancing: one arc per reviewer carries all units above the min load
            ut, uc, ucost = rnode, units, np.zeros(n_r, dtype=np.int64)
            big = 1
        else:
            ut = np.repeat(rnode, units)
            uc = np.ones(len(ut), dtype=np.int64)
            # unit j above the min load brings the total load to `load`; its marginal
            # cost 2*load - 1 makes the summed cost equal sum(load**2) + const (convex).
            load = np.repeat(prep.fixed_load + lo, units) + 1 + _ragged_arange(units)
            marginal = 2 * load - 1
            if balance_weight is None:
                # lexicographic: BIG exceeds any balance change of a residual cycle
                ucost = marginal
                big = int(marginal.max(initial=1) - marginal.min(initial=1)) + 1
            else:
                scale = 1000  # affinity resolution of the soft trade-off
                ucost = np.rint(balance_weight * scale * marginal).astype(np.int64)
                big = scale
        cand_cost = -ca * big
        sup_r = -lo
    tails = np.concatenate([tails_c, extra[:, 0], ut]).astype(np.int32)
    heads = np.concatenate([n_e + cr, extra[:, 1], np.full(len(ut), sink, dtype=np.int64)]).astype(
        np.int32
    )
    caps = np.concatenate(
        [np.ones(len(ce) + n_groups, dtype=np.int64), np.asarray(uc, dtype=np.int64)]
    )
    costs = np.concatenate(
        [cand_cost, np.zeros(n_groups, dtype=np.int64), np.asarray(ucost, dtype=np.int64)]
    )
    supplies = np.zeros(sink + 1, dtype=np.int64)
    supplies[:n_e] = prep.k_rem
    supplies[n_e : n_e + n_r] = sup_r
    supplies[sink] = -(prep.need + int(sup_r.sum()))
    n_nodes = sink + 1
    if np.abs(costs).max(initial=0) * float(n_nodes + 1) ** 2 > 2.0**62:
        raise ValueError("arc costs too large for the flow solver; reduce tag weights")
    return _Graph(tails, heads, caps, costs, supplies, len(ce), n_groups, int(big))


def _make_solver(g: _Graph) -> min_cost_flow.SimpleMinCostFlow:
    smcf = min_cost_flow.SimpleMinCostFlow()
    smcf.add_arcs_with_capacity_and_unit_cost(g.tails, g.heads, g.caps, g.costs)
    smcf.set_nodes_supplies(np.arange(len(g.supplies), dtype=np.int32), g.supplies)
    return smcf


def _reviewer_limits(prep: _Prep, slack: float) -> np.ndarray:
    n_avail = max(int((prep.max_rem > 0).sum()), 1)
    share = math.ceil(prep.need / n_avail)
    cap = np.minimum(prep.max_rem, np.maximum(prep.min_rem, 4 * share))
    lim = np.ceil(slack * cap).astype(np.int64)
    return np.minimum(lim, len(prep.active))
