"""Benchmark: the staff entry list at 100,000 entries (filters, search, ordering, paging, export).

    .venv/bin/python bench/bench_entries_list.py [--entries 100000] [--repeat 30]

Uses its own database (BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/
innovation_bench_a): creates it, migrates, and seeds it once with
``seed_demo --entries N --reviewers 100`` (reused on later runs). Requests go through DRF's
APIClient in this process with token authentication, like a real client. Prints, per scenario:
median and p95 latency, SQL queries per request, rows returned, and the peak Python memory of one
request (tracemalloc, measured in a separate pass so that it does not slow the timed runs).
"""

from __future__ import annotations

import argparse
import statistics
import time
import tracemalloc
from urllib.parse import urlparse

from _setup import ensure_database, percentile, use_bench_database

BENCH_DATABASE_URL = use_bench_database("innovation_bench_a")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--reviewers", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--only", default="", help="run only scenarios whose name contains this")
    args = parser.parse_args()

    ensure_database(BENCH_DATABASE_URL)
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from rest_framework.test import APIClient

    from accounts.models import User
    from accounts.services import api_token_issue
    from projects.models import Contest, Entry

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    call_command("migrate", verbosity=0)
    large = Contest.objects.filter(edition=99).first()
    have = large.entries.count() if large else 0
    if have < args.entries:
        started = time.monotonic()
        call_command(
            "seed_demo", "--entries", str(args.entries), "--reviewers", str(args.reviewers)
        )
        print(f"seed_demo --entries {args.entries}: {time.monotonic() - started:.1f}s")
        large = Contest.objects.get(edition=99)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE projects_entry; ANALYZE projects_teammember;")
    total = Entry.objects.count()
    print(
        f"database: {urlparse(BENCH_DATABASE_URL).path.lstrip('/')}, entries: {total}, "
        f"large contest id {large.pk}"
    )

    staff = User.objects.get(username="union_zhang")
    _, token = api_token_issue(user=staff)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    category = large.categories.order_by("code").first()
    org_id = large.entries.order_by("id").values_list("organisation_id", flat=True).first()
    member = User.objects.filter(username="bench_member").first()
    if member is None:
        from accounts.enums import Role
        from accounts.models import RoleGrant

        member = User.objects.create(username="bench_member", organisation_id=org_id)
        RoleGrant.objects.create(user=member, role=Role.ENTERPRISE)
    member_client = APIClient()
    _, member_token = api_token_issue(user=member)
    member_client.credentials(HTTP_AUTHORIZATION=f"Token {member_token}")
    some_entry = large.entries.order_by("-id").values_list("pk", flat=True).first()

    c = large.pk
    scenarios = [
        ("contest, page 1 (20 rows)", client, f"/api/v1/entries/?contest={c}"),
        ("contest, page_size=100", client, f"/api/v1/entries/?contest={c}&page_size=100"),
        (
            "contest+category+state",
            client,
            f"/api/v1/entries/?contest={c}&category={category.pk}&state=submitted",
        ),
        ("contest+district", client, f"/api/v1/entries/?contest={c}&district=fangxian"),
        ("order by -submitted_at", client, f"/api/v1/entries/?contest={c}&ordering=-submitted_at"),
        ("order by title", client, f"/api/v1/entries/?contest={c}&ordering=title"),
        (
            "submitted date range",
            client,
            f"/api/v1/entries/?contest={c}&submitted_after=2025-04-01T00:00:00%2B08:00"
            "&submitted_before=2025-04-08T00:00:00%2B08:00",
        ),
        ("search q=水轮发电机组 (5 chars)", client, f"/api/v1/entries/?contest={c}&q=水轮发电机组"),
        ("search q=发动机 (3 chars)", client, f"/api/v1/entries/?contest={c}&q=发动机"),
        ("search q=电池 (2 chars)", client, f"/api/v1/entries/?contest={c}&q=电池"),
        ("search q=000123 (rare)", client, "/api/v1/entries/?q=000123"),
        ("deep page 1000", client, f"/api/v1/entries/?contest={c}&page=1000"),
        ("deep page 4000 (near the end)", client, f"/api/v1/entries/?contest={c}&page=4000"),
        (
            "deep page 1000, order by title",
            client,
            f"/api/v1/entries/?contest={c}&ordering=title&page=1000",
        ),
        (
            "deep page 200, contest+district",
            client,
            f"/api/v1/entries/?contest={c}&district=fangxian&page=200",
        ),
        ("enterprise member list", member_client, "/api/v1/entries/"),
        ("entry detail", client, f"/api/v1/entries/{some_entry}/"),
        (
            "CSV export (category+district)",
            client,
            f"/api/v1/entries/export/?file_format=csv&contest={c}&category={category.pk}&district=fangxian",
        ),
        (
            "XLSX export (category+district)",
            client,
            f"/api/v1/entries/export/?file_format=xlsx&contest={c}&category={category.pk}&district=fangxian",
        ),
    ]

    def fetch(api, url):
        response = api.get(url)
        assert response.status_code == 200, (
            url,
            response.status_code,
            getattr(response, "data", ""),
        )
        if response.streaming:
            body = b"".join(response.streaming_content)
            rows = body.count(b"\n") - 1
        elif response["Content-Type"].startswith("application/json"):
            data = response.json()
            rows = len(data["results"]) if "results" in data else 1
        else:
            rows = -1  # xlsx
        return rows

    header = f"{'scenario':<36} {'median ms':>9} {'p95 ms':>8} {'queries':>7} {'rows':>6} {'peak MiB':>8}"
    print(header)
    print("-" * len(header))
    for name, api, url in scenarios:
        if args.only and args.only not in name:
            continue
        repeat = max(3, args.repeat // 5) if "export" in name else args.repeat
        for _ in range(2):
            fetch(api, url)
        timings = []
        for _ in range(repeat):
            started = time.perf_counter()
            rows = fetch(api, url)
            timings.append((time.perf_counter() - started) * 1000)
        executed: list[str] = []

        def count(run, sql, *rest, executed=executed):
            executed.append(sql)
            return run(sql, *rest)

        with connection.execute_wrapper(count):
            fetch(api, url)
        tracemalloc.start()
        fetch(api, url)
        peak = tracemalloc.get_traced_memory()[1] / (1024 * 1024)
        tracemalloc.stop()
        print(
            f"{name:<36} {statistics.median(timings):>9.1f} {percentile(timings, 0.95):>8.1f} "
            f"{len(executed):>7} {rows:>6} {peak:>8.1f}"
        )


if __name__ == "__main__":
    main()
