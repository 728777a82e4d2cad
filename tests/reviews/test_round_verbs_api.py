"""One verb per round move in the API (``transition/`` stays as a deprecated alias)."""

import pytest

from jobs.models import Job
from reviews.enums import RoundState
from reviews.models import RoundEntry

pytestmark = pytest.mark.django_db


def _url(round_, verb):
    return f"/api/v1/review-rounds/{round_.pk}/{verb}/"


def test_start_assigning_then_back_to_draft(staff_client, draft_round, entries):
    response = staff_client.post(_url(draft_round, "start-assigning"))
    assert response.status_code == 200, response.content
    assert response.json()["state"] == RoundState.ASSIGNING
    assert RoundEntry.objects.filter(round=draft_round).count() == len(entries)

    response = staff_client.post(_url(draft_round, "back-to-draft"))
    assert response.status_code == 200, response.content
    assert response.json()["state"] == RoundState.DRAFT
    assert not RoundEntry.objects.filter(round=draft_round).exists()


@pytest.mark.parametrize(
    ("verb", "code"),
    [
        ("back-to-draft", "invalid_transition"),
        ("close", "invalid_transition"),
        # a step that runs as a job is refused before it is queued
        ("finalize", "round_wrong_state"),
    ],
)
def test_a_verb_the_state_does_not_allow_is_409_and_changes_nothing(
    staff_client, draft_round, verb, code
):
    response = staff_client.post(_url(draft_round, verb))
    assert response.status_code == 409, response.content
    assert response.json()["code"] == code
    draft_round.refresh_from_db()
    assert draft_round.state == RoundState.DRAFT
    assert not Job.objects.exists()


def test_finalize_is_a_job(staff_client, draft_round):
    type(draft_round).objects.filter(pk=draft_round.pk).update(state=RoundState.CLOSED)
    response = staff_client.post(_url(draft_round, "finalize"))
    assert response.status_code == 202, response.content
    assert response.json()["kind"] == "reviews.round.finalize"


@pytest.mark.parametrize("verb", ["start-assigning", "close", "finalize"])
def test_round_verbs_are_staff_only(member_client, draft_round, verb):
    assert member_client.post(_url(draft_round, verb)).status_code == 403
    draft_round.refresh_from_db()
    assert draft_round.state == RoundState.DRAFT


def test_transition_is_documented_as_deprecated(staff_client):
    paths = staff_client.get("/api/schema/", {"format": "json"}).json()["paths"]
    assert paths["/api/v1/review-rounds/{id}/transition/"]["post"]["deprecated"] is True
    assert "deprecated" not in paths["/api/v1/review-rounds/{id}/close/"]["post"]


def test_close_warns_of_entries_short_of_reviews_like_transition(staff_client, open_round):
    """close/ and the deprecated transition/ answer through one renderer: the same warnings."""
    response = staff_client.post(_url(open_round, "close"))
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["state"] == RoundState.CLOSED
    assert len(body["warnings"]) == 1 and body["warnings"][0]["missing_reviews"] > 0
