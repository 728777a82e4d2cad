"""The results notice (公示): what is put up, its immutable versions, the objections (异议)
raised against it during the period, and each step of their handling."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from projects.models import Contest, Entry
from publicity.enums import MailState, NoticeState, ObjectionState, Remedy, StepKind
from reviews.models import Round


class ResultsNotice(models.Model):
    """The public notice of a round's results (or of a whole contest's awards when ``round`` is
    empty). Drafted by staff, published (the period starts), final once the period has ended and
    every objection is decided. What the public sees is always a :class:`NoticeVersion`."""

    contest = models.ForeignKey(Contest, on_delete=models.PROTECT, related_name="results_notices")
    round = models.ForeignKey(
        Round, null=True, blank=True, on_delete=models.PROTECT, related_name="results_notices"
    )
    title = models.CharField(_("notice title"), max_length=200)
    intro = models.TextField(_("introduction"), blank=True)
    show_score = models.BooleanField(
        _("show scores"), default=False, help_text=_("Only where the contest rules allow it.")
    )
    working_days = models.PositiveSmallIntegerField(
        _("period in working days"),
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(30)],
    )
    contact = models.CharField(
        _("contact for objections"),
        max_length=300,
        help_text=_("Who receives objections: office, person, telephone, address."),
    )
    entries = models.ManyToManyField(
        Entry,
        blank=True,
        related_name="+",
        help_text=_("The entries shown; empty: every award of the round (or contest)."),
    )
    state = models.CharField(
        max_length=16, choices=NoticeState.choices, default=NoticeState.DRAFT, db_index=True
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    period_last_day = models.DateField(_("last day of the period"), null=True, blank=True)
    # The period ends at 24:00 Beijing time of its last working day (server clock at commit).
    ends_at = models.DateTimeField(_("period ends at"), null=True, blank=True)
    finalized_at = models.DateTimeField(_("final since"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-published_at", "-id"]
        verbose_name = _("results notice")
        verbose_name_plural = _("results notices")

    def __str__(self) -> str:
        return self.title


class NoticeVersion(models.Model):
    """One published state of a notice's rows. Never changed once written: a correction after
    an upheld objection is a new version, and every version stays visible."""

    notice = models.ForeignKey(ResultsNotice, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveSmallIntegerField()
    # [{"entry", "title", "organisation", "category", "team", "tier", "tier_label", "score"}]
    rows = models.JSONField(default=list)
    reason = models.TextField(_("reason for this version"), blank=True)
    objection = models.ForeignKey(
        "Objection", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["notice_id", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["notice", "number"], name="unique_notice_version")
        ]

    def __str__(self) -> str:
        return f"{self.notice_id} v{self.number}"


class Objection(models.Model):
    """An objection raised by anyone, with their real name or their unit's seal, against one
    entry of a published notice, within its period."""

    notice = models.ForeignKey(ResultsNotice, on_delete=models.PROTECT, related_name="objections")
    entry = models.ForeignKey(Entry, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("objector's name"), max_length=100)
    unit = models.CharField(_("objector's unit"), max_length=200)
    contact = models.CharField(_("telephone"), max_length=50)
    email = models.EmailField(_("e-mail"))
    reason = models.TextField(_("reason for the objection"))
    # The signed or sealed scan, stored like an attachment (core.storage, private files).
    scan_name = models.CharField(max_length=200)
    scan_storage_name = models.CharField(max_length=100, unique=True)
    scan_content_type = models.CharField(max_length=100)
    scan_size = models.PositiveBigIntegerField()
    scan_sha256 = models.CharField(max_length=64)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    state = models.CharField(
        max_length=16,
        choices=ObjectionState.choices,
        default=ObjectionState.RECEIVED,
        db_index=True,
    )
    submitted_at = models.DateTimeField()
    reply = models.TextField(_("written reply"), blank=True)
    remedy = models.CharField(max_length=16, choices=Remedy.choices, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-submitted_at", "-id"]
        verbose_name = _("objection")
        verbose_name_plural = _("objections")

    def __str__(self) -> str:
        return f"{self.name} → {self.entry_id}"

    # The fields core.storage.attachment_response reads.
    @property
    def storage_name(self) -> str:
        return self.scan_storage_name

    @property
    def original_name(self) -> str:
        return self.scan_name

    @property
    def content_type(self) -> str:
        return self.scan_content_type


class ObjectionStep(models.Model):
    """One step of handling: received, acknowledged, a note of the investigation, the decision."""

    objection = models.ForeignKey(Objection, on_delete=models.CASCADE, related_name="steps")
    kind = models.CharField(max_length=16, choices=StepKind.choices)
    text = models.TextField(blank=True)
    from_state = models.CharField(max_length=16, blank=True)
    to_state = models.CharField(max_length=16, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["objection_id", "created_at", "id"]

    def __str__(self) -> str:
        return f"{self.objection_id} {self.kind}"


class ObjectionMail(models.Model):
    """The decision e-mailed to the objector (not a user of the product, so not a
    ``notifications.Notice``): written in the decision's transaction, rendered with the
    notification templates, delivered after commit on the ``notices`` queue, at most once."""

    objection = models.OneToOneField(Objection, on_delete=models.CASCADE, related_name="mail")
    to = models.EmailField()
    title = models.CharField(max_length=300)
    body = models.TextField()
    state = models.CharField(max_length=16, choices=MailState.choices, default=MailState.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.objection_id} → {self.to} ({self.state})"
