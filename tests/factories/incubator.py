"""Factories for the incubator. Contest/entry factories are prefixed (Incubator...) so that they
never clash with the projects app's own factories."""

from datetime import date, timedelta

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from incubator.enums import IncubationStage
from incubator.models import Incubation, IncubationReport, Milestone
from projects.enums import ContestState, EntryState
from projects.models import Category, Contest, Entry
from reviews.enums import AwardTier
from reviews.models import Award, Round
from tests.factories.accounts import OrganisationFactory
from tests.factories.reviews import RoundFactory


class IncubatorContestFactory(DjangoModelFactory):
    class Meta:
        model = Contest

    name = factory.Sequence(lambda n: f"第{n}届十堰市职工创新创业大赛")
    edition = factory.Sequence(lambda n: 500 + n)
    year = 2023
    registration_opens_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=400))
    registration_closes_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=300))
    state = ContestState.PUBLISHED


class IncubatorCategoryFactory(DjangoModelFactory):
    class Meta:
        model = Category

    contest = factory.SubFactory(IncubatorContestFactory)
    code = factory.Sequence(lambda n: f"inc-cat-{n}")
    name = "创新组"


class IncubatorEntryFactory(DjangoModelFactory):
    class Meta:
        model = Entry

    contest = factory.SubFactory(IncubatorContestFactory)
    category = factory.SubFactory(
        IncubatorCategoryFactory, contest=factory.SelfAttribute("..contest")
    )
    organisation = factory.SubFactory(OrganisationFactory)
    title = factory.Sequence(lambda n: f"新能源汽车电池包轻量化项目{n}")
    state = EntryState.AWARDED


class IncubationFactory(DjangoModelFactory):
    class Meta:
        model = Incubation

    entry = factory.SubFactory(IncubatorEntryFactory)
    organisation = factory.SelfAttribute("entry.organisation")
    start_date = date(2024, 1, 1)
    stage = IncubationStage.INCUBATING
    mentor_name = "王导师"
    workspace = "A-101"


class MilestoneFactory(DjangoModelFactory):
    class Meta:
        model = Milestone

    incubation = factory.SubFactory(IncubationFactory)
    title = factory.Sequence(lambda n: f"里程碑{n}")
    due_date = date(2024, 6, 30)


class IncubationReportFactory(DjangoModelFactory):
    class Meta:
        model = IncubationReport

    incubation = factory.SubFactory(IncubationFactory)
    period_start = date(2024, 1, 1)
    period_end = date(2024, 3, 31)
    due_date = date(2024, 4, 15)


class AwardFactory(DjangoModelFactory):
    """An award of the entry's contest (granted now), in a round of that contest."""

    class Meta:
        model = Award

    entry = factory.SubFactory(IncubatorEntryFactory)
    round = factory.LazyAttribute(
        lambda o: (
            Round.objects.filter(contest=o.entry.contest).order_by("-order").first()
            or RoundFactory(contest=o.entry.contest, rubric=False)
        )
    )
    tier = AwardTier.FIRST
