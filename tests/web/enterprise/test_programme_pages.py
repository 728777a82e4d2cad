"""The enterprise's studio and incubation pages without a browser: refusals per role, another
organisation's objects, malformed input writing nothing, what the pages offer."""

from datetime import date, timedelta
from io import BytesIO

import pytest
from django.utils import timezone

from accounts.enums import Role
from incubator.enums import ReportState
from incubator.models import IncubationReport
from innovation.enums import ApplicationState, StudioState
from innovation.models import Studio, StudioApplication, StudioAssessment, StudioAttachment
from projects.demo import demo_pdf
from tests.factories.accounts import ExpertiseFieldFactory, UserFactory
from tests.factories.incubator import IncubationFactory, IncubationReportFactory
from tests.factories.innovation import (
    NamedStudioFactory,
    StudioApplicationFactory,
    StudioFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def studio(organisation):
    studio = StudioFactory(organisation=organisation, name="王师傅创新工作室")
    StudioApplicationFactory(studio=studio)
    return studio


@pytest.fixture
def report(organisation):
    incubation = IncubationFactory(entry__organisation=organisation)
    return IncubationReportFactory(incubation=incubation)


def _pages(studio, report):
    return [
        "/enterprise/studios/",
        "/enterprise/studios/new/",
        f"/enterprise/studios/{studio.pk}/",
        f"/enterprise/studios/{studio.pk}/edit/",
        "/enterprise/incubations/",
        f"/enterprise/incubations/{report.incubation_id}/",
        f"/enterprise/incubations/reports/{report.pk}/",
    ]


def _posts(studio, report):
    application = studio.applications.get()
    return [
        f"/enterprise/studios/{studio.pk}/files/",
        f"/enterprise/studios/{studio.pk}/applications/",
        f"/enterprise/studios/{studio.pk}/applications/{application.pk}/submit/",
        f"/enterprise/studios/{studio.pk}/report/",
        f"/enterprise/studios/{studio.pk}/edit/",
        f"/enterprise/incubations/reports/{report.pk}/",
    ]


def _studio_post(field, **changes):
    data = {
        "name": "李工匠数控创新工作室",
        "field": field.pk,
        "level": "city",
        "leader_name": "李工匠",
        "leader_job_title": "高级技师",
        "leader_honours": ["jingchu_craftsman"],
        "founding_date": "2019-03-01",
        "description": "数控加工工艺改进。",
        "facilities": "",
        "contact_phone": "0719-8000001",
        "patents": "2",
        "innovations_adopted": "5",
        "economic_benefit": "300000",
        "people_trained": "40",
        "members-TOTAL_FORMS": "0",
        "members-INITIAL_FORMS": "0",
    }
    data.update(changes)
    return data


def test_anonymous_is_sent_to_sign_in_from_every_page(client, studio, report):
    for path in _pages(studio, report):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith("/accounts/login/?next="), path
    for path in _posts(studio, report):
        response = client.post(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith("/accounts/login/?next="), path


@pytest.mark.parametrize("role", [Role.REVIEWER, Role.UNION_STAFF, Role.INCUBATOR_STAFF])
def test_other_roles_get_403_on_every_page(client, studio, report, role):
    client.force_login(UserFactory(roles=[role]))
    for path in _pages(studio, report):
        assert client.get(path).status_code == 403, path
    for path in _posts(studio, report):
        assert client.post(path).status_code == 403, path


def test_another_organisations_studio_and_report_are_404_and_unchanged(
    client, studio, report, other_member
):
    client.force_login(other_member)
    for path in _pages(studio, report)[2:4] + _pages(studio, report)[5:]:
        assert client.get(path).status_code == 404, path
    for path in _posts(studio, report):
        assert client.post(path, {"level": "province", "year": "2024"}).status_code == 404, path
    assert client.get(f"/enterprise/studios/{studio.pk}/files/1/").status_code == 404
    studio.refresh_from_db()
    report.refresh_from_db()
    assert studio.applications.get().state == ApplicationState.DRAFT
    assert studio.applications.count() == 1 and not studio.attachments.exists()
    assert report.state == ReportState.PENDING


def test_lists_show_only_the_members_organisation(client, studio, report, other_member):
    theirs = StudioFactory(organisation=other_member.organisation, name="别人的工作室")
    client.force_login(other_member)
    html = client.get("/enterprise/studios/").content.decode()
    assert theirs.name in html and studio.name not in html
    html = client.get("/enterprise/incubations/").content.decode()
    assert report.incubation.entry.title not in html


def test_register_a_studio_opens_its_draft_application(client, member):
    field = ExpertiseFieldFactory()
    client.force_login(member)
    response = client.post("/enterprise/studios/new/", _studio_post(field))
    studio = Studio.objects.get(name="李工匠数控创新工作室")
    assert (
        response.status_code == 302 and response["Location"] == f"/enterprise/studios/{studio.pk}/"
    )
    assert studio.organisation == member.organisation and studio.leader_honours == [
        "jingchu_craftsman"
    ]
    assert studio.applications.get().state == ApplicationState.DRAFT


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"name": ""}, "name"),
        ({"patents": "-1"}, "patents"),
        ({"founding_date": "not a date"}, "founding_date"),
        ({"leader_honours": ["no_such_honour"]}, "leader_honours"),
        ({"founding_date": str(date.today() + timedelta(days=30))}, "founding_date"),
    ],
)
def test_malformed_studio_shows_the_field_error_and_writes_nothing(client, member, changes, field):
    client.force_login(member)
    response = client.post(
        "/enterprise/studios/new/", _studio_post(ExpertiseFieldFactory(), **changes)
    )
    assert response.status_code == 400
    assert f'data-field-error="{field}"' in response.content.decode()
    assert not Studio.objects.exists() and not StudioApplication.objects.exists()


