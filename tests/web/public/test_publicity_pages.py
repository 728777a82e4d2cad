"""The public results notice pages and the anonymous objection form (Django test client)."""

import pytest
from django.core.cache import cache

from core.models import AuditEvent
from publicity.models import Objection
from tests.factories.publicity import make_awarded_round, make_notice, scan_pdf_bytes, scan_upload
from web.public.publicity_forms import form_token


@pytest.fixture(autouse=True)
def _clean_limits(settings):
    settings.PUBLICITY_FORM_MIN_SECONDS = 0
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def awarded(union_staff):
    return make_awarded_round(actor=union_staff)


@pytest.fixture
def notice(awarded, union_staff):
    return make_notice(actor=union_staff, round_=awarded[0])


def _post(client, notice, entry, **overrides):
    data = {
        "entry": entry.pk,
        "name": "李明",
        "unit": "某公司工会",
        "contact": "13800000000",
        "email": "liming@example.com",
        "reason": "专利相同。",
        "website": "",
        "token": form_token(notice.pk),
        "scan": scan_upload(),
    }
    data.update(overrides)
    return client.post(f"/notices/{notice.pk}/objection/", data, REMOTE_ADDR="10.1.2.3")


def test_list_shows_published_notices_and_not_drafts(client, notice, awarded, union_staff):
    make_notice(actor=union_staff, round_=awarded[0], publish=False, title="草稿公示不应出现")
    page = client.get("/notices/").content.decode()
    assert notice.title in page and "草稿公示不应出现" not in page


def test_home_lists_published_notices(client, notice):
    assert notice.title in client.get("/").content.decode()


def test_draft_notice_page_is_404(client, awarded, union_staff):
    draft = make_notice(actor=union_staff, round_=awarded[0], publish=False)
    assert client.get(f"/notices/{draft.pk}/").status_code == 404
    assert client.get(f"/notices/{draft.pk}/objection/").status_code == 404


def test_notice_page_shows_the_rows_and_the_objection_link(client, notice, awarded):
    page = client.get(f"/notices/{notice.pk}/").content.decode()
    assert awarded[1][0].title in page and "一等奖" in page
    assert f"/notices/{notice.pk}/objection/" in page


def test_visitor_files_an_objection(client, notice, awarded):
    response = _post(client, notice, awarded[1][0])
    assert response.status_code == 303
    objection = Objection.objects.get()
    assert objection.ip_address == "10.1.2.3" and objection.scan_name == "异议书.pdf"


def test_honeypot_filled_is_refused_and_nothing_written(client, notice, awarded):
    response = _post(client, notice, awarded[1][0], website="http://spam.example")
    assert response.status_code == 400
    assert "fill it in again" in response.content.decode()
    assert not Objection.objects.exists()


def test_form_sent_too_fast_is_refused(client, notice, awarded, settings):
    settings.PUBLICITY_FORM_MIN_SECONDS = 30
    response = _post(client, notice, awarded[1][0])
    assert response.status_code == 400 and not Objection.objects.exists()


def test_forged_or_foreign_token_is_refused(client, notice, awarded):
    assert _post(client, notice, awarded[1][0], token="forged").status_code == 400
    assert _post(client, notice, awarded[1][0], token=form_token(notice.pk + 1)).status_code == 400
    assert not Objection.objects.exists()


def test_rate_limit_per_address(client, notice, awarded, settings):
    settings.PUBLICITY_OBJECTIONS_PER_IP_PER_HOUR = 2
    assert _post(client, notice, awarded[1][0]).status_code == 303
    assert _post(client, notice, awarded[1][1]).status_code == 303
    third = _post(client, notice, awarded[1][2])
    assert third.status_code == 429
    assert Objection.objects.count() == 2


def test_rate_limit_per_notice_across_addresses(client, notice, awarded, settings):
    settings.PUBLICITY_OBJECTIONS_PER_NOTICE_PER_HOUR = 1
    assert _post(client, notice, awarded[1][0]).status_code == 303
    data = {
        "entry": awarded[1][1].pk,
        "name": "张三",
        "unit": "单位",
        "contact": "1",
        "email": "z@example.com",
        "reason": "x",
        "token": form_token(notice.pk),
        "scan": scan_upload(),
    }
    response = client.post(f"/notices/{notice.pk}/objection/", data, REMOTE_ADDR="10.9.9.9")
    assert response.status_code == 429 and Objection.objects.count() == 1


def test_forwarded_for_is_not_trusted_by_default(client, notice, awarded, settings):
    settings.PUBLICITY_OBJECTIONS_PER_IP_PER_HOUR = 1
    assert _post(client, notice, awarded[1][0]).status_code == 303
    response = _post(client, notice, awarded[1][1], HTTP_X_FORWARDED_FOR="1.2.3.4")
    assert response.status_code == 429


def test_disguised_scan_shows_the_error_next_to_the_field(client, notice, awarded):
    fake = scan_upload("异议书.pdf", b"MZ" + b"\x00" * 300)
    response = _post(client, notice, awarded[1][0], scan=fake)
    assert response.status_code == 400
    assert 'data-field-error="scan"' in response.content.decode()
    assert not Objection.objects.exists()
    assert not AuditEvent.objects.filter(action="objection.submit").exists()


def test_missing_fields_are_named(client, notice, awarded):
    response = _post(client, notice, awarded[1][0], name="", scan="")
    page = response.content.decode()
    assert response.status_code == 400
    assert 'data-field-error="name"' in page and 'data-field-error="scan"' in page


def test_after_the_period_the_form_refuses(client, union_staff, settings):
    import datetime as dt
    from zoneinfo import ZoneInfo

    import time_machine

    round_, entries = make_awarded_round(actor=union_staff)
    bj = ZoneInfo("Asia/Shanghai")
    with time_machine.travel(dt.datetime(2025, 9, 26, 10, 0, tzinfo=bj), tick=False):
        notice = make_notice(actor=union_staff, round_=round_)
    with time_machine.travel(dt.datetime(2025, 10, 11, 0, 0, 1, tzinfo=bj), tick=False):
        page = client.get(f"/notices/{notice.pk}/objection/").content.decode()
        assert "no longer accepted" in page
        response = _post(client, notice, entries[0], scan=scan_upload(content=scan_pdf_bytes()))
    assert response.status_code == 409
    assert "2025-10-11 00:00" in response.content.decode()
    assert not Objection.objects.exists()


@pytest.mark.parametrize("entry", ["²", "١٢", "abc", "-1"])
def test_an_odd_entry_in_the_objection_link_is_ignored(client, notice, entry):
    assert client.get(f"/notices/{notice.pk}/objection/?entry={entry}").status_code == 200


def test_the_reply_to_an_upheld_objector_stays_off_the_public_page(client, notice, awarded):
    """The new version shows the public reason staff wrote for it, never the letter to the
    objector (which names them)."""
    from publicity import services
    from publicity.enums import Remedy

    staff = notice.created_by
    assert _post(client, notice, awarded[1][0]).status_code == 303
    objection = Objection.objects.get()
    services.objection_acknowledge(actor=staff, objection=objection)
    services.objection_decide(
        actor=staff,
        objection=objection,
        upheld=True,
        reply="李明同志：经核实您反映的专利问题属实。",
        remedy=Remedy.WITHDRAW_AWARD,
        public_reason="经复核，该项目核心技术与他人专利相同，撤销其奖项。",
    )
    page = client.get(f"/notices/{notice.pk}/").content.decode()
    assert "经复核，该项目核心技术与他人专利相同，撤销其奖项。" in page
    assert "李明" not in page and "专利问题属实" not in page
