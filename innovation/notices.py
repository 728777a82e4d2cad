"""Who the studio programme tells what: the yearly-report reminders to the hosts of named studios
(due soon, then overdue every few days, and the one staff send by hand). Written through the
notifications app's bulk path; the wording is in
``innovation/templates/notifications/studio_report_*/<language>/``.
"""

from __future__ import annotations

from datetime import date, datetime

from django.conf import settings
from django.utils import timezone

from accounts.models import User
from accounts.selectors import enterprise_members_by_organisation
from innovation.enums import STUDIO_REPORT_REMIND_NOW
from innovation.models import Studio
from innovation.selectors import studio_report_due_date, studios_missing_report
from notifications.reminders import due_date_reminder, remind_now_occasion
from notifications.rendering import site_link
from notifications.services import DueNotice, Recipient, notices_enqueue_bulk, notices_enqueue_due


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
            context=_report_context(studio, year=year, due=due, today=today),
        )
        for studio in studios
        for user in recipients.get(studio.organisation_id, [])
    ]


def _report_context(studio: Studio, *, year: int, due: date, today: date) -> dict:
    return {
        "studio_name": studio.name,
        "year": year,
        "due_date": due.isoformat(),
        "days_late": max((today - due).days, 0),
        "link": site_link(f"/enterprise/studios/{studio.pk}/#reports"),
    }


def studio_report_reminders_send(today: date | None = None) -> int:
    """Write today's yearly-report reminders (the daily task ``innovation.tasks``); running it
    twice on a day writes nothing new (the notices are unique per occasion)."""
    return notices_enqueue_due(notices=studio_report_notices_due(today))


def studio_report_remind_now(
    *, studio: Studio, year: int, recipients: list[User], now: datetime
) -> int:
    """Staff's "send reminder now", the notice part: one notice to each of ``recipients`` (the
    host's members) about the report on ``year``. Called by
    ``services.studio_report_remind_now`` with the studio locked, after its checks."""
    today = timezone.localdate(now)
    context = _report_context(studio, year=year, due=studio_report_due_date(year), today=today)
    return notices_enqueue_bulk(
        kind=STUDIO_REPORT_REMIND_NOW,
        subject=studio,
        occasion=remind_now_occasion(now),
        recipients=[
            Recipient(user=user, context={**context, "recipient_name": str(user)})
            for user in recipients
        ],
    )
