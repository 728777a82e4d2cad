"""One row per run of a long step (assignment, confirm, results, finalize, awards, publication,
exports, certificates). See jobs/services.py for what a job guarantees."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jobs.enums import JobState

_LIVE = ["queued", "running"]


class Job(models.Model):
    kind = models.CharField(max_length=64, db_index=True, help_text=_("Registered job kind."))
    target_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    target_id = models.CharField(max_length=64)
    target = GenericForeignKey("target_type", "target_id")
    params = models.JSONField(default=dict, blank=True)
    # kind + target + params: starting the same step twice while it is live returns this job.
    dedupe_key = models.CharField(max_length=200)
    # Set for kinds that change their target: no two of them run on one target at a time.
    lock_key = models.CharField(max_length=120, null=True, blank=True)
    queue = models.CharField(max_length=32, default="celery")

    state = models.CharField(
        max_length=16, choices=JobState.choices, default=JobState.QUEUED, db_index=True
    )
    phase = models.CharField(max_length=32, blank=True)
    percent = models.PositiveSmallIntegerField(default=0, help_text=_("0..100."))
    result = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True, help_text=_("Why it failed, in words for staff."))
    error_code = models.CharField(max_length=64, blank=True)
    error_details = models.JSONField(default=list, blank=True)

    # Takeover: the worker running the job holds ``lease`` and refreshes ``heartbeat_at``; a
    # job whose heartbeat is stale is queued again and the old lease can no longer commit.
    lease = models.CharField(max_length=32, blank=True)
    worker = models.CharField(max_length=200, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    cancel_requested_at = models.DateTimeField(null=True, blank=True)
    cancel_requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    queued_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["dedupe_key"], condition=Q(state__in=_LIVE), name="one_live_job_per_step"
            ),
            models.UniqueConstraint(
                fields=["lock_key"],
                condition=Q(state__in=_LIVE) & Q(lock_key__isnull=False),
                name="one_live_writing_job_per_target",
            ),
            models.CheckConstraint(condition=Q(percent__lte=100), name="job_percent_max_100"),
        ]
        indexes = [
            models.Index(fields=["target_type", "target_id", "created_at"]),
            models.Index(fields=["state", "heartbeat_at"]),
        ]
        verbose_name = _("background job")
        verbose_name_plural = _("background jobs")

    def __str__(self) -> str:
        return f"job {self.pk} {self.kind} on {self.target_type_id}:{self.target_id}: {self.state}"
