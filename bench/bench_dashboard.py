"""Benchmark: the programme dashboard at 100,000 entries and 10,000 incubation reports.

    .venv/bin/python bench/bench_dashboard.py [--entries 100000] [--reports 10000] [--repeat 15]

Uses its own database (BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/
innov_programmes_bench): creates it, migrates, seeds it once with ``seed_demo --entries N
--reviewers 100``, then adds in bulk (once) a final round for the large contest, awards with
tiers and provincial recommendations, round scores, incubations of 1,000 of its entries and
``--reports`` received reports spread over them. Times, through DRF's APIClient (forced
authentication): the dashboard, its XLSX export, and the score-vs-outcome view; and, when the web
app is installed, the dashboard page, the meeting-room view, the score-vs-outcome page, the
incubator portfolio and the reports page (filed to review, due and overdue with "remind now"). Prints median / p95 seconds and SQL queries per request.
Asserts nothing.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from datetime import date, timedelta
from decimal import Decimal

from _setup import ensure_database, use_bench_database

BENCH_DATABASE_URL = use_bench_database("innov_programmes_bench")


def seed_incubator(contest, n_reports: int, rng: random.Random) -> None:
    from django.utils import timezone

    from incubator.models import Incubation, IncubationReport
    from reviews.models import Award, Round, RoundEntry

    if IncubationReport.objects.filter(incubation__entry__contest=contest).count() >= n_reports:
        return
    started = time.monotonic()
    now = timezone.now()
    final = Round.objects.filter(contest=contest).order_by(
        "-order"
    ).first() or Round.objects.create(
        contest=contest,
        name="决赛（基准）",
        order=9,
        opens_at=now - timedelta(days=60),
        deadline=now - timedelta(days=30),
        state="published",
    )
    entries = list(contest.entries.order_by("id").values_list("id", "organisation_id")[:3000])
    tiers = ["first"] * 100 + ["second"] * 300 + ["third"] * 600 + ["excellence"] * 1000
    Award.objects.bulk_create(
        [
            Award(round=final, entry_id=e, tier=t, recommended_provincial=t == "first")
            for (e, _o), t in zip(entries, tiers, strict=False)
        ],
        ignore_conflicts=True,
    )
    RoundEntry.objects.bulk_create(
        [
            RoundEntry(round=final, entry_id=e, score=Decimal(rng.randint(600, 990)) / 10)
            for e, _o in entries
        ],
        ignore_conflicts=True,
    )
    per = max(n_reports // 1000, 1)
    start = date(2022, 1, 1)
    Incubation.objects.bulk_create(
        [
            Incubation(entry_id=e, organisation_id=o, start_date=start, stage="incubating")
            for e, o in entries[:1000]
        ],
        ignore_conflicts=True,
    )
    reports = []
    for inc in Incubation.objects.filter(entry__contest=contest).values_list("id", flat=True):
        for q in range(per):
            period_start = date(2022 + q // 4, 1 + 3 * (q % 4), 1)
            period_end = (period_start.replace(day=28) + timedelta(days=70)).replace(day=1) - (
                timedelta(days=1)
            )
            reports.append(
                IncubationReport(
                    incubation_id=inc,
                    period_start=period_start,
                    period_end=period_end,
                    due_date=period_end + timedelta(days=15),
                    state=rng.choice(["filed", "accepted"]),
                    revenue=Decimal(rng.randint(0, 500) * 1000),
                    jobs_created=rng.randint(0, 5),
                    patents_filed=rng.randint(0, 3),
                    patents_granted=rng.randint(0, 2),
                    financing_raised=Decimal(rng.choice([0, 0, 100000, 1000000])),
                )
            )
    IncubationReport.objects.bulk_create(reports, batch_size=2000, ignore_conflicts=True)
    print(f"incubator seed: {len(reports)} reports in {time.monotonic() - started:.1f}s")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--reports", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    ensure_database(BENCH_DATABASE_URL)
    import django

    django.setup()
    from django.apps import apps
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from rest_framework.test import APIClient

    from accounts.models import User
    from incubator.models import IncubationReport
    from projects.models import Contest, Entry

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    call_command("migrate", verbosity=0)
    large = Contest.objects.filter(edition=99).first()
    if large is None or large.entries.count() < args.entries:
        started = time.monotonic()
        call_command("seed_demo", "--entries", str(args.entries), "--reviewers", "100")
        print(f"seed_demo --entries {args.entries}: {time.monotonic() - started:.1f}s")
        large = Contest.objects.get(edition=99)
    seed_incubator(large, args.reports, random.Random(1))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(
        f"entries: {Entry.objects.count()}, incubation reports: {IncubationReport.objects.count()}"
    )

    staff = User.objects.get(username="incubator_li")
    api = APIClient()
    api.force_authenticate(user=staff)  # the figure is the server's work, not the token check
    scenarios = [
        ("API dashboard", api, "/api/v1/dashboard/"),
        ("API dashboard XLSX", api, "/api/v1/dashboard/export/"),
        ("API score vs outcome", api, "/api/v1/dashboard/score-vs-outcome/"),
    ]
    if apps.is_installed("web.programmes"):
        page = Client()
        page.force_login(staff)
        scenarios += [
            ("page dashboard", page, "/programmes/dashboard/"),
            ("page meeting-room view", page, "/programmes/dashboard/screen/"),
            ("page score vs outcome", page, "/programmes/dashboard/score-vs-outcome/"),
            # The incubator's lists over the same 1,000 projects and their reports.
            ("page portfolio", page, "/programmes/incubator/"),
            ("page reports (due/overdue)", page, "/programmes/incubator/reports/"),
        ]
    print(f"{'scenario':28} {'median s':>9} {'p95 s':>8} {'queries':>8}")
    for name, client, url in scenarios:
        executed: list[str] = []

        def count(run, sql, *rest, executed=executed):
            executed.append(sql)
            return run(sql, *rest)

        # Django resets connection.queries at each request: count with an execute wrapper.
        with connection.execute_wrapper(count):
            response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        times = []
        for _ in range(args.repeat):
            t = time.perf_counter()
            client.get(url)
            times.append(time.perf_counter() - t)
        times.sort()
        p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
        print(f"{name:28} {statistics.median(times):9.3f} {p95:8.3f} {len(executed):8d}")


if __name__ == "__main__":
    main()
