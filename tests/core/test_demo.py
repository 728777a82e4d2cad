import pytest
from django.core.management import call_command

from accounts.models import Organisation, ReviewerProfile, User
from core.demo import DEMO_PASSWORD


@pytest.mark.django_db
def test_seed_demo_is_idempotent():
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    counts = (Organisation.objects.count(), User.objects.count(), ReviewerProfile.objects.count())
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert (
        Organisation.objects.count(),
        User.objects.count(),
        ReviewerProfile.objects.count(),
    ) == counts
    assert counts[0] >= 20


@pytest.mark.django_db
def test_seed_demo_logins_work(client):
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    response = client.post(
        "/api/v1/auth/token/", {"username": "union_zhang", "password": DEMO_PASSWORD}
    )
    assert response.status_code == 200


@pytest.mark.django_db
def test_seed_demo_synthetic_mode_adds_reviewers_in_bulk():
    call_command("seed_demo", "--reviewers", "50", "--entries", "40", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert ReviewerProfile.objects.filter(user__username__startswith="synth_rev").count() == 50
    assert Organisation.objects.filter(name__startswith="合成单位").count() >= 10


@pytest.mark.django_db
def test_seed_demo_chains_every_programme():
    """The seeders hand over to each other: the previous contest gets its review rounds, the
    incubator takes one of its entries in, studios are named, reviewers are told."""
    from incubator.models import Incubation
    from innovation.models import Studio
    from notifications.models import Notice
    from projects.models import Contest
    from reviews.enums import RoundState
    from reviews.models import Assignment, Review, Round

    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    previous = Contest.objects.get(edition=4)
    rounds = list(Round.objects.filter(contest=previous).order_by("order"))
    # Round 1 enrols submitted entries only: the projects seeder must leave them submitted.
    assert [r.state for r in rounds] == [RoundState.FINALIZED, RoundState.OPEN]
    assert rounds[0].published_at is not None
    assert Review.objects.filter(round=rounds[1], state="submitted").exists()
    assert Assignment.objects.filter(round=rounds[1]).values("reviewer").distinct().count() >= 5
    assert Notice.objects.filter(
        kind="review_assigned", recipient__username__startswith="expert"
    ).exists()
    assert Incubation.objects.filter(entry__contest=previous).exists()
    assert Studio.objects.filter(state="named").count() >= 5
