"""The score of one finalist on the spot, and the running ranking (pure, no Django; the
ranking rule itself is ``reviews.scoring``'s).

The round's aggregation method decides: ``trimmed_mean`` drops one highest and one lowest total
once there are ``reviews.scoring.TRIM_MIN_REVIEWS`` (5) totals, as the rounds' own aggregation
does (去掉一个最高分和一个最低分); ``mean``; ``median``. A live final has no per-reviewer history,
so ``zscore`` falls back to the trimmed mean. Blanked members (回避) and members who gave no score
are left out before anything is dropped. Unlike ``reviews.scoring.aggregate`` this says *which*
totals were dropped, because the big screen marks them.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

import numpy as np

from reviews.scoring import TRIM_MIN_REVIEWS, aggregate, rank_in_category

_PLACES = Decimal("0.001")


@dataclass(frozen=True)
class Mark:
    seat: int
    total: Decimal | None  # None: no score given
    blanked: bool = False


@dataclass(frozen=True)
class LiveResult:
    final: Decimal | None
    counted: tuple[int, ...]  # seats whose totals count
    dropped: tuple[int, ...]  # seats whose totals were dropped (highest, lowest)
    method: str

    def as_data(self) -> dict:
        return {
            "final": None if self.final is None else str(self.final),
            "counted": list(self.counted),
            "dropped": list(self.dropped),
            "method": self.method,
        }


def live_result(marks: list[Mark], method: str) -> LiveResult:
    """Aggregate the members' totals of one finalist. Ties between equal highest (lowest) totals
    drop the one of the highest (lowest) seat number, so the result never depends on order."""
    method = "trimmed_mean" if method == "zscore" else method
    scored = sorted(
        ((m.total, m.seat) for m in marks if m.total is not None and not m.blanked),
    )
    if not scored:
        return LiveResult(final=None, counted=(), dropped=(), method=method)
    dropped: tuple[int, ...] = ()
    kept = scored
    if method == "trimmed_mean" and len(scored) >= TRIM_MIN_REVIEWS:
        dropped = (scored[-1][1], scored[0][1])
        kept = scored[1:-1]
    values = [t for t, _ in kept]
    if method == "median":
        n = len(values)
        final = (values[(n - 1) // 2] + values[n // 2]) / 2
    elif method in ("mean", "trimmed_mean"):
        final = sum(values, Decimal("0")) / len(values)
    else:
        raise ValueError(f"unknown method {method!r}")
    return LiveResult(
        final=final.quantize(_PLACES, rounding=ROUND_HALF_UP),
        counted=tuple(sorted(s for _, s in kept)),
        dropped=dropped,
        method=method,
    )


@dataclass(frozen=True)
class Standing:
    rank: int
    entry: int
    final: Decimal


@dataclass(frozen=True)
class Revealed:
    """One revealed finalist as the ranking needs it: its on-the-spot final score, every total
    its members gave (for the median tie-break), the members' mean per criterion (in the round's
    criterion order) and the entry's submission time (epoch seconds, NaN if unknown)."""

    entry: int
    final: Decimal | None
    totals: tuple[float, ...]
    criterion_means: tuple[float, ...]
    submitted_at: float


def running_ranking(
    rows: list[Revealed], criterion_weights: list[float], method: str
) -> list[Standing]:
    """The revealed finalists ranked, highest first, by the contest's one ranking rule: the
    score of ``reviews.scoring.aggregate`` over the members' totals (at full precision, not the
    three places shown) and then ``rank_in_category`` with its ``TIE_BREAK_RULE`` (median of the
    totals, the highest-weighted criterion, submission time, entry id). So the big screen shows
    the order the final round's results will have once the scores are recorded, every rank
    distinct — never "1, 1"."""
    rows = [r for r in rows if r.final is not None and r.totals]
    if not rows:
        return []
    method = "trimmed_mean" if method == "zscore" else method
    n, width = len(rows), len(criterion_weights)
    entry_index = np.repeat(np.arange(n), [len(r.totals) for r in rows])
    totals = np.asarray([t for r in rows for t in r.totals], dtype=np.float64)
    agg = aggregate(
        entry_index, np.arange(totals.size), totals, n, float(max(totals.max(), 0.0)), method
    )
    means = [
        r.criterion_means if len(r.criterion_means) == width else (np.nan,) * width for r in rows
    ]
    rank = rank_in_category(
        agg.score,
        agg.median_raw,
        np.zeros(n, dtype=np.int64),
        np.asarray([r.submitted_at for r in rows], dtype=np.float64),
        np.asarray([r.entry for r in rows], dtype=np.int64),
        criterion_means=np.asarray(means, dtype=np.float64).reshape(n, width),
        criterion_weights=np.asarray(criterion_weights, dtype=np.float64),
    )
    return sorted(
        (
            Standing(rank=int(k), entry=r.entry, final=r.final)
            for k, r in zip(rank, rows, strict=True)
        ),
        key=lambda st: st.rank,
    )
