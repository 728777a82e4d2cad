import uuid

import pytest

from core.models import WorkerHeartbeat
from core.tasks import health_ping
from tests.conftest import wait_until


@pytest.mark.django_db
def test_healthz_reports_database_and_broker_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["database"] == "ok"
    assert body["broker"] == "ok"


@pytest.mark.django_db
def test_healthz_is_503_when_broker_is_unreachable(client, settings):
    from config.celery import app

    original = app.conf.broker_url
    app.conf.broker_url = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    try:
        response = client.get("/healthz")
    finally:
        app.conf.broker_url = original
    assert response.status_code == 503
    assert response.json()["broker"].startswith("error")


@pytest.mark.worker
def test_health_task_crosses_redis_to_a_real_worker(celery_worker, client):
    token = uuid.uuid4().hex
    health_ping.delay(token)
    wait_until(lambda: WorkerHeartbeat.objects.filter(token=token).exists(), timeout=30)
    assert client.get("/healthz", {"token": token}).json()["worker_seen_token"] is True


@pytest.mark.django_db
def test_health_task_run_twice_leaves_one_row():
    health_ping("same-token")
    health_ping("same-token")
    assert WorkerHeartbeat.objects.filter(token="same-token").count() == 1
