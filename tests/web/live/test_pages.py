"""The live final's pages without a browser: roles refused, the draw pages, the host's moves,
the QR sign-in (single use, this round only), the phone's score, the screen."""

from __future__ import annotations

import json
import re

import pytest
from django.test import Client

from finals import services
from finals.enums import SlotState
from finals.models import LiveScore, PanelDraw
from tests.factories.finals import make_final, scores_for, seat_final

pytestmark = pytest.mark.django_db


def _staff(final):
    client = Client()
    client.force_login(final.staff)
    return client


def test_anonymous_is_sent_to_sign_in_and_other_roles_get_403(member):
    final = seat_final(make_final())
    anonymous = Client()
    response = anonymous.get("/live/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    for user in (member, final.experts[0]):
        client = Client()
        client.force_login(user)
        assert client.get("/live/").status_code == 403
        assert client.get(f"/live/sessions/{final.session.pk}/screen/").status_code == 403
        assert client.get(f"/live/sessions/{final.session.pk}/version/").status_code == 404


def test_staff_define_and_run_a_draw_through_the_pages():
    final = make_final()
    client = _staff(final)
    form = client.get("/live/draws/new/")
    assert form.status_code == 200 and final.field.name in form.content.decode()
    response = client.post(
        "/live/draws/new/",
        {
            "round": final.round.pk,
            f"field_{final.field.pk}": "5",
            "reserves_per_field": "1",
            "avoid_own_employer": "on",
            "avoid_declared": "on",
        },
    )
    assert response.status_code == 303
    draw = PanelDraw.objects.exclude(pk=final.draw.pk).get()
    client.post(f"/live/draws/{draw.pk}/run/")
    page = client.get(f"/live/draws/{draw.pk}/").content.decode()
    draw.refresh_from_db()
    assert str(draw.seed) in page
    assert "replayed: same panel" in page or "复现" in page


def test_malformed_definition_shows_the_error_and_writes_nothing():
    final = make_final(panel=5)
    client = _staff(final)
    response = client.post(
        "/live/draws/new/",
        {"round": final.round.pk, f"field_{final.field.pk}": "3", "reserves_per_field": "1"},
    )
    assert response.status_code == 400
    assert PanelDraw.objects.count() == 1  # the fixture's only
    response = client.post(
        "/live/draws/new/", {"round": final.round.pk, f"field_{final.field.pk}": "x"}
    )
    assert response.status_code == 400


def test_host_moves_and_a_wrong_move_is_shown_not_raised():
    final = seat_final(make_final())
    client = _staff(final)
    base = f"/live/sessions/{final.session.pk}/host/"
    assert client.post(base + "move/", {"to": SlotState.PRESENTING}).status_code == 303
    response = client.post(base + "move/", {"to": SlotState.REVEALED}, follow=True)
    assert response.status_code == 200
    assert response.context["messages"]  # the service's refusal, as a message
    response = client.post(base + "move/", {"to": "nonsense"}, follow=True)
    assert response.status_code == 200


def _join(final, member, client=None):
    client = client or Client()
    staff = _staff(final)
    page = staff.post(f"/live/members/{member.pk}/code/").content.decode()
    assert "<svg" in page
    url = re.search(r'href="(http[^"]+/live/join/[^"]+/)"', page).group(1)
    path = url.split("testserver", 1)[1]
    assert client.get(path).status_code == 200
    assert client.post(path, {}).status_code == 400  # the pledge not ticked
    assert client.post(path, {"agree": "on"}).status_code == 303
    return client, path


def test_qr_code_signs_a_phone_in_once_and_it_scores():
    final = seat_final(make_final(), pledge=False)
    member = final.members[0]
    phone, path = _join(final, member)
    # the same code on another phone: used up
    assert Client().post(path, {"agree": "on"}).status_code == 409
    staff = _staff(final)
    staff.post(f"/live/sessions/{final.session.pk}/host/move/", {"to": SlotState.PRESENTING})
    staff.post(f"/live/sessions/{final.session.pk}/host/move/", {"to": SlotState.SCORING_OPEN})
    page = phone.get("/live/phone/")
    assert page.status_code == 200
    slot = page.context["stage"]
    body = json.dumps({"slot": slot.pk, "scores": scores_for(final.round, 0.8)})
    for _ in range(2):
        response = phone.post("/live/phone/score/", body, content_type="application/json")
        assert response.status_code == 200 and response.json()["total"] == "80.000"
    assert LiveScore.objects.filter(slot=slot, member=member).count() == 1
    bad = phone.post(
        "/live/phone/score/",
        json.dumps({"slot": slot.pk, "scores": {"1": "x"}}),
        content_type="application/json",
    )
    assert bad.status_code == 400
    assert phone.post("/live/phone/score/", "{", content_type="application/json").status_code == 400
    # the phone's code signs in nothing else: not the staff pages, not the reviewer workbench
    assert phone.get("/live/").status_code == 302
    assert phone.get("/review/").status_code == 302
    # revoked: signed out at the next request
    services.sign_in_code_revoke(member=member, actor=final.staff)
    assert phone.get("/live/phone/").status_code == 403
    assert (
        phone.post("/live/phone/score/", body, content_type="application/json").status_code == 403
    )


def test_screen_shows_the_revealed_score_and_nothing_before():
    final = seat_final(make_final())
    client = _staff(final)
    slot = services.slot_move(
        session=final.session, to_state=SlotState.PRESENTING, actor=final.staff
    )
    services.slot_move(session=final.session, to_state=SlotState.SCORING_OPEN, actor=final.staff)
    for member, share in zip(final.members, [0.8, 0.9, 0.7, 0.6, 0.5], strict=True):
        services.score_submit(
            session=final.session, member=member, slot=slot, scores=scores_for(final.round, share)
        )
    screen = f"/live/sessions/{final.session.pk}/screen/"
    assert "90.0" not in client.get(screen).content.decode()
    services.slot_move(session=final.session, to_state=SlotState.SCORING_CLOSED, actor=final.staff)
    services.slot_move(session=final.session, to_state=SlotState.REVEALED, actor=final.staff)
    page = client.get(screen, HTTP_HX_REQUEST="true").content.decode()
    assert 'id="board"' in page and "<html" not in page
    assert "70.00" in page and "90.0" in page
    version = client.get(f"/live/sessions/{final.session.pk}/version/").json()["version"]
    unchanged = client.get(f"/live/sessions/{final.session.pk}/version/?v={version}")
    assert unchanged.status_code == 204


def test_version_poll_is_a_constant_few_queries(django_assert_max_num_queries):
    final = seat_final(make_final())
    client = _staff(final)
    url = f"/live/sessions/{final.session.pk}/version/"
    version = client.get(url).json()["version"]
    with django_assert_max_num_queries(4):  # session, user, roles, the version
        assert client.get(f"{url}?v={version}").status_code == 204


def test_decline_on_the_page_calls_up_the_reserve():
    final = make_final()
    services.draw_run(draw=final.draw, actor=final.staff, seed=3)
    client = _staff(final)
    invited = final.draw.members.filter(status="invited").first()
    response = client.post(
        f"/live/members/{invited.pk}/respond/", {"answer": "decline"}, follow=True
    )
    assert response.status_code == 200
    reserve = final.draw.members.get(reserve_position=1)
    reserve.refresh_from_db()
    assert reserve.status == "invited"
    assert [str(m) for m in response.context["messages"]] == [
        f"Reserve {reserve.reviewer} is called up."
    ]


@pytest.mark.parametrize("answer", [None, "", "maybe"])
def test_a_missing_or_unknown_answer_declines_nobody(answer):
    final = make_final()
    services.draw_run(draw=final.draw, actor=final.staff, seed=3)
    client = _staff(final)
    invited = final.draw.members.filter(status="invited").first()
    data = {} if answer is None else {"answer": answer}
    response = client.post(f"/live/members/{invited.pk}/respond/", data, follow=True)
    assert response.status_code == 200
    invited.refresh_from_db()
    assert invited.status == "invited"
    assert not final.draw.members.filter(status="declined").exists()


def _status_queries(phone):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        response = phone.get("/live/phone/status/")
    assert response.status_code == 200
    return response.json(), len(queries)


def test_phone_status_poll_is_two_queries_however_far_the_final_goes():
    """Every judge's phone polls once a second: the session row and one read, the same with one
    entry scoring as with every other entry revealed and scored by the whole panel."""
    final = seat_final(make_final(finalists=4))
    phone, _path = _join(final, final.members[0])
    staff = final.staff
    slot = services.slot_move(session=final.session, to_state=SlotState.PRESENTING, actor=staff)
    services.slot_move(session=final.session, to_state=SlotState.SCORING_OPEN, actor=staff)
    status, early = _status_queries(phone)
    assert status == {
        "version": final.session.__class__.objects.get(pk=final.session.pk).version,
        "slot": slot.pk,
        "state": SlotState.SCORING_OPEN,
    }
    for n in range(3):
        if n:
            services.slot_move(session=final.session, to_state=SlotState.SCORING_OPEN, actor=staff)
        for member in final.members:
            services.score_submit(
                session=final.session, member=member, slot=slot, scores=scores_for(final.round, 0.7)
            )
        services.slot_move(session=final.session, to_state=SlotState.SCORING_CLOSED, actor=staff)
        services.slot_move(session=final.session, to_state=SlotState.REVEALED, actor=staff)
        slot = services.slot_move(session=final.session, to_state=SlotState.PRESENTING, actor=staff)
    status, late = _status_queries(phone)
    assert status["slot"] == slot.pk and status["state"] == SlotState.PRESENTING
    assert early == late == 2  # the Django session row, the status


def test_phone_status_after_the_last_reveal_and_once_revoked():
    final = seat_final(make_final(finalists=1))
    member = final.members[0]
    phone, _path = _join(final, member)
    status, _n = _status_queries(phone)
    assert status["slot"] is None and status["state"] is None
    services.sign_in_code_revoke(member=member, actor=final.staff)
    response = phone.get("/live/phone/status/")
    assert response.status_code == 403 and response.json() == {"signed_out": True}
    assert Client().get("/live/phone/status/").status_code == 403
