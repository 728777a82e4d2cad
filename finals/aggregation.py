"""The score of one finalist on the spot, and the running ranking (pure, no Django).

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

from reviews.scoring import TRIM_MIN_REVIEWS

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


def running_ranking(rows: list[tuple[int, Decimal | None, int]]) -> list[Standing]:
    """(entry id, final score, presentation position) of the revealed finalists -> the ranking,
    highest first; equal scores share a rank (1, 1, 3), listed in presentation order."""
    scored = sorted(
        ((final, position, entry) for entry, final, position in rows if final is not None),
        key=lambda x: (-x[0], x[1]),
    )
    out: list[Standing] = []
    for i, (final, _, entry) in enumerate(scored):
        rank = out[-1].rank if out and out[-1].final == final else i + 1
        out.append(Standing(rank=rank, entry=entry, final=final))
    return out
