"""The optimality certificate: pruned pairs are priced against the flow's potentials and added
back until none has a negative reduced cost (``PricingProof``)."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
from ortools.graph.python import min_cost_flow

from reviews.assignment.flow import _build_graph, _Graph, _make_solver
from reviews.assignment.problem import _CHUNK_CELLS, _TIE_Q, PricingProof
from reviews.assignment.pruning import _keys_block, _Prep, _Scan, _scan_threads

# Reserve kept per entry after a full pricing scan: the pairs with the smallest reduced costs.
_RESERVE_PER_ENTRY = 48

# Negative pairs added back per entry and pricing round, the most negative first (partial
# pricing). On a provincial round the first pass finds ~100 M negative pairs (equal affinities
# whose loads differ): keeping them all took 11 GB, and a graph that large would not solve in
# time anyway. The cut does not weaken the certificate: it is given only by a pass that finds
# no negative pair at all.
_ADD_PER_ENTRY = 10

# Blocks a pricing pass reads before its pace is trusted to project its end (see price()).
_PACE_BLOCKS = 4


_INT_MAX = np.iinfo(np.int64).max


def _residual_arcs(tails, heads, caps, costs, flows):
    """Arcs (tail, head, cost) of the residual graph of ``flows``."""
    fwd = flows < caps
    rev = flows > 0
    t = np.concatenate([tails[fwd], heads[rev]]).astype(np.int64)
    h = np.concatenate([heads[fwd], tails[rev]]).astype(np.int64)
    w = np.concatenate([costs[fwd], -costs[rev]]).astype(np.int64)
    return t, h, w


def _shortest_distances(n_nodes: int, t: np.ndarray, h: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Distances from a virtual source joined to every node at cost 0 (Bellman-Ford, vectorised:
    each sweep relaxes all arcs, grouped by head). Raises if a sweep limit is hit, which would
    mean a negative cycle, i.e. a flow that is not optimal."""
    order = np.argsort(h, kind="stable")
    t, h, w = t[order], h[order], w[order]
    heads, starts = np.unique(h, return_index=True)
    d = np.zeros(n_nodes, dtype=np.int64)
    for _ in range(n_nodes + 1):
        if len(heads) == 0:
            return d
        best = np.minimum.reduceat(d[t] + w, starts)
        better = best < d[heads]
        if not better.any():
            return d
        d[heads[better]] = best[better]
    raise RuntimeError("negative cycle in the residual graph: the flow is not optimal")


def _raise_tail_potentials(
    d: np.ndarray,
    tails: np.ndarray,
    heads: np.ndarray,
    costs: np.ndarray,
    flows: np.ndarray,
    n_cand: int,
    n_groups: int,
    n_e: int,
) -> np.ndarray:
    """Raise every group node, then every entry, to the top of its feasible interval.

    Arcs ``[0, n_cand)`` are the candidate arcs (tail = entry or group, head = reviewer), arcs
    ``[n_cand, n_cand + n_groups)`` the entry -> group arcs. A node's potential may rise up to
    ``min(d[head] - cost)`` over its arcs that carry flow (their reverse arcs bound it) without
    breaking any residual arc; its forward arcs only get slacker."""
    d = d.copy()
    used = np.flatnonzero(flows[:n_cand] > 0)
    ut = tails[used].astype(np.int64)
    uval = d[heads[used]] - costs[used]
    top = np.full(len(d), _INT_MAX, dtype=np.int64)
    np.minimum.at(top, ut, uval)
    garcs = n_cand + np.flatnonzero(flows[n_cand : n_cand + n_groups] > 0)
    gnodes = heads[garcs].astype(np.int64)
    d[gnodes] = top[gnodes]  # a group with flow has exactly one member with flow
    np.minimum.at(top, tails[garcs].astype(np.int64), d[gnodes])
    ent = np.flatnonzero(top[:n_e] < _INT_MAX)
    d[ent] = top[ent]
    return d


@dataclass(eq=False)
class _Reserve:
    """Per entry, the pairs kept from the last full scan: CSR-like (ptr over entries)."""

    ptr: np.ndarray  # (n_e + 1,)
    rev: np.ndarray  # reviewer of each kept pair
    aff: np.ndarray  # its affinity
    margin: np.ndarray  # (n_e,) every pair not kept had reduced cost >= margin (with d_old)
    d_old: np.ndarray  # the potentials of that scan
    scanned: np.ndarray  # (n_e,) bool: entry was scanned in full at least once


