from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import expect

from tests.factories.projects import ContestFactory
from tests.web.conftest import PHONE, assert_no_horizontal_scroll


def test_home_shows_programmes_open_contests_and_sign_in(page, assert_accessible, screenshot):
    now = timezone.now()
    ContestFactory(
        name="第九届职工创新创业大赛",
        state="open",
        registration_opens_at=now - timedelta(days=3),
        registration_closes_at=now + timedelta(days=12, hours=1),
    )
    ContestFactory(name="筹备中的大赛", state="draft")
    page.goto("/")
    expect(page.get_by_role("heading", name="创新工作室")).to_be_visible()
    expect(page.get_by_text("第九届职工创新创业大赛")).to_be_visible()
    expect(page.get_by_text("还剩 12 天")).to_be_visible()
    expect(page.get_by_text("筹备中的大赛")).to_have_count(0)
    expect(page.get_by_role("link", name="工作室名录")).to_have_attribute("href", "/studios/")
    expect(page.get_by_role("main").get_by_role("link", name="登录")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "home")
    page.set_viewport_size(PHONE)
    assert_no_horizontal_scroll(page)
