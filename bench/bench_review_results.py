"""Results of a whole round through the service: aggregation + ranking + advancement.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/innovation_bench_b \
        .venv/bin/python bench/bench_review_results.py [--entries 100000] [--k 5]

Bulk-loads (PostgreSQL COPY) a closed round of N entries x k submitted reviews with four
criteria into a SEPARATE database (created and migrated if needed, emptied of review data
first), then times ``round_compute_results`` and ``round_finalize`` for each aggregation method
and prints seconds, queries and peak memory (RSS). No assertion: figures only.
"""

from __future__ import annotations

import argparse
import io
import os
import resource
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/innovation_bench_b")

import django
import numpy as np


def _copy(cursor, table: str, columns: list[str], rows) -> None:
    buf = io.StringIO()
    for row in rows:
        buf.write("\t".join("\\N" if v is None else str(v) for v in row) + "\n")
    buf.seek(0)
    with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        while data := buf.read(1 << 20):
            copy.write(data)


def build(n_entries: int, k: int, n_reviewers: int):
    from django.db import connection
    from django.utils import timezone

    from accounts.credit_code import make_credit_code
    from accounts.models import Organisation, User
    from projects.models import Category, Contest
    from reviews.enums import AggregationMethod, RoundState
    from reviews.models import Criterion, Round

    now = timezone.now()
    contest = Contest.objects.create(
        name="bench",
        edition=int(time.time()) % 30000,
        year=2025,
        registration_opens_at=now - timedelta(days=90),
        registration_closes_at=now - timedelta(days=60),
        state="in_review",
    )
    categories = Category.objects.bulk_create(
        [Category(contest=contest, code=f"c{i}", name=f"组别{i}") for i in range(10)]
    )
    import random

    rng = random.Random(1)
    taken = set(Organisation.objects.values_list("credit_code", flat=True))
    orgs = []
    while len(orgs) < 500:
        code = make_credit_code("420302", rng=rng)
        if code not in taken:
            taken.add(code)
            orgs.append(
                Organisation(name=f"bench-org-{code}", credit_code=code, district="maojian")
            )
    orgs = Organisation.objects.bulk_create(orgs)
    stamp = int(time.time())
    users = User.objects.bulk_create(
        [User(username=f"bench{stamp}-{i}", password="!") for i in range(n_reviewers)]
    )
    round_ = Round.objects.create(
        contest=contest,
        name="初赛",
        order=1,
        reviewers_per_entry=k,
        opens_at=now - timedelta(days=30),
        deadline=now - timedelta(days=1),
        state=RoundState.CLOSED,
        aggregation=AggregationMethod.TRIMMED_MEAN,
        advancement_rule="top_share",
        advancement_value="0.3",
    )
    criteria = Criterion.objects.bulk_create(
        [
            Criterion(round=round_, name=n, weight=w, max_score=w, position=i)
            for i, (n, w) in enumerate([("创新性", 30), ("技术", 25), ("效益", 25), ("可行", 20)])
        ]
    )
    t0 = time.perf_counter()
    gen = np.random.default_rng(0)
    with connection.cursor() as c:
        raw = c.cursor
        raw.execute("SELECT nextval('projects_entry_id_seq')")
        first_entry = raw.fetchone()[0] + 1
        entry_ids = np.arange(first_entry, first_entry + n_entries)
        raw.execute(f"SELECT setval('projects_entry_id_seq', {entry_ids[-1] + 1})")
        ts = now.isoformat()
        _copy(
            raw,
            "projects_entry",
            [
                "id",
                "contest_id",
                "category_id",
                "organisation_id",
                "title",
                "summary",
                "innovation_points",
                "expected_benefits",
                "keywords",
                "state",
                "submitted_at",
                "created_at",
                "updated_at",
            ],
            (
                (
                    int(e),
                    contest.pk,
                    categories[i % 10].pk,
                    orgs[i % 500].pk,
                    f"项目{i}",
                    "",
                    "",
                    "",
                    "[]",
                    "in_review",
                    (now - timedelta(days=70, seconds=i)).isoformat(),
                    ts,
                    ts,
                )
                for i, e in enumerate(entry_ids)
            ),
        )
        _copy(
            raw,
            "reviews_roundentry",
            ["round_id", "entry_id", "n_reviews", "criterion_means"],
            ((round_.pk, int(e), 0, "{}") for e in entry_ids),
        )
        # k distinct reviewers per entry: consecutive users modulo the pool.
        pair_entry = np.repeat(entry_ids, k)
        pair_user = np.asarray([u.pk for u in users])[
            (np.repeat(np.arange(n_entries), k) * 7 + np.tile(np.arange(k), n_entries))
            % n_reviewers
        ]
        raw.execute("SELECT nextval('reviews_assignment_id_seq')")
        first_a = raw.fetchone()[0] + 1
        a_ids = np.arange(first_a, first_a + len(pair_entry))
        raw.execute(f"SELECT setval('reviews_assignment_id_seq', {a_ids[-1] + 1})")
        _copy(
            raw,
            "reviews_assignment",
            [
                "id",
                "round_id",
                "reviewer_id",
                "entry_id",
                "status",
                "source",
                "affinity",
                "reason",
                "created_at",
            ],
            (
                (int(a), round_.pk, int(u), int(e), "active", "solver", 0, "", ts)
                for a, u, e in zip(a_ids, pair_user, pair_entry, strict=True)
            ),
        )
        quality = gen.uniform(0.4, 0.95, size=len(pair_entry))
        maxima = np.asarray([30, 25, 25, 20], dtype=float)
        crit = np.round(
            np.clip(
                quality[:, None] * maxima * gen.uniform(0.85, 1.1, (len(pair_entry), 4)), 0, maxima
            ),
            1,
        )
        totals = crit.sum(axis=1)
        raw.execute("SELECT nextval('reviews_review_id_seq')")
        first_r = raw.fetchone()[0] + 1
        r_ids = np.arange(first_r, first_r + len(pair_entry))
        raw.execute(f"SELECT setval('reviews_review_id_seq', {r_ids[-1] + 1})")
        _copy(
            raw,
            "reviews_review",
            [
                "id",
                "round_id",
                "reviewer_id",
                "entry_id",
                "assignment_id",
                "state",
                "total",
                "comment",
                "submitted_at",
                "created_at",
                "updated_at",
            ],
            (
                (int(r), round_.pk, int(u), int(e), int(a), "submitted", f"{t:.3f}", "", ts, ts, ts)
                for r, u, e, a, t in zip(r_ids, pair_user, pair_entry, a_ids, totals, strict=True)
            ),
        )
        cids = [c_.pk for c_ in criteria]
        _copy(
            raw,
            "reviews_reviewscore",
            ["review_id", "criterion_id", "score", "comment"],
            (
                (int(r), cids[j], f"{crit[i, j]:.1f}", "")
                for i, r in enumerate(r_ids)
                for j in range(4)
            ),
        )
        raw.execute("ANALYZE")
    print(
        f"bulk load: {n_entries:,} entries, {len(pair_entry):,} reviews, "
        f"{4 * len(pair_entry):,} criterion scores in {time.perf_counter() - t0:.1f}s"
    )
    return round_


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--k", type=int, default=5)
    parser.add_argument("--reviewers", type=int, default=5_000)
    args = parser.parse_args()
    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from reviews import services
    from reviews.models import Round

    call_command("migrate", verbosity=0)
    round_ = build(args.entries, args.k, args.reviewers)
    staff = None
    print(f"{'step':<34}{'seconds':>9}{'queries':>9}{'peak RSS MB':>13}")
    for method in ("mean", "median", "trimmed_mean", "zscore"):
        Round.objects.filter(pk=round_.pk).update(aggregation=method)
        round_.refresh_from_db()
        with CaptureQueriesContext(connection) as q:
            t0 = time.perf_counter()
            services.round_compute_results(round=round_, actor=staff)
            seconds = time.perf_counter() - t0
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"{'compute_results ' + method:<34}{seconds:>9.2f}{len(q):>9}{rss:>13.0f}")
    with CaptureQueriesContext(connection) as q:
        t0 = time.perf_counter()
        services.round_finalize(round=round_, actor=staff)
        seconds = time.perf_counter() - t0
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{'finalize (results+entry states)':<34}{seconds:>9.2f}{len(q):>9}{rss:>13.0f}")
    advanced = round_.round_entries.filter(advanced=True).count()
    print(f"advanced: {advanced:,} of {args.entries:,} (top 30% per category)")


if __name__ == "__main__":
    main()
