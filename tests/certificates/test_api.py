"""The certificates API per role."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from certificates import services
from publicity import services as publicity
from reviews import services as review_services
from tests.conftest import _client_for
from tests.factories.accounts import EnterpriseUserFactory
from tests.factories.publicity import make_awarded_round, make_notice

BJ = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def issued(union_staff):
    round_, entries = make_awarded_round(actor=union_staff)
    with time_machine.travel(dt.datetime(2025, 9, 26, 10, 0, tzinfo=BJ), tick=False):
        notice = make_notice(actor=union_staff, round_=round_)
    with time_machine.travel(dt.datetime(2025, 10, 13, 9, 0, tzinfo=BJ), tick=False):
        publicity.notice_finalize(actor=union_staff, notice=notice)
    return services.certificates_issue(contest=round_.contest, actor=union_staff)


def test_anyone_verifies_a_number(api, issued, union_staff):
    body = api.get(f"/api/v1/certificate-verification/?number={issued[0].number}").json()
    assert body["known"] and body["valid"] and body["tier_label"] == "一等奖"
    unknown = api.get("/api/v1/certificate-verification/?number=2026-01-0001-AAAA").json()
    assert unknown["known"] is False and unknown["valid"] is False
    review_services.award_withdraw(award=issued[1].award, actor=union_staff, reason="撤销")
    withdrawn = api.get(f"/api/v1/certificate-verification/?number={issued[1].number}").json()
    assert withdrawn["known"] and withdrawn["withdrawn"] and not withdrawn["valid"]


def test_member_lists_and_downloads_only_their_own(issued):
    member = EnterpriseUserFactory(organisation=issued[0].organisation)
    client = _client_for(member)
    assert [c["number"] for c in client.get("/api/v1/certificates/").json()["results"]] == [
        issued[0].number
    ]
    assert client.get(f"/api/v1/certificates/{issued[0].pk}/pdf/").content.startswith(b"%PDF")
    assert client.get(f"/api/v1/certificates/{issued[1].pk}/pdf/").status_code == 404
    assert (
        client.post(
            "/api/v1/certificates/generate/", {"contest": issued[0].contest_id}, format="json"
        ).status_code
        == 403
    )


def test_staff_start_the_job_and_get_the_zip(staff_client, issued):
    contest = issued[0].contest_id
    response = staff_client.post(
        "/api/v1/certificates/generate/", {"contest": contest}, format="json"
    )
    assert response.status_code == 202 and response["Location"].startswith("/api/v1/jobs/")
    zipped = staff_client.get(f"/api/v1/certificates/zip/?contest={contest}")
    assert zipped.status_code == 200 and zipped["Content-Type"] == "application/zip"
    assert staff_client.get("/api/v1/certificates/zip/?contest=x").status_code == 400


def test_anonymous_is_refused_the_list(api, issued):
    assert api.get("/api/v1/certificates/").status_code == 401
