"""Blind rounds never leak the submitting organisation; each role is refused what it may not do."""

from datetime import timedelta

import pytest
from django.utils import timezone

from reviews.models import Assignment, PoolMember, Round
from tests.factories.reviews import AttachmentFactory, TeamMemberFactory

MARKER = "LEAKMARK7Q"


@pytest.fixture
def marked(open_round, entries):
    """Plant the marker in the organisation name, team employers and attachment names."""
    for entry in entries:
        org = entry.organisation
        org.name = f"{MARKER}十堰公司{org.pk}"
        org.contact_name = MARKER
        org.save()
        TeamMemberFactory(entry=entry, name=f"{MARKER}人", employer_name=f"{MARKER}单位")
        AttachmentFactory(entry=entry, original_name=f"{MARKER}-计划书.pdf")
    return open_round


def test_blind_round_responses_never_contain_organisation(marked, pool, client_for, entries):
    reviewer = pool[0]
    client = client_for(reviewer)
    credit_codes = [e.organisation.credit_code for e in entries]
    a = Assignment.objects.filter(round=marked, reviewer=reviewer).first()
    scores = [{"criterion": c.pk, "score": "1"} for c in marked.criteria.all()]
    # Each request with the one status it must answer (a role's write is never "200 or 201").
    bodies = [
        (client.get("/api/v1/my-assignments/"), 200),
        (client.get(f"/api/v1/my-assignments/{a.pk}/"), 200),
        (client.put(f"/api/v1/my-assignments/{a.pk}/review/", {"scores": scores}), 200),
        (client.post(f"/api/v1/my-assignments/{a.pk}/review/submit/", {}), 200),
        (client.get("/api/v1/review-rounds/"), 200),
        (client.get(f"/api/v1/review-rounds/{marked.pk}/"), 200),
        (client.get("/api/v1/reviewer-conflicts/"), 200),
    ]
    for response, expected in bodies:
        assert response.status_code == expected, response.content
        text = response.content.decode()
        assert MARKER not in text
        for code in credit_codes:
            assert code not in text
    detail = bodies[1][0].json()
    assert detail["entry"]["organisation"] is None
    assert detail["entry"]["attachments"][0]["name"].startswith(f"entry-{a.entry_id}-plan-")


def test_open_round_shows_organisation(marked, pool, client_for):
    Round.objects.filter(pk=marked.pk).update(is_blind=False)
    a = Assignment.objects.filter(round=marked, reviewer=pool[0]).first()
    detail = client_for(pool[0]).get(f"/api/v1/my-assignments/{a.pk}/").json()
    assert MARKER in detail["entry"]["organisation"]


@pytest.mark.parametrize(
    "method,url",
    [
        ("get", "/api/v1/my-assignments/"),
        ("get", "/api/v1/review-rounds/"),
        ("get", "/api/v1/round-outcomes/"),
        ("get", "/api/v1/review-assignments/"),
        ("post", "/api/v1/review-rounds/"),
    ],
)
def test_anonymous_is_401(api, method, url):
    assert getattr(api, method)(url).status_code == 401


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/review-assignments/",
        "/api/v1/reviewer-pool/",
        "/api/v1/reviews/",
    ],
)
def test_staff_lists_refuse_members_and_reviewers(member_client, reviewer_client, url):
    assert member_client.get(url).status_code == 403
    assert reviewer_client.get(url).status_code == 403


def test_member_cannot_create_round_or_see_my_assignments(member_client, contest):
    response = member_client.post("/api/v1/review-rounds/", {"contest": contest.pk})
    assert response.status_code == 403
    assert member_client.get("/api/v1/my-assignments/").status_code == 403


def test_reviewer_cannot_move_round(open_round, pool, client_for):
    url = f"/api/v1/review-rounds/{open_round.pk}/transition/"
    assert client_for(pool[0]).post(url, {"to_state": "closed"}).status_code == 403


