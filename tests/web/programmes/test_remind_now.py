"""'Send reminder now' on the assessments page (studios) and the reports page (incubator): the
service writes the notices, refuses in words within the cool-down, and the page shows how long is
left; the API's action calls the same service; the roles that must be refused are."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from core.exceptions import Conflict
from core.models import AuditEvent
from incubator.services import incubation_report_remind_now
from innovation.services import studio_report_remind_now
from notifications.models import Notice
from tests.factories.accounts import EnterpriseUserFactory
from tests.factories.incubator import IncubationReportFactory
from tests.factories.innovation import NamedStudioFactory, StudioAssessmentFactory

pytestmark = pytest.mark.django_db

ASSESSMENTS = "/programmes/studios/assessments/"
REPORTS = "/programmes/incubator/reports/"


def _client(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def studio_owing(organisation, member):
    """A named studio whose host (``member``'s organisation) has not reported on last year."""
    return NamedStudioFactory(organisation=organisation, name="王建国劳模创新工作室")


@pytest.fixture
def report_overdue(organisation, member):
    today = timezone.localdate()
    return IncubationReportFactory(
        incubation__entry__organisation=organisation,
        incubation__entry__title="重卡换电站电池包快速锁止机构",
        period_start=today - timedelta(days=120),
        period_end=today - timedelta(days=30),
        due_date=today - timedelta(days=15),
    )


def _remind_notices(kind):
    return Notice.objects.filter(kind=kind)


# --- studios ------------------------------------------------------------------------------------


def test_studio_reminder_reaches_every_active_member(union_staff, studio_owing, member):
    second = EnterpriseUserFactory(organisation=studio_owing.organisation)
    EnterpriseUserFactory(organisation=studio_owing.organisation, is_active=False)
    assert studio_report_remind_now(actor=union_staff, studio=studio_owing) == 2
    notices = _remind_notices("studio_report_remind_now")
    assert set(notices.values_list("recipient_id", flat=True)) == {member.pk, second.pk}
    assert "王建国劳模创新工作室" in notices.first().title
    assert AuditEvent.objects.filter(action="studio.remind_report").count() == 1


def test_studio_second_reminder_within_cooldown_is_refused_with_the_time_left(
    union_staff, studio_owing, member, settings
):
    settings.NOTIFICATIONS_REMIND_NOW_COOLDOWN_HOURS = 24
    now = timezone.now()
    studio_report_remind_now(actor=union_staff, studio=studio_owing, now=now)
    with pytest.raises(Conflict) as refused:
        studio_report_remind_now(
            actor=union_staff, studio=studio_owing, now=now + timedelta(hours=20)
        )
    assert refused.value.code == "reminded_recently"
    assert "4" in refused.value.detail  # 4 hours left
    assert _remind_notices("studio_report_remind_now").count() == 1
    # After the cool-down it goes again.
    assert (
        studio_report_remind_now(
            actor=union_staff, studio=studio_owing, now=now + timedelta(hours=24, minutes=1)
        )
        == 1
    )


def test_studio_that_reported_is_not_reminded(union_staff, studio_owing, member):
    StudioAssessmentFactory(studio=studio_owing, year=timezone.localdate().year - 1)
    with pytest.raises(Conflict) as refused:
        studio_report_remind_now(actor=union_staff, studio=studio_owing)
    assert refused.value.code == "report_not_missing"
    assert not Notice.objects.exists()


def test_studio_without_members_is_refused(union_staff):
    studio = NamedStudioFactory()
    with pytest.raises(Conflict) as refused:
        studio_report_remind_now(actor=union_staff, studio=studio)
    assert refused.value.code == "no_one_to_remind"


def test_assessments_page_button_sends_and_then_shows_the_wait(union_staff, studio_owing, member):
    client = _client(union_staff)
    url = f"/programmes/studios/{studio_owing.pk}/remind/"
    response = client.post(url)
    assert response.status_code == 303
    page = client.get(ASSESSMENTS).content.decode()
    assert "王建国劳模创新工作室: reminder sent to 1 member." in page
    assert f'id="remind-wait-{studio_owing.pk}"' in page and "the next reminder can go in" in page
    chinese = client.get(ASSESSMENTS, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "后可再次提醒" in chinese and "立即发送提醒" in chinese


def test_assessments_page_refuses_in_words_when_pressed_too_early(
    union_staff, studio_owing, member
):
    client = _client(union_staff)
    url = f"/programmes/studios/{studio_owing.pk}/remind/"
    client.post(url)
    response = client.post(url)
    assert response.status_code == 409
    page = response.content.decode()
    assert f'data-remind-error="{studio_owing.pk}"' in page
    assert "was reminded less than 12 hours ago" in page
    chinese = client.post(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "王建国劳模创新工作室在12小时内已提醒过。还需" in chinese
    assert _remind_notices("studio_report_remind_now").count() == 1


@pytest.mark.parametrize("who", ["member", "reviewer_user", "incubator_staff"])
def test_studio_reminder_refused_roles(request, who, studio_owing):
    user = request.getfixturevalue(who)
    response = _client(user).post(f"/programmes/studios/{studio_owing.pk}/remind/")
    assert response.status_code == 403
    assert not Notice.objects.exists()


def test_studio_reminder_anonymous_is_sent_to_sign_in(studio_owing):
    response = _client().post(f"/programmes/studios/{studio_owing.pk}/remind/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert not Notice.objects.exists()


def test_studio_reminder_api_calls_the_same_service(staff_client, member_client, studio_owing):
    url = f"/api/v1/studios/{studio_owing.pk}/remind-report/"
    assert member_client.post(url).status_code == 403
    response = staff_client.post(url)
    assert response.status_code == 200 and response.data == {"reminded": 1}
    again = staff_client.post(url)
    assert again.status_code == 409 and again.data["code"] == "reminded_recently"


# --- incubator ----------------------------------------------------------------------------------


def test_report_reminder_and_cooldown(incubator_staff, report_overdue, member, settings):
    settings.NOTIFICATIONS_REMIND_NOW_COOLDOWN_HOURS = 24
    now = timezone.now()
    assert incubation_report_remind_now(actor=incubator_staff, report=report_overdue, now=now) == 1
    notice = _remind_notices("incubation_report_remind_now").get()
    assert notice.recipient == member and "重卡换电站电池包快速锁止机构" in notice.title
    with pytest.raises(Conflict) as refused:
        incubation_report_remind_now(
            actor=incubator_staff, report=report_overdue, now=now + timedelta(hours=1)
        )
    assert refused.value.code == "reminded_recently"
    assert _remind_notices("incubation_report_remind_now").count() == 1


def test_report_not_owed_is_not_reminded(incubator_staff, member, organisation):
    today = timezone.localdate()
    upcoming = IncubationReportFactory(
        incubation__entry__organisation=organisation,
        period_start=today - timedelta(days=10),
        period_end=today + timedelta(days=80),
        due_date=today + timedelta(days=95),
    )
    filed = IncubationReportFactory(incubation__entry__organisation=organisation, state="filed")
    for report in (upcoming, filed):
        with pytest.raises(Conflict) as refused:
            incubation_report_remind_now(actor=incubator_staff, report=report)
        assert refused.value.code == "report_not_owed"
    assert not Notice.objects.exists()


def test_reports_page_lists_due_and_overdue_with_the_button(
    incubator_staff, report_overdue, organisation
):
    today = timezone.localdate()
    IncubationReportFactory(
        incubation__entry__organisation=organisation,
        incubation__entry__title="水轮机组在线监测系统",
        period_start=today - timedelta(days=95),
        period_end=today - timedelta(days=5),
        due_date=today + timedelta(days=10),
    )
    page = _client(incubator_staff).get(REPORTS).content.decode()
    overdue, due = page.split('id="h-due"')
    assert "重卡换电站电池包快速锁止机构" in overdue and "水轮机组在线监测系统" in due
    assert page.count("Send reminder now") == 2


def test_reports_page_button_then_refusal_in_words(incubator_staff, report_overdue, member):
    client = _client(incubator_staff)
    url = f"/programmes/incubator/reports/{report_overdue.pk}/remind/"
    assert client.post(url).status_code == 303
    page = client.get(REPORTS).content.decode()
    assert "reminder sent to 1 member." in page and f'id="remind-wait-{report_overdue.pk}"' in page
    response = client.post(url)
    assert response.status_code == 409
    assert f'data-remind-error="{report_overdue.pk}"' in response.content.decode()
    assert _remind_notices("incubation_report_remind_now").count() == 1


@pytest.mark.parametrize("who", ["member", "reviewer_user", "union_staff"])
def test_report_reminder_refused_roles(request, who, report_overdue):
    user = request.getfixturevalue(who)
    response = _client(user).post(f"/programmes/incubator/reports/{report_overdue.pk}/remind/")
    assert response.status_code == 403
    assert not Notice.objects.exists()


def test_report_reminder_anonymous_is_sent_to_sign_in(report_overdue):
    response = _client().post(f"/programmes/incubator/reports/{report_overdue.pk}/remind/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_report_reminder_api_calls_the_same_service(
    incubator_client, member_client, report_overdue
):
    url = f"/api/v1/incubation-reports/{report_overdue.pk}/remind/"
    assert member_client.post(url).status_code == 403
    response = incubator_client.post(url)
    assert response.status_code == 200 and response.data == {"reminded": 1}
    assert incubator_client.post(url).data["code"] == "reminded_recently"
