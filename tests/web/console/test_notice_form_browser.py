"""The console's notice form in Chromium: staff put up a whole contest's awards (no round
chosen), see the preview of the draft, and the form passes axe."""

from playwright.sync_api import expect

from accounts.enums import Role
from publicity.models import ResultsNotice
from tests.factories.accounts import UserFactory
from tests.factories.publicity import make_awarded_round


def test_staff_put_up_a_whole_contests_awards(page, sign_in, assert_accessible, screenshot):
    staff = UserFactory(username="union_zhang", roles=[Role.UNION_STAFF], is_staff=True)
    round_, entries = make_awarded_round(actor=staff)
    sign_in(page, staff)
    page.goto("/console/notices/new/")
    assert_accessible(page)
    page.get_by_label("或：整届大赛的全部获奖项目").select_option(str(round_.contest_id))
    page.get_by_label("公示标题").fill("年度获奖项目公示")
    page.get_by_label("异议受理联系方式").fill("市总工会经济技术部 0719-8888888")
    screenshot(page, "console-notice-form")
    page.get_by_role("button", name="保存为草稿").click()
    expect(page.get_by_text(entries[0].title).first).to_be_visible()
    notice = ResultsNotice.objects.get()
    assert notice.round_id is None and notice.contest_id == round_.contest_id
