"""The organisation's entry limit holds when two submissions race (real threads, real
connections, committed transactions)."""

import threading
import time

import pytest
from django.db import connection, transaction

from core.exceptions import Conflict
from projects.enums import EntryState
from projects.models import Entry
from projects.services import entry_submit
from tests.factories.accounts import EnterpriseUserFactory
from tests.factories.projects import ContestFactory, SubmittableEntryFactory


@pytest.mark.django_db(transaction=True)
def test_concurrent_submits_past_the_limit_leave_exactly_one():
    """A submits and keeps its transaction open; B submits meanwhile. Without the organisation
    lock B would count A's uncommitted entry as absent and both would be submitted."""
    contest = ContestFactory(max_entries_per_org=1)
    first = SubmittableEntryFactory(contest=contest)
    second = SubmittableEntryFactory(contest=contest, organisation=first.organisation)
    member = EnterpriseUserFactory(organisation=first.organisation)
    a_submitted, release_a = threading.Event(), threading.Event()
    outcomes: dict[str, str] = {}

    def run(name: str, entry_id: int) -> None:
        try:
            entry = Entry.objects.get(pk=entry_id)
            if name == "A":
                with transaction.atomic():
                    entry_submit(entry=entry, actor=member)
                    a_submitted.set()
                    release_a.wait(timeout=10)  # commit only when the main thread says so
            else:
                a_submitted.wait(timeout=10)
                entry_submit(entry=entry, actor=member)
            outcomes[name] = "submitted"
        except Conflict as exc:
            outcomes[name] = exc.code
        finally:
            a_submitted.set()
            connection.close()  # each thread used its own connection

    threads = [
        threading.Thread(target=run, args=("A", first.pk)),
        threading.Thread(target=run, args=("B", second.pk)),
    ]
    for thread in threads:
        thread.start()
    a_submitted.wait(timeout=10)
    time.sleep(0.5)  # B is now inside entry_submit, waiting for the organisation's row lock
    release_a.set()
    for thread in threads:
        thread.join(timeout=30)

    assert outcomes == {"A": "submitted", "B": "entry_limit_reached"}
    states = sorted(Entry.objects.filter(contest=contest).values_list("state", flat=True))
    assert states == [EntryState.DRAFT, EntryState.SUBMITTED]
