from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from notifications.enums import DEFAULT_CHANNELS, DeliveryState


def _default_channels() -> list[str]:
    return list(DEFAULT_CHANNELS)


class Notice(models.Model):
    """One message to one person about one thing, delivered at most once per channel.

    The key (recipient, kind, subject, occasion) is unique: whoever writes a notice for an occasion
    that already has one writes nothing, which is what makes two beats, a retried scan or a
    repeated request harmless. ``occasion`` names *why* the notice exists (e.g.
    ``deadline=2026-12-01T10:00:00+00:00;before=24h``), so a new occasion (a moved deadline) is a
    new notice and a repeated one is not.

    Subject and body are rendered when the notice is written (recipient's language, Asia/Shanghai
    time), so the inbox and the email say the same thing and delivery needs no templates.
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notices"
    )
    kind = models.CharField(_("kind"), max_length=64)
    subject_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    subject_id = models.CharField(max_length=64)
    subject = GenericForeignKey("subject_type", "subject_id")
    occasion = models.CharField(_("occasion"), max_length=200)
    channels = models.JSONField(_("channels"), default=_default_channels)
    context = models.JSONField(_("context"), default=dict, blank=True)
    language = models.CharField(_("language"), max_length=10)
    title = models.CharField(_("title"), max_length=300)
    body = models.TextField(_("body"))

    state = models.CharField(
        _("delivery state"),
        max_length=16,
        choices=DeliveryState.choices,
        default=DeliveryState.PENDING,
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    # When a worker may (next) try to deliver: creation time, or the end of a retry backoff. The
    # sweep re-queues pending notices whose due time is well past (their message was lost).
    due_at = models.DateTimeField(default=timezone.now)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "kind", "subject_type", "subject_id", "occasion"],
                name="unique_notice_per_occasion",
            ),
        ]
        indexes = [
            # The inbox: newest first, and the unread count.
            models.Index(fields=["recipient", "-created_at"], name="notice_inbox"),
            models.Index(
                fields=["recipient"],
                condition=models.Q(read_at__isnull=True),
                name="notice_unread",
            ),
            # The sweep and the staff list touch only unfinished or failed rows.
            models.Index(
                fields=["state", "due_at"],
                condition=~models.Q(state="sent"),
                name="notice_undelivered",
            ),
            models.Index(fields=["kind", "subject_type", "subject_id", "occasion"]),
        ]
        verbose_name = _("notice")
        verbose_name_plural = _("notices")

    def __str__(self) -> str:
        return f"{self.kind} → {self.recipient_id} ({self.state})"

    @property
    def has_email(self) -> bool:
        return "email" in (self.channels or [])
