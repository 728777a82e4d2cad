"""The notice, its period (server clock at commit), objections, decisions and versions."""

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.core import mail

from core.exceptions import Conflict, InvalidTransition, ValidationFailed
from core.models import AuditEvent
from projects.enums import EntryState
from publicity import notices, services
from publicity.enums import MailState, NoticeState, ObjectionState, Remedy
from publicity.models import NoticeVersion, Objection, ObjectionMail
from reviews.models import Award
from tests.factories.publicity import (
    make_awarded_round,
    make_notice,
    objection_data,
    scan_upload,
)

BJ = ZoneInfo("Asia/Shanghai")


def _stored_files() -> set[str]:
    root = Path(settings.PRIVATE_MEDIA_ROOT) / "attachments"
    return {str(p) for p in root.rglob("*") if p.is_file()} if root.exists() else set()


def _submit(notice, entry, **overrides):
    data = objection_data(entry, **overrides)
    scan = data.pop("scan", None) or scan_upload()
    return services.objection_submit(notice=notice, scan=scan, ip_address="10.0.0.1", **data)


@pytest.fixture
def national_day_notice(union_staff):
    """A notice published on Friday 26 September 2025, 10:00 Beijing time."""
    round_, entries = make_awarded_round(actor=union_staff)
    with time_machine.travel(dt.datetime(2025, 9, 26, 10, 0, tzinfo=BJ), tick=False):
        notice = make_notice(actor=union_staff, round_=round_)
    return notice, entries


def test_publish_puts_up_version_one_with_the_awards(notice, awarded):
    _round, entries = awarded
    assert notice.state == NoticeState.PUBLISHED
    (version,) = notice.versions.all()
    assert version.number == 1
    assert [r["entry"] for r in version.rows] == [e.pk for e in entries]
    assert [r["tier_label"] for r in version.rows] == ["一等奖", "二等奖", "三等奖"]
    assert version.rows[0]["organisation"] == entries[0].organisation.name
    assert version.rows[0]["team"] == ["王建国0"]
    assert version.rows[0]["score"] is None  # scores shown only when the notice says so
    assert AuditEvent.objects.filter(action="notice.publish", target_id=str(notice.pk)).exists()


def test_publish_shows_scores_when_the_notice_allows(awarded, union_staff):
    notice = make_notice(actor=union_staff, round_=awarded[0], show_score=True)
    assert notice.versions.get().rows[0]["score"] == "95.500"


def test_period_published_before_national_day_ends_at_midnight_after_10_october(
    national_day_notice,
):
    notice, _ = national_day_notice
    assert notice.period_last_day == dt.date(2025, 10, 10)
    assert notice.ends_at == dt.datetime(2025, 10, 11, 0, 0, tzinfo=BJ)


def test_publish_refused_when_the_period_runs_into_a_year_not_covered(awarded, union_staff):
    notice = make_notice(actor=union_staff, round_=awarded[0], publish=False)
    at = time_machine.travel(dt.datetime(2026, 12, 28, 10, 0, tzinfo=BJ), tick=False)
    with at, pytest.raises(ValidationFailed) as caught:
        services.notice_publish(actor=union_staff, notice=notice)
    assert "2027" in caught.value.fields["working_days"][0]
    notice.refresh_from_db()
    assert notice.state == NoticeState.DRAFT and not notice.versions.exists()


def test_publish_refused_for_a_round_not_finalized(union_staff):
    round_, _ = make_awarded_round(actor=union_staff)
    round_.state = "closed"
    round_.save(update_fields=["state"])
    notice = make_notice(actor=union_staff, round_=round_, publish=False)
    with pytest.raises(Conflict):
        services.notice_publish(actor=union_staff, notice=notice)


def test_publish_twice_is_a_wrong_move(notice, union_staff):
    with pytest.raises(InvalidTransition):
        services.notice_publish(actor=union_staff, notice=notice)


def test_objection_one_second_before_the_end_is_accepted(national_day_notice):
    notice, entries = national_day_notice
    with time_machine.travel(dt.datetime(2025, 10, 10, 23, 59, 59, tzinfo=BJ), tick=False):
        objection = _submit(notice, entries[0])
    assert objection.state == ObjectionState.RECEIVED
    assert objection.steps.count() == 1
    assert AuditEvent.objects.filter(action="objection.submit").count() == 1


def test_objection_one_second_after_the_end_is_refused_and_nothing_stays(national_day_notice):
    notice, entries = national_day_notice
    before = _stored_files()
    at = time_machine.travel(dt.datetime(2025, 10, 11, 0, 0, 1, tzinfo=BJ), tick=False)
    with at, pytest.raises(Conflict) as caught:
        _submit(notice, entries[0])
    assert caught.value.code == "period_over"
    assert "2025-10-11 00:00" in caught.value.detail
    assert not Objection.objects.exists()
    assert not AuditEvent.objects.filter(action="objection.submit").exists()
    assert _stored_files() == before


