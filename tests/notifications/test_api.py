"""The inbox API (own notices only) and the staff delivery list."""

import pytest
from django.utils import timezone

from core.models import AuditEvent
from notifications.models import Notice
from tests.factories.notifications import NoticeFactory

pytestmark = pytest.mark.django_db
INBOX = "/api/v1/notices/"
DELIVERIES = "/api/v1/notice-deliveries/"


@pytest.mark.parametrize("who", ["member_client", "reviewer_client", "staff_client"])
def test_inbox_lists_only_own_notices(request, who, member, other_member):
    client = request.getfixturevalue(who)
    mine = NoticeFactory.create_batch(2, recipient=client.user)
    NoticeFactory(recipient=other_member if client.user != other_member else member)
    response = client.get(INBOX)
    assert response.status_code == 200
    assert {row["id"] for row in response.data["results"]} == {n.pk for n in mine}
    assert set(response.data["results"][0]) >= {"title", "body", "kind", "is_read", "created_at"}


def test_inbox_anonymous_is_401(api):
    assert api.get(INBOX).status_code == 401
    assert api.get(f"{INBOX}unread-count/").status_code == 401
    assert api.post(f"{INBOX}read-all/").status_code == 401


def test_inbox_others_notice_is_404_and_stays_unread(member_client, other_member):
    theirs = NoticeFactory(recipient=other_member)
    assert member_client.get(f"{INBOX}{theirs.pk}/").status_code == 404
    assert member_client.post(f"{INBOX}{theirs.pk}/read/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_inbox_unknown_or_malformed_id_is_404(member_client):
    assert member_client.get(f"{INBOX}999999/").status_code == 404
    assert member_client.post(f"{INBOX}abc/read/").status_code == 404


def test_inbox_unread_filter_and_count(member_client, member):
    NoticeFactory.create_batch(3, recipient=member)
    NoticeFactory(recipient=member, read_at=timezone.now())
    assert member_client.get(f"{INBOX}unread-count/").data == {"unread": 3}
    assert member_client.get(INBOX, {"unread": "true"}).data["count"] == 3
    assert member_client.get(INBOX, {"unread": "false"}).data["count"] == 1


def test_inbox_malformed_filter_is_400_naming_field(member_client, member):
    NoticeFactory(recipient=member)
    response = member_client.get(INBOX, {"unread": "perhaps"})
    assert response.status_code == 400
    assert "unread" in response.data["fields"]


def test_mark_read_once_keeps_first_time(member_client, member):
    notice = NoticeFactory(recipient=member)
    first = member_client.post(f"{INBOX}{notice.pk}/read/")
    assert first.status_code == 200 and first.data["is_read"] is True
    second = member_client.post(f"{INBOX}{notice.pk}/read/")
    assert second.data["read_at"] == first.data["read_at"]
    assert member_client.get(f"{INBOX}unread-count/").data == {"unread": 0}


def test_mark_all_read_touches_only_own(member_client, member, other_member):
    NoticeFactory.create_batch(2, recipient=member)
    theirs = NoticeFactory(recipient=other_member)
    response = member_client.post(f"{INBOX}read-all/")
    assert response.data == {"marked": 2}
    theirs.refresh_from_db()
    assert theirs.read_at is None


@pytest.mark.parametrize("rows", [1, 50])
def test_inbox_list_constant_queries(member_client, member, rows, django_assert_max_num_queries):
    NoticeFactory.create_batch(rows, recipient=member)
    with django_assert_max_num_queries(3):
        response = member_client.get(INBOX, {"page_size": 100})
    assert response.data["count"] == rows


def test_staff_lists_failed_notices_with_errors(staff_client, member):
    failed = NoticeFactory(recipient=member, state="failed", attempts=5, last_error="SMTP 550")
    NoticeFactory(recipient=member)
    response = staff_client.get(DELIVERIES, {"state": "failed"})
    assert response.status_code == 200
    assert [row["id"] for row in response.data["results"]] == [failed.pk]
    row = response.data["results"][0]
    assert (row["last_error"], row["attempts"], row["recipient"]) == ("SMTP 550", 5, member.pk)


def test_staff_delivery_bad_state_filter_is_400(staff_client):
    response = staff_client.get(DELIVERIES, {"state": "lost"})
    assert response.status_code == 400
    assert "state" in response.data["fields"]


@pytest.mark.parametrize("who", ["member_client", "reviewer_client"])
def test_delivery_list_non_staff_is_403(request, who):
    client = request.getfixturevalue(who)
    NoticeFactory(recipient=client.user, state="failed")
    assert client.get(DELIVERIES).status_code == 403


def test_delivery_list_anonymous_is_401(api):
    assert api.get(DELIVERIES).status_code == 401


@pytest.mark.parametrize("rows", [1, 50])
def test_delivery_list_constant_queries(staff_client, rows, django_assert_max_num_queries):
    NoticeFactory.create_batch(rows, state="failed")
    with django_assert_max_num_queries(4):
        response = staff_client.get(DELIVERIES, {"page_size": 100})
    assert response.data["count"] == rows


def test_staff_retry_failed_notice_is_pending_and_audited(
    staff_client, member, django_capture_on_commit_callbacks
):
    notice = NoticeFactory(recipient=member, state="failed", attempts=5, last_error="SMTP 451")
    with django_capture_on_commit_callbacks() as callbacks:
        response = staff_client.post(f"{DELIVERIES}{notice.pk}/retry/")
    assert response.status_code == 200
    assert (response.data["state"], response.data["attempts"]) == ("pending", 0)
    assert len(callbacks) == 1
    assert AuditEvent.objects.filter(action="notice.retry", target_id=str(notice.pk)).exists()


def test_staff_retry_sent_notice_is_409(staff_client, member):
    notice = NoticeFactory(recipient=member, state="sent")
    response = staff_client.post(f"{DELIVERIES}{notice.pk}/retry/")
    assert response.status_code == 409
    assert response.data["code"] == "invalid_transition"
    assert Notice.objects.get(pk=notice.pk).state == "sent"


def test_retry_by_member_is_403(member_client, member):
    notice = NoticeFactory(recipient=member, state="failed")
    assert member_client.post(f"{DELIVERIES}{notice.pk}/retry/").status_code == 403
    assert Notice.objects.get(pk=notice.pk).state == "failed"
