"""Factories for the notifications tests: notices, and the contests/entries the registration
reminders read (kept here so that this app's tests do not depend on another app's factories)."""

from datetime import timedelta

import factory
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from factory.django import DjangoModelFactory

from notifications.models import Notice
from projects.enums import ContestState, EntryState
from projects.models import Category, Contest, Entry
from tests.factories.accounts import OrganisationFactory, UserFactory


class ContestFactory(DjangoModelFactory):
    class Meta:
        model = Contest

    name = factory.Sequence(lambda n: f"第{n + 6}届十堰市职工创新创业大赛")
    edition = factory.Sequence(lambda n: n + 6)
    year = 2026
    registration_opens_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=30))
    registration_closes_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=10))
    state = ContestState.OPEN


class CategoryFactory(DjangoModelFactory):
    class Meta:
        model = Category

    contest = factory.SubFactory(ContestFactory)
    code = factory.Sequence(lambda n: f"cat-{n}")
    name = factory.Sequence(lambda n: f"创新组{n}")


class EntryFactory(DjangoModelFactory):
    class Meta:
        model = Entry

    contest = factory.SubFactory(ContestFactory)
    category = factory.SubFactory(CategoryFactory, contest=factory.SelfAttribute("..contest"))
    organisation = factory.SubFactory(OrganisationFactory)
    title = factory.Sequence(lambda n: f"新能源汽车电池包快速检测装置{n}")
    summary = "一种快速检测电池包绝缘性能的装置。"
    innovation_points = ""
    expected_benefits = "年节约检测成本约30万元。"
    state = EntryState.DRAFT


class NoticeFactory(DjangoModelFactory):
    """A notice as the services write it (for inbox tests that do not care how it was made)."""

    class Meta:
        model = Notice

    recipient = factory.SubFactory(UserFactory)
    kind = "registration_reminder"
    subject_type = factory.LazyFunction(lambda: ContentType.objects.get_for_model(Contest))
    subject_id = "1"
    occasion = factory.Sequence(lambda n: f"test-{n}")
    language = "zh-hans"
    title = factory.Sequence(lambda n: f"报名提醒 {n}")
    body = "请尽快提交。"
    state = "sent"
    sent_at = factory.LazyFunction(timezone.now)
