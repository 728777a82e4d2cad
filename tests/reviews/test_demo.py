import io
import random

from accounts import demo as accounts_demo
from core.demo import DemoContext
from reviews import demo
from reviews.enums import ReviewState, RoundState
from reviews.models import PoolMember, Review, ReviewerConflict, Round
from tests.factories.reviews import ReviewCategoryFactory, ReviewContestFactory, ReviewEntryFactory


def _ctx():
    return DemoContext(rng=random.Random(3), stdout=io.StringIO())


def test_seed_without_contest_does_nothing(db):
    demo.seed(_ctx())
    assert not Round.objects.exists()


def test_seed_creates_two_rounds_idempotently(db):
    ctx = _ctx()
    accounts_demo.seed(ctx)
    contest = ReviewContestFactory()
    category = ReviewCategoryFactory(contest=contest)
    org_ids = ctx.shared["demo_org_ids"]
    for i in range(12):
        ReviewEntryFactory(contest=contest, category=category, organisation_id=org_ids[i % 20])
    ctx.shared["demo_contest_ids"] = {"previous": contest.pk}
    demo.seed(ctx)
    first, second = Round.objects.filter(contest=contest).order_by("order")
    assert first.state == RoundState.FINALIZED and first.published_at
    assert second.state == RoundState.OPEN and second.deadline > first.deadline
    assert second.round_entries.count() == 6
    assert Review.objects.filter(round=second, state=ReviewState.SUBMITTED).exists()
    assert PoolMember.objects.filter(contest=contest).count() == 20
    assert ReviewerConflict.objects.count() == 1
    counts = (Round.objects.count(), Review.objects.count())
    demo.seed(ctx)
    assert (Round.objects.count(), Review.objects.count()) == counts
