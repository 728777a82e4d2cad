"""An enterprise clerk enters the contest in a real browser: entry with a team, a real PDF and a
disguised file, the checklist, submit, recall."""

from playwright.sync_api import expect

from projects.demo import demo_pdf
from projects.enums import EntryState
from projects.models import Attachment, Entry
from tests.factories.accounts import EnterpriseUserFactory
from tests.factories.projects import CategoryFactory, ContestFactory, EntryFactory
from tests.web.conftest import PHONE, assert_no_horizontal_scroll


def test_create_entry_with_team_upload_submit_and_recall(
    page, sign_in, assert_accessible, screenshot, tmp_path
):
    contest = ContestFactory(name="第九届职工创新创业大赛", max_entries_per_org=3)
    CategoryFactory(contest=contest, name="先进制造")
    member = sign_in(page, EnterpriseUserFactory(organisation__name="东风商用车有限公司"))
    other_entry = EntryFactory(contest=contest, title="别的单位的项目")

    page.goto("/enterprise/")
    expect(page.get_by_text("第九届职工创新创业大赛")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "enterprise-dashboard")

    page.get_by_role("link", name="新建项目").first.click()
    page.get_by_label("大赛").select_option(label="第九届职工创新创业大赛")
    page.get_by_label("类别").select_option(label="第九届职工创新创业大赛 · 先进制造")
    page.get_by_label("项目名称").fill("新能源重卡换电站电池包快速锁止机构")
    page.get_by_label("项目简介").fill("针对换电站锁止机构寿命短的问题，设计双级锁止。")
    page.get_by_label("创新点").fill("双级锁止，寿命提高三倍。")
    page.get_by_label("预期效益").fill("每站每年节约维护费用约 20 万元。")
    page.get_by_label("关键词").fill("新能源，换电")
    page.get_by_label("姓名").fill("王建国")
    page.get_by_label("团队角色").select_option(label="负责人")
    page.get_by_label("职务/职称").fill("高级技师")
    page.get_by_label("荣誉").select_option(label="全国劳动模范")
    page.get_by_role("button", name="添加团队成员").click()
    page.get_by_label("姓名").nth(1).fill("李娜")
    assert_accessible(page)
    screenshot(page, "enterprise-entry-form")
    page.get_by_role("button", name="保存草稿").click()

    expect(page.get_by_role("heading", name="新能源重卡换电站电池包快速锁止机构")).to_be_visible()
    entry = Entry.objects.get(title="新能源重卡换电站电池包快速锁止机构")
    assert [m.name for m in entry.team.order_by("position")] == ["王建国", "李娜"]
    checklist = page.get_by_test_id("checklist")
    expect(checklist).to_contain_text("项目计划书")
    expect(checklist.get_by_text("缺少")).to_have_count(1)
    expect(page.get_by_role("button", name="提交", exact=True)).to_be_disabled()

    disguised = tmp_path / "计划书.pdf"
    disguised.write_bytes(b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 120)
    page.get_by_label("文件", exact=True).set_input_files(str(disguised))
    page.get_by_role("button", name="上传").click()
    expect(page.locator("[data-field-error=file]")).to_be_visible()
    assert not Attachment.objects.filter(entry=entry).exists()

    real = tmp_path / "项目计划书.pdf"
    real.write_bytes(demo_pdf("项目计划书"))
    page.get_by_label("文件", exact=True).set_input_files(str(real))
    page.get_by_role("button", name="上传").click()
    expect(page.get_by_role("link", name="项目计划书.pdf")).to_be_visible()
    page.reload()
    expect(page.get_by_test_id("checklist").get_by_text("缺少")).to_have_count(0)
    assert_accessible(page)
    screenshot(page, "enterprise-entry-detail")

    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="提交", exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text("项目已提交")
    expect(page.locator("[data-state=submitted]")).to_be_visible()
    entry.refresh_from_db()
    assert entry.state == EntryState.SUBMITTED
    expect(page.get_by_text("草稿 → 已提交")).to_be_visible()

    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="撤回为草稿").click()
    expect(page.locator("[data-state=draft]")).to_be_visible()

    page.goto("/enterprise/entries/")
    expect(page.get_by_role("link", name="新能源重卡换电站电池包快速锁止机构")).to_be_visible()
    expect(page.get_by_text("别的单位的项目")).to_have_count(0)
    assert_accessible(page)
    screenshot(page, "enterprise-entries")
    page.set_viewport_size(PHONE)
    assert_no_horizontal_scroll(page)
    response = page.goto(f"/enterprise/entries/{other_entry.pk}/")
    assert response.status == 404
    assert member.organisation_id != other_entry.organisation_id


def test_results_page_shows_nothing_before_publication(page, sign_in, assert_accessible):
    sign_in(page, EnterpriseUserFactory())
    page.goto("/enterprise/results/")
    expect(page.get_by_text("尚未公布")).to_be_visible()
    assert_accessible(page)
