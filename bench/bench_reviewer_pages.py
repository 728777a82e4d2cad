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

``--rush-entries N`` (default 0: the demo round) adds, once, an open blind round "压力测试·评审"
on N of the large contest's entries with k = 3 reviewers each, spread over the synthetic
reviewers, 60 % of the reviews submitted and 10 % drafted with scores (bulk inserts), so that
the deadline rush is timed against a large round: e.g. ``--entries 100000 --rush-entries 20000
--reviewers 2000`` is 60,000 assignments, 30 per reviewer (a reviewer's usual load).
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
    parser.add_argument("--rush-entries", type=int, default=0)
    parser.add_argument("--reviewers", type=int, default=100, help="synthetic reviewers")
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
    from accounts.models import User

    synthetic = User.objects.filter(username__startswith="synth_rev").count()
    if Entry.objects.count() < args.entries or synthetic < args.reviewers:
        print(f"seeding {args.entries} entries and {args.reviewers} reviewers (once)...")
        call_command("seed_demo", entries=args.entries, reviewers=args.reviewers, verbosity=0)
    if args.rush_entries:
        _rush_round(args.rush_entries)
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


def _rush_round(n_entries: int, k: int = 3) -> None:
    """Once: an open round on ``n_entries`` entries of the large contest (bulk inserts)."""
    from datetime import timedelta
    from decimal import Decimal

    from django.db import transaction
    from django.utils import timezone

    from accounts.models import User
    from projects.models import Contest, Entry
    from reviews.enums import AssignmentSource, ReviewState, RoundState
    from reviews.models import Assignment, Criterion, Review, ReviewScore, Round, RoundEntry

    name = "压力测试·评审"
    if Round.objects.filter(name=name).exists():
        return
    contest = Contest.objects.filter(edition=99).first()
    reviewers = list(User.objects.filter(username__startswith="synth_rev").order_by("pk"))
    if contest is None or len(reviewers) < k:
        print("no large contest or synthetic reviewers: seed with --entries and reviewers")
        return
    print(f"building the rush round on {n_entries} entries (once)...")
    now = timezone.now()
    with transaction.atomic():
        round_ = Round.objects.create(
            contest=contest,
            name=name,
            order=1,
            reviewers_per_entry=k,
            is_blind=True,
            opens_at=now - timedelta(days=7),
            deadline=now + timedelta(days=1),
            state=RoundState.OPEN,
            assignments_confirmed_at=now - timedelta(days=7),
        )
        criteria = Criterion.objects.bulk_create(
            Criterion(
                round=round_,
                name=f"评分项{i + 1}",
                weight=Decimal(25),
                max_score=Decimal(25),
                position=i,
            )
            for i in range(4)
        )
        entry_ids = list(
            Entry.objects.filter(contest=contest)
            .order_by("pk")
            .values_list("pk", flat=True)[:n_entries]
        )
        RoundEntry.objects.bulk_create(
            (RoundEntry(round=round_, entry_id=e) for e in entry_ids), batch_size=5000
        )
        pairs = [
            (e, reviewers[(i * k + j) % len(reviewers)].pk)
            for i, e in enumerate(entry_ids)
            for j in range(k)
        ]
        assignments = Assignment.objects.bulk_create(
            (
                Assignment(round=round_, entry_id=e, reviewer_id=r, source=AssignmentSource.SOLVER)
                for e, r in pairs
            ),
            batch_size=5000,
        )
        reviews = []
        for i, a in enumerate(assignments):
            kind = (i // k) % 10  # by entry, so that every reviewer has some of each kind
            if kind < 7:
                submitted = kind < 6
                reviews.append(
                    Review(
                        round=round_,
                        reviewer_id=a.reviewer_id,
                        entry_id=a.entry_id,
                        assignment=a,
                        total=Decimal(80),
                        state=ReviewState.SUBMITTED if submitted else ReviewState.DRAFT,
                        submitted_at=now if submitted else None,
                    )
                )
        reviews = Review.objects.bulk_create(reviews, batch_size=5000)
        ReviewScore.objects.bulk_create(
            (
                ReviewScore(review=r, criterion=c, score=Decimal(20))
                for r in reviews
                for c in criteria
            ),
            batch_size=10000,
        )
    print(f"rush round: {len(assignments)} assignments, {len(reviews)} reviews")


if __name__ == "__main__":
    main()
