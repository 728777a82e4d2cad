"""An enterprise clerk in a real browser: registers a studio, uploads its certificate, submits the
application; files the yearly report of a named studio; files an incubation's quarterly report."""

from datetime import date, timedelta

from django.utils import timezone
from playwright.sync_api import expect

from incubator.enums import ReportState
from innovation.enums import ApplicationState
from innovation.models import Studio, StudioAssessment
from projects.demo import demo_pdf
from tests.factories.accounts import EnterpriseUserFactory, ExpertiseFieldFactory
from tests.factories.incubator import IncubationFactory, IncubationReportFactory
from tests.factories.innovation import NamedStudioFactory, StudioFactory
from tests.web.conftest import PHONE, assert_no_horizontal_scroll


def test_register_a_studio_upload_its_certificate_and_submit_the_application(
    page, sign_in, assert_accessible, screenshot, tmp_path
):
    ExpertiseFieldFactory(code="cnc", name="数控加工")
    member = sign_in(page, EnterpriseUserFactory(organisation__name="东风商用车有限公司"))
    theirs = StudioFactory(name="别的单位的工作室")

    page.goto("/enterprise/studios/")
    expect(page.get_by_text(theirs.name)).to_have_count(0)
    page.get_by_role("link", name="登记工作室").click()
    page.get_by_label("工作室名称").fill("王建国数控创新工作室")
    page.get_by_label("领域").select_option(label="数控加工")
    page.get_by_label("申报级别").select_option(label="市级")
    page.get_by_label("领办人").fill("王建国")
    page.get_by_label("荆楚工匠").check()
    page.get_by_label("成立日期").fill("2019-03-01")
    page.get_by_label("专利", exact=True).fill("-2")
    page.get_by_label("姓名").fill("张三")
    page.get_by_role("button", name="添加工作室成员").click()
    page.get_by_label("姓名").nth(1).fill("李四")
    assert_accessible(page)
    screenshot(page, "enterprise-studio-form")
    page.get_by_role("button", name="登记工作室").click()
    expect(page.locator("[data-field-error=patents]")).to_be_visible()
    assert not Studio.objects.filter(organisation=member.organisation).exists()
    page.get_by_label("专利", exact=True).fill("2")
    page.get_by_role("button", name="登记工作室").click()

    expect(page.get_by_role("heading", name="王建国数控创新工作室")).to_be_visible()
    studio = Studio.objects.get(name="王建国数控创新工作室")
    assert studio.organisation == member.organisation
    assert [m.name for m in studio.members.order_by("position")] == ["张三", "李四"]

    disguised = tmp_path / "证书.pdf"
    disguised.write_bytes(b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 120)
    page.get_by_label("文件", exact=True).set_input_files(str(disguised))
    page.get_by_role("button", name="上传").click()
    expect(page.locator("[data-field-error=file]")).to_be_visible()
    real = tmp_path / "命名证书.pdf"
    real.write_bytes(demo_pdf("命名证书"))
    page.get_by_label("文件", exact=True).set_input_files(str(real))
    page.get_by_role("button", name="上传").click()
    expect(page.get_by_role("link", name="命名证书.pdf")).to_be_visible()

    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="提交申报").click()
    expect(page.get_by_role("alert")).to_contain_text("申报已提交")
    expect(page.locator("#applications [data-state=submitted]")).to_be_visible()
    # While the union looks at it, the profile cannot change.
    expect(page.get_by_role("link", name="编辑", exact=True)).to_have_count(0)
    assert studio.applications.get().state == ApplicationState.SUBMITTED
    assert_accessible(page)
    screenshot(page, "enterprise-studio")


def test_file_the_yearly_report_of_a_named_studio(page, sign_in, assert_accessible, screenshot):
    member = sign_in(page, EnterpriseUserFactory())
    studio = NamedStudioFactory(
        organisation=member.organisation, name="李娜电工创新工作室", named_on=date(2023, 5, 1)
    )
    page.goto(f"/enterprise/studios/{studio.pk}/")
    form = page.locator("#reports form")
    form.get_by_label("年度", exact=True).fill("2024")
    form.get_by_label("专利", exact=True).fill("3")
    form.get_by_label("成果转化").fill("4")
    form.get_by_label("经济效益（元）").fill("250000")
    form.get_by_label("培训人数").fill("60")
    form.get_by_label("年度总结").fill("完成 4 项工艺改进。")
    assert_accessible(page)
    form.get_by_role("button", name="提交年度报告").click()
    expect(page.get_by_role("alert")).to_contain_text("年度报告已提交")
    expect(page.locator("#reports table")).to_contain_text("2024")
    assert StudioAssessment.objects.get(studio=studio, year=2024).people_trained == 60


def test_file_a_quarterly_report_of_an_incubated_project(
    page, sign_in, assert_accessible, screenshot
):
    member = sign_in(page, EnterpriseUserFactory())
    today = timezone.localdate()
    incubation = IncubationFactory(
        entry__organisation=member.organisation, entry__title="电池包轻量化"
    )
    overdue = IncubationReportFactory(incubation=incubation)
    IncubationReportFactory(
        incubation=incubation,
        period_start=today,
        period_end=today + timedelta(days=60),
        due_date=today + timedelta(days=75),
    )
    other = IncubationFactory(entry__title="别的单位的孵化项目")

    page.goto("/enterprise/incubations/")
    expect(page.get_by_text(other.entry.title)).to_have_count(0)
    page.get_by_role("link", name="电池包轻量化").click()
    expect(page.locator("[data-standing=overdue]")).to_be_visible()
    expect(page.locator("[data-standing=upcoming]")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "enterprise-incubation")
    page.get_by_role("link", name="提交报告").click()
    page.get_by_label("营业收入（元）").fill("-1")
    page.get_by_label("专利申请").fill("1")
    page.get_by_role("button", name="提交报告").click()
    expect(page.locator("[data-field-error=revenue]")).to_be_visible()
    page.get_by_label("营业收入（元）").fill("180000")
    page.get_by_label("新增就业").fill("4")
    assert_accessible(page)
    screenshot(page, "enterprise-incubation-report")
    page.get_by_role("button", name="提交报告").click()
    expect(page.get_by_role("alert")).to_contain_text("报告已提交")
    overdue.refresh_from_db()
    assert overdue.state == ReportState.FILED and overdue.jobs_created == 4

    page.set_viewport_size(PHONE)
    page.goto(f"/enterprise/incubations/{incubation.pk}/")
    assert_no_horizontal_scroll(page)
