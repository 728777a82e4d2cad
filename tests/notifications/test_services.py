"""Writing notices and delivering them, in-process (the worker tests cover the broker path)."""

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.db import transaction
from django.utils import timezone

from notifications import services
from notifications.enums import DeliveryState, NoticeChannel
from notifications.models import Notice
from notifications.services import Recipient, notice_enqueue, notices_enqueue_bulk
from tests.factories.accounts import UserFactory
from tests.factories.notifications import ContestFactory

pytestmark = pytest.mark.django_db

CONTEXT = {
    "contest": {"id": 1, "name": "第六届十堰市职工创新创业大赛"},
    "deadline": "2026-12-01T02:00:00+00:00",
    "hours_before": 24,
    "entries": [{"id": 1, "title": "电池包检测装置", "missing": ["plan"]}],
    "entry_count": 1,
    "link": "http://testserver/x",
    "recipient_name": "王伟",
}


def _enqueue(user, contest, occasion="o1", **kw):
    return notice_enqueue(
        recipient=user,
        kind="registration_reminder",
        subject=contest,
        occasion=occasion,
        context=CONTEXT,
        **kw,
    )


def test_enqueue_writes_rendered_notice_and_queues_on_commit(django_capture_on_commit_callbacks):
    user, contest = UserFactory(language="en"), ContestFactory()
    with django_capture_on_commit_callbacks() as callbacks:
        notice = _enqueue(user, contest)
    assert notice.state == DeliveryState.PENDING
    assert notice.language == "en"
    assert "第六届十堰市职工创新创业大赛" in notice.title
    assert "2026-12-01 10:00 (Beijing time, UTC+8)" in notice.body
    assert len(callbacks) == 1


def test_enqueue_same_key_twice_returns_none_and_keeps_one_row():
    user, contest = UserFactory(), ContestFactory()
    assert _enqueue(user, contest) is not None
    assert _enqueue(user, contest) is None
    assert Notice.objects.count() == 1


def test_enqueue_duplicate_does_not_break_callers_transaction():
    user, contest = UserFactory(), ContestFactory()
    with transaction.atomic():
        _enqueue(user, contest)
        assert _enqueue(user, contest) is None
        # The transaction is still usable after the refused insert.
        _enqueue(user, contest, occasion="o2")
    assert Notice.objects.count() == 2


def test_enqueue_in_rolled_back_transaction_writes_and_queues_nothing(
    django_capture_on_commit_callbacks,
):
    user, contest = UserFactory(), ContestFactory()
    with django_capture_on_commit_callbacks() as callbacks:
        try:
            with transaction.atomic():
                _enqueue(user, contest)
                raise RuntimeError("the change failed")
        except RuntimeError:
            pass
    assert not Notice.objects.exists()
    assert callbacks == []


def test_enqueue_inbox_only_is_sent_without_queueing(django_capture_on_commit_callbacks):
    user, contest = UserFactory(), ContestFactory()
    with django_capture_on_commit_callbacks() as callbacks:
        notice = _enqueue(user, contest, channels=[NoticeChannel.INBOX])
    assert notice.state == DeliveryState.SENT
    assert callbacks == []


