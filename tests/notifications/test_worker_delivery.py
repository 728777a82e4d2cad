"""Delivery through real Celery workers (subprocesses) into a file mailbox: end to end, a worker
killed mid-batch, two beats at once, Redis down while staff confirm, SMTP failures.

Each test is bounded: workers and beats are stopped by the fixtures, every wait has a timeout,
and time jumps (past the sweep's grace and reclaim periods) are made with time-machine in this
process, never slept.
"""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from config.celery import app as celery_app
from jobs.models import Job
from jobs.services import jobs_sweep
from notifications import services
from notifications.enums import DeliveryState
from notifications.models import Notice
from notifications.services import Recipient, notice_enqueue, notices_enqueue_bulk
from reviews import services as review_services
from reviews.notices import REVIEW_DEADLINE_REMINDER
from tests.conftest import ROOT, CeleryWorker, wait_until
from tests.factories.notifications import ContestFactory
from tests.factories.reviews import (
    ReviewCategoryFactory,
    ReviewContestFactory,
    ReviewEntryFactory,
    RoundFactory,
    make_pool,
    make_staff,
)
from tests.notifications.mailbox import delivered

pytestmark = [pytest.mark.slow, pytest.mark.worker]

CONTEXT = {
    "contest": {"id": 1, "name": "第六届十堰市职工创新创业大赛"},
    "deadline": "2026-12-01T02:00:00+00:00",
    "hours_before": 24,
    "entries": [{"id": 1, "title": "电池包检测装置", "missing": ["plan"]}],
    "entry_count": 1,
    "link": "http://testserver/x",
    "recipient_name": "王伟",
}


def _mail_env(mail_dir: Path, **extra: str) -> dict[str, str]:
    return {
        "TEST_EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(mail_dir),
        **extra,
    }


def _users(n: int, prefix: str) -> list[User]:
    password = make_password("x")
    User.objects.bulk_create(
        [
            User(username=f"{prefix}{i}", email=f"{prefix}{i}@example.org", password=password)
            for i in range(n)
        ]
    )
    return list(User.objects.filter(username__startswith=prefix).order_by("pk"))


def _states() -> dict[str, int]:
    from django.db.models import Count

    return dict(Notice.objects.values_list("state").annotate(n=Count("pk")).order_by())


def _sweep_later(hours: float = 1) -> int:
    """Run the sweep as if ``hours`` had passed (grace and reclaim periods over) and publish."""
    with time_machine.travel(timezone.now() + timedelta(hours=hours), tick=False):
        ids = services.notices_sweep()
    services.publish_deliveries(ids)
    return len(ids)


def test_committed_notice_is_emailed_once_and_rolled_back_one_never(
    celery_worker_factory, tmp_path
):
    mail_dir = tmp_path / "mail"
    celery_worker_factory(extra_env=_mail_env(mail_dir))
    contest = ContestFactory()
    rolled_back, kept = _users(2, "e2e")
    try:
        with transaction.atomic():
            notice_enqueue(
                recipient=rolled_back,
                kind="registration_reminder",
                subject=contest,
                occasion="o",
                context=CONTEXT,
            )
            raise RuntimeError("the change failed")
    except RuntimeError:
        pass
    with transaction.atomic():
        notice = notice_enqueue(
            recipient=kept,
            kind="registration_reminder",
            subject=contest,
            occasion="o",
            context=CONTEXT,
        )
    wait_until(lambda: Notice.objects.filter(pk=notice.pk, state="sent").exists(), timeout=30)
    assert delivered(mail_dir) == {notice.pk: 1}
    assert Notice.objects.count() == 1
    text = "".join(p.read_text() for p in mail_dir.iterdir())
    assert "To: e2e1@example.org" in text
    assert "Message-ID: <notice-" in text


def test_worker_killed_mid_batch_then_all_delivered_none_twice(
    celery_worker_factory, tmp_path, settings
):
    settings.NOTIFICATIONS_DELIVERY_CHUNK = 25
    mail_dir, markers = tmp_path / "mail", tmp_path / "hung"
    markers.mkdir()
    # The first worker's mail server stops answering after 60 messages per process, so the kill
    # lands while each of its two processes is in the middle of a send.
    first = celery_worker_factory(
        extra_env=_mail_env(
            mail_dir,
            TEST_EMAIL_BACKEND="tests.notifications.backends.HangingFileBackend",
            TEST_SMTP_HANG_AFTER="60",
            TEST_SMTP_HANG_MARKER_DIR=str(markers),
        )
    )
    contest = ContestFactory()
    users = _users(500, "kill")
    with transaction.atomic():
        created = notices_enqueue_bulk(
            kind="registration_reminder",
            subject=contest,
            occasion="wave",
            recipients=[Recipient(user=u, context=CONTEXT) for u in users],
        )
    assert created == 500
    wait_until(lambda: len(list(markers.iterdir())) == 2, timeout=60)
    first.stop(sig=signal.SIGKILL)
    before = _states()
    assert before.get("sending", 0) >= 2, before  # the hung sends and the rest of their chunks
    assert 0 < before.get("sent", 0) < 500

    # Messages the dead worker had taken are not redelivered before the visibility timeout; the
    # sweep (as it runs once the reclaim time has passed) queues their notices again and
    # reclaims those the dead worker left claimed. It runs before the next worker starts: a
    # sweep "1 h later" must not see that worker's fresh claims as an hour old.
    assert _sweep_later() > 0
    celery_worker_factory(extra_env=_mail_env(mail_dir))
    wait_until(lambda: _states() == {"sent": 500}, timeout=60)
    counts = delivered(mail_dir)
    assert len(counts) == 500
    assert set(counts.values()) == {1}


