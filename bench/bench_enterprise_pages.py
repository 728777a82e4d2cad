"""Benchmark: the enterprise dashboard and entry list pages at 100,000 entries.

    .venv/bin/python bench/bench_enterprise_pages.py [--entries 100000] [--repeat 30]

Uses its own database (BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/
innovation_bench_web): creates it, migrates, seeds it once with ``seed_demo --entries N`` (reused
on later runs). Requests go through Django's test Client in this process, signed in as a demo
enterprise member, and as a member of the organisation with the most entries. Prints per page:
median and p95 server time and SQL queries per request (the same count whatever N: the pages
read a bounded slice through the selectors).
"""

from __future__ import annotations

import argparse
import statistics
import time

from _setup import ensure_database, percentile, use_bench_database

BENCH_DATABASE_URL = use_bench_database("innovation_bench_web")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()

    ensure_database(BENCH_DATABASE_URL)
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Count
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from accounts.enums import Role
    from accounts.models import RoleGrant, User
    from projects.models import Entry

    # The test Client's host; production-like settings (DEBUG off) would refuse it with a 400.
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    call_command("migrate", verbosity=0)
    if Entry.objects.count() < args.entries:
        print(f"seeding {args.entries} entries (once)...")
        started = time.perf_counter()
        call_command("seed_demo", entries=args.entries, reviewers=100, verbosity=0)
        print(f"  seeded in {time.perf_counter() - started:.0f} s")
    total = Entry.objects.count()
    biggest = Entry.objects.values("organisation").annotate(n=Count("pk")).order_by("-n").first()
    heavy, _ = User.objects.get_or_create(
        username="bench_heavy_member", defaults={"organisation_id": biggest["organisation"]}
    )
    RoleGrant.objects.get_or_create(user=heavy, role=Role.ENTERPRISE)
    members = [
        ("dongfeng", User.objects.get(username="dongfeng")),
        (f"largest organisation ({biggest['n']} entries)", heavy),
    ]
    print(f"{total} entries in the database")
    pages = ["/enterprise/", "/enterprise/entries/", "/enterprise/entries/?page=2"]
    for label, user in members:
        client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
        client.force_login(user)
        for path in pages:
            for _ in range(3):
                client.get(path)  # warm up
            times = []
            for _ in range(args.repeat):
                started = time.perf_counter()
                response = client.get(path)
                times.append((time.perf_counter() - started) * 1000)
                assert response.status_code == 200, (path, response.status_code)
            with CaptureQueriesContext(connection) as ctx:
                client.get(path)
            print(
                f"{label:40} {path:30} median {statistics.median(times):6.1f} ms"
                f"  p95 {percentile(times, 0.95):6.1f} ms  queries {len(ctx.captured_queries)}"
            )


if __name__ == "__main__":
    main()
