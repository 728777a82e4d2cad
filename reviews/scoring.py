"""Score aggregation, ranking, advancement and awards (pure, vectorised numpy).

No Django, no database: the caller passes parallel arrays of review rows and maps the
integer entry indices back to model instances.  Every function works in bulk (sorting,
``np.bincount``, ``np.add.reduceat``); none loops over entries in Python, so a round of
100,000 entries x 5 reviews aggregates in well under a second.

Conventions
-----------
* Review rows are parallel arrays: ``entry`` (index in ``[0, n_entries)``), ``reviewer``
  (any non-negative int id), ``total`` (raw total score in ``[0, max_total]``) and optionally
  ``criteria`` (rows x criteria matrix of per-criterion scores).
* Entries without reviews get ``NaN`` scores and ``count == 0``; they rank after every
  reviewed entry of their category, never advance and never get an award.
* Aggregate scores equal to 9 decimal places are treated as tied (so that 0.1 + 0.2
  and 0.3 tie, as staff would expect from the displayed scores).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

import numpy as np

__all__ = [
    "METHODS",
    "TIE_BREAK_RULE",
    "TRIM_MIN_REVIEWS",
    "AdvancementRule",
    "Aggregation",
    "aggregate",
    "award_tiers",
    "rank_in_category",
    "select_advancing",
]

Method = Literal["mean", "median", "trimmed_mean", "zscore"]
METHODS: tuple[str, ...] = ("mean", "median", "trimmed_mean", "zscore")

#: The trimmed mean drops the single highest and lowest total only from this many reviews.
TRIM_MIN_REVIEWS = 5

#: Decimal places at which aggregate scores are compared for ties.
_TIE_DECIMALS = 9

TIE_BREAK_RULE = (
    "Within each category entries are ranked by: "
    "(1) higher aggregate score (scores equal to 9 decimal places tie); "
    "(2) if tied, higher median of the reviewers' raw total scores; "
    "(3) if still tied, higher mean score on the highest-weighted criterion, then on the "
    "next-highest-weighted criterion, and so on (criteria of equal weight in their "
    "configured order); "
    "(4) if still tied, earlier submission time; "
    "(5) finally, lower entry id. "
    "Entries without any review are placed after all reviewed entries. "
    "Every entry receives a distinct rank 1, 2, 3, ... within its category."
)


@dataclass(frozen=True, eq=False)
class Aggregation:
    """Per-entry result of ``aggregate``.

    Attributes:
        score: (n_entries,) float64 aggregate score, NaN for entries without reviews.
        count: (n_entries,) int64 number of reviews.
        median_raw: (n_entries,) float64 median of the raw totals (the first tie-break),
            NaN for entries without reviews.
        method: the aggregation method used.
    """

    score: np.ndarray
    count: np.ndarray
    median_raw: np.ndarray
    method: str


def _check_rows(
    entry: np.ndarray, total: np.ndarray, n_entries: int, max_total: float
) -> tuple[np.ndarray, np.ndarray]:
    entry = np.asarray(entry, dtype=np.int64).ravel()
    total = np.asarray(total, dtype=np.float64).ravel()
    if entry.shape != total.shape:
        raise ValueError("entry and total must have the same length")
    if entry.size and (entry.min() < 0 or entry.max() >= n_entries):
        raise ValueError("entry index out of range")
    if not np.isfinite(total).all():
        raise ValueError("total scores must be finite")
    if total.size and (total.min() < 0 or total.max() > max_total):
        raise ValueError(f"total scores must lie in [0, {max_total}]")
    return entry, total


def _sorted_groups(
    entry: np.ndarray, total: np.ndarray, n_entries: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Totals sorted by (entry, total), per-entry counts and start offsets."""
    order = np.lexsort((total, entry))
    s = total[order]
    count = np.bincount(entry, minlength=n_entries).astype(np.int64)
    start = np.cumsum(count) - count
    return s, count, start


