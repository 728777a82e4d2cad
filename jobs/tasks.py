"""Celery tasks of jobs: thin, take ids, safe to run twice (only a queued job is claimed)."""

from celery import shared_task

from jobs import services


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def run_job(self, job_id: int) -> str:
    """Run one job; queued on its kind's queue (solver, exports, celery)."""
    return services.job_run(job_id=job_id, worker=self.request.hostname or "").state


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def sweep_jobs() -> dict:
    """Take over jobs of dead workers and resend lost messages (beat, and each starting worker)."""
    return services.jobs_sweep()
