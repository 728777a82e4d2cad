"""Sign-in, layout and error pages in a real browser."""

import re

from playwright.sync_api import expect

from accounts.enums import Role
from tests.factories.accounts import EnterpriseUserFactory, UserFactory
from tests.web.conftest import PHONE, assert_no_horizontal_scroll

PASSWORD = "Correct-Horse-42"


def test_sign_in_lands_an_enterprise_member_on_their_dashboard(
    page, sign_in_with_form, assert_accessible, screenshot
):
    member = EnterpriseUserFactory(full_name="王建国", organisation__name="东风商用车有限公司")
    page.goto("/accounts/login/")
    assert_accessible(page)
    screenshot(page, "sign-in")
    sign_in_with_form(page, member.username, PASSWORD)
    expect(page).to_have_url(re.compile(r"/enterprise/$"))
    page.get_by_test_id("user-menu").click()
    identity = page.get_by_test_id("user-identity")
    expect(identity).to_contain_text("王建国")
    expect(identity).to_contain_text("东风商用车有限公司")
    expect(identity).to_contain_text("企业成员")
    # an enterprise member's navigation has no staff section
    expect(page.get_by_role("link", name="系统管理")).to_have_count(0)


def test_wrong_password_shows_the_error_and_signs_nobody_in(page, sign_in_with_form):
    member = EnterpriseUserFactory()
    sign_in_with_form(page, member.username, "not-the-password")
    expect(page.get_by_role("alert")).to_contain_text("用户名或密码不正确")
    page.goto("/enterprise/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/enterprise/"))


def test_issued_password_is_prompted_for_change_then_the_prompt_ends(page, sign_in_with_form):
    user = EnterpriseUserFactory(must_change_password=True)
    sign_in_with_form(page, user.username, PASSWORD)
    expect(page).to_have_url(re.compile(r"/accounts/password/"))
    expect(page.get_by_role("alert")).to_contain_text("发放的初始密码")
    page.get_by_label("旧密码").fill(PASSWORD)
    page.get_by_label("新密码", exact=True).fill("Mein-eigenes-2026")
    page.get_by_label("新密码确认").fill("Mein-eigenes-2026")
    page.get_by_role("button", name="修改密码").click()
    expect(page).to_have_url(re.compile(r"/enterprise/$"))
    expect(page.get_by_role("alert")).to_contain_text("密码已修改")
    expect(page.get_by_text("仍在使用发放的初始密码")).to_have_count(0)
    user.refresh_from_db()
    assert user.check_password("Mein-eigenes-2026") and not user.must_change_password


def test_layout_fits_a_phone_and_the_menu_opens(page, sign_in, assert_accessible, screenshot):
    sign_in(page, EnterpriseUserFactory(full_name="李娜"))
    page.set_viewport_size(PHONE)
    page.goto("/enterprise/")
    assert_no_horizontal_scroll(page)
    page.get_by_role("button", name="菜单").click()
    expect(page.get_by_role("link", name="本单位")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "layout-phone", full_page=False)


def test_staff_without_pages_land_on_the_welcome_page(page, sign_in):
    # Incubator staff have their pages now (web/programmes); a user of no role has none.
    sign_in(page, UserFactory(roles=[]))
    page.goto("/accounts/home/")
    expect(page.get_by_role("heading", name="欢迎")).to_be_visible()


def test_unknown_page_is_a_chinese_404_in_the_layout(page, assert_accessible):
    response = page.goto("/no-such-page/")
    assert response.status == 404
    expect(page.get_by_role("heading", name="页面不存在")).to_be_visible()
    expect(page.get_by_role("link", name="登录")).to_be_visible()
    assert_accessible(page)


def test_wrong_role_gets_a_chinese_403(page, sign_in):
    sign_in(page, UserFactory(roles=[Role.REVIEWER]))
    response = page.goto("/enterprise/")
    assert response.status == 403
    expect(page.get_by_role("heading", name="无权访问")).to_be_visible()
