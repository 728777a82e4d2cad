"""Thin Celery tasks: load, call a service, safe to run twice."""

from __future__ import annotations

import logging

from celery import shared_task

from innovation import notices

logger = logging.getLogger(__name__)


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def studio_report_reminders() -> int:
    """Daily: remind the hosts of named studios whose yearly report is due soon or overdue.
    Running it twice on a day writes nothing new (the notices are unique per occasion)."""
    written = notices.studio_report_reminders_send()
    if written:
        logger.info("Studio yearly-report reminders: %d notice(s) queued.", written)
    return written
