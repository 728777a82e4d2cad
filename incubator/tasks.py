"""Thin Celery tasks: take ids, call a service, safe to run twice."""

from __future__ import annotations

import logging

from celery import shared_task

from incubator import notices, services
from incubator.enums import ACTIVE_STAGES
from incubator.models import Incubation

logger = logging.getLogger(__name__)


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def incubation_reports_schedule_all() -> int:
    """Daily: create the pending report rows of periods that began since yesterday (idempotent)."""
    created = 0
    for incubation in Incubation.objects.filter(stage__in=ACTIVE_STAGES).iterator(chunk_size=500):
        created += services.incubation_reports_schedule(incubation=incubation)
    return created


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def incubation_report_reminders() -> int:
    """Daily: remind enterprises of reports due soon and of overdue ones. Running it twice on a
    day writes nothing new (the notices are unique per occasion)."""
    written = notices.incubation_report_reminders_send()
    if written:
        logger.info("Incubation report reminders: %d notice(s) queued.", written)
    return written
