"""Reads of studios, applications and assessments; per-user scoping; statistics; due reminders.

Every list and detail view starts from one of the ``*_visible_to`` selectors (or the public
directory), so another organisation's studio is a 404 and never appears in a list.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.db.models import Count, F, OuterRef, Prefetch, QuerySet, Subquery, Sum
from django.utils import timezone

from accounts.enums import District
from accounts.models import User
from accounts.selectors import (
    scope_by_organisation,
)
from innovation.enums import (
    APPLICATION_TRANSITIONS,
    EDITABLE_APPLICATION_STATES,
    OPEN_APPLICATION_STATES,
    STUDIO_REPORT_REMIND_NOW,
    ApplicationState,
    StudioLevel,
    StudioState,
)
from innovation.models import (
    Studio,
    StudioApplication,
    StudioAssessment,
    StudioAttachment,
    StudioReviewComment,
)
from notifications.reminders import remind_now_blocked_until

# Applications waiting for a union decision.
DECIDING_STATES = (ApplicationState.SUBMITTED, ApplicationState.UNDER_REVIEW)
FIGURES = ("patents", "innovations_adopted", "economic_benefit", "people_trained")


# --- visibility -----------------------------------------------------------------------------------


def studios_visible_to(user: User) -> QuerySet[Studio]:
    """Staff (union, incubator, admin) see every studio; an enterprise member sees only their own
    organisation's, in any state; anyone else none."""
    latest = StudioApplication.objects.filter(studio=OuterRef("pk")).order_by("-created_at", "-id")
    qs = Studio.objects.select_related("organisation", "field").annotate(
        latest_application_id=Subquery(latest.values("pk")[:1]),
        latest_application_state=Subquery(latest.values("state")[:1]),
        latest_application_level=Subquery(latest.values("level")[:1]),
    )
    return scope_by_organisation(qs, user, "organisation_id")


def studio_detail_queryset(user: User) -> QuerySet[Studio]:
    """What a studio's detail page needs, in a constant number of queries."""
    return studios_visible_to(user).prefetch_related(
        "members",
        "attachments",
        Prefetch(
            "applications",
            queryset=StudioApplication.objects.prefetch_related(
                Prefetch("comments", queryset=StudioReviewComment.objects.select_related("author"))
            ),
        ),
    )


def studio_directory() -> QuerySet[Studio]:
    """The public directory: named studios only (never pending, rejected or revoked ones)."""
    return Studio.objects.filter(state=StudioState.NAMED).select_related("organisation", "field")


def applications_visible_to(user: User) -> QuerySet[StudioApplication]:
    qs = StudioApplication.objects.select_related(
        "studio", "studio__organisation", "studio__field"
    ).prefetch_related(
        Prefetch("comments", queryset=StudioReviewComment.objects.select_related("author"))
    )
    return scope_by_organisation(qs, user, "studio__organisation_id")


def assessments_visible_to(user: User) -> QuerySet[StudioAssessment]:
    qs = StudioAssessment.objects.select_related("studio", "studio__organisation")
    return scope_by_organisation(qs, user, "studio__organisation_id")


def attachments_visible_to(user: User) -> QuerySet[StudioAttachment]:
    return scope_by_organisation(StudioAttachment.objects.all(), user, "studio__organisation_id")


def open_application(studio: Studio) -> StudioApplication | None:
    return studio.applications.filter(state__in=OPEN_APPLICATION_STATES).first()


