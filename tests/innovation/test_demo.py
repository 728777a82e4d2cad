import io
import random

import pytest

from core.demo import DemoContext
from incubator import demo as incubator_demo
from incubator.models import Incubation
from innovation import demo as innovation_demo
from innovation.models import Studio, StudioAssessment
from tests.factories.incubator import IncubatorContestFactory, IncubatorEntryFactory

pytestmark = pytest.mark.django_db


def _ctx(**shared) -> DemoContext:
    return DemoContext(rng=random.Random(1), stdout=io.StringIO(), shared=shared)


@pytest.fixture
def seeded_accounts():
    from accounts import demo as accounts_demo

    ctx = _ctx()
    accounts_demo.seed(ctx)
    return ctx


def test_innovation_demo_is_idempotent_and_realistic(seeded_accounts):
    innovation_demo.seed(seeded_accounts)
    counts = (Studio.objects.count(), StudioAssessment.objects.count())
    innovation_demo.seed(seeded_accounts)
    assert (Studio.objects.count(), StudioAssessment.objects.count()) == counts
    assert set(Studio.objects.filter(state="named").values_list("level", flat=True)) == {
        "district",
        "city",
        "province",
        "national",
    }
    flagged = Studio.objects.get(revocation_flagged_at__isnull=False)
    assert list(flagged.assessments.order_by("-year").values_list("rating", flat=True)[:2]) == [
        "fail",
        "fail",
    ]


def test_incubator_demo_incubates_a_winner_of_the_previous_contest():
    contest = IncubatorContestFactory(year=2024)
    IncubatorEntryFactory(contest=contest, state="not_advanced")
    winner = IncubatorEntryFactory(contest=contest, state="awarded")
    ctx = _ctx(demo_contest_ids={"previous": contest.pk})
    incubator_demo.seed(ctx)
    incubator_demo.seed(ctx)
    incubation = Incubation.objects.get()
    assert incubation.entry == winner
    assert incubation.reports.filter(state="filed").exists()
    assert incubation.reports.filter(state="pending").exists()
    assert incubation.milestones.count() == 4


def test_incubator_demo_without_contest_seeds_nothing():
    incubator_demo.seed(_ctx())
    assert not Incubation.objects.exists()
