"""Benchmark: the union staff console's pages at 100,000 entries (server time and queries).

    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/innov_console_bench \
        .venv/bin/python bench/bench_console_pages.py [--round ID] [--repeat 5]

Reads a database prepared by bench/bench_review_results.py (a round of 100,000 entries with k
submitted reviews each; run it first with the same DATABASE_URL and ``--entries 100000``). Signs a
union-staff user ``bench_staff`` in with Django's test client and times the console pages:
the entry list (first page, a deep page, a keyword search, a sort), the round overview, the
results scoreboard, the fairness lab and the assignment summary. Prints median and max
milliseconds and the number of queries per page. Figures only, no assertion.
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
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/innov_console_bench"
)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
os.environ["DJANGO_DEBUG"] = "0"
os.environ.setdefault("VAR_DIR", str(ROOT / "var" / "bench"))
(ROOT / "var" / "bench" / "static").mkdir(parents=True, exist_ok=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--round", type=int, default=None, help="default: the largest round")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.db.models import Count
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from accounts.enums import Role
    from accounts.models import RoleGrant, User
    from reviews.models import Round

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    rounds = Round.objects.annotate(n=Count("round_entries")).order_by("-n", "pk")
    round_ = rounds.get(pk=args.round) if args.round else rounds.first()
    staff, _ = User.objects.get_or_create(username="bench_staff")
    RoleGrant.objects.get_or_create(user=staff, role=Role.UNION_STAFF)
    client = Client()
    client.force_login(staff)
    n = round_.round_entries.count()
    title_word = round_.round_entries.first().entry.title[:4]
    pages = {
        "entries, page 1": "/console/entries/",
        "entries, page 1000": "/console/entries/?page=1000",
        "entries, keyword": f"/console/entries/?q={title_word}",
        "entries, by title": "/console/entries/?sort=title",
        "round overview": f"/console/rounds/{round_.pk}/",
        "results, page 1": f"/console/rounds/{round_.pk}/results/",
        "results, page 1000": f"/console/rounds/{round_.pk}/results/?page=1000",
        "fairness lab": f"/console/rounds/{round_.pk}/fairness/",
        "assignment summary": f"/console/rounds/{round_.pk}/assignment/",
    }
    print(f"round {round_.pk}: {n} entries, {round_.reviews.count()} reviews")
    print(f"{'page':<22}{'median ms':>10}{'max ms':>10}{'queries':>9}{'status':>8}")
    for name, url in pages.items():
        times, queries, status = [], 0, None
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - t0) * 1000)
        # counted apart: the capture's debug cursor renders every statement, time not timed
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        queries, status = len(ctx.captured_queries), response.status_code
        print(
            f"{name:<22}{statistics.median(times):>10.0f}{max(times):>10.0f}{queries:>9}{status:>8}"
        )


if __name__ == "__main__":
    main()
