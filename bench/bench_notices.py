"""Deadline reminders for N reviewers, end to end: beat's scan writes the notices (one INSERT per
1,000) and queues them; real Celery workers claim and email them into a file mailbox.

    .venv/bin/python bench/bench_notices.py [--reviewers 10000] [--entries-each 3]
        [--concurrency 2] [--chunk 100] [--kill-after 3000]

Uses a SEPARATE PostgreSQL database (DATABASE_URL, default .../innovation_bench_notices; created
and migrated if needed, notices and bench rows emptied first) and its OWN redis-server on a free
port (never the shared one), and mails to a temporary folder. ``--kill-after N`` SIGKILLs the
worker once N mails are out, starts another one and runs the sweep as it would run 1 h later
(notices left 'sending' are reclaimed, lost messages queued again).

Prints: scan time and queries, delivery throughput, per-notice latency (created -> sent, median
and p95), duplicates in the mailbox (must be 0), peak RSS of this process. No assertion.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.local"
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/innovation_bench_notices")
os.environ["DJANGO_IGNORE_DOTENV"] = "1"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _ensure_database(url: str) -> None:
    import psycopg

    head, _, name = url.rpartition("/")
    with psycopg.connect(f"{head}/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def _start_worker(env: dict, concurrency: int, log: Path) -> subprocess.Popen:
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--loglevel=WARNING",
            f"--concurrency={concurrency}",
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
            f"--hostname=bench-{os.getpid()}-{time.time_ns()}@%h",
        ],
        cwd=ROOT,
        env=env,
        stdout=log.open("a"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    return process


def _stop(process: subprocess.Popen, sig=signal.SIGTERM) -> None:
    if process.poll() is None:
        os.killpg(process.pid, sig)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


_ID = re.compile(rb"^X-Notice-Id: (\d+)\r?$", re.MULTILINE)


def _mailbox(mail_dir: Path) -> Counter:
    counts: Counter = Counter()
    for path in mail_dir.iterdir():
        counts.update(int(m) for m in _ID.findall(path.read_bytes()))
    return counts


def build(n_reviewers: int, entries_each: int):
    import random

    from django.contrib.auth.hashers import make_password
    from django.utils import timezone

    from accounts.credit_code import make_credit_code
    from accounts.models import Organisation, User
    from notifications.models import Notice
    from projects.models import Category, Contest, Entry
    from reviews.enums import AssignmentSource, RoundState
    from reviews.models import Assignment, Round

    Notice.objects.all().delete()
    Assignment.objects.filter(round__contest__name="bench-notices").delete()
    Round.objects.filter(contest__name="bench-notices").delete()
    Entry.objects.filter(contest__name="bench-notices").delete()
    Category.objects.filter(contest__name="bench-notices").delete()
    Contest.objects.filter(name="bench-notices").delete()
    User.objects.filter(username__startswith="bench-rv-").delete()

    now = timezone.now()
    contest = Contest.objects.create(
        name="bench-notices",
        edition=900 + int(time.time()) % 9000,
        year=2026,
        registration_opens_at=now - timedelta(days=90),
        registration_closes_at=now - timedelta(days=60),
        state="in_review",
    )
    category = Category.objects.create(contest=contest, code="c", name="创新组")
    org = Organisation.objects.filter(credit_code__isnull=False).first()
    if org is None:
        org = Organisation.objects.create(
            name="bench-org",
            credit_code=make_credit_code("420302", rng=random.Random(3)),
            district="maojian",
        )
    n_entries = max(entries_each, n_reviewers * entries_each // 5)
    entries = Entry.objects.bulk_create(
        [
            Entry(
                contest=contest,
                category=category,
                organisation=org,
                title=f"参赛项目 {i:05d}",
                state="in_review",
            )
            for i in range(n_entries)
        ],
        batch_size=2000,
    )
    password = make_password("!")
    users = User.objects.bulk_create(
        [
            User(
                username=f"bench-rv-{i}",
                email=f"rv{i}@example.org",
                password=password,
                full_name=f"评审专家{i}",
                language="en" if i % 10 == 0 else "zh-hans",
            )
            for i in range(n_reviewers)
        ],
        batch_size=2000,
    )
    round_ = Round.objects.create(
        contest=contest,
        name="初赛",
        order=1,
        reviewers_per_entry=5,
        opens_at=now - timedelta(days=10),
        deadline=now + timedelta(hours=1),
        state=RoundState.OPEN,
    )
    Assignment.objects.bulk_create(
        [
            Assignment(
                round=round_,
                reviewer=u,
                entry=entries[(i * entries_each + j) % n_entries],
                source=AssignmentSource.MANUAL,
            )
            for i, u in enumerate(users)
            for j in range(entries_each)
        ],
        batch_size=5000,
    )
    return round_


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--reviewers", type=int, default=10_000)
    parser.add_argument("--entries-each", type=int, default=3)
    parser.add_argument("--concurrency", type=int, default=2)
    parser.add_argument("--chunk", type=int, default=100)
    parser.add_argument("--kill-after", type=int, default=0)
    parser.add_argument("--timeout", type=float, default=600)
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="bench-notices-"))
    mail_dir = work / "mail"
    mail_dir.mkdir()
    port = _free_port()
    redis = subprocess.Popen(
        [
            "redis-server",
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
        ],
        stdout=subprocess.DEVNULL,
    )
    os.environ.update(
        {
            "REDIS_URL": f"redis://127.0.0.1:{port}/0",
            "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "EMAIL_FILE_PATH": str(mail_dir),
            "NOTIFICATIONS_DELIVERY_CHUNK": str(args.chunk),
            "VAR_DIR": str(work / "var"),
            "LOG_LEVEL": "WARNING",
        }
    )
    _ensure_database(os.environ["DATABASE_URL"])
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Count
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from notifications import services
    from notifications.models import Notice
    from reviews import notices

    call_command("migrate", verbosity=0)
    t = time.perf_counter()
    build(args.reviewers, args.entries_each)
    print(
        f"set-up: {args.reviewers:,} reviewers x {args.entries_each} unsubmitted assignments "
        f"in {time.perf_counter() - t:.1f}s"
    )

    workers = [_start_worker(dict(os.environ), args.concurrency, work / "worker.log")]
    time.sleep(3)  # let the worker connect before the clock starts
    try:
        with CaptureQueriesContext(connection) as queries:
            t0 = time.perf_counter()
            created = notices.review_deadline_reminders_send()
            scan = time.perf_counter() - t0
        print(
            f"scan (render + insert + queue): {created:,} notices in {scan:.2f}s, "
            f"{len(queries)} queries"
        )

        killed = False
        deadline = time.monotonic() + args.timeout
        while time.monotonic() < deadline:
            sent = Notice.objects.filter(state="sent").count()
            if args.kill_after and not killed and sent >= args.kill_after:
                _stop(workers[0], signal.SIGKILL)
                killed = True
                # The sweep as it runs once the reclaim time has passed, before the next worker
                # starts (its fresh claims must not look an hour old to this time-shifted sweep).
                ids = services.notices_sweep(now=timezone.now() + timedelta(hours=1))
                services.publish_deliveries(ids)
                print(
                    f"worker SIGKILLed with {sent:,} sent; the sweep queued {len(ids):,} "
                    "notices again; starting another worker"
                )
                workers.append(_start_worker(dict(os.environ), args.concurrency, work / "w2.log"))
            if sent + Notice.objects.filter(state="failed").count() >= created:
                break
            time.sleep(0.2)
        total = time.perf_counter() - t0

        states = dict(Notice.objects.values_list("state").annotate(n=Count("pk")).order_by())
        latencies = [
            (sent_at - created_at).total_seconds()
            for created_at, sent_at in Notice.objects.filter(state="sent").values_list(
                "created_at", "sent_at"
            )
        ]
        counts = _mailbox(mail_dir)
        duplicates = sum(c - 1 for c in counts.values() if c > 1)
        again = notices.review_deadline_reminders_send()
        latencies.sort()
        p95 = latencies[int(0.95 * (len(latencies) - 1))] if latencies else float("nan")
        print(f"states: {states}")
        print(
            f"end to end: {len(counts):,} distinct mails in {total:.1f}s "
            f"= {len(counts) / total:,.0f} notices/s ({args.concurrency} worker processes, "
            f"chunks of {args.chunk})"
        )
        print(f"latency created->sent: median {statistics.median(latencies):.1f}s, p95 {p95:.1f}s")
        print(f"duplicates in the mailbox: {duplicates}")
        print(f"second scan (a second beat): {again} new notices")
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"peak RSS of the scanning process: {rss:.0f} MB")
    finally:
        for worker in workers:
            _stop(worker)
        redis.terminate()
        redis.wait(timeout=10)


if __name__ == "__main__":
    main()
