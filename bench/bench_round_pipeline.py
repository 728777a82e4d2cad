"""The whole review round at provincial scale, from the database, through the real jobs.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/innovation_bench_round \\
        .venv/bin/python bench/bench_round_pipeline.py [--steps assign,confirm,...]

Needs the seeded large contest (``manage.py seed_demo --entries 100000 --reviewers 5000``; the
script runs it when the contest is missing). Then, on a fresh round of that contest
(k = 5, the 5,000 synthetic reviewers in the pool, previous runs' rounds deleted):

    prepare   round, rubric, pool, draft -> assigning (enrolment)           not timed as a target
    assign    job reviews.round.assign: load the problem, solve, store     target <= 60 s
    confirm   job reviews.round.confirm: re-check, entries in_review,      target <= 20 s
              one notice per reviewer (rows; delivered by the notices worker)
    score     every assignment gets a submitted review (COPY), round closed  not a target
    compute   job reviews.round.compute_results                            target <= 10 s
    finalize  job reviews.round.finalize (results, 100,000 entry moves)    target <= 15 s

Each step runs in its own process (so its peak RSS is its own) and prints seconds, queries and
peak RSS; the job runs in-process (``job_run``), exactly the code a worker runs. No assertion:
figures only.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import resource
import subprocess
import sys
import time
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/innovation_bench_round")

STEPS = ("prepare", "assign", "confirm", "score", "compute", "finalize")
TARGETS = {"assign": 60, "confirm": 20, "compute": 10, "finalize": 15}
ROUND_NAME = "省赛基准轮"
LARGE_EDITION = 99


def _copy(cursor, table: str, columns: list[str], rows) -> None:
    buf = io.StringIO()
    for row in rows:
        buf.write("\t".join("\\N" if v is None else str(v) for v in row) + "\n")
    buf.seek(0)
    with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        while data := buf.read(1 << 20):
            copy.write(data)


def _staff():
    from accounts.models import User

    return User.objects.get(username="union_zhang")


def _contest():
    from projects.models import Contest

    return Contest.objects.get(edition=LARGE_EDITION)


def _round():
    from reviews.models import Round

    return Round.objects.get(contest=_contest(), name=ROUND_NAME)


def step_prepare(args) -> dict:
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection
    from django.utils import timezone

    from accounts.models import User
    from jobs.models import Job
    from projects.enums import EntryState
    from projects.models import Entry
    from reviews import services
    from reviews.models import PoolMember, Round

    contest = _contest()
    staff = _staff()
    old = list(Round.objects.filter(contest=contest).values_list("pk", flat=True))
    if old:
        Job.objects.filter(
            target_type=ContentType.objects.get_for_model(Round),
            target_id__in=[str(p) for p in old],
        ).delete()
        with connection.cursor() as c:
            c.execute("DELETE FROM reviews_award WHERE round_id = ANY(%s)", [old])
        Round.objects.filter(pk__in=old).delete()
    Entry.objects.filter(contest=contest).update(state=EntryState.SUBMITTED)
    reviewers = list(
        User.objects.filter(username__startswith="synth_rev").order_by("pk")[: args.reviewers]
    )
    PoolMember.objects.filter(contest=contest).delete()
    services.pool_add(contest=contest, reviewers=reviewers, actor=staff, min_load=0, max_load=None)
    now = timezone.now()
    round_ = services.round_create(
        contest=contest,
        actor=staff,
        name=ROUND_NAME,
        order=1,
        reviewers_per_entry=args.k,
        opens_at=now,
        deadline=now + timedelta(days=14),
        advancement_rule="top_share",
        advancement_value=Decimal("0.3"),
    )
    services.rubric_set(
        round=round_,
        actor=staff,
        criteria=[
            {"name": n, "weight": w, "max_score": w}
            for n, w in [("创新性", 30), ("技术", 25), ("效益", 25), ("可行", 20)]
        ],
    )
    # The previous run's round, its 500,000 assignments, reviews and 2,000,000 scores are dead
    # rows now, and every entry was rewritten three times: without a VACUUM (autovacuum does not
    # keep up between back-to-back runs) each run is slower than the one before (finalize 7 s on
    # a new database, 16 s after four runs).
    with connection.cursor() as c:
        c.execute("VACUUM (ANALYZE) projects_entry, reviews_roundentry, reviews_assignment")
        c.execute("VACUUM (ANALYZE) reviews_review, reviews_reviewscore, core_auditevent")
    started = time.perf_counter()
    services.round_start_assigning(round=round_, actor=staff)
    with connection.cursor() as c:
        c.execute("ANALYZE")
    return {
        "entries": round_.round_entries.count(),
        "reviewers": len(reviewers),
        "enrol_seconds": round(time.perf_counter() - started, 2),
    }


def _run_job(kind: str, params: dict | None = None) -> dict:
    from jobs import services as jobs

    job = jobs.job_start(kind=kind, target=_round(), actor=_staff(), params=params, send=False)
    done = jobs.job_run(job_id=job.pk)
    if done.state != "succeeded":
        raise SystemExit(f"{kind}: {done.state}: {done.error} {done.error_details[:5]}")
    return done.result


def step_assign(args) -> dict:
    return _run_job("reviews.round.assign")


def step_confirm(args) -> dict:
    from notifications.models import Notice

    result = _run_job("reviews.round.confirm")
    # this round's notices (earlier runs' rounds are deleted, their notices are not)
    result["notices"] = Notice.objects.filter(
        occasion="assignments-confirmed", subject_id=str(_round().pk)
    ).count()
    return result


def step_score(args) -> dict:
    """Every active assignment gets a submitted review (four criteria), then the round closes."""
    import numpy as np
    from django.db import connection
    from django.utils import timezone

    from reviews import services
    from reviews.models import Assignment, Criterion, Round

    round_ = _round()
    criteria = list(Criterion.objects.filter(round=round_).order_by("position"))
    pairs = np.asarray(
        list(
            Assignment.objects.filter(round=round_, status="active")
            .order_by("pk")
            .values_list("pk", "reviewer_id", "entry_id")
        ),
        dtype=np.int64,
    )
    gen = np.random.default_rng(0)
    quality = gen.uniform(0.4, 0.95, size=len(pairs))
    maxima = np.asarray([float(c.max_score) for c in criteria])
    crit = np.round(
        np.clip(quality[:, None] * maxima * gen.uniform(0.85, 1.1, (len(pairs), 4)), 0, maxima), 1
    )
    totals = crit.sum(axis=1)
    ts = timezone.now().isoformat()
    with connection.cursor() as c:
        raw = c.cursor
        raw.execute("SELECT nextval('reviews_review_id_seq')")
        first = raw.fetchone()[0] + 1
        ids = np.arange(first, first + len(pairs))
        raw.execute(f"SELECT setval('reviews_review_id_seq', {ids[-1] + 1})")
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
                (
                    int(r),
                    round_.pk,
                    int(p[1]),
                    int(p[2]),
                    int(p[0]),
                    "submitted",
                    f"{t:.3f}",
                    "",
                    ts,
                    ts,
                    ts,
                )
                for r, p, t in zip(ids.tolist(), pairs.tolist(), totals.tolist(), strict=True)
            ),
        )
        cids = [cr.pk for cr in criteria]
        _copy(
            raw,
            "reviews_reviewscore",
            ["review_id", "criterion_id", "score", "comment"],
            (
                (int(r), cids[j], f"{crit[i, j]:.1f}", "")
                for i, r in enumerate(ids.tolist())
                for j in range(4)
            ),
        )
        raw.execute("ANALYZE")
    now = timezone.now()
    Round.objects.filter(pk=round_.pk).update(
        opens_at=now - timedelta(days=15), deadline=now - timedelta(minutes=1)
    )
    services.round_close(round=_round(), actor=_staff())
    return {"reviews": len(pairs)}


def step_compute(args) -> dict:
    return _run_job("reviews.round.compute_results")


def step_finalize(args) -> dict:
    return _run_job("reviews.round.finalize")


def _one_step(name: str, args) -> None:
    import django

    django.setup()
    from django.db import connection

    # Queries are counted by an execute wrapper, not Django's CaptureQueriesContext: that one
    # turns on the debug cursor, which renders every statement with its parameters quoted in
    # Python (a 100,000-element id array, 500,000 assignment rows) — seconds a worker never spends.
    queries = []

    def count(execute, sql, params, many, context):
        queries.append(1)
        return execute(sql, params, many, context)

    before = resource.getrusage(resource.RUSAGE_SELF)
    with connection.execute_wrapper(count):
        started = time.perf_counter()
        result = globals()[f"step_{name}"](args)
        seconds = time.perf_counter() - started
    usage = resource.getrusage(resource.RUSAGE_SELF)
    rss = usage.ru_maxrss / 1024
    cpu = usage.ru_utime + usage.ru_stime - before.ru_utime - before.ru_stime
    print(
        json.dumps(
            {
                "step": name,
                "seconds": seconds,
                "cpu_seconds": cpu,
                "queries": len(queries),
                "rss_mb": rss,
                "result": result,
            },
            default=str,
        )
    )


def _ensure_seeded() -> None:
    import django

    from bench._setup import ensure_database

    ensure_database(os.environ["DATABASE_URL"])
    django.setup()
    from django.core.management import call_command

    from projects.models import Contest

    call_command("migrate", verbosity=0)
    if not Contest.objects.filter(edition=LARGE_EDITION).exists():
        call_command("seed_demo", entries=100_000, reviewers=5_000)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--steps", default=",".join(STEPS))
    parser.add_argument("--reviewers", type=int, default=5_000)
    parser.add_argument("--k", type=int, default=5)
    parser.add_argument("--one", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        _one_step(args.one, args)
        return
    _ensure_seeded()
    # CPU: this process's own (Python, numpy, the solver), not PostgreSQL's; on a shared machine
    # it says what the step costs when the wall time says how busy the machine was.
    print(
        f"{'step':<10}{'seconds':>9}{'CPU s':>8}{'target':>8}{'queries':>9}{'peak RSS MB':>13}"
        "  result"
    )
    for name in args.steps.split(","):
        out = subprocess.run(
            [
                sys.executable,
                __file__,
                "--one",
                name,
                "--reviewers",
                str(args.reviewers),
                "--k",
                str(args.k),
            ],
            capture_output=True,
            text=True,
            cwd=ROOT,
        )
        line = out.stdout.strip().splitlines()[-1] if out.stdout.strip() else ""
        if out.returncode or not line.startswith("{"):
            print(f"{name}: failed\n{out.stdout[-3000:]}\n{out.stderr[-3000:]}")
            raise SystemExit(1)
        row = json.loads(line)
        target = f"{TARGETS[name]} s" if name in TARGETS else "-"
        print(
            f"{name:<10}{row['seconds']:>9.2f}{row['cpu_seconds']:>8.1f}{target:>8}{row['queries']:>9}"
            f"{row['rss_mb']:>13.0f}  {json.dumps(row['result'], ensure_ascii=False)[:160]}"
        )


if __name__ == "__main__":
    main()
