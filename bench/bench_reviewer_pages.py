"""Benchmark: the reviewer's workbench at the deadline rush — server time and queries of the
queue page, the scoring page, an htmx autosave and a submit.

    .venv/bin/python bench/bench_reviewer_pages.py [--entries 2000] [--repeat 30]

Uses its own database (BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/
innov_reviewer_bench): creates it, migrates, seeds it once with ``seed_demo`` (which leaves an
open round with assignments, drafts and submitted reviews). Takes the reviewer with the most
unsubmitted assignments in that round, accepts the pledge for them, and times the pages through
Django's test Client in this process. Submits go through distinct assignments (each can be
submitted once). Figures only, no assertion; the query counts are the same whatever the size
(tests/web/reviewer/test_pages.py checks that).
"""

from __future__ import annotations

import argparse
import statistics
import time

from _setup import ensure_database, percentile, use_bench_database

BENCH_DATABASE_URL = use_bench_database("innov_reviewer_bench")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--entries", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()

    ensure_database(BENCH_DATABASE_URL)
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Count, Q
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from projects.models import Entry
    from reviews import pledges
    from reviews.enums import AssignmentStatus, RoundState
    from reviews.models import Assignment, Round

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    call_command("migrate", verbosity=0)
    if Entry.objects.count() < args.entries:
        print(f"seeding {args.entries} entries (once)...")
        call_command("seed_demo", entries=args.entries, reviewers=100, verbosity=0)
    round_ = (
        Round.objects.filter(state=RoundState.OPEN, deadline__gt=timezone.now())
        .annotate(n=Count("assignments"))
        .order_by("-n")
        .first()
    )
    if round_ is None:
        print("no open round in the seeded data")
        return
    open_work = Q(review__isnull=True) | Q(review__state="draft")
    busiest = (
        Assignment.objects.filter(round=round_, status=AssignmentStatus.ACTIVE)
        .filter(open_work)
        .values("reviewer")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .first()
    )
    mine = list(
        Assignment.objects.filter(
            round=round_, reviewer_id=busiest["reviewer"], status=AssignmentStatus.ACTIVE
        )
        .filter(open_work)
        .select_related("reviewer")
        .order_by("pk")
    )
    reviewer = mine[0].reviewer
    pledges.pledge_accept(round=round_, reviewer=reviewer, ip_address=None)
    criteria = list(round_.criteria.order_by("position"))
    data = {"comment": "bench"}
    for c in criteria:
        data[f"score-{c.pk}"] = str(c.max_score * 8 / 10)
        data[f"comment-{c.pk}"] = ""
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(reviewer)
    print(
        f"round {round_.pk}: {round_.assignments.count()} assignments, {len(criteria)} criteria; "
        f"reviewer {reviewer.username} with {len(mine)} open"
    )

    def timed(label: str, request, repeat: int) -> None:
        for _ in range(2):
            request(0)  # warm up
        times = []
        for i in range(repeat):
            started = time.perf_counter()
            response = request(i + 2)
            times.append((time.perf_counter() - started) * 1000)
            assert response.status_code in (200, 303), (label, response.status_code)
        with CaptureQueriesContext(connection) as ctx:
            request(repeat + 2)
        print(
            f"{label:32} median {statistics.median(times):6.1f} ms"
            f"  p95 {percentile(times, 0.95):6.1f} ms  queries {len(ctx.captured_queries)}"
        )

    a = mine[0]
    timed("queue /review/", lambda i: client.get("/review/"), args.repeat)
    timed("scoring page", lambda i: client.get(f"/review/assignments/{a.pk}/"), args.repeat)
    timed(
        "autosave (htmx)",
        lambda i: client.post(f"/review/assignments/{a.pk}/save/", data, HTTP_HX_REQUEST="true"),
        args.repeat,
    )
    submits = min(args.repeat, len(mine) - 4)
    if submits > 2:
        queue = iter(mine[1:])
        timed(
            "submit",
            lambda i: client.post(f"/review/assignments/{next(queue).pk}/submit/", data),
            submits,
        )


if __name__ == "__main__":
    main()
