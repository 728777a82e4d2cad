"""The review jobs in-process: assignment notices (1), deadline reminders (2), closing (4) and
"remind late reviewers now" (5). Time is moved with time-machine, never slept."""

import threading
from datetime import timedelta

import pytest
import time_machine
from django.db import connection

from core.exceptions import Conflict
from core.models import AuditEvent
from notifications.models import Notice
from reviews import notices as review_notices
from reviews import services as review_services
from reviews.enums import RoundState
from reviews.models import Assignment
from tests.factories.reviews import (
    ReviewCategoryFactory,
    ReviewContestFactory,
    ReviewEntryFactory,
    RoundFactory,
    make_pool,
    make_staff,
)
from tests.notifications.conftest import ROUND_DEADLINE, make_open_round, submit_all

pytestmark = pytest.mark.django_db


def _at(hours_before: float):
    return time_machine.travel(ROUND_DEADLINE - timedelta(hours=hours_before), tick=False)


def _kind(kind):
    return Notice.objects.filter(kind=kind)


# --- job 1: assignment notices ---------------------------------------------------------------------


@pytest.fixture
def assigning_round(db):
    contest = ReviewContestFactory()
    category = ReviewCategoryFactory(contest=contest)
    entries = [ReviewEntryFactory(contest=contest, category=category) for _ in range(4)]
    pool = make_pool(contest, 4)
    staff = make_staff()
    round_ = RoundFactory(contest=contest, reviewers_per_entry=2)
    review_services.round_start_assigning(round=round_, actor=staff)
    for i, entry in enumerate(entries):
        for j in range(2):
            review_services.assignment_add(
                round=round_, reviewer=pool[(i + j) % 4], entry=entry, actor=staff
            )
    return round_, entries, pool, staff


def test_confirm_sends_one_notice_per_reviewer_listing_their_entries(assigning_round):
    round_, entries, pool, staff = assigning_round
    assert not Notice.objects.exists()  # changes while assigning tell nobody
    review_services.round_confirm_assignments(round=round_, actor=staff)
    notices = _kind(review_notices.REVIEW_ASSIGNED)
    assert notices.count() == 4
    for reviewer in pool:
        notice = notices.get(recipient=reviewer)
        titles = set(
            Assignment.objects.filter(round=round_, reviewer=reviewer).values_list(
                "entry__title", flat=True
            )
        )
        assert notice.context["entry_count"] == 2
        assert {e["title"] for e in notice.context["entries"]} == titles
        assert all(title in notice.body for title in titles)


def test_confirm_notice_lists_the_first_entries_and_counts_all(assigning_round, monkeypatch):
    """A long list is cut (the link shows them all): the first entries by id, the count of all,
    how many more."""
    round_, entries, pool, staff = assigning_round
    monkeypatch.setattr(review_notices, "ASSIGNED_LIST_MAX", 1)
    review_services.round_confirm_assignments(round=round_, actor=staff)
    for reviewer in pool:
        notice = _kind(review_notices.REVIEW_ASSIGNED).get(recipient=reviewer)
        mine = list(
            Assignment.objects.filter(round=round_, reviewer=reviewer)
            .order_by("entry_id")
            .values_list("entry_id", "entry__title")
        )
        assert notice.context["entries"] == [{"id": mine[0][0], "title": mine[0][1]}]
        assert (notice.context["entry_count"], notice.context["entries_more"]) == (2, 1)


def test_confirm_refused_writes_no_notice(assigning_round):
    round_, entries, pool, staff = assigning_round
    Assignment.objects.filter(round=round_, entry=entries[0]).first().delete()
    with pytest.raises(Conflict):
        review_services.round_confirm_assignments(round=round_, actor=staff)
    assert not Notice.objects.exists()


def test_manual_changes_after_confirm_notify_only_affected_reviewers(assigning_round):
    round_, entries, pool, staff = assigning_round
    review_services.round_confirm_assignments(round=round_, actor=staff)
    round_.refresh_from_db()
    newcomer = make_pool(round_.contest, 1)[0]
    old = Assignment.objects.filter(round=round_, entry=entries[0]).order_by("pk").first()
    review_services.assignment_swap(
        assignment=old, reviewer=newcomer, actor=staff, reason="回避：同一单位"
    )
    changed = _kind(review_notices.REVIEW_ASSIGNMENT_CHANGED)
    assert {(n.recipient_id, n.context["change"]) for n in changed} == {
        (old.reviewer_id, "removed"),
        (newcomer.pk, "added"),
    }
    assert entries[0].title in changed.get(recipient=newcomer).body


def test_recusal_sends_no_notice(assigning_round):
    round_, entries, pool, staff = assigning_round
    review_services.round_confirm_assignments(round=round_, actor=staff)
    assignment = Assignment.objects.filter(round=round_).first()
    review_services.assignment_recuse(
        assignment=assignment, reviewer=assignment.reviewer, reason="亲属关系"
    )
    assert not _kind(review_notices.REVIEW_ASSIGNMENT_CHANGED).exists()


