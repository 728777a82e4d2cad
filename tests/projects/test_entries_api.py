from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from core.models import AuditEvent
from projects.enums import ENTRY_TRANSITIONS, ContestState, EntryState, Honour
from projects.models import Entry, TeamMember
from projects.services import entry_set_state
from tests.factories.accounts import OrganisationFactory
from tests.factories.projects import (
    AttachmentFactory,
    CategoryFactory,
    ContestFactory,
    EntryFactory,
    SubmittableEntryFactory,
    TeamMemberFactory,
)

URL = "/api/v1/entries/"
pytestmark = pytest.mark.django_db


def _payload(contest, category, **overrides):
    data = {
        "contest": contest.pk,
        "category": category.pk,
        "title": "新能源重卡换电站电池包快速锁止机构",
        "summary": "解决换电时间长的问题",
        "innovation_points": "自主设计锁止机构",
        "expected_benefits": "换电时间缩短至3分钟",
        "keywords": ["新能源", "换电", "新能源"],
        "team": [
            {
                "name": "王建国",
                "role": "leader",
                "job_title": "高级技师",
                "honour": "national_model_worker",
            },
            {"name": "李红梅", "role": "member", "job_title": "工程师"},
        ],
    }
    data.update(overrides)
    return data


# --- Create ----------------------------------------------------------------------------------------


def test_create_entry_for_own_organisation(member_client, member, contest, category):
    response = member_client.post(URL, _payload(contest, category), format="json")
    assert response.status_code == 201, response.data
    entry = Entry.objects.get(pk=response.data["id"])
    assert entry.organisation_id == member.organisation_id
    assert entry.state == EntryState.DRAFT
    assert entry.keywords == ["新能源", "换电"]
    assert [m["name"] for m in response.data["team"]] == ["王建国", "李红梅"]
    assert response.data["team"][0]["honour"] == Honour.NATIONAL_MODEL_WORKER
    assert AuditEvent.objects.filter(action="entry.create", target_id=str(entry.pk)).exists()


def test_create_entry_malformed_is_400_and_writes_nothing(member_client, contest, category):
    response = member_client.post(
        URL,
        _payload(
            contest, category, title="", keywords="新能源", team=[{"name": "", "role": "captain"}]
        ),
        format="json",
    )
    assert response.status_code == 400
    assert {"title", "keywords", "team.0.name", "team.0.role"} <= set(response.data["fields"])
    assert not Entry.objects.exists()


def test_create_entry_two_leaders_is_400(member_client, contest, category):
    team = [{"name": "甲", "role": "leader"}, {"name": "乙", "role": "leader"}]
    response = member_client.post(URL, _payload(contest, category, team=team), format="json")
    assert response.status_code == 400
    assert "team" in response.data["fields"]
    assert not Entry.objects.exists()


def test_create_entry_category_of_other_contest_is_400(member_client, contest):
    other_category = CategoryFactory(contest=ContestFactory())
    response = member_client.post(URL, _payload(contest, other_category), format="json")
    assert response.status_code == 400
    assert "category" in response.data["fields"]


def test_create_entry_in_draft_contest_is_400(member_client):
    draft = ContestFactory(state=ContestState.DRAFT)
    response = member_client.post(
        URL, _payload(draft, CategoryFactory(contest=draft)), format="json"
    )
    assert response.status_code == 400
    assert "contest" in response.data["fields"]


def test_create_entry_after_window_is_409(member_client, contest, category):
    with time_machine.travel(contest.registration_closes_at + timedelta(seconds=1)):
        response = member_client.post(URL, _payload(contest, category), format="json")
    assert response.status_code == 409
    assert response.data["code"] == "registration_closed"
    assert not Entry.objects.exists()


def test_create_entry_before_window_is_409(member_client):
    contest = ContestFactory()
    with time_machine.travel(contest.registration_opens_at - timedelta(minutes=1)):
        response = member_client.post(
            URL, _payload(contest, CategoryFactory(contest=contest)), format="json"
        )
    assert response.status_code == 409
    assert "opens at" in response.data["detail"]


def test_create_entry_anonymous_is_401(api, contest, category):
    assert api.post(URL, _payload(contest, category), format="json").status_code == 401


