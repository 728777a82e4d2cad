"""Certificates: only once final, one per award, a PDF whose Chinese renders and whose QR code
decodes to the verification link; a withdrawn award verifies as withdrawn."""

import datetime as dt
import io
import zipfile
from zoneinfo import ZoneInfo

import pypdfium2 as pdfium
import pytest
import time_machine
import zxingcpp

from certificates import jobs, selectors, services
from certificates.models import Certificate
from core.exceptions import Conflict
from jobs.services import job_run
from publicity import services as publicity
from reviews import services as review_services
from tests.factories.publicity import make_awarded_round, make_notice

BJ = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def final_round(union_staff):
    round_, entries = make_awarded_round(actor=union_staff)
    with time_machine.travel(dt.datetime(2025, 9, 26, 10, 0, tzinfo=BJ), tick=False):
        notice = make_notice(actor=union_staff, round_=round_)
    with time_machine.travel(dt.datetime(2025, 10, 13, 9, 0, tzinfo=BJ), tick=False):
        publicity.notice_finalize(actor=union_staff, notice=notice)
    return round_, entries


def test_no_certificate_before_the_results_are_final(union_staff):
    round_, _ = make_awarded_round(actor=union_staff)
    make_notice(actor=union_staff, round_=round_)
    with pytest.raises(Conflict) as caught:
        jobs.certificates_generate_start(contest=round_.contest, actor=union_staff)
    assert caught.value.code == "results_not_final"
    with pytest.raises(Conflict):
        services.certificates_issue(contest=round_.contest, actor=union_staff)
    assert not Certificate.objects.exists()


def test_the_job_issues_one_certificate_per_award_once(final_round, union_staff):
    round_, entries = final_round
    job = jobs.certificates_generate_start(contest=round_.contest, actor=union_staff, send=False)
    job = job_run(job_id=job.pk)
    assert job.state == "succeeded" and job.result["issued"] == 3
    numbers = list(Certificate.objects.order_by("seq").values_list("number", "tier"))
    assert [t for _n, t in numbers] == ["first", "second", "third"]
    assert numbers[0][0].startswith("2026-") and len(numbers[0][0].split("-")) == 4
    assert services.certificates_issue(contest=round_.contest, actor=union_staff) == []
    assert Certificate.objects.count() == 3


