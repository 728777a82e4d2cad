"""The job mechanism itself, on a small step registered by the test (renaming an organisation in
two writes with progress in between): idempotency, nothing half-written, cancel, takeover of a
job whose worker died, the transition table, the API and its visibility."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.enums import Role
from accounts.models import Organisation
from core.exceptions import Conflict, InvalidTransition
from core.models import AuditEvent
from jobs import selectors, services
from jobs.enums import JOB_TRANSITIONS, JobState
from jobs.models import Job
from jobs.registry import JobKind, register
from tests.conftest import wait_until
from tests.factories.accounts import OrganisationFactory, UserFactory

# Test hooks of the step: an event it waits on inside its transaction, and a failure switch.
GATE: dict[str, threading.Event | None] = {"reached": None, "release": None}
FAIL = {"after_first_write": False}


def _rename(ctx) -> dict:
    org = Organisation.objects.select_for_update().get(pk=ctx.target.pk)
    ctx.progress("first_half", 10)
    org.name = f"{ctx.params['name']}（一）"
    org.save(update_fields=["name"])
    if FAIL["after_first_write"]:
        raise RuntimeError("boom")
    if GATE["reached"] is not None:
        GATE["reached"].set()
        GATE["release"].wait(30)
    ctx.progress("second_half", 60)
    org.name = ctx.params["name"]
    org.save(update_fields=["name"])
    return {"renamed_to": org.name}


def _refuse(ctx) -> dict:
    raise services.JobFailed("The organisation may not be renamed now.", details=["reason: test"])


register(
    JobKind(
        name="tests.rename",
        label=_("Rename"),
        target=Organisation,
        run=_rename,
        roles=frozenset({Role.UNION_STAFF}),
        phases={"first_half": _("First half"), "second_half": _("Second half")},
    )
)
register(
    JobKind(
        name="tests.refuse",
        label=_("Refuse"),
        target=Organisation,
        run=_refuse,
        roles=frozenset({Role.UNION_STAFF}),
    )
)
register(
    JobKind(
        name="tests.read",
        label=_("Read"),
        target=Organisation,
        run=lambda ctx: {},
        exclusive=False,
        roles=frozenset({Role.UNION_STAFF}),
    )
)


@pytest.fixture(autouse=True)
def _reset_hooks():
    GATE.update(reached=None, release=None)
    FAIL["after_first_write"] = False
    yield
    if GATE["release"] is not None:
        GATE["release"].set()


@pytest.fixture
def staff(db):
    return UserFactory(roles=[Role.UNION_STAFF], is_staff=True)


def _start(org, staff, name="新名称", kind="tests.rename"):
    return services.job_start(kind=kind, target=org, actor=staff, params={"name": name})


def test_job_start_twice_returns_the_live_job(staff):
    org = OrganisationFactory()
    first = _start(org, staff)
    again = _start(org, staff)
    assert again.pk == first.pk and Job.objects.count() == 1
    assert first.state == JobState.QUEUED and first.queue == "celery"


def test_job_start_of_another_writing_step_on_the_same_target_is_a_conflict(staff):
    org = OrganisationFactory()
    _start(org, staff, name="甲")
    with pytest.raises(Conflict) as exc:
        _start(org, staff, name="乙")
    assert exc.value.code == "job_running" and "Rename" in exc.value.detail


def test_job_start_of_a_reading_step_does_not_hold_the_target(staff):
    org = OrganisationFactory()
    _start(org, staff)
    assert _start(org, staff, kind="tests.read").state == JobState.QUEUED


def test_job_run_succeeds_with_result_and_audit(staff):
    org = OrganisationFactory()
    job = services.job_run(job_id=_start(org, staff).pk)
    org.refresh_from_db()
    assert org.name == "新名称"
    assert job.state == JobState.SUCCEEDED and job.percent == 100 and job.phase == "done"
    assert job.result == {"renamed_to": "新名称"} and job.attempts == 1 and job.lease == ""
    moves = list(
        AuditEvent.objects.filter(action="job.state", target_id=str(job.pk))
        .order_by("id")
        .values_list("from_state", "to_state")
    )
    assert moves == [("queued", "running"), ("running", "succeeded")]


def test_job_run_twice_claims_once(staff):
    org = OrganisationFactory()
    job = _start(org, staff)
    services.job_run(job_id=job.pk)
    again = services.job_run(job_id=job.pk)
    assert again.state == JobState.SUCCEEDED and again.attempts == 1


def test_job_crash_leaves_nothing_half_written(staff):
    org = OrganisationFactory(name="原名称")
    FAIL["after_first_write"] = True
    job = services.job_run(job_id=_start(org, staff).pk)
    org.refresh_from_db()
    assert org.name == "原名称"
    assert job.state == JobState.FAILED and job.error_code == "error"
    assert "nothing was changed" in job.error


def test_job_failed_by_a_rule_says_why_in_words(staff):
    org = OrganisationFactory()
    job = services.job_run(job_id=_start(org, staff, kind="tests.refuse").pk)
    assert job.state == JobState.FAILED
    assert job.error == "The organisation may not be renamed now."
    assert job.error_details == ["reason: test"]


def test_job_cancelled_while_running_writes_nothing(staff):
    org = OrganisationFactory(name="原名称")
    job = _start(org, staff)
    # The request arrives while the step runs: the step notices before it would commit.
    Job.objects.filter(pk=job.pk).update(cancel_requested_at=timezone.now())
    job = services.job_run(job_id=job.pk)
    org.refresh_from_db()
    assert org.name == "原名称" and job.state == JobState.CANCELLED


def test_job_cancel_of_a_queued_job_is_immediate(staff):
    job = services.job_cancel(job=_start(OrganisationFactory(), staff), actor=staff)
    assert job.state == JobState.CANCELLED and job.finished_at is not None
    # A later delivery of its message runs nothing.
    assert services.job_run(job_id=job.pk).state == JobState.CANCELLED


def test_job_cancel_of_a_finished_job_is_refused(staff):
    job = services.job_run(job_id=_start(OrganisationFactory(), staff).pk)
    with pytest.raises(InvalidTransition):
        services.job_cancel(job=job, actor=staff)


def test_job_that_lost_its_lease_does_not_commit(staff):
    """A worker that was only slow (not dead) and got taken over must not write."""
    org = OrganisationFactory(name="原名称")
    job = _start(org, staff)

    def steal(ctx):
        Job.objects.filter(pk=ctx.job.pk).update(lease="someone-else")
        return _rename(ctx)

    register(JobKind(name="tests.stolen", label="Stolen", target=Organisation, run=steal))
    Job.objects.filter(pk=job.pk).update(kind="tests.stolen")
    job = services.job_run(job_id=job.pk)
    org.refresh_from_db()
    assert org.name == "原名称"
    assert job.state == JobState.RUNNING and job.result == {}


def _running_with_heartbeat(org, staff, *, seconds_ago: float, attempts: int = 1) -> Job:
    job = _start(org, staff)
    Job.objects.filter(pk=job.pk).update(
        state=JobState.RUNNING,
        lease="dead-worker",
        attempts=attempts,
        heartbeat_at=timezone.now() - timedelta(seconds=seconds_ago),
    )
    return Job.objects.get(pk=job.pk)


def test_sweep_takes_over_a_job_whose_heartbeat_is_stale(staff, settings):
    settings.JOBS_STALE_AFTER_SECONDS = 60
    fresh = _running_with_heartbeat(OrganisationFactory(), staff, seconds_ago=5)
    stale = _running_with_heartbeat(OrganisationFactory(), staff, seconds_ago=300)
    assert services.jobs_sweep() == {"requeued": 1, "failed": 0, "resent": 0}
    fresh.refresh_from_db()
    stale.refresh_from_db()
    assert fresh.state == JobState.RUNNING
    assert stale.state == JobState.QUEUED and stale.lease == "" and stale.phase == "taken_over"
    # The next worker claims it with a new lease and finishes it.
    done = services.job_run(job_id=stale.pk)
    assert done.state == JobState.SUCCEEDED and done.attempts == 2


def test_sweep_gives_up_after_the_last_attempt_in_words(staff, settings):
    settings.JOBS_STALE_AFTER_SECONDS = 60
    settings.JOBS_MAX_ATTEMPTS = 3
    job = _running_with_heartbeat(OrganisationFactory(), staff, seconds_ago=300, attempts=3)
    assert services.jobs_sweep()["failed"] == 1
    job.refresh_from_db()
    assert job.state == JobState.FAILED and job.error_code == "worker_lost"
    assert "Stopped 3 times" in job.error


def test_cancel_of_a_job_whose_worker_died_is_immediate(staff, settings):
    settings.JOBS_STALE_AFTER_SECONDS = 60
    job = _running_with_heartbeat(OrganisationFactory(), staff, seconds_ago=300)
    assert services.job_cancel(job=job, actor=staff).state == JobState.CANCELLED


def test_transition_table_has_no_way_out_of_a_finished_state():
    for state in (JobState.SUCCEEDED, JobState.FAILED, JobState.CANCELLED):
        assert JOB_TRANSITIONS[state] == frozenset()
    assert JobState.QUEUED in JOB_TRANSITIONS[JobState.RUNNING]  # takeover


# --- progress while the step's transaction is open (real threads, committed rows) ---------------


def _run_in_thread(job_id: int) -> threading.Thread:
    def target():
        try:
            services.job_run(job_id=job_id)
        finally:
            connection.close()

    thread = threading.Thread(target=target)
    thread.start()
    return thread


@pytest.mark.django_db(transaction=True)
def test_progress_is_visible_while_the_step_runs_and_cancel_stops_it(settings, client_for):
    settings.JOBS_HEARTBEAT_SECONDS = 0.1
    staff = UserFactory(roles=[Role.UNION_STAFF], is_staff=True)
    org = OrganisationFactory(name="原名称")
    job = _start(org, staff)
    GATE.update(reached=threading.Event(), release=threading.Event())
    thread = _run_in_thread(job.pk)
    assert GATE["reached"].wait(30)
    client = client_for(staff)

    def published():
        body = client.get(f"/api/v1/jobs/{job.pk}/").json()
        return body if body["phase"] == "first_half" else None

    body = wait_until(published)
    assert body["state"] == "running" and body["percent"] == 10
    assert body["phase_label"] == "First half" and body["heartbeat_at"]
    # The first write is not visible outside the step's transaction.
    assert Organisation.objects.get(pk=org.pk).name == "原名称"
    response = client.post(f"/api/v1/jobs/{job.pk}/cancel/")
    assert response.status_code == 200 and response.json()["cancel_requested"] is True
    wait_until(lambda: Job.objects.get(pk=job.pk).cancel_requested_at)
    GATE["release"].set()
    thread.join(30)
    job.refresh_from_db()
    assert job.state == JobState.CANCELLED
    assert Organisation.objects.get(pk=org.pk).name == "原名称"


# --- API -----------------------------------------------------------------------------------------


def test_api_job_detail_for_staff(staff, client_for):
    job = _start(OrganisationFactory(), staff)
    body = client_for(staff).get(f"/api/v1/jobs/{job.pk}/").json()
    assert body["state"] == "queued" and body["kind_label"] == "Rename"
    assert body["phase_label"] == "Waiting for a worker" and body["finished"] is False
    assert (
        body["url"] == f"/api/v1/jobs/{job.pk}/" and body["target_type"] == "accounts.organisation"
    )


def test_api_jobs_hidden_from_other_roles(staff, member_client, reviewer_client, api):
    job = _start(OrganisationFactory(), staff)
    for client in (member_client, reviewer_client):
        assert client.get(f"/api/v1/jobs/{job.pk}/").status_code == 404
        assert client.get("/api/v1/jobs/").json()["count"] == 0
    assert api.get(f"/api/v1/jobs/{job.pk}/").status_code == 401


def test_api_requester_without_the_role_sees_but_cannot_cancel(staff, client_for):
    requester = UserFactory(roles=[Role.ENTERPRISE])
    job = services.job_start(kind="tests.read", target=OrganisationFactory(), actor=requester)
    client = client_for(requester)
    assert client.get(f"/api/v1/jobs/{job.pk}/").status_code == 200
    assert client.post(f"/api/v1/jobs/{job.pk}/cancel/").status_code == 403
    assert client_for(staff).post(f"/api/v1/jobs/{job.pk}/cancel/").status_code == 200


def test_api_cancel_of_a_finished_job_is_409(staff, client_for):
    job = services.job_run(job_id=_start(OrganisationFactory(), staff).pk)
    response = client_for(staff).post(f"/api/v1/jobs/{job.pk}/cancel/")
    assert response.status_code == 409 and response.json()["code"] == "invalid_transition"


def test_selector_live_job_of_a_target(staff):
    org = OrganisationFactory()
    job = _start(org, staff)
    assert selectors.job_live_for(user=staff, target=org, kind="tests.rename") == job
    services.job_run(job_id=job.pk)
    assert selectors.job_live_for(user=staff, target=org, kind="tests.rename") is None
