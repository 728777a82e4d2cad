"""Issue 13 end to end in Chromium: a visitor reads a results notice and files an objection with
a scan; staff acknowledge, note and decide it (the objector's mail is sent by the real worker);
the period ends and staff make the results final and generate the certificates (a job on the
real worker); the enterprise downloads its certificate; the QR code in the PDF decodes to the
verification page, which shows the award."""

from datetime import timedelta

import pypdfium2 as pdfium
import pytest
import zxingcpp
from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from playwright.sync_api import expect

from accounts.enums import Role
from publicity.enums import MailState
from publicity.models import Objection, ObjectionMail, ResultsNotice
from tests.conftest import wait_until
from tests.factories.accounts import EnterpriseUserFactory, OrganisationFactory, UserFactory
from tests.factories.publicity import make_awarded_round, make_notice, scan_pdf_bytes
from tests.web.conftest import PHONE, assert_no_horizontal_scroll


@pytest.fixture
def no_fill_delay(settings):
    # The minimum fill time is tested in tests/web/public/test_publicity_pages.py.
    settings.PUBLICITY_FORM_MIN_SECONDS = 0
    cache.clear()
    yield
    cache.clear()


def test_notice_objection_decision_certificate_and_verification(
    page, sign_in, assert_accessible, screenshot, celery_worker, no_fill_delay, tmp_path
):
    staff = UserFactory(username="union_zhang", roles=[Role.UNION_STAFF], is_staff=True)
    orgs = [OrganisationFactory(name=n) for n in ("东风商用车有限公司", "汉江水利水电", "人福医药")]
    member = EnterpriseUserFactory(organisation=orgs[0])
    round_, entries = make_awarded_round(actor=staff, organisations=orgs)
    notice = make_notice(actor=staff, round_=round_)
    draft = make_notice(actor=staff, round_=round_, publish=False, title="尚未发布的公示")

    # 1. a visitor reads the notice and files an objection with a signed scan
    page.goto("/notices/")
    expect(page.get_by_text(draft.title)).to_have_count(0)
    page.get_by_role("link", name=notice.title).click()
    expect(page.get_by_role("heading", name=notice.title)).to_be_visible()
    expect(page.get_by_role("cell", name="东风商用车有限公司")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "public-notice")
    page.set_viewport_size(PHONE)
    assert_no_horizontal_scroll(page)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.get_by_role("row").filter(has_text="汉江水利水电").get_by_role(
        "link", name="对此项目提出异议"
    ).click()
    expect(page.get_by_label("异议涉及的项目")).to_have_value(str(entries[1].pk))
    page.get_by_label("您的姓名").fill("李明")
    page.get_by_label("您的单位").fill("十堰某汽车零部件公司工会")
    page.get_by_label("联系电话").fill("13800000000")
    page.get_by_label("电子邮箱").fill("liming@example.com")
    page.get_by_label("异议理由").fill("该项目的核心技术与本单位2023年的专利相同。")
    scan = tmp_path / "异议书.pdf"
    scan.write_bytes(scan_pdf_bytes())
    page.get_by_label("签名或盖章的异议书扫描件").set_input_files(str(scan))
    assert_accessible(page)
    page.get_by_role("button", name="提交异议").click()
    expect(page.get_by_text("您的异议已收到")).to_be_visible()
    objection = Objection.objects.get()
    assert objection.entry_id == entries[1].pk and objection.scan_name == "异议书.pdf"

    # 2. staff handle it: acknowledge, a note, the decision with a reply
    sign_in(page, staff)
    page.goto("/console/notices/")
    assert_accessible(page)
    page.get_by_role("link", name=notice.title).click()
    assert_accessible(page)
    page.get_by_role("link", name="李明").click()
    expect(page.get_by_role("link", name="异议书.pdf")).to_be_visible()
    page.get_by_role("button", name="受理该异议").click()
    page.get_by_label("调查记录").fill("调取双方专利文件比对。")
    page.get_by_role("button", name="添加记录").click()
    page.get_by_label("异议不成立").check()
    page.get_by_label("给异议人的书面答复").fill("经比对，两项技术方案不同，异议不成立。")
    assert_accessible(page)
    page.get_by_role("button", name="登记处理决定").click()
    expect(page.locator(".badge").filter(has_text="异议不成立")).to_be_visible()
    mail = wait_until(lambda: ObjectionMail.objects.filter(state=MailState.SENT).first())
    assert mail.to == "liming@example.com" and "异议不成立" in mail.body

    # 3. the period ends; staff make the results final and generate the certificates
    ResultsNotice.objects.filter(pk=notice.pk).update(ends_at=timezone.now() - timedelta(seconds=1))
    page.goto(f"/console/notices/{notice.pk}/")
    page.get_by_role("button", name="确定最终结果").click()
    expect(page.get_by_text("结果已确定。")).to_be_visible()
    page.get_by_role("link", name="获奖证书").click()
    assert_accessible(page)
    page.get_by_role("button", name="生成 3 份证书").click()
    expect(page.get_by_role("progressbar")).to_have_attribute(
        "aria-valuenow", "100", timeout=60_000
    )
    expect(page.locator("[data-job-state]")).to_have_attribute("data-job-state", "succeeded")

    # 4. the enterprise downloads its certificate (and sees no other organisation's)
    page.context.clear_cookies()
    sign_in(page, member)
    page.goto("/enterprise/")
    page.get_by_role("link", name="获奖证书").click()
    own = entries[0].certificates.get()
    other = entries[1].certificates.get()
    expect(page.get_by_text(other.number)).to_have_count(0)
    assert_accessible(page)
    with page.expect_download() as download:
        page.get_by_role("link", name=f"下载证书 {own.number}").click()
    pdf = tmp_path / "certificate.pdf"
    download.value.save_as(pdf)

    # 5. its QR code decodes to the verification page, which shows the award
    image = pdfium.PdfDocument(pdf.read_bytes())[0].render(scale=2).to_pil()
    (code,) = zxingcpp.read_barcodes(image)
    site = settings.SITE_URL.rstrip("/")
    assert code.text == f"{site}/certificates/verify/{own.number}/"
    page.context.clear_cookies()
    page.goto(code.text.removeprefix(site))
    expect(page.get_by_text("此证书真实有效。")).to_be_visible()
    expect(page.get_by_text(entries[0].title)).to_be_visible()
    expect(page.get_by_text("一等奖")).to_be_visible()
    expect(page.get_by_text("奖项已被撤销")).to_have_count(0)
    assert_accessible(page)
    screenshot(page, "certificate-verification")
