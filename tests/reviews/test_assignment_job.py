"""The assignment job: end to end through a real Celery worker, and the service directly."""

import numpy as np
import pytest

from reviews import assignment as solver
from reviews import services
from reviews.enums import AssignmentStatus, JobState, RoundState
from reviews.models import Assignment, AssignmentJob
from tests.conftest import wait_until
from tests.factories.accounts import ExpertiseFieldFactory
from tests.factories.reviews import (
    ReviewCategoryFactory,
    ReviewContestFactory,
    ReviewEntryFactory,
    RoundFactory,
    make_pool,
    make_staff,
)


def _round_with(n_entries, n_reviewers, k=2, max_load=30):
    contest = ReviewContestFactory()
    fields = [ExpertiseFieldFactory() for _ in range(3)]
    category = ReviewCategoryFactory(contest=contest)
    category.expertise.set(fields[:1])
    entries = [
        ReviewEntryFactory(contest=contest, category=category, keywords=[fields[1].name])
        for _ in range(n_entries)
    ]
    reviewers = make_pool(contest, n_reviewers, max_load=max_load)
    reviewers[0].reviewer_profile.expertise.set(fields[:2])
    staff = make_staff()
    round_ = RoundFactory(contest=contest, reviewers_per_entry=k)
    services.round_start_assigning(round=round_, actor=staff)
    return round_, entries, reviewers, staff


def test_job_run_writes_valid_optimal_assignment(db):
    round_, entries, reviewers, staff = _round_with(6, 4)
    # The first entry's organisation employs reviewer 1: the solver must avoid that pair.
    profile = reviewers[1].reviewer_profile
    profile.employer = entries[0].organisation
    profile.save()
    job = AssignmentJob.objects.create(round=round_, requested_by=staff)
    services.assignment_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.state == JobState.SUCCEEDED, job.reasons
    assert job.stats["gap_percent"] == 0.0
    loaded = services.load_assignment_problem(round_)
    assert solver.check_assignment(loaded.problem, loaded.active_pairs()) == []
    assert not Assignment.objects.filter(reviewer=reviewers[1], entry=entries[0]).exists()
    # The expert whose fields match category and keyword reviews every entry (affinity 4 each).
    assert Assignment.objects.filter(reviewer=reviewers[0]).count() == 6
    assert job.stats["total_affinity"] == 6 * 4
    services.round_confirm_assignments(round=round_, actor=staff)
    assert round_.state == RoundState.OPEN


def test_job_keeps_manual_pairs_and_avoids_removed(db):
    round_, entries, reviewers, staff = _round_with(3, 3)
    manual = services.assignment_add(
        round=round_, reviewer=reviewers[2], entry=entries[0], actor=staff
    )
    removed = services.assignment_add(
        round=round_, reviewer=reviewers[1], entry=entries[1], actor=staff
    )
    services.assignment_remove(assignment=removed, actor=staff, reason="不合适")
    job = AssignmentJob.objects.create(round=round_, requested_by=staff)
    services.assignment_job_run(job_id=job.pk)
    manual.refresh_from_db()
    assert manual.status == AssignmentStatus.ACTIVE
    assert not Assignment.objects.filter(
        round=round_, reviewer=reviewers[1], entry=entries[1], status=AssignmentStatus.ACTIVE
    ).exists()
    assert Assignment.objects.filter(round=round_, status=AssignmentStatus.ACTIVE).count() == 6


def test_infeasible_job_fails_with_reasons_and_writes_nothing(db):
    round_, _, _, staff = _round_with(5, 2, k=2, max_load=2)
    job = AssignmentJob.objects.create(round=round_, requested_by=staff)
    services.assignment_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.state == JobState.FAILED
    assert job.reasons and all(isinstance(r, str) for r in job.reasons)
    assert not Assignment.objects.exists()


def test_job_run_twice_is_harmless(db):
    round_, _, _, staff = _round_with(3, 3)
    job = AssignmentJob.objects.create(round=round_, requested_by=staff)
    services.assignment_job_run(job_id=job.pk)
    first = sorted(Assignment.objects.values_list("entry_id", "reviewer_id"))
    services.assignment_job_run(job_id=job.pk)
    assert sorted(Assignment.objects.values_list("entry_id", "reviewer_id")) == first


def test_job_start_refused_outside_assigning(db, staff_client):
    round_ = RoundFactory()
    response = staff_client.post(f"/api/v1/review-rounds/{round_.pk}/assignment-jobs/")
    assert response.status_code == 409


@pytest.mark.worker
def test_job_end_to_end_with_real_worker(celery_worker, client_for):
    round_, entries, _, staff = _round_with(8, 5)
    client = client_for(staff)
    response = client.post(f"/api/v1/review-rounds/{round_.pk}/assignment-jobs/")
    assert response.status_code == 202
    job_id = response.json()["id"]

    def finished():
        body = client.get(f"/api/v1/assignment-jobs/{job_id}/").json()
        return body if body["state"] in ("succeeded", "failed") else None

    body = wait_until(finished, timeout=60)
    assert body["state"] == "succeeded", (body, celery_worker.log()[-2000:])
    assert body["progress"] == 100 and body["stats"]["pairs"] == 16
    counts = np.bincount(
        np.asarray(Assignment.objects.values_list("entry_id", flat=True))
        - min(e.pk for e in entries)
    )
    assert set(counts.tolist()) == {2}
    confirm = client.post(f"/api/v1/review-rounds/{round_.pk}/confirm-assignments/")
    assert confirm.status_code == 200 and confirm.json()["state"] == "open"
