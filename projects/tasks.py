"""Celery tasks of the projects app: thin, safe to run twice."""

from __future__ import annotations

from celery import shared_task

from projects import notices


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def send_registration_reminders() -> int:
    """Beat, every few minutes: remind organisations with drafts that registration closes soon
    (the notices are unique per occasion, so two beats write nothing twice)."""
    return notices.registration_reminders_send()