def _median_sorted(s: np.ndarray, count: np.ndarray, start: np.ndarray) -> np.ndarray:
    out = np.full(len(count), np.nan)
    has = count > 0
    lo = start[has] + (count[has] - 1) // 2
    hi = start[has] + count[has] // 2
    out[has] = (s[lo] + s[hi]) / 2.0
    return out


def _group_mean(entry: np.ndarray, values: np.ndarray, count: np.ndarray) -> np.ndarray:
    sums = np.bincount(entry, weights=values, minlength=len(count))
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(count > 0, sums / np.maximum(count, 1), np.nan)


def aggregate(
    entry: np.ndarray,
    reviewer: np.ndarray,
    total: np.ndarray,
    n_entries: int,
    max_total: float,
    method: Method = "mean",
) -> Aggregation:
    """Aggregate the raw total scores of each entry.

    Methods:
        ``mean``: arithmetic mean of the totals.
        ``median``: median of the totals (mean of the two middle values for even counts).
        ``trimmed_mean``: with at least ``TRIM_MIN_REVIEWS`` (5) reviews, drop exactly one
            highest and one lowest total and average the rest; with fewer reviews the
            plain mean.
        ``zscore``: each total is standardised against *its reviewer's* totals in this
            round, ``z = (x - mean_reviewer) / std_reviewer`` (population std, ddof=0);
            a reviewer with a single review or zero std gets ``z = 0`` for those reviews.
            ``z`` is mapped back to the raw scale with the round's overall mean ``mu`` and
            population std ``sigma`` of all raw totals, ``x' = clip(mu + z * sigma, 0,
            max_total)``, and the entry's score is the mean of its ``x'``.  This removes a
            reviewer's constant harshness or leniency (and their spread), so entries are
            not penalised for the luck of drawing a harsh reviewer.

    Args:
        entry, reviewer, total: parallel arrays of review rows.
        n_entries: number of entries; indices are ``0 .. n_entries - 1``.
        max_total: the largest possible raw total (the range is ``[0, max_total]``).
        method: one of ``METHODS``.

    Returns:
        Aggregation with NaN score and count 0 for entries without reviews.

    Raises:
        ValueError: unknown method, mismatched lengths, index or score out of range.
    """
    if method not in METHODS:
        raise ValueError(f"unknown method {method!r}; use one of {METHODS}")
    entry, total = _check_rows(entry, total, n_entries, max_total)
    reviewer = np.asarray(reviewer, dtype=np.int64).ravel()
    if reviewer.shape != entry.shape:
        raise ValueError("reviewer must have the same length as entry")
    s, count, start = _sorted_groups(entry, total, n_entries)
    median_raw = _median_sorted(s, count, start)
    if method == "mean":
        score = _group_mean(entry, total, count)
    elif method == "median":
        score = median_raw.copy()
    elif method == "trimmed_mean":
        score = _group_mean(entry, total, count)
        trim = count >= TRIM_MIN_REVIEWS
        sums = np.bincount(entry, weights=total, minlength=n_entries)
        lowest = s[start[trim]]
        highest = s[start[trim] + count[trim] - 1]
        score[trim] = (sums[trim] - lowest - highest) / (count[trim] - 2)
    else:
        score = _group_mean(entry, _zscore_rescaled(reviewer, total, max_total), count)
    return Aggregation(score=score, count=count, median_raw=median_raw, method=method)


def _zscore_rescaled(reviewer: np.ndarray, total: np.ndarray, max_total: float) -> np.ndarray:
    """Per-review rescaled z-scores (see ``aggregate``, method ``zscore``)."""
    if total.size == 0:
        return total.copy()
    _, rv = np.unique(reviewer, return_inverse=True)
    n = np.bincount(rv).astype(np.float64)
    mean = np.bincount(rv, weights=total) / n
    dev = total - mean[rv]
    std = np.sqrt(np.bincount(rv, weights=dev * dev) / n)
    # A relative tolerance: a reviewer who gave 80.0 everywhere has std ~1e-15, not > 0.
    ok = (n >= 2) & (std > 1e-9 * max(1.0, float(max_total)))
    z = np.zeros_like(total)
    sel = ok[rv]
    z[sel] = dev[sel] / std[rv][sel]
    mu = float(total.mean())
    sigma = float(total.std())
    return np.clip(mu + z * sigma, 0.0, float(max_total))


