"""Beyond one machine (docs/scaling.md), what can be tested here: workers that consume different
queues, and reads routed to a second database alias."""

from __future__ import annotations

import pytest
from django.db import connections, transaction
from django.test.utils import CaptureQueriesContext

from accounts.models import Organisation
from config.celery import app as celery_app
from core.db_routers import read_from_replica
from jobs.models import Job
from tests.conftest import wait_until
from tests.factories.accounts import OrganisationFactory


def test_each_job_kind_is_routed_to_its_queue():
    from jobs.registry import get_kind

    assert get_kind("reviews.round.assign").queue == "solver"
    assert get_kind("reviews.round.confirm").queue == "celery"
    declared = {q.name for q in celery_app.conf.task_queues}
    assert {"celery", "notices", "solver", "exports"} <= declared
    assert celery_app.amqp.router.route({}, "notifications.tasks.deliver_notices")[
        "queue"
    ].name == ("notices")


@pytest.mark.worker
def test_two_workers_on_different_queues_each_run_their_own_jobs(celery_worker_factory, client_for):
    from tests.reviews.test_assignment_job import _finished, _round_with

    celery_worker_factory(queues=["solver"], name="solver", concurrency=1)
    celery_worker_factory(queues=["celery", "notices", "exports"], name="general", concurrency=1)
    round_, _, _, staff = _round_with(6, 4)
    client = client_for(staff)
    assign = client.post(f"/api/v1/review-rounds/{round_.pk}/assignment-jobs/").json()
    assert wait_until(lambda: _finished(client, assign["id"]), timeout=60)["state"] == "succeeded"
    confirm = client.post(f"/api/v1/review-rounds/{round_.pk}/confirm-assignments/").json()
    assert wait_until(lambda: _finished(client, confirm["id"]), timeout=60)["state"] == "succeeded"
    assert Job.objects.get(pk=assign["id"]).worker.startswith("solver-")
    assert Job.objects.get(pk=confirm["id"]).worker.startswith("general-")


@pytest.mark.django_db(transaction=True, databases=["default", "replica"])
def test_marked_reads_go_to_the_replica_alias_and_writes_stay_on_the_primary():
    org = OrganisationFactory()
    with (
        CaptureQueriesContext(connections["replica"]) as on_replica,
        CaptureQueriesContext(connections["default"]) as on_primary,
    ):
        with read_from_replica():
            assert Organisation.objects.get(pk=org.pk).name == org.name
            assert Organisation.objects.filter(pk=org.pk).using("default").exists()
            Organisation.objects.filter(pk=org.pk).update(name="改名")
        assert Organisation.objects.get(pk=org.pk).name == "改名"
    assert len(on_replica) == 1 and "SELECT" in on_replica[0]["sql"]
    assert [q["sql"].split()[0] for q in on_primary] == ["SELECT", "UPDATE", "SELECT"]


@pytest.mark.django_db(transaction=True, databases=["default", "replica"])
def test_reads_inside_a_transaction_stay_on_the_primary():
    """A service's lock-check-save must never read a lagging replica."""
    org = OrganisationFactory()
    with (
        CaptureQueriesContext(connections["replica"]) as on_replica,
        read_from_replica(),
        transaction.atomic(),
    ):
        Organisation.objects.filter(pk=org.pk).update(name="事务中")
        # The replica's connection could not see this uncommitted write; the primary does.
        assert Organisation.objects.get(pk=org.pk).name == "事务中"
    assert len(on_replica) == 0


def test_unmarked_reads_use_the_primary(db):
    org = OrganisationFactory()
    assert Organisation.objects.get(pk=org.pk).pk == org.pk  # no access to the replica alias


def test_every_beat_entry_names_a_registered_task_of_the_app_whose_rule_it_runs():
    """A renamed or moved task would leave beat sending a name no worker knows (silently: the
    message is dropped as unregistered). The reminder scans live in their domain apps."""
    from django.conf import settings

    celery_app.loader.import_default_modules()
    registered = set(celery_app.tasks)
    tasks = {name: entry["task"] for name, entry in settings.CELERY_BEAT_SCHEDULE.items()}
    assert not {t for t in tasks.values() if t not in registered}, tasks
    assert tasks["reviews-deadline-reminders"] == "reviews.tasks.scan_review_deadlines"
    assert tasks["projects-registration-reminders"] == "projects.tasks.send_registration_reminders"
    assert not [t for t in tasks.values() if t.startswith("notifications.") and "sweep" not in t]
