"""Who the studio programme tells what: the yearly-report reminders to the hosts of named studios
(due soon, then overdue every few days). Written through the notifications app's bulk path; the
wording is in ``innovation/templates/notifications/studio_report_*/<language>/``.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.utils import timezone

from accounts.selectors import enterprise_members_by_organisation
from innovation.selectors import studio_report_due_date, studios_missing_report
from notifications.reminders import due_date_reminder
from notifications.rendering import site_link
from notifications.services import DueNotice, notices_enqueue_due


def studio_report_notices_due(today: date | None = None) -> list[DueNotice]:
    """The yearly-report reminders due today: for the report on last year, one ``due`` notice in
    the days before the due date and an ``overdue`` notice every few days after it, to every
    enterprise member of each named studio that has not filed it. Sent by
    ``studio_report_reminders_send``."""
    today = today or timezone.localdate()
    year = today.year - 1
    due = studio_report_due_date(year)
    which = due_date_reminder(
        today=today,
        due=due,
        days_before=settings.STUDIO_REPORT_REMIND_DAYS_BEFORE,
        overdue_every=settings.STUDIO_REPORT_OVERDUE_EVERY_DAYS,
    )
    if which is None:
        return []
    stage, number = which
    kind = "studio_report_due" if stage == "due" else "studio_report_overdue"
    occasion = f"{year}" if stage == "due" else f"{year}:{number}"
    studios = list(studios_missing_report(year))
    recipients = enterprise_members_by_organisation(s.organisation_id for s in studios)
    return [
        DueNotice(
            recipient=user,
            kind=kind,
            subject=studio,
            occasion=occasion,
            context={
                "studio_name": studio.name,
                "year": year,
                "due_date": due.isoformat(),
                "days_late": max((today - due).days, 0),
                "link": site_link(f"/enterprise/studios/{studio.pk}/#reports"),
            },
        )
        for studio in studios
        for user in recipients.get(studio.organisation_id, [])
    ]


def studio_report_reminders_send(today: date | None = None) -> int:
    """Write today's yearly-report reminders (the daily task ``innovation.tasks``); running it
    twice on a day writes nothing new (the notices are unique per occasion)."""
    return notices_enqueue_due(notices=studio_report_notices_due(today))