class _Pricer:
    """Prices all eligible pairs against the potentials of an optimal candidate-graph flow.

    ``keys_block(ents)`` returns the dense (len(ents), n_r) keys (affinity * q + tie bits, -1 if
    ineligible) of the candidate scan; ``q`` is the tie multiplier. ``employer`` is each
    reviewer's compact employer id (-1 none); with ``same_employer`` the group-aware potentials
    ``D(e, employer)`` are used. ``chunk``: entries priced per block; ``add_per_entry``: the
    negative pairs returned per entry and round (``None``: all of them)."""

    def __init__(
        self,
        *,
        n_e,
        n_r,
        active,
        keys_block,
        q,
        employer,
        same_employer,
        chunk,
        add_per_entry=None,
        threads=None,
    ):
        self.n_e, self.n_r = n_e, n_r
        self.active = active
        self.keys_block = keys_block
        self.q = float(q)
        self.employer = employer
        self.same_employer = same_employer
        self.chunk = max(1, int(chunk))
        self.add_per_entry = None if add_per_entry is None else max(1, int(add_per_entry))
        self.reserve: _Reserve | None = None
        self.last_pass_complete = True  # the last price() read every entry it had to
        # blocks priced side by side (the candidate scan's threads, see pruning._scan_threads)
        self.threads = _scan_threads() if threads is None else max(1, int(threads))

    # ---- the effective tail potential of a pair, and its exact reduced cost
    def _group_top(self, cand_e, cand_r, cand_a, flows_c, d, big):
        """Sorted keys (e * n_emp + employer) -> D for entries whose unit of that employer is
        carried by a flowing candidate arc: D = d[r1] + a1 * big."""
        if not self.same_employer:
            return None
        used = np.flatnonzero(flows_c > 0)
        emp = self.employer[cand_r[used]]
        m = emp >= 0
        used, emp = used[m], emp[m]
        n_emp = int(self.employer.max(initial=0)) + 1
        keys = cand_e[used] * n_emp + emp
        val = d[self.n_e + cand_r[used]] + cand_a[used] * big
        order = np.argsort(keys)
        return keys[order], val[order], n_emp

    def _exact(self, e, r, a, d, big, top):
        """Exact reduced costs of pairs (e, r) with affinity a (int64)."""
        base = d[e].copy()
        if top is not None:
            keys, val, n_emp = top
            emp = self.employer[r]
            has = emp >= 0
            k = e[has] * n_emp + emp[has]
            pos = np.searchsorted(keys, k)
            pos = np.minimum(pos, max(len(keys) - 1, 0))
            hit = np.zeros(len(k), dtype=bool)
            if len(keys):
                hit = keys[pos] == k
            idx = np.flatnonzero(has)[hit]
            base[idx] = np.maximum(base[idx], val[pos[hit]])
        return -a * big + base - d[self.n_e + r]

    # ---- one pricing round
    def _outside(self, in_graph, e, r):
        """Mask of the pairs (e, r) not in the graph (sorted keys ``in_graph``)."""
        if not len(in_graph) or not len(e):
            return np.ones(len(e), dtype=bool)
        k = e * self.n_r + r
        pos = np.minimum(np.searchsorted(in_graph, k), len(in_graph) - 1)
        return in_graph[pos] != k

    def _exact_rc(self, e, r, a, d, big, top):
        if top is not None:
            return self._exact(e, r, a, d, big, top)
        return -a * big + d[e] - d[self.n_e + r]

    def _cut_block(self, rc, near, kth=None):
        """Cells of the dense block ``rc`` (one row per entry) below ``near``, at most
        ``add_per_entry`` per row: the smallest, ties in column order. ``kth``: each row's
        ``add_per_entry``-th smallest value when the caller knows it. Returns (rows, cols) in
        row-major order."""
        below = rc < near
        cap = self.add_per_entry
        if cap is None:
            return np.nonzero(below)
        over = np.flatnonzero(below.sum(axis=1) > cap)
        if not len(over):
            return np.nonzero(below)
        t = np.full(len(rc), near, dtype=np.float64)
        t[over] = (
            kth[over] if kth is not None else np.partition(rc[over], cap - 1, axis=1)[:, cap - 1]
        )
        rows, cols = np.nonzero(rc < t[:, None])
        # ties at a cut row's threshold, in column order, up to what the row has left
        quota = cap - np.bincount(rows, minlength=len(rc))[over]
        tr, tc = np.nonzero(rc[over] == t[over][:, None])
        first = np.searchsorted(tr, np.arange(len(over)))
        keep = np.arange(len(tr)) - first[tr] < quota[tr]
        rows = np.concatenate([rows, over[tr[keep]]])
        cols = np.concatenate([cols, tc[keep]])
        order = np.lexsort((cols, rows))
        return rows[order], cols[order]

    def _cut_pairs(self, e, v, near):
        """The same cut for a list of pairs grouped by entry (``e`` sorted) with values ``v``:
        the indices kept, in their order."""
        if not len(e):
            return np.empty(0, np.int64)
        first = np.flatnonzero(np.r_[True, e[1:] != e[:-1]])
        lens = np.diff(np.r_[first, len(e)])
        if self.add_per_entry is None or lens.max() <= self.add_per_entry:
            return np.flatnonzero(v < near)
        pos = np.arange(len(e)) - np.repeat(first, lens)
        block = np.full((len(first), int(lens.max())), np.inf)
        block[np.repeat(np.arange(len(first)), lens), pos] = v
        rows, cols = self._cut_block(block, near)
        return first[rows] + cols

    def price(self, *, cand_e, cand_r, cand_a, flows_c, d, big, near=0.0, deadline=None):
        """Pairs outside the graph with a negative reduced cost: (e, r, a) — at most
        ``add_per_entry`` per entry, the most negative —, the number of pairs priced, of entries
        read in full (those a cut pass reached), and of negative pairs (all of them, returned or
        not: the certificate is a pass with none). ``flows_c`` is the flow on the candidate
        arcs.

        Memory stays bounded whatever the instance: entries are priced in blocks of ``chunk``
        (a dense block of reduced costs, vectorised), and of each block only the pairs
        returned are kept, never the pairs priced nor all the negative ones."""
        n_e, n_r = self.n_e, self.n_r
        de = d[:n_e]
        dr = d[n_e : n_e + n_r]
        top = self._group_top(cand_e, cand_r, cand_a, flows_c, d, big)
        in_graph = np.sort(cand_e * n_r + cand_r)
        res = self.reserve
        if res is None:
            full = self.active
        else:
            # pairs outside the reserve: rc_new >= margin + (de_new - de_old) - max(dr_new - dr_old)
            rise = int((dr - res.d_old[n_e : n_e + n_r]).max(initial=0))
            slack = res.margin + (de - res.d_old[:n_e]) - rise
            act = self.active
            full = act[(slack[act] < 0) | ~res.scanned[act]]
        out_e, out_r, out_a = [], [], []
        priced = negative = 0
        # 1. the reserve of the entries not scanned in full
        if res is not None:
            keep_rows = np.ones(n_e, dtype=bool)
            keep_rows[full] = False
            lens = np.diff(res.ptr)
            pe = np.repeat(np.arange(n_e), lens)
            m = keep_rows[pe]
            pe, pr, pa = pe[m], res.rev[m], res.aff[m].astype(np.int64)
            priced += len(pe)
            rc_lo = -pa * big + de[pe] - dr[pr]
            v = np.flatnonzero(rc_lo < near)
            pe, pr, pa = pe[v], pr[v], pa[v]
            # pairs added to the graph since the scan satisfy the potentials by construction
            o = self._outside(in_graph, pe, pr)
            pe, pr, pa = pe[o], pr[o], pa[o]
            exact = self._exact_rc(pe, pr, pa, d, big, top)
            negative += int((exact < 0).sum())
            kept = self._cut_pairs(pe, exact, near)
            out_e.append(pe[kept])
            out_r.append(pr[kept])
            out_a.append(pa[kept])
        # 2. full scans, block by block, which also rebuild those entries' reserve
        new_rows: dict[str, list] = {"e": [], "r": [], "a": [], "margin_e": [], "margin": []}
        lim = _RESERVE_PER_ENTRY
        margin_cap = 2 * big
        cap = self.add_per_entry
        self.last_pass_complete = True
        read_in_full = 0

        def price_block(ents):
            """One dense block: (pairs priced, negative pairs, reserve rows, pairs returned)."""
            keys = self.keys_block(ents)
            elig = keys >= 0
            aff = np.floor(keys / self.q)
            rc = de[ents][:, None] - dr[None, :] - aff * big  # lower bound of the exact rc
            rc[~elig] = np.inf
            n_priced = int(elig.sum())
            # pairs in the graph satisfy the potentials by construction: neither priced again
            # nor kept in the reserve
            lo = np.searchsorted(in_graph, ents[0] * n_r)
            hi = np.searchsorted(in_graph, (ents[-1] + 1) * n_r)
            g = in_graph[lo:hi]
            pos = np.searchsorted(ents, g // n_r)
            ok = (pos < len(ents)) & (ents[np.minimum(pos, len(ents) - 1)] == g // n_r)
            rc[pos[ok], g[ok] % n_r] = np.inf
            # reserve: the `lim` smallest rc per entry below the cap
            kk = min(lim, n_r)
            idx = (
                np.argpartition(rc, kk - 1, axis=1)[:, :kk]
                if kk < n_r
                else np.tile(np.arange(n_r), (len(ents), 1))
            )
            vals = np.take_along_axis(rc, idx, axis=1)
            kth = vals.max(axis=1) if kk < n_r else np.full(len(ents), np.inf)
            margin = np.minimum(kth, margin_cap)
            keep = vals < margin[:, None]
            reserve = (
                np.repeat(ents, keep.sum(axis=1)),
                idx[keep].astype(np.int64),
                aff[np.repeat(np.arange(len(ents)), keep.sum(axis=1)), idx[keep]],
                ents,
                margin,
            )
            # the negative pairs of the block (exact reduced costs), cut per entry
            if top is None:
                ex, cut_kth = rc, None  # the lower bound is exact
                if cap is not None and cap <= kk < n_r:
                    # the rows' smallest values are among the reserve's
                    cut_kth = np.partition(vals, cap - 1, axis=1)[:, cap - 1]
            else:
                rows, cols = np.nonzero(rc < near)
                ex, cut_kth = np.full(rc.shape, np.inf), None
                ex[rows, cols] = self._exact(
                    ents[rows], cols.astype(np.int64), aff[rows, cols].astype(np.int64), d, big, top
                )
            rows, cols = self._cut_block(ex, near, cut_kth)
            returned = (ents[rows], cols.astype(np.int64), aff[rows, cols].astype(np.int64))
            return n_priced, int((ex < 0).sum()), reserve, returned

        # The blocks are independent: they run in waves of `threads` (numpy releases the GIL),
        # and their results are taken in block order, so the pass is the same on any number of
        # threads. The deadline and the pace are checked between waves.
        blocks = [full[s : s + self.chunk] for s in range(0, len(full), self.chunk)]
        threads = max(1, min(self.threads, len(blocks) or 1))
        workers = ThreadPoolExecutor(threads, "pricing") if threads > 1 else None
        started = time.perf_counter()
        try:
            for w in range(0, len(blocks), threads):
                now = time.perf_counter()
                if deadline is not None and (
                    now > deadline
                    # A pass that cannot end before the deadline certifies nothing and adds
                    # nothing: once its first blocks give its pace, one projected to end later
                    # is stopped there instead of at the deadline (at provincial scale the
                    # first pass reads 500 M pairs, about a quarter of a minute on two cores).
                    or (
                        w >= _PACE_BLOCKS
                        and now + (now - started) / read_in_full * (len(full) - read_in_full)
                        > deadline
                    )
                ):
                    self.last_pass_complete = False
                    break
                wave = blocks[w : w + threads]
                done = workers.map(price_block, wave) if workers else map(price_block, wave)
                for ents, (n_priced, n_negative, reserve, returned) in zip(wave, done, strict=True):
                    read_in_full += len(ents)
                    priced += n_priced
                    negative += n_negative
                    for key, part in zip(
                        ("e", "r", "a", "margin_e", "margin"), reserve, strict=True
                    ):
                        new_rows[key].append(part)
                    out_e.append(returned[0])
                    out_r.append(returned[1])
                    out_a.append(returned[2])
        finally:
            if workers is not None:
                workers.shutdown()
        if self.last_pass_complete:
            self._update_reserve(new_rows, full, d)
        e = np.concatenate(out_e) if out_e else np.empty(0, np.int64)
        r = np.concatenate(out_r) if out_r else np.empty(0, np.int64)
        a = np.concatenate(out_a) if out_a else np.empty(0, np.int64)
        return e, r, a, priced, read_in_full, negative

    def _update_reserve(self, rows, full, d):
        n_e = self.n_e
        old = self.reserve
        cat = lambda x, dt: np.concatenate(x).astype(dt) if x else np.empty(0, dt)  # noqa: E731
        ne, nr, na = cat(rows["e"], np.int64), cat(rows["r"], np.int64), cat(rows["a"], np.int16)
        me, mv = cat(rows["margin_e"], np.int64), cat(rows["margin"], np.float64)
        if old is None:
            margin = np.full(n_e, -np.inf)
            scanned = np.zeros(n_e, dtype=bool)
            ke, kr, ka = ne, nr, na
            base_d = d.copy()
            margin[me] = mv
            scanned[me] = True
        else:
            # Entries not rescanned keep their reserve, re-expressed against the new potentials:
            # margin_new = margin_old + (de_new - de_old) - max rise of dr (see price()).
            # Keeping one d_old for all entries needs that shift; do it once here.
            n_r = self.n_r
            rise = float((d[n_e : n_e + n_r] - old.d_old[n_e : n_e + n_r]).max(initial=0))
            margin = old.margin + (d[:n_e] - old.d_old[:n_e]) - rise
            scanned = old.scanned.copy()
            lens = np.diff(old.ptr)
            pe = np.repeat(np.arange(n_e), lens)
            stay = np.ones(n_e, dtype=bool)
            stay[full] = False
            m = stay[pe]
            ke = np.concatenate([pe[m], ne])
            kr = np.concatenate([old.rev[m], nr])
            ka = np.concatenate([old.aff[m], na])
            margin[me] = mv
            scanned[me] = True
            base_d = d.copy()
        order = np.argsort(ke, kind="stable")
        ke, kr, ka = ke[order], kr[order], ka[order]
        ptr = np.zeros(n_e + 1, dtype=np.int64)
        np.cumsum(np.bincount(ke, minlength=n_e), out=ptr[1:])
        self.reserve = _Reserve(ptr, kr, ka, margin, base_d, scanned)


def _potentials(g: _Graph, flows: np.ndarray, n_e: int) -> np.ndarray:
    t, h, w = _residual_arcs(g.tails, g.heads, g.caps, g.costs, flows)
    d = _shortest_distances(len(g.supplies), t, h, w)
    return _raise_tail_potentials(d, g.tails, g.heads, g.costs, flows, g.n_cand, g.n_groups, n_e)


def _price_and_resolve(
    prep: _Prep,
    sc: _Scan,
    g: _Graph,
    smcf: min_cost_flow.SimpleMinCostFlow,
    balance_weight: float | None,
    timing: dict[str, float],
    t0: float,
    time_budget_seconds: float,
) -> tuple[_Scan, _Graph, min_cost_flow.SimpleMinCostFlow, PricingProof]:
    """Pricing rounds on an optimal candidate-graph flow until no pruned pair has a negative
    reduced cost (see "Pricing"); returns the final graph, its solved flow and the proof."""
    pricer = _Pricer(
        n_e=prep.n_e,
        n_r=prep.n_r,
        active=prep.active,
        keys_block=lambda ents: _keys_block(prep, ents),
        q=_TIE_Q,
        employer=prep.rev_empc,
        same_employer=prep.problem.same_employer_limit,
        chunk=_CHUNK_CELLS // max(prep.n_r, 1),
        add_per_entry=_ADD_PER_ENTRY,
    )
    rounds, priced, added, rescanned, certified, pricing_s = 1, 0, 0, 0, False, 0.0
    negative = 0
    while True:
        tp = time.perf_counter()
        flows = smcf.flows(np.arange(len(g.tails), dtype=np.int32))
        d = _potentials(g, flows, prep.n_e)
        e, r, a, n_priced, n_full, negative = pricer.price(
            cand_e=sc.cand_e,
            cand_r=sc.cand_r,
            cand_a=sc.cand_a,
            flows_c=flows[: g.n_cand],
            d=d,
            big=g.big,
            deadline=t0 + time_budget_seconds,
        )
        pricing_s += time.perf_counter() - tp
        priced += n_priced
        rescanned += n_full if rounds > 1 else 0
        if not pricer.last_pass_complete:
            break  # the time budget ended the pass: no certificate
        if negative == 0:
            certified = True
            break
        if time.perf_counter() - t0 > time_budget_seconds:
            break
        added += len(e)
        sc = _Scan(
            np.concatenate([sc.cand_e, e]),
            np.concatenate([sc.cand_r, r]),
            np.concatenate([sc.cand_a, a]),
            sc.elig_entry,
            sc.elig_rev,
            sc.distinct_entry,
            sc.ub_new,
            sc.complete,
        )
        t1 = time.perf_counter()
        g = _build_graph(prep, sc, balance_weight)
        smcf = _make_solver(g)
        timing["build"] += time.perf_counter() - t1
        t2 = time.perf_counter()
        status = smcf.solve()
        timing["solve"] += time.perf_counter() - t2
        rounds += 1
        if status != smcf.OPTIMAL:  # a graph with more arcs than a feasible one is feasible
            raise RuntimeError(f"min-cost flow solver failed with status {status} after pricing")
    proof = PricingProof(
        certified=certified,
        rounds=rounds,
        pairs_priced=priced,
        pairs_added=added,
        entries_rescanned=rescanned,
        pricing_seconds=pricing_s,
        negative_left=negative,
        last_pass_complete=pricer.last_pass_complete,
    )
    return sc, g, smcf, proof