@pytest.mark.parametrize("who", ["staff_client", "reviewer_client", "incubator_client"])
def test_create_entry_non_enterprise_is_403(request, who, contest, category):
    response = request.getfixturevalue(who).post(URL, _payload(contest, category), format="json")
    assert response.status_code == 403
    assert not Entry.objects.exists()


# --- Visibility -----------------------------------------------------------------------------------


def test_list_entries_member_sees_only_own_organisation(
    member_client, organisation, other_organisation
):
    own = EntryFactory(organisation=organisation)
    EntryFactory(organisation=other_organisation)
    response = member_client.get(URL)
    assert response.status_code == 200
    assert [row["id"] for row in response.data["results"]] == [own.pk]


def test_retrieve_other_organisations_entry_is_404(member_client, other_organisation):
    entry = EntryFactory(organisation=other_organisation)
    assert member_client.get(f"{URL}{entry.pk}/").status_code == 404


def test_list_entries_reviewer_is_403(reviewer_client):
    EntryFactory()
    assert reviewer_client.get(URL).status_code == 403


def test_list_entries_anonymous_is_401(api):
    assert api.get(URL).status_code == 401


@pytest.mark.parametrize("who", ["staff_client", "incubator_client"])
def test_list_entries_staff_see_all(request, who):
    EntryFactory.create_batch(3)
    assert request.getfixturevalue(who).get(URL).data["count"] == 3


# --- Update ----------------------------------------------------------------------------------------


def test_update_draft_replaces_team(member_client, organisation):
    entry = EntryFactory(organisation=organisation)
    TeamMemberFactory(entry=entry, name="旧负责人")
    response = member_client.patch(
        f"{URL}{entry.pk}/",
        {"title": "改进后的标题", "team": [{"name": "新负责人", "role": "leader"}]},
        format="json",
    )
    assert response.status_code == 200, response.data
    assert response.data["title"] == "改进后的标题"
    assert list(entry.team.values_list("name", flat=True)) == ["新负责人"]


def test_update_entry_category_of_other_contest_is_400(member_client, organisation):
    entry = EntryFactory(organisation=organisation)
    other = CategoryFactory(contest=ContestFactory())
    response = member_client.patch(f"{URL}{entry.pk}/", {"category": other.pk}, format="json")
    assert response.status_code == 400
    assert "category" in response.data["fields"]


def test_update_submitted_entry_is_409(member_client, organisation):
    entry = EntryFactory(organisation=organisation, state=EntryState.SUBMITTED)
    response = member_client.patch(f"{URL}{entry.pk}/", {"title": "改"}, format="json")
    assert response.status_code == 409
    assert response.data["code"] == "entry_not_editable"


def test_update_after_window_is_409(member_client, organisation):
    entry = EntryFactory(organisation=organisation)
    with time_machine.travel(entry.contest.registration_closes_at + timedelta(seconds=1)):
        response = member_client.patch(f"{URL}{entry.pk}/", {"title": "迟到"}, format="json")
    assert response.status_code == 409
    entry.refresh_from_db()
    assert entry.title != "迟到"


def test_update_other_organisations_entry_is_404(member_client, other_organisation):
    entry = EntryFactory(organisation=other_organisation)
    assert (
        member_client.patch(f"{URL}{entry.pk}/", {"title": "x"}, format="json").status_code == 404
    )


def test_update_entry_by_staff_is_403(staff_client):
    entry = EntryFactory()
    assert staff_client.patch(f"{URL}{entry.pk}/", {"title": "x"}, format="json").status_code == 403


# --- Submit, recall, withdraw ------------------------------------------------------------------------


def test_submit_complete_entry(member_client, organisation):
    entry = SubmittableEntryFactory(organisation=organisation)
    response = member_client.post(f"{URL}{entry.pk}/submit/")
    assert response.status_code == 200, response.data
    entry.refresh_from_db()
    assert entry.state == EntryState.SUBMITTED
    assert entry.submitted_at is not None
    event = AuditEvent.objects.get(action="entry.state", target_id=str(entry.pk))
    assert (event.from_state, event.to_state, event.actor_id) == (
        "draft",
        "submitted",
        entry.pk and member_client.user.pk,
    )


