"""The live final's API: 400 naming the field, 403 for a role, 404 outside what the caller sees,
409 for a wrong move."""

from __future__ import annotations

import pytest

from finals.enums import SlotState
from finals.models import LiveSlot, PanelDraw
from tests.factories.finals import make_final, scores_for, seat_final
from tests.factories.reviews import make_reviewer

pytestmark = pytest.mark.django_db


def test_staff_define_and_draw_a_panel(client_for):
    final = make_final()
    api = client_for(final.staff)
    response = api.post(
        "/api/v1/panel-draws/",
        {"round": final.round.pk, "per_field": {str(final.field.pk): 5}, "reserves_per_field": 1},
        format="json",
    )
    assert response.status_code == 201, response.json()
    draw_id = response.json()["id"]
    response = api.post(f"/api/v1/panel-draws/{draw_id}/draw/", {"seed": 42}, format="json")
    assert response.status_code == 200
    body = response.json()
    assert body["seed"] == 42 and len(body["result"]["panel"]) == 5
    assert api.get(f"/api/v1/panel-draws/{draw_id}/replay/").json() == {"matches": True}


def test_malformed_definition_is_400_naming_the_field(client_for):
    final = make_final()
    api = client_for(final.staff)
    response = api.post(
        "/api/v1/panel-draws/",
        {"round": final.round.pk, "per_field": {str(final.field.pk): "many"}},
        format="json",
    )
    assert response.status_code == 400
    assert any(key.startswith("per_field") for key in response.json()["fields"])
    response = api.post(
        "/api/v1/panel-draws/",
        {"round": final.round.pk, "per_field": {"999999": 5}},
        format="json",
    )
    assert response.status_code == 400 and "per_field" in response.json()["fields"]
    assert PanelDraw.objects.filter(round=final.round).count() == 1  # only the fixture's


def test_impossible_draw_is_409_with_words(client_for):
    final = make_final(pool=3)
    response = client_for(final.staff).post(f"/api/v1/panel-draws/{final.draw.pk}/draw/")
    assert response.status_code == 409
    assert response.json()["code"] == "draw_impossible"
    assert "only 3 can be drawn" in response.json()["fields"]["per_field"][0]


def test_reviewer_and_enterprise_may_not_touch_draws(client_for, member):
    final = make_final()
    for user in (final.experts[0], member):
        api = client_for(user)
        assert api.get("/api/v1/panel-draws/").status_code == 403
        assert api.post(f"/api/v1/panel-draws/{final.draw.pk}/draw/").status_code == 403


def test_decline_via_api_calls_the_reserve(client_for):
    final = make_final()
    api = client_for(final.staff)
    api.post(f"/api/v1/panel-draws/{final.draw.pk}/draw/", {"seed": 1}, format="json")
    invited = final.draw.members.filter(status="invited").first()
    response = api.post(
        f"/api/v1/panel-members/{invited.pk}/decline/", {"note": "出差"}, format="json"
    )
    assert response.status_code == 200 and response.json()["status"] == "declined"
    assert final.draw.members.get(reserve_position=1).status == "invited"
    response = api.post(f"/api/v1/panel-members/{invited.pk}/confirm/")
    assert response.status_code == 409


def test_host_moves_and_a_wrong_move_is_409(client_for):
    final = seat_final(make_final())
    api = client_for(final.staff)
    base = f"/api/v1/live-sessions/{final.session.pk}"
    assert api.post(f"{base}/present/").status_code == 200
    response = api.post(f"{base}/reveal/")
    assert response.status_code == 409 and response.json()["code"] == "invalid_transition"
    assert api.post(f"{base}/open-scoring/").json()["state"] == SlotState.SCORING_OPEN
    response = api.post(f"{base}/present/", {"slot": "x"}, format="json")
    assert response.status_code == 400 and "slot" in response.json()["fields"]


def test_member_scores_through_the_api_and_double_submit_is_one(client_for):
    final = seat_final(make_final())
    staff = client_for(final.staff)
    base = f"/api/v1/live-sessions/{final.session.pk}"
    staff.post(f"{base}/present/")
    slot = staff.post(f"{base}/open-scoring/").json()["id"]
    api = client_for(final.members[0].reviewer)
    body = {"slot": slot, "scores": scores_for(final.round, 0.8)}
    first = api.post(f"{base}/score/", body, format="json")
    second = api.post(f"{base}/score/", body, format="json")
    assert first.status_code == second.status_code == 200
    assert first.json()["created"] is True and second.json()["created"] is False
    assert LiveSlot.objects.get(pk=slot).scores.count() == 1
    bad = api.post(f"{base}/score/", {"slot": slot, "scores": {"1": "x"}}, format="json")
    assert bad.status_code == 400
    staff.post(f"{base}/close-scoring/")
    late = api.post(f"{base}/score/", body, format="json")
    assert late.status_code == 409 and late.json()["code"] == "scoring_closed"


def test_another_sessions_member_or_a_stranger_gets_404(client_for):
    final = seat_final(make_final())
    other = seat_final(make_final())
    api = client_for(other.members[0].reviewer)
    assert api.get(f"/api/v1/live-sessions/{final.session.pk}/version/").status_code == 404
    stranger = client_for(make_reviewer())
    assert stranger.post(f"/api/v1/live-sessions/{final.session.pk}/score/").status_code == 404
    # and a member may not move the session
    own = client_for(final.members[0].reviewer)
    assert own.post(f"/api/v1/live-sessions/{final.session.pk}/reveal/").status_code == 403


def test_version_is_204_while_unchanged(client_for):
    final = seat_final(make_final())
    api = client_for(final.staff)
    base = f"/api/v1/live-sessions/{final.session.pk}/version/"
    version = api.get(base).json()["version"]
    assert api.get(f"{base}?v={version}").status_code == 204
    api.post(f"/api/v1/live-sessions/{final.session.pk}/present/")
    assert api.get(f"{base}?v={version}").json()["version"] > version
