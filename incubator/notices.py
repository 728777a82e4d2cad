"""Who the incubator tells what: the quarterly-report reminders to the incubated organisation
(due soon, then overdue every few days, and the one staff send by hand). Written through the
notifications app's bulk path; the wording is in
``incubator/templates/notifications/incubation_report_*/<language>/``.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.conf import settings
from django.utils import timezone

from accounts.models import User
from accounts.selectors import enterprise_members_by_organisation
from incubator.enums import INCUBATION_REPORT_REMIND_NOW, ReportState
from incubator.models import IncubationReport
from notifications.reminders import due_date_reminder, remind_now_occasion
from notifications.rendering import site_link
from notifications.services import DueNotice, Recipient, notices_enqueue_bulk, notices_enqueue_due


def incubation_report_notices_due(today: date | None = None) -> list[DueNotice]:
    """The report reminders due today: one ``incubation_report_due`` notice in the days before a
    pending report's due date, then an ``incubation_report_overdue`` notice every few days after
    it, to every enterprise member of the incubated organisation. Sent by
    ``incubation_report_reminders_send``."""
    today = today or timezone.localdate()
    before = settings.INCUBATION_REPORT_REMIND_DAYS_BEFORE
    reports = list(
        IncubationReport.objects.filter(
            state=ReportState.PENDING, due_date__lte=today + timedelta(days=before)
        ).select_related("incubation", "incubation__entry")
    )
    recipients = enterprise_members_by_organisation(r.incubation.organisation_id for r in reports)
    notices = []
    for report in reports:
        which = due_date_reminder(
            today=today,
            due=report.due_date,
            days_before=before,
            overdue_every=settings.INCUBATION_REPORT_OVERDUE_EVERY_DAYS,
        )
        if which is None:
            continue
        stage, number = which
        kind = "incubation_report_due" if stage == "due" else "incubation_report_overdue"
        occasion = "due" if stage == "due" else f"overdue:{number}"
        context = _report_context(report, today=today)
        for user in recipients.get(report.incubation.organisation_id, []):
            notices.append(DueNotice(user, kind, report, occasion, context))
    return notices


def _report_context(report: IncubationReport, *, today: date) -> dict:
    return {
        "project_title": report.incubation.entry.title,
        "period_start": report.period_start.isoformat(),
        "period_end": report.period_end.isoformat(),
        "due_date": report.due_date.isoformat(),
        "days_late": max((today - report.due_date).days, 0),
        "report_id": report.pk,
        "link": site_link(f"/enterprise/incubations/reports/{report.pk}/"),
    }


def incubation_report_reminders_send(today: date | None = None) -> int:
    """Write today's report reminders (the daily task in ``incubator.tasks``); running it twice
    on a day writes nothing new (the notices are unique per occasion)."""
    return notices_enqueue_due(notices=incubation_report_notices_due(today))


def incubation_report_remind_now(
    *, report: IncubationReport, recipients: list[User], now: datetime
) -> int:
    """Staff's "send reminder now", the notice part: one notice to each of ``recipients`` (the
    incubated organisation's members) about ``report``. Called by
    ``services.incubation_report_remind_now`` with the report locked, after its checks."""
    context = _report_context(report, today=timezone.localdate(now))
    return notices_enqueue_bulk(
        kind=INCUBATION_REPORT_REMIND_NOW,
        subject=report,
        occasion=remind_now_occasion(now),
        recipients=[
            Recipient(user=user, context={**context, "recipient_name": str(user)})
            for user in recipients
        ],
    )