def test_submit_incomplete_entry_says_what_is_missing(member_client, organisation):
    entry = EntryFactory(organisation=organisation, summary="", keywords=[])
    response = member_client.post(f"{URL}{entry.pk}/submit/")
    assert response.status_code == 400
    assert response.data["code"] == "incomplete_entry"
    assert set(response.data["fields"]) == {"summary", "keywords", "team", "attachments"}
    entry.refresh_from_db()
    assert entry.state == EntryState.DRAFT


def test_submit_with_only_a_picture_is_incomplete(member_client, organisation):
    entry = EntryFactory(organisation=organisation)
    TeamMemberFactory(entry=entry)
    AttachmentFactory(entry=entry, kind="picture", content_type="image/png")
    response = member_client.post(f"{URL}{entry.pk}/submit/")
    assert response.status_code == 400
    assert set(response.data["fields"]) == {"attachments"}


def test_submit_after_window_is_409(member_client, organisation):
    entry = SubmittableEntryFactory(organisation=organisation)
    with time_machine.travel(entry.contest.registration_closes_at):
        response = member_client.post(f"{URL}{entry.pk}/submit/")
    assert response.status_code == 409
    assert response.data["code"] == "registration_closed"


def test_submit_just_before_closing_succeeds(member_client, organisation):
    entry = SubmittableEntryFactory(organisation=organisation)
    with time_machine.travel(entry.contest.registration_closes_at - timedelta(seconds=1)):
        response = member_client.post(f"{URL}{entry.pk}/submit/")
    assert response.status_code == 200


def test_submit_when_contest_closed_early_is_409(member_client, organisation):
    entry = SubmittableEntryFactory(organisation=organisation)
    entry.contest.state = ContestState.CLOSED
    entry.contest.save()
    assert member_client.post(f"{URL}{entry.pk}/submit/").status_code == 409


def test_submit_twice_is_409(member_client, organisation):
    entry = SubmittableEntryFactory(organisation=organisation)
    member_client.post(f"{URL}{entry.pk}/submit/")
    response = member_client.post(f"{URL}{entry.pk}/submit/")
    assert response.status_code == 409
    assert response.data["code"] == "invalid_transition"


def test_submit_past_organisation_limit_is_409(member_client, organisation):
    contest = ContestFactory(max_entries_per_org=2)
    EntryFactory.create_batch(
        2, contest=contest, organisation=organisation, state=EntryState.SUBMITTED
    )
    EntryFactory(contest=contest, organisation=organisation, state=EntryState.WITHDRAWN)
    entry = SubmittableEntryFactory(contest=contest, organisation=organisation)
    response = member_client.post(f"{URL}{entry.pk}/submit/")
    assert response.status_code == 409
    assert response.data["code"] == "entry_limit_reached"
    entry.refresh_from_db()
    assert entry.state == EntryState.DRAFT


def test_limit_counts_only_own_organisation_and_contest(member_client, organisation):
    contest = ContestFactory(max_entries_per_org=1)
    EntryFactory(contest=contest, state=EntryState.SUBMITTED)  # another organisation
    EntryFactory(organisation=organisation, state=EntryState.SUBMITTED)  # another contest
    entry = SubmittableEntryFactory(contest=contest, organisation=organisation)
    assert member_client.post(f"{URL}{entry.pk}/submit/").status_code == 200


def test_submit_other_organisations_entry_is_404(member_client, other_organisation):
    entry = SubmittableEntryFactory(organisation=other_organisation)
    assert member_client.post(f"{URL}{entry.pk}/submit/").status_code == 404


def test_submit_by_staff_is_403(staff_client):
    entry = SubmittableEntryFactory()
    assert staff_client.post(f"{URL}{entry.pk}/submit/").status_code == 403


def test_recall_within_window_returns_to_draft(member_client, organisation):
    entry = SubmittableEntryFactory(organisation=organisation)
    member_client.post(f"{URL}{entry.pk}/submit/")
    response = member_client.post(f"{URL}{entry.pk}/recall/", {"reason": "补充材料"}, format="json")
    assert response.status_code == 200, response.data
    entry.refresh_from_db()
    assert (entry.state, entry.submitted_at) == (EntryState.DRAFT, None)


