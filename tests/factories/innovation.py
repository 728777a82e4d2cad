"""Factories for studios. ``NamedStudioFactory`` gives a studio as it is after naming (the state
moves themselves are exercised through the services in the tests)."""

from datetime import date
from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from innovation.enums import ApplicationKind, ApplicationState, StudioLevel, StudioState
from innovation.models import Studio, StudioApplication, StudioAssessment
from tests.factories.accounts import ExpertiseFieldFactory, OrganisationFactory


class StudioFactory(DjangoModelFactory):
    class Meta:
        model = Studio

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"测试劳模创新工作室{n}")
    field = factory.SubFactory(ExpertiseFieldFactory)
    leader_name = factory.Sequence(lambda n: f"领办人{n}")
    leader_honours = ["jingchu_craftsman"]
    founding_date = date(2018, 5, 1)
    contact_phone = "0719-8000000"
    patents = 3
    economic_benefit = Decimal("120000.00")


class NamedStudioFactory(StudioFactory):
    state = StudioState.NAMED
    level = StudioLevel.CITY
    named_on = date(2020, 6, 1)


class StudioApplicationFactory(DjangoModelFactory):
    class Meta:
        model = StudioApplication

    studio = factory.SubFactory(StudioFactory)
    kind = ApplicationKind.INITIAL
    level = StudioLevel.CITY
    state = ApplicationState.DRAFT


class StudioAssessmentFactory(DjangoModelFactory):
    class Meta:
        model = StudioAssessment

    studio = factory.SubFactory(NamedStudioFactory)
    year = 2023
    patents = 1
    innovations_adopted = 2
    economic_benefit = Decimal("10000.00")
    people_trained = 10
