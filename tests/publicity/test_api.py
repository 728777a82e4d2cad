"""The results notice API per role: visitors read published notices; union staff write."""

import pytest

from publicity import services
from publicity.models import ResultsNotice
from tests.factories.publicity import make_notice, objection_data, scan_upload


@pytest.fixture
def objection(notice, awarded):
    data = objection_data(awarded[1][1])
    return services.objection_submit(notice=notice, scan=scan_upload(), **data)


def test_visitor_lists_published_notices_only(api, notice, awarded, union_staff):
    make_notice(actor=union_staff, round_=awarded[0], publish=False, title="草稿公示")
    body = api.get("/api/v1/results-notices/").json()
    assert [n["title"] for n in body["results"]] == [notice.title]
    assert body["results"][0]["accepting_objections"] is True
    assert body["results"][0]["versions"][0]["rows"][0]["tier_label"] == "一等奖"


def test_visitor_gets_404_for_a_draft(api, awarded, union_staff):
    draft = make_notice(actor=union_staff, round_=awarded[0], publish=False)
    assert api.get(f"/api/v1/results-notices/{draft.pk}/").status_code == 404


def test_staff_create_and_publish(staff_client, awarded):
    round_, _ = awarded
    created = staff_client.post(
        "/api/v1/results-notices/",
        {
            "contest": round_.contest_id,
            "round": round_.pk,
            "title": "获奖公示",
            "contact": "经济技术部 0719-8888888",
            "working_days": 5,
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    pk = created.json()["id"]
    published = staff_client.post(f"/api/v1/results-notices/{pk}/publish/")
    assert published.status_code == 200
    assert published.json()["state"] == "published" and published.json()["ends_at"]
    again = staff_client.post(f"/api/v1/results-notices/{pk}/publish/")
    assert again.status_code == 409


def test_create_with_a_bad_period_is_400_naming_the_field(staff_client, awarded):
    round_, _ = awarded
    response = staff_client.post(
        "/api/v1/results-notices/",
        {
            "contest": round_.contest_id,
            "round": round_.pk,
            "title": "公示",
            "contact": "x",
            "working_days": 0,
        },
        format="json",
    )
    assert response.status_code == 400
    assert "working_days" in response.json()["fields"]
    assert not ResultsNotice.objects.exists()


def test_member_may_not_create(member_client, awarded):
    round_, _ = awarded
    response = member_client.post(
        "/api/v1/results-notices/",
        {"contest": round_.contest_id, "title": "公示", "contact": "x"},
        format="json",
    )
    assert response.status_code == 403


def test_anonymous_may_not_publish(api, awarded, union_staff):
    draft = make_notice(actor=union_staff, round_=awarded[0], publish=False)
    assert api.post(f"/api/v1/results-notices/{draft.pk}/publish/").status_code == 401


def test_finalize_during_the_period_is_409(staff_client, notice):
    response = staff_client.post(f"/api/v1/results-notices/{notice.pk}/finalize/")
    assert response.status_code == 409
    assert response.json()["code"] == "period_running"


def test_objections_are_for_staff_only(api, member_client, staff_client, objection):
    assert api.get("/api/v1/objections/").status_code == 401
    assert member_client.get("/api/v1/objections/").status_code == 403
    body = staff_client.get("/api/v1/objections/").json()
    assert [o["id"] for o in body["results"]] == [objection.pk]


def test_staff_handle_an_objection_through_the_api(staff_client, objection):
    base = f"/api/v1/objections/{objection.pk}"
    assert (
        staff_client.post(
            f"{base}/decide/", {"upheld": False, "reply": "x"}, format="json"
        ).status_code
        == 409
    )
    assert staff_client.post(f"{base}/acknowledge/", {}, format="json").status_code == 200
    noted = staff_client.post(f"{base}/note/", {"text": "核查中"}, format="json")
    assert noted.json()["state"] == "investigating"
    missing = staff_client.post(f"{base}/decide/", {"upheld": False}, format="json")
    assert missing.status_code == 400 and "reply" in missing.json()["fields"]
    decided = staff_client.post(
        f"{base}/decide/",
        {"upheld": True, "reply": "撤销", "remedy": "withdraw_award"},
        format="json",
    )
    assert decided.status_code == 200, decided.json()
    assert decided.json()["state"] == "upheld"
    notice = staff_client.get(f"/api/v1/results-notices/{objection.notice_id}/").json()
    assert [v["number"] for v in notice["versions"]] == [2, 1]


def test_staff_download_the_scan(staff_client, member_client, objection):
    response = staff_client.get(f"/api/v1/objections/{objection.pk}/scan/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert member_client.get(f"/api/v1/objections/{objection.pk}/scan/").status_code == 403