def _desc_key(x: np.ndarray) -> np.ndarray:
    """Ascending sort key meaning "higher first, NaN last", rounded for tie detection."""
    x = np.round(np.asarray(x, dtype=np.float64), _TIE_DECIMALS)
    return np.where(np.isnan(x), np.inf, -x)


def rank_in_category(
    score: np.ndarray,
    median_raw: np.ndarray,
    category: np.ndarray,
    submitted_at: np.ndarray,
    entry_id: np.ndarray,
    criterion_means: np.ndarray | None = None,
    criterion_weights: np.ndarray | None = None,
) -> np.ndarray:
    """1-based rank of every entry within its category following ``TIE_BREAK_RULE``.

    Args:
        score: aggregate scores (NaN = no reviews).
        median_raw: median raw totals (``Aggregation.median_raw``).
        category: category id per entry (any integers).
        submitted_at: submission time per entry; numbers (e.g. epoch seconds) or
            ``datetime64``.  NaN/NaT counts as latest.
        entry_id: unique id per entry (e.g. the database primary key), the final key.
        criterion_means: optional (n_entries, n_criteria) matrix of mean scores per criterion
            (computed once, by the database, in ``services.results``).
        criterion_weights: optional (n_criteria,) weights deciding the order in which
            criteria break ties (highest weight first, ties in column order); default
            column order.

    Returns:
        int64 array; within each category the ranks are exactly ``1..n_category`` (no
        shared ranks).
    """
    score = np.asarray(score, dtype=np.float64).ravel()
    n = score.size
    category = np.asarray(category).ravel()
    entry_id = np.asarray(entry_id).ravel()
    sub = np.asarray(submitted_at).ravel()
    if np.issubdtype(sub.dtype, np.datetime64):
        nat = np.isnat(sub)
        sub = sub.astype("datetime64[us]").astype(np.int64).astype(np.float64)
        sub[nat] = np.inf
    else:
        sub = np.asarray(sub, dtype=np.float64)
        sub = np.where(np.isnan(sub), np.inf, sub)
    for name, arr in (
        ("median_raw", median_raw),
        ("category", category),
        ("submitted_at", sub),
        ("entry_id", entry_id),
    ):
        if np.asarray(arr).ravel().size != n:
            raise ValueError(f"{name} must have one value per entry")
    # np.lexsort: the LAST key is the primary one, so list them from least significant.
    keys: list[np.ndarray] = [entry_id, sub]
    if criterion_means is not None:
        cm = np.asarray(criterion_means, dtype=np.float64)
        if cm.ndim != 2 or cm.shape[0] != n:
            raise ValueError("criterion_means must be (n_entries, n_criteria)")
        w = (
            np.zeros(cm.shape[1])
            if criterion_weights is None
            else np.asarray(criterion_weights, dtype=np.float64)
        )
        if w.shape != (cm.shape[1],):
            raise ValueError("criterion_weights needs one weight per criterion")
        priority = np.lexsort((np.arange(cm.shape[1]), -w))  # highest weight first
        keys.extend(_desc_key(cm[:, c]) for c in priority[::-1])
    keys.append(_desc_key(median_raw))
    keys.append(_desc_key(score))
    keys.append(category)
    order = np.lexsort(keys)
    cat_sorted = category[order]
    new_group = np.ones(n, dtype=bool)
    new_group[1:] = cat_sorted[1:] != cat_sorted[:-1]
    group_start = np.maximum.accumulate(np.where(new_group, np.arange(n), 0))
    rank = np.empty(n, dtype=np.int64)
    rank[order] = np.arange(n) - group_start + 1
    return rank


