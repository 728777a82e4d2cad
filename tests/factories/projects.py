from datetime import timedelta

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from projects.enums import AttachmentKind, ContestState, EntryState, TeamRole
from projects.models import Attachment, Category, Contest, Entry, TeamMember
from tests.factories.accounts import OrganisationFactory


class ContestFactory(DjangoModelFactory):
    """An open contest whose registration window runs from 10 days ago to 10 days ahead."""

    class Meta:
        model = Contest

    name = factory.Sequence(lambda n: f"十堰市第{n}届职工创新创业大赛")
    edition = factory.Sequence(lambda n: 100 + n)
    year = 2025
    registration_opens_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=10))
    registration_closes_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=10))
    max_entries_per_org = 3
    state = ContestState.OPEN


class CategoryFactory(DjangoModelFactory):
    class Meta:
        model = Category
        skip_postgeneration_save = True

    contest = factory.SubFactory(ContestFactory)
    code = factory.Sequence(lambda n: f"cat-{n}")
    name = factory.Sequence(lambda n: f"创新组{n}")

    @factory.post_generation
    def expertise(self, create, extracted, **kwargs):
        if create and extracted:
            self.expertise.set(extracted)


class EntryFactory(DjangoModelFactory):
    """A complete draft (all fields; add ``team=True`` and a plan attachment to make it
    submittable, or use ``SubmittableEntryFactory``)."""

    class Meta:
        model = Entry
        skip_postgeneration_save = True

    contest = factory.SubFactory(ContestFactory)
    category = factory.SubFactory(CategoryFactory, contest=factory.SelfAttribute("..contest"))
    organisation = factory.SubFactory(OrganisationFactory)
    title = factory.Sequence(lambda n: f"商用车驾驶室焊装线柔性夹具{n}")
    summary = "针对焊装线换型时间长的问题，设计模块化柔性夹具。"
    innovation_points = "模块化设计，换型时间缩短80%。"
    expected_benefits = "年节约成本约120万元。"
    keywords = factory.LazyFunction(lambda: ["焊装", "柔性夹具"])
    state = EntryState.DRAFT


class TeamMemberFactory(DjangoModelFactory):
    class Meta:
        model = TeamMember

    entry = factory.SubFactory(EntryFactory)
    name = factory.Sequence(lambda n: f"王建国{n}")
    role = TeamRole.LEADER
    job_title = "高级技师"


class AttachmentFactory(DjangoModelFactory):
    """A row only (no file on disk): for list/detail tests. Uploads go through the API."""

    class Meta:
        model = Attachment

    entry = factory.SubFactory(EntryFactory)
    kind = AttachmentKind.PLAN
    original_name = "项目计划书.pdf"
    storage_name = factory.Sequence(lambda n: f"{n % 256:02x}/{n:032x}")
    content_type = "application/pdf"
    size = 1234
    sha256 = "0" * 64


class SubmittableEntryFactory(EntryFactory):
    """A draft with a team leader and a plan attachment: ready to submit."""

    @factory.post_generation
    def complete(self, create, extracted, **kwargs):
        if create:
            TeamMemberFactory(entry=self)
            AttachmentFactory(entry=self)