def studio_actions(studio: Studio, today: date | None = None) -> dict[str, Any]:
    """What the host may do with ``studio`` now, for the pages to offer only what the services
    accept (the services check it again): change the profile (``studio_update``: not revoked, no
    application with the reviewers), submit the open application (draft or returned), open a new
    one (none open, not revoked), and file the yearly report on which years
    (``studio_assessment_file``: named, from the naming year to this year, one per year).
    Reads the studio's prefetched applications and assessments when there are any."""
    today = today or timezone.localdate()
    applications = list(studio.applications.all())
    open_one = next((a for a in applications if a.state in OPEN_APPLICATION_STATES), None)
    with_reviewers = OPEN_APPLICATION_STATES - EDITABLE_APPLICATION_STATES
    revoked = studio.state == StudioState.REVOKED
    report_years: list[int] = []
    if studio.state == StudioState.NAMED and studio.named_on:
        filed = set(studio.assessments.values_list("year", flat=True))
        report_years = [
            y for y in range(today.year, studio.named_on.year - 1, -1) if y not in filed
        ]
    return {
        "editable": not revoked and not any(a.state in with_reviewers for a in applications),
        "open_application": open_one,
        "submittable": open_one is not None
        and ApplicationState.SUBMITTED in APPLICATION_TRANSITIONS[open_one.state],
        "can_apply": not revoked and open_one is None,
        "report_years": report_years,
    }


# --- statistics -----------------------------------------------------------------------------------


def studio_statistics() -> dict[str, Any]:
    """Counts of named studios by level, district and field, and achievement totals per year
    (sum of the filed yearly reports). Each figure is one aggregate query in the database."""
    named = Studio.objects.filter(state=StudioState.NAMED)
    levels = dict(StudioLevel.choices)
    districts = dict(District.choices)
    by_level = [
        {"level": row["level"], "label": levels.get(row["level"], ""), "count": row["count"]}
        for row in named.values("level").annotate(count=Count("id")).order_by("level")
    ]
    by_district = [
        {
            "district": row["district"],
            "label": str(districts.get(row["district"], "")),
            "count": row["count"],
        }
        for row in named.values(district=F("organisation__district"))
        .annotate(count=Count("id"))
        .order_by("district")
    ]
    by_field = list(
        named.values(field_code=F("field__code"), field_name=F("field__name"))
        .annotate(count=Count("id"))
        .order_by("field_code")
    )
    per_year = list(
        StudioAssessment.objects.values("year")
        .annotate(reports=Count("id"), **{f: Sum(f) for f in FIGURES})
        .order_by("year")
    )
    return {
        "named_total": sum(row["count"] for row in by_level),
        "by_level": by_level,
        "by_district": by_district,
        "by_field": by_field,
        "achievements_per_year": per_year,
    }


# --- yearly report reminders ----------------------------------------------------------------------


def studio_report_due_date(year: int) -> date:
    """The day by which the report on ``year`` must be filed (in the following year)."""
    month, day = (int(p) for p in settings.STUDIO_REPORT_DUE_MONTH_DAY.split("-"))
    return date(year + 1, month, day)


def studios_missing_report(year: int) -> QuerySet[Studio]:
    """Named studios (named by the end of ``year``) that have not filed their report on it."""
    return (
        Studio.objects.filter(state=StudioState.NAMED, named_on__lte=date(year, 12, 31))
        .exclude(assessments__year=year)
        .select_related("organisation")
    )


def studio_report_reminders_blocked(studios, now: datetime | None = None) -> dict[int, datetime]:
    """For each of ``studios`` reminded by hand within the cool-down, when the next "send
    reminder now" may go (the rule ``services.studio_report_remind_now`` refuses by)."""
    return remind_now_blocked_until(
        kind=STUDIO_REPORT_REMIND_NOW, subjects=studios, now=now or timezone.now()
    )


def directory_fields() -> list[tuple[str, str]]:
    """The fields (industries) that named studios work in: the directory's filter choices."""
    return list(
        studio_directory()
        .order_by("field__code")
        .values_list("field__code", "field__name")
        .distinct()
    )


def application_queue(user: User) -> QuerySet[StudioApplication]:
    """Applications waiting for a union decision (submitted or under review), oldest first."""
    return (
        applications_visible_to(user)
        .filter(state__in=DECIDING_STATES)
        .order_by("submitted_at", "id")
    )


def assessments_to_rate(user: User) -> QuerySet[StudioAssessment]:
    return assessments_visible_to(user).filter(state="filed").order_by("year", "studio__name")


def studios_flagged(user: User) -> QuerySet[Studio]:
    return studios_visible_to(user).filter(
        state=StudioState.NAMED, revocation_flagged_at__isnull=False
    )
