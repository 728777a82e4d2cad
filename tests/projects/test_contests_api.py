from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from core.models import AuditEvent
from projects.enums import CONTEST_TRANSITIONS, ContestState
from projects.models import Category, Contest
from tests.factories.accounts import ExpertiseFieldFactory
from tests.factories.projects import CategoryFactory, ContestFactory

URL = "/api/v1/contests/"
pytestmark = pytest.mark.django_db


def _payload(**overrides):
    now = timezone.now()
    data = {
        "name": "十堰市第六届职工创新创业大赛",
        "edition": 6,
        "year": 2026,
        "description": "面向全市职工",
        "registration_opens_at": (now + timedelta(days=1)).isoformat(),
        "registration_closes_at": (now + timedelta(days=60)).isoformat(),
        "max_entries_per_org": 3,
    }
    data.update(overrides)
    return data


def test_create_contest_by_staff_starts_in_draft_and_is_audited(staff_client):
    response = staff_client.post(URL, _payload(), format="json")
    assert response.status_code == 201, response.data
    contest = Contest.objects.get(pk=response.data["id"])
    assert contest.state == ContestState.DRAFT
    assert response.data["allowed_states"] == ["open"]
    assert AuditEvent.objects.filter(action="contest.create", target_id=str(contest.pk)).exists()


def test_create_contest_closing_before_opening_is_400(staff_client):
    now = timezone.now()
    response = staff_client.post(
        URL,
        _payload(
            registration_opens_at=(now + timedelta(days=5)).isoformat(),
            registration_closes_at=(now + timedelta(days=1)).isoformat(),
        ),
        format="json",
    )
    assert response.status_code == 400
    assert "registration_closes_at" in response.data["fields"]
    assert not Contest.objects.exists()


def test_create_contest_malformed_is_400_naming_fields(staff_client):
    response = staff_client.post(
        URL, _payload(name="", edition="six", max_entries_per_org=0), format="json"
    )
    assert response.status_code == 400
    assert {"name", "edition", "max_entries_per_org"} <= set(response.data["fields"])
    assert not Contest.objects.exists()


def test_create_contest_duplicate_edition_is_409(staff_client):
    ContestFactory(edition=6)
    response = staff_client.post(URL, _payload(), format="json")
    assert response.status_code == 409
    assert response.data["code"] == "duplicate_edition"
    assert Contest.objects.count() == 1


def test_create_contest_anonymous_is_401(api):
    assert api.post(URL, _payload(), format="json").status_code == 401


@pytest.mark.parametrize("who", ["member_client", "reviewer_client", "incubator_client"])
def test_create_contest_non_union_staff_is_403(request, who):
    response = request.getfixturevalue(who).post(URL, _payload(), format="json")
    assert response.status_code == 403
    assert not Contest.objects.exists()


def test_list_contests_hides_drafts_from_members(member_client, staff_client):
    ContestFactory(state=ContestState.DRAFT)
    published = ContestFactory(state=ContestState.OPEN)
    assert [c["id"] for c in member_client.get(URL).data["results"]] == [published.pk]
    assert len(staff_client.get(URL).data["results"]) == 2


def test_retrieve_draft_contest_by_member_is_404(member_client):
    draft = ContestFactory(state=ContestState.DRAFT)
    assert member_client.get(f"{URL}{draft.pk}/").status_code == 404


def test_list_contests_constant_queries(staff_client, django_assert_max_num_queries):
    for _ in range(3):
        CategoryFactory(contest=ContestFactory())
    with django_assert_max_num_queries(4):
        response = staff_client.get(URL)
    assert len(response.data["results"]) == 3


ALLOWED_MOVES = sorted(
    (src, dst) for src, targets in CONTEST_TRANSITIONS.items() for dst in targets
)