def test_recall_after_window_is_409(member_client, organisation):
    entry = SubmittableEntryFactory(organisation=organisation)
    member_client.post(f"{URL}{entry.pk}/submit/")
    with time_machine.travel(entry.contest.registration_closes_at + timedelta(hours=1)):
        response = member_client.post(f"{URL}{entry.pk}/recall/")
    assert response.status_code == 409
    entry.refresh_from_db()
    assert entry.state == EntryState.SUBMITTED


def test_recall_in_review_is_409(member_client, organisation):
    entry = EntryFactory(organisation=organisation, state=EntryState.IN_REVIEW)
    assert member_client.post(f"{URL}{entry.pk}/recall/").status_code == 409


def test_withdraw_submitted_entry_frees_a_slot(member_client, organisation):
    contest = ContestFactory(max_entries_per_org=1)
    first = SubmittableEntryFactory(contest=contest, organisation=organisation)
    second = SubmittableEntryFactory(contest=contest, organisation=organisation)
    member_client.post(f"{URL}{first.pk}/submit/")
    response = member_client.post(f"{URL}{first.pk}/withdraw/", {"reason": "放弃"}, format="json")
    assert response.status_code == 200
    assert response.data["state"] == "withdrawn"
    assert member_client.post(f"{URL}{second.pk}/submit/").status_code == 200


def test_withdraw_draft_is_409(member_client, organisation):
    entry = EntryFactory(organisation=organisation)
    response = member_client.post(f"{URL}{entry.pk}/withdraw/")
    assert response.status_code == 409
    assert response.data["code"] == "invalid_transition"


ENTRY_MOVES = sorted((src, dst) for src, targets in ENTRY_TRANSITIONS.items() for dst in targets)
ALL_STATES = [s.value for s in EntryState]


@pytest.mark.parametrize(("src", "dst"), ENTRY_MOVES)
def test_entry_set_state_each_allowed_move_is_recorded(union_staff, src, dst):
    entry = EntryFactory(state=src)
    entry_set_state(entry=entry, to_state=dst, actor=union_staff, reason="评审结果")
    entry.refresh_from_db()
    assert entry.state == dst
    event = AuditEvent.objects.get(action="entry.state", target_id=str(entry.pk))
    assert (event.actor, event.from_state, event.to_state) == (union_staff, src, dst)


@pytest.mark.parametrize(
    ("src", "dst"),
    sorted(
        (s, d) for s in ALL_STATES for d in ALL_STATES if s != d and d not in ENTRY_TRANSITIONS[s]
    ),
)
def test_entry_set_state_each_forbidden_move_is_refused(src, dst):
    from core.exceptions import InvalidTransition

    entry = EntryFactory(state=src)
    with pytest.raises(InvalidTransition):
        entry_set_state(entry=entry, to_state=dst, actor=None)
    entry.refresh_from_db()
    assert entry.state == src
    assert not AuditEvent.objects.exists()


# --- History --------------------------------------------------------------------------------------


def test_history_shows_who_when_from_to_to_staff(member_client, staff_client, organisation):
    entry = SubmittableEntryFactory(organisation=organisation)
    member_client.post(f"{URL}{entry.pk}/submit/")
    response = staff_client.get(f"{URL}{entry.pk}/history/")
    assert response.status_code == 200
    move = next(e for e in response.data if e["action"] == "entry.state")
    assert (move["actor"], move["from_state"], move["to_state"]) == (
        member_client.user.username,
        "draft",
        "submitted",
    )
    assert move["created_at"]


def test_history_for_member_is_403(member_client, organisation):
    entry = EntryFactory(organisation=organisation)
    assert member_client.get(f"{URL}{entry.pk}/history/").status_code == 403


# --- Filters, ordering, query counts -------------------------------------------------------------------


