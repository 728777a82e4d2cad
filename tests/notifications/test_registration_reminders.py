"""Registration reminders (job 3), with time controlled by time-machine."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from hypothesis import given
from hypothesis import strategies as st

from notifications.models import Notice
from notifications.reminders import due_offset
from projects.enums import ContestState, EntryState
from projects.notices import REGISTRATION_REMINDER, registration_reminders_send
from tests.factories.accounts import EnterpriseUserFactory, OrganisationFactory
from tests.factories.notifications import ContestFactory, EntryFactory
from tests.factories.projects import TeamMemberFactory

DEADLINE = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)  # 18:00 in Shiyan
OFFSETS = [72, 24, 2]


@pytest.mark.parametrize(
    ("hours_left", "expected"),
    [(100, None), (72, 72), (71.9, 72), (24, 24), (3, 24), (2, 2), (0.1, 2), (0, None), (-1, None)],
)
def test_due_offset_picks_smallest_open_window(hours_left, expected):
    now = DEADLINE - timedelta(hours=hours_left)
    assert due_offset(deadline=DEADLINE, now=now, offsets_hours=OFFSETS) == expected


@given(st.floats(min_value=-200, max_value=200), st.lists(st.integers(1, 200), max_size=5))
def test_due_offset_is_an_offset_whose_window_is_open(hours_left, offsets):
    now = DEADLINE - timedelta(hours=hours_left)
    offset = due_offset(deadline=DEADLINE, now=now, offsets_hours=offsets)
    if offset is not None:
        assert offset in offsets
        assert timedelta(0) < DEADLINE - now <= timedelta(hours=offset)


@pytest.fixture
def contest(db):
    return ContestFactory(registration_closes_at=DEADLINE)


def _at(hours_before: float):
    return time_machine.travel(DEADLINE - timedelta(hours=hours_before), tick=False)


def test_members_of_orgs_with_drafts_get_one_reminder_per_offset(contest):
    org = OrganisationFactory()
    members = EnterpriseUserFactory.create_batch(2, organisation=org)
    EntryFactory(contest=contest, organisation=org, title="电池包检测装置")
    submitted_org = OrganisationFactory()
    EnterpriseUserFactory(organisation=submitted_org)
    EntryFactory(contest=contest, organisation=submitted_org, state=EntryState.SUBMITTED)

    with _at(80):
        assert registration_reminders_send() == 0
    with _at(70):
        assert registration_reminders_send() == 2
        assert registration_reminders_send() == 0  # the next scan in the same window
    with _at(60):
        assert registration_reminders_send() == 0
    with _at(23):
        assert registration_reminders_send() == 2
    with _at(1):
        assert registration_reminders_send() == 2
    with _at(-1):
        assert registration_reminders_send() == 0

    notices = Notice.objects.filter(kind=REGISTRATION_REMINDER)
    assert set(notices.values_list("recipient_id", flat=True)) == {m.pk for m in members}
    assert notices.count() == 6
    assert sorted({n.occasion.rsplit("=", 1)[1] for n in notices}) == ["24h", "2h", "72h"]


def test_reminder_lists_drafts_and_what_they_miss_in_shanghai_time(contest):
    org = OrganisationFactory()
    zh = EnterpriseUserFactory(organisation=org, language="zh-hans")
    en = EnterpriseUserFactory(organisation=org, language="en")
    EntryFactory(
        contest=contest, organisation=org, title="电池包检测装置", innovation_points="", keywords=[]
    )
    with _at(20):
        registration_reminders_send()
    zh_notice = Notice.objects.get(recipient=zh)
    assert "2026-12-01 18:00（北京时间）" in zh_notice.body
    assert "电池包检测装置" in zh_notice.body
    assert "尚缺：创新点、关键词、项目负责人、项目方案附件" in zh_notice.body
    assert contest.name in zh_notice.title and "1个项目" in zh_notice.title
    en_notice = Notice.objects.get(recipient=en)
    assert (
        "Missing: innovation points, keywords, team leader, project plan attachment"
        in en_notice.body
    )
    assert "2026-12-01 18:00 (Beijing time, UTC+8)" in en_notice.body
    assert "/enterprise/entries/?state=draft" in en_notice.body and "/api/" not in en_notice.body


def test_moved_deadline_gets_reminders_for_new_offsets_only(contest):
    org = OrganisationFactory()
    EnterpriseUserFactory(organisation=org)
    EntryFactory(contest=contest, organisation=org)
    with _at(23):
        assert registration_reminders_send() == 1
    # Staff extend registration by two days: 71 h left now.
    contest.registration_closes_at = DEADLINE + timedelta(days=2)
    contest.save()
    with _at(23):
        assert registration_reminders_send() == 1
        assert registration_reminders_send() == 0
    occasions = sorted(Notice.objects.values_list("occasion", flat=True))
    assert occasions[0].startswith("deadline=2026-12-01T10:00:00+00:00;before=24h")
    assert occasions[1].startswith("deadline=2026-12-03T10:00:00+00:00;before=72h")


def test_contest_not_open_gets_no_reminders(contest):
    contest.state = ContestState.CLOSED
    contest.save()
    org = OrganisationFactory()
    EnterpriseUserFactory(organisation=org)
    EntryFactory(contest=contest, organisation=org)
    with _at(20):
        assert registration_reminders_send() == 0


def test_inactive_members_are_not_reminded(contest):
    org = OrganisationFactory()
    EnterpriseUserFactory(organisation=org, is_active=False)
    EntryFactory(contest=contest, organisation=org)
    with _at(20):
        assert registration_reminders_send() == 0


@pytest.mark.parametrize("drafts", [1, 30])
def test_reminder_scan_queries_do_not_grow_with_drafts(
    contest, drafts, django_assert_max_num_queries
):
    """What each draft misses is read for all drafts at once (projects.services.entries_missing),
    not two queries per draft."""
    orgs = OrganisationFactory.create_batch(3)
    for org in orgs:
        EnterpriseUserFactory(organisation=org)
    for i in range(drafts):
        entry = EntryFactory(
            contest=contest, organisation=orgs[i % 3], summary="" if i % 2 else "x"
        )
        if i % 3:
            TeamMemberFactory(entry=entry)
    with _at(70), django_assert_max_num_queries(9):
        assert registration_reminders_send() == min(drafts, 3)
    notice = Notice.objects.filter(kind=REGISTRATION_REMINDER).first()
    assert notice.context["entries"][0]["missing"]
    assert sum(n.context["entry_count"] for n in Notice.objects.all()) == drafts


def test_user_linked_to_org_without_enterprise_role_is_not_reminded(contest):
    org = OrganisationFactory()
    member = EnterpriseUserFactory(organisation=org)
    EnterpriseUserFactory(organisation=org, roles=[])  # linked, but the role was taken away
    EntryFactory(contest=contest, organisation=org)
    with _at(70):
        assert registration_reminders_send() == 1
    assert list(Notice.objects.values_list("recipient_id", flat=True)) == [member.pk]
