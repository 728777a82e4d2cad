import random

import factory
from factory.django import DjangoModelFactory

from accounts.credit_code import make_credit_code
from accounts.enums import District, Role
from accounts.models import ExpertiseField, Organisation, ReviewerProfile, RoleGrant, User

_rng = random.Random(7)


class OrganisationFactory(DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"十堰测试单位{n:04d}有限公司")
    credit_code = factory.LazyFunction(lambda: make_credit_code("420302", rng=_rng))
    org_type = "enterprise"
    district = District.MAOJIAN


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n:05d}")
    full_name = factory.Sequence(lambda n: f"测试用户{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.django.Password("Correct-Horse-42")

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        _grant(self, create, extracted)


def _grant(user: User, create: bool, roles) -> None:
    if create and roles:
        RoleGrant.objects.bulk_create([RoleGrant(user=user, role=r) for r in roles])
        user.forget_roles()


class EnterpriseUserFactory(UserFactory):
    """A member of an organisation holding the enterprise role (unless ``roles=`` says else)."""

    organisation = factory.SubFactory(OrganisationFactory)

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        _grant(self, create, extracted if extracted is not None else [Role.ENTERPRISE])


class ExpertiseFieldFactory(DjangoModelFactory):
    class Meta:
        model = ExpertiseField
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"field-{n}")
    name = factory.Sequence(lambda n: f"领域{n}")


class ReviewerProfileFactory(DjangoModelFactory):
    class Meta:
        model = ReviewerProfile
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory, roles=[Role.REVIEWER])
    title = "高级工程师"
    employer = factory.SubFactory(OrganisationFactory)
    languages = ["zh-hans"]
    max_load = 30

    @factory.post_generation
    def expertise(self, create, extracted, **kwargs):
        if create and extracted:
            self.expertise.set(extracted)