def test_filter_by_state_district_and_category(staff_client):
    contest = ContestFactory()
    cat_a, cat_b = CategoryFactory(contest=contest), CategoryFactory(contest=contest)
    fangxian = OrganisationFactory(district="fangxian")
    wanted = EntryFactory(
        contest=contest, category=cat_a, organisation=fangxian, state=EntryState.SUBMITTED
    )
    EntryFactory(contest=contest, category=cat_b, organisation=fangxian, state=EntryState.SUBMITTED)
    EntryFactory(contest=contest, category=cat_a, state=EntryState.SUBMITTED)
    EntryFactory(contest=contest, category=cat_a, organisation=fangxian)
    response = staff_client.get(
        URL,
        {"contest": contest.pk, "category": cat_a.pk, "district": "fangxian", "state": "submitted"},
    )
    assert [row["id"] for row in response.data["results"]] == [wanted.pk]


def test_keyword_search_over_title_and_summary(staff_client):
    by_title = EntryFactory(title="水轮机转轮裂纹修复新工艺")
    by_summary = EntryFactory(summary="采用AGV智能物流调度")
    EntryFactory(title="中药提取浓缩工艺", summary="节能改造")
    ids = {row["id"] for row in staff_client.get(URL, {"q": "转轮"}).data["results"]}
    assert ids == {by_title.pk}
    ids = {row["id"] for row in staff_client.get(URL, {"q": "agv"}).data["results"]}
    assert ids == {by_summary.pk}


def test_keyword_search_treats_percent_literally(staff_client):
    EntryFactory(title="合格率提升5%")
    EntryFactory(title="合格率提升")
    assert staff_client.get(URL, {"q": "5%"}).data["count"] == 1


def test_filter_by_submitted_dates(staff_client):
    early = EntryFactory(state=EntryState.SUBMITTED)
    late = EntryFactory(state=EntryState.SUBMITTED)
    Entry.objects.filter(pk=early.pk).update(submitted_at="2025-04-01T10:00:00+08:00")
    Entry.objects.filter(pk=late.pk).update(submitted_at="2025-05-20T10:00:00+08:00")
    response = staff_client.get(
        URL, {"submitted_after": "2025-05-01T00:00:00+08:00", "submitted_before": "2025-06-01"}
    )
    assert [row["id"] for row in response.data["results"]] == [late.pk]


def test_ordering_by_title(staff_client):
    EntryFactory(title="乙项目")
    EntryFactory(title="甲项目")
    EntryFactory(title="A项目")
    titles = [row["title"] for row in staff_client.get(URL, {"ordering": "title"}).data["results"]]
    assert titles == sorted(titles)


@pytest.mark.parametrize(
    "params",
    [
        {"state": "finished"},
        {"district": "atlantis"},
        {"contest": "abc"},
        {"submitted_after": "yesterday"},
    ],
)
def test_bad_filter_value_is_400(staff_client, params):
    response = staff_client.get(URL, params)
    assert response.status_code == 400
    assert set(params) <= set(response.data["fields"])


def _entries_with_everything(n):
    contest = ContestFactory()
    category = CategoryFactory(contest=contest)
    for _ in range(n):
        entry = EntryFactory(contest=contest, category=category)
        TeamMemberFactory(entry=entry)
        TeamMemberFactory(entry=entry, role="member")
        AttachmentFactory(entry=entry)
    return contest


def _count_queries(client, url, params=None) -> int:
    client.get(url, params or {})  # warm up: the user's roles are loaded once per user object
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_list_queries_do_not_grow_with_rows(staff_client):
    contest = _entries_with_everything(1)
    one = _count_queries(staff_client, URL, {"contest": contest.pk})
    contest = _entries_with_everything(50)
    fifty = _count_queries(staff_client, URL, {"contest": contest.pk, "page_size": 50})
    assert one == fifty
    assert fifty <= 4


def test_deep_page_costs_the_same_queries_as_the_first(staff_client):
    contest = _entries_with_everything(12)
    first = _count_queries(staff_client, URL, {"contest": contest.pk, "page_size": 5})
    last = _count_queries(staff_client, URL, {"contest": contest.pk, "page_size": 5, "page": 3})
    assert first == last


