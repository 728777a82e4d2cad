"""Model-worker and craftsman innovation studios (劳模工匠创新工作室)."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import ExpertiseField, Organisation
from innovation.enums import (
    OPEN_APPLICATION_STATES,
    ApplicationKind,
    ApplicationState,
    AssessmentRating,
    AssessmentState,
    StudioLevel,
    StudioState,
)
from projects.enums import Honour

ZERO = Decimal("0")


class AchievementFigures(models.Model):
    """The achievement figures a studio declares at registration (so far) and every year (for the
    year): the same four numbers, so that they add up across studios and years."""

    patents = models.PositiveIntegerField(_("patents"), default=0)
    innovations_adopted = models.PositiveIntegerField(_("innovations adopted"), default=0)
    economic_benefit = models.DecimalField(
        _("economic benefit (yuan)"),
        max_digits=16,
        decimal_places=2,
        default=ZERO,
        validators=[MinValueValidator(ZERO)],
    )
    people_trained = models.PositiveIntegerField(_("people trained"), default=0)

    class Meta:
        abstract = True


class Studio(AchievementFigures):
    """A studio hosted by an organisation and led by a model worker or craftsman."""

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("host organisation"),
        on_delete=models.PROTECT,
        related_name="studios",
    )
    name = models.CharField(_("name"), max_length=200)
    field = models.ForeignKey(
        ExpertiseField, verbose_name=_("field"), on_delete=models.PROTECT, related_name="studios"
    )
    leader_name = models.CharField(_("leader"), max_length=100)
    leader_job_title = models.CharField(_("leader's job title"), max_length=100, blank=True)
    leader_honours = models.JSONField(
        _("leader's honours"),
        default=list,
        blank=True,
        help_text=_("Values of projects.enums.Honour, e.g. national_model_worker."),
    )
    founding_date = models.DateField(_("founding date"))
    description = models.TextField(_("description"), blank=True)
    facilities = models.TextField(_("facilities"), blank=True)
    # Private: never shown in the public directory.
    contact_phone = models.CharField(_("contact phone"), max_length=32, blank=True)
    state = models.CharField(
        max_length=16, choices=StudioState.choices, default=StudioState.PENDING, db_index=True
    )
    level = models.CharField(
        _("named level"), max_length=16, choices=StudioLevel.choices, blank=True, default=""
    )
    named_on = models.DateField(_("named on"), null=True, blank=True)
    # Set by the two-fails rule; staff then revoke or clear it (studio_revoke / studio_flag_clear).
    revocation_flagged_at = models.DateTimeField(null=True, blank=True)
    revocation_flag_reason = models.CharField(max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="unique_studio_name"),
            models.CheckConstraint(
                condition=Q(economic_benefit__gte=0), name="studio_benefit_non_negative"
            ),
            # A named or revoked studio always says at which level it was named.
            models.CheckConstraint(
                condition=Q(state=StudioState.PENDING) | ~Q(level=""),
                name="studio_named_has_level",
            ),
        ]
        indexes = [
            models.Index(fields=["state", "level"]),
            models.Index(fields=["organisation", "state"]),
        ]
        verbose_name = _("innovation studio")
        verbose_name_plural = _("innovation studios")

    def __str__(self) -> str:
        return self.name


class StudioMember(models.Model):
    studio = models.ForeignKey(Studio, on_delete=models.CASCADE, related_name="members")
    name = models.CharField(_("name"), max_length=100)
    job_title = models.CharField(_("job title"), max_length=100, blank=True)
    honour = models.CharField(max_length=32, choices=Honour.choices, blank=True, default="")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["studio_id", "position", "id"]
        verbose_name = _("studio member")

    def __str__(self) -> str:
        return self.name


class StudioAttachment(models.Model):
    """A file of a studio (certificates, photos, reports), stored under a random name in
    PRIVATE_MEDIA_ROOT and served only through a permission-checked view."""

    studio = models.ForeignKey(Studio, on_delete=models.CASCADE, related_name="attachments")
    original_name = models.CharField(max_length=200)
    storage_name = models.CharField(max_length=100, unique=True)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["studio_id", "uploaded_at", "id"]

    def __str__(self) -> str:
        return self.original_name


class StudioApplication(models.Model):
    """One request to name the studio at a level (申报). The first one names the studio; each
    upgrade is a new application, so the studio keeps every past application as its history."""

    studio = models.ForeignKey(Studio, on_delete=models.CASCADE, related_name="applications")
    kind = models.CharField(max_length=16, choices=ApplicationKind.choices)
    level = models.CharField(_("requested level"), max_length=16, choices=StudioLevel.choices)
    state = models.CharField(
        max_length=16,
        choices=ApplicationState.choices,
        default=ApplicationState.DRAFT,
        db_index=True,
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decision_comment = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["studio"],
                condition=Q(state__in=sorted(OPEN_APPLICATION_STATES)),
                name="one_open_application_per_studio",
            )
        ]
        indexes = [models.Index(fields=["state", "submitted_at"])]
        verbose_name = _("studio application")

    def __str__(self) -> str:
        return f"{self.studio_id}:{self.kind}:{self.level}"


class StudioReviewComment(models.Model):
    """A reviewer's comment on an application, visible to the host organisation."""

    application = models.ForeignKey(
        StudioApplication, on_delete=models.CASCADE, related_name="comments"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.body[:40]


class StudioAssessment(AchievementFigures):
    """The yearly report (年度考核) of a named studio: the year's figures, then a staff rating."""

    studio = models.ForeignKey(Studio, on_delete=models.CASCADE, related_name="assessments")
    year = models.PositiveSmallIntegerField(_("year"))
    summary = models.TextField(_("summary of the year"), blank=True)
    state = models.CharField(
        max_length=16, choices=AssessmentState.choices, default=AssessmentState.FILED
    )
    rating = models.CharField(max_length=16, choices=AssessmentRating.choices, blank=True)
    rating_comment = models.TextField(blank=True)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    filed_at = models.DateTimeField(auto_now_add=True)
    rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    rated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-year", "studio_id"]
        constraints = [
            models.UniqueConstraint(fields=["studio", "year"], name="one_assessment_per_year"),
            models.CheckConstraint(
                condition=Q(economic_benefit__gte=0), name="assessment_benefit_non_negative"
            ),
            models.CheckConstraint(
                condition=Q(state=AssessmentState.FILED, rating="")
                | (Q(state=AssessmentState.RATED) & ~Q(rating="")),
                name="assessment_rated_has_rating",
            ),
        ]
        indexes = [models.Index(fields=["year", "state"])]
        verbose_name = _("yearly assessment")

    def __str__(self) -> str:
        return f"{self.studio_id}:{self.year}"
