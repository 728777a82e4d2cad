"""Periodic reports: filing, malformed figures, overdue selection, reminders, exports."""

import csv
import io
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import openpyxl
import pytest
import time_machine

from incubator.notices import incubation_report_notices_due
from incubator.selectors import incubation_outcome_totals
from incubator.tasks import incubation_report_reminders, incubation_reports_schedule_all
from notifications.models import Notice
from tests.factories.accounts import EnterpriseUserFactory
from tests.factories.incubator import (
    IncubationFactory,
    IncubationReportFactory,
    IncubatorEntryFactory,
)

pytestmark = pytest.mark.django_db
URL = "/api/v1/incubation-reports/"
FIGURES = {
    "revenue": "250000.00",
    "jobs_created": 6,
    "patents_filed": 2,
    "patents_granted": 1,
    "financing_raised": "1000000",
    "products_launched": 1,
    "narrative": "首批产品交付",
}


def at(day: date):
    moment = datetime(day.year, day.month, day.day, 10, tzinfo=ZoneInfo("Asia/Shanghai"))
    return time_machine.travel(moment, tick=False)


@pytest.fixture
def own_report(member):
    incubation = IncubationFactory(entry=IncubatorEntryFactory(organisation=member.organisation))
    return IncubationReportFactory(incubation=incubation)


def test_member_files_own_report(member_client, own_report):
    response = member_client.post(f"{URL}{own_report.pk}/file/", FIGURES, format="json")
    assert response.status_code == 200, response.data
    assert (response.data["state"], response.data["revenue"]) == ("filed", "250000.00")


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"revenue": "-1"}, "revenue"),
        ({"jobs_created": -3}, "jobs_created"),
        ({"financing_raised": "abc"}, "financing_raised"),
        ({"patents_granted": None}, "patents_granted"),
    ],
)
def test_malformed_figures_are_400_and_nothing_written(member_client, own_report, change, field):
    response = member_client.post(
        f"{URL}{own_report.pk}/file/", {**FIGURES, **change}, format="json"
    )
    assert response.status_code == 400
    assert field in response.data["fields"]
    own_report.refresh_from_db()
    assert (own_report.state, own_report.revenue) == ("pending", Decimal("0"))


def test_filing_twice_is_409(member_client, own_report):
    member_client.post(f"{URL}{own_report.pk}/file/", FIGURES, format="json")
    response = member_client.post(f"{URL}{own_report.pk}/file/", FIGURES, format="json")
    assert response.status_code == 409


def test_filing_before_period_ends_is_409(member_client, own_report):
    with at(date(2024, 3, 1)):
        response = member_client.post(f"{URL}{own_report.pk}/file/", FIGURES, format="json")
    assert response.status_code == 409
    assert response.data["code"] == "period_not_over"


def test_other_organisation_report_is_404(other_member_client, own_report):
    assert other_member_client.get(f"{URL}{own_report.pk}/").status_code == 404
    response = other_member_client.post(f"{URL}{own_report.pk}/file/", FIGURES, format="json")
    assert response.status_code == 404
    assert other_member_client.get(URL).data["count"] == 0


@pytest.mark.parametrize(
    ("who", "status"), [("api", 401), ("reviewer_client", 403), ("staff_client", 403)]
)
def test_filing_refused_roles(request, own_report, who, status):
    response = request.getfixturevalue(who).post(
        f"{URL}{own_report.pk}/file/", FIGURES, format="json"
    )
    assert response.status_code == status


def test_incubator_staff_sees_all_and_waives(incubator_client, own_report, member_client):
    IncubationReportFactory()
    assert incubator_client.get(URL).data["count"] == 2
    assert member_client.post(f"{URL}{own_report.pk}/waive/", {"reason": "x"}).status_code == 403
    response = incubator_client.post(f"{URL}{own_report.pk}/waive/", {"reason": "疫情停工"})
    assert response.data["state"] == "waived"


