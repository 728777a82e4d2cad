"""Benchmark reviews.assignment on synthetic contest rounds (prints figures, asserts nothing).

Instances: by default ``contest_instance`` (the side-by-side comparison's family: category tag
weight 3 + keyword tags, Zipf-sized organisations, 5 % declared conflicts, loads
[floor(mean) - 1, ceil(1.25 mean)]; ``--tight``: every load the mean); ``--family random`` for
``random_instance`` (k=5, 5 % conflicts, 300 tags, loads mean -/+ spread). Each pruned solve is
priced (``prove_optimal``): the bench prints the proof — certified or not, flow solves (rounds),
pairs priced, pairs added back, entries read again in full, pricing seconds.

* ``10k``:  10,000 entries x 1,000 reviewers.  Also solved on the *complete* graph (every
  eligible pair, ~9.5 M arcs): that is the exact optimum of the full problem, so the bench
  prints the true gap of the pruned solve.  (A scipy MILP over 9.5 M binaries is far
  beyond what HiGHS handles in reasonable time/memory, the complete min-cost flow is the
  exact method used instead.)
* ``100k``: 100,000 entries x 5,000 reviewers; the full graph (5e8 pairs) is out of reach,
  so the bench prints the gap to the proven upper bound.

Each measurement runs in a fresh child process so that the peak resident memory
(``ru_maxrss``) belongs to that run alone.

    python bench/bench_assignment.py                 # both sizes
    python bench/bench_assignment.py --size 100k     # one size
    python bench/bench_assignment.py --no-exact      # skip the complete-graph solve
    python bench/bench_assignment.py --size 10k --tags 30 --load-spread 0   # hard regime
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

SIZES = {"10k": (10_000, 1_000), "100k": (100_000, 5_000)}


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0  # KiB on Linux


def run_one(size: str, mode: str, args: argparse.Namespace) -> dict:
    """One solve in this process; returns the figures as a dict."""
    import numpy as np

    from reviews.assignment import assign, check_assignment
    from reviews.assignment.oracles import contest_instance, random_instance

    n_e, n_r = SIZES[size]
    t = time.perf_counter()
    if args.family == "contest":
        problem = contest_instance(
            n_e,
            n_r,
            args.k,
            args.seed,
            tight_loads=args.tight,
            same_employer_limit=args.same_employer,
            n_tags=args.tags,
        )
    else:
        problem = random_instance(
            n_e,
            n_r,
            args.k,
            args.conflict_rate,
            args.tags,
            args.seed,
            load_spread=args.load_spread,
            same_employer_limit=args.same_employer,
        )
    gen_s = time.perf_counter() - t
    rss_before = _rss_mb()
    m = n_r if mode == "complete" else args.candidates
    t = time.perf_counter()
    res = assign(
        problem, candidates_per_entry=m, seed=args.seed, time_budget_seconds=args.time_budget
    )
    wall = time.perf_counter() - t
    peak = _rss_mb()
    t = time.perf_counter()
    violations = check_assignment(problem, res.pairs)
    check_s = time.perf_counter() - t
    loads = res.loads
    proof = res.pricing
    return {
        "certified": res.certified_optimal,
        "rounds": proof.rounds if proof else 1,
        "pairs_priced": proof.pairs_priced if proof else 0,
        "pairs_added": proof.pairs_added if proof else 0,
        "rescanned": proof.entries_rescanned if proof else 0,
        "pricing_s": proof.pricing_seconds if proof else 0.0,
        "negative_left": proof.negative_left if proof else 0,
        "pass_complete": proof.last_pass_complete if proof else True,
        "sum_sq": res.sum_squared_loads,
        "size": size,
        "mode": mode,
        "entries": n_e,
        "reviewers": n_r,
        "generate_s": gen_s,
        "build_s": res.build_seconds,
        "solve_s": res.solve_seconds,
        "wall_s": wall,
        "check_s": check_s,
        "rss_before_mb": rss_before,
        "peak_rss_mb": peak,
        "total_affinity": res.total_affinity,
        "upper_bound": res.upper_bound,
        "gap_pct": res.gap_percent,
        "complete": res.complete_graph,
        "attempts": res.attempts,
        "candidate_pairs": res.n_candidate_pairs,
        "arcs": res.n_arcs,
        "load_min": int(loads.min()),
        "load_max": int(loads.max()),
        "load_mean": float(loads.mean()),
        "load_std": float(np.std(loads)),
        "min_load": int(problem.min_load.min()),
        "max_load": int(problem.max_load.max()),
        "violations": len(violations),
    }


def child(size: str, mode: str, args: argparse.Namespace) -> dict:
    cmd = (
        [
            sys.executable,
            __file__,
            "--child",
            mode,
            "--size",
            size,
            "--seed",
            str(args.seed),
            "--k",
            str(args.k),
            "--conflict-rate",
            str(args.conflict_rate),
            "--tags",
            str(args.tags),
            "--candidates",
            str(args.candidates if args.candidates is not None else -1),
            "--load-spread",
            str(args.load_spread),
            "--family",
            args.family,
            "--time-budget",
            str(args.time_budget),
        ]
        + (["--same-employer"] if args.same_employer else [])
        + (["--tight"] if args.tight else [])
    )
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def report(r: dict) -> None:
    print(
        f"  mode={r['mode']:<8} build {r['build_s']:6.2f} s   solve {r['solve_s']:6.2f} s   "
        f"wall {r['wall_s']:6.2f} s   peak RSS {r['peak_rss_mb']:7.0f} MB "
        f"(after generating the instance {r['rss_before_mb']:.0f} MB)"
    )
    print(
        f"    arcs {r['arcs']:,} (entry-reviewer {r['candidate_pairs']:,}), "
        f"attempts {r['attempts']}, complete graph {r['complete']}"
    )
    print(
        f"    total affinity {r['total_affinity']:,}   upper bound {r['upper_bound']:,}   "
        f"gap {r['gap_pct']:.4f} %   sum(load^2) {r['sum_sq']:,}"
    )
    print(
        f"    proof: {'CERTIFIED OPTIMAL' if r['certified'] else 'not certified'} — "
        f"{r['rounds']} flow solve(s), {r['pairs_priced']:,} pairs priced, "
        f"{r['pairs_added']:,} pairs added back, {r['rescanned']:,} entries re-read in full, "
        f"pricing {r['pricing_s']:.2f} s"
        + (
            f", {r['negative_left']:,} pairs still negative when the time budget ended"
            + ("" if r.get("pass_complete", True) else " (that pass was cut short)")
            if r.get("negative_left") or not r.get("pass_complete", True)
            else ""
        )
    )
    print(
        f"    load min/max/mean/std {r['load_min']}/{r['load_max']}/{r['load_mean']:.1f}/"
        f"{r['load_std']:.2f} (bounds {r['min_load']}..{r['max_load']})   "
        f"violations {r['violations']} (check {r['check_s']:.2f} s)"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--size", choices=["10k", "100k", "both"], default="both")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--k", type=int, default=5)
    ap.add_argument("--conflict-rate", type=float, default=0.05)
    ap.add_argument("--tags", type=int, default=300)
    ap.add_argument("--candidates", type=int, default=None, help="candidates per entry")
    ap.add_argument(
        "--load-spread",
        type=float,
        default=0.4,
        help="min/max load = (1 -/+ spread) * mean load; small values make loads tight",
    )
    ap.add_argument("--same-employer", action="store_true", help="at most 1 per employer")
    ap.add_argument("--family", choices=["contest", "random"], default="contest")
    ap.add_argument("--tight", action="store_true", help="contest family: min = max load")
    ap.add_argument("--no-exact", action="store_true", help="skip the complete-graph solve")
    ap.add_argument(
        "--time-budget",
        type=float,
        default=40.0,
        help="assign()'s time_budget_seconds (40, the product's default): no pricing block or "
        "solve starts after it",
    )
    ap.add_argument("--child", choices=["pruned", "complete"], help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.candidates is not None and args.candidates < 0:
        args.candidates = None
    if args.child:
        print(json.dumps(run_one(args.size, args.child, args)))
        return
    sizes = ["10k", "100k"] if args.size == "both" else [args.size]
    for size in sizes:
        n_e, n_r = SIZES[size]
        print(
            f"{size}: {n_e:,} entries x {n_r:,} reviewers, k={args.k}, "
            f"{args.tags} tags, instances {args.family}"
            + (
                f" (loads {'min = max' if args.tight else '[floor(mean)-1, ceil(1.25 mean)]'})"
                if args.family == "contest"
                else f" ({args.conflict_rate:.0%} conflicts, load spread {args.load_spread})"
            )
            + f", same-employer limit {args.same_employer}, seed {args.seed}"
        )
        pruned = child(size, "pruned", args)
        print(f"  instance generated in {pruned['generate_s']:.2f} s")
        report(pruned)
        if size == "10k" and not args.no_exact:
            exact = child(size, "complete", args)
            report(exact)
            opt = exact["total_affinity"]
            gap = 100.0 * (opt - pruned["total_affinity"]) / opt if opt else 0.0
            same = (pruned["total_affinity"], pruned["sum_sq"]) == (opt, exact["sum_sq"])
            print(
                f"  dense optimum (complete graph) {opt:,}: priced solve is {gap:.4f} % below"
                f" ({'the same affinity and loads' if same else 'DIFFERENT'}); "
                f"combinatorial bound {pruned['upper_bound']:,} is "
                f"{100.0 * (pruned['upper_bound'] - opt) / opt if opt else 0.0:.4f} % above"
            )
        print()


if __name__ == "__main__":
    main()