def test_staff_creates_round_and_malformed_input_is_400(staff_client, contest):
    now = timezone.now()
    body = {
        "contest": contest.pk,
        "name": "初赛",
        "order": 1,
        "reviewers_per_entry": 5,
        "opens_at": now.isoformat(),
        "deadline": (now + timedelta(days=7)).isoformat(),
        "aggregation": "trimmed_mean",
        "advancement_rule": "top_share",
        "advancement_value": "0.3",
    }
    bad = staff_client.post("/api/v1/review-rounds/", {**body, "advancement_value": "1.5"})
    assert bad.status_code == 400 and "advancement_value" in bad.json()["fields"]
    bad = staff_client.post("/api/v1/review-rounds/", {**body, "aggregation": "max"})
    assert bad.status_code == 400 and "aggregation" in bad.json()["fields"]
    assert not Round.objects.exists()
    ok = staff_client.post("/api/v1/review-rounds/", body)
    assert ok.status_code == 201, ok.json()
    assert "tie_break_rule" in ok.json()
    dup = staff_client.post("/api/v1/review-rounds/", body)
    assert dup.status_code == 400 and "order" in dup.json()["fields"]


def test_rubric_replaced_in_draft(staff_client, draft_round):
    body = {
        "criteria": [
            {"name": "创新性", "weight": "60", "max_score": "60"},
            {"name": "可行性", "weight": "40", "max_score": "40"},
        ]
    }
    response = staff_client.put(f"/api/v1/review-rounds/{draft_round.pk}/rubric/", body)
    assert response.status_code == 200
    assert draft_round.criteria.count() == 2
    bad = staff_client.put(
        f"/api/v1/review-rounds/{draft_round.pk}/rubric/",
        {"criteria": [{"name": "x", "weight": "1", "max_score": "0"}]},
    )
    assert bad.status_code == 400


def test_rubric_change_after_draft_is_409(staff_client, open_round):
    body = {"criteria": [{"name": "创新性", "weight": "60", "max_score": "60"}]}
    response = staff_client.put(f"/api/v1/review-rounds/{open_round.pk}/rubric/", body)
    assert response.status_code == 409


def test_wrong_transition_is_409(staff_client, draft_round):
    url = f"/api/v1/review-rounds/{draft_round.pk}/transition/"
    assert staff_client.post(url, {"to_state": "finalized"}).status_code == 409
    assert staff_client.post(url, {"to_state": "nonsense"}).status_code == 400


def test_manual_assignment_api_conflict_is_409_and_nothing_written(
    staff_client, draft_round, entries, pool, union_staff
):
    from reviews import services

    services.round_start_assigning(round=draft_round, actor=union_staff)
    profile = pool[0].reviewer_profile
    profile.employer = entries[0].organisation
    profile.save()
    body = {"round": draft_round.pk, "reviewer": pool[0].pk, "entry": entries[0].pk}
    response = staff_client.post("/api/v1/review-assignments/", body)
    assert response.status_code == 409
    assert not Assignment.objects.exists()
    ok = staff_client.post("/api/v1/review-assignments/", {**body, "reviewer": pool[1].pk})
    assert ok.status_code == 201


def test_pool_add_refuses_non_reviewer(staff_client, contest, member):
    response = staff_client.post(
        "/api/v1/reviewer-pool/", {"contest": contest.pk, "reviewers": [member.pk]}
    )
    assert response.status_code == 400 and "reviewers" in response.json()["fields"]
    assert not PoolMember.objects.exists()


def test_reviewer_declares_own_conflict_only(reviewer_client, reviewer_user, organisation, member):
    ok = reviewer_client.post(
        "/api/v1/reviewer-conflicts/", {"organisation": organisation.pk, "reason": "曾任职"}
    )
    assert ok.status_code == 201 and ok.json()["source"] == "reviewer"
    other = reviewer_client.post(
        "/api/v1/reviewer-conflicts/",
        {"organisation": organisation.pk, "reason": "x", "reviewer": member.pk},
    )
    assert other.status_code == 400
    missing = reviewer_client.post("/api/v1/reviewer-conflicts/", {"organisation": organisation.pk})
    assert missing.status_code == 400 and "reason" in missing.json()["fields"]
