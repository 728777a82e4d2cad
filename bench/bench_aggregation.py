"""Benchmark reviews.scoring: 100,000 entries x 5 reviews (1,000 reviewers).

Prints median and 95th-percentile seconds over repeats for every aggregation method and
for ranking / advancement / awards.  Asserts nothing.

    python bench/bench_aggregation.py [--entries 100000] [--reviews 5] [--repeats 15]
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from reviews.scoring import (  # noqa: E402  (path set up above)
    METHODS,
    AdvancementRule,
    aggregate,
    award_tiers,
    rank_in_category,
    select_advancing,
)


def timeit(fn: Callable[[], object], repeats: int) -> tuple[float, float]:
    fn()  # warm-up (first-touch page faults, lazy imports)
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return float(np.median(times)), float(np.percentile(times, 95))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--entries", type=int, default=100_000)
    ap.add_argument("--reviews", type=int, default=5)
    ap.add_argument("--reviewers", type=int, default=1_000)
    ap.add_argument("--criteria", type=int, default=5)
    ap.add_argument("--repeats", type=int, default=15)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    rng = np.random.default_rng(args.seed)
    n, per = args.entries, args.reviews
    max_total = 100.0
    entry = np.repeat(np.arange(n), per)
    reviewer = rng.integers(0, args.reviewers, n * per)
    quality = rng.normal(70, 10, n)
    bias = rng.normal(0, 5, args.reviewers)  # harsh and lenient reviewers
    total = np.clip(quality[entry] + bias[reviewer] + rng.normal(0, 6, n * per), 0, max_total)
    total = np.round(total, 1)
    crit = rng.uniform(0, 20, (n * per, args.criteria))
    category = rng.integers(0, 12, n)
    submitted = rng.uniform(0, 3e6, n)
    ids = rng.permutation(n) + 1
    print(
        f"{n:,} entries x {per} reviews = {n * per:,} rows, {args.reviewers:,} reviewers, "
        f"{args.repeats} repeats (seconds: median / p95)"
    )
    for method in METHODS:
        med, p95 = timeit(
            lambda m=method: aggregate(entry, reviewer, total, n, max_total, m), args.repeats
        )
        print(f"  aggregate {method:<13} {med:8.4f} / {p95:8.4f}")
    agg = aggregate(entry, reviewer, total, n, max_total, "trimmed_mean")
    # The per-entry criterion means as the results step receives them from the database.
    cm = crit.reshape(n, per, args.criteria).mean(axis=1)
    weights = rng.uniform(0, 1, args.criteria)

    def do_rank() -> np.ndarray:
        return rank_in_category(agg.score, agg.median_raw, category, submitted, ids, cm, weights)

    med, p95 = timeit(do_rank, args.repeats)
    print(f"  rank_in_category        {med:8.4f} / {p95:8.4f}")
    rank = do_rank()
    rule = AdvancementRule.top_share(0.3)
    med, p95 = timeit(
        lambda: select_advancing(agg.score, agg.count, category, rank, rule), args.repeats
    )
    print(f"  select_advancing        {med:8.4f} / {p95:8.4f}")
    tiers = {"first": 1, "second": 3, "third": 5, "excellent": 10}
    med, p95 = timeit(lambda: award_tiers(rank, agg.count, tiers), args.repeats)
    print(f"  award_tiers             {med:8.4f} / {p95:8.4f}")


if __name__ == "__main__":
    main()
