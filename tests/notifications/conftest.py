"""Set-ups for the review jobs: an open round with assignments made directly (no solver), so the
reminder tests stay fast and independent of the assignment algorithm."""

from datetime import UTC, datetime

import pytest

from reviews.enums import AssignmentSource, ReviewState, RoundState
from reviews.models import Assignment, Review
from tests.factories.reviews import (
    ReviewCategoryFactory,
    ReviewContestFactory,
    ReviewEntryFactory,
    RoundFactory,
    make_reviewer,
)

ROUND_DEADLINE = datetime(2026, 12, 10, 10, 0, tzinfo=UTC)  # 18:00 in Shiyan


def make_open_round(*, reviewers: int, entries_each: int = 2, deadline=ROUND_DEADLINE):
    """An open round where reviewer i is assigned ``entries_each`` entries."""
    contest = ReviewContestFactory()
    category = ReviewCategoryFactory(contest=contest)
    round_ = RoundFactory(
        contest=contest,
        state=RoundState.OPEN,
        deadline=deadline,
        opens_at=deadline.replace(year=deadline.year - 1),
    )
    people = [make_reviewer() for _ in range(reviewers)]
    entries = [ReviewEntryFactory(contest=contest, category=category) for _ in range(entries_each)]
    Assignment.objects.bulk_create(
        [
            Assignment(round=round_, reviewer=r, entry=e, source=AssignmentSource.MANUAL)
            for r in people
            for e in entries
        ]
    )
    return round_, people, entries


def submit_all(round_, reviewer):
    for assignment in Assignment.objects.filter(round=round_, reviewer=reviewer):
        Review.objects.create(
            round=round_,
            reviewer=reviewer,
            entry_id=assignment.entry_id,
            assignment=assignment,
            state=ReviewState.SUBMITTED,
        )


@pytest.fixture
def open_round_of_three(db):
    return make_open_round(reviewers=3)
