"""Celery tasks of the reviews app: thin, take ids, safe to run twice."""

from celery import shared_task

from reviews import services


@shared_task(acks_late=True, reject_on_worker_lost=True)
def run_assignment_job(job_id: int) -> str:
    """Run a queued assignment job (a second delivery finds it no longer queued)."""
    return services.assignment_job_run(job_id=job_id).state


@shared_task
def close_due_rounds() -> list[int]:
    """Close every open round whose deadline has passed (beat, every minute)."""
    return services.close_due_rounds()