@dataclass(frozen=True)
class AdvancementRule:
    """Which entries of each category advance to the next round.

    ``kind``:
        ``top_n``: the ``value`` best-ranked reviewed entries of each category.
        ``top_share``: the best ``ceil(value * n_reviewed)`` of each category, where
            ``n_reviewed`` counts the category's entries with at least one review and
            ``value`` is a fraction in [0, 1] (computed robustly: 0.3 * 10 gives 3).
        ``min_score``: every reviewed entry whose aggregate score is >= ``value``
            (compared at 9 decimal places).
    Entries without reviews never advance.
    """

    kind: Literal["top_n", "top_share", "min_score"]
    value: float

    def __post_init__(self) -> None:
        if self.kind not in ("top_n", "top_share", "min_score"):
            raise ValueError(f"unknown advancement rule {self.kind!r}")
        if self.kind == "top_n" and (self.value < 0 or self.value != int(self.value)):
            raise ValueError("top_n needs a non-negative integer")
        if self.kind == "top_share" and not 0 <= self.value <= 1:
            raise ValueError("top_share needs a fraction in [0, 1]")

    @classmethod
    def top_n(cls, n: int) -> AdvancementRule:
        return cls("top_n", n)

    @classmethod
    def top_share(cls, share: float) -> AdvancementRule:
        return cls("top_share", share)

    @classmethod
    def min_score(cls, threshold: float) -> AdvancementRule:
        return cls("min_score", threshold)


def select_advancing(
    score: np.ndarray,
    count: np.ndarray,
    category: np.ndarray,
    rank: np.ndarray,
    rule: AdvancementRule,
) -> np.ndarray:
    """Boolean mask of the entries that advance under ``rule`` (see ``AdvancementRule``).

    ``rank`` must come from ``rank_in_category`` on the same entries (reviewed entries
    rank before unreviewed ones, so "rank <= N" picks reviewed entries only).
    """
    score = np.asarray(score, dtype=np.float64).ravel()
    count = np.asarray(count).ravel()
    rank = np.asarray(rank).ravel()
    category = np.asarray(category).ravel()
    reviewed = count > 0
    if rule.kind == "min_score":
        rounded = np.round(score, _TIE_DECIMALS)
        with np.errstate(invalid="ignore"):
            return reviewed & (rounded >= round(float(rule.value), _TIE_DECIMALS))
    if rule.kind == "top_n":
        return reviewed & (rank <= int(rule.value))
    _, cat_idx = np.unique(category, return_inverse=True)
    n_reviewed = np.bincount(cat_idx, weights=reviewed.astype(np.float64))
    # subtract a hair before ceil: 0.3 * 10 == 3.0000000000000004 must give 3, not 4
    quota = np.ceil(float(rule.value) * n_reviewed - 1e-9).astype(np.int64)
    return reviewed & (rank <= quota[cat_idx])


def award_tiers(rank: np.ndarray, count: np.ndarray, tiers: Mapping[str, int]) -> np.ndarray:
    """Award tier name per entry from its rank in its category; None for no award.

    ``tiers`` maps tier names to *cumulative* counts, in award order, e.g.
    ``{"first": 1, "second": 3, "third": 5, "excellent": 10}``: rank 1 -> first,
    ranks 2-3 -> second, 4-5 -> third, 6-10 -> excellent, 11+ -> None.  Entries without
    reviews get None.  Compute ``rank`` over the entries competing for awards (e.g. the
    finalists) only.

    Raises:
        ValueError: counts not strictly increasing positive integers.
    """
    names = list(tiers.keys())
    bounds = np.asarray([tiers[k] for k in names], dtype=np.float64)
    if bounds.size and (
        (bounds <= 0).any() or (np.diff(bounds) <= 0).any() or (bounds != np.round(bounds)).any()
    ):
        raise ValueError("tier counts must be strictly increasing positive integers")
    rank = np.asarray(rank, dtype=np.int64).ravel()
    count = np.asarray(count).ravel()
    # tier index = number of cumulative bounds strictly below the rank
    idx = np.searchsorted(bounds, rank, side="left")
    lookup = np.array(names + [None], dtype=object)
    out = lookup[np.minimum(idx, len(names))]
    out[(count <= 0) | (rank < 1)] = None
    return out