def test_duplicate_studio_name_is_refused_next_to_the_name(client, member, studio):
    client.force_login(member)
    data = _studio_post(ExpertiseFieldFactory(), name=studio.name)
    response = client.post("/enterprise/studios/new/", data)
    assert response.status_code == 400
    assert 'data-field-error="name"' in response.content.decode()
    assert Studio.objects.count() == 1


def test_submit_the_application_then_the_profile_is_locked(client, member, studio):
    client.force_login(member)
    application = studio.applications.get()
    client.post(f"/enterprise/studios/{studio.pk}/applications/{application.pk}/submit/")
    application.refresh_from_db()
    assert application.state == ApplicationState.SUBMITTED
    html = client.get(f"/enterprise/studios/{studio.pk}/").content.decode()
    assert f"/enterprise/studios/{studio.pk}/edit/" not in html
    response = client.post(
        f"/enterprise/studios/{studio.pk}/edit/", _studio_post(studio.field, name="改名")
    )
    assert response.status_code == 400
    studio.refresh_from_db()
    assert studio.name == "王师傅创新工作室"


def test_upload_a_document_and_a_disguised_file_is_refused(client, member, studio):
    client.force_login(member)
    pdf = BytesIO(demo_pdf("工作室证书"))
    pdf.name = "证书.pdf"
    response = client.post(f"/enterprise/studios/{studio.pk}/files/", {"file": pdf})
    assert response.status_code == 302
    attachment = StudioAttachment.objects.get(studio=studio)
    download = client.get(f"/enterprise/studios/{studio.pk}/files/{attachment.pk}/")
    assert download.status_code == 200 and download["Content-Disposition"].startswith("attachment")
    fake = BytesIO(b"MZ\x90\x00" + b"\x00" * 200)
    fake.name = "伪装.pdf"
    response = client.post(f"/enterprise/studios/{studio.pk}/files/", {"file": fake})
    assert response.status_code == 400
    assert 'data-field-error="file"' in response.content.decode()
    assert StudioAttachment.objects.filter(studio=studio).count() == 1