def test_bulk_enqueue_one_insert_skips_existing_and_counts_new(
    django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    contest = ContestFactory()
    users = UserFactory.create_batch(30)
    _enqueue(users[0], contest, occasion="wave")
    recipients = [Recipient(user=u, context=CONTEXT) for u in users]
    # One INSERT (the content type is cached), whatever the number of recipients.
    with django_capture_on_commit_callbacks() as callbacks, django_assert_max_num_queries(1):
        created = notices_enqueue_bulk(
            kind="registration_reminder",
            subject=contest,
            occasion="wave",
            recipients=recipients,
        )
    assert created == 29
    assert Notice.objects.filter(occasion="wave").count() == 30
    assert len(callbacks) == 1


def test_deliver_sends_once_even_when_asked_twice():
    user, contest = UserFactory(email="wang@example.org"), ContestFactory()
    notice = _enqueue(user, contest)
    services.notices_deliver(notice_ids=[notice.pk, notice.pk])
    services.notices_deliver(notice_ids=[notice.pk])
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["wang@example.org"]
    assert message.extra_headers["X-Notice-Id"] == str(notice.pk)
    notice.refresh_from_db()
    assert notice.state == DeliveryState.SENT
    assert notice.attempts == 1
    assert notice.sent_at is not None


def test_deliver_transient_smtp_failure_backs_off_exponentially_then_fails(settings):
    settings.EMAIL_BACKEND = "tests.notifications.backends.FailingBackend"
    settings.NOTIFICATIONS_MAX_ATTEMPTS = 3
    settings.NOTIFICATIONS_RETRY_BACKOFF_SECONDS = 60
    notice = _enqueue(UserFactory(), ContestFactory())
    start = timezone.now()
    delays = []
    with time_machine.travel(start, tick=False) as clock:
        for _ in range(3):
            retries = services.notices_deliver(notice_ids=[notice.pk])
            delays.extend(retries)
            if retries:
                clock.shift(timedelta(seconds=max(retries)))
    assert delays == [60, 120]
    notice.refresh_from_db()
    assert notice.state == DeliveryState.FAILED
    assert notice.attempts == 3
    assert "SMTPServerDisconnected" in notice.last_error
    assert mail.outbox == []


def test_deliver_refused_recipient_fails_at_once(settings, monkeypatch):
    settings.EMAIL_BACKEND = "tests.notifications.backends.FailingBackend"
    monkeypatch.setenv("TEST_SMTP_ERROR", "refused")
    notice = _enqueue(UserFactory(), ContestFactory())
    assert services.notices_deliver(notice_ids=[notice.pk]) == {}
    notice.refresh_from_db()
    assert (notice.state, notice.attempts) == (DeliveryState.FAILED, 1)
    assert "SMTPRecipientsRefused" in notice.last_error


def test_deliver_connection_failure_postpones_rest_of_chunk(settings):
    settings.EMAIL_BACKEND = "tests.notifications.backends.FailingBackend"
    contest = ContestFactory()
    notices = [_enqueue(UserFactory(), contest, occasion=f"o{i}") for i in range(3)]
    retries = services.notices_deliver(notice_ids=[n.pk for n in notices])
    assert retries == {60.0: [n.pk for n in notices]}
    # Only the first was tried; the others were never claimed.
    assert list(Notice.objects.order_by("pk").values_list("attempts", flat=True)) == [1, 0, 0]


def test_deliver_recipient_without_email_fails_visibly():
    notice = _enqueue(UserFactory(email=""), ContestFactory())
    services.notices_deliver(notice_ids=[notice.pk])
    notice.refresh_from_db()
    assert notice.state == DeliveryState.FAILED
    assert "no email address" in notice.last_error


def test_sweep_requeues_pending_only_after_grace(settings):
    settings.NOTIFICATIONS_SWEEP_GRACE_SECONDS = 600
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        notice = _enqueue(UserFactory(), ContestFactory())
        clock.shift(timedelta(seconds=599))
        assert services.notices_sweep() == []
        clock.shift(timedelta(seconds=2))
        assert services.notices_sweep() == [notice.pk]
        # Queued again just now: the next sweep waits another grace period.
        assert services.notices_sweep() == []


def test_sweep_reclaims_stuck_sending_and_it_is_delivered_once(settings):
    settings.NOTIFICATIONS_RECLAIM_AFTER_SECONDS = 900
    start = timezone.now()
    notice = _enqueue(UserFactory(), ContestFactory())
    # A worker claimed it and died before sending.
    Notice.objects.filter(pk=notice.pk).update(state="sending", claimed_at=start, attempts=1)
    with time_machine.travel(start + timedelta(seconds=899), tick=False):
        assert services.notices_sweep() == []
    with time_machine.travel(start + timedelta(seconds=901), tick=False):
        assert services.notices_sweep() == [notice.pk]
        services.notices_deliver(notice_ids=[notice.pk])
    notice.refresh_from_db()
    assert (notice.state, notice.attempts) == (DeliveryState.SENT, 2)
    assert len(mail.outbox) == 1


def test_sweep_fails_stuck_notice_without_attempts_left(settings):
    settings.NOTIFICATIONS_MAX_ATTEMPTS = 2
    notice = _enqueue(UserFactory(), ContestFactory())
    past = timezone.now() - timedelta(hours=1)
    Notice.objects.filter(pk=notice.pk).update(state="sending", claimed_at=past, attempts=2)
    assert services.notices_sweep() == []
    notice.refresh_from_db()
    assert notice.state == DeliveryState.FAILED
    assert "no attempts left" in notice.last_error


def test_late_finish_of_reclaimed_claim_does_not_overwrite_new_state():
    notice = _enqueue(UserFactory(), ContestFactory())
    old_claim = timezone.now() - timedelta(hours=1)
    Notice.objects.filter(pk=notice.pk).update(state="sending", claimed_at=old_claim)
    services.notices_sweep()
    services._finish(notice.pk, old_claim, state=DeliveryState.FAILED)
    notice.refresh_from_db()
    assert notice.state == DeliveryState.PENDING


def test_delivery_task_is_routed_to_the_notices_queue():
    from config.celery import app

    route = app.amqp.router.route({}, "notifications.tasks.deliver_notices")
    assert route["queue"].name == "notices"
    assert app.amqp.router.route({}, "reviews.tasks.close_due_rounds")["queue"].name == "celery"
