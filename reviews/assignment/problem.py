"""The solver's contract: the problem, its result, the pricing certificate and the findings
that explain an infeasible problem (plain data; no Django)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import scipy.sparse as sp

# Dense cells (entries x reviewers) processed per chunk of the candidate scan.  ~2.5e6
# float32 cells keep every temporary below ~20 MB, which measured fastest (allocations
# stay below glibc's mmap threshold, so no page-fault storm per chunk).
_CHUNK_CELLS = 2_500_000
# Threads of the candidate scan (reviews.assignment.pruning._scan_threads): the job's 2 cores.
_SCAN_MAX_THREADS = 2


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


def as_pairs(x: Any, name: str) -> np.ndarray:
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
        conf = as_pairs(self.reviewer_org_conflicts, "reviewer_org_conflicts")
        if conf.size and (
            (conf[:, 0] < 0).any() or (conf[:, 0] >= n_r).any() or (conf[:, 1] < 0).any()
        ):
            raise ValueError("reviewer_org_conflicts: reviewer index or org id out of range")
        put(self, "reviewer_org_conflicts", conf)
        for name in ("forbidden_pairs", "fixed_pairs"):
            p = as_pairs(getattr(self, name), name)
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
        negative_left: pairs the last pass found with a negative reduced cost (0 when
            certified; when the time budget ended the pricing first, how far from a
            certificate the result is — those pairs were not added back; a lower bound when
            that pass was cut short).
        last_pass_complete: the last pass read every pair it had to; False when the time
            budget ended it midway (then nothing is certified).
    """

    certified: bool
    rounds: int
    pairs_priced: int
    pairs_added: int
    entries_rescanned: int
    pricing_seconds: float
    negative_left: int = 0
    last_pass_complete: bool = True


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


def pair_affinity(problem: AssignmentProblem, pairs: np.ndarray) -> np.ndarray:
    """Affinity (weighted shared-tag count) of each (entry, reviewer) row, int64."""
    pairs = as_pairs(pairs, "pairs")
    if len(pairs) == 0:
        return np.zeros(0, dtype=np.int64)
    ew = problem.weighted_entry_tags()
    rt = problem.reviewer_tags.astype(np.float64)
    prod = ew[pairs[:, 0]].multiply(rt[pairs[:, 1]])
    return np.rint(np.asarray(prod.sum(axis=1)).ravel()).astype(np.int64)
