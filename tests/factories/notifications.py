"""Factories for the notifications tests. Contests and entries come from the projects factories
(re-exported here for this app's tests)."""

import factory
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from factory.django import DjangoModelFactory

from notifications.models import Notice
from projects.models import Contest
from tests.factories.accounts import UserFactory
from tests.factories.projects import CategoryFactory, ContestFactory, EntryFactory

__all__ = ["CategoryFactory", "ContestFactory", "EntryFactory", "NoticeFactory"]


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
