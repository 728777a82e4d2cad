"""The reviewers' pledge (评审承诺书): staff set it per round, reviewers accept it once with time
and IP recorded, staff see who accepted."""

import pytest

from core.models import AuditEvent
from reviews import pledges, selectors
from reviews.enums import RoundState
from reviews.models import PledgeAcceptance, Review, Round

PLEDGE_URL = "/api/v1/review-rounds/{}/pledge/"


@pytest.fixture
def open_round(open_round):
    """The shared open round, before any reviewer accepted its pledge."""
    PledgeAcceptance.objects.filter(round=open_round).delete()
    return open_round


def _scores(round_):
    return [{"criterion": c.pk, "score": "1"} for c in round_.criteria.all()]


def test_scoring_is_refused_before_the_pledge(open_round, pool, client_for):
    a = open_round.assignments.filter(reviewer=pool[0]).first()
    client = client_for(pool[0])
    save = client.put(
        f"/api/v1/my-assignments/{a.pk}/review/", {"scores": _scores(open_round)}, format="json"
    )
    assert save.status_code == 409
    assert save.json()["code"] == "pledge_required"
    submit = client.post(
        f"/api/v1/my-assignments/{a.pk}/review/submit/",
        {"scores": _scores(open_round)},
        format="json",
    )
    assert submit.json()["code"] == "pledge_required"
    assert not Review.objects.filter(assignment=a).exists()


def test_scoring_works_after_the_pledge(open_round, pool, client_for):
    a = open_round.assignments.filter(reviewer=pool[0]).first()
    client = client_for(pool[0])
    assert client.post(PLEDGE_URL.format(open_round.pk) + "accept/").status_code == 200
    save = client.put(
        f"/api/v1/my-assignments/{a.pk}/review/", {"scores": _scores(open_round)}, format="json"
    )
    assert save.status_code == 200, save.content


def test_the_service_refuses_without_pledge(open_round, pool):
    from core.exceptions import Conflict
    from reviews import services

    a = open_round.assignments.filter(reviewer=pool[0]).first()
    with pytest.raises(Conflict) as err:
        services.review_save_draft(
            assignment=a, reviewer=pool[0], scores=_scores(open_round), comment=None
        )
    assert err.value.code == "pledge_required"


def test_default_pledge_when_the_round_has_none(open_round, pool, client_for):
    body = client_for(pool[0]).get(PLEDGE_URL.format(open_round.pk)).json()
    assert body["is_default"] is True
    assert body["accepted"] is False
    assert body["text"] == selectors.pledge_text_of(open_round)
    assert "回避" in body["text"] or "recuse" in body["text"]


def test_staff_set_the_text_before_the_round_opens(draft_round, staff_client):
    response = staff_client.put(
        PLEDGE_URL.format(draft_round.pk),
        {"pledge_text": "  本轮承诺：保密、公正。 "},
        format="json",
    )
    assert response.status_code == 200, response.content
    draft_round.refresh_from_db()
    assert draft_round.pledge_text == "本轮承诺：保密、公正。"
    assert response.json()["text"] == "本轮承诺：保密、公正。"
    assert AuditEvent.objects.filter(action="round.pledge_set").count() == 1


def test_pledge_text_is_frozen_once_the_round_is_open(open_round, staff_client):
    response = staff_client.put(
        PLEDGE_URL.format(open_round.pk), {"pledge_text": "new"}, format="json"
    )
    assert response.status_code == 409
    assert response.json()["code"] == "pledge_frozen"


def test_too_long_pledge_is_400_naming_the_field(draft_round, staff_client):
    response = staff_client.put(
        PLEDGE_URL.format(draft_round.pk), {"pledge_text": "x" * 20_001}, format="json"
    )
    assert response.status_code == 400
    assert "pledge_text" in response.json()["fields"]


def test_reviewer_cannot_set_the_pledge(open_round, pool, client_for):
    response = client_for(pool[0]).put(
        PLEDGE_URL.format(open_round.pk), {"pledge_text": "x"}, format="json"
    )
    assert response.status_code == 403