def test_file_the_yearly_report_of_a_named_studio(client, member):
    studio = NamedStudioFactory(organisation=member.organisation, named_on=date(2022, 6, 1))
    client.force_login(member)
    html = client.get(f"/enterprise/studios/{studio.pk}/").content.decode()
    assert "2022" in html and str(timezone.localdate().year) in html
    data = {
        "year": "2023",
        "patents": "1",
        "innovations_adopted": "2",
        "economic_benefit": "5000",
        "people_trained": "12",
        "summary": "全年改进 2 项。",
    }
    response = client.post(f"/enterprise/studios/{studio.pk}/report/", data)
    assert response.status_code == 302
    assert StudioAssessment.objects.get(studio=studio).people_trained == 12
    response = client.post(f"/enterprise/studios/{studio.pk}/report/", data)
    assert response.status_code == 400 and 'data-field-error="year"' in response.content.decode()
    assert StudioAssessment.objects.filter(studio=studio).count() == 1


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"year": "1900"}, "year"),
        ({"year": "2019"}, "year"),
        ({"people_trained": "-3"}, "people_trained"),
    ],
)
def test_malformed_yearly_report_shows_the_field_error_and_writes_nothing(
    client, member, changes, field
):
    studio = NamedStudioFactory(organisation=member.organisation, named_on=date(2022, 6, 1))
    client.force_login(member)
    data = {
        "year": "2023",
        "patents": "1",
        "innovations_adopted": "2",
        "economic_benefit": "5000",
        "people_trained": "12",
        **changes,
    }
    response = client.post(f"/enterprise/studios/{studio.pk}/report/", data)
    assert response.status_code == 400
    assert f'data-field-error="{field}"' in response.content.decode()
    assert not StudioAssessment.objects.exists()


def test_a_pending_studio_cannot_file_a_yearly_report(client, member, studio):
    client.force_login(member)
    data = {
        "year": "2023",
        "patents": "0",
        "innovations_adopted": "0",
        "economic_benefit": "0",
        "people_trained": "0",
    }
    response = client.post(f"/enterprise/studios/{studio.pk}/report/", data)
    assert response.status_code == 400
    assert not StudioAssessment.objects.exists()
    assert studio.state == StudioState.PENDING


def _report_post(**changes):
    data = {
        "patents_filed": "1",
        "patents_granted": "0",
        "revenue": "120000",
        "jobs_created": "3",
        "financing_raised": "0",
        "products_launched": "1",
        "narrative": "样机完成。",
    }
    data.update(changes)
    return data


def test_incubation_page_says_which_periods_are_due_and_overdue(client, member):
    today = timezone.localdate()
    incubation = IncubationFactory(entry__organisation=member.organisation)
    overdue = IncubationReportFactory(
        incubation=incubation,
        period_start=date(2024, 1, 1),
        period_end=date(2024, 3, 31),
        due_date=date(2024, 4, 15),
    )
    due = IncubationReportFactory(
        incubation=incubation,
        period_start=today - timedelta(days=40),
        period_end=today - timedelta(days=1),
        due_date=today + timedelta(days=14),
    )
    upcoming = IncubationReportFactory(
        incubation=incubation,
        period_start=today,
        period_end=today + timedelta(days=60),
        due_date=today + timedelta(days=75),
    )
    client.force_login(member)
    html = client.get(f"/enterprise/incubations/{incubation.pk}/").content.decode()
    assert 'data-standing="overdue"' in html and 'data-standing="due"' in html
    assert 'data-standing="upcoming"' in html
    assert f"/enterprise/incubations/reports/{overdue.pk}/" in html
    assert f"/enterprise/incubations/reports/{due.pk}/" in html
    html = client.get(f"/enterprise/incubations/reports/{upcoming.pk}/").content.decode()
    assert 'name="revenue"' not in html


