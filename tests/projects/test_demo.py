import pytest
from django.core.management import call_command

from projects.enums import ContestState, EntryState
from projects.models import Attachment, Contest, Entry
from tests.projects.conftest import attachment_path


def _seed(*args):
    call_command("seed_demo", *args, stdout=open("/dev/null", "w"))  # noqa: SIM115


@pytest.mark.django_db
def test_seed_demo_creates_two_contests_idempotently():
    _seed()
    counts = (Contest.objects.count(), Entry.objects.count(), Attachment.objects.count())
    _seed()
    assert (Contest.objects.count(), Entry.objects.count(), Attachment.objects.count()) == counts
    previous, current = Contest.objects.get(edition=4), Contest.objects.get(edition=5)
    assert previous.state == ContestState.IN_REVIEW
    # The reviews seeder ran round 1 (finalized) and round 2 (open) on them.
    assert set(previous.entries.values_list("state", flat=True)) <= {
        EntryState.IN_REVIEW,
        EntryState.NOT_ADVANCED,
    }
    assert previous.entries.count() == 40
    assert current.state == ContestState.OPEN
    assert set(current.entries.values_list("state", flat=True)) == {"draft", "submitted"}
    assert previous.categories.filter(name="创新组", expertise__code="automotive").exists()
    plan = Attachment.objects.filter(entry__contest=current).first()
    assert attachment_path(plan).read_bytes().startswith(b"%PDF-")


@pytest.mark.django_db
def test_seed_demo_large_mode_adds_submitted_entries():
    _seed("--entries", "120", "--reviewers", "5")
    large = Contest.objects.get(edition=99)
    assert large.entries.filter(state=EntryState.SUBMITTED).count() == 120
    _seed("--entries", "120", "--reviewers", "5")
    assert large.entries.count() == 120


@pytest.mark.django_db
def test_seed_sets_shared_ids():
    import random

    from core.demo import DemoContext, run_seeders

    ctx = DemoContext(rng=random.Random(1), stdout=open("/dev/null", "w"), entries=10)  # noqa: SIM115
    run_seeders(ctx)
    assert set(ctx.shared["demo_contest_ids"]) == {"previous", "current"}
    assert Contest.objects.get(pk=ctx.shared["large_contest_id"]).edition == 99
