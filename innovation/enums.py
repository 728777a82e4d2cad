"""Levels, states and the only moves allowed between them for studios, their applications
(申报) and their yearly assessments (年度考核)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class StudioLevel(models.TextChoices):
    """The level at which a studio is named (命名), lowest first."""

    DISTRICT = "district", "区（县）级"
    CITY = "city", "市级"
    PROVINCE = "province", "省级"
    NATIONAL = "national", "国家级"


# An upgrade application must ask for a strictly higher rank than the studio holds.
LEVEL_RANK: dict[str, int] = {
    StudioLevel.DISTRICT: 1,
    StudioLevel.CITY: 2,
    StudioLevel.PROVINCE: 3,
    StudioLevel.NATIONAL: 4,
}


class StudioState(models.TextChoices):
    """The standing of a studio. Review happens on its applications (see ApplicationState); the
    studio itself is only ever pending (never named yet), named (at ``Studio.level``) or revoked."""

    PENDING = "pending", _("Not named yet")
    NAMED = "named", _("Named")
    REVOKED = "revoked", _("Revoked")


STUDIO_TRANSITIONS: dict[str, frozenset[str]] = {
    # Only a named application moves a studio to named (studio_application_name).
    StudioState.PENDING: frozenset({StudioState.NAMED}),
    # Revocation is a staff decision (studio_revoke), usually after the two-fails flag.
    StudioState.NAMED: frozenset({StudioState.REVOKED}),
    # A revoked title is final; the host registers a new studio to start again.
    StudioState.REVOKED: frozenset(),
}


class ApplicationKind(models.TextChoices):
    INITIAL = "initial", _("First naming")
    UPGRADE = "upgrade", _("Level upgrade")


class ApplicationState(models.TextChoices):
    """One application (申报) for naming at a level: the studio's first one, or an upgrade."""

    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    UNDER_REVIEW = "under_review", _("Under review")
    NAMED = "named", _("Named")
    RETURNED = "returned", _("Returned for changes")
    REJECTED = "rejected", _("Rejected")


APPLICATION_TRANSITIONS: dict[str, frozenset[str]] = {
    ApplicationState.DRAFT: frozenset({ApplicationState.SUBMITTED}),
    ApplicationState.SUBMITTED: frozenset({ApplicationState.UNDER_REVIEW}),
    ApplicationState.UNDER_REVIEW: frozenset(
        {ApplicationState.NAMED, ApplicationState.RETURNED, ApplicationState.REJECTED}
    ),
    # The enterprise corrects its studio and submits the same application again.
    ApplicationState.RETURNED: frozenset({ApplicationState.SUBMITTED}),
    ApplicationState.NAMED: frozenset(),
    ApplicationState.REJECTED: frozenset(),
}

# While an application is in one of these states no other may be opened for the same studio.
OPEN_APPLICATION_STATES = frozenset(
    {
        ApplicationState.DRAFT,
        ApplicationState.SUBMITTED,
        ApplicationState.UNDER_REVIEW,
        ApplicationState.RETURNED,
    }
)
# The enterprise may edit its studio only while no reviewer is looking at it.
EDITABLE_APPLICATION_STATES = frozenset({ApplicationState.DRAFT, ApplicationState.RETURNED})


class AssessmentState(models.TextChoices):
    FILED = "filed", _("Filed")
    RATED = "rated", _("Rated")


ASSESSMENT_TRANSITIONS: dict[str, frozenset[str]] = {
    AssessmentState.FILED: frozenset({AssessmentState.RATED}),
    AssessmentState.RATED: frozenset(),
}


class AssessmentRating(models.TextChoices):
    EXCELLENT = "excellent", "优秀"
    PASS = "pass", "合格"
    FAIL = "fail", "不合格"


# The notice kind of staff's "send reminder now" (templates in
# innovation/templates/notifications/); its cool-down is per studio.
STUDIO_REPORT_REMIND_NOW = "studio_report_remind_now"