def test_overdue_filter(incubator_client):
    overdue = IncubationReportFactory(due_date=date(2024, 4, 15))
    IncubationReportFactory(due_date=date(2024, 7, 15))  # not yet due
    IncubationReportFactory(due_date=date(2024, 4, 1), state="filed")
    with at(date(2024, 5, 1)):
        rows = incubator_client.get(URL, {"overdue": "true"}).data["results"]
        not_overdue = incubator_client.get(URL, {"overdue": "false"}).data["count"]
        listed = incubator_client.get("/api/v1/incubations/").data["results"]
    assert [r["id"] for r in rows] == [overdue.pk]
    assert not_overdue == 2
    overdue_counts = {r["id"]: r["reports_overdue"] for r in listed}
    assert overdue_counts[overdue.incubation_id] == 1


def test_reports_list_query_count_is_constant(incubator_client, django_assert_max_num_queries):
    IncubationReportFactory()
    with django_assert_max_num_queries(6) as one:
        incubator_client.get(URL)
    for _ in range(20):
        IncubationReportFactory()
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert incubator_client.get(URL, {"page_size": 50}).data["count"] == 21


def test_schedule_task_adds_new_periods_once():
    incubation = IncubationFactory(start_date=date(2024, 1, 1))
    with at(date(2024, 4, 2)):
        assert incubation_reports_schedule_all() == 2
        assert incubation_reports_schedule_all() == 0
    assert incubation.reports.count() == 2


# --- reminders ----------------------------------------------------------------------------------


@pytest.fixture
def owner(organisation):
    return EnterpriseUserFactory(organisation=organisation)


@pytest.fixture
def report(owner):
    incubation = IncubationFactory(entry=IncubatorEntryFactory(organisation=owner.organisation))
    return IncubationReportFactory(incubation=incubation, due_date=date(2024, 4, 15))


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2024, 4, 7), []),
        (date(2024, 4, 8), [("incubation_report_due", "due")]),
        (date(2024, 4, 15), [("incubation_report_due", "due")]),
        (date(2024, 4, 16), [("incubation_report_overdue", "overdue:0")]),
        (date(2024, 4, 23), [("incubation_report_overdue", "overdue:1")]),
    ],
)
def test_report_reminders_before_and_after_due_date(report, owner, today, expected):
    with at(today):
        notices = incubation_report_notices_due()
    assert [(n.kind, n.occasion) for n in notices] == expected
    assert all(n.recipient == owner and n.subject == report for n in notices)


def test_no_reminder_for_filed_or_waived_reports(report, owner):
    report.state = "filed"
    report.save()
    with at(date(2024, 4, 20)):
        assert incubation_report_notices_due() == []


def test_reminder_task_is_exactly_once(report, owner):
    with at(date(2024, 4, 10)):
        assert incubation_report_reminders() == 1
        assert incubation_report_reminders() == 0
    with at(date(2024, 4, 16)):
        assert incubation_report_reminders() == 1
    kinds = list(Notice.objects.filter(recipient=owner).values_list("kind", flat=True))
    assert sorted(kinds) == ["incubation_report_due", "incubation_report_overdue"]
    assert report.incubation.entry.title in Notice.objects.first().body


# --- exports ------------------------------------------------------------------------------------


