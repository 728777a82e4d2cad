import pytest
from django.core.management import call_command

from accounts.models import Organisation, ReviewerProfile, User
from core.demo import DEMO_PASSWORD


@pytest.mark.django_db
def test_seed_demo_is_idempotent():
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    counts = (Organisation.objects.count(), User.objects.count(), ReviewerProfile.objects.count())
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert (Organisation.objects.count(), User.objects.count(),
            ReviewerProfile.objects.count()) == counts  # fmt: skip
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
def test_seed_demo_runs_the_review_rounds_on_the_previous_contest():
    """The projects seeder must leave the previous edition's entries where round 1 can enrol
    them (submitted); otherwise the demo has a lone draft round and no reviews at all."""
    from reviews.enums import RoundState
    from reviews.models import Review, Round

    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    rounds = list(Round.objects.order_by("order").values_list("state", "published_at"))
    assert [state for state, _ in rounds] == [RoundState.FINALIZED, RoundState.OPEN]
    assert rounds[0][1] is not None
    assert Review.objects.filter(state="submitted").exists()