def test_file_a_quarterly_report(client, member, report):
    client.force_login(member)
    response = client.post(f"/enterprise/incubations/reports/{report.pk}/", _report_post())
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.state == ReportState.FILED and report.jobs_created == 3
    assert report.filed_by == member


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"revenue": "-5"}, "revenue"),
        ({"jobs_created": "many"}, "jobs_created"),
        ({"patents_filed": ""}, "patents_filed"),
    ],
)
def test_malformed_quarterly_report_shows_the_field_error_and_writes_nothing(
    client, member, report, changes, field
):
    client.force_login(member)
    response = client.post(f"/enterprise/incubations/reports/{report.pk}/", _report_post(**changes))
    assert response.status_code == 400
    assert f'data-field-error="{field}"' in response.content.decode()
    report.refresh_from_db()
    assert report.state == ReportState.PENDING and report.filed_at is None


def test_a_period_not_over_cannot_be_filed(client, member):
    today = timezone.localdate()
    report = IncubationReportFactory(
        incubation=IncubationFactory(entry__organisation=member.organisation),
        period_start=today,
        period_end=today + timedelta(days=60),
        due_date=today + timedelta(days=75),
    )
    client.force_login(member)
    response = client.post(f"/enterprise/incubations/reports/{report.pk}/", _report_post())
    assert response.status_code == 400
    assert IncubationReport.objects.get(pk=report.pk).state == ReportState.PENDING


def test_report_reminders_link_to_the_pages_not_the_api(settings, member):
    from incubator.notices import incubation_report_notices_due
    from innovation.notices import studio_report_notices_due
    from notifications.rendering import render_notice

    settings.SITE_URL = "https://innovation.example.cn"
    today = timezone.localdate()
    studio = NamedStudioFactory(organisation=member.organisation, named_on=date(2020, 1, 1))
    report = IncubationReportFactory(
        incubation=IncubationFactory(entry__organisation=member.organisation),
        period_start=today - timedelta(days=90),
        period_end=today - timedelta(days=1),
        due_date=today + timedelta(days=1),
    )
    notices = incubation_report_notices_due(today) + studio_report_notices_due(
        date(today.year, 3, 20)
    )
    links = {n.context["link"] for n in notices}
    assert f"https://innovation.example.cn/enterprise/incubations/reports/{report.pk}/" in links
    assert f"https://innovation.example.cn/enterprise/studios/{studio.pk}/#reports" in links
    for notice in notices:
        _, body = render_notice(kind=notice.kind, language="zh-hans", context=notice.context)
        assert notice.context["link"] in body and "/api/" not in body


def _with_members(data, *rows):
    data = {**data, "members-TOTAL_FORMS": str(len(rows)), "members-INITIAL_FORMS": "0"}
    for i, row in enumerate(rows):
        data.update({f"members-{i}-{k}": v for k, v in row.items()})
    return data


def test_register_a_studio_with_its_members(client, member):
    client.force_login(member)
    data = _with_members(
        _studio_post(ExpertiseFieldFactory()),
        {"name": "张三", "job_title": "技师", "honour": ""},
        {"name": "李四", "job_title": "", "honour": "checheng_craftsman"},
    )
    assert client.post("/enterprise/studios/new/", data).status_code == 302
    studio = Studio.objects.get(name="李工匠数控创新工作室")
    assert [m.name for m in studio.members.order_by("position")] == ["张三", "李四"]
    html = client.get(f"/enterprise/studios/{studio.pk}/edit/").content.decode()
    assert 'value="张三"' in html and 'value="李四"' in html


def test_a_member_without_a_name_shows_the_error_and_writes_nothing(client, member):
    client.force_login(member)
    data = _with_members(
        _studio_post(ExpertiseFieldFactory()), {"name": "", "job_title": "技师", "honour": ""}
    )
    response = client.post("/enterprise/studios/new/", data)
    assert response.status_code == 400
    assert 'data-field-error="name"' in response.content.decode()
    assert not Studio.objects.exists()
