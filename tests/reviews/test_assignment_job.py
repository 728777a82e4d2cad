"""The assignment job: end to end through a real Celery worker, and the service directly."""

import numpy as np
import pytest

from core.models import AuditEvent
from jobs.enums import JobState
from jobs.services import job_run
from reviews import assignment as solver
from reviews import jobs as round_jobs
from reviews import services
from reviews.enums import AssignmentStatus, RoundState
from reviews.models import Assignment
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


def _run(round_, staff):
    return job_run(job_id=round_jobs.round_assign_start(round=round_, actor=staff, send=False).pk)


def test_job_run_writes_valid_optimal_assignment(db):
    round_, entries, reviewers, staff = _round_with(6, 4)
    # The first entry's organisation employs reviewer 1: the solver must avoid that pair.
    profile = reviewers[1].reviewer_profile
    profile.employer = entries[0].organisation
    profile.save()
    job = _run(round_, staff)
    assert job.state == JobState.SUCCEEDED, job.error_details
    assert job.result["gap_percent"] == 0.0
    loaded = services.load_assignment_problem(round_)
    assert solver.check_assignment(loaded.problem, loaded.active_pairs()) == []
    assert not Assignment.objects.filter(reviewer=reviewers[1], entry=entries[0]).exists()
    # The expert whose fields match category and keyword reviews every entry (affinity 4 each).
    assert Assignment.objects.filter(reviewer=reviewers[0]).count() == 6
    assert job.result["total_affinity"] == 6 * 4
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
    _run(round_, staff)
    manual.refresh_from_db()
    assert manual.status == AssignmentStatus.ACTIVE
    assert not Assignment.objects.filter(
        round=round_, reviewer=reviewers[1], entry=entries[1], status=AssignmentStatus.ACTIVE
    ).exists()
    assert Assignment.objects.filter(round=round_, status=AssignmentStatus.ACTIVE).count() == 6
    # Who added a pair by hand is kept; the solver's proposals name nobody (the job and the
    # assignment.solve audit row say who ran it).
    assert manual.created_by == staff
    proposals = Assignment.objects.filter(round=round_, source="solver")
    assert proposals.count() == 5
    assert not proposals.filter(created_by__isnull=False).exists()
    assert AuditEvent.objects.filter(action="assignment.solve", actor=staff).count() == 1


def test_infeasible_job_fails_with_reasons_and_writes_nothing(db):
    round_, _, _, staff = _round_with(5, 2, k=2, max_load=2)
    job = _run(round_, staff)
    assert job.state == JobState.FAILED
    assert job.error_details and all(isinstance(r, str) for r in job.error_details)
    assert not Assignment.objects.exists()


def test_job_run_twice_is_harmless(db):
    round_, _, _, staff = _round_with(3, 3)
    job = _run(round_, staff)
    first = sorted(Assignment.objects.values_list("entry_id", "reviewer_id"))
    job_run(job_id=job.pk)
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
        body = client.get(f"/api/v1/jobs/{job_id}/").json()
        return body if body["state"] in ("succeeded", "failed") else None

    body = wait_until(finished, timeout=60)
    assert body["state"] == "succeeded", (body, celery_worker.log()[-2000:])
    assert body["percent"] == 100 and body["result"]["pairs"] == 16
    counts = np.bincount(
        np.asarray(Assignment.objects.values_list("entry_id", flat=True))
        - min(e.pk for e in entries)
    )
    assert set(counts.tolist()) == {2}
    confirm = client.post(f"/api/v1/review-rounds/{round_.pk}/confirm-assignments/")
    assert (
        confirm.status_code == 202
        and confirm["Location"] == f"/api/v1/jobs/{confirm.json()['id']}/"
    )
    body = wait_until(lambda: _finished(client, confirm.json()["id"]), timeout=60)
    assert body["state"] == "succeeded", body
    round_.refresh_from_db()
    assert round_.state == RoundState.OPEN


def _finished(client, job_id):
    body = client.get(f"/api/v1/jobs/{job_id}/").json()
    return body if body["finished"] else None


