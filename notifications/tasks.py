"""Celery tasks: thin, take ids, safe to run twice (every send goes through an atomic claim).

``acks_late`` + ``reject_on_worker_lost``: a message is acknowledged only after its task ran, so
a worker killed mid-chunk leaves the message to be delivered again, and the claim makes the second
run skip what the first one sent.
"""

from __future__ import annotations

import logging

from celery import shared_task

from notifications import services

logger = logging.getLogger(__name__)


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def deliver_notices(notice_ids: list[int]) -> None:
    """Deliver a chunk of notices; schedule the retries of those that failed."""
    retries = services.notices_deliver(notice_ids=notice_ids)
    for delay, ids in retries.items():
        # If this publish fails the notices stay pending with a due time; the sweep takes them.
        services.publish_deliveries(ids, countdown=delay)


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def sweep_notices() -> None:
    """Queue notices whose message was lost and reclaim those a dead worker left half-sent."""
    ids = services.notices_sweep()
    if ids:
        logger.info("Sweep queues %d notice(s) again.", len(ids))
        services.publish_deliveries(ids)