def test_pdf_renders_chinese_and_its_qr_code_links_to_the_verification_page(
    final_round, union_staff, settings
):
    round_, entries = final_round
    (first, *_rest) = services.certificates_issue(contest=round_.contest, actor=union_staff)
    page = pdfium.PdfDocument(bytes(first.pdf))[0]
    text = page.get_textpage().get_text_range()
    assert "荣 誉 证 书" in text and entries[0].title in text and "一等奖" in text
    assert entries[0].organisation.name in text and first.number in text
    image = page.render(scale=2).to_pil()
    (code,) = zxingcpp.read_barcodes(image)
    assert code.text == settings.SITE_URL.rstrip("/") + f"/certificates/verify/{first.number}/"
    # Ink where the title is: the CID font is drawn, not left blank.
    title = image.convert("L").crop((image.width // 3, 150, 2 * image.width // 3, 300))
    assert title.getextrema()[0] < 100


def test_verification_of_a_valid_an_unknown_and_a_withdrawn_number(final_round, union_staff):
    round_, entries = final_round
    first, second, _third = services.certificates_issue(contest=round_.contest, actor=union_staff)
    assert selectors.certificate_verify(first.number.lower())["withdrawn"] is False
    assert selectors.certificate_verify("2026-05-9999-XXXX") is None
    review_services.award_withdraw(award=second.award, actor=union_staff, reason="核实为抄袭")
    shown = selectors.certificate_verify(second.number)
    assert shown["withdrawn"] is True and shown["withdrawn_reason"] == "核实为抄袭"


def test_zip_holds_every_pdf(final_round, union_staff):
    round_, _ = final_round
    issued = services.certificates_issue(contest=round_.contest, actor=union_staff)
    data = selectors.certificates_zip(Certificate.objects.filter(contest=round_.contest))
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = archive.namelist()
        assert len(names) == 3 and archive.read(names[0]).startswith(b"%PDF")
    assert sorted(n.split("_")[0] for n in names) == sorted(c.number for c in issued)


def test_member_sees_only_their_organisations_certificates(final_round, union_staff):
    from tests.factories.accounts import EnterpriseUserFactory

    round_, entries = final_round
    services.certificates_issue(contest=round_.contest, actor=union_staff)
    member = EnterpriseUserFactory(organisation=entries[1].organisation)
    assert [c.entry_id for c in selectors.certificates_visible_to(member)] == [entries[1].pk]
    assert selectors.certificates_visible_to(union_staff).count() == 3


def test_zip_leaves_out_a_withdrawn_awards_certificate(final_round, union_staff):
    round_, _ = final_round
    first, second, third = services.certificates_issue(contest=round_.contest, actor=union_staff)
    review_services.award_withdraw(award=second.award, actor=union_staff, reason="核实为抄袭")
    data = selectors.certificates_zip(Certificate.objects.filter(contest=round_.contest))
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        numbers = sorted(n.split("_")[0] for n in archive.namelist())
    assert numbers == sorted([first.number, third.number])


def _finalised_notice(union_staff, round_, **kwargs):
    with time_machine.travel(dt.datetime(2025, 9, 26, 10, 0, tzinfo=BJ), tick=False):
        notice = make_notice(actor=union_staff, round_=round_, **kwargs)
    with time_machine.travel(dt.datetime(2025, 10, 13, 9, 0, tzinfo=BJ), tick=False):
        return publicity.notice_finalize(actor=union_staff, notice=notice)


def test_a_notice_of_chosen_entries_certifies_only_those(union_staff):
    round_, entries = make_awarded_round(actor=union_staff, n=4)
    _finalised_notice(union_staff, round_, entries=entries[:2])
    issued = services.certificates_issue(contest=round_.contest, actor=union_staff)
    assert sorted(c.entry_id for c in issued) == sorted(e.pk for e in entries[:2])


def test_an_award_changed_by_hand_after_the_notice_is_final_gets_no_certificate(union_staff):
    """The certificate states what the public notice said; a tier changed afterwards, without
    a new version of the notice, is not certified (nor given the old tier)."""
    round_, entries = make_awarded_round(actor=union_staff, n=3)
    _finalised_notice(union_staff, round_)
    changed = entries[0].award
    review_services.award_update(
        award=changed, actor=union_staff, tier="second", recommended_provincial=False, note=""
    )
    issued = services.certificates_issue(contest=round_.contest, actor=union_staff)
    assert sorted(c.entry_id for c in issued) == sorted(e.pk for e in entries[1:])
    assert [(c.entry_id, c.tier) for c in issued if c.entry_id == changed.entry_id] == []


def _certificate_inserts(queries) -> int:
    return sum(
        q["sql"].startswith('INSERT INTO "certificates_certificate"')
        for q in queries.captured_queries
    )


@pytest.mark.parametrize("n", [2, 5])
def test_certificates_are_inserted_in_bulk_numbered_without_a_gap(union_staff, n):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from core.models import AuditEvent

    round_, entries = make_awarded_round(actor=union_staff, n=n)
    _finalised_notice(union_staff, round_)
    with CaptureQueriesContext(connection) as queries:
        issued = services.certificates_issue(contest=round_.contest, actor=union_staff)
    assert _certificate_inserts(queries) == 1  # however many awards
    audit_inserts = [q for q in queries.captured_queries if "core_auditevent" in q["sql"]]
    assert len(audit_inserts) == 1
    stored = list(Certificate.objects.filter(contest=round_.contest).order_by("seq"))
    assert [c.seq for c in stored] == list(range(1, n + 1))
    assert [c.pk for c in issued] == [c.pk for c in stored]
    assert len({c.number for c in stored}) == n
    assert all(c.number == services.certificate_number(round_.contest, c.seq) for c in stored)
    events = AuditEvent.objects.filter(action="certificate.issue")
    assert sorted(events.values_list("target_id", flat=True)) == sorted(str(c.pk) for c in stored)
    assert {e.actor_id for e in events} == {union_staff.pk}


@pytest.mark.django_db(transaction=True)
def test_two_runs_at_once_issue_each_certificate_once_without_a_gap():
    import threading

    from django.db import connection

    from accounts.enums import Role
    from tests.factories.accounts import UserFactory

    staff = UserFactory(roles=[Role.UNION_STAFF], is_staff=True)
    round_, _entries = make_awarded_round(actor=staff, n=4)
    _finalised_notice(staff, round_)
    barrier, counts = threading.Barrier(2), []

    def run():
        try:
            barrier.wait()
            counts.append(len(services.certificates_issue(contest=round_.contest, actor=staff)))
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(counts) == [0, 4]
    seqs = list(Certificate.objects.filter(contest=round_.contest).values_list("seq", flat=True))
    assert sorted(seqs) == [1, 2, 3, 4]