@pytest.mark.parametrize(("src", "dst"), ALLOWED_MOVES)
def test_contest_transition_each_allowed_move(staff_client, src, dst):
    contest = ContestFactory(state=src)
    CategoryFactory(contest=contest)
    response = staff_client.post(
        f"{URL}{contest.pk}/transition/", {"to_state": dst, "reason": "计划"}, format="json"
    )
    assert response.status_code == 200, response.data
    contest.refresh_from_db()
    assert contest.state == dst
    event = AuditEvent.objects.get(action="contest.state", target_id=str(contest.pk))
    assert (event.from_state, event.to_state, event.reason) == (src, dst, "计划")


@pytest.mark.parametrize(
    ("src", "dst"),
    [("draft", "in_review"), ("open", "published"), ("archived", "open"), ("published", "open")],
)
def test_contest_transition_wrong_move_is_409(staff_client, src, dst):
    contest = ContestFactory(state=src)
    response = staff_client.post(f"{URL}{contest.pk}/transition/", {"to_state": dst}, format="json")
    assert response.status_code == 409
    assert response.data["code"] == "invalid_transition"
    contest.refresh_from_db()
    assert contest.state == src


def test_contest_open_without_category_is_400(staff_client):
    contest = ContestFactory(state=ContestState.DRAFT)
    response = staff_client.post(
        f"{URL}{contest.pk}/transition/", {"to_state": "open"}, format="json"
    )
    assert response.status_code == 400
    assert "categories" in response.data["fields"]


def test_contest_reopen_after_closing_time_is_409(staff_client):
    contest = ContestFactory(state=ContestState.CLOSED)
    CategoryFactory(contest=contest)
    with time_machine.travel(contest.registration_closes_at + timedelta(hours=1)):
        response = staff_client.post(
            f"{URL}{contest.pk}/transition/", {"to_state": "open"}, format="json"
        )
    assert response.status_code == 409
    assert response.data["code"] == "registration_closed"


def test_contest_transition_bad_state_is_400(staff_client, contest):
    response = staff_client.post(
        f"{URL}{contest.pk}/transition/", {"to_state": "finished"}, format="json"
    )
    assert response.status_code == 400
    assert "to_state" in response.data["fields"]


def test_contest_transition_by_member_is_403(member_client, contest):
    response = member_client.post(
        f"{URL}{contest.pk}/transition/", {"to_state": "closed"}, format="json"
    )
    assert response.status_code == 403
    contest.refresh_from_db()
    assert contest.state == ContestState.OPEN


def test_contest_update_extends_deadline_and_records_change(staff_client, contest):
    later = contest.registration_closes_at + timedelta(days=7)
    response = staff_client.patch(
        f"{URL}{contest.pk}/", {"registration_closes_at": later.isoformat()}, format="json"
    )
    assert response.status_code == 200, response.data
    contest.refresh_from_db()
    assert contest.registration_closes_at == later
    assert AuditEvent.objects.filter(action="contest.update", target_id=str(contest.pk)).exists()


def test_contest_update_in_review_is_409(staff_client):
    contest = ContestFactory(state=ContestState.IN_REVIEW)
    response = staff_client.patch(f"{URL}{contest.pk}/", {"name": "改名"}, format="json")
    assert response.status_code == 409
    assert response.data["code"] == "contest_frozen"


def test_contest_history_for_staff_only(staff_client, member_client, contest):
    staff_client.post(f"{URL}{contest.pk}/transition/", {"to_state": "closed"}, format="json")
    response = staff_client.get(f"{URL}{contest.pk}/history/")
    assert response.status_code == 200
    assert response.data[0]["to_state"] == "closed"
    assert response.data[0]["actor"] == staff_client.user.username
    assert member_client.get(f"{URL}{contest.pk}/history/").status_code == 403


# --- Categories ----------------------------------------------------------------------------------