def test_reviewer_accepts_with_time_and_ip(open_round, pool, client_for):
    client = client_for(pool[0])
    response = client.post(PLEDGE_URL.format(open_round.pk) + "accept/", REMOTE_ADDR="203.0.113.7")
    assert response.status_code == 200, response.content
    assert response.json()["accepted"] is True
    acceptance = PledgeAcceptance.objects.get(round=open_round, reviewer=pool[0])
    assert acceptance.ip_address == "203.0.113.7"
    assert acceptance.text == selectors.pledge_text_of(open_round)
    assert acceptance.accepted_at is not None
    # A second acceptance changes nothing.
    again = client.post(PLEDGE_URL.format(open_round.pk) + "accept/", REMOTE_ADDR="198.51.100.1")
    assert again.status_code == 200
    assert PledgeAcceptance.objects.get(pk=acceptance.pk).ip_address == "203.0.113.7"
    assert AuditEvent.objects.filter(action="round.pledge_accept").count() == 1


def test_ip_comes_from_the_trusted_proxy_hop(open_round, pool, client_for, settings):
    settings.TRUSTED_PROXY_HOPS = 1
    client_for(pool[0]).post(
        PLEDGE_URL.format(open_round.pk) + "accept/",
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.9",
    )
    assert PledgeAcceptance.objects.get(reviewer=pool[0]).ip_address == "203.0.113.9"


def test_accepted_text_stays_what_the_reviewer_read(open_round, pool):
    pledges.pledge_accept(round=open_round, reviewer=pool[0], ip_address=None)
    Round.objects.filter(pk=open_round.pk).update(pledge_text="changed behind the back")
    open_round.refresh_from_db()
    body = selectors.pledge_for(open_round, pool[0])
    assert body["text"] == str(selectors.DEFAULT_PLEDGE_TEXT)


def test_reviewer_without_assignment_in_the_round_gets_404(open_round, client_for):
    from tests.factories.reviews import make_reviewer

    outsider = make_reviewer()
    response = client_for(outsider).post(PLEDGE_URL.format(open_round.pk) + "accept/")
    assert response.status_code == 404
    assert client_for(outsider).get(PLEDGE_URL.format(open_round.pk)).status_code == 404


def test_service_refuses_a_reviewer_without_assignment(open_round):
    from core.exceptions import NotPermitted
    from tests.factories.reviews import make_reviewer

    with pytest.raises(NotPermitted):
        pledges.pledge_accept(round=open_round, reviewer=make_reviewer(), ip_address=None)


def test_pledge_cannot_be_accepted_in_a_closed_round(open_round, pool):
    from core.exceptions import Conflict

    Round.objects.filter(pk=open_round.pk).update(state=RoundState.CLOSED)
    with pytest.raises(Conflict):
        pledges.pledge_accept(round=open_round, reviewer=pool[0], ip_address=None)


def test_staff_see_who_accepted(open_round, pool, staff_client):
    pledges.pledge_accept(round=open_round, reviewer=pool[1], ip_address="192.0.2.1")
    response = staff_client.get(
        PLEDGE_URL.format(open_round.pk).replace("pledge/", "pledge-acceptances/")
    )
    assert response.status_code == 200
    rows = response.json()["results"]
    assert [(r["reviewer"], r["ip_address"]) for r in rows] == [(pool[1].pk, "192.0.2.1")]


@pytest.mark.parametrize("who", ["reviewer", "member"])
def test_acceptance_list_is_staff_only(open_round, pool, client_for, member_client, who):
    client = client_for(pool[0]) if who == "reviewer" else member_client
    url = f"/api/v1/review-rounds/{open_round.pk}/pledge-acceptances/"
    assert client.get(url).status_code == 403


def test_anonymous_is_401(open_round, api):
    assert api.get(PLEDGE_URL.format(open_round.pk)).status_code == 401
    assert api.post(PLEDGE_URL.format(open_round.pk) + "accept/").status_code == 401
