"""POST /api/v1/review-rounds/{id}/remind-late-reviewers/ — staff remind late reviewers now, with
a cool-down (an action of the round)."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from core.models import AuditEvent
from notifications.models import Notice
from reviews.enums import RoundState
from reviews.notices import REVIEW_LATE_REMINDER
from tests.notifications.conftest import submit_all


def url(round_) -> str:
    return f"/api/v1/review-rounds/{getattr(round_, 'pk', round_)}/remind-late-reviewers/"


pytestmark = pytest.mark.django_db


def _late():
    return Notice.objects.filter(kind=REVIEW_LATE_REMINDER)


def test_staff_reminds_unfinished_reviewers_and_it_is_audited(staff_client, open_round_of_three):
    round_, reviewers, entries = open_round_of_three
    submit_all(round_, reviewers[0])
    response = staff_client.post(url(round_))
    assert response.status_code == 200, response.data
    assert response.data == {"reminded": 2, "in_cooldown": 0}
    assert set(_late().values_list("recipient_id", flat=True)) == {
        reviewers[1].pk,
        reviewers[2].pk,
    }
    assert AuditEvent.objects.filter(action="round.remind_late", target_id=str(round_.pk)).exists()


def test_second_click_within_cooldown_sends_nothing(staff_client, open_round_of_three, settings):
    settings.NOTIFICATIONS_REMIND_NOW_COOLDOWN_HOURS = 12
    round_, reviewers, entries = open_round_of_three
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        assert staff_client.post(url(round_)).data["reminded"] == 3
        clock.shift(timedelta(hours=11, minutes=59))
        assert staff_client.post(url(round_)).data == {
            "reminded": 0,
            "in_cooldown": 3,
        }
        clock.shift(timedelta(minutes=2))
        assert staff_client.post(url(round_)).data["reminded"] == 3
    assert _late().count() == 6


def test_remind_closed_round_is_409(staff_client, open_round_of_three):
    round_, reviewers, entries = open_round_of_three
    round_.state = RoundState.CLOSED
    round_.save()
    response = staff_client.post(url(round_))
    assert response.status_code == 409
    assert response.data["code"] == "round_not_open"
    assert not _late().exists()


@pytest.mark.parametrize("round_id", ["abc", 999999])
def test_remind_unknown_round_is_404(staff_client, round_id):
    response = staff_client.post(url(round_id))
    assert response.status_code == 404
    assert not Notice.objects.exists()


def test_the_old_notifications_endpoint_is_gone(staff_client, open_round_of_three):
    round_, reviewers, entries = open_round_of_three
    response = staff_client.post("/api/v1/review-reminders/", {"round": round_.pk})
    assert response.status_code == 404
    assert not Notice.objects.exists()


@pytest.mark.parametrize("who", ["member_client", "reviewer_client", "incubator_client"])
def test_remind_wrong_role_is_403(request, who, open_round_of_three):
    round_, reviewers, entries = open_round_of_three
    response = request.getfixturevalue(who).post(url(round_))
    assert response.status_code == 403
    assert not Notice.objects.exists()


def test_remind_anonymous_is_401(api, open_round_of_three):
    round_, reviewers, entries = open_round_of_three
    assert api.post(url(round_)).status_code == 401
