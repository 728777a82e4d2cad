"""The project page's forms: plan and move a milestone, record support, move the stage. Each
shows the service's refusal next to its field and writes nothing; the roles that must be refused
are."""

from datetime import date, timedelta

import pytest
from django.test import Client
from django.utils import timezone

from incubator.models import Incubation, Milestone, SupportRecord
from tests.factories.incubator import IncubationFactory, MilestoneFactory

pytestmark = pytest.mark.django_db


def _client(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def incubation():
    return IncubationFactory(start_date=date(2024, 1, 1), stage="incubating")


def _url(incubation, tail):
    return f"/programmes/incubator/{incubation.pk}/{tail}"


def test_page_offers_the_forms_and_the_allowed_stage_moves(incubator_staff, incubation):
    page = _client(incubator_staff).get(_url(incubation, "")).content.decode()
    assert 'name="milestone-title"' in page and 'name="support-kind"' in page
    assert "/stage/graduate/" in page and "/stage/exit/" in page
    assert "/stage/start/" not in page  # already incubating


def test_milestone_is_planned(incubator_staff, incubation):
    response = _client(incubator_staff).post(
        _url(incubation, "milestones/"),
        {"milestone-title": "完成样机", "milestone-due_date": "2024-09-30"},
    )
    assert response.status_code == 303
    assert Milestone.objects.get(incubation=incubation).title == "完成样机"


def test_milestone_due_before_the_start_shows_the_error_and_writes_nothing(
    incubator_staff, incubation
):
    client = _client(incubator_staff)
    response = client.post(
        _url(incubation, "milestones/"),
        {"milestone-title": "完成样机", "milestone-due_date": "2023-12-01"},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert 'data-field-error="due_date"' in page and "2024-01-01" in page
    assert 'value="完成样机"' in page  # what was typed stays
    response = client.post(
        _url(incubation, "milestones/"),
        {"milestone-title": "", "milestone-due_date": "not a date"},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert 'data-field-error="title"' in page and 'data-field-error="due_date"' in page
    assert not Milestone.objects.exists()


def test_milestone_error_is_in_chinese_on_a_chinese_page(incubator_staff, incubation):
    response = _client(incubator_staff).post(
        _url(incubation, "milestones/"),
        {"milestone-title": "完成样机", "milestone-due_date": "2023-12-01"},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert "截止日期必须晚于孵化开始日期（2024-01-01）。" in response.content.decode()


def test_no_milestone_for_an_ended_incubation(incubator_staff):
    ended = IncubationFactory(start_date=date(2024, 1, 1), stage="graduated")
    response = _client(incubator_staff).post(
        _url(ended, "milestones/"),
        {"milestone-title": "完成样机", "milestone-due_date": "2024-09-30"},
    )
    assert response.status_code == 409
    assert "The incubation has ended." in response.content.decode()
    assert not Milestone.objects.exists()


def test_milestone_achieved_and_a_future_date_refused(incubator_staff, incubation):
    milestone = MilestoneFactory(incubation=incubation, due_date=date(2024, 6, 30))
    client = _client(incubator_staff)
    url = f"/programmes/incubator/milestones/{milestone.pk}/achieve/"
    future = (timezone.localdate() + timedelta(days=3)).isoformat()
    response = client.post(url, {f"m{milestone.pk}-on_date": future})
    assert response.status_code == 400
    assert 'data-field-error="on_date"' in response.content.decode()
    milestone.refresh_from_db()
    assert milestone.status == "pending"
    response = client.post(url, {f"m{milestone.pk}-on_date": "2024-06-20"})
    assert response.status_code == 303
    milestone.refresh_from_db()
    assert (milestone.status, milestone.achieved_on) == ("achieved", date(2024, 6, 20))
    # Achieved is final: no move offered, and a forced one is refused.
    page = client.get(_url(incubation, "")).content.decode()
    assert f"/milestones/{milestone.pk}/miss/" not in page
    assert client.post(f"/programmes/incubator/milestones/{milestone.pk}/miss/").status_code == 409


def test_support_is_recorded(incubator_staff, incubation):
    response = _client(incubator_staff).post(
        _url(incubation, "support/"),
        {
            "support-kind": "funding",
            "support-provided_on": "2024-03-01",
            "support-description": "种子资金",
            "support-amount": "50000",
        },
    )
    assert response.status_code == 303
    record = SupportRecord.objects.get(incubation=incubation)
    assert (record.kind, str(record.amount)) == ("funding", "50000.00")


@pytest.mark.parametrize(
    "data, field",
    [
        ({"support-amount": "-5"}, "amount"),
        ({"support-provided_on": "2023-06-01"}, "provided_on"),
        ({"support-description": ""}, "description"),
        ({"support-kind": "cash"}, "kind"),
    ],
)
def test_bad_support_shows_the_error_and_writes_nothing(incubator_staff, incubation, data, field):
    body = {
        "support-kind": "training",
        "support-provided_on": "2024-03-01",
        "support-description": "财务培训",
        **data,
    }
    response = _client(incubator_staff).post(_url(incubation, "support/"), body)
    assert response.status_code == 400
    assert f'data-field-error="{field}"' in response.content.decode()
    assert not SupportRecord.objects.exists()


def test_stage_moves_in_and_exit_needs_a_reason(incubator_staff):
    admitted = IncubationFactory(start_date=date(2024, 1, 1), stage="admitted")
    client = _client(incubator_staff)
    assert client.post(_url(admitted, "stage/start/")).status_code == 303
    admitted.refresh_from_db()
    assert admitted.stage == "incubating"
    response = client.post(_url(admitted, "stage/exit/"), {"stage-reason": " "})
    assert response.status_code == 400
    assert 'data-field-error="reason"' in response.content.decode()
    admitted.refresh_from_db()
    assert admitted.stage == "incubating"
    response = client.post(
        _url(admitted, "stage/exit/"), {"stage-reason": "团队解散", "stage-on_date": "2024-12-31"}
    )
    assert response.status_code == 303
    admitted.refresh_from_db()
    assert (admitted.stage, admitted.ended_on) == ("exited", date(2024, 12, 31))


def test_stage_move_not_allowed_is_refused_in_words(incubator_staff):
    admitted = IncubationFactory(start_date=date(2024, 1, 1), stage="admitted")
    response = _client(incubator_staff).post(_url(admitted, "stage/graduate/"))
    assert response.status_code == 409
    assert "alert-danger" in response.content.decode()
    assert Incubation.objects.get(pk=admitted.pk).stage == "admitted"


def test_graduation_date_before_the_start_is_refused(incubator_staff, incubation):
    response = _client(incubator_staff).post(
        _url(incubation, "stage/graduate/"), {"stage-on_date": "2023-01-01"}
    )
    assert response.status_code == 400
    assert 'data-field-error="on_date"' in response.content.decode()
    assert Incubation.objects.get(pk=incubation.pk).stage == "incubating"


def _posts(incubation, milestone):
    return [
        (
            _url(incubation, "milestones/"),
            {"milestone-title": "x", "milestone-due_date": "2024-09-30"},
        ),
        (
            _url(incubation, "support/"),
            {
                "support-kind": "training",
                "support-provided_on": "2024-03-01",
                "support-description": "x",
            },
        ),
        (_url(incubation, "stage/exit/"), {"stage-reason": "x"}),
        (f"/programmes/incubator/milestones/{milestone.pk}/cancel/", {}),
    ]


@pytest.mark.parametrize("who", ["member", "reviewer_user", "union_staff"])
def test_refused_roles_write_nothing(request, who, incubation):
    milestone = MilestoneFactory(incubation=incubation)
    client = _client(request.getfixturevalue(who))
    for url, body in _posts(incubation, milestone):
        assert client.post(url, body).status_code == 403, url
    assert Milestone.objects.count() == 1 and not SupportRecord.objects.exists()
    milestone.refresh_from_db()
    assert milestone.status == "pending"
    assert Incubation.objects.get(pk=incubation.pk).stage == "incubating"


def test_anonymous_is_sent_to_sign_in(incubation):
    milestone = MilestoneFactory(incubation=incubation)
    for url, body in _posts(incubation, milestone):
        response = _client().post(url, body)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_unknown_verbs_and_objects_are_404(incubator_staff, incubation):
    client = _client(incubator_staff)
    assert client.post(_url(incubation, "stage/teleport/")).status_code == 404
    assert client.post("/programmes/incubator/999999/support/").status_code == 404
    assert client.post("/programmes/incubator/milestones/999999/achieve/").status_code == 404