def test_start_twice_returns_the_same_job(db, client_for):
    round_, _, _, staff = _round_with(3, 3)
    client = client_for(staff)
    first = client.post(f"/api/v1/review-rounds/{round_.pk}/assignment-jobs/")
    again = client.post(f"/api/v1/review-rounds/{round_.pk}/assignment-jobs/")
    assert first.status_code == again.status_code == 202
    assert first.json()["id"] == again.json()["id"]
    assert first.json()["kind"] == "reviews.round.assign" and first.json()["state"] == "queued"


def test_confirm_while_the_solver_runs_is_409_naming_it(db, client_for):
    round_, _, _, staff = _round_with(3, 3)
    client = client_for(staff)
    client.post(f"/api/v1/review-rounds/{round_.pk}/assignment-jobs/")
    response = client.post(f"/api/v1/review-rounds/{round_.pk}/confirm-assignments/")
    assert response.status_code == 409 and response.json()["code"] == "job_running"
    assert "Assign reviewers" in response.json()["detail"]


def test_confirm_job_with_an_invalid_assignment_fails_in_words_and_changes_nothing(db, client_for):
    round_, _, _, staff = _round_with(3, 3)  # no assignment at all: every entry lacks reviewers
    response = client_for(staff).post(f"/api/v1/review-rounds/{round_.pk}/confirm-assignments/")
    assert response.status_code == 202
    job = job_run(job_id=response.json()["id"])
    assert job.state == JobState.FAILED and job.error_code == "assignment_invalid"
    assert "breaks" in job.error and job.error_details
    round_.refresh_from_db()
    assert round_.state == RoundState.ASSIGNING


def test_transition_to_open_starts_the_confirm_job(db, client_for):
    round_, _, _, staff = _round_with(3, 3)
    response = client_for(staff).post(
        f"/api/v1/review-rounds/{round_.pk}/transition/", {"to_state": "open"}
    )
    assert response.status_code == 202 and response.json()["kind"] == "reviews.round.confirm"


def test_long_steps_refused_at_once_in_the_wrong_state(db, client_for):
    round_, _, _, staff = _round_with(3, 3)
    client = client_for(staff)
    for action in ("compute-results", "publish"):
        assert client.post(f"/api/v1/review-rounds/{round_.pk}/{action}/").status_code == 409
    response = client.post(
        f"/api/v1/review-rounds/{round_.pk}/awards-by-rank/", {"tiers": {"first": 1}}, format="json"
    )
    assert response.status_code == 409


def test_long_steps_refused_to_reviewers_and_members(db, client_for, member_client):
    round_, _, reviewers, _ = _round_with(3, 3)
    for client in (client_for(reviewers[0]), member_client):
        for action in ("assignment-jobs", "confirm-assignments", "compute-results", "publish"):
            response = client.post(f"/api/v1/review-rounds/{round_.pk}/{action}/")
            assert response.status_code == 403, action