def test_objection_to_an_entry_not_on_the_notice_is_refused(notice, union_staff):
    other_round, others = make_awarded_round(actor=union_staff, n=1)
    with pytest.raises(ValidationFailed) as caught:
        _submit(notice, others[0])
    assert "entry" in caught.value.fields
    assert not Objection.objects.exists()


def test_objection_with_a_disguised_scan_is_refused(notice, awarded):
    before = _stored_files()
    fake = scan_upload("异议书.pdf", b"MZ\x90\x00" + b"\x00" * 200)
    with pytest.raises(ValidationFailed) as caught:
        _submit(notice, awarded[1][0], scan=fake)
    assert "file" in caught.value.fields
    assert not Objection.objects.exists() and _stored_files() == before


def test_objection_with_a_pdf_holding_javascript_is_refused(notice, awarded):
    evil = scan_upload(
        "异议书.pdf", b"%PDF-1.4\n1 0 obj << /OpenAction << /JS (app.alert(1)) >> >>"
    )
    with pytest.raises(ValidationFailed) as caught:
        _submit(notice, awarded[1][0], scan=evil)
    assert "file" in caught.value.fields
    assert not Objection.objects.exists()


def test_objection_with_an_oversized_scan_is_refused(notice, awarded, settings):
    settings.PUBLICITY_SCAN_MAX_BYTES = 100
    with pytest.raises(ValidationFailed) as caught:
        _submit(notice, awarded[1][0])
    assert "MB" in caught.value.fields["file"][0]
    assert not Objection.objects.exists()


def test_objection_needs_a_valid_email(notice, awarded):
    with pytest.raises(ValidationFailed) as caught:
        _submit(notice, awarded[1][0], email="not an address")
    assert "email" in caught.value.fields


def test_results_not_final_while_an_objection_is_open(national_day_notice, union_staff):
    notice, entries = national_day_notice
    with time_machine.travel(dt.datetime(2025, 10, 9, 9, 0, tzinfo=BJ), tick=False):
        objection = _submit(notice, entries[0])
    with time_machine.travel(dt.datetime(2025, 10, 13, 9, 0, tzinfo=BJ), tick=False):
        with pytest.raises(Conflict) as caught:
            services.notice_finalize(actor=union_staff, notice=notice)
        assert caught.value.code == "objections_open"
        assert services.notices_finalize_due() == []
        services.objection_acknowledge(actor=union_staff, objection=objection)
        services.objection_decide(
            actor=union_staff, objection=objection, upheld=False, reply="经核实，专利不同。"
        )
        assert services.notices_finalize_due() == [notice.pk]
    notice.refresh_from_db()
    assert notice.state == NoticeState.FINAL


def test_results_not_final_while_the_period_runs(national_day_notice, union_staff):
    notice, _ = national_day_notice
    at = time_machine.travel(dt.datetime(2025, 10, 10, 23, 59, 59, tzinfo=BJ), tick=False)
    with at, pytest.raises(Conflict) as caught:
        services.notice_finalize(actor=union_staff, notice=notice)
    assert caught.value.code == "period_running"


def test_upheld_objection_withdrawing_an_award_publishes_a_new_version(
    notice, awarded, union_staff
):
    _round, entries = awarded
    objection = _submit(notice, entries[0])
    services.objection_acknowledge(actor=union_staff, objection=objection)
    services.objection_add_note(actor=union_staff, objection=objection, text="调取专利文件。")
    services.objection_decide(
        actor=union_staff,
        objection=objection,
        upheld=True,
        reply="异议成立，撤销该项目一等奖。",
        remedy=Remedy.WITHDRAW_AWARD,
    )
    v1, v2 = NoticeVersion.objects.filter(notice=notice).order_by("number")
    assert [r["entry"] for r in v1.rows] == [e.pk for e in entries]  # kept as it was
    assert [r["entry"] for r in v2.rows] == [e.pk for e in entries[1:]]
    assert v2.objection_id == objection.pk
    # the reply is the objector's; the public sees a neutral sentence of what changed
    assert v2.reason == f"After an upheld objection the award of “{entries[0].title}” is withdrawn."
    assert not Award.objects.filter(entry=entries[0]).exists()
    entries[0].refresh_from_db()
    assert entries[0].state == EntryState.NOT_ADVANCED
    assert AuditEvent.objects.filter(action="award.withdraw").get().data["tier"] == "first"
    objection.refresh_from_db()
    assert objection.state == ObjectionState.UPHELD
    assert [s.kind for s in objection.steps.all()] == ["received", "acknowledge", "note", "decide"]


