"""Optimal reviewer assignment for the innovation contest (pure Python + numpy/scipy/OR-Tools).

No Django, no database: the caller maps model instances to integer indices and back.

Problem
=======
Give every entry exactly ``k`` reviewers such that

* each reviewer's load (number of entries reviewed, fixed pairs included) lies in
  ``[min_load[r], max_load[r]]``;
* no pair is *conflicted*:  a reviewer never reviews an entry of their own employer
  organisation, nor an entry of an organisation they declared a conflict with, nor a
  ``forbidden_pairs`` pair (recusals, manual bans);
* optionally (``same_employer_limit=True``) at most one reviewer per employer
  organisation on one entry (reviewers with employer ``-1`` are independent);
* ``fixed_pairs`` (kept assignments) stay, count towards ``k`` and towards loads;

and, among all such assignments, **maximise the total affinity**; among the
assignments with maximal affinity, **minimise the sum of squared loads** (the most even
load distribution).  Affinity of (entry, reviewer) is the number of tags they share, or
with ``tag_weights`` the sum of the (non-negative integer) weights of the shared tags.
Typical use: category tag weight 3, keyword tag weight 1.

Model
=====
A min-cost flow solved by OR-Tools ``SimpleMinCostFlow`` (cost-scaling push-relabel, exact
on integers)::

    entry e (supply k - fixed_e) --1--> [group (e, employer)] --1--> reviewer r --> sink

* Entry -> reviewer arcs have capacity 1 and cost ``-affinity * BIG``.
* Same-employer limit: candidates of one entry that share an employer hang below a
  group node fed by a single capacity-1 arc.  This is a laminar (tree) structure, so the
  model stays a pure network flow and stays exact.
* Lower load bounds are modelled exactly by the standard supply transformation: reviewer
  r gets demand ``min_load - fixed`` and the sink's demand shrinks accordingly, so every
  feasible flow meets every minimum load.
* Load balancing: the remaining capacity of r is split into unit arcs r -> sink; the unit
  that brings r's *total* load to ``l`` costs ``2l - 1`` (the marginal cost of ``l**2``).
  The cost is convex, so the solver fills cheaper units first and the flow minimises
  ``sum(load**2)``.

Affinity versus balance
-----------------------
With ``balance_weight=None`` (default) the objective is lexicographic: affinity first,
balance as a tie-break.  ``BIG = (largest unit cost - smallest unit cost) + 1`` suffices:
any improvement of an optimal flow decomposes into residual cycles; a cycle that gains
at least 1 affinity point passes the sink at most once, so its balance cost changes by
less than ``BIG`` and the cycle would have negative total cost, contradicting
optimality.  Hence the result has maximal affinity within the candidate graph, and the
smallest ``sum(load**2)`` among such solutions.  Costs stay small (a few thousand), far
from the solver's overflow limits.

With ``balance_weight=w > 0`` the trade-off is soft: one unit of ``sum(load**2)`` is worth
``w`` affinity points (e.g. ``w=0.05``: moving one review from a reviewer at load 60 to one
at load 40 changes ``sum(load**2)`` by ``(59**2 + 41**2) - (60**2 + 40**2) = -38``, worth
1.9 affinity points, so it happens unless it loses 2 or more).  ``w=0`` ignores balance
entirely (any maximum-affinity assignment).

Pruning (why 100,000 x 5,000 fits in seconds)
=============================================
The full bipartite graph would have 5e8 arcs.  Instead one chunked, vectorised pass
computes the dense affinity block of a few hundred entries against all reviewers
(``entry_tags @ reviewer_tags.T``), marks conflicts, and keeps

1. per entry the ``candidates_per_entry`` best eligible reviewers (default ``max(4k, k+10)``);
2. per reviewer the ``ceil(reviewer_slack * cap)`` best eligible entries (streamed top-M
   per column), where ``cap = min(remaining max load, max(remaining min load,
   4 * mean load))``.  This guarantees reviewers that nobody ranks first (narrow
   expertise, or only zero-affinity matches) still get enough arcs to reach their
   minimum load and to absorb overflow.

Ties (above all the many zero-affinity pairs) are broken by a seeded pseudo-random key:
``key = affinity * 65536 + ((h_e + h_r) mod 65536)`` with per-entry/per-reviewer 16-bit
random numbers from ``numpy.random.default_rng(seed)``.  For each entry this visits
equal-affinity reviewers in a random rotation of one fixed random order, so low-affinity
candidates are spread evenly over all reviewers, deterministically for a given seed.

The same pass yields exact per-entry and per-reviewer eligibility counts (for the
infeasibility explanations) and an upper bound on the optimum of the *full* problem:
``fixed affinity + min(sum_e top-(k - fixed_e) eligible affinities of e,
sum_r top-(remaining max load) eligible affinities of r)``.

If the pruned graph turns out infeasible although the pre-checks passed, both candidate
sets are doubled and the solve is retried; when the widened set covers every eligible
pair (``complete_graph``) an infeasible verdict is definitive.  The same widening is
used, within a time budget, when the gap to the upper bound exceeds
``target_gap_percent`` (tight load bounds with many equal affinities need deeper
candidate lists).  With ``candidates_per_entry >= n_reviewers`` the graph is complete from
the start and the result is the exact optimum of the full problem.

Tag representation
==================
Tags are scipy sparse CSR matrices (entries x tags, reviewers x tags); any non-zero means
"has the tag".  Lists of tag-id lists are accepted too and converted (see
``tags_to_csr``).  Affinities must fit in float32-exact integers per pair for the fast
path (< 255 with 16 bits of tie-break); larger weights switch to float64 transparently.
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import scipy.sparse as sp
from ortools.graph.python import min_cost_flow

__all__ = [
    "AssignmentInfeasible",
    "AssignmentProblem",
    "AssignmentResult",
    "FINDING_TEXTS",
    "Finding",
    "Violation",
    "assign",
    "check_assignment",
    "exact_optimum",
    "pair_affinity",
    "PricingProof",
    "contest_instance",
    "random_instance",
    "tags_to_csr",
]

# Dense cells (entries x reviewers) processed per chunk of the candidate scan.  ~2.5e6
# float32 cells keep every temporary below ~20 MB, which measured fastest (allocations
# stay below glibc's mmap threshold, so no page-fault storm per chunk).
_CHUNK_CELLS = 2_500_000
# Above this many cells the "complete graph" fallback is not attempted automatically.
_COMPLETE_FALLBACK_CELLS = 4_000_000
# Messages listing per-entry / per-reviewer shortages are truncated after this many.
_MAX_LISTED = 20
_TIE_BITS = 16
_TIE_Q = 1 << _TIE_BITS


# The short explanations said first, in plain words with what staff can do about it. The caller
# may say them in the staff's language from ``code`` and ``params`` (reviews.infeasibility).
FINDING_TEXTS = {
    "too_few_reviewers": "Each entry needs {k} reviewers but the pool has only {reviewers}: "
    "add reviewers or lower the number of reviewers per entry.",
    "max_loads_short": "{need} reviews are needed but the reviewers' maximum loads allow only "
    "{capacity}: raise the maximum loads or add reviewers.",
    "min_loads_excess": "The minimum loads add up to {minimum} reviews, more than the {need} "
    "to be done: lower the minimum loads.",
    "employer_limit": "The {reviewers} reviewers employed by organisation {org} need at least "
    "{need} entries from other organisations to reach their minimum loads (one reviewer per "
    "employer on an entry), but there are only {available}: lower their minimum loads or allow "
    "several reviewers of one employer.",
    "entries_short": "{entries} entries have fewer eligible reviewers than they need (conflicts "
    "of interest, recusals, full reviewers): add reviewers or lower the number of reviewers "
    "per entry.",
    "entries_short_of_employers": "{entries} entries have eligible reviewers from too few "
    "different employers: add reviewers from other employers or allow several reviewers of "
    "one employer.",
    "min_load_unreachable": "{reviewers} reviewers cannot reach their minimum load (too few "
    "entries they may review): lower the minimum load or add entries.",
    "slots_short": "At most {filled} of the {need} reviews can be assigned without breaking a "
    "conflict of interest, a maximum load or the one-reviewer-per-employer rule: add "
    "reviewers or raise their maximum loads.",
    "min_loads_short": "Every review can be assigned, but not so that all minimum loads are "
    "met: the best assignment still falls {short} reviews short of them: lower the minimum "
    "loads.",
    "not_proven": "No valid assignment was found among the {pairs} candidate pairs searched; "
    "this does not prove that none exists: ask the administrator to retry with more "
    "candidate pairs.",
}


@dataclass(frozen=True)
class Finding:
    """One short explanation of an infeasible instance (see ``FINDING_TEXTS``); only what is
    true of the whole instance, never a number taken from one arbitrary flow."""

    code: str
    params: dict

    @property
    def text(self) -> str:
        return FINDING_TEXTS[self.code].format(**self.params)


class AssignmentInfeasible(Exception):
    """No assignment satisfies all constraints; ``reasons`` says what is short.

    Raised instead of ever returning a partial assignment.  ``findings`` are the short
    explanations in plain words (said first), ``details`` the per-entry / per-reviewer
    sentences; ``reasons`` is both, in English, findings first.
    """

    def __init__(self, reasons: list):
        self.findings: list[Finding] = [x for x in reasons if isinstance(x, Finding)]
        self.details: list[str] = [x for x in reasons if not isinstance(x, Finding)]
        self.reasons: list[str] = [f.text for f in self.findings] + self.details or [
            "the assignment problem is infeasible"
        ]
        super().__init__("; ".join(self.reasons))


def _as_pairs(x: Any, name: str) -> np.ndarray:
    a = np.asarray(x if x is not None else np.empty((0, 2)), dtype=np.int64)
    if a.size == 0:
        return np.empty((0, 2), dtype=np.int64)
    if a.ndim != 2 or a.shape[1] != 2:
        raise ValueError(f"{name} must have shape (n, 2), got {a.shape}")
    return np.ascontiguousarray(a)


def tags_to_csr(tag_lists: Sequence[Iterable[int]], n_tags: int) -> sp.csr_array:
    """Convert a list of tag-id collections (one per row) into a binary CSR matrix.

    Guarantees shape ``(len(tag_lists), n_tags)``, dtype int8, values 1, no duplicates.
    Raises ``ValueError`` on a tag id outside ``[0, n_tags)``.
    """
    lists = [list(x) for x in tag_lists]
    lengths = np.array([len(x) for x in lists], dtype=np.int64)
    cols = np.fromiter((int(t) for x in lists for t in x), dtype=np.int64, count=int(lengths.sum()))
    if cols.size and (cols.min() < 0 or cols.max() >= n_tags):
        raise ValueError("tag id out of range")
    rows = np.repeat(np.arange(len(lengths)), lengths)
    return _binary_csr(rows, cols, (len(lengths), n_tags))


def _binary_csr(rows: np.ndarray, cols: np.ndarray, shape: tuple[int, int]) -> sp.csr_array:
    m = sp.csr_array((np.ones(len(rows), dtype=np.int8), (rows, cols)), shape=shape, dtype=np.int8)
    m.sum_duplicates()
    m.data[:] = 1
    return m


def _to_binary_csr(x: Any, n_tags: int | None) -> sp.csr_array:
    if sp.issparse(x):
        m = sp.csr_array(x, dtype=np.int8, copy=True)
        m.eliminate_zeros()
        m.sum_duplicates()
        m.data[:] = 1
        if n_tags is not None and m.shape[1] < n_tags:
            m.resize((m.shape[0], n_tags))
        return m
    if n_tags is None:
        n_tags = 1 + max((int(t) for row in x for t in row), default=-1)
    return tags_to_csr(x, n_tags)


@dataclass(frozen=True, eq=False)
class AssignmentProblem:
    """All inputs of one assignment run (indices are 0-based positions, not DB ids).

    Attributes:
        k: reviewers per entry (>= 1).
        entry_org: (n_entries,) organisation id of each entry's author, -1 if unknown.
        entry_tags: (n_entries, n_tags) sparse binary matrix, or a list of tag-id lists.
        reviewer_org: (n_reviewers,) employer organisation id, -1 for independent experts.
        reviewer_tags: (n_reviewers, n_tags) sparse binary matrix, or list of tag-id lists.
        min_load, max_load: (n_reviewers,) inclusive bounds on each reviewer's total load.
        reviewer_org_conflicts: (c, 2) declared conflicts as (reviewer index, org id).
        forbidden_pairs: (f, 2) (entry index, reviewer index) pairs never to assign
            (recusals, manual bans).
        fixed_pairs: (p, 2) (entry index, reviewer index) pairs that must stay; they count
            towards ``k`` and towards the reviewer's load.
        same_employer_limit: at most one reviewer of the same employer (>= 0) per entry.
        tag_weights: optional (n_tags,) non-negative integer weights; affinity is the sum
            of the weights of the shared tags (default weight 1 per tag).
        entry_labels, reviewer_labels: optional ids used only in human-readable messages
            (e.g. database primary keys); defaults to the index.

    Org ids are arbitrary non-negative integers (e.g. database ids).  The constructor
    normalises arrays (int64, binary CSR with a common number of tag columns) and raises
    ``ValueError`` on malformed input (wrong shapes, indices out of range, negative or
    inverted load bounds).  Infeasibility is *not* checked here, see ``assign``.
    """

    k: int
    entry_org: np.ndarray
    entry_tags: Any
    reviewer_org: np.ndarray
    reviewer_tags: Any
    min_load: np.ndarray
    max_load: np.ndarray
    reviewer_org_conflicts: np.ndarray = field(default_factory=lambda: np.empty((0, 2)))
    forbidden_pairs: np.ndarray = field(default_factory=lambda: np.empty((0, 2)))
    fixed_pairs: np.ndarray = field(default_factory=lambda: np.empty((0, 2)))
    same_employer_limit: bool = False
    tag_weights: np.ndarray | None = None
    entry_labels: Sequence[Any] | None = None
    reviewer_labels: Sequence[Any] | None = None

    def __post_init__(self) -> None:
        put = object.__setattr__
        if int(self.k) < 1:
            raise ValueError("k must be >= 1")
        put(self, "k", int(self.k))
        entry_org = np.asarray(self.entry_org, dtype=np.int64).ravel()
        reviewer_org = np.asarray(self.reviewer_org, dtype=np.int64).ravel()
        n_e, n_r = len(entry_org), len(reviewer_org)
        n_tags = None
        if self.tag_weights is not None:
            n_tags = len(np.asarray(self.tag_weights))
        if not sp.issparse(self.entry_tags) or not sp.issparse(self.reviewer_tags):
            both = [
                t
                for tags in (self.entry_tags, self.reviewer_tags)
                if not sp.issparse(tags)
                for row in tags
                for t in row
            ]
            n_list = 1 + max((int(t) for t in both), default=-1)
            n_tags = max(n_list, n_tags or 0)
        for tags in (self.entry_tags, self.reviewer_tags):
            if sp.issparse(tags):
                n_tags = max(n_tags or 0, tags.shape[1])
        n_tags = max(n_tags or 0, 1)
        et = _to_binary_csr(self.entry_tags, n_tags)
        rt = _to_binary_csr(self.reviewer_tags, n_tags)
        if et.shape[0] != n_e or rt.shape[0] != n_r:
            raise ValueError("tag matrices must have one row per entry / reviewer")
        put(self, "entry_org", entry_org)
        put(self, "reviewer_org", reviewer_org)
        put(self, "entry_tags", et)
        put(self, "reviewer_tags", rt)
        if (entry_org < -1).any() or (reviewer_org < -1).any():
            raise ValueError("organisation ids must be >= 0, or -1 for none")
        min_load = np.asarray(self.min_load, dtype=np.int64).ravel()
        max_load = np.asarray(self.max_load, dtype=np.int64).ravel()
        if min_load.shape != (n_r,) or max_load.shape != (n_r,):
            raise ValueError("min_load and max_load need one value per reviewer")
        if (min_load < 0).any() or (max_load < min_load).any():
            raise ValueError("need 0 <= min_load <= max_load for every reviewer")
        put(self, "min_load", min_load)
        put(self, "max_load", max_load)
        conf = _as_pairs(self.reviewer_org_conflicts, "reviewer_org_conflicts")
        if conf.size and (
            (conf[:, 0] < 0).any() or (conf[:, 0] >= n_r).any() or (conf[:, 1] < 0).any()
        ):
            raise ValueError("reviewer_org_conflicts: reviewer index or org id out of range")
        put(self, "reviewer_org_conflicts", conf)
        for name in ("forbidden_pairs", "fixed_pairs"):
            p = _as_pairs(getattr(self, name), name)
            if p.size and ((p < 0).any() or (p[:, 0] >= n_e).any() or (p[:, 1] >= n_r).any()):
                raise ValueError(f"{name}: entry or reviewer index out of range")
            put(self, name, p)
        if self.tag_weights is not None:
            w = np.asarray(self.tag_weights)
            if not np.issubdtype(w.dtype, np.integer) and not np.all(w == np.round(w)):
                raise ValueError("tag_weights must be integers")
            w = w.astype(np.int64)
            if (w < 0).any():
                raise ValueError("tag_weights must be >= 0")
            if len(w) < et.shape[1]:
                raise ValueError("tag_weights needs one weight per tag")
            put(self, "tag_weights", w)
        put(self, "same_employer_limit", bool(self.same_employer_limit))

    @property
    def n_entries(self) -> int:
        return len(self.entry_org)

    @property
    def n_reviewers(self) -> int:
        return len(self.reviewer_org)

    @property
    def n_tags(self) -> int:
        return int(self.entry_tags.shape[1])

    def entry_label(self, e: int) -> str:
        return str(self.entry_labels[e]) if self.entry_labels is not None else str(e)

    def reviewer_label(self, r: int) -> str:
        return str(self.reviewer_labels[r]) if self.reviewer_labels is not None else str(r)

    def weighted_entry_tags(self) -> sp.csr_array:
        """Entry-tag matrix with tag weights applied (float64), so that
        ``weighted_entry_tags() @ reviewer_tags.T`` is the affinity matrix."""
        m = self.entry_tags.astype(np.float64)
        if self.tag_weights is not None:
            m = m @ sp.diags_array(self.tag_weights[: m.shape[1]].astype(np.float64))
            m = sp.csr_array(m)
        return m


@dataclass(frozen=True)
class Violation:
    """One broken rule found by ``check_assignment``.

    ``kind`` is one of: ``index``, ``duplicate``, ``entry_count``, ``load_low``,
    ``load_high``, ``conflict_employer``, ``conflict_declared``, ``forbidden``,
    ``fixed_missing``, ``same_employer``.
    """

    kind: str
    message: str
    entry: int | None = None
    reviewer: int | None = None

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True)
class PricingProof:
    """The optimality certificate's figures (see "Pricing").

    Attributes:
        certified: every eligible pair of the full problem has a non-negative reduced cost
            against the final flow's potentials: the result is the exact optimum of the full
            problem (the lexicographic objective: affinity, then even loads).
        rounds: flow solves, the first on the pruned graph included.
        pairs_priced: eligible pairs whose reduced cost was computed, all rounds together.
        pairs_added: pruned pairs that went back into the graph.
        entries_rescanned: entries read in full after the first round.
        pricing_seconds: potentials + pricing, all rounds.
    """

    certified: bool
    rounds: int
    pairs_priced: int
    pairs_added: int
    entries_rescanned: int
    pricing_seconds: float


@dataclass(frozen=True, eq=False)
class AssignmentResult:
    """A complete, valid assignment (``check_assignment`` returns no violation).

    Attributes:
        pairs: (n_entries * k, 2) int64 (entry index, reviewer index), fixed pairs
            included, sorted by entry then reviewer.
        pair_affinity: affinity of each row of ``pairs``.
        total_affinity: ``pair_affinity.sum()``.
        upper_bound: proven upper bound on the optimal total affinity of the *full*
            (unpruned) problem; ``total_affinity <= upper_bound``.  Combinatorial bound
            (see module docstring); equals ``total_affinity`` when ``complete_graph``.
        loads: (n_reviewers,) total load per reviewer (fixed pairs included).
        sum_squared_loads: ``(loads ** 2).sum()``, the balance objective.
        build_seconds: candidate scan + graph construction (all attempts).
        solve_seconds: time inside the OR-Tools solver (all attempts).
        n_candidate_pairs: entry-reviewer arcs in the (last) flow graph.
        n_arcs: all arcs in the (last) flow graph.
        attempts: 1 + number of candidate widenings needed.
        complete_graph: every eligible pair was in the graph, so ``total_affinity`` is the
            exact optimum of the full problem.
        pricing: the optimality certificate (see "Pricing"), ``None`` when not priced
            (complete graph, nothing to assign, or ``prove_optimal=False``).
    """

    pairs: np.ndarray
    pair_affinity: np.ndarray
    total_affinity: int
    upper_bound: int
    loads: np.ndarray
    sum_squared_loads: int
    build_seconds: float
    solve_seconds: float
    n_candidate_pairs: int
    n_arcs: int
    attempts: int
    complete_graph: bool
    pricing: PricingProof | None = None

    @property
    def gap_percent(self) -> float:
        """Relative gap to the upper bound, in percent (0 means proven optimal)."""
        if self.upper_bound <= 0:
            return 0.0
        return 100.0 * (self.upper_bound - self.total_affinity) / self.upper_bound

    @property
    def proven_optimal(self) -> bool:
        return self.complete_graph or self.total_affinity == self.upper_bound

    @property
    def certified_optimal(self) -> bool:
        """The exact optimum of the full problem: complete graph, or priced and certified."""
        return self.complete_graph or bool(self.pricing and self.pricing.certified)


# --------------------------------------------------------------------------------------
# Preparation: residual demands, conflict structures
# --------------------------------------------------------------------------------------


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


# --------------------------------------------------------------------------------------
# Candidate scan
# --------------------------------------------------------------------------------------


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


def _scan(prep: _Prep, m_entry: int, rev_limit: np.ndarray | None) -> _Scan:
    """One pass over all active entries in chunks (see module docstring, "Pruning").

    ``m_entry >= n_r`` (or ``rev_limit is None`` and m_entry >= n_r) yields every eligible
    pair.  Guarantees: counts are exact; ``ub_new`` is a valid upper bound on the affinity
    of the new (non-fixed) pairs of any feasible assignment.
    """
    n_r, n_e = prep.n_r, prep.n_e
    complete = m_entry >= n_r
    p = prep.problem
    chunk = max(1, _CHUNK_CELLS // max(n_r, 1))
    pool = None if complete else _ColumnTop(rev_limit, prep.key_dtype, n_e, prep.max_key)
    out_e, out_r, out_k = [], [], []
    elig_entry = np.zeros(n_e, dtype=np.int64)
    elig_rev = np.zeros(n_r, dtype=np.int64)
    distinct = np.full(n_e, -1, dtype=np.int64)
    ub_entry = 0
    qf = float(_TIE_Q)
    unaffiliated = (prep.rev_empc < 0).astype(np.float32)
    emp_onehot = None
    if p.same_employer_limit:
        employed = np.flatnonzero(prep.rev_empc >= 0)
        emp_onehot = _binary_csr(employed, prep.rev_empc[employed], (n_r, prep.n_org))
        emp_onehot = sp.csc_array(emp_onehot.astype(np.float32))
    for a in range(0, len(prep.active), chunk):
        ents = prep.active[a : a + chunk]
        c = len(ents)
        keys = _keys_block(prep, ents)
        elig = keys >= 0
        cnt = elig.sum(axis=1)
        elig_entry[ents] = cnt
        elig_rev += elig.sum(axis=0)
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
            out_e.append(ents[rows])
            out_r.append(cols.astype(np.int64))
            out_k.append(keys[rows, cols])
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
            out_e.append(np.repeat(ents, ok.sum(axis=1)))
            out_r.append(idx[ok].astype(np.int64))
            out_k.append(top[ok])
            pool.offer(keys, ents)
        # upper bound: best k_rem eligible affinities per entry, loads ignored
        top = -np.sort(-top, axis=1)
        aff = np.where(top >= 0, np.floor(top / qf), 0.0)
        use = np.arange(top.shape[1])[None, :] < kr[:, None]
        ub_entry += int(aff[use].sum())
    if complete:
        ce, cr, ck = (np.concatenate(x) if x else np.empty(0) for x in (out_e, out_r, out_k))
        ce, cr = ce.astype(np.int64), cr.astype(np.int64)
    else:
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


# --------------------------------------------------------------------------------------
# Flow graph
# --------------------------------------------------------------------------------------


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


# --------------------------------------------------------------------------------------
# Pricing: from "optimal on the candidate graph" to "optimal for the full problem", proven
# --------------------------------------------------------------------------------------
#
# After the flow on the candidate graph is optimal, its residual graph has no negative cycle,
# so it has node potentials d (shortest distances from a virtual source joined to every node)
# with d[head] <= d[tail] + cost on every residual arc.  They are a certificate: if every
# pruned-away pair (e, r) also has a non-negative reduced cost cost(e, r) + D(e, r) - d[r],
# the flow is optimal for the full problem (its residual graph then has no negative cycle).
# A pair with a negative reduced cost goes back into the graph and the flow is solved again
# until no such pair is left (column generation: each round adds pairs that were not in the
# graph, so it ends, at worst with the complete graph).
#
# D(e, r) is the potential of the node the pair would hang from: the entry, or with the
# same-employer limit the entry's group of r's employer, whose potential may rise to
# d[r1] + affinity(e, r1) * BIG when a reviewer r1 of that employer already carries the
# entry's unit for that employer (the group's arc is saturated): a pair of that employer
# only has to beat r1.  Entry and group potentials are raised to the top of their feasible
# interval first (the most permissive valid choice).
#
# The first pricing round reads every eligible pair (the same chunked dense blocks as the
# candidate scan) and keeps per entry the pairs with the smallest reduced costs (the
# reserve) and a margin below which no other pair of the entry lay.  A later round checks
# the reserve only: reduced costs move by (D_new - D_old)(e) - (d_new - d_old)(r), so the
# other pairs of an entry are provably still non-negative unless its potential fell, or a
# reviewer's rose, by more than the margin; only those entries are read again in full.

# Reserve kept per entry after a full pricing scan: the pairs with the smallest reduced costs.
_RESERVE_PER_ENTRY = 48
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
    ``D(e, employer)`` are used."""

    def __init__(self, *, n_e, n_r, active, keys_block, q, employer, same_employer, chunk):
        self.n_e, self.n_r = n_e, n_r
        self.active = active
        self.keys_block = keys_block
        self.q = float(q)
        self.employer = employer
        self.same_employer = same_employer
        self.chunk = max(1, int(chunk))
        self.reserve: _Reserve | None = None

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
    def price(self, *, cand_e, cand_r, cand_a, flows_c, d, big, near=0.0):
        """Pairs outside the graph with a negative reduced cost: (e, r, a), and the number of
        pairs priced. ``flows_c`` is the flow on the candidate arcs."""
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
        priced = 0
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
            out_e.append(pe[v])
            out_r.append(pr[v])
            out_a.append(pa[v])
        # 2. full scans, which also rebuild those entries' reserve
        new_rows: dict[str, list] = {"e": [], "r": [], "a": [], "margin_e": [], "margin": []}
        lim = _RESERVE_PER_ENTRY
        margin_cap = 2 * big
        for s in range(0, len(full), self.chunk):
            ents = full[s : s + self.chunk]
            keys = self.keys_block(ents)
            elig = keys >= 0
            aff = np.floor(keys / self.q)
            rc = de[ents][:, None] - dr[None, :] - aff * big  # lower bound of the exact rc
            rc[~elig] = np.inf
            priced += int(elig.sum())
            # pairs in the graph satisfy the potentials by construction: neither priced again
            # nor kept in the reserve
            lo = np.searchsorted(in_graph, ents[0] * n_r)
            hi = np.searchsorted(in_graph, (ents[-1] + 1) * n_r)
            g = in_graph[lo:hi]
            pos = np.searchsorted(ents, g // n_r)
            ok = (pos < len(ents)) & (ents[np.minimum(pos, len(ents) - 1)] == g // n_r)
            rc[pos[ok], g[ok] % n_r] = np.inf
            rows, cols = np.nonzero(rc < near)
            out_e.append(ents[rows])
            out_r.append(cols.astype(np.int64))
            out_a.append(aff[rows, cols].astype(np.int64))
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
            new_rows["e"].append(np.repeat(ents, keep.sum(axis=1)))
            new_rows["r"].append(idx[keep].astype(np.int64))
            new_rows["a"].append(aff[np.repeat(np.arange(len(ents)), keep.sum(axis=1)), idx[keep]])
            new_rows["margin_e"].append(ents)
            new_rows["margin"].append(margin)
        self._update_reserve(new_rows, full, d)
        e = np.concatenate(out_e) if out_e else np.empty(0, np.int64)
        r = np.concatenate(out_r) if out_r else np.empty(0, np.int64)
        a = np.concatenate(out_a) if out_a else np.empty(0, np.int64)
        # drop pairs already in the graph (their arcs satisfy the potentials by construction)
        if len(e):
            k = e * n_r + r
            pos = np.minimum(np.searchsorted(in_graph, k), max(len(in_graph) - 1, 0))
            outside = in_graph[pos] != k if len(in_graph) else np.ones(len(k), dtype=bool)
            e, r, a = e[outside], r[outside], a[outside]
        if len(e) and top is not None:
            exact = self._exact(e, r, a, d, big, top)
        else:
            exact = -a * big + d[e] - d[n_e + r]
        m = exact < near
        e, r, a, exact = e[m], r[m], a[m], exact[m]
        negative = int((exact < 0).sum())
        return e, r, a, priced, len(full), negative

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


def _reviewer_limits(prep: _Prep, slack: float) -> np.ndarray:
    n_avail = max(int((prep.max_rem > 0).sum()), 1)
    share = math.ceil(prep.need / n_avail)
    cap = np.minimum(prep.max_rem, np.maximum(prep.min_rem, 4 * share))
    lim = np.ceil(slack * cap).astype(np.int64)
    return np.minimum(lim, len(prep.active))


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
    )
    rounds, priced, added, rescanned, certified, pricing_s = 1, 0, 0, 0, False, 0.0
    while True:
        tp = time.perf_counter()
        flows = smcf.flows(np.arange(len(g.tails), dtype=np.int32))
        d = _potentials(g, flows, prep.n_e)
        e, r, a, n_priced, n_full, negative = pricer.price(
            cand_e=sc.cand_e, cand_r=sc.cand_r, cand_a=sc.cand_a, flows_c=flows[: g.n_cand],
            d=d, big=g.big,
        )  # fmt: skip
        pricing_s += time.perf_counter() - tp
        priced += n_priced
        rescanned += n_full if rounds > 1 else 0
        if negative == 0:
            certified = True
            break
        if time.perf_counter() - t0 > time_budget_seconds:
            break
        added += len(e)
        sc = _Scan(
            np.concatenate([sc.cand_e, e]), np.concatenate([sc.cand_r, r]),
            np.concatenate([sc.cand_a, a]), sc.elig_entry, sc.elig_rev, sc.distinct_entry,
            sc.ub_new, sc.complete,
        )  # fmt: skip
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
        certified=certified, rounds=rounds, pairs_priced=priced, pairs_added=added,
        entries_rescanned=rescanned, pricing_seconds=pricing_s,
    )  # fmt: skip
    return sc, g, smcf, proof


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


