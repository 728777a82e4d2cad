"""Online scoring by reviewers: drafts, submit, lock, deadline, concurrency, reopen."""

import threading
from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.utils import timezone

from core.services import audit_trail
from reviews import services
from reviews.enums import ReviewState
from reviews.models import Review, ReviewScore
from tests.factories.reviews import ReviewEntryFactory


def _scores(round_, values):
    return [
        {"criterion": c.pk, "score": str(v), "comment": ""}
        for c, v in zip(round_.criteria.order_by("position"), values, strict=True)
    ]


def _url(assignment, tail=""):
    return f"/api/v1/my-assignments/{assignment.pk}/{tail}"


def test_reviewer_lists_only_own_assignments(open_round, pool, client_for, assignment_of):
    response = client_for(pool[0]).get("/api/v1/my-assignments/")
    assert response.status_code == 200
    ids = {row["id"] for row in response.json()["results"]}
    assert ids == set(open_round.assignments.filter(reviewer=pool[0]).values_list("pk", flat=True))


def test_other_reviewers_assignment_is_404(open_round, pool, client_for, assignment_of):
    other = open_round.assignments.exclude(reviewer=pool[0]).first()
    client = client_for(pool[0])
    assert client.get(_url(other)).status_code == 404
    response = client.put(_url(other, "review/"), {"scores": []}, format="json")
    assert response.status_code == 404


def test_draft_save_twice_then_submit_locks(open_round, pool, client_for, assignment_of):
    a = assignment_of(pool[0])
    client = client_for(pool[0])
    r1 = client.put(_url(a, "review/"), {"scores": _scores(open_round, [10, 10, 10, 10])})
    assert r1.status_code == 200, r1.json()
    assert r1.json()["review"]["state"] == "draft"
    r2 = client.put(
        _url(a, "review/"), {"scores": _scores(open_round, [20, 20.5, 15, 10]), "comment": "好"}
    )
    assert r2.status_code == 200
    assert Decimal(r2.json()["review"]["total"]) == Decimal("65.500")
    submitted = client.post(_url(a, "review/submit/"), {})
    assert submitted.status_code == 200
    assert submitted.json()["review"]["state"] == "submitted"
    locked = client.put(_url(a, "review/"), {"scores": _scores(open_round, [1, 1, 1, 1])})
    assert locked.status_code == 409
    assert Review.objects.get(assignment=a).total == Decimal("65.500")
    assert audit_trail(Review.objects.get(assignment=a)).count() == 3


def test_weighted_total_uses_weight_over_max(open_round, pool, client_for, assignment_of):
    criterion = open_round.criteria.order_by("position").first()
    criterion.weight, criterion.max_score = Decimal("30"), Decimal("10")
    criterion.save()
    a = assignment_of(pool[0])
    response = client_for(pool[0]).put(
        _url(a, "review/"), {"scores": [{"criterion": criterion.pk, "score": "5.5"}]}
    )
    assert Decimal(response.json()["review"]["total"]) == Decimal("16.500")


@pytest.mark.parametrize("value", ["30.1", "-1", "12.25"])
def test_out_of_range_or_two_decimals_is_400_naming_criterion(
    open_round, pool, client_for, assignment_of, value
):
    a = assignment_of(pool[0])
    criterion = open_round.criteria.order_by("position").first()
    response = client_for(pool[0]).put(
        _url(a, "review/"), {"scores": [{"criterion": criterion.pk, "score": value}]}
    )
    assert response.status_code == 400
    assert f"scores.{criterion.name}" in response.json()["fields"]
    assert not Review.objects.exists()


def test_malformed_score_is_400(open_round, pool, client_for, assignment_of):
    a = assignment_of(pool[0])
    response = client_for(pool[0]).put(
        _url(a, "review/"), {"scores": [{"criterion": "x", "score": "abc"}]}
    )
    assert response.status_code == 400
    assert any(key.startswith("scores") for key in response.json()["fields"])
    assert not Review.objects.exists()


