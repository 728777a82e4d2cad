"""Benchmark: the round scoreboard API and the round exports at 100,000 results.

    .venv/bin/python bench/bench_round_results_api.py [--round ID] [--repeat 20]

Reads the database of bench/bench_review_results.py (BENCH_DATABASE_URL, default
postgres://postgres@127.0.0.1:5432/innovation_bench_b; run that script first so that it holds a
finalized round of 100,000 entries). Adds a union-staff user ``bench_staff`` if missing, then sends
requests through DRF's APIClient with token authentication and prints median and p95 latency,
queries per request and the response size. Figures only, no assertion.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["DATABASE_URL"] = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/innovation_bench_b"
)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
os.environ["DJANGO_DEBUG"] = "0"
os.environ.setdefault("VAR_DIR", str(ROOT / "var" / "bench"))
(ROOT / "var" / "bench" / "static").mkdir(parents=True, exist_ok=True)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--round", type=int, default=None, help="default: the largest round")
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--only", default="", help="run only scenarios whose name contains this")
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.db.models import Count
    from rest_framework.test import APIClient

    from accounts.enums import Role
    from accounts.models import RoleGrant, User
    from accounts.services import api_token_issue
    from reviews.models import Round

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    rounds = Round.objects.annotate(n=Count("round_entries")).order_by("-n", "pk")
    round_ = rounds.get(pk=args.round) if args.round else rounds.first()
    staff, created = User.objects.get_or_create(username="bench_staff")
    if created:
        RoleGrant.objects.create(user=staff, role=Role.UNION_STAFF)
    _, token = api_token_issue(user=staff)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    print(f"round {round_.pk}: {round_.n} results")

    base = f"/api/v1/review-rounds/{round_.pk}"
    scenarios = [
        ("results page 1", f"{base}/results/"),
        ("results page_size=100", f"{base}/results/?page_size=100"),
        ("results page 1000", f"{base}/results/?page=1000"),
        ("results page 4900 (near the end)", f"{base}/results/?page=4900"),
        ("export scoreboard CSV", f"{base}/export/scoreboard/?file_format=csv"),
        ("export scoreboard XLSX", f"{base}/export/scoreboard/?file_format=xlsx"),
    ]
    header = f"{'scenario':<34} {'median ms':>9} {'p95 ms':>8} {'queries':>7} {'KiB':>8}"
    print(header)
    print("-" * len(header))
    for name, url in scenarios:
        if args.only and args.only not in name:
            continue
        repeat = 3 if "export" in name else args.repeat
        client.get(url)
        timings, size = [], 0
        for _ in range(repeat):
            started = time.perf_counter()
            response = client.get(url)
            timings.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, (url, response.status_code)
            size = len(response.content)
        executed: list[str] = []

        def count(run, sql, *rest, executed=executed):
            executed.append(sql)
            return run(sql, *rest)

        with connection.execute_wrapper(count):
            client.get(url)
        print(
            f"{name:<34} {statistics.median(timings):>9.1f} {percentile(timings, 0.95):>8.1f} "
            f"{len(executed):>7} {size / 1024:>8.0f}"
        )


if __name__ == "__main__":
    main()
