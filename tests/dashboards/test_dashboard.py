"""The programme dashboard: figures from aggregate queries (fixed count), the XLSX export, the
score-vs-outcome view, and who may read them."""

import io
from datetime import date
from decimal import Decimal

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dashboards import selectors, tables
from reviews.models import RoundEntry
from tests.factories.accounts import OrganisationFactory
from tests.factories.incubator import (
    AwardFactory,
    IncubationFactory,
    IncubationReportFactory,
    IncubatorContestFactory,
    IncubatorEntryFactory,
)
from tests.factories.innovation import NamedStudioFactory, StudioFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/dashboard/"


def _project(contest, tier, score, revenue, patents, recommended=False, state="accepted"):
    """An awarded entry of ``contest`` with its award, final-round score and one received
    report."""
    entry = IncubatorEntryFactory(contest=contest)
    award = AwardFactory(entry=entry, tier=tier, recommended_provincial=recommended)
    RoundEntry.objects.create(round=award.round, entry=entry, score=Decimal(score))
    incubation = IncubationFactory(entry=entry)
    IncubationReportFactory(
        incubation=incubation,
        state=state,
        revenue=Decimal(revenue),
        patents_filed=patents,
        jobs_created=2,
    )
    return entry


@pytest.fixture
def programme():
    zhangwan = OrganisationFactory(district="zhangwan")
    maojian = OrganisationFactory(district="maojian")
    NamedStudioFactory(organisation=zhangwan, level="city")
    NamedStudioFactory(organisation=zhangwan, level="province", named_on=date(2022, 5, 1))
    NamedStudioFactory(organisation=maojian, level="national")
    StudioFactory(organisation=maojian)  # pending: not counted
    NamedStudioFactory(organisation=maojian, state="revoked")  # revoked: not counted
    contest = IncubatorContestFactory(edition=4, year=2024)
    _project(contest, "first", "91.5", "900000", 5, recommended=True)
    _project(contest, "second", "85.0", "300000", 2, recommended=True)
    _project(contest, "third", "80.0", "100000", 1)
    # Sent back for correction: its figures do not count.
    _project(contest, "excellence", "70.0", "999999", 9, state="correction_requested")
    IncubatorEntryFactory(contest=contest, state="draft")  # not entered
    IncubatorEntryFactory(contest=contest, state="not_advanced", organisation=zhangwan)
    return contest


def _table(tables_, key):
    return next(t for t in tables_ if t.key == key)


def test_figures_of_a_small_programme(programme):
    figures = selectors.dashboard_figures()
    result = tables.dashboard_tables(figures)
    studios = _table(result, "studios_by_district")
    assert studios.labels == ["区县", "区（县）级", "市级", "省级", "国家级", "合计"]
    assert studios.rows == [
        ["茅箭区", 0, 0, 0, 1, 1],
        ["张湾区", 0, 1, 1, 0, 2],
        ["合计", 0, 1, 1, 1, 3],
    ]
    entries = _table(result, "entries_per_edition")
    # 5 entered (4 awarded + 1 not advanced), by 5 organisations; the draft is not counted.
    assert entries.rows == [["第4届", 2024, programme.name, 5, 5]]
    awards = _table(result, "awards_per_edition")
    assert awards.rows == [["第4届", 1, 1, 1, 1, 4, 2]]
    incubation = _table(result, "incubation_by_edition")
    assert incubation.rows[0][:3] == ["第4届", 4, 4]
    assert incubation.column("revenue") == [Decimal("1300000")]
    assert incubation.column("patents_filed") == [8]
    assert dict(tables.headline(figures)) == {
        "已命名创新工作室": 3,
        "大赛届次": 1,
        "参赛单位": 5,
        "参赛项目": 5,
        "推荐省赛项目": 2,
        "入驻孵化项目": 4,
    }


def test_chart_data_follow_the_table(programme):
    chart = _table(tables.dashboard_tables(selectors.dashboard_figures()), "awards_per_edition")
    data = chart.as_chart()
    assert data["categories"] == ["第4届"]
    assert [s["name"] for s in data["series"]] == [
        "一等奖",
        "二等奖",
        "三等奖",
        "优秀奖",
        "推荐省赛",
    ]
    assert [s["data"] for s in data["series"]] == [[1], [1], [1], [1], [2]]


def _count_queries(fn):
    with CaptureQueriesContext(connection) as ctx:
        fn()
    return len(ctx.captured_queries)


def test_query_count_does_not_grow_with_the_data(programme):
    small = _count_queries(selectors.dashboard_figures)
    small_scores = _count_queries(
        lambda: selectors.score_outcome_correlations(selectors.score_outcome_rows())
    )
    other = IncubatorContestFactory(edition=5, year=2025)
    for i in range(12):
        NamedStudioFactory(organisation=OrganisationFactory(district="fangxian"), level="city")
        _project(other, ["first", "second", "third"][i % 3], f"{60 + i}", f"{1000 * i}", i % 4)
    assert _count_queries(selectors.dashboard_figures) == small
    assert small <= 11
    assert (
        _count_queries(lambda: selectors.score_outcome_correlations(selectors.score_outcome_rows()))
        == small_scores
        == 1
    )


def test_score_outcome_rows_and_correlations(programme):
    rows = selectors.score_outcome_rows()
    assert [(r["tier"], float(r["final_score"]), r["revenue"]) for r in rows] == [
        ("first", 91.5, Decimal("900000")),
        ("second", 85.0, Decimal("300000")),
        ("third", 80.0, Decimal("100000")),
        ("excellence", 70.0, Decimal("0")),
    ]
    result = selectors.score_outcome_correlations(rows)
    tier_revenue = next(r for r in result if (r["predictor"], r["outcome"]) == ("tier", "revenue"))
    # Tier and revenue are in the same order for all four: rho = 1, but only 4 projects.
    assert tier_revenue["n"] == 4
    assert tier_revenue["spearman"] == pytest.approx(1.0)
    assert "样本太少" in tier_revenue["caveat"]


def test_staff_read_the_dashboard(staff_client, incubator_client, programme):
    for client in (staff_client, incubator_client):
        response = client.get(URL)
        assert response.status_code == 200
        keys = [t["key"] for t in response.data["tables"]]
        assert "studios_by_district" in keys and "incubation_by_year" in keys
    response = staff_client.get(f"{URL}score-vs-outcome/")
    assert response.status_code == 200 and response.data["projects"] == 4


@pytest.mark.parametrize(
    ("who", "status"), [("api", 401), ("member_client", 403), ("reviewer_client", 403)]
)
@pytest.mark.parametrize("path", ["", "export/", "score-vs-outcome/"])
def test_dashboard_refused_roles(request, who, status, path):
    assert request.getfixturevalue(who).get(f"{URL}{path}").status_code == status


def test_xlsx_export_has_a_sheet_per_table(incubator_client, programme):
    response = incubator_client.get(f"{URL}export/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert len(book.sheetnames) == 7
    sheet = book["已命名创新工作室（按区县和级别）"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("区县", "区（县）级", "市级", "省级", "国家级", "合计")
    assert rows[-1] == ("合计", 0, 1, 1, 1, 3)


def test_total_row_is_in_the_table_not_in_the_chart(programme):
    studios = _table(tables.dashboard_tables(selectors.dashboard_figures()), "studios_by_district")
    assert studios.rows[-1][0] == "合计"
    assert studios.as_chart()["categories"] == ["茅箭区", "张湾区"]