def test_submit_incomplete_is_400(open_round, pool, client_for, assignment_of):
    a = assignment_of(pool[0])
    criterion = open_round.criteria.order_by("position").first()
    response = client_for(pool[0]).post(
        _url(a, "review/submit/"), {"scores": [{"criterion": criterion.pk, "score": "5"}]}
    )
    assert response.status_code == 400
    assert not Review.objects.filter(state=ReviewState.SUBMITTED).exists()


def test_after_deadline_nothing_saved_or_submitted(open_round, pool, client_for, assignment_of):
    a = assignment_of(pool[0])
    client = client_for(pool[0])
    client.put(_url(a, "review/"), {"scores": _scores(open_round, [10, 10, 10, 10])})
    with time_machine.travel(open_round.deadline + timedelta(seconds=1)):
        saved = client.put(_url(a, "review/"), {"scores": _scores(open_round, [1, 1, 1, 1])})
        submitted = client.post(_url(a, "review/submit/"), {})
    assert saved.status_code == 409 and submitted.status_code == 409
    assert saved.json()["code"] == "deadline"
    review = Review.objects.get(assignment=a)
    assert review.state == ReviewState.DRAFT and review.total == Decimal("40.000")


def test_just_before_deadline_is_accepted(open_round, pool, client_for, assignment_of):
    a = assignment_of(pool[0])
    with time_machine.travel(open_round.deadline - timedelta(seconds=1)):
        response = client_for(pool[0]).post(
            _url(a, "review/submit/"), {"scores": _scores(open_round, [1, 2, 3, 4])}
        )
    assert response.status_code == 200


def test_staff_reopen_with_reason_is_audited(
    open_round, pool, client_for, assignment_of, staff_client
):
    a = assignment_of(pool[0])
    client_for(pool[0]).post(_url(a, "review/submit/"), {"scores": _scores(open_round, [1] * 4)})
    review = Review.objects.get(assignment=a)
    assert staff_client.post(f"/api/v1/reviews/{review.pk}/reopen/", {}).status_code == 400
    response = staff_client.post(f"/api/v1/reviews/{review.pk}/reopen/", {"reason": "误填"})
    assert response.status_code == 200
    assert response.json()["state"] == "draft"
    assert audit_trail(review).filter(action="review.reopen", reason="误填").exists()
    again = staff_client.post(f"/api/v1/reviews/{review.pk}/reopen/", {"reason": "x"})
    assert again.status_code == 409


def test_reviewer_cannot_reopen(open_round, pool, client_for, assignment_of):
    a = assignment_of(pool[0])
    client = client_for(pool[0])
    client.post(_url(a, "review/submit/"), {"scores": _scores(open_round, [1] * 4)})
    review = Review.objects.get(assignment=a)
    assert client.post(f"/api/v1/reviews/{review.pk}/reopen/", {"reason": "x"}).status_code == 403


def test_recuse_via_api(open_round, pool, client_for, assignment_of):
    a = assignment_of(pool[0])
    client = client_for(pool[0])
    assert client.post(_url(a, "recuse/"), {}).status_code == 400
    assert client.post(_url(a, "recuse/"), {"reason": "曾指导该项目"}).status_code == 204
    assert client.get(_url(a)).status_code == 404


def test_my_assignments_query_count_is_constant(
    open_round, pool, client_for, django_assert_max_num_queries, union_staff
):
    from reviews.models import RoundEntry

    client = client_for(pool[0])
    with django_assert_max_num_queries(12):
        client.get("/api/v1/my-assignments/")
    # Add many more assignments for the same reviewer and check the count stays put.
    for _ in range(25):
        entry = ReviewEntryFactory(contest=open_round.contest)
        RoundEntry.objects.create(round=open_round, entry=entry)
        services.assignment_add(round=open_round, reviewer=pool[0], entry=entry, actor=union_staff)
    with django_assert_max_num_queries(12):
        response = client.get("/api/v1/my-assignments/?page_size=100")
    assert response.json()["count"] >= 25


