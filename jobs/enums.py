"""States of a background job and the only moves allowed between them.

queued ──claim──> running ──> succeeded | failed | cancelled
  │                  │
  │                  └─ its worker died (stale heartbeat) ──> queued (taken over) or failed
  └─ cancelled (by staff) | failed (gave up)
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class JobState(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    SUCCEEDED = "succeeded", _("Succeeded")
    FAILED = "failed", _("Failed")
    CANCELLED = "cancelled", _("Cancelled")


JOB_TRANSITIONS: dict[str, frozenset[str]] = {
    # A worker claims it; staff cancel it before it starts; the sweep gives up on it.
    JobState.QUEUED: frozenset({JobState.RUNNING, JobState.CANCELLED, JobState.FAILED}),
    # queued again = taken over after its worker stopped sending heartbeats.
    JobState.RUNNING: frozenset(
        {JobState.SUCCEEDED, JobState.FAILED, JobState.CANCELLED, JobState.QUEUED}
    ),
    JobState.SUCCEEDED: frozenset(),
    JobState.FAILED: frozenset(),
    JobState.CANCELLED: frozenset(),
}

# A live job holds its step: starting the same step again returns it.
LIVE_STATES = frozenset({JobState.QUEUED, JobState.RUNNING})
FINISHED_STATES = frozenset({JobState.SUCCEEDED, JobState.FAILED, JobState.CANCELLED})
