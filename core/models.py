from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEvent(models.Model):
    """One row per change that matters: state moves, reopenings, manual assignment changes,
    publications. Written by services in the same transaction as the change itself."""

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Who did it; empty for the system (Celery jobs)."),
    )
    action = models.CharField(max_length=64)
    target_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    target_id = models.CharField(max_length=64)
    target = GenericForeignKey("target_type", "target_id")
    from_state = models.CharField(max_length=32, blank=True)
    to_state = models.CharField(max_length=32, blank=True)
    reason = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["target_type", "target_id", "created_at"])]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")

    def __str__(self) -> str:
        return f"{self.action} {self.target_type_id}:{self.target_id} by {self.actor_id}"


class WorkerHeartbeat(models.Model):
    """Written by a Celery worker when it runs the health task; proves a message crossed the broker
    and was executed (used by /healthz?worker=1 and the run-command smoke test)."""

    token = models.CharField(max_length=64, unique=True)
    source = models.CharField(max_length=16, default="ping")
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-received_at"]

    def __str__(self) -> str:
        return f"{self.source} {self.token} at {self.received_at}"


class IdempotentResponse(models.Model):
    """The first answer to a create or upload sent with an ``Idempotency-Key`` header, written in
    the same transaction as what the request created (``core.idempotency``), so that a retry
    after a lost response gets this answer instead of creating a second row."""

    caller = models.CharField(max_length=64, help_text=_("Hash of the caller's credentials."))
    key = models.CharField(max_length=255)
    fingerprint = models.CharField(max_length=64, help_text=_("Hash of method, path and body."))
    status_code = models.PositiveSmallIntegerField(null=True)
    content_type = models.CharField(max_length=200, blank=True)
    body = models.BinaryField(default=b"")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["caller", "key"], name="unique_idempotency_key"),
        ]

    def __str__(self) -> str:
        return self.key