def test_reports_export_round_trip(incubator_client):
    filed = IncubationReportFactory(
        state="filed", revenue=Decimal("1234.50"), narrative="新产品上市"
    )
    csv_response = incubator_client.get(f"{URL}export/")
    assert csv_response.content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(csv_response.content.decode("utf-8-sig"))))
    assert rows[1][0] == filed.incubation.entry.title
    assert rows[1][6] == "1234.50"
    assert rows[1][12] == "新产品上市"
    xlsx = incubator_client.get(f"{URL}export/", {"file_format": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet.cell(row=1, column=1).value == "项目"
    assert sheet.cell(row=2, column=13).value == "新产品上市"


def test_portfolio_export_has_outcome_totals(incubator_client):
    incubation = IncubationFactory()
    IncubationReportFactory(
        incubation=incubation, state="filed", jobs_created=3, revenue=Decimal("100")
    )
    IncubationReportFactory(
        incubation=incubation,
        state="filed",
        jobs_created=4,
        period_start=date(2024, 4, 1),
        period_end=date(2024, 6, 30),
        due_date=date(2024, 7, 15),
        revenue=Decimal("50.5"),
    )
    IncubationReportFactory(
        incubation=incubation,
        period_start=date(2024, 7, 1),
        period_end=date(2024, 9, 30),
        due_date=date(2024, 10, 15),
        jobs_created=99,
    )  # pending: not counted
    xlsx = incubator_client.get("/api/v1/incubations/export/", {"file_format": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    header = [c.value for c in sheet[1]]
    row = dict(zip(header, [c.value for c in sheet[2]], strict=True))
    assert row["项目"] == incubation.entry.title
    assert (row["已交报告"], row["新增就业"], float(row["营业收入（元）"])) == (2, 7, 150.5)


def test_member_portfolio_export_is_scoped(member_client, member):
    IncubationFactory(
        entry=IncubatorEntryFactory(organisation=member.organisation, title="本单位项目")
    )
    IncubationFactory(entry=IncubatorEntryFactory(title="他单位项目"))
    content = member_client.get("/api/v1/incubations/export/").content.decode("utf-8-sig")
    titles = [row[0] for row in csv.reader(io.StringIO(content))][1:]
    assert titles == ["本单位项目"]


# --- review: accept, ask for a correction -------------------------------------------------------


@pytest.fixture
def filed_report(member_client, own_report):
    member_client.post(f"{URL}{own_report.pk}/file/", FIGURES, format="json")
    own_report.refresh_from_db()
    return own_report


def test_staff_accepts_filed_report(incubator_client, incubator_staff, filed_report):
    response = incubator_client.post(f"{URL}{filed_report.pk}/accept/", {}, format="json")
    assert response.status_code == 200, response.data
    assert response.data["state"] == "accepted"
    assert response.data["reviewed_by"] == incubator_staff.pk
    assert incubation_outcome_totals(filed_report.incubation)["revenue"] == Decimal("250000")


def test_correction_needs_comment_and_takes_figures_out_until_refiled(
    incubator_client, member_client, filed_report
):
    url = f"{URL}{filed_report.pk}/request-correction/"
    response = incubator_client.post(url, {"comment": " "}, format="json")
    assert response.status_code == 400
    assert "comment" in response.data["fields"]
    response = incubator_client.post(url, {"comment": "营业收入与财务报表不符"}, format="json")
    assert (response.status_code, response.data["state"]) == (200, "correction_requested")
    assert response.data["review_comment"] == "营业收入与财务报表不符"
    assert incubation_outcome_totals(filed_report.incubation)["revenue"] == 0
    # The enterprise sees the comment and files corrected figures; staff then accept.
    assert member_client.get(f"{URL}{filed_report.pk}/").data["review_comment"]
    refiled = member_client.post(
        f"{URL}{filed_report.pk}/file/", {**FIGURES, "revenue": "200000"}, format="json"
    )
    assert (refiled.status_code, refiled.data["state"]) == (200, "filed")
    accepted = incubator_client.post(f"{URL}{filed_report.pk}/accept/", {}, format="json")
    assert accepted.data["state"] == "accepted"
    assert incubation_outcome_totals(filed_report.incubation)["revenue"] == Decimal("200000")


@pytest.mark.parametrize("verb", ["accept", "request-correction"])
def test_review_of_pending_or_accepted_report_is_409(incubator_client, own_report, verb):
    body = {"comment": "请补充"}
    assert incubator_client.post(f"{URL}{own_report.pk}/{verb}/", body).status_code == 409
    own_report.state = "accepted"
    own_report.save()
    assert incubator_client.post(f"{URL}{own_report.pk}/{verb}/", body).status_code == 409


@pytest.mark.parametrize(
    ("who", "status"),
    [("api", 401), ("member_client", 403), ("staff_client", 403), ("reviewer_client", 403)],
)
def test_review_refused_roles(request, filed_report, who, status):
    client = request.getfixturevalue(who)
    assert client.post(f"{URL}{filed_report.pk}/accept/").status_code == status
    filed_report.refresh_from_db()
    assert filed_report.state == "filed"
