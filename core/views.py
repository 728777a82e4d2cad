from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache

from config.celery import app as celery_app
from core.models import WorkerHeartbeat


def _check_database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # noqa: BLE001 - health must report, not raise
        return f"error: {exc.__class__.__name__}"
    return "ok"


def _check_broker() -> str:
    try:
        with celery_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
    except Exception as exc:  # noqa: BLE001
        return f"error: {exc.__class__.__name__}"
    return "ok"


@never_cache
def healthz(request):
    """200 when the database and the broker answer, 503 otherwise. ``?token=X`` also says whether a
    worker has executed the health task carrying X (used by the run-command smoke test)."""
    checks = {"database": _check_database(), "broker": _check_broker()}
    body: dict = {"status": "ok" if all(v == "ok" for v in checks.values()) else "error"}
    body.update(checks)
    token = request.GET.get("token")
    if token and checks["database"] == "ok":
        body["worker_seen_token"] = WorkerHeartbeat.objects.filter(token=token).exists()
    last = WorkerHeartbeat.objects.first() if checks["database"] == "ok" else None
    body["last_worker_heartbeat"] = last.received_at.isoformat() if last else None
    return JsonResponse(body, status=200 if body["status"] == "ok" else 503)