# --- job 2: deadline reminders ---------------------------------------------------------------------


def test_deadline_reminders_once_per_offset_and_not_for_done_reviewers(open_round_of_three):
    round_, reviewers, entries = open_round_of_three
    submit_all(round_, reviewers[0])
    with _at(100):
        assert review_notices.review_deadline_reminders_send() == 0
    with _at(71):
        assert review_notices.review_deadline_reminders_send() == 2
        assert review_notices.review_deadline_reminders_send() == 0
    with _at(30):
        assert review_notices.review_deadline_reminders_send() == 0
    with _at(24):
        assert review_notices.review_deadline_reminders_send() == 2
    with _at(1.5):
        assert review_notices.review_deadline_reminders_send() == 2
    with _at(-0.1):
        assert review_notices.review_deadline_reminders_send() == 0
    reminders = _kind(review_notices.REVIEW_DEADLINE_REMINDER)
    assert reminders.count() == 6
    assert not reminders.filter(recipient=reviewers[0]).exists()


def test_deadline_reminder_lists_what_is_left_in_shanghai_time(open_round_of_three):
    round_, reviewers, entries = open_round_of_three
    reviewers[1].language = "en"
    reviewers[1].save()
    with _at(20):
        review_notices.review_deadline_reminders_send()
    zh = Notice.objects.get(recipient=reviewers[0])
    assert "2026-12-10 18:00（北京时间）" in zh.body
    assert round_.name in zh.title and "2个项目未提交" in zh.title
    assert all(e.title in zh.body for e in entries)
    en = Notice.objects.get(recipient=reviewers[1])
    assert en.title.startswith("Reminder: 2 reviews left")
    assert "2026-12-10 18:00 (Beijing time, UTC+8)" in en.body


def test_moved_deadline_gets_reminders_for_new_offsets_only(open_round_of_three):
    round_, reviewers, entries = open_round_of_three
    with _at(20):
        assert review_notices.review_deadline_reminders_send() == 3
    round_.deadline = ROUND_DEADLINE + timedelta(days=1)
    round_.save()
    with _at(20):  # now 44 h before the new deadline: its 72 h reminder
        assert review_notices.review_deadline_reminders_send() == 3
        assert review_notices.review_deadline_reminders_send() == 0
    with _at(10):  # 34 h before the new deadline: nothing new
        assert review_notices.review_deadline_reminders_send() == 0
    occasions = set(Notice.objects.values_list("occasion", flat=True))
    assert occasions == {
        "deadline=2026-12-10T10:00:00+00:00;before=24h",
        "deadline=2026-12-11T10:00:00+00:00;before=72h",
    }


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_scans_write_each_reminder_once():
    round_, reviewers, entries = make_open_round(reviewers=40, entries_each=1)
    barrier = threading.Barrier(2)
    results, errors = [], []

    def scan():
        try:
            with _at(20):
                barrier.wait(timeout=10)
                results.append(review_notices.review_deadline_reminders_send())
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=scan) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert errors == []
    assert sorted(results) == [0, 40]
    assert _kind(review_notices.REVIEW_DEADLINE_REMINDER).count() == 40


# --- job 4: closing at the deadline ------------------------------------------------------------------


def test_sweep_closes_round_at_deadline_and_tells_staff_the_figures(open_round_of_three):
    round_, reviewers, entries = open_round_of_three
    staff = make_staff()
    submit_all(round_, reviewers[0])
    with _at(0.1):
        assert review_services.close_due_rounds() == []
    with _at(-0.05):
        assert review_services.close_due_rounds() == [round_.pk]
        assert review_services.close_due_rounds() == []
    round_.refresh_from_db()
    assert round_.state == RoundState.CLOSED
    notice = _kind(review_notices.ROUND_CLOSED).get()
    assert notice.recipient == staff
    assert (notice.context["assigned"], notice.context["submitted"]) == (6, 2)
    assert notice.context["late_reviewer_count"] == 2
    assert "完成2/6（33.3%）" in notice.title
    assert AuditEvent.objects.filter(
        action="round.state", to_state="closed", actor__isnull=True
    ).exists()


def test_close_run_twice_notifies_staff_once(open_round_of_three):
    round_, reviewers, entries = open_round_of_three
    make_staff()
    with _at(-0.05):
        review_services.close_due_rounds()
        review_services.round_close(round=round_, actor=None)
        review_services.close_due_rounds()
    assert _kind(review_notices.ROUND_CLOSED).count() == 1


def test_round_closed_by_staff_before_deadline_sends_no_closing_notice(open_round_of_three):
    round_, reviewers, entries = open_round_of_three
    staff = make_staff()
    with _at(1):
        review_services.round_close(round=round_, actor=staff)
    with _at(-0.05):
        review_services.close_due_rounds()
    assert not _kind(review_notices.ROUND_CLOSED).exists()
