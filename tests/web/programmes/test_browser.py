"""What staff do on the programme pages, in real Chromium: name a studio and rate an assessment;
admit a winner, accept a report, read the dashboard (charts drawn, figures in the tables).
Each page passes axe-core (0 serious or critical) and shows nothing the role must not see."""

import io
import random

from playwright.sync_api import expect

from accounts.enums import Role
from core.demo import DemoContext
from tests.factories.accounts import UserFactory
from tests.factories.incubator import (
    AwardFactory,
    IncubationFactory,
    IncubationReportFactory,
    IncubatorEntryFactory,
)
from tests.factories.innovation import StudioApplicationFactory, StudioAssessmentFactory


def _staff(role):
    return UserFactory(roles=[role], is_staff=True)


def test_union_staff_name_a_studio_and_rate_an_assessment(
    page, sign_in, assert_accessible, screenshot
):
    sign_in(page, _staff(Role.UNION_STAFF))
    application = StudioApplicationFactory(
        state="under_review", level="city", studio__name="陈刚车城工匠创新工作室"
    )
    assessment = StudioAssessmentFactory(studio__name="李明劳模创新工作室", year=2024)

    page.goto("/programmes/studios/applications/")
    assert_accessible(page)
    screenshot(page, "programmes-applications")
    page.get_by_role("link", name="陈刚车城工匠创新工作室").click()
    expect(page.get_by_role("heading", name="陈刚车城工匠创新工作室", level=1)).to_be_visible()
    assert_accessible(page)
    page.get_by_label("意见", exact=True).fill("材料齐全，符合市级标准")
    page.get_by_role("button", name="命名为市级").click()
    expect(page.get_by_text("工作室已命名。")).to_be_visible()
    expect(page.get_by_text("市级", exact=False).first).to_be_visible()
    application.studio.refresh_from_db()
    assert application.studio.state == "named"

    page.goto("/programmes/studios/assessments/")
    assert_accessible(page)
    form = page.get_by_role("form", name=f"评定 李明劳模创新工作室 {assessment.year} 年度")
    form.get_by_label("考核结果").select_option(label="不合格")
    form.get_by_role("button", name="保存考核结果").click()
    expect(page.get_by_text("这个字段是必填项。")).to_be_visible()  # a fail needs a comment
    form = page.get_by_role("form", name=f"评定 李明劳模创新工作室 {assessment.year} 年度")
    form.get_by_label("考核结果").select_option(label="合格")
    form.get_by_role("button", name="保存考核结果").click()
    expect(page.get_by_text("考核结果已保存。")).to_be_visible()
    screenshot(page, "programmes-assessments")
    assessment.refresh_from_db()
    assert assessment.rating == "pass"


def test_incubator_staff_admit_accept_and_read_the_dashboard(
    page, sign_in, assert_accessible, screenshot
):
    from accounts import demo as accounts_demo
    from innovation import demo as innovation_demo

    ctx = DemoContext(rng=random.Random(1), stdout=io.StringIO(), shared={})
    accounts_demo.seed(ctx)
    innovation_demo.seed(ctx)
    sign_in(page, _staff(Role.INCUBATOR_STAFF))
    winner = IncubatorEntryFactory(title="重卡换电站电池包快速锁止机构")
    AwardFactory(entry=winner, tier="first", recommended_provincial=True)
    report = IncubationReportFactory(
        state="filed",
        incubation=IncubationFactory(entry=IncubatorEntryFactory(title="水轮机组在线监测系统")),
        revenue=250000,
    )

    page.goto("/programmes/incubator/")
    assert_accessible(page)
    page.get_by_role("link", name="接收入驻：重卡换电站电池包快速锁止机构").click()
    assert_accessible(page)
    page.get_by_label("导师").fill("郑教授")
    page.get_by_role("button", name="接收入驻").click()
    expect(page.get_by_text("已接收入驻众创空间。")).to_be_visible()
    expect(page.get_by_role("heading", name="项目历程")).to_be_visible()
    expect(page.get_by_text("获一等奖")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "programmes-incubation")

    page.goto("/programmes/incubator/reports/")
    assert_accessible(page)
    page.get_by_role("form", name="审核《水轮机组在线监测系统》的报告").get_by_role(
        "button", name="通过"
    ).click()
    expect(page.get_by_text("报告已通过。")).to_be_visible()
    report.refresh_from_db()
    assert report.state == "accepted"

    page.goto("/programmes/dashboard/")
    chart = page.locator('[data-chart="studios_by_district"]')
    expect(chart.locator("canvas")).to_have_count(1)
    expect(page.locator('[data-chart="awards_per_edition"] canvas')).to_have_count(1)
    # The demo's eight named studios: 2 district, 3 city, 2 provincial, 1 national level.
    total = page.locator('[data-table="studios_by_district"] tbody tr').last
    cells = total.locator("th, td").all_inner_texts()
    assert cells == ["合计", "2", "3", "2", "1", "8"]
    expect(page.locator('[data-headline="已命名创新工作室"]')).to_have_text("8")
    assert_accessible(page)
    screenshot(page, "programmes-dashboard")
    page.goto("/programmes/dashboard/screen/")
    expect(page.locator('[data-chart="studios_by_district"] canvas')).to_have_count(1)
    assert_accessible(page)
    screenshot(page, "programmes-screen")
    page.goto("/programmes/dashboard/score-vs-outcome/")
    expect(page.get_by_text("样本太少", exact=False).first).to_be_visible()
    assert_accessible(page)


def test_refused_roles_see_the_refusal_page(page, sign_in, member):
    sign_in(page, member)
    for path in (
        "/programmes/incubator/",
        "/programmes/studios/applications/",
        "/programmes/dashboard/",
    ):
        response = page.goto(path)
        assert response.status == 403
        expect(page.get_by_text("工作室已命名")).to_have_count(0)