@contextmanager
def _beat(env: dict[str, str], schedule: Path):
    log = schedule.with_suffix(".log").open("w")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "beat",
            "--loglevel=INFO",
            f"--schedule={schedule}",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        yield process
    finally:
        import os

        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)


def test_two_beats_scanning_for_a_while_send_each_reminder_once(celery_worker_factory, tmp_path):
    from reviews.enums import AssignmentSource, RoundState
    from reviews.models import Assignment

    mail_dir = tmp_path / "mail"
    env = _mail_env(
        mail_dir, NOTIFICATIONS_SCAN_INTERVAL_SECONDS="1", NOTIFICATIONS_SWEEP_INTERVAL_SECONDS="1"
    )
    celery_worker_factory(extra_env=env)
    contest = ReviewContestFactory()
    entry = ReviewEntryFactory(contest=contest, category=ReviewCategoryFactory(contest=contest))
    # Real time: beat and worker run on the wall clock; 1 h before the deadline is the 2 h window.
    round_ = RoundFactory(
        contest=contest, state=RoundState.OPEN, deadline=timezone.now() + timedelta(hours=1)
    )
    reviewers = make_pool(contest, 30)
    Assignment.objects.bulk_create(
        [
            Assignment(round=round_, reviewer=r, entry=entry, source=AssignmentSource.MANUAL)
            for r in reviewers
        ]
    )
    beat_env = CeleryWorker(extra_env=env).env()
    with _beat(beat_env, tmp_path / "beat-a"), _beat(beat_env, tmp_path / "beat-b"):
        wait_until(lambda: len(delivered(mail_dir)) == 30, timeout=60)
        # Let both beats fire several more scans and sweeps.
        time.sleep(4)
    reminders = Notice.objects.filter(kind=REVIEW_DEADLINE_REMINDER)
    assert reminders.count() == 30
    assert set(reminders.values_list("recipient_id", flat=True)) == {r.pk for r in reviewers}
    assert set(delivered(mail_dir).values()) == {1}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def _own_redis(port: int):
    """A private redis-server for fault tests; only this one is ever stopped."""
    process = subprocess.Popen(
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
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.05)
        yield process
    finally:
        process.terminate()
        process.wait(timeout=10)


@contextmanager
def _app_broker(url: str):
    """Point this test process's Celery app (the publisher) at another broker."""
    old = celery_app.conf.broker_url

    def switch(to: str):
        celery_app.conf.broker_url = to
        celery_app._pool = None
        celery_app.amqp._producer_pool = None

    switch(url)
    try:
        yield
    finally:
        switch(old)


@pytest.fixture
def assigning_round(transactional_db):
    contest = ReviewContestFactory()
    category = ReviewCategoryFactory(contest=contest)
    entries = [ReviewEntryFactory(contest=contest, category=category) for _ in range(3)]
    pool = make_pool(contest, 3)
    staff = make_staff()
    round_ = RoundFactory(contest=contest, reviewers_per_entry=2)
    review_services.round_start_assigning(round=round_, actor=staff)
    for i, entry in enumerate(entries):
        for j in range(2):
            review_services.assignment_add(
                round=round_, reviewer=pool[(i + j) % 3], entry=entry, actor=staff
            )
    return round_, pool, staff


def test_redis_down_while_staff_confirm_then_sweep_delivers(
    celery_worker_factory, tmp_path, assigning_round, client_for
):
    round_, pool, staff = assigning_round
    port = _free_port()
    url = f"redis://127.0.0.1:{port}/0"
    mail_dir = tmp_path / "mail"
    with _own_redis(port) as redis, _app_broker(url):
        redis.terminate()
        redis.wait(timeout=10)
        started = time.monotonic()
        response = client_for(staff).post(f"/api/v1/review-rounds/{round_.pk}/confirm-assignments/")
        took = time.monotonic() - started
        # jobs (issue 15): confirming is a job; with the broker down its row is committed and
        # queued, and the request answers at once.
        assert response.status_code == 202, response.data
        job = Job.objects.get(pk=response.json()["id"])
        assert job.state == "queued"
        print(f"confirm with the broker down answered in {took:.2f}s")

        with _own_redis(port):
            # The job sweep (beat) sends the lost job again once it is overdue.
            with time_machine.travel(timezone.now() + timedelta(hours=1), tick=False):
                assert jobs_sweep()["resent"] == 1
            celery_worker_factory(extra_env=_mail_env(mail_dir, REDIS_URL=url))
            wait_until(lambda: Job.objects.get(pk=job.pk).state == "succeeded", timeout=60)
            round_.refresh_from_db()
            assert round_.state == "open"
            wait_until(lambda: _states() == {"sent": 3}, timeout=30)
    counts = delivered(mail_dir)
    assert len(counts) == 3 and set(counts.values()) == {1}


def test_smtp_failures_retry_with_backoff_then_fail_visibly(celery_worker_factory):
    celery_worker_factory(
        extra_env={
            "TEST_EMAIL_BACKEND": "tests.notifications.backends.FailingBackend",
            "NOTIFICATIONS_MAX_ATTEMPTS": "3",
            "NOTIFICATIONS_RETRY_BACKOFF_SECONDS": "0.3",
        }
    )
    (user,) = _users(1, "smtp")
    with transaction.atomic():
        notice = notice_enqueue(
            recipient=user,
            kind="registration_reminder",
            subject=ContestFactory(),
            occasion="o",
            context=CONTEXT,
        )
    wait_until(
        lambda: Notice.objects.filter(pk=notice.pk, state=DeliveryState.FAILED).exists(),
        timeout=30,
    )
    notice.refresh_from_db()
    assert notice.attempts == 3
    assert "SMTPServerDisconnected" in notice.last_error
