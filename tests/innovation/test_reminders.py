"""Yearly-report reminders: which studios, when, and exactly once (time controlled)."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from accounts.enums import Role
from innovation.notices import studio_report_notices_due
from innovation.tasks import studio_report_reminders
from notifications.models import Notice
from notifications.reminders import due_date_reminder
from tests.factories.accounts import EnterpriseUserFactory
from tests.factories.innovation import NamedStudioFactory, StudioAssessmentFactory, StudioFactory

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(day: date):
    return time_machine.travel(
        datetime(day.year, day.month, day.day, 9, tzinfo=SHANGHAI), tick=False
    )


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2025, 3, 16), None),
        (date(2025, 3, 17), ("due", 0)),
        (date(2025, 3, 31), ("due", 0)),
        (date(2025, 4, 1), ("overdue", 0)),
        (date(2025, 4, 14), ("overdue", 0)),
        (date(2025, 4, 15), ("overdue", 1)),
    ],
)
def test_due_date_reminder(today, expected):
    due = date(2025, 3, 31)
    assert due_date_reminder(today=today, due=due, days_before=14, overdue_every=14) == expected


@pytest.fixture
def host_member(organisation):
    return EnterpriseUserFactory(organisation=organisation)


def test_due_studios_are_named_ones_without_last_years_report(organisation, host_member):
    due = NamedStudioFactory(organisation=organisation, named_on=date(2022, 1, 1))
    filed = NamedStudioFactory(organisation=organisation, named_on=date(2022, 1, 1))
    StudioAssessmentFactory(studio=filed, year=2024)
    NamedStudioFactory(organisation=organisation, named_on=date(2025, 1, 10))  # named this year
    StudioFactory(organisation=organisation)  # pending
    NamedStudioFactory(organisation=organisation, state="revoked")
    with at(date(2025, 3, 20)):
        notices = studio_report_notices_due()
    assert [(n.subject.pk, n.kind, n.occasion) for n in notices] == [
        (due.pk, "studio_report_due", "2024")
    ]
    assert notices[0].recipient == host_member


def test_no_reminder_before_the_window(organisation, host_member):
    NamedStudioFactory(organisation=organisation)
    with at(date(2025, 2, 1)):
        assert studio_report_notices_due() == []


def test_overdue_reminder_after_due_date(organisation, host_member):
    NamedStudioFactory(organisation=organisation)
    with at(date(2025, 4, 2)):
        notices = studio_report_notices_due()
    assert [(n.kind, n.occasion, n.context["days_late"]) for n in notices] == [
        ("studio_report_overdue", "2024:0", 2)
    ]


def test_reminders_go_only_to_active_enterprise_members(organisation, host_member):
    EnterpriseUserFactory(organisation=organisation, is_active=False)
    EnterpriseUserFactory(organisation=organisation, roles=[Role.REVIEWER])
    NamedStudioFactory(organisation=organisation)
    with at(date(2025, 3, 20)):
        assert [n.recipient for n in studio_report_notices_due()] == [host_member]


def test_task_writes_each_notice_once(organisation, host_member):
    studio = NamedStudioFactory(organisation=organisation, name="车城工匠工作室")
    with at(date(2025, 3, 20)):
        assert studio_report_reminders() == 1
        assert studio_report_reminders() == 0
    with at(date(2025, 3, 25)):
        assert studio_report_reminders() == 0  # same "due" occasion
    with at(date(2025, 4, 1)):
        assert studio_report_reminders() == 1  # the first overdue notice
    notices = Notice.objects.filter(recipient=host_member).order_by("id")
    assert [n.kind for n in notices] == ["studio_report_due", "studio_report_overdue"]
    assert "车城工匠工作室" in notices[0].title
    assert notices[0].subject_id == str(studio.pk)