@pytest.mark.parametrize("ordering", ["-id", "title", "-submitted_at"])
def test_pages_walk_every_entry_once_in_order(staff_client, ordering):
    """Deep pages select their keys first (core.pagination): walking the pages gives each entry
    exactly once, in the requested order with the id as tie-break, rows complete."""
    category = CategoryFactory()
    entries = []
    for i, title in enumerate(["乙", "甲", "乙", "丙", "甲", "乙", "丁", "甲", "丙", "乙", "甲"]):
        entry = EntryFactory(contest=category.contest, category=category, title=title)
        TeamMemberFactory(entry=entry, name=f"负责人{i}")
        AttachmentFactory.create_batch(i % 3, entry=entry)
        entries.append(entry)
    key = {
        "-id": lambda e: -e.pk,
        "title": lambda e: (e.title, e.pk),
        "-submitted_at": lambda e: e.pk,  # all drafts: no submitted_at, ties broken by id
    }[ordering]
    expected = [
        (e.pk, f"负责人{entries.index(e)}", entries.index(e) % 3) for e in sorted(entries, key=key)
    ]
    seen, page = [], 1
    while True:
        body = staff_client.get(
            URL,
            {
                "contest": category.contest_id,
                "ordering": ordering,
                "page_size": 4,
                "page": page,
            },
        ).json()
        assert body["count"] == len(entries)
        seen += [(r["id"], r["leader_name"], r["attachment_count"]) for r in body["results"]]
        if not body["next"]:
            break
        page += 1
    assert seen == expected


def test_list_row_carries_leader_and_attachment_count(staff_client):
    entry = EntryFactory()
    TeamMemberFactory(entry=entry, name="王建国", honour=Honour.CHECHENG_CRAFTSMAN)
    AttachmentFactory.create_batch(2, entry=entry)
    row = staff_client.get(URL).data["results"][0]
    assert (row["leader_name"], row["leader_honour"], row["attachment_count"]) == (
        "王建国",
        "checheng_craftsman",
        2,
    )


def test_detail_queries_do_not_grow_with_team_and_attachments(member_client, organisation):
    small = EntryFactory(organisation=organisation)
    TeamMemberFactory(entry=small)
    AttachmentFactory(entry=small)
    big = EntryFactory(organisation=organisation)
    TeamMemberFactory(entry=big)
    for _ in range(14):
        TeamMemberFactory(entry=big, role="member")
    AttachmentFactory.create_batch(10, entry=big)
    assert _count_queries(member_client, f"{URL}{small.pk}/") == _count_queries(
        member_client, f"{URL}{big.pk}/"
    )
    assert TeamMember.objects.filter(entry=big).count() == 15


def test_list_row_without_attachments_counts_zero(staff_client):
    entry = EntryFactory()
    row = next(
        r for r in staff_client.get("/api/v1/entries/").json()["results"] if r["id"] == entry.pk
    )
    assert row["attachment_count"] == 0


def test_list_rows_are_exactly_what_the_list_serializer_renders(staff_client, union_staff):
    """The list renders values() dicts (no model instances); the JSON must be the documented
    EntryListSerializer's, field for field, nulls and time zones included."""
    from projects.api.serializers import EntryListSerializer
    from projects.selectors import entry_list_for

    contest = _entries_with_everything(3)
    EntryFactory(
        contest=contest, state=EntryState.SUBMITTED, submitted_at=timezone.now() - timedelta(days=2)
    )
    EntryFactory(contest=contest)  # no leader, no attachment, never submitted
    body = staff_client.get(URL, {"contest": contest.pk, "page_size": 50}).json()
    expected = EntryListSerializer(
        entry_list_for(union_staff).filter(contest=contest).order_by("-id"), many=True
    ).data
    assert body["results"] == [dict(row) for row in expected]
    assert any(row["submitted_at"] for row in body["results"])
    assert any(row["leader_name"] is None for row in body["results"])


def test_list_takes_at_most_three_queries_with_the_count_remembered(
    staff_client, settings, django_assert_max_num_queries
):
    """Authentication (token, roles) and the page: the count of a large set is remembered."""
    from django.core.cache import cache

    settings.PAGINATION_COUNT_CACHE_MIN_ROWS = 1
    cache.clear()
    contest = _entries_with_everything(3)
    staff_client.get(URL, {"contest": contest.pk})
    with django_assert_max_num_queries(3):
        response = staff_client.get(URL, {"contest": contest.pk, "page": 1})
    assert response.json()["count"] == 3
