"""Entrant free text naming the entrant is flagged to staff; the organisation search for a
conflict declaration reveals nothing a reviewer does not already know."""

from types import SimpleNamespace

import pytest

from reviews import blind
from tests.factories.accounts import OrganisationFactory
from tests.factories.reviews import TeamMemberFactory, make_reviewer

SEARCH = "/api/v1/reviewer-conflicts/organisations/"


def test_short_name_drops_the_legal_form():
    assert blind.org_short_name("东风商用车有限公司") == "东风商用车"
    assert blind.org_short_name("十堰人福医药（集团）股份有限公司") == "十堰人福医药"
    assert blind.org_short_name("厂") == "厂"


def test_mentions_find_names_ignoring_width_and_spaces():
    org = SimpleNamespace(name="汉江水利水电有限公司", contact_name="李 明")
    team = [SimpleNamespace(name="王建国", employer_name="", job_title="")]
    texts = {"summary": "本项目由汉江水利水电牵头，王 建国负责", "title": "无关"}
    found = blind.identity_mentions(texts, blind.identity_terms(org, team))
    assert {(m["field"], m["term"]) for m in found} == {
        ("summary", "汉江水利水电"),
        ("summary", "王建国"),
    }


def test_no_mention_no_flag():
    org = SimpleNamespace(name="某某公司", contact_name="")
    assert (
        blind.identity_mentions({"summary": "一种新型锁止机构"}, blind.identity_terms(org, []))
        == []
    )


def test_staff_see_flags_of_the_round(draft_round, entries, staff_client):
    entry = entries[0]
    entry.summary = f"{entry.organisation.name}的创新成果"
    entry.save()
    TeamMemberFactory(entry=entries[1], name="赵工匠")
    entries[1].innovation_points = "赵工匠发明"
    entries[1].save()
    response = staff_client.get(f"/api/v1/review-rounds/{draft_round.pk}/blind-check/")
    assert response.status_code == 200, response.content
    flagged = {row["entry"]: row["mentions"] for row in response.json()}
    assert set(flagged) == {entries[0].pk, entries[1].pk}
    assert flagged[entries[1].pk] == [
        {"field": "innovation_points", "kind": "team_member", "term": "赵工匠"}
    ]


def test_blind_check_is_staff_only(open_round, pool, client_for):
    url = f"/api/v1/review-rounds/{open_round.pk}/blind-check/"
    assert client_for(pool[0]).get(url).status_code == 403


@pytest.fixture
def orgs(db):
    return {
        "secret": OrganisationFactory(name="保密参赛单位有限公司"),
        "employer": OrganisationFactory(name="东风研究院"),
    }


def _names(response):
    assert response.status_code == 200, response.content
    return [row["name"] for row in response.json()]


def test_reviewer_partial_search_finds_only_known_organisations(orgs, client_for):
    reviewer = make_reviewer(employer=orgs["employer"])
    client = client_for(reviewer)
    assert _names(client.get(SEARCH, {"q": "参赛"})) == []
    assert _names(client.get(SEARCH, {"q": "东风"})) == ["东风研究院"]


def test_reviewer_finds_any_organisation_by_exact_name_or_code(orgs, client_for):
    client = client_for(make_reviewer())
    assert _names(client.get(SEARCH, {"q": " 保密参赛单位有限公司 "})) == ["保密参赛单位有限公司"]
    code = orgs["secret"].credit_code
    assert _names(client.get(SEARCH, {"q": code.lower()})) == ["保密参赛单位有限公司"]


def test_staff_search_everything(orgs, staff_client):
    assert _names(staff_client.get(SEARCH, {"q": "参赛"})) == ["保密参赛单位有限公司"]


def test_member_cannot_search(orgs, member_client, api):
    assert member_client.get(SEARCH, {"q": "参赛"}).status_code == 403
    assert api.get(SEARCH, {"q": "参赛"}).status_code == 401
