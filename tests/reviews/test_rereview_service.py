"""复评 through the service: one more reviewer on disputed entries, reopening a closed round."""

from datetime import timedelta

import pytest
from django.utils import timezone

from core.exceptions import Conflict, ValidationFailed
from reviews import services
from reviews.enums import AssignmentSource, AssignmentStatus, RoundState
from reviews.expert_pool import pool_import
from reviews.models import Assignment, PoolMember
from reviews.rereview import round_add_reviewers
from tests.accounts.test_expert_import import sheet
from tests.factories.reviews import make_pool
from tests.reviews.test_fairness_selector import TOTALS
from tests.reviews.test_results import _run_round


@pytest.fixture
def closed_round(union_staff):
    round_, entries, pool = _run_round(union_staff, k=3, totals=TOTALS)
    extra = make_pool(round_.contest, 1)[0]
    return round_, entries, extra


def test_rereview_adds_one_reviewer_and_reopens_the_round(union_staff, closed_round):
    round_, entries, extra = closed_round
    outcome = round_add_reviewers(
        round=round_,
        entries=[entries[2]],
        actor=union_staff,
        reason="复评",
        deadline=timezone.now() + timedelta(days=2),
    )
    assert [(a.entry_id, a.reviewer_id) for a in outcome.added] == [(entries[2].pk, extra.pk)]
    assert outcome.unserved == []
    round_.refresh_from_db()
    assert round_.state == RoundState.OPEN
    active = Assignment.objects.filter(
        round=round_, entry=entries[2], status=AssignmentStatus.ACTIVE
    )
    assert active.count() == 4  # k + 1
    assert active.get(reviewer=extra).source == AssignmentSource.MANUAL


def test_rereview_reports_entries_nobody_can_take(union_staff, closed_round):
    round_, entries, extra = closed_round
    deadline = timezone.now() + timedelta(days=2)
    outcome = round_add_reviewers(
        round=round_, entries=entries[:2], actor=union_staff, reason="复评", deadline=deadline
    )
    # the one free reviewer takes both entries (load 2 of 30); a third call finds nobody new
    assert len(outcome.added) == 2
    again = round_add_reviewers(
        round=round_, entries=[entries[0]], actor=union_staff, reason="复评"
    )
    assert again.added == [] and len(again.unserved) == 1


def test_rereview_of_a_closed_round_needs_a_deadline(union_staff, closed_round):
    round_, entries, extra = closed_round
    with pytest.raises(ValidationFailed) as exc:
        round_add_reviewers(round=round_, entries=[entries[0]], actor=union_staff, reason="复评")
    assert "deadline" in exc.value.fields
    round_.refresh_from_db()
    assert round_.state == RoundState.CLOSED
    assert not Assignment.objects.filter(round=round_, reviewer=extra).exists()


def test_rereview_refused_once_finalized(union_staff, closed_round):
    round_, entries, _ = closed_round
    services.round_compute_results(round=round_, actor=union_staff)
    services.round_finalize(round=round_, actor=union_staff)
    with pytest.raises(Conflict):
        round_add_reviewers(round=round_, entries=[entries[0]], actor=union_staff, reason="复评")


def test_pool_import_is_all_or_nothing(union_staff, closed_round):
    round_, _, _ = closed_round
    before = PoolMember.objects.count()
    result = pool_import(
        contest=round_.contest,
        actor=union_staff,
        file=sheet(["李明", "", "", "", "", "li@example.org"]),
    )
    assert PoolMember.objects.filter(contest=round_.contest, reviewer=result.created[0]).exists()
    result.created[0].reviewer_profile.__class__.objects.filter(user=result.created[0]).update(
        is_active=False
    )
    with pytest.raises(ValidationFailed):
        pool_import(
            contest=round_.contest,
            actor=union_staff,
            file=sheet(
                ["新人", "", "", "", "", "new@example.org"],
                ["李明", "", "", "", "", "li@example.org"],
            ),
        )
    assert PoolMember.objects.count() == before + 1
    assert not PoolMember.objects.filter(reviewer__username="new@example.org").exists()


def test_api_add_reviewers(staff_client, closed_round):
    round_, entries, extra = closed_round
    deadline = (timezone.now() + timedelta(days=2)).isoformat()
    response = staff_client.post(
        f"/api/v1/review-rounds/{round_.pk}/add-reviewers/",
        {"entries": [entries[2].pk], "reason": "复评", "deadline": deadline},
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert len(response.json()["added"]) == 1


def test_api_add_reviewers_refused_to_reviewers(reviewer_client, closed_round):
    round_, entries, _ = closed_round
    response = reviewer_client.post(
        f"/api/v1/review-rounds/{round_.pk}/add-reviewers/",
        {"entries": [entries[2].pk], "reason": "复评"},
        format="json",
    )
    assert response.status_code == 403
