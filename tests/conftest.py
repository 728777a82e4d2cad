"""Fixtures shared by every app's tests: API clients per role, and a real Celery worker."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from rest_framework.test import APIClient

from accounts.enums import Role
from tests.factories.accounts import EnterpriseUserFactory, OrganisationFactory, UserFactory

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def api():
    """An anonymous API client. ``api.force_authenticate(user)`` signs it in."""
    return APIClient()


def _client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    client.user = user
    return client


@pytest.fixture
def union_staff(db):
    return UserFactory(roles=[Role.UNION_STAFF], is_staff=True)


@pytest.fixture
def incubator_staff(db):
    return UserFactory(roles=[Role.INCUBATOR_STAFF], is_staff=True)


@pytest.fixture
def organisation(db):
    return OrganisationFactory()


@pytest.fixture
def other_organisation(db):
    return OrganisationFactory()


@pytest.fixture
def member(organisation):
    """An enterprise member of ``organisation``."""
    return EnterpriseUserFactory(organisation=organisation)


@pytest.fixture
def other_member(other_organisation):
    return EnterpriseUserFactory(organisation=other_organisation)


@pytest.fixture
def reviewer_user(db):
    from tests.factories.accounts import ReviewerProfileFactory

    return ReviewerProfileFactory().user


@pytest.fixture
def staff_client(union_staff):
    return _client_for(union_staff)


@pytest.fixture
def incubator_client(incubator_staff):
    return _client_for(incubator_staff)


@pytest.fixture
def member_client(member):
    return _client_for(member)


@pytest.fixture
def other_member_client(other_member):
    return _client_for(other_member)


@pytest.fixture
def reviewer_client(reviewer_user):
    return _client_for(reviewer_user)


@pytest.fixture
def client_for():
    """``client_for(user)``: an API client signed in as any user."""
    return _client_for


class CeleryWorker:
    """A real `celery worker` process consuming this test process's Redis database and writing
    to this test process's PostgreSQL test database. Tests using it need ``transactional_db``
    (the worker only sees committed rows)."""

    def __init__(self, extra_env: dict[str, str] | None = None):
        self.extra_env = extra_env or {}
        self.process: subprocess.Popen | None = None
        self.log_path = ROOT / "var" / f"test-worker-{uuid.uuid4().hex[:8]}.log"

    def env(self) -> dict[str, str]:
        db = settings.DATABASES["default"]
        host = db.get("HOST") or "127.0.0.1"
        port = db.get("PORT") or 5432
        user = db.get("USER") or "postgres"
        password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.test",
            # The test database of *this* process (pytest-django renamed it).
            "DATABASE_URL": f"postgres://{user}{password}@{host}:{port}/{connection.settings_dict['NAME']}",
            "REDIS_URL": settings.REDIS_URL,
            "TEST_REDIS_URL_IS_FINAL": "1",
            **self.extra_env,
        }
        env.pop("PYTEST_XDIST_WORKER", None)
        return env

    def start(
        self,
        *,
        concurrency: int = 2,
        ready_timeout: float = 60,
        queues: list[str] | None = None,
        name: str = "test",
    ) -> CeleryWorker:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        log = self.log_path.open("w")
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "config",
                "worker",
                "--loglevel=INFO",
                f"--concurrency={concurrency}",
                "--pool=prefork",
                "--without-heartbeat",
                "--without-gossip",
                "--without-mingle",
                f"--hostname={name}-{uuid.uuid4().hex[:6]}@%h",
                # scale (issue 15): a worker of some queues only; default: every declared queue.
                *(["-Q", ",".join(queues)] if queues else []),
            ],
            cwd=ROOT,
            env=self.env(),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + ready_timeout
        while time.monotonic() < deadline:
            if "ready." in self.log_path.read_text(errors="replace"):
                return self
            if self.process.poll() is not None:
                break
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"Celery worker did not start:\n{self.log_path.read_text()[-3000:]}")

    def stop(self, *, sig: int | None = None, timeout: float = 20) -> None:
        import signal

        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, sig or signal.SIGTERM)
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


def _purge_queue() -> None:
    from config.celery import app

    with app.connection_for_write() as conn:
        app.control.purge(connection=conn)


@pytest.fixture
def celery_worker_factory(transactional_db):
    """Start one or more real workers: ``worker = celery_worker_factory()``; all are stopped at
    the end of the test and the queue is purged before and after."""
    _purge_queue()
    workers: list[CeleryWorker] = []

    def start(**kwargs) -> CeleryWorker:
        extra_env = kwargs.pop("extra_env", None)
        worker = CeleryWorker(extra_env=extra_env).start(**kwargs)
        workers.append(worker)
        return worker

    yield start
    for worker in workers:
        worker.stop()
        worker.log_path.unlink(missing_ok=True)
    _purge_queue()


@pytest.fixture
def celery_worker(celery_worker_factory):
    return celery_worker_factory()


def wait_until(predicate, *, timeout: float = 30, interval: float = 0.1):
    """Poll ``predicate`` until it returns something truthy; fail the test after ``timeout``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = predicate()
        if result:
            return result
        time.sleep(interval)
    pytest.fail(f"condition not met within {timeout}s")


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the settings' language (en in the test settings). A request through
    the test client activates its Accept-Language for the thread and Django leaves it active,
    so without this a test after a zh-hans request would see Chinese service messages."""
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()
