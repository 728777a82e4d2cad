import uuid

from celery import shared_task

from core.models import WorkerHeartbeat


@shared_task(acks_late=True, reject_on_worker_lost=True)
def health_ping(token: str) -> None:
    """Record that a worker received ``token``. Idempotent: a redelivery leaves one row."""
    WorkerHeartbeat.objects.get_or_create(token=token, defaults={"source": "ping"})


@shared_task(acks_late=True, reject_on_worker_lost=True)
def heartbeat() -> None:
    """Queued by beat every minute: shows in /healthz that beat and a worker are alive."""
    WorkerHeartbeat.objects.create(token=uuid.uuid4().hex, source="beat")
    # Keep the table small: the newest rows are all anyone needs.
    stale = WorkerHeartbeat.objects.values_list("pk", flat=True)[100:1000]
    WorkerHeartbeat.objects.filter(pk__in=list(stale)).delete()
    from core.idempotency import idempotency_keys_purge

    idempotency_keys_purge()


@shared_task(acks_late=True, reject_on_worker_lost=True)
def purge_export_files() -> int:
    """Queued by beat every hour: export jobs' files older than EXPORT_FILE_KEEP_HOURS."""
    from core.exports import export_files_purge

    return export_files_purge()
