"""The admin shows notices to staff and can send failed ones again."""

import pytest

from notifications.models import Notice
from tests.factories.accounts import UserFactory
from tests.factories.notifications import NoticeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def test_admin_lists_failed_notices(admin_client):
    NoticeFactory(state="failed", last_error="SMTP 550", title="报名提醒 X")
    response = admin_client.get("/admin/notifications/notice/?state__exact=failed")
    assert response.status_code == 200
    assert "报名提醒 X" in response.content.decode()


def test_admin_retry_action_requeues_only_failed(admin_client, django_capture_on_commit_callbacks):
    failed = NoticeFactory(state="failed", attempts=5)
    sent = NoticeFactory(state="sent")
    with django_capture_on_commit_callbacks() as callbacks:
        response = admin_client.post(
            "/admin/notifications/notice/",
            {"action": "retry_failed", "_selected_action": [failed.pk, sent.pk]},
        )
    assert response.status_code == 302
    assert Notice.objects.get(pk=failed.pk).state == "pending"
    assert Notice.objects.get(pk=sent.pk).state == "sent"
    assert len(callbacks) == 1
