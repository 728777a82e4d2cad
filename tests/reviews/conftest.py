"""Shared set-ups for review tests: a round with entries and a pool, and a round that is open
with confirmed assignments."""

import pytest

from reviews import services
from reviews.models import Assignment
from tests.factories.reviews import (
    ReviewCategoryFactory,
    ReviewContestFactory,
    ReviewEntryFactory,
    RoundFactory,
    accept_pledges,
    make_pool,
)


@pytest.fixture
def contest(db):
    return ReviewContestFactory()


@pytest.fixture
def category(contest):
    return ReviewCategoryFactory(contest=contest)


@pytest.fixture
def entries(contest, category):
    return [ReviewEntryFactory(contest=contest, category=category) for _ in range(4)]


@pytest.fixture
def pool(contest):
    return make_pool(contest, 4)


@pytest.fixture
def draft_round(contest):
    return RoundFactory(contest=contest)


def assign_by_hand(round_, entries, reviewers, actor, k=2):
    """Assign reviewers round-robin by hand (deterministic set-up for scoring tests)."""
    for i, entry in enumerate(entries):
        for j in range(k):
            services.assignment_add(
                round=round_, reviewer=reviewers[(i + j) % len(reviewers)], entry=entry, actor=actor
            )


@pytest.fixture
def open_round(draft_round, entries, pool, union_staff):
    services.round_start_assigning(round=draft_round, actor=union_staff)
    assign_by_hand(draft_round, entries, pool, union_staff)
    services.round_confirm_assignments(round=draft_round, actor=union_staff)
    draft_round.refresh_from_db()
    accept_pledges(draft_round)
    return draft_round


@pytest.fixture
def assignment_of(open_round):
    def get(reviewer, entry=None):
        qs = Assignment.objects.filter(round=open_round, reviewer=reviewer)
        if entry is not None:
            qs = qs.filter(entry=entry)
        return qs.first()

    return get
