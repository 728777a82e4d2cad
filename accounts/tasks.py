from celery import shared_task

from accounts import services


@shared_task(acks_late=True, reject_on_worker_lost=True)
def purge_expired_tokens() -> int:
    """Queued by beat every hour (idempotent: a redelivery finds nothing left to delete)."""
    return services.api_tokens_purge_expired()