# --------------------------------------------------------------------------------------
# Checking, affinities, exact optimum, random instances
# --------------------------------------------------------------------------------------


def pair_affinity(problem: AssignmentProblem, pairs: np.ndarray) -> np.ndarray:
    """Affinity (weighted shared-tag count) of each (entry, reviewer) row, int64."""
    pairs = _as_pairs(pairs, "pairs")
    if len(pairs) == 0:
        return np.zeros(0, dtype=np.int64)
    ew = problem.weighted_entry_tags()
    rt = problem.reviewer_tags.astype(np.float64)
    prod = ew[pairs[:, 0]].multiply(rt[pairs[:, 1]])
    return np.rint(np.asarray(prod.sum(axis=1)).ravel()).astype(np.int64)


def check_assignment(
    problem: AssignmentProblem, pairs: np.ndarray, *, require_complete: bool = True
) -> list[Violation]:
    """Return every rule the assignment ``pairs`` (rows of entry, reviewer) breaks.

    Checks: indices in range, duplicate pairs, exactly ``k`` reviewers per entry (at most
    ``k`` when ``require_complete=False``), loads within ``[min_load, max_load]`` (only
    the max when ``require_complete=False``), conflicts (own employer, declared org
    conflict, forbidden pair), every fixed pair present, and the same-employer limit when
    it is on.  An empty list means the assignment is valid.  Pure; vectorised.
    """
    p = problem
    n_e, n_r, k = p.n_entries, p.n_reviewers, p.k
    out: list[Violation] = []
    pairs = _as_pairs(pairs, "pairs")
    bad = (pairs[:, 0] < 0) | (pairs[:, 0] >= n_e) | (pairs[:, 1] < 0) | (pairs[:, 1] >= n_r)
    for e, r in pairs[bad]:
        out.append(Violation("index", f"pair ({e}, {r}) is out of range", int(e), int(r)))
    pairs = pairs[~bad]
    keys = pairs[:, 0] * n_r + pairs[:, 1]
    uk, first, cnt = np.unique(keys, return_index=True, return_counts=True)
    for key in uk[cnt > 1]:
        e, r = int(key // n_r), int(key % n_r)
        out.append(
            Violation(
                "duplicate",
                f"reviewer {p.reviewer_label(r)} is assigned twice to entry {p.entry_label(e)}",
                e,
                r,
            )
        )
    pairs = pairs[first]  # judge the rest on distinct pairs
    per_entry = np.bincount(pairs[:, 0], minlength=n_e)
    wrong = per_entry != k if require_complete else per_entry > k
    for e in np.flatnonzero(wrong):
        out.append(
            Violation(
                "entry_count",
                f"entry {p.entry_label(e)} has {per_entry[e]} reviewers, expected {k}",
                int(e),
            )
        )
    loads = np.bincount(pairs[:, 1], minlength=n_r)
    if require_complete:
        for r in np.flatnonzero(loads < p.min_load):
            out.append(
                Violation(
                    "load_low",
                    f"reviewer {p.reviewer_label(r)} has load {loads[r]}, below min load "
                    f"{p.min_load[r]}",
                    reviewer=int(r),
                )
            )
    for r in np.flatnonzero(loads > p.max_load):
        out.append(
            Violation(
                "load_high",
                f"reviewer {p.reviewer_label(r)} has load {loads[r]}, above max load "
                f"{p.max_load[r]}",
                reviewer=int(r),
            )
        )
    e, r = pairs[:, 0], pairs[:, 1]
    eo = p.entry_org[e]
    own = (eo >= 0) & (p.reviewer_org[r] == eo)
    for i in np.flatnonzero(own):
        out.append(
            Violation(
                "conflict_employer",
                f"reviewer {p.reviewer_label(r[i])} works for the organisation of entry "
                f"{p.entry_label(e[i])}",
                int(e[i]),
                int(r[i]),
            )
        )
    conf = p.reviewer_org_conflicts
    if len(conf):
        big = int(max(conf[:, 1].max(), eo.max(initial=0))) + 2
        declared = (eo >= 0) & np.isin(r * big + eo, conf[:, 0] * big + conf[:, 1]) & ~own
        for i in np.flatnonzero(declared):
            out.append(
                Violation(
                    "conflict_declared",
                    f"reviewer {p.reviewer_label(r[i])} declared a conflict with the "
                    f"organisation of entry {p.entry_label(e[i])}",
                    int(e[i]),
                    int(r[i]),
                )
            )
    fb = p.forbidden_pairs
    if len(fb):
        forb = np.isin(e * n_r + r, fb[:, 0] * n_r + fb[:, 1])
        for i in np.flatnonzero(forb):
            out.append(
                Violation(
                    "forbidden",
                    f"reviewer {p.reviewer_label(r[i])} may not review entry "
                    f"{p.entry_label(e[i])} (recusal or ban)",
                    int(e[i]),
                    int(r[i]),
                )
            )
    fx = p.fixed_pairs
    if len(fx):
        missing = ~np.isin(fx[:, 0] * n_r + fx[:, 1], keys)
        for fe, fr in fx[missing]:
            out.append(
                Violation(
                    "fixed_missing",
                    f"kept pair (entry {p.entry_label(fe)}, reviewer {p.reviewer_label(fr)}) "
                    "is missing",
                    int(fe),
                    int(fr),
                )
            )
    if p.same_employer_limit:
        emp = p.reviewer_org[r]
        m = emp >= 0
        big = int(emp.max(initial=0)) + 1
        ek = e[m] * big + emp[m]
        uk2, cnt2 = np.unique(ek, return_counts=True)
        for key in uk2[cnt2 > 1]:
            ee = int(key // big)
            out.append(
                Violation(
                    "same_employer",
                    f"entry {p.entry_label(ee)} has {cnt2[uk2 == key][0]} reviewers employed "
                    f"by organisation {int(key % big)}",
                    ee,
                )
            )
    return out


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
