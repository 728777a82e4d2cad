"""Celery tasks of the reviews app: thin, take ids, safe to run twice."""

from celery import shared_task

from reviews import notices, services


@shared_task
def close_due_rounds() -> list[int]:
    """Close every open round whose deadline has passed (beat, every minute)."""
    return services.close_due_rounds()


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def scan_review_deadlines() -> int:
    """Beat, every few minutes: remind reviewers with unsubmitted assignments at the configured
    offsets before the deadline (``notices.review_deadline_reminders_send``)."""
    return notices.review_deadline_reminders_send()
