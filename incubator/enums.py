"""Stages of an incubation, statuses of milestones and reports, and the moves between them."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from projects.enums import EntryState


class IncubationStage(models.TextChoices):
    ADMITTED = "admitted", _("Admitted")
    INCUBATING = "incubating", _("Incubating")
    GRADUATED = "graduated", _("Graduated")
    EXITED = "exited", _("Exited")


INCUBATION_TRANSITIONS: dict[str, frozenset[str]] = {
    # A project may leave before it ever moved in (e.g. the team turned the place down).
    IncubationStage.ADMITTED: frozenset({IncubationStage.INCUBATING, IncubationStage.EXITED}),
    IncubationStage.INCUBATING: frozenset({IncubationStage.GRADUATED, IncubationStage.EXITED}),
    IncubationStage.GRADUATED: frozenset(),
    IncubationStage.EXITED: frozenset(),
}
ACTIVE_STAGES = frozenset({IncubationStage.ADMITTED, IncubationStage.INCUBATING})
ENDED_STAGES = frozenset({IncubationStage.GRADUATED, IncubationStage.EXITED})

# Entries that may be admitted. Award winners are the rule; a reviewed entry that was not awarded
# may come in too (the maker space also takes promising near-misses), but only with a written
# reason. Entries never reviewed (draft, submitted, in review, withdrawn) are refused.
ADMISSIBLE_ENTRY_STATES = frozenset({EntryState.AWARDED})
ADMISSIBLE_WITH_REASON_ENTRY_STATES = frozenset({EntryState.ADVANCED, EntryState.NOT_ADVANCED})


class MilestoneStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    ACHIEVED = "achieved", _("Achieved")
    MISSED = "missed", _("Missed")
    CANCELLED = "cancelled", _("Cancelled")


MILESTONE_TRANSITIONS: dict[str, frozenset[str]] = {
    MilestoneStatus.PENDING: frozenset(
        {MilestoneStatus.ACHIEVED, MilestoneStatus.MISSED, MilestoneStatus.CANCELLED}
    ),
    # Achieved late: the record keeps that it was missed first (audit trail).
    MilestoneStatus.MISSED: frozenset({MilestoneStatus.ACHIEVED}),
    MilestoneStatus.ACHIEVED: frozenset(),
    MilestoneStatus.CANCELLED: frozenset(),
}


class ReportState(models.TextChoices):
    PENDING = "pending", _("Pending")
    FILED = "filed", _("Filed")
    CORRECTION_REQUESTED = "correction_requested", _("Correction requested")
    ACCEPTED = "accepted", _("Accepted")
    WAIVED = "waived", _("Waived")


REPORT_TRANSITIONS: dict[str, frozenset[str]] = {
    ReportState.PENDING: frozenset({ReportState.FILED, ReportState.WAIVED}),
    # Incubator staff review what was filed: accept it, or send it back with a comment.
    ReportState.FILED: frozenset({ReportState.ACCEPTED, ReportState.CORRECTION_REQUESTED}),
    # The enterprise corrects the figures and files the same period again.
    ReportState.CORRECTION_REQUESTED: frozenset({ReportState.FILED}),
    ReportState.ACCEPTED: frozenset(),
    ReportState.WAIVED: frozenset(),
}
# The reports whose figures count in outcomes and dashboards: received and not sent back. A report
# sent back for correction stops counting until it is filed again.
RECEIVED_REPORT_STATES = frozenset({ReportState.FILED, ReportState.ACCEPTED})


class SupportKind(models.TextChoices):
    FUNDING = "funding", _("Funding")
    TRAINING = "training", _("Training")
    SERVICE = "service", _("Services")


# The notice kind of staff's "send reminder now" on a report (templates in
# incubator/templates/notifications/); its cool-down is per report.
INCUBATION_REPORT_REMIND_NOW = "incubation_report_remind_now"
