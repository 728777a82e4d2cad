"""Celery tasks of the reviews app: thin, take ids, safe to run twice."""

from celery import shared_task

from reviews import services


@shared_task
def close_due_rounds() -> list[int]:
    """Close every open round whose deadline has passed (beat, every minute)."""
    return services.close_due_rounds()