@pytest.mark.django_db(transaction=True)
def test_concurrent_double_submit_leaves_one_review(django_db_blocker):
    from tests.factories.reviews import (
        ReviewCategoryFactory,
        ReviewContestFactory,
        RoundFactory,
        accept_pledges,
        make_pool,
        make_staff,
    )
    from tests.reviews.conftest import assign_by_hand

    contest = ReviewContestFactory()
    category = ReviewCategoryFactory(contest=contest)
    entries = [ReviewEntryFactory(contest=contest, category=category) for _ in range(2)]
    reviewers = make_pool(contest, 2)
    staff = make_staff()
    round_ = RoundFactory(contest=contest)
    services.round_start_assigning(round=round_, actor=staff)
    assign_by_hand(round_, entries, reviewers, staff)
    services.round_confirm_assignments(round=round_, actor=staff)
    accept_pledges(round_)
    a = round_.assignments.filter(reviewer=reviewers[0]).first()
    scores = _scores(round_, [5, 5, 5, 5])
    barrier = threading.Barrier(2)
    outcomes = []

    def submit():
        try:
            barrier.wait()
            services.review_submit(assignment=a, reviewer=reviewers[0], scores=scores)
            outcomes.append("ok")
        except Exception as exc:  # noqa: BLE001 - the test records which error each got
            outcomes.append(type(exc).__name__)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["Conflict", "ok"]
    assert Review.objects.filter(assignment=a).count() == 1
    assert ReviewScore.objects.filter(review__assignment=a).count() == 4
    assert timezone.now() < round_.deadline


def _own_queries(captured) -> list[str]:
    """The request's queries, without the savepoints that exist only because each test runs
    inside a transaction (in production the service's atomic block is the outermost one)."""
    return [
        q["sql"] for q in captured if not q["sql"].startswith(("SAVEPOINT", "RELEASE SAVEPOINT"))
    ]


@pytest.mark.parametrize("partial", [False, True], ids=["every-criterion", "one-criterion"])
def test_draft_save_and_submit_take_at_most_eight_queries_after_the_token(
    open_round, pool, assignment_of, partial
):
    """A deadline rush is thousands of these: 1 query for the token (with the user and roles),
    then at most 8 for the save or the submit, the response included (nothing is read twice)."""
    from django.test.utils import CaptureQueriesContext
    from rest_framework.test import APIClient

    from accounts.services import api_token_issue

    reviewer = pool[0]
    a = assignment_of(reviewer)
    _token, key = api_token_issue(user=reviewer)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    first = _scores(open_round, [1] * 4)
    assert client.put(_url(a, "review/"), {"scores": first}, format="json").status_code == 200
    values = _scores(open_round, [2] * 4)
    if partial:
        values = values[:1]  # the others are kept from the draft: one read more
    with CaptureQueriesContext(connection) as save:
        saved = client.put(_url(a, "review/"), {"scores": values}, format="json")
    assert saved.status_code == 200, saved.content
    with CaptureQueriesContext(connection) as submit:
        done = client.post(_url(a, "review/submit/"), {}, format="json")
    assert done.status_code == 200, done.content
    limit = 1 + 8 + (1 if partial else 0)
    assert len(_own_queries(save.captured_queries)) <= limit, _own_queries(save.captured_queries)
    # A submit without scores reads the draft's scores but writes none.
    assert len(_own_queries(submit.captured_queries)) <= 1 + 8, _own_queries(
        submit.captured_queries
    )
    # The response shows what is stored.
    body = done.json()
    review = Review.objects.get(assignment=a)
    assert body["review"]["state"] == ReviewState.SUBMITTED == review.state
    assert Decimal(body["review"]["total"]) == review.total
    stored = {s.criterion_id: s.score for s in ReviewScore.objects.filter(review=review)}
    assert {s["criterion"]: Decimal(s["score"]) for s in body["review"]["scores"]} == stored
    expected = [Decimal(2)] + [Decimal(1 if partial else 2)] * 3
    ordered = [stored[c.pk] for c in open_round.criteria.order_by("position")]
    assert ordered == expected
    assert [c["id"] for c in body["round"]["criteria"]] == list(
        open_round.criteria.order_by("position").values_list("pk", flat=True)
    )
