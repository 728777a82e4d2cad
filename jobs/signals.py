"""A worker that starts looks for jobs its dead predecessor left running (the takeover does not
wait for the next beat tick)."""

import logging

from celery.signals import worker_ready

logger = logging.getLogger(__name__)


@worker_ready.connect
def _sweep_on_start(sender=None, **kwargs) -> None:
    from jobs.tasks import sweep_jobs

    try:
        sweep_jobs.apply_async()
    except Exception:  # the broker is down: beat's sweep does it later
        logger.warning("Could not queue the job sweep at worker start", exc_info=True)
