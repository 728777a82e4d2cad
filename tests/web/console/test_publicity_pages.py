"""The console's results notice pages per role, and staff handling an objection."""

import pytest

from publicity import services
from publicity.enums import NoticeState, ObjectionState
from publicity.models import ResultsNotice
from tests.factories.publicity import make_awarded_round, make_notice, objection_data, scan_upload


@pytest.fixture
def awarded(union_staff):
    return make_awarded_round(actor=union_staff)


@pytest.fixture
def notice(awarded, union_staff):
    return make_notice(actor=union_staff, round_=awarded[0])


@pytest.fixture
def objection(notice, awarded):
    return services.objection_submit(
        notice=notice, scan=scan_upload(), **objection_data(awarded[1][0])
    )


@pytest.fixture
def staff(client, union_staff):
    client.force_login(union_staff)
    return client


@pytest.mark.parametrize("path", ["/console/notices/", "/console/notices/new/"])
def test_anonymous_is_sent_to_sign_in(client, path):
    response = client.get(path)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_member_is_refused(client, member, objection):
    client.force_login(member)
    for path in (
        "/console/notices/",
        f"/console/notices/{objection.notice_id}/",
        f"/console/objections/{objection.pk}/",
        f"/console/objections/{objection.pk}/scan/",
    ):
        assert client.get(path).status_code == 403


def test_unknown_objection_is_404(staff):
    assert staff.get("/console/objections/999999/").status_code == 404


def test_staff_draft_and_publish_a_notice(staff, awarded):
    round_, entries = awarded
    form = staff.get("/console/notices/new/").content.decode()
    assert round_.name in form
    response = staff.post(
        "/console/notices/new/",
        {
            "round": round_.pk,
            "title": "获奖项目公示",
            "contact": "经济技术部 0719-8888888",
            "working_days": 5,
        },
    )
    assert response.status_code == 303
    notice = ResultsNotice.objects.get()
    page = staff.get(f"/console/notices/{notice.pk}/").content.decode()
    assert entries[0].title in page  # the preview
    staff.post(f"/console/notices/{notice.pk}/move/", {"to": "published"})
    notice.refresh_from_db()
    assert notice.state == NoticeState.PUBLISHED and notice.versions.count() == 1


def test_bad_period_shows_the_error_and_writes_nothing(staff, awarded):
    response = staff.post(
        "/console/notices/new/",
        {"round": awarded[0].pk, "title": "公示", "contact": "x", "working_days": 0},
    )
    assert response.status_code == 400
    assert 'data-field-error="working_days"' in response.content.decode()
    assert not ResultsNotice.objects.exists()


def test_finalize_during_the_period_says_why(staff, notice):
    response = staff.post(f"/console/notices/{notice.pk}/move/", {"to": "final"}, follow=True)
    assert "objection period runs until" in response.content.decode()
    notice.refresh_from_db()
    assert notice.state == NoticeState.PUBLISHED


def test_staff_handle_an_objection_to_an_upheld_withdrawal(staff, objection, awarded):
    url = f"/console/objections/{objection.pk}/"
    assert objection.name in staff.get(url).content.decode()
    assert staff.post(url, {"step": "acknowledge", "note": ""}).status_code == 303
    assert staff.post(url, {"step": "note", "text": "调取专利文件。"}).status_code == 303
    response = staff.post(
        url,
        {
            "step": "decide",
            "upheld": "1",
            "reply": "异议成立，撤销奖项。",
            "remedy": "withdraw_award",
            "tier": "",
        },
    )
    assert response.status_code == 303
    objection.refresh_from_db()
    assert objection.state == ObjectionState.UPHELD
    page = staff.get(f"/console/notices/{objection.notice_id}/").content.decode()
    assert "Version 2" in page and "Version 1" in page


def test_decision_without_a_reply_shows_the_error(staff, objection):
    url = f"/console/objections/{objection.pk}/"
    staff.post(url, {"step": "acknowledge"})
    response = staff.post(url, {"step": "decide", "upheld": "0", "reply": "", "remedy": "none"})
    assert response.status_code == 400
    assert 'data-field-error="reply"' in response.content.decode()
    objection.refresh_from_db()
    assert objection.state == ObjectionState.ACKNOWLEDGED


def test_dismissed_with_a_remedy_is_refused_on_the_field(staff, objection):
    url = f"/console/objections/{objection.pk}/"
    staff.post(url, {"step": "acknowledge"})
    response = staff.post(
        url, {"step": "decide", "upheld": "0", "reply": "不成立", "remedy": "withdraw_award"}
    )
    assert response.status_code == 400
    assert 'data-field-error="remedy"' in response.content.decode()


def test_staff_download_the_scan(staff, objection):
    response = staff.get(f"/console/objections/{objection.pk}/scan/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"


def test_staff_put_up_a_whole_contests_awards(staff, awarded):
    round_, entries = awarded
    response = staff.post(
        "/console/notices/new/",
        {
            "contest": round_.contest_id,
            "title": "年度获奖公示",
            "contact": "0719-8888888",
            "working_days": 5,
        },
    )
    assert response.status_code == 303
    notice = ResultsNotice.objects.get()
    assert notice.contest_id == round_.contest_id and notice.round_id is None
    page = staff.get(f"/console/notices/{notice.pk}/").content.decode()
    assert entries[0].title in page  # the contest's awards, previewed


@pytest.mark.parametrize("scope", ["both", "neither"])
def test_a_notice_needs_exactly_one_scope(staff, awarded, scope):
    round_, _ = awarded
    data = {"title": "公示", "contact": "x", "working_days": 5}
    if scope == "both":
        data |= {"round": round_.pk, "contest": round_.contest_id}
    response = staff.post("/console/notices/new/", data)
    assert response.status_code == 400
    assert 'data-field-error="round"' in response.content.decode()
    assert not ResultsNotice.objects.exists()
