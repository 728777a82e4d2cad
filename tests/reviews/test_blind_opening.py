"""A blind round does not open while entrants' free text names them (issue 17): confirming the
assignments is refused with 409 ``blind_text_flagged`` in the request's language, unless staff
give a reason, which the audit row of the opening records. A clean or non-blind round opens as
before."""

import pytest
from django.utils import translation

from core.exceptions import Conflict
from core.models import AuditEvent
from jobs.models import Job
from jobs.services import job_run
from reviews import jobs as round_jobs
from reviews import services
from reviews.enums import RoundState
from tests.reviews.conftest import assign_by_hand

URL = "/api/v1/review-rounds/{}/confirm-assignments/"


@pytest.fixture
def assigning(draft_round, entries, pool, union_staff):
    services.round_start_assigning(round=draft_round, actor=union_staff)
    assign_by_hand(draft_round, entries, pool, union_staff)
    draft_round.refresh_from_db()
    return draft_round


@pytest.fixture
def named(entries):
    entry = entries[0]
    entry.summary = f"本项目由{entry.organisation.name}研制"
    entry.save(update_fields=["summary"])
    return entry


def _state(round_):
    round_.refresh_from_db()
    return round_.state


def test_the_service_refuses_to_open_a_flagged_blind_round(assigning, named, union_staff):
    with translation.override("zh-hans"), pytest.raises(Conflict) as err:
        services.round_confirm_assignments(round=assigning, actor=union_staff)
    assert err.value.code == "blind_text_flagged"
    assert err.value.status_code == 409
    assert err.value.detail.startswith("1 个参赛项目的文字中写出了申报单位")
    assert err.value.fields["entries"] == [str(named.pk)]
    assert _state(assigning) == RoundState.ASSIGNING


def test_the_api_refuses_at_once_and_nothing_is_queued(assigning, named, staff_client):
    response = staff_client.post(URL.format(assigning.pk), {}, format="json")
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "blind_text_flagged"
    assert "blind_override_reason" in body["fields"]
    assert _state(assigning) == RoundState.ASSIGNING
    assert not Job.objects.filter(kind=round_jobs.CONFIRM).exists()


def test_the_api_answers_in_chinese_by_default(assigning, named, staff_client, settings):
    settings.LANGUAGE_CODE = "zh-hans"
    body = staff_client.post(URL.format(assigning.pk), {}, format="json").json()
    assert body["code"] == "blind_text_flagged"
    assert "申报单位" in body["detail"]


def test_a_reason_opens_it_and_the_audit_row_records_it(assigning, named, union_staff):
    job = round_jobs.round_confirm_start(
        round=assigning,
        actor=union_staff,
        blind_override_reason="  已与申报单位核实：名称为产品名称  ",
        send=False,
    )
    job = job_run(job_id=job.pk)
    assert job.state == "succeeded", job.error
    assert _state(assigning) == RoundState.OPEN
    opened = AuditEvent.objects.filter(action="round.state", to_state=RoundState.OPEN).get()
    assert opened.data["blind_override_reason"] == "已与申报单位核实：名称为产品名称"
    assert opened.data["blind_flags"] == 1
    assert opened.data["blind_flagged_entries"] == [named.pk]
    assert opened.actor == union_staff


def test_a_blank_reason_is_no_reason(assigning, named, staff_client):
    response = staff_client.post(
        URL.format(assigning.pk), {"blind_override_reason": "   "}, format="json"
    )
    assert response.status_code == 409
    assert response.json()["code"] == "blind_text_flagged"


def test_a_too_long_reason_is_a_400_naming_the_field(assigning, named, staff_client):
    response = staff_client.post(
        URL.format(assigning.pk), {"blind_override_reason": "x" * 1001}, format="json"
    )
    assert response.status_code == 400
    assert "blind_override_reason" in response.json()["fields"]


def test_a_clean_blind_round_opens_without_a_reason(assigning, union_staff):
    services.round_confirm_assignments(round=assigning, actor=union_staff)
    assert _state(assigning) == RoundState.OPEN
    opened = AuditEvent.objects.filter(action="round.state", to_state=RoundState.OPEN).get()
    assert "blind_override_reason" not in opened.data


def test_a_round_that_is_not_blind_is_not_checked(assigning, named, union_staff):
    type(assigning).objects.filter(pk=assigning.pk).update(is_blind=False)
    assigning.refresh_from_db()
    services.round_confirm_assignments(round=assigning, actor=union_staff)
    assert _state(assigning) == RoundState.OPEN
