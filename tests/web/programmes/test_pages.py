"""The programme pages through Django's test client: who is refused, what a form shows when a
service refuses, what the directory hides, constant query counts."""

from datetime import date, timedelta

import openpyxl
import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from incubator.models import Incubation
from innovation.models import StudioAssessment
from tests.factories.accounts import OrganisationFactory
from tests.factories.incubator import (
    AwardFactory,
    IncubationFactory,
    IncubationReportFactory,
    IncubatorEntryFactory,
)
from tests.factories.innovation import (
    NamedStudioFactory,
    StudioApplicationFactory,
    StudioAssessmentFactory,
    StudioFactory,
)

pytestmark = pytest.mark.django_db

STUDIO_PAGES = ["/programmes/studios/applications/", "/programmes/studios/assessments/"]
INCUBATOR_PAGES = ["/programmes/incubator/", "/programmes/incubator/reports/"]
DASHBOARD_PAGES = [
    "/programmes/dashboard/",
    "/programmes/dashboard/screen/",
    "/programmes/dashboard/score-vs-outcome/",
    "/programmes/dashboard/export/",
]


def _client(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.mark.parametrize("path", STUDIO_PAGES + INCUBATOR_PAGES + DASHBOARD_PAGES)
def test_anonymous_is_sent_to_sign_in(path):
    response = _client().get(path)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("path", STUDIO_PAGES + INCUBATOR_PAGES + DASHBOARD_PAGES)
def test_enterprise_and_reviewer_are_refused(member, reviewer_user, path):
    assert _client(member).get(path).status_code == 403
    assert _client(reviewer_user).get(path).status_code == 403


@pytest.mark.parametrize("path", INCUBATOR_PAGES)
def test_union_staff_are_refused_incubator_pages(union_staff, path):
    assert _client(union_staff).get(path).status_code == 403


@pytest.mark.parametrize("path", STUDIO_PAGES)
def test_incubator_staff_are_refused_studio_pages(incubator_staff, path):
    assert _client(incubator_staff).get(path).status_code == 403


@pytest.mark.parametrize("path", DASHBOARD_PAGES)
def test_both_staff_roles_read_the_dashboards(union_staff, incubator_staff, path):
    assert _client(union_staff).get(path).status_code == 200
    assert _client(incubator_staff).get(path).status_code == 200


def test_refused_roles_cannot_post_decisions(member, incubator_staff):
    application = StudioApplicationFactory(state="under_review")
    url = f"/programmes/studios/applications/{application.pk}/name/"
    assert _client(member).post(url, {"comment": "x"}).status_code == 403
    assert _client(incubator_staff).post(url, {"comment": "x"}).status_code == 403
    application.refresh_from_db()
    assert application.state == "under_review"


def test_return_without_comment_shows_the_error_and_writes_nothing(union_staff):
    application = StudioApplicationFactory(state="under_review")
    response = _client(union_staff).post(
        f"/programmes/studios/applications/{application.pk}/return/", {"comment": ""}
    )
    assert response.status_code == 400
    assert 'data-field-error="comment"' in response.content.decode()
    application.refresh_from_db()
    assert application.state == "under_review"


def test_naming_moves_the_studio(union_staff):
    application = StudioApplicationFactory(state="under_review", level="city")
    response = _client(union_staff).post(
        f"/programmes/studios/applications/{application.pk}/name/", {"comment": "符合市级标准"}
    )
    assert response.status_code == 303
    application.studio.refresh_from_db()
    assert (application.studio.state, application.studio.level) == ("named", "city")


def test_failing_rating_needs_a_comment(union_staff):
    assessment = StudioAssessmentFactory()
    url = f"/programmes/studios/assessments/{assessment.pk}/rate/"
    prefix = f"a{assessment.pk}"
    response = _client(union_staff).post(url, {f"{prefix}-rating": "fail", f"{prefix}-comment": ""})
    assert response.status_code == 400
    assert 'data-field-error="comment"' in response.content.decode()
    assert StudioAssessment.objects.get(pk=assessment.pk).state == "filed"
    response = _client(union_staff).post(
        url, {f"{prefix}-rating": "fail", f"{prefix}-comment": "成果转化为零"}
    )
    assert response.status_code == 303
    assert StudioAssessment.objects.get(pk=assessment.pk).rating == "fail"


def test_revocation_needs_a_reason(union_staff):
    studio = NamedStudioFactory()
    url = f"/programmes/studios/{studio.pk}/revoke/"
    assert _client(union_staff).post(url, {"reason": " "}).status_code == 400
    assert _client(union_staff).post(url, {"reason": "连续两年考核不合格"}).status_code == 303
    studio.refresh_from_db()
    assert studio.state == "revoked"


def test_backdated_admission_asks_for_confirmation_on_the_form(incubator_staff):
    entry = IncubatorEntryFactory(state="awarded")
    client = _client(incubator_staff)
    url = f"/programmes/incubator/admit/{entry.pk}/"
    long_ago = (timezone.localdate() - timedelta(days=400)).isoformat()
    response = client.post(url, {"start_date": long_ago})
    assert response.status_code == 400
    page = response.content.decode()
    assert 'data-field-error="start_date"' in page and 'name="confirm_backdated"' in page
    assert not Incubation.objects.exists()
    response = client.post(url, {"start_date": long_ago, "confirm_backdated": "on"})
    assert response.status_code == 303
    assert Incubation.objects.get().start_date.isoformat() == long_ago


def test_admitted_entry_is_no_longer_offered(incubator_staff):
    incubation = IncubationFactory()
    response = _client(incubator_staff).get(f"/programmes/incubator/admit/{incubation.entry_id}/")
    assert response.status_code == 404


def test_report_correction_needs_a_comment(incubator_staff):
    report = IncubationReportFactory(state="filed")
    url = f"/programmes/incubator/reports/{report.pk}/request-correction/"
    assert _client(incubator_staff).post(url, {f"r{report.pk}-comment": ""}).status_code == 400
    report.refresh_from_db()
    assert report.state == "filed"
    assert (
        _client(incubator_staff).post(url, {f"r{report.pk}-comment": "请附财务报表"}).status_code
        == 303
    )
    report.refresh_from_db()
    assert (report.state, report.review_comment) == ("correction_requested", "请附财务报表")


def test_directory_is_public_named_only_and_without_contact_data():
    host = OrganisationFactory(district="zhangwan")
    NamedStudioFactory(organisation=host, name="汽车工匠创新工作室", contact_phone="0719-8123456")
    StudioFactory(name="待审核的工作室")
    NamedStudioFactory(name="已撤销的工作室", state="revoked")
    NamedStudioFactory(name="茅箭省级工作室", level="province")
    page = _client().get("/studios/").content.decode()
    assert "汽车工匠创新工作室" in page and "茅箭省级工作室" in page
    assert "待审核的工作室" not in page and "已撤销的工作室" not in page
    assert "0719-8123456" not in page
    filtered = _client().get("/studios/?level=province").content.decode()
    assert "茅箭省级工作室" in filtered and "汽车工匠创新工作室" not in filtered
    by_district = _client().get("/studios/?district=zhangwan").content.decode()
    assert "汽车工匠创新工作室" in by_district and "茅箭省级工作室" not in by_district


def _queries(client, path) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(path).status_code == 200
    return len(ctx.captured_queries)


def _grow(n):
    for i in range(n):
        entry = IncubatorEntryFactory(state="awarded")
        AwardFactory(entry=entry, tier="first" if i % 2 else "third")
        incubation = IncubationFactory(entry=entry)
        IncubationReportFactory(incubation=incubation, state="accepted", revenue=1000 * i)
        NamedStudioFactory(organisation=OrganisationFactory(district="fangxian"))


@pytest.mark.parametrize(
    "path",
    [
        "/programmes/dashboard/",
        "/programmes/dashboard/score-vs-outcome/",
        "/programmes/incubator/",
        "/studios/",
    ],
)
def test_page_queries_do_not_grow_with_the_data(incubator_staff, path):
    client = _client(incubator_staff)
    _grow(2)
    small = _queries(client, path)
    _grow(12)
    assert _queries(client, path) == small


def test_export_is_a_workbook(incubator_staff):
    _grow(2)
    response = _client(incubator_staff).get("/programmes/dashboard/export/")
    book = openpyxl.load_workbook(__import__("io").BytesIO(response.content))
    assert "大赛成绩与孵化成果的等级相关" in book.sheetnames


def test_screen_view_refreshes_itself(union_staff):
    page = _client(union_staff).get("/programmes/dashboard/screen/").content.decode()
    assert 'data-refresh-seconds="300"' in page


def test_timeline_page(incubator_staff):
    incubation = IncubationFactory(start_date=date(2024, 1, 1))
    page = _client(incubator_staff).get(f"/programmes/incubator/{incubation.pk}/")
    assert page.status_code == 200
    assert "入驻众创空间" in page.content.decode()


def test_other_roles_get_404_for_unknown_objects(incubator_staff):
    assert _client(incubator_staff).get("/programmes/incubator/999999/").status_code == 404


def _detail_pages():
    """The pages of one object, with the role that runs them: union staff (studios), incubator
    staff (the incubator)."""
    studio = NamedStudioFactory()
    incubation = IncubationFactory()
    winner = IncubatorEntryFactory(state="awarded")
    AwardFactory(entry=winner)
    return [
        (f"/programmes/studios/{studio.pk}/", "union"),
        (f"/programmes/incubator/{incubation.pk}/", "incubator"),
        (f"/programmes/incubator/admit/{winner.pk}/", "incubator"),
    ]


def test_detail_pages_refuse_the_roles_that_must_be_refused(
    member, reviewer_user, union_staff, incubator_staff
):
    for path, runner in _detail_pages():
        anonymous = _client().get(path)
        assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"], path
        assert _client(member).get(path).status_code == 403, path
        assert _client(reviewer_user).get(path).status_code == 403, path
        allowed, refused = (
            (union_staff, incubator_staff) if runner == "union" else (incubator_staff, union_staff)
        )
        assert _client(allowed).get(path).status_code == 200, path
        assert _client(refused).get(path).status_code == 403, path


def _one_of_each():
    """The smallest programme: one studio, one entry with its award, one incubation with a
    received report and an overdue one (so the reports page has one row of each list)."""
    NamedStudioFactory(organisation=OrganisationFactory(district="zhangwan"))
    entry = IncubatorEntryFactory(state="awarded")
    AwardFactory(entry=entry, tier="first", recommended_provincial=True)
    incubation = IncubationFactory(entry=entry)
    IncubationReportFactory(incubation=incubation, state="filed")
    IncubationReportFactory(
        incubation=incubation,
        period_start=date(2024, 4, 1),
        period_end=date(2024, 6, 30),
        due_date=date(2024, 7, 15),
    )


def _many_of_each():
    """Many more of everything, spread over levels, districts, editions, tiers and report
    states, with several reports, milestones and support records per project."""
    from tests.factories.incubator import IncubatorContestFactory, MilestoneFactory

    for i, district in enumerate(["maojian", "fangxian", "zhushan", "danjiangkou"]):
        for level in ("district", "city", "province", "national"):
            NamedStudioFactory(
                organisation=OrganisationFactory(district=district),
                level=level,
                named_on=date(2020 + i, 6, 1),
            )
    for edition in (3, 4, 5):
        contest = IncubatorContestFactory(edition=edition, year=2020 + edition)
        for i in range(4):
            entry = IncubatorEntryFactory(contest=contest, state="awarded")
            AwardFactory(entry=entry, tier=["first", "second", "third", "excellence"][i])
            IncubatorEntryFactory(contest=contest, state="not_advanced")
            incubation = IncubationFactory(entry=entry)
            MilestoneFactory(incubation=incubation)
            for q, state in enumerate(["accepted", "filed", "pending", "correction_requested"]):
                IncubationReportFactory(
                    incubation=incubation,
                    state=state,
                    revenue=1000 * q,
                    period_start=date(2024, 1 + 3 * q, 1),
                    period_end=date(2024, 3 + 3 * q, 28),
                    due_date=date(2024, 3 + 3 * q, 28) + timedelta(days=15),
                )


@pytest.mark.parametrize(
    "path",
    [
        "/programmes/dashboard/",
        "/programmes/dashboard/screen/",
        "/programmes/dashboard/score-vs-outcome/",
        "/programmes/dashboard/export/",
        "/programmes/incubator/reports/",
    ],
)
def test_dashboard_queries_are_the_same_for_one_and_for_many(incubator_staff, path):
    client = _client(incubator_staff)
    _one_of_each()
    client.get(path)  # warm the per-process caches (content types, the session) first
    one = _queries(client, path)
    _many_of_each()
    assert _queries(client, path) == one


def test_reports_page_is_paged_and_a_refusal_shows_on_its_page(incubator_staff):
    incubation = IncubationFactory()
    filed = [
        IncubationReportFactory(
            incubation=incubation,
            state="filed",
            period_start=date(2020, 1, 1) + timedelta(days=31 * i),
            period_end=date(2020, 1, 20) + timedelta(days=31 * i),
            due_date=date(2020, 2, 5) + timedelta(days=31 * i),
        )
        for i in range(21)
    ]
    client = _client(incubator_staff)
    first = client.get("/programmes/incubator/reports/").content.decode()
    last = filed[-1]
    assert f"r{filed[0].pk}-comment" in first and f"r{last.pk}-comment" not in first
    url = f"/programmes/incubator/reports/{last.pk}/request-correction/?page=2"
    response = client.post(url, {f"r{last.pk}-comment": ""})
    assert response.status_code == 400
    page = response.content.decode()
    assert f"r{last.pk}-comment" in page and 'data-field-error="comment"' in page
    last.refresh_from_db()
    assert last.state == "filed"


def test_admission_before_the_award_is_refused_on_the_form_even_confirmed(incubator_staff):
    entry = IncubatorEntryFactory(state="awarded")
    award = AwardFactory(entry=entry)
    day_before = (timezone.localdate(award.granted_at) - timedelta(days=1)).isoformat()
    response = _client(incubator_staff).post(
        f"/programmes/incubator/admit/{entry.pk}/",
        {"start_date": day_before, "confirm_backdated": "on"},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert 'data-field-error="start_date"' in page and "获奖日期" in page
    assert not Incubation.objects.exists()


def test_backdated_admission_says_in_chinese_how_many_reports_fall_overdue(incubator_staff):
    entry = IncubatorEntryFactory(state="awarded")
    long_ago = (timezone.localdate() - timedelta(days=400)).isoformat()
    response = _client(incubator_staff).post(
        f"/programmes/incubator/admit/{entry.pk}/",
        {"start_date": long_ago},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert response.status_code == 400
    assert "开始日期早于今天 400 天" in response.content.decode()
