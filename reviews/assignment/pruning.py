"""The chunked, vectorised candidate scan: affinities, conflicts, per-entry and per-reviewer
top candidates, eligibility counts and the upper bound (see the package docstring)."""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse as sp

from reviews.assignment.problem import (
    _CHUNK_CELLS,
    _MAX_LISTED,
    _SCAN_MAX_THREADS,
    _TIE_BITS,
    _TIE_Q,
    AssignmentProblem,
    Finding,
    _binary_csr,
    pair_affinity,
)


def _ragged_gather(
    indptr: np.ndarray, indices: np.ndarray, rows: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """For CSR structure (indptr, indices) and row ids ``rows``: return (pos, col) with one
    element per stored entry of each selected row; ``pos`` indexes into ``rows``."""
    starts = indptr[rows]
    lens = indptr[rows + 1] - starts
    total = int(lens.sum())
    if total == 0:
        return np.empty(0, np.int64), np.empty(0, indices.dtype)
    pos = np.repeat(np.arange(len(rows)), lens)
    offs = np.arange(total) + np.repeat(starts - (np.cumsum(lens) - lens), lens)
    return pos, indices[offs]


def _ragged_arange(lens: np.ndarray) -> np.ndarray:
    """Concatenation of ``arange(n)`` for each n in ``lens`` (vectorised)."""
    total = int(lens.sum())
    return np.arange(total) - np.repeat(np.cumsum(lens) - lens, lens)


@dataclass(eq=False)
class _Prep:
    problem: AssignmentProblem
    n_e: int
    n_r: int
    k_rem: np.ndarray  # new reviewers each entry still needs
    fixed_load: np.ndarray
    min_rem: np.ndarray  # remaining min load (>= 0)
    max_rem: np.ndarray  # remaining max load (>= 0)
    need: int
    active: np.ndarray  # entries with k_rem > 0
    fixed_aff: int
    reasons: list[str]  # infeasibility found before any scan
    # conflict structures (compact org ids)
    n_org: int
    entry_orgc: np.ndarray
    rev_empc: np.ndarray
    org_block: sp.csr_array  # compact org -> reviewers that may not review its entries
    emp_members: sp.csr_array  # compact org -> reviewers employed there
    entry_ban: sp.csr_array  # entry -> reviewers banned (forbidden + already fixed)
    entry_ban_emp: sp.csr_array | None  # entry -> employers already on it (same-employer)
    # affinity computation
    ew: sp.csr_array  # weighted entry tags (float32/float64)
    rt: Any  # reviewer tags transposed: dense (T, n_r) or sparse CSC
    key_dtype: type
    max_key: int  # largest possible key: max affinity * 2**16 + 2**16 - 1
    h_e: np.ndarray
    h_r: np.ndarray
    max_group: int


def _fmt(n: int) -> str:
    return f"{int(n):,}"


def _prepare(problem: AssignmentProblem, seed: int) -> _Prep:
    p = problem
    n_e, n_r, k = p.n_entries, p.n_reviewers, p.k
    reasons: list[str] = []
    fixed = p.fixed_pairs
    # ---- fixed pairs: must themselves be valid, they are not up for negotiation
    if len(fixed):
        keys = fixed[:, 0] * n_r + fixed[:, 1]
        uk, cnt = np.unique(keys, return_counts=True)
        if (cnt > 1).any():
            dup = uk[cnt > 1][0]
            reasons.append(
                f"fixed pair (entry {p.entry_label(dup // n_r)}, reviewer "
                f"{p.reviewer_label(dup % n_r)}) is listed twice"
            )
            fixed = np.stack([uk // n_r, uk % n_r], axis=1)
        bad = _conflicted(p, fixed)
        for i in np.flatnonzero(bad)[:_MAX_LISTED]:
            e, r = fixed[i]
            reasons.append(
                f"fixed pair (entry {p.entry_label(e)}, reviewer {p.reviewer_label(r)}) "
                "violates a conflict of interest or a recusal"
            )
        if p.same_employer_limit:
            emp = p.reviewer_org[fixed[:, 1]]
            m = emp >= 0
            ek = fixed[m, 0] * (int(emp.max(initial=0)) + 1) + emp[m]
            uk2, cnt2 = np.unique(ek, return_counts=True)
            for key in uk2[cnt2 > 1][:_MAX_LISTED]:
                e = int(fixed[m, 0][np.flatnonzero(ek == key)[0]])
                reasons.append(
                    f"entry {p.entry_label(e)} has two fixed reviewers with the same "
                    "employer although the same-employer limit is on"
                )
    fixed_count = np.bincount(fixed[:, 0], minlength=n_e).astype(np.int64)
    fixed_load = np.bincount(fixed[:, 1], minlength=n_r).astype(np.int64)
    over_k = np.flatnonzero(fixed_count > k)
    for e in over_k[:_MAX_LISTED]:
        reasons.append(
            f"entry {p.entry_label(e)} already has {fixed_count[e]} kept reviewers but k={k}"
        )
    over_max = np.flatnonzero(fixed_load > p.max_load)
    for r in over_max[:_MAX_LISTED]:
        reasons.append(
            f"reviewer {p.reviewer_label(r)} has {fixed_load[r]} kept assignments, above "
            f"max load {p.max_load[r]}"
        )
    k_rem = np.maximum(k - fixed_count, 0)
    min_rem = np.maximum(p.min_load - fixed_load, 0)
    max_rem = np.maximum(p.max_load - fixed_load, 0)
    need = int(k_rem.sum())
    if k > n_r:
        reasons.append(Finding("too_few_reviewers", {"k": k, "reviewers": n_r}))
        reasons.append(f"k={k} reviewers per entry but only {n_r} reviewers exist")
    if int(max_rem.sum()) < need:
        reasons.append(
            Finding("max_loads_short", {"need": _fmt(need), "capacity": _fmt(max_rem.sum())})
        )
        reasons.append(
            f"need {_fmt(need)} review slots but reviewers' max loads total "
            f"{_fmt(max_rem.sum())}" + (" (after kept assignments)" if len(fixed) else "")
        )
    if int(min_rem.sum()) > need:
        reasons.append(
            Finding("min_loads_excess", {"minimum": _fmt(min_rem.sum()), "need": _fmt(need)})
        )
        reasons.append(
            f"min loads total {_fmt(min_rem.sum())}, exceeding the {_fmt(need)} review "
            "slots to fill" + (" (after kept assignments)" if len(fixed) else "")
        )

    # ---- compact organisation ids (caller ids may be sparse database ids)
    conf = p.reviewer_org_conflicts
    all_orgs = np.concatenate(
        [p.entry_org[p.entry_org >= 0], p.reviewer_org[p.reviewer_org >= 0], conf[:, 1]]
    )
    uorg = np.unique(all_orgs)
    n_org = max(len(uorg), 1)

    def compact(x: np.ndarray) -> np.ndarray:
        out = np.full(len(x), -1, dtype=np.int64)
        m = x >= 0
        out[m] = np.searchsorted(uorg, x[m])
        return out

    entry_orgc = compact(p.entry_org)
    rev_empc = compact(p.reviewer_org)
    employed = np.flatnonzero(rev_empc >= 0)
    if p.same_employer_limit and len(employed):
        reasons += _employer_bounds(p, uorg, entry_orgc, rev_empc, employed, k_rem, min_rem)
    emp_members = _binary_csr(rev_empc[employed], employed, (n_org, n_r))
    org_block = _binary_csr(
        np.concatenate([rev_empc[employed], compact(conf[:, 1])]),
        np.concatenate([employed, conf[:, 0]]),
        (n_org, n_r),
    )
    ban = np.concatenate([p.forbidden_pairs, fixed])
    entry_ban = _binary_csr(ban[:, 0], ban[:, 1], (n_e, n_r))
    entry_ban_emp = None
    if p.same_employer_limit and len(fixed):
        emp = rev_empc[fixed[:, 1]]
        m = emp >= 0
        entry_ban_emp = _binary_csr(fixed[m, 0], emp[m], (n_e, n_org))
    max_group = int(np.bincount(rev_empc[employed]).max(initial=1)) if len(employed) else 1

    # ---- affinity operands
    ew64 = p.weighted_entry_tags()
    max_aff = float(ew64.sum(axis=1).max(initial=0.0))
    # float32 represents integers exactly below 2**24: affinity * 2**16 + 16 tie bits.
    key_dtype: type = np.float32 if max_aff < (1 << (24 - _TIE_BITS)) - 1 else np.float64
    if max_aff * _TIE_Q >= 2.0**52:
        raise ValueError("tag weights too large: affinities must stay below 2**36")
    ew = sp.csr_array(ew64.astype(key_dtype))
    rt_sparse = sp.csc_array(p.reviewer_tags.T.astype(key_dtype))
    t = p.n_tags
    rt: Any = rt_sparse.toarray() if t * n_r <= 50_000_000 else rt_sparse
    if isinstance(rt, np.ndarray):
        rt = np.ascontiguousarray(rt)
    rng = np.random.default_rng(seed)
    h_e = rng.integers(0, _TIE_Q, n_e, dtype=np.uint16)
    h_r = rng.integers(0, _TIE_Q, n_r, dtype=np.uint16)
    fixed_aff = int(pair_affinity(p, fixed).sum()) if len(fixed) else 0
    return _Prep(
        problem=p,
        n_e=n_e,
        n_r=n_r,
        k_rem=k_rem,
        fixed_load=fixed_load,
        min_rem=min_rem,
        max_rem=max_rem,
        need=need,
        active=np.flatnonzero(k_rem > 0),
        fixed_aff=fixed_aff,
        reasons=reasons,
        n_org=n_org,
        entry_orgc=entry_orgc,
        rev_empc=rev_empc,
        org_block=org_block,
        emp_members=emp_members,
        entry_ban=entry_ban,
        entry_ban_emp=entry_ban_emp,
        ew=ew,
        rt=rt,
        key_dtype=key_dtype,
        max_key=int(max_aff) * _TIE_Q + _TIE_Q - 1,
        h_e=h_e,
        h_r=h_r,
        max_group=max_group,
    )


def _employer_bounds(p, uorg, entry_orgc, rev_empc, employed, k_rem, min_rem) -> list:
    """A counting bound checked before any flow: with one reviewer per employer on an entry,
    the reviewers of one employer share at most one place on each entry that is not of their
    own organisation, so their remaining minimum loads must fit in that many entries."""
    n_org = len(uorg)
    active = k_rem > 0
    own = np.bincount(entry_orgc[active & (entry_orgc >= 0)], minlength=n_org)
    available = int(active.sum()) - own
    need = np.bincount(rev_empc[employed], weights=min_rem[employed], minlength=n_org)
    members = np.bincount(rev_empc[employed], minlength=n_org)
    out: list = []
    for o in np.flatnonzero(need > available)[:_MAX_LISTED]:
        out.append(
            Finding(
                "employer_limit",
                {
                    "reviewers": int(members[o]),
                    "org": int(uorg[o]),
                    "need": _fmt(need[o]),
                    "available": _fmt(available[o]),
                },
            )
        )
    return out


def _conflicted(p: AssignmentProblem, pairs: np.ndarray) -> np.ndarray:
    """Boolean per pair: own employer, declared org conflict, or forbidden pair."""
    if len(pairs) == 0:
        return np.zeros(0, dtype=bool)
    e, r = pairs[:, 0], pairs[:, 1]
    eo = p.entry_org[e]
    bad = (eo >= 0) & (p.reviewer_org[r] == eo)
    conf = p.reviewer_org_conflicts
    if len(conf):
        big = int(max(conf[:, 1].max(), eo.max(initial=0))) + 2
        ck = conf[:, 0] * big + conf[:, 1]
        bad |= (eo >= 0) & np.isin(r * big + eo, ck)
    fb = p.forbidden_pairs
    if len(fb):
        n_r = p.n_reviewers
        bad |= np.isin(e * n_r + r, fb[:, 0] * n_r + fb[:, 1])
    return bad


class _ColumnTop:
    """Streams keys column by column and keeps, per reviewer, its ``limit[r]`` largest.

    Elements are buffered and merged only when the buffer outgrows the pool, so the total
    work is O(total offered * log).  A merge sorts one packed int64 code per element
    (reviewer | inverted key | entry), which numpy sorts ~100x faster than a lexsort.
    ``theta[r]`` is the smallest key kept by a full column; anything below it can never
    enter, which keeps the number of offered elements small after the first chunks.
    """

    def __init__(self, limit: np.ndarray, dtype: type, n_entries: int, max_key: int):
        self.limit = limit.astype(np.int64)
        self.n = len(limit)
        self.dtype = dtype
        self.theta = np.where(self.limit > 0, -1.0, np.inf).astype(dtype)
        self.lmax = int(self.limit.max(initial=0))
        self.kmax = int(max_key)
        eb = max(int(n_entries - 1).bit_length(), 1)
        kb = max(self.kmax.bit_length(), 1)
        rb = max(int(self.n - 1).bit_length(), 1)
        self.packed = eb + kb + rb <= 63
        self.sh_k, self.sh_r = eb, eb + kb
        self.emask, self.kmask = (1 << eb) - 1, (1 << kb) - 1
        self.pool = (np.empty(0, np.int64), np.empty(0, np.int64), np.empty(0, dtype))
        self.buf: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
        self.buf_size = 0

    def offer(self, keys: np.ndarray, ents: np.ndarray) -> None:
        thr = np.maximum(self.theta, 0)
        c = keys.shape[0]
        if self.lmax and c > self.lmax and (self.theta < 0).mean() > 0.25:
            # Columns not yet full: the chunk's own lmax-th largest per column is a valid
            # filter (top-l of pool U chunk lies within pool U top-l(chunk)).
            kth = np.partition(keys, c - self.lmax, axis=0)[c - self.lmax]
            thr = np.maximum(thr, kth)
        rows, cols = np.nonzero(keys >= thr[None, :])
        if len(rows) == 0:
            return
        self.buf.append((cols.astype(np.int64), ents[rows], keys[rows, cols]))
        self.buf_size += len(rows)
        if self.buf_size > max(len(self.pool[0]), 1 << 20):
            self._merge()

    def _sort(
        self, r: np.ndarray, e: np.ndarray, s: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Order by reviewer, then key descending, then entry."""
        if not self.packed:
            order = np.lexsort((e, -s, r))
            return r[order], e[order], s[order]
        code = (r << self.sh_r) | ((self.kmax - s.astype(np.int64)) << self.sh_k) | e
        code.sort()
        r = code >> self.sh_r
        s = (self.kmax - ((code >> self.sh_k) & self.kmask)).astype(self.dtype)
        return r, code & self.emask, s

    def _merge(self) -> None:
        if not self.buf:
            return
        r = np.concatenate([self.pool[0]] + [b[0] for b in self.buf])
        e = np.concatenate([self.pool[1]] + [b[1] for b in self.buf])
        s = np.concatenate([self.pool[2]] + [b[2] for b in self.buf])
        self.buf, self.buf_size = [], 0
        r, e, s = self._sort(r, e, s)
        starts = np.searchsorted(r, np.arange(self.n))
        rank = np.arange(len(r)) - starts[r]
        keep = rank < self.limit[r]
        r, e, s = r[keep], e[keep], s[keep]
        self.pool = (r, e, s)
        counts = np.bincount(r, minlength=self.n)
        full = (counts >= self.limit) & (self.limit > 0)
        starts = np.cumsum(counts) - counts
        self.theta[full] = s[starts[full] + self.limit[full] - 1]

    def take(self, other: _ColumnTop) -> None:
        """Offer everything ``other`` kept (a pool of the same scan fed other chunks): the
        merge keeps, per reviewer, the top of both."""
        other._merge()
        r, e, k = other.pool
        if len(r):
            self.buf.append((r, e, k))
            self.buf_size += len(r)

    def result(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        self._merge()
        return self.pool


@dataclass(eq=False)
class _Scan:
    cand_e: np.ndarray
    cand_r: np.ndarray
    cand_a: np.ndarray
    elig_entry: np.ndarray
    elig_rev: np.ndarray
    distinct_entry: np.ndarray  # -1 where not computed (not needed)
    ub_new: int
    complete: bool


def _affinity_block(prep: _Prep, ents: np.ndarray) -> np.ndarray:
    sub = prep.ew[ents]
    out = sub @ prep.rt if isinstance(prep.rt, np.ndarray) else (sub @ prep.rt).toarray()
    return np.ascontiguousarray(out, dtype=prep.key_dtype)


def _keys_block(prep: _Prep, ents: np.ndarray) -> np.ndarray:
    """Dense (len(ents), n_r) keys: affinity * 2**16 + tie bits for eligible cells, -1
    for ineligible cells (conflict, forbidden, already fixed, reviewer full, employer
    already on the entry)."""
    keys = _affinity_block(prep, ents)
    keys *= keys.dtype.type(_TIE_Q)
    # uint16 addition wraps: a random rotation of one random reviewer order per entry.
    keys += np.add.outer(prep.h_e[ents], prep.h_r)
    keys[:, prep.max_rem == 0] = -1
    orgs = prep.entry_orgc[ents]
    has = np.flatnonzero(orgs >= 0)
    if len(has):
        pos, cols = _ragged_gather(prep.org_block.indptr, prep.org_block.indices, orgs[has])
        keys[has[pos], cols] = -1
    pos, cols = _ragged_gather(prep.entry_ban.indptr, prep.entry_ban.indices, ents)
    keys[pos, cols] = -1
    if prep.entry_ban_emp is not None:
        pos, emps = _ragged_gather(prep.entry_ban_emp.indptr, prep.entry_ban_emp.indices, ents)
        pos2, cols = _ragged_gather(prep.emp_members.indptr, prep.emp_members.indices, emps)
        keys[pos[pos2], cols] = -1
    return keys


def _scan_threads() -> int:
    """Threads of a scan: the machine's cores for this process, at most ``_SCAN_MAX_THREADS``
    (numpy's partitions, sorts and element-wise passes release the GIL, so the chunks of a
    scan run side by side)."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return max(1, min(cores, _SCAN_MAX_THREADS))


@dataclass(eq=False)
class _ScanPart:
    """What one thread of a scan gathered over its share of the chunks."""

    out_e: list
    out_r: list
    out_k: list
    elig_rev: np.ndarray
    ub_entry: int
    pool: _ColumnTop | None


def _scan(
    prep: _Prep, m_entry: int, rev_limit: np.ndarray | None, *, threads: int | None = None
) -> _Scan:
    """One pass over all active entries in chunks (see module docstring, "Pruning").

    ``m_entry >= n_r`` (or ``rev_limit is None`` and m_entry >= n_r) yields every eligible
    pair.  Guarantees: counts are exact; ``ub_new`` is a valid upper bound on the affinity
    of the new (non-fixed) pairs of any feasible assignment.

    The chunks are shared among ``threads`` threads (default :func:`_scan_threads`), chunk i
    to thread i mod threads, each with its own per-reviewer pool; the pools are merged at the
    end. The result does not depend on the number of threads: every pair a thread keeps is
    offered again to the merge, which keeps per reviewer the same top keys (ties broken by
    entry) as one pool fed every chunk would, and the candidate pairs are sorted and
    deduplicated below.
    """
    n_r, n_e = prep.n_r, prep.n_e
    complete = m_entry >= n_r
    p = prep.problem
    chunk = max(1, _CHUNK_CELLS // max(n_r, 1))
    starts = list(range(0, len(prep.active), chunk))
    elig_entry = np.zeros(n_e, dtype=np.int64)
    distinct = np.full(n_e, -1, dtype=np.int64)
    qf = float(_TIE_Q)
    unaffiliated = (prep.rev_empc < 0).astype(np.float32)
    emp_onehot = None
    if p.same_employer_limit:
        employed = np.flatnonzero(prep.rev_empc >= 0)
        emp_onehot = _binary_csr(employed, prep.rev_empc[employed], (n_r, prep.n_org))
        emp_onehot = sp.csc_array(emp_onehot.astype(np.float32))

    def run(share: list[int]) -> _ScanPart:
        pool = None if complete else _ColumnTop(rev_limit, prep.key_dtype, n_e, prep.max_key)
        part = _ScanPart([], [], [], np.zeros(n_r, dtype=np.int64), 0, pool)
        for a in share:
            ents = prep.active[a : a + chunk]
            c = len(ents)
            keys = _keys_block(prep, ents)
            elig = keys >= 0
            cnt = elig.sum(axis=1)
            elig_entry[ents] = cnt  # each entry belongs to one chunk: threads never overlap
            part.elig_rev += elig.sum(axis=0)
            kr = prep.k_rem[ents]
            if emp_onehot is not None:
                # distinct-employer count only where it could be binding (cheap rows skip it)
                flag = np.flatnonzero((cnt < kr * prep.max_group) & (kr >= 2))
                if len(flag):
                    sub = elig[flag].astype(np.float32)
                    per_emp = (emp_onehot.T @ sub.T).T
                    distinct[ents[flag]] = (per_emp > 0).sum(axis=1) + (sub @ unaffiliated).astype(
                        np.int64
                    )
            # ---- entry side: top-M keys per row
            if complete:
                rows, cols = np.nonzero(elig)
                part.out_e.append(ents[rows])
                part.out_r.append(cols.astype(np.int64))
                part.out_k.append(keys[rows, cols])
                kk = int(min(n_r, kr.max(initial=0)))
                top = (
                    np.take_along_axis(
                        keys, np.argpartition(keys, n_r - kk, axis=1)[:, n_r - kk :], axis=1
                    )
                    if kk
                    else np.empty((c, 0), keys.dtype)
                )
            else:
                idx = np.argpartition(keys, n_r - m_entry, axis=1)[:, n_r - m_entry :]
                top = np.take_along_axis(keys, idx, axis=1)
                ok = top >= 0
                part.out_e.append(np.repeat(ents, ok.sum(axis=1)))
                part.out_r.append(idx[ok].astype(np.int64))
                part.out_k.append(top[ok])
                pool.offer(keys, ents)
            # upper bound: best k_rem eligible affinities per entry, loads ignored
            top = -np.sort(-top, axis=1)
            aff = np.where(top >= 0, np.floor(top / qf), 0.0)
            use = np.arange(top.shape[1])[None, :] < kr[:, None]
            part.ub_entry += int(aff[use].sum())
        return part

    n_threads = max(1, min(threads or _scan_threads(), len(starts) or 1))
    shares = [starts[i::n_threads] for i in range(n_threads)]
    if n_threads == 1:
        parts = [run(shares[0])]
    else:
        with ThreadPoolExecutor(max_workers=n_threads, thread_name_prefix="scan") as workers:
            parts = list(workers.map(run, shares))
    out_e = [x for part in parts for x in part.out_e]
    out_r = [x for part in parts for x in part.out_r]
    out_k = [x for part in parts for x in part.out_k]
    elig_rev = sum((part.elig_rev for part in parts), np.zeros(n_r, dtype=np.int64))
    ub_entry = sum(part.ub_entry for part in parts)
    if complete:
        ce, cr, ck = (np.concatenate(x) if x else np.empty(0) for x in (out_e, out_r, out_k))
        ce, cr = ce.astype(np.int64), cr.astype(np.int64)
    else:
        pool = parts[0].pool
        for other in parts[1:]:
            pool.take(other.pool)
        pr, pe, ps = pool.result()
        ce = np.concatenate(out_e + [pe]).astype(np.int64)
        cr = np.concatenate(out_r + [pr]).astype(np.int64)
        ck = np.concatenate(out_k + [ps])
        # reviewer-side bound from the pool; if a pool was cut below the reviewer's max
        # load, the missing top values are bounded by the smallest kept one.
        ub_rev = _reviewer_bound(pr, ps, prep.max_rem, elig_rev, n_r)
        ub_entry = min(ub_entry, ub_rev)
    ca = np.floor(ck / qf).astype(np.int64)
    keysort = ce * n_r + cr
    _, first = np.unique(keysort, return_index=True)
    ce, cr, ca = ce[first], cr[first], ca[first]
    if complete:
        ub_entry = min(ub_entry, _reviewer_bound(cr, ca * qf, prep.max_rem, elig_rev, n_r))
    return _Scan(ce, cr, ca, elig_entry, elig_rev, distinct, int(ub_entry), complete)


def _reviewer_bound(
    r: np.ndarray, keys: np.ndarray, max_rem: np.ndarray, elig_rev: np.ndarray, n_r: int
) -> int:
    """sum_r (sum of the best min(max_rem, eligible) affinities of r) from per-reviewer
    candidate lists that hold each reviewer's best candidates (possibly truncated)."""
    aff = np.floor(np.asarray(keys, dtype=np.float64) / _TIE_Q)
    order = np.lexsort((-aff, r))
    r, aff = r[order], aff[order]
    counts = np.bincount(r, minlength=n_r)
    starts = np.cumsum(counts) - counts
    rank = np.arange(len(r)) - starts[r]
    want = np.minimum(max_rem, elig_rev)
    total = float(aff[rank < want[r]].sum())
    short = np.flatnonzero(counts < want)
    if len(short):
        # truncated lists: every missing value is <= the smallest listed one (or <= max)
        last = np.where(
            counts[short] > 0, aff[np.maximum(starts[short] + counts[short] - 1, 0)], np.inf
        )
        missing = (want[short] - counts[short]).astype(np.float64)
        if np.isinf(last).any():
            return np.iinfo(np.int64).max
        total += float((missing * last).sum())
    return int(total)
