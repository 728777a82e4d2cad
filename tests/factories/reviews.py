"""Factories for review rounds, built on the projects factories (contests already in review,
submitted entries)."""

from datetime import timedelta
from decimal import Decimal

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from accounts.enums import Role
from projects.enums import ContestState, EntryState, TeamRole
from reviews.enums import AdvancementRule, AggregationMethod, AssignmentStatus, RoundState
from reviews.models import Assignment, Criterion, PledgeAcceptance, PoolMember, Round
from tests.factories.accounts import ReviewerProfileFactory, UserFactory
from tests.factories.projects import AttachmentFactory as ProjectsAttachmentFactory
from tests.factories.projects import CategoryFactory, ContestFactory, EntryFactory
from tests.factories.projects import TeamMemberFactory as ProjectsTeamMemberFactory

STANDARD_RUBRIC = [
    ("创新性", Decimal("30"), Decimal("30")),
    ("技术水平", Decimal("25"), Decimal("25")),
    ("经济社会效益", Decimal("25"), Decimal("25")),
    ("可行性与前景", Decimal("20"), Decimal("20")),
]


class ReviewContestFactory(ContestFactory):
    """A contest whose registration closed a month ago and that is now in review."""

    registration_opens_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=60))
    registration_closes_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=30))
    state = ContestState.IN_REVIEW


class ReviewCategoryFactory(CategoryFactory):
    contest = factory.SubFactory(ReviewContestFactory)


class ReviewEntryFactory(EntryFactory):
    """A submitted entry of a contest in review (no keywords: affinity comes from categories)."""

    contest = factory.SubFactory(ReviewContestFactory)
    category = factory.SubFactory(ReviewCategoryFactory, contest=factory.SelfAttribute("..contest"))
    title = factory.Sequence(lambda n: f"参赛项目{n}")
    keywords = factory.LazyFunction(list)
    state = EntryState.SUBMITTED
    submitted_at = factory.Sequence(
        lambda n: timezone.now() - timedelta(days=40) + timedelta(minutes=n)
    )


class TeamMemberFactory(ProjectsTeamMemberFactory):
    """A team member (not the leader: an entry may have many) of a submitted entry."""

    entry = factory.SubFactory(ReviewEntryFactory)
    name = factory.Sequence(lambda n: f"成员{n}")
    role = TeamRole.MEMBER
    employer_name = "某单位"


class AttachmentFactory(ProjectsAttachmentFactory):
    entry = factory.SubFactory(ReviewEntryFactory)


class RoundFactory(DjangoModelFactory):
    class Meta:
        model = Round
        skip_postgeneration_save = True

    contest = factory.SubFactory(ReviewContestFactory)
    name = factory.Sequence(lambda n: f"初赛{n}")
    order = 1
    reviewers_per_entry = 2
    opens_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=1))
    deadline = factory.LazyFunction(lambda: timezone.now() + timedelta(days=7))
    is_blind = True
    aggregation = AggregationMethod.MEAN
    advancement_rule = AdvancementRule.TOP_N
    advancement_value = Decimal("1")
    state = RoundState.DRAFT

    @factory.post_generation
    def rubric(self, create, extracted, **kwargs):
        if create and extracted is not False:
            Criterion.objects.bulk_create(
                [
                    Criterion(round=self, name=n, weight=w, max_score=m, position=i)
                    for i, (n, w, m) in enumerate(extracted or STANDARD_RUBRIC)
                ]
            )


def make_reviewer(*, employer=None, expertise=None, max_load=30):
    """A reviewer user with a profile."""
    kwargs = {"max_load": max_load}
    if employer is not None:
        kwargs["employer"] = employer
    profile = ReviewerProfileFactory(expertise=expertise or [], **kwargs)
    return profile.user


def make_pool(contest, n, **kwargs):
    reviewers = [make_reviewer(**kwargs) for _ in range(n)]
    PoolMember.objects.bulk_create([PoolMember(contest=contest, reviewer=r) for r in reviewers])
    return reviewers


def accept_pledges(round_) -> None:
    """Every reviewer with an active assignment in the round accepted its pledge (the set-up of
    scoring tests; the pledge itself is tested in tests/reviews/test_pledge.py)."""
    from reviews.selectors import pledge_text_of

    reviewer_ids = (
        Assignment.objects.filter(round=round_, status=AssignmentStatus.ACTIVE)
        .values_list("reviewer_id", flat=True)
        .distinct()
    )
    PledgeAcceptance.objects.bulk_create(
        [
            PledgeAcceptance(
                round=round_,
                reviewer_id=pk,
                text=pledge_text_of(round_),
                accepted_at=timezone.now(),
            )
            for pk in reviewer_ids
        ],
        ignore_conflicts=True,
    )


def make_staff():
    return UserFactory(roles=[Role.UNION_STAFF], is_staff=True)
