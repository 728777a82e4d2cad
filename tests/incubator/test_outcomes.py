"""What became of the winners: outcomes per project and per contest edition, hand-computed."""

from datetime import date
from decimal import Decimal

import pytest

from incubator.selectors import outcomes_by_contest
from tests.factories.incubator import (
    IncubationFactory,
    IncubationReportFactory,
    IncubatorContestFactory,
    IncubatorEntryFactory,
)

pytestmark = pytest.mark.django_db


def _report(incubation, quarter, **figures):
    starts = [date(2024, 1, 1), date(2024, 4, 1), date(2024, 7, 1)]
    ends = [date(2024, 3, 31), date(2024, 6, 30), date(2024, 9, 30)]
    return IncubationReportFactory(
        incubation=incubation,
        period_start=starts[quarter],
        period_end=ends[quarter],
        due_date=ends[quarter],
        state=figures.pop("state", "filed"),
        **figures,
    )


@pytest.fixture
def editions():
    fourth = IncubatorContestFactory(edition=4, year=2023, name="第四届大赛")
    fifth = IncubatorContestFactory(edition=5, year=2024, name="第五届大赛")
    a = IncubationFactory(entry=IncubatorEntryFactory(contest=fourth), stage="graduated")
    b = IncubationFactory(entry=IncubatorEntryFactory(contest=fourth), stage="incubating")
    c = IncubationFactory(
        entry=IncubatorEntryFactory(contest=fourth, state="not_advanced"), stage="exited"
    )
    IncubatorEntryFactory(contest=fourth)  # a winner never incubated
    d = IncubationFactory(entry=IncubatorEntryFactory(contest=fifth), stage="admitted")
    _report(
        a,
        0,
        revenue=Decimal("100.10"),
        jobs_created=2,
        patents_filed=1,
        patents_granted=0,
        financing_raised=Decimal("5000"),
        products_launched=1,
    )
    _report(
        a,
        1,
        revenue=Decimal("200.20"),
        jobs_created=3,
        patents_filed=0,
        patents_granted=1,
        financing_raised=Decimal("0"),
        products_launched=0,
    )
    _report(b, 0, revenue=Decimal("50"), jobs_created=1, patents_filed=2, patents_granted=0)
    _report(b, 1, revenue=Decimal("999"), jobs_created=99, state="pending")  # not counted
    _report(c, 0, revenue=Decimal("7"), jobs_created=0)
    _report(d, 0, revenue=Decimal("1"), jobs_created=1, products_launched=2)
    return fourth, fifth, a


def test_outcomes_by_contest(editions, django_assert_max_num_queries):
    fourth, fifth, _ = editions
    with django_assert_max_num_queries(4):
        rows = {row["edition"]: row for row in outcomes_by_contest()}
    assert rows[4]["winners"] == 3
    assert (rows[4]["incubated"], rows[4]["incubated_winners"]) == (3, 2)
    assert (rows[4]["graduated"], rows[4]["incubating"], rows[4]["exited"]) == (1, 1, 1)
    assert rows[4]["revenue"] == Decimal("357.30")
    assert (rows[4]["jobs_created"], rows[4]["patents_filed"], rows[4]["patents_granted"]) == (
        6,
        3,
        1,
    )
    assert (rows[4]["financing_raised"], rows[4]["products_launched"]) == (Decimal("5000"), 1)
    assert (rows[5]["incubated"], rows[5]["graduated"], rows[5]["products_launched"]) == (1, 0, 2)


def test_statistics_endpoint(incubator_client, editions):
    response = incubator_client.get("/api/v1/incubator-statistics/")
    assert response.status_code == 200
    by_contest = {row["edition"]: row for row in response.data["by_contest"]}
    assert by_contest[4]["revenue"] == "357.30"
    by_year = {row["year"]: row for row in response.data["by_year"]}
    assert by_year[2024]["reports"] == 5
    assert by_year[2024]["jobs_created"] == 7


@pytest.mark.parametrize(
    ("who", "status"), [("api", 401), ("member_client", 403), ("staff_client", 200)]
)
def test_statistics_roles(request, who, status):
    assert request.getfixturevalue(who).get("/api/v1/incubator-statistics/").status_code == status


def test_project_outcomes_over_time(incubator_client, editions):
    _, _, graduated = editions
    response = incubator_client.get(f"/api/v1/incubations/{graduated.pk}/outcomes/")
    assert response.status_code == 200
    assert response.data["reports_filed"] == 2
    assert response.data["totals"]["revenue"] == "300.30"
    assert [p["period_start"] for p in response.data["periods"]] == ["2024-01-01", "2024-04-01"]