def test_upheld_objection_correcting_a_tier_publishes_a_new_version(notice, awarded, union_staff):
    _round, entries = awarded
    objection = _submit(notice, entries[0])
    services.objection_acknowledge(actor=union_staff, objection=objection)
    services.objection_decide(
        actor=union_staff,
        objection=objection,
        upheld=True,
        reply="改为二等奖。",
        remedy=Remedy.CHANGE_TIER,
        tier="second",
    )
    v2 = notice.versions.get(number=2)
    assert {r["entry"]: r["tier"] for r in v2.rows}[entries[0].pk] == "second"
    assert "改为二等奖" not in v2.reason and entries[0].title in v2.reason
    assert notice.versions.get(number=1).rows[0]["tier"] == "first"


def test_decision_without_a_reply_is_refused(notice, awarded, union_staff):
    objection = _submit(notice, awarded[1][0])
    services.objection_acknowledge(actor=union_staff, objection=objection)
    with pytest.raises(ValidationFailed) as caught:
        services.objection_decide(actor=union_staff, objection=objection, upheld=False, reply=" ")
    assert "reply" in caught.value.fields


def test_deciding_before_acknowledging_is_a_wrong_move(notice, awarded, union_staff):
    objection = _submit(notice, awarded[1][0])
    with pytest.raises(InvalidTransition):
        services.objection_decide(
            actor=union_staff, objection=objection, upheld=False, reply="不成立。"
        )
    assert not ObjectionMail.objects.exists()


def test_failed_remedy_leaves_nothing_half_written(notice, awarded, union_staff):
    objection = _submit(notice, awarded[1][0])
    services.objection_acknowledge(actor=union_staff, objection=objection)
    with pytest.raises(ValidationFailed):
        services.objection_decide(
            actor=union_staff,
            objection=objection,
            upheld=True,
            reply="改。",
            remedy=Remedy.CHANGE_TIER,
            tier="first",
        )
    with pytest.raises(ValidationFailed):
        services.objection_decide(
            actor=union_staff,
            objection=objection,
            upheld=False,
            reply="改。",
            remedy=Remedy.WITHDRAW_AWARD,
        )
    objection.refresh_from_db()
    assert objection.state == ObjectionState.ACKNOWLEDGED
    assert notice.versions.count() == 1 and not ObjectionMail.objects.exists()


def test_objector_is_emailed_the_decision_once(notice, awarded, union_staff):
    objection = _submit(notice, awarded[1][0])
    services.objection_acknowledge(actor=union_staff, objection=objection)
    services.objection_decide(
        actor=union_staff, objection=objection, upheld=False, reply="经核实，异议不成立。"
    )
    row = ObjectionMail.objects.get()
    assert notices.objection_mail_deliver(mail_id=row.pk) is True
    assert notices.objection_mail_deliver(mail_id=row.pk) is False
    (message,) = mail.outbox
    assert message.to == ["liming@example.com"]
    assert "异议不成立" in message.body and "经核实，异议不成立。" in message.body
    assert f"/notices/{notice.pk}/" in message.body
    row.refresh_from_db()
    assert row.state == MailState.SENT


def test_mail_server_down_keeps_the_mail_pending_for_the_sweep(
    notice, awarded, union_staff, monkeypatch
):
    import smtplib

    objection = _submit(notice, awarded[1][0])
    services.objection_acknowledge(actor=union_staff, objection=objection)
    services.objection_decide(actor=union_staff, objection=objection, upheld=False, reply="不成立")
    row = ObjectionMail.objects.get()

    def refuse(self, *args, **kwargs):
        raise smtplib.SMTPServerDisconnected("down")

    monkeypatch.setattr("django.core.mail.backends.locmem.EmailBackend.send_messages", refuse)
    assert notices.objection_mail_deliver(mail_id=row.pk) is False
    row.refresh_from_db()
    assert row.state == MailState.PENDING and row.attempts == 1 and "down" in row.last_error


def test_union_staff_are_told_of_a_new_objection(notice, awarded, union_staff):
    from notifications.models import Notice

    objection = _submit(notice, awarded[1][0])
    (told,) = Notice.objects.filter(kind="objection_received")
    assert told.recipient == union_staff and told.subject_id == str(objection.pk)
    assert f"/console/objections/{objection.pk}/" in told.body


def test_a_refused_objection_tells_nobody(national_day_notice):
    from notifications.models import Notice

    notice, entries = national_day_notice
    at = time_machine.travel(dt.datetime(2025, 10, 11, 0, 0, 1, tzinfo=BJ), tick=False)
    with at, pytest.raises(Conflict):
        _submit(notice, entries[0])
    assert not Notice.objects.filter(kind="objection_received").exists()