def test_public_directory_filters_and_hides_contact(page, assert_accessible):
    from tests.factories.innovation import NamedStudioFactory

    NamedStudioFactory(name="汽车工匠创新工作室", level="city", contact_phone="0719-8123456")
    NamedStudioFactory(name="水电检修创新工作室", level="province")
    page.goto("/studios/")
    assert_accessible(page)
    expect(page.get_by_role("heading", name="汽车工匠创新工作室")).to_be_visible()
    expect(page.get_by_text("0719-8123456")).to_have_count(0)
    page.get_by_label("级别").select_option(label="省级")
    page.get_by_role("button", name="筛选").click()
    expect(page.get_by_role("heading", name="水电检修创新工作室")).to_be_visible()
    expect(page.get_by_role("heading", name="汽车工匠创新工作室")).to_have_count(0)


def test_meeting_room_view_reloads_itself(page, sign_in, settings):
    settings.DASHBOARD_SCREEN_REFRESH_SECONDS = 5
    sign_in(page, _staff(Role.UNION_STAFF))
    loads = []
    page.on("load", lambda _page: loads.append(1))
    page.goto("/programmes/dashboard/screen/", wait_until="commit")
    # The view keeps reloading itself, so a second load comes whatever the machine's speed.
    while len(loads) < 2:
        page.wait_for_event("load", timeout=30_000)
    assert len(loads) >= 2


def test_incubator_staff_land_on_the_portfolio(page, sign_in):
    sign_in(page, _staff(Role.INCUBATOR_STAFF))
    page.goto("/accounts/home/")
    expect(page.get_by_role("heading", name="孵化项目", level=1)).to_be_visible()


def test_union_staff_send_a_reminder_now_and_are_refused_a_second(page, sign_in, assert_accessible):
    from tests.factories.accounts import EnterpriseUserFactory
    from tests.factories.innovation import NamedStudioFactory

    studio = NamedStudioFactory(name="周文明医药研发劳模创新工作室")
    EnterpriseUserFactory(organisation=studio.organisation)
    sign_in(page, _staff(Role.UNION_STAFF))
    page.goto("/programmes/studios/assessments/")
    assert_accessible(page)
    row = page.get_by_role("form", name="提醒周文明医药研发劳模创新工作室")
    row.get_by_role("button", name="立即发送提醒").click()
    expect(page.get_by_text("周文明医药研发劳模创新工作室：已提醒 1 名成员。")).to_be_visible()
    expect(page.get_by_text("后可再次提醒", exact=False)).to_be_visible()
    assert_accessible(page)
    page.get_by_role("form", name="提醒周文明医药研发劳模创新工作室").get_by_role(
        "button", name="立即发送提醒"
    ).click()
    expect(page.get_by_role("alert").filter(has_text="小时内已提醒过")).to_be_visible()
    assert_accessible(page)
    # Nothing of the incubator's work on the union's page.
    expect(page.get_by_text("逾期报告")).to_have_count(0)
    from notifications.models import Notice

    assert Notice.objects.filter(kind="studio_report_remind_now").count() == 1


def test_incubator_staff_plan_a_milestone_and_remind_a_report(page, sign_in, assert_accessible):
    from datetime import date, timedelta

    from django.utils import timezone

    from incubator.models import Milestone
    from tests.factories.accounts import EnterpriseUserFactory

    incubation = IncubationFactory(
        entry=IncubatorEntryFactory(title="水轮机组在线监测系统"),
        start_date=date(2024, 1, 1),
        stage="incubating",
    )
    EnterpriseUserFactory(organisation=incubation.organisation)
    today = timezone.localdate()
    IncubationReportFactory(
        incubation=incubation,
        period_start=today - timedelta(days=120),
        period_end=today - timedelta(days=30),
        due_date=today - timedelta(days=15),
    )
    sign_in(page, _staff(Role.INCUBATOR_STAFF))
    page.goto(f"/programmes/incubator/{incubation.pk}/")
    assert_accessible(page)
    plan = page.get_by_role("form", name="新增里程碑")
    plan.get_by_label("里程碑").fill("完成样机试制")
    plan.get_by_label("截止日期").fill("2023-12-01")  # before the start: refused
    plan.get_by_role("button", name="添加里程碑").click()
    expect(page.get_by_text("截止日期必须晚于孵化开始日期（2024-01-01）。")).to_be_visible()
    assert not Milestone.objects.exists()
    assert_accessible(page)
    plan = page.get_by_role("form", name="新增里程碑")
    plan.get_by_label("截止日期").fill("2024-09-30")
    plan.get_by_role("button", name="添加里程碑").click()
    expect(page.get_by_text("里程碑已添加。")).to_be_visible()
    milestone = page.get_by_role("form", name="里程碑：完成样机试制")
    milestone.get_by_label("达成日期").fill("2024-09-20")
    milestone.get_by_role("button", name="已达成").click()
    expect(page.get_by_text("里程碑已达成。")).to_be_visible()
    assert Milestone.objects.get().status == "achieved"
    assert_accessible(page)

    page.goto("/programmes/incubator/reports/")
    assert_accessible(page)
    form = page.get_by_role(
        "form",
        name=f"提醒《水轮机组在线监测系统》提交{(today - timedelta(days=120)).isoformat()}起的报告",
    )
    form.get_by_role("button", name="立即发送提醒").click()
    expect(page.get_by_text("《水轮机组在线监测系统》：已提醒 1 名成员。")).to_be_visible()
    expect(page.get_by_text("后可再次提醒", exact=False)).to_be_visible()
    assert_accessible(page)
    # The union's studio work is not on the incubator's pages.
    expect(page.get_by_text("工作室已命名")).to_have_count(0)
