"""An open round with confirmed assignments, for the reviewer's pages (the pledge not yet
accepted: each test accepts it when it needs to score)."""

from __future__ import annotations

import pytest

from reviews import services
from reviews.models import Assignment
from tests.factories.reviews import (
    ReviewCategoryFactory,
    ReviewContestFactory,
    ReviewEntryFactory,
    RoundFactory,
    make_pool,
    make_staff,
)
from tests.reviews.conftest import assign_by_hand


def open_round_with(*, n_entries=4, n_reviewers=4, rubric=None, blind=True, entry_kwargs=None):
    staff = make_staff()
    contest = ReviewContestFactory()
    category = ReviewCategoryFactory(contest=contest)
    entries = [
        ReviewEntryFactory(contest=contest, category=category, **(entry_kwargs or {}))
        for _ in range(n_entries)
    ]
    pool = make_pool(contest, n_reviewers)
    round_ = RoundFactory(contest=contest, is_blind=blind, **({"rubric": rubric} if rubric else {}))
    services.round_start_assigning(round=round_, actor=staff)
    assign_by_hand(round_, entries, pool, staff)
    services.round_confirm_assignments(round=round_, actor=staff)
    round_.refresh_from_db()
    return round_, entries, pool


@pytest.fixture
def scoring_round(db):
    return open_round_with()


def assignments_of(round_, reviewer):
    return list(Assignment.objects.filter(round=round_, reviewer=reviewer).order_by("entry_id"))
