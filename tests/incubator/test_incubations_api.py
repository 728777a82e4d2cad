"""Admission, stages, milestones and support: roles, visibility, malformed input, wrong moves."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone

from core.services import audit_trail
from incubator.models import Incubation, IncubationReport, Milestone, SupportRecord
from tests.factories.incubator import (
    AwardFactory,
    IncubationFactory,
    IncubatorEntryFactory,
    MilestoneFactory,
)

pytestmark = pytest.mark.django_db
URL = "/api/v1/incubations/"


def at(day: date):
    moment = datetime(day.year, day.month, day.day, 10, tzinfo=ZoneInfo("Asia/Shanghai"))
    return time_machine.travel(moment, tick=False)


@pytest.fixture
def winner(organisation):
    return IncubatorEntryFactory(organisation=organisation, state="awarded")


def _admit(client, admitted, **extra):
    body = {
        "entry": admitted.pk,
        "start_date": timezone.localdate().isoformat(),
        "mentor_name": "张教授",
        "workspace": "A-203",
    }
    body.update(extra)
    return client.post(URL, body, format="json")


def test_staff_admits_winner_and_reports_are_scheduled(incubator_client, incubator_staff, winner):
    with at(date(2024, 7, 2)):
        response = _admit(incubator_client, winner, start_date="2024-01-01", confirm_backdated=True)
    assert response.status_code == 201, response.data
    incubation = Incubation.objects.get(pk=response.data["id"])
    assert incubation.organisation_id == winner.organisation_id
    assert incubation.stage == "admitted"
    assert list(incubation.reports.values_list("period_start", "due_date")) == [
        (date(2024, 1, 1), date(2024, 4, 15)),
        (date(2024, 4, 1), date(2024, 7, 15)),
        (date(2024, 7, 1), date(2024, 10, 15)),
    ]
    assert audit_trail(incubation).get(action="incubation.admit").actor == incubator_staff


def test_admit_non_awarded_needs_a_reason(incubator_client, organisation):
    entry = IncubatorEntryFactory(organisation=organisation, state="not_advanced")
    response = _admit(incubator_client, entry)
    assert response.status_code == 400
    assert "admission_note" in response.data["fields"]
    assert not Incubation.objects.exists()
    response = _admit(incubator_client, entry, admission_note="评审专家推荐：技术成熟度高")
    assert response.status_code == 201


@pytest.mark.parametrize("state", ["draft", "submitted", "withdrawn", "in_review"])
def test_admit_unreviewed_entry_is_409(incubator_client, state):
    response = _admit(incubator_client, IncubatorEntryFactory(state=state), admission_note="x")
    assert response.status_code == 409
    assert not Incubation.objects.exists()


def test_admit_twice_is_409(incubator_client, winner):
    _admit(incubator_client, winner)
    response = _admit(incubator_client, winner)
    assert response.status_code == 409
    assert Incubation.objects.count() == 1


def test_backdated_start_needs_confirmation(incubator_client, winner):
    with at(date(2025, 10, 20)):
        response = _admit(incubator_client, winner, start_date="2024-01-01")
        assert response.status_code == 400
        assert response.data["code"] == "start_date_backdated"
        assert "confirm_backdated" in response.data["fields"]
        # Seven quarters (2024 Q1 .. 2025 Q3) are due by 15 October 2025; 2025 Q4 has begun.
        assert "7 reports overdue" in response.data["fields"]["start_date"][0]
        assert not Incubation.objects.exists() and not IncubationReport.objects.exists()
        response = _admit(incubator_client, winner, start_date="2024-01-01", confirm_backdated=True)
    assert response.status_code == 201
    assert IncubationReport.objects.filter(incubation_id=response.data["id"]).count() == 8


def test_recent_start_needs_no_confirmation(incubator_client, winner):
    with at(date(2025, 10, 1)):
        response = _admit(incubator_client, winner, start_date="2025-09-05")
    assert response.status_code == 201, response.data


def test_start_before_the_award_is_refused_even_confirmed(incubator_client, winner):
    award = AwardFactory(entry=winner)
    awarded_on = timezone.localdate(award.granted_at)
    day_before = (awarded_on - timedelta(days=1)).isoformat()
    response = _admit(incubator_client, winner, start_date=day_before, confirm_backdated=True)
    assert response.status_code == 400
    assert response.data["code"] == "start_before_award"
    assert not Incubation.objects.exists()
    assert _admit(incubator_client, winner, start_date=awarded_on.isoformat()).status_code == 201


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"start_date": "2024-13-01"}, "start_date"),
        ({"start_date": "2019-01-01"}, "start_date"),  # before the contest year
        ({"report_interval_months": 0}, "report_interval_months"),
        ({"entry": 999999}, "entry"),
    ],
)
def test_admit_malformed_is_400(incubator_client, winner, extra, field):
    response = _admit(incubator_client, winner, **extra)
    assert response.status_code == 400
    assert field in response.data["fields"]
    assert not Incubation.objects.exists()


@pytest.mark.parametrize(
    ("who", "status"),
    [("api", 401), ("member_client", 403), ("staff_client", 403), ("reviewer_client", 403)],
)
def test_admit_refused_roles(request, winner, who, status):
    assert _admit(request.getfixturevalue(who), winner).status_code == status
    assert not Incubation.objects.exists()


def test_member_sees_own_records_only(member_client, member, other_organisation):
    own = IncubationFactory(entry=IncubatorEntryFactory(organisation=member.organisation))
    other = IncubationFactory(entry=IncubatorEntryFactory(organisation=other_organisation))
    assert [row["id"] for row in member_client.get(URL).data["results"]] == [own.pk]
    assert member_client.get(f"{URL}{other.pk}/").status_code == 404
    assert member_client.get(f"{URL}{other.pk}/outcomes/").status_code == 404


def test_union_staff_reads_all_but_cannot_move(staff_client):
    incubation = IncubationFactory(stage="admitted")
    assert staff_client.get(f"{URL}{incubation.pk}/").status_code == 200
    assert staff_client.post(f"{URL}{incubation.pk}/start/").status_code == 403


def test_stage_lifecycle(incubator_client):
    incubation = IncubationFactory(stage="admitted")
    assert incubator_client.post(f"{URL}{incubation.pk}/start/").data["stage"] == "incubating"
    with at(date(2025, 6, 30)):
        response = incubator_client.post(
            f"{URL}{incubation.pk}/graduate/", {"reason": "已注册公司并量产"}, format="json"
        )
    assert response.status_code == 200
    assert (response.data["stage"], response.data["ended_on"]) == ("graduated", "2025-06-30")


@pytest.mark.parametrize(
    ("stage", "verb"),
    [
        ("admitted", "graduate"),
        ("incubating", "start"),
        ("graduated", "exit"),
        ("exited", "start"),
        ("graduated", "graduate"),
    ],
)
def test_wrong_stage_moves_are_409(incubator_client, stage, verb):
    incubation = IncubationFactory(stage=stage)
    response = incubator_client.post(f"{URL}{incubation.pk}/{verb}/", {"reason": "r"})
    assert response.status_code == 409
    incubation.refresh_from_db()
    assert incubation.stage == stage


def test_exit_requires_reason(incubator_client):
    incubation = IncubationFactory()
    response = incubator_client.post(f"{URL}{incubation.pk}/exit/", {}, format="json")
    assert response.status_code == 400
    assert "reason" in response.data["fields"]


def test_exit_before_start_date_is_400(incubator_client):
    incubation = IncubationFactory(start_date=date(2024, 1, 1))
    response = incubator_client.post(
        f"{URL}{incubation.pk}/exit/", {"reason": "团队解散", "on_date": "2023-12-31"}
    )
    assert response.status_code == 400
    assert "on_date" in response.data["fields"]
    incubation.refresh_from_db()
    assert incubation.stage == "incubating"


def test_exit_waives_reports_of_later_periods(incubator_client):
    incubation = IncubationFactory(start_date=date(2024, 1, 1))
    early = IncubationReport.objects.create(
        incubation=incubation,
        period_start=date(2024, 1, 1),
        period_end=date(2024, 3, 31),
        due_date=date(2024, 4, 15),
    )
    late = IncubationReport.objects.create(
        incubation=incubation,
        period_start=date(2024, 4, 1),
        period_end=date(2024, 6, 30),
        due_date=date(2024, 7, 15),
    )
    with at(date(2024, 4, 20)):
        incubator_client.post(
            f"{URL}{incubation.pk}/exit/", {"reason": "团队解散", "on_date": "2024-03-20"}
        )
    early.refresh_from_db()
    late.refresh_from_db()
    assert (early.state, late.state) == ("pending", "waived")


def test_update_mentor(incubator_client, member_client, member):
    incubation = IncubationFactory(entry=IncubatorEntryFactory(organisation=member.organisation))
    response = incubator_client.patch(f"{URL}{incubation.pk}/", {"mentor_name": "李博士"})
    assert response.data["mentor_name"] == "李博士"
    assert member_client.patch(f"{URL}{incubation.pk}/", {"mentor_name": "x"}).status_code == 403


def test_list_query_count_is_constant(incubator_client, django_assert_max_num_queries):
    IncubationFactory()
    with django_assert_max_num_queries(6) as one:
        incubator_client.get(URL)
    IncubationFactory.create_batch(25)
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert incubator_client.get(URL, {"page_size": 50}).data["count"] == 26


def test_detail_query_count_is_constant(incubator_client, django_assert_max_num_queries):
    incubation = IncubationFactory()
    with django_assert_max_num_queries(8) as few:
        incubator_client.get(f"{URL}{incubation.pk}/")
    MilestoneFactory.create_batch(10, incubation=incubation)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(incubator_client.get(f"{URL}{incubation.pk}/").data["milestones"]) == 10


# --- milestones and support ---------------------------------------------------------------------


def test_add_milestone(incubator_client):
    incubation = IncubationFactory(start_date=date(2024, 1, 1))
    response = incubator_client.post(
        "/api/v1/incubation-milestones/",
        {"incubation": incubation.pk, "title": "完成样机", "due_date": "2024-06-30"},
    )
    assert response.status_code == 201, response.data
    assert response.data["status"] == "pending"


def test_milestone_due_before_start_is_400(incubator_client):
    incubation = IncubationFactory(start_date=date(2024, 1, 1))
    response = incubator_client.post(
        "/api/v1/incubation-milestones/",
        {"incubation": incubation.pk, "title": "完成样机", "due_date": "2024-01-01"},
    )
    assert response.status_code == 400
    assert "due_date" in response.data["fields"]
    assert not Milestone.objects.exists()


def test_member_cannot_add_milestone(member_client, member):
    incubation = IncubationFactory(entry=IncubatorEntryFactory(organisation=member.organisation))
    response = member_client.post(
        "/api/v1/incubation-milestones/",
        {"incubation": incubation.pk, "title": "x", "due_date": "2024-06-30"},
    )
    assert response.status_code == 403


def test_milestone_status_moves(incubator_client):
    milestone = MilestoneFactory()
    url = f"/api/v1/incubation-milestones/{milestone.pk}/status/"
    assert incubator_client.post(url, {"status": "missed"}).data["status"] == "missed"
    with at(date(2024, 8, 1)):
        response = incubator_client.post(url, {"status": "achieved", "on_date": "2024-07-20"})
    assert (response.data["status"], response.data["achieved_on"]) == ("achieved", "2024-07-20")
    assert incubator_client.post(url, {"status": "cancelled"}).status_code == 409


def test_milestone_moves_have_their_own_verbs(incubator_client):
    """One verb per move (``status/`` stays as a deprecated alias)."""
    milestone = MilestoneFactory()
    base = f"/api/v1/incubation-milestones/{milestone.pk}/"
    assert incubator_client.post(base + "miss/").data["status"] == "missed"
    with at(date(2024, 8, 1)):
        response = incubator_client.post(base + "achieve/", {"on_date": "2024-07-20"})
    assert response.status_code == 200, response.data
    assert (response.data["status"], response.data["achieved_on"]) == ("achieved", "2024-07-20")
    refused = incubator_client.post(base + "cancel/")
    assert refused.status_code == 409
    assert refused.data["code"] == "invalid_transition"
    milestone.refresh_from_db()
    assert milestone.status == "achieved"


def test_milestone_verbs_are_incubator_staff_only(member_client, member):
    incubation = IncubationFactory(entry=IncubatorEntryFactory(organisation=member.organisation))
    milestone = MilestoneFactory(incubation=incubation)
    response = member_client.post(f"/api/v1/incubation-milestones/{milestone.pk}/miss/")
    assert response.status_code == 403
    milestone.refresh_from_db()
    assert milestone.status == "pending"


def test_milestone_verb_with_a_malformed_date_is_400_naming_it(incubator_client):
    milestone = MilestoneFactory()
    url = f"/api/v1/incubation-milestones/{milestone.pk}/achieve/"
    response = incubator_client.post(url, {"on_date": "2024-13-45"})
    assert response.status_code == 400
    assert "on_date" in response.data["fields"]
    milestone.refresh_from_db()
    assert milestone.status == "pending"


def test_milestones_of_other_organisation_are_hidden(other_member_client):
    milestone = MilestoneFactory()
    assert other_member_client.get("/api/v1/incubation-milestones/").data["count"] == 0
    assert (
        other_member_client.get(f"/api/v1/incubation-milestones/{milestone.pk}/").status_code == 404
    )


def test_support_negative_amount_is_400(incubator_client):
    incubation = IncubationFactory()
    response = incubator_client.post(
        "/api/v1/incubation-support/",
        {
            "incubation": incubation.pk,
            "kind": "funding",
            "provided_on": "2024-02-01",
            "description": "种子资金",
            "amount": "-100",
        },
    )
    assert response.status_code == 400
    assert "amount" in response.data["fields"]
    assert not SupportRecord.objects.exists()


def test_support_before_start_is_400(incubator_client):
    incubation = IncubationFactory(start_date=date(2024, 1, 1))
    response = incubator_client.post(
        "/api/v1/incubation-support/",
        {
            "incubation": incubation.pk,
            "kind": "training",
            "provided_on": "2023-12-01",
            "description": "创业培训",
        },
    )
    assert response.status_code == 400
    assert "provided_on" in response.data["fields"]


def test_support_recorded_and_visible_to_owner(incubator_client, member_client, member):
    incubation = IncubationFactory(entry=IncubatorEntryFactory(organisation=member.organisation))
    response = incubator_client.post(
        "/api/v1/incubation-support/",
        {
            "incubation": incubation.pk,
            "kind": "funding",
            "provided_on": "2024-02-01",
            "description": "种子资金",
            "amount": "50000",
        },
    )
    assert response.status_code == 201
    rows = member_client.get("/api/v1/incubation-support/").data["results"]
    assert [r["amount"] for r in rows] == ["50000.00"]
