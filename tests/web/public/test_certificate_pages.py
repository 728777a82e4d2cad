"""Certificate pages: the public verification page, the enterprise's download, the staff's
generation and ZIP."""

import datetime as dt
import io
import zipfile
from zoneinfo import ZoneInfo

import pytest
import time_machine

from certificates import services
from jobs.models import Job
from publicity import services as publicity
from reviews import services as review_services
from tests.factories.accounts import EnterpriseUserFactory
from tests.factories.publicity import make_awarded_round, make_notice

BJ = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def final_round(union_staff):
    round_, entries = make_awarded_round(actor=union_staff)
    with time_machine.travel(dt.datetime(2025, 9, 26, 10, 0, tzinfo=BJ), tick=False):
        notice = make_notice(actor=union_staff, round_=round_)
    with time_machine.travel(dt.datetime(2025, 10, 13, 9, 0, tzinfo=BJ), tick=False):
        publicity.notice_finalize(actor=union_staff, notice=notice)
    return round_, entries


@pytest.fixture
def issued(final_round, union_staff):
    return services.certificates_issue(contest=final_round[0].contest, actor=union_staff)


def test_valid_number_shows_the_award(client, issued, final_round):
    page = client.get(f"/certificates/verify/{issued[0].number}/").content.decode()
    assert "This certificate is valid." in page
    assert final_round[1][0].title in page and "一等奖" in page


def test_unknown_number_says_so(client, issued):
    response = client.get("/certificates/verify/?number=2026-05-9999-ZZZZ")
    assert response.status_code == 404
    assert "No certificate has the number 2026-05-9999-ZZZZ" in response.content.decode()


def test_withdrawn_award_says_so(client, issued, union_staff):
    review_services.award_withdraw(award=issued[1].award, actor=union_staff, reason="经查实抄袭")
    page = client.get(f"/certificates/verify/{issued[1].number}/").content.decode()
    assert "This award has been withdrawn" in page and "经查实抄袭" in page
    assert "This certificate is valid." not in page


def test_member_downloads_their_certificate_and_not_anothers(client, issued, final_round):
    member = EnterpriseUserFactory(organisation=final_round[1][0].organisation)
    client.force_login(member)
    page = client.get("/enterprise/results/").content.decode()
    assert issued[0].number in page and issued[1].number not in page
    response = client.get(f"/enterprise/certificates/{issued[0].pk}/pdf/")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert client.get(f"/enterprise/certificates/{issued[1].pk}/pdf/").status_code == 404


def test_anonymous_download_goes_to_sign_in(client, issued):
    response = client.get(f"/enterprise/certificates/{issued[0].pk}/pdf/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_staff_download_the_zip_and_a_member_may_not(client, issued, union_staff, member):
    contest_id = issued[0].contest_id
    client.force_login(member)
    assert client.get(f"/console/contests/{contest_id}/certificates.zip").status_code == 403
    client.force_login(union_staff)
    response = client.get(f"/console/contests/{contest_id}/certificates.zip")
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        assert len(archive.namelist()) == 3


def test_staff_start_the_job_once_final(client, final_round, union_staff):
    client.force_login(union_staff)
    contest_id = final_round[0].contest_id
    assert (
        "Generate 3 certificates"
        in client.get(f"/console/contests/{contest_id}/certificates/").content.decode()
    )
    response = client.post(f"/console/contests/{contest_id}/certificates/")
    job = Job.objects.get(kind="certificates.contest.generate")
    assert response.status_code == 303 and response["Location"] == f"/console/jobs/{job.pk}/"


def test_staff_cannot_start_before_final(client, union_staff):
    round_, _ = make_awarded_round(actor=union_staff)
    client.force_login(union_staff)
    response = client.post(f"/console/contests/{round_.contest_id}/certificates/", follow=True)
    assert "once the results notice of the contest is final" in response.content.decode()
    assert not Job.objects.exists()


@pytest.mark.parametrize("number", ["%00", "2026%00-05", "x" * 200, "２０２６"])
def test_a_number_no_certificate_can_have_is_unknown_not_an_error(client, issued, number):
    assert client.get(f"/certificates/verify/?number={number}").status_code == 404
