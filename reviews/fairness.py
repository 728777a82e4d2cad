"""The fairness lab: statistics about how a round's reviewers scored, as pure functions over
numpy arrays (no Django, no database). ``reviews.selectors.round_fairness`` loads a round into
arrays and calls them; the console page and the API show what they return.

Rows are reviews: parallel arrays ``entry`` (entry index ``0..n_entries-1``), ``reviewer``
(reviewer index ``0..n_reviewers-1``) and ``total`` (the review's weighted total, 0..max_total).

What is measured, and why these measures:

- ``compare_methods``: the ranking within each category under every aggregation method of
  ``reviews.scoring`` and how many places each entry moves against the round's chosen method.
  Ranks use the same tie-break rule as the real results, so the chosen method's column is the
  published ranking.
- ``reviewer_leniency``: per reviewer, their mean total and the mean and spread of their
  *offset* — the difference between their total and the mean of the other reviewers of the same
  entry. The offset compares like with like (the same entries), so a reviewer who drew weak
  entries does not look harsh. Entries the reviewer scored alone are not compared.
- ``icc_oneway``: agreement between reviewers as the one-way random-effects intraclass
  correlation ICC(1) and its average-measures form ICC(1,k) (Shrout & Fleiss 1979; the
  unbalanced form with ``n0``, McGraw & Wong 1996). Each entry is scored by a *different* set of
  reviewers, which is the design ICC(1) is made for; Kendall's W needs every reviewer to rank
  every entry, which a round with k of hundreds of reviewers per entry never has.
- ``disagreements``: the entries whose reviewers disagree most, measured by the range
  (highest minus lowest total, in points) — staff read "the reviewers are 30 points apart" at
  once — with the sample standard deviation alongside.
- ``score_histogram`` and ``cut_line``: the score distribution of a category and the lowest
  score that advanced.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from reviews import scoring


def _rows(entry, reviewer, total, n_entries: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    entry = np.asarray(entry, dtype=np.int64).ravel()
    reviewer = np.asarray(reviewer, dtype=np.int64).ravel()
    total = np.asarray(total, dtype=np.float64).ravel()
    if not (entry.shape == reviewer.shape == total.shape):
        raise ValueError("entry, reviewer and total must have the same length")
    if entry.size and (entry.min() < 0 or entry.max() >= n_entries):
        raise ValueError("entry index out of range")
    if reviewer.size and reviewer.min() < 0:
        raise ValueError("reviewer index out of range")
    if not np.isfinite(total).all():
        raise ValueError("total scores must be finite")
    return entry, reviewer, total


# ----------------------------------------------------------------------- method comparison


@dataclass(frozen=True, eq=False)
class MethodComparison:
    """Rankings of the same entries under each method.

    Attributes:
        methods: the methods compared, in order.
        chosen: the round's method (the reference for ``moves``).
        scores: method -> (n_entries,) aggregate scores (NaN = no reviews).
        ranks: method -> (n_entries,) rank within the category (1 = best).
        moves: method -> (n_entries,) ``rank_chosen - rank_method``: positive means the entry
            would stand that many places *higher* under the method than it does now.
        max_move: (n_entries,) the largest absolute move over all methods.
    """

    methods: tuple[str, ...]
    chosen: str
    scores: dict[str, np.ndarray]
    ranks: dict[str, np.ndarray]
    moves: dict[str, np.ndarray]
    max_move: np.ndarray


def compare_methods(
    entry,
    reviewer,
    total,
    *,
    n_entries: int,
    max_total: float,
    category,
    submitted_at,
    entry_id,
    chosen: str,
    methods: Sequence[str] = scoring.METHODS,
) -> MethodComparison:
    """Rank the entries of every category under each method (same tie-break rule as the
    results; without the criterion tie-break, which does not depend on the method)."""
    if chosen not in methods:
        raise ValueError(f"chosen method {chosen!r} is not among {tuple(methods)}")
    entry, reviewer, total = _rows(entry, reviewer, total, n_entries)
    scores, ranks = {}, {}
    for method in methods:
        agg = scoring.aggregate(entry, reviewer, total, n_entries, max_total, method)
        scores[method] = agg.score
        ranks[method] = scoring.rank_in_category(
            agg.score, agg.median_raw, category, submitted_at, entry_id
        )
    moves = {m: ranks[chosen] - ranks[m] for m in methods}
    max_move = (
        np.max(np.abs(np.stack([moves[m] for m in methods])), axis=0)
        if n_entries
        else np.zeros(0, dtype=np.int64)
    )
    return MethodComparison(
        methods=tuple(methods),
        chosen=chosen,
        scores=scores,
        ranks=ranks,
        moves=moves,
        max_move=max_move,
    )


# ----------------------------------------------------------------------------- leniency


@dataclass(frozen=True, eq=False)
class Leniency:
    """Per reviewer (index ``0..n_reviewers-1``).

    Attributes:
        n_reviews: reviews by the reviewer.
        mean: mean of their totals (NaN without reviews).
        n_compared: their reviews of entries that somebody else scored too.
        offset: mean of (their total - mean of the other reviewers' totals on that entry);
            > 0 lenient, < 0 harsh; NaN when nothing could be compared.
        offset_std: population standard deviation of those differences (NaN when none).
    """

    n_reviews: np.ndarray
    mean: np.ndarray
    n_compared: np.ndarray
    offset: np.ndarray
    offset_std: np.ndarray


def reviewer_leniency(entry, reviewer, total, *, n_entries: int, n_reviewers: int) -> Leniency:
    """Each reviewer's mean and their offset against the others on the same entries."""
    entry, reviewer, total = _rows(entry, reviewer, total, n_entries)
    if reviewer.size and reviewer.max() >= n_reviewers:
        raise ValueError("reviewer index out of range")
    count = np.bincount(entry, minlength=n_entries)
    sums = np.bincount(entry, weights=total, minlength=n_entries)
    n_reviews = np.bincount(reviewer, minlength=n_reviewers)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.bincount(reviewer, weights=total, minlength=n_reviewers) / n_reviews
        others = count[entry] - 1
        shared = others > 0
        diff = total[shared] - (sums[entry][shared] - total[shared]) / others[shared]
        who = reviewer[shared]
        n_compared = np.bincount(who, minlength=n_reviewers)
        offset = np.bincount(who, weights=diff, minlength=n_reviewers) / n_compared
        sq = np.bincount(who, weights=diff * diff, minlength=n_reviewers) / n_compared
        offset_std = np.sqrt(np.maximum(sq - offset * offset, 0.0))
    mean = np.where(n_reviews > 0, mean, np.nan)
    offset = np.where(n_compared > 0, offset, np.nan)
    offset_std = np.where(n_compared > 0, offset_std, np.nan)
    return Leniency(
        n_reviews=n_reviews,
        mean=mean,
        n_compared=n_compared,
        offset=offset,
        offset_std=offset_std,
    )


# ---------------------------------------------------------------------------- agreement


@dataclass(frozen=True)
class Agreement:
    """One-way random-effects ICC over the entries with at least two reviews.

    ``icc1`` is the reliability of a single reviewer's score, ``icc1k`` that of the mean of
    ``n0`` reviewers (the typical number per entry). Both NaN when fewer than two entries have
    two reviews or the scores do not vary at all. Values may be negative (less agreement
    than chance); 0.75 and above is commonly read as good agreement.
    """

    n_entries: int
    n_reviews: int
    n0: float
    icc1: float
    icc1k: float


def icc_oneway(entry, total, *, n_entries: int) -> Agreement:
    """ICC(1) and ICC(1,k) of the reviews of entries reviewed at least twice."""
    entry = np.asarray(entry, dtype=np.int64).ravel()
    total = np.asarray(total, dtype=np.float64).ravel()
    if entry.shape != total.shape:
        raise ValueError("entry and total must have the same length")
    if entry.size and (entry.min() < 0 or entry.max() >= n_entries):
        raise ValueError("entry index out of range")
    count = np.bincount(entry, minlength=n_entries)
    keep = count[entry] >= 2
    entry, total = entry[keep], total[keep]
    groups = np.flatnonzero(count >= 2)
    a, n = len(groups), int(entry.size)
    if a < 2:
        return Agreement(
            n_entries=a, n_reviews=n, n0=float("nan"), icc1=float("nan"), icc1k=float("nan")
        )
    ni = count[groups].astype(np.float64)
    means = np.bincount(entry, weights=total, minlength=n_entries)[groups] / ni
    grand = total.mean()
    msb = float((ni * (means - grand) ** 2).sum() / (a - 1))
    resid = (
        total
        - (np.bincount(entry, weights=total, minlength=n_entries) / np.maximum(count, 1))[entry]
    )
    msw = float((resid**2).sum() / (n - a))
    n0 = float((n - (ni**2).sum() / n) / (a - 1))
    denom1 = msb + (n0 - 1.0) * msw
    icc1 = (msb - msw) / denom1 if denom1 > 0 else float("nan")
    icc1k = (msb - msw) / msb if msb > 0 else float("nan")
    return Agreement(n_entries=a, n_reviews=n, n0=n0, icc1=float(icc1), icc1k=float(icc1k))


# ------------------------------------------------------------------------- disagreement


@dataclass(frozen=True, eq=False)
class Spread:
    """Per entry: number of reviews, lowest, highest, range (highest - lowest) and the sample
    standard deviation (ddof=1) of its totals; NaN where the entry has fewer than two reviews
    (range and std) or none (lowest and highest)."""

    count: np.ndarray
    low: np.ndarray
    high: np.ndarray
    range: np.ndarray
    std: np.ndarray


def entry_spread(entry, total, *, n_entries: int) -> Spread:
    entry = np.asarray(entry, dtype=np.int64).ravel()
    total = np.asarray(total, dtype=np.float64).ravel()
    if entry.shape != total.shape:
        raise ValueError("entry and total must have the same length")
    if entry.size and (entry.min() < 0 or entry.max() >= n_entries):
        raise ValueError("entry index out of range")
    count = np.bincount(entry, minlength=n_entries)
    low = np.full(n_entries, np.inf)
    high = np.full(n_entries, -np.inf)
    np.minimum.at(low, entry, total)
    np.maximum.at(high, entry, total)
    has = count > 0
    low = np.where(has, low, np.nan)
    high = np.where(has, high, np.nan)
    sums = np.bincount(entry, weights=total, minlength=n_entries)
    sq = np.bincount(entry, weights=total * total, minlength=n_entries)
    two = count >= 2
    with np.errstate(invalid="ignore", divide="ignore"):
        var = (sq - sums * sums / np.maximum(count, 1)) / (count - 1)
    std = np.where(two, np.sqrt(np.maximum(var, 0.0)), np.nan)
    rng = np.where(two, high - low, np.nan)
    return Spread(count=count, low=low, high=high, range=rng, std=std)


def disagreements(spread: Spread, *, threshold: float, limit: int | None = None) -> np.ndarray:
    """Indices of the entries whose range is strictly above ``threshold`` points, widest first
    (ties: lower index first); at most ``limit`` of them."""
    rng = np.where(np.isnan(spread.range), -np.inf, spread.range)
    hit = np.flatnonzero(rng > threshold)
    order = hit[np.lexsort((hit, -rng[hit]))]
    return order if limit is None else order[:limit]


# ------------------------------------------------------------------------- distribution


def score_histogram(score, *, max_total: float, bins: int = 20) -> tuple[np.ndarray, np.ndarray]:
    """Counts of the (non-NaN) scores in ``bins`` equal bins over ``[0, max_total]`` (the last
    bin includes ``max_total``) and the ``bins + 1`` edges."""
    if bins < 1:
        raise ValueError("bins must be at least 1")
    score = np.asarray(score, dtype=np.float64).ravel()
    score = score[~np.isnan(score)]
    edges = np.linspace(0.0, float(max_total), bins + 1)
    counts, _ = np.histogram(np.clip(score, 0.0, float(max_total)), bins=edges)
    return counts.astype(np.int64), edges


def cut_line(score, advanced) -> float:
    """The lowest score among the advancing entries (NaN when none advanced)."""
    score = np.asarray(score, dtype=np.float64).ravel()
    advanced = np.asarray(advanced, dtype=bool).ravel()
    if score.shape != advanced.shape:
        raise ValueError("score and advanced must have the same length")
    picked = score[advanced & ~np.isnan(score)]
    return float(picked.min()) if picked.size else float("nan")