def test_create_category_with_expertise(staff_client, contest):
    field = ExpertiseFieldFactory(code="nev", name="新能源汽车")
    response = staff_client.post(
        "/api/v1/categories/",
        {"contest": contest.pk, "code": "startup", "name": "创业组", "expertise": [field.pk]},
        format="json",
    )
    assert response.status_code == 201, response.data
    assert list(Category.objects.get(pk=response.data["id"]).expertise.all()) == [field]


def test_create_category_duplicate_code_is_409(staff_client, category):
    response = staff_client.post(
        "/api/v1/categories/",
        {"contest": category.contest_id, "code": category.code, "name": "另一个"},
        format="json",
    )
    assert response.status_code == 409
    assert response.data["code"] == "duplicate_category"


def test_create_category_bad_code_is_400(staff_client, contest):
    response = staff_client.post(
        "/api/v1/categories/", {"contest": contest.pk, "code": "创 新", "name": ""}, format="json"
    )
    assert response.status_code == 400
    assert {"code", "name"} <= set(response.data["fields"])
    assert not Category.objects.exists()


def test_create_category_by_member_is_403(member_client, contest):
    response = member_client.post(
        "/api/v1/categories/", {"contest": contest.pk, "code": "x", "name": "x"}, format="json"
    )
    assert response.status_code == 403


def test_create_category_in_review_contest_is_409(staff_client):
    contest = ContestFactory(state=ContestState.IN_REVIEW)
    response = staff_client.post(
        "/api/v1/categories/", {"contest": contest.pk, "code": "x", "name": "x"}, format="json"
    )
    assert response.status_code == 409


VERBS = {
    ContestState.OPEN: "open",
    ContestState.CLOSED: "close",
    ContestState.IN_REVIEW: "start-review",
    ContestState.PUBLISHED: "publish",
    ContestState.ARCHIVED: "archive",
}


@pytest.mark.parametrize(("src", "dst"), ALLOWED_MOVES)
def test_each_move_has_its_own_verb(staff_client, src, dst):
    """One verb per move (the API's one style); ``transition/`` stays as a deprecated alias."""
    contest = ContestFactory(state=src)
    CategoryFactory(contest=contest)
    response = staff_client.post(
        f"{URL}{contest.pk}/{VERBS[dst]}/", {"reason": "计划"}, format="json"
    )
    assert response.status_code == 200, response.data
    assert response.data["state"] == dst
    event = AuditEvent.objects.get(action="contest.state", target_id=str(contest.pk))
    assert (event.from_state, event.to_state, event.reason) == (src, dst, "计划")


@pytest.mark.parametrize(
    ("src", "verb"), [("draft", "start-review"), ("open", "publish"), ("archived", "open")]
)
def test_a_verb_the_state_does_not_allow_is_409(staff_client, src, verb):
    contest = ContestFactory(state=src)
    response = staff_client.post(f"{URL}{contest.pk}/{verb}/", {}, format="json")
    assert response.status_code == 409
    assert response.data["code"] == "invalid_transition"
    contest.refresh_from_db()
    assert contest.state == src


def test_verbs_are_staff_only(member_client, contest):
    response = member_client.post(f"{URL}{contest.pk}/close/", {}, format="json")
    assert response.status_code == 403
    contest.refresh_from_db()
    assert contest.state != ContestState.CLOSED


def test_transition_is_documented_as_deprecated(staff_client):
    schema = staff_client.get("/api/schema/", {"format": "json"}).json()
    assert schema["paths"]["/api/v1/contests/{id}/transition/"]["post"]["deprecated"] is True
    assert "deprecated" not in schema["paths"]["/api/v1/contests/{id}/close/"]["post"]


def test_a_verb_with_a_malformed_reason_is_400_naming_it(staff_client):
    contest = ContestFactory(state=ContestState.OPEN)
    response = staff_client.post(f"{URL}{contest.pk}/close/", {"reason": "x" * 2001}, format="json")
    assert response.status_code == 400
    assert "reason" in response.data["fields"]
    contest.refresh_from_db()
    assert contest.state == ContestState.OPEN