@pytest.mark.worker
def test_job_taken_over_after_its_worker_is_sigkilled(celery_worker_factory, client_for):
    """Issue 10: SIGKILL the worker while the assignment job runs; the next worker takes it over
    and finishes it, with exactly one assignment written (nothing of the dead attempt)."""
    import signal
    import threading

    from django.db import connection, transaction

    from jobs.models import Job

    env = {"JOBS_HEARTBEAT_SECONDS": "0.3", "JOBS_STALE_AFTER_SECONDS": "2"}
    round_, entries, _, staff = _round_with(8, 5)
    client = client_for(staff)
    # Hold writes to the assignment table so that the job stops inside its transaction, in its
    # "storing" phase (loading and solving read only), while its heartbeat goes on.
    locked, release = threading.Event(), threading.Event()

    def hold():
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("LOCK TABLE reviews_assignment IN EXCLUSIVE MODE")
            locked.set()
            release.wait(60)
        connection.close()

    holder = threading.Thread(target=hold)
    holder.start()
    try:
        assert locked.wait(10)
        first = celery_worker_factory(extra_env=env)
        job_id = client.post(f"/api/v1/review-rounds/{round_.pk}/assignment-jobs/").json()["id"]

        def storing():
            body = client.get(f"/api/v1/jobs/{job_id}/").json()
            return body if body["phase"] == "storing" else None

        body = wait_until(storing, timeout=60)
        assert body["state"] == "running" and body["attempts"] == 1
        first.stop(sig=signal.SIGKILL)
    finally:
        release.set()
        holder.join(30)
    # Without a heartbeat the job goes stale; it is still "running" on a dead worker.
    wait_until(lambda: client.get(f"/api/v1/jobs/{job_id}/").json()["state"] == "running")
    assert not Assignment.objects.filter(round=round_).exists()
    second = celery_worker_factory(extra_env=env)  # its start sweeps for orphaned jobs
    body = wait_until(lambda: _finished(client, job_id), timeout=90)
    assert body["state"] == "succeeded", (body, second.log()[-3000:])
    assert body["attempts"] == 2
    assert Assignment.objects.filter(round=round_).count() == 8 * 2
    assert Job.objects.filter(kind="reviews.round.assign").count() == 1
    confirm = client.post(f"/api/v1/review-rounds/{round_.pk}/confirm-assignments/").json()
    assert wait_until(lambda: _finished(client, confirm["id"]), timeout=60)["state"] == "succeeded"


@pytest.mark.worker
def test_staff_cancel_a_running_job(celery_worker_factory, client_for):
    import threading

    from django.db import connection, transaction

    round_, _, _, staff = _round_with(6, 4)
    client = client_for(staff)
    locked, release = threading.Event(), threading.Event()

    def hold():
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("LOCK TABLE reviews_assignment IN EXCLUSIVE MODE")
            locked.set()
            release.wait(60)
        connection.close()

    holder = threading.Thread(target=hold)
    holder.start()
    try:
        assert locked.wait(10)
        celery_worker_factory(extra_env={"JOBS_HEARTBEAT_SECONDS": "0.3"})
        job_id = client.post(f"/api/v1/review-rounds/{round_.pk}/assignment-jobs/").json()["id"]
        wait_until(lambda: client.get(f"/api/v1/jobs/{job_id}/").json()["phase"] == "storing")
        assert client.post(f"/api/v1/jobs/{job_id}/cancel/").status_code == 200
    finally:
        release.set()
        holder.join(30)
    body = wait_until(lambda: _finished(client, job_id), timeout=60)
    assert body["state"] == "cancelled" and body["error"]
    assert not Assignment.objects.filter(round=round_).exists()
    # The round is free again: a new job may start.
    again = client.post(f"/api/v1/review-rounds/{round_.pk}/assignment-jobs/")
    assert again.status_code == 202 and again.json()["id"] != job_id


def test_writes_on_the_round_are_refused_while_the_solver_job_is_live(db, client_for):
    """The round's short writes (back to draft, settings, rubric, a manual pair) would interleave
    with the solver; while its job is queued or running each is a 409 naming the job, and nothing
    is written. Once the job has run they go through."""
    round_, entries, reviewers, staff = _round_with(3, 3)
    client = client_for(staff)
    job = client.post(f"/api/v1/review-rounds/{round_.pk}/assignment-jobs/").json()
    base = f"/api/v1/review-rounds/{round_.pk}/"
    refused = [
        client.post(base + "transition/", {"to_state": "draft"}, format="json"),
        client.patch(base, {"name": "改名"}, format="json"),
        client.post(
            "/api/v1/review-assignments/",
            {"round": round_.pk, "entry": entries[0].pk, "reviewer": reviewers[0].pk},
            format="json",
        ),
    ]
    for response in refused:
        assert response.status_code == 409, response.content
        assert response.json()["code"] == "job_running"
        assert str(job["id"]) in response.json()["detail"]
    round_.refresh_from_db()
    assert round_.state == RoundState.ASSIGNING and round_.name != "改名"
    assert not Assignment.objects.filter(round=round_).exists()

    job_run(job_id=job["id"])
    response = client.post(base + "transition/", {"to_state": "draft"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["state"] == RoundState.DRAFT
