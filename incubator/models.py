"""The maker-space incubator (职工众创空间): incubated contest entries, their milestones, the
support they receive and their periodic outcome reports."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation
from incubator.enums import IncubationStage, MilestoneStatus, ReportState, SupportKind
from projects.models import Entry

ZERO = Decimal("0")


def _money(label):
    return models.DecimalField(
        label, max_digits=16, decimal_places=2, default=ZERO, validators=[MinValueValidator(ZERO)]
    )


class Incubation(models.Model):
    """One contest entry taken into the maker space (one record per entry, ever)."""

    entry = models.ForeignKey(Entry, on_delete=models.PROTECT, related_name="incubations")
    # The entry's organisation, copied at admission: the enterprise that sees and reports on the
    # record, and the one indexed column every per-user query filters on.
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="incubations"
    )
    start_date = models.DateField(_("start date"))
    stage = models.CharField(
        max_length=16,
        choices=IncubationStage.choices,
        default=IncubationStage.ADMITTED,
        db_index=True,
    )
    stage_reason = models.TextField(_("reason of the last stage change"), blank=True)
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    mentor_name = models.CharField(_("mentor"), max_length=100, blank=True)
    mentor_contact = models.CharField(_("mentor contact"), max_length=100, blank=True)
    workspace = models.CharField(_("workspace"), max_length=100, blank=True)
    admission_note = models.TextField(_("admission note"), blank=True)
    report_interval_months = models.PositiveSmallIntegerField(
        _("report every N months"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
    )
    admitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-start_date", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["entry"], name="one_incubation_per_entry"),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("start_date")),
                name="incubation_ends_after_start",
            ),
        ]
        indexes = [models.Index(fields=["organisation", "stage"])]
        verbose_name = _("incubation")
        verbose_name_plural = _("incubations")

    def __str__(self) -> str:
        return f"{self.entry_id} ({self.stage})"


class Milestone(models.Model):
    incubation = models.ForeignKey(Incubation, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    due_date = models.DateField(_("due date"))
    status = models.CharField(
        max_length=16, choices=MilestoneStatus.choices, default=MilestoneStatus.PENDING
    )
    achieved_on = models.DateField(null=True, blank=True)
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["incubation_id", "due_date", "id"]
        indexes = [models.Index(fields=["status", "due_date"])]
        verbose_name = _("milestone")

    def __str__(self) -> str:
        return self.title


class SupportRecord(models.Model):
    """Support the maker space gave: funding (amount in yuan), training or services."""

    incubation = models.ForeignKey(Incubation, on_delete=models.CASCADE, related_name="support")
    kind = models.CharField(max_length=16, choices=SupportKind.choices)
    provided_on = models.DateField(_("provided on"))
    description = models.CharField(_("description"), max_length=300)
    amount = _money(_("amount (yuan)"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["incubation_id", "-provided_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="support_amount_non_negative")
        ]
        verbose_name = _("support record")

    def __str__(self) -> str:
        return f"{self.kind}: {self.description}"


class IncubationReport(models.Model):
    """The report owed for one period (quarterly by default). Rows are scheduled ahead as
    ``pending`` (incubator.services.incubation_reports_schedule), so "overdue" is one indexed
    query: pending with a due date in the past."""

    incubation = models.ForeignKey(Incubation, on_delete=models.CASCADE, related_name="reports")
    period_start = models.DateField()
    period_end = models.DateField()
    due_date = models.DateField(db_index=True)
    state = models.CharField(
        max_length=24, choices=ReportState.choices, default=ReportState.PENDING, db_index=True
    )
    revenue = _money(_("revenue (yuan)"))
    jobs_created = models.PositiveIntegerField(_("jobs created"), default=0)
    patents_filed = models.PositiveIntegerField(_("patents filed"), default=0)
    patents_granted = models.PositiveIntegerField(_("patents granted"), default=0)
    financing_raised = _money(_("financing raised (yuan)"))
    products_launched = models.PositiveIntegerField(_("products launched"), default=0)
    narrative = models.TextField(_("narrative"), blank=True)
    waived_reason = models.TextField(blank=True)
    review_comment = models.TextField(_("review comment"), blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    filed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["incubation_id", "period_start"]
        constraints = [
            models.UniqueConstraint(
                fields=["incubation", "period_start"], name="one_report_per_period"
            ),
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")) & Q(due_date__gte=F("period_end")),
                name="report_dates_ordered",
            ),
            models.CheckConstraint(
                condition=Q(revenue__gte=0) & Q(financing_raised__gte=0),
                name="report_money_non_negative",
            ),
        ]
        indexes = [models.Index(fields=["state", "due_date"])]
        verbose_name = _("incubation report")

    def __str__(self) -> str:
        return f"{self.incubation_id}: {self.period_start}..{self.period_end}"
