"""A reviewer scores in real Chromium: accepts the pledge, opens an entry, sees its PDF drawn in
the page, types scores and watches the total, leaves and finds the draft again, submits and
can no longer edit; another reviewer's assignment is a 404. The same pages at a 390×844 phone
viewport without horizontal scrolling. axe-core on every reviewer page."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import expect

from reviews.models import Review
from tests.factories.documents import pdf_with_metadata
from tests.factories.reviews import AttachmentFactory
from tests.web.conftest import PHONE, assert_no_horizontal_scroll
from tests.web.reviewer.conftest import assignments_of, open_round_with


@pytest.fixture(autouse=True)
def _private_media(tmp_path, settings):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


def _with_pdf(entry):
    data = pdf_with_metadata("META", text="plan")
    attachment = AttachmentFactory(
        entry=entry, original_name="项目计划书.pdf", size=len(data), content_type="application/pdf"
    )
    path = Path(settings.PRIVATE_MEDIA_ROOT) / "attachments" / attachment.storage_name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def _score(page, criterion: str):
    return page.get_by_role("group", name=criterion).get_by_label(re.compile("^得分"))


def test_reviewer_scores_an_entry_from_pledge_to_submit(
    page, sign_in, assert_accessible, screenshot
):
    round_, entries, pool = open_round_with(n_entries=4)
    reviewer = pool[0]
    mine = assignments_of(round_, reviewer)
    first = mine[0]
    _with_pdf(first.entry)
    sign_in(page, reviewer)

    # 1. the queue: nothing done yet; the pledge comes first
    page.goto("/review/")
    expect(page.get_by_role("heading", name="我的评审")).to_be_visible()
    expect(page.get_by_text(f"待评：{len(mine)}")).to_be_visible()
    expect(page.get_by_text(re.compile(r"^剩余 6 天 23 小时$"))).to_be_visible()  # kept current
    expect(page.get_by_text(first.entry.organisation.name)).to_have_count(0)  # blind round
    assert_accessible(page)
    screenshot(page, "reviewer-home")
    page.get_by_role("link", name="阅读承诺书").click()
    expect(page.get_by_role("heading", name="评审承诺书")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "reviewer-pledge")
    page.get_by_label("我已阅读并接受本承诺书。").check()
    page.get_by_role("button", name="接受承诺书").click()
    expect(page.get_by_text("您已接受承诺书，现在可以评分。")).to_be_visible()

    # 2. the entry with its PDF drawn in the page
    page.get_by_role("link", name=first.entry.title).click()
    expect(page.get_by_role("heading", name=first.entry.title)).to_be_visible()
    expect(page.get_by_role("img", name=re.compile(r"PDF 文档"))).to_be_visible()
    expect(page.get_by_text("项目计划书.pdf")).to_have_count(0)  # blind: a neutral file name

    # 3. scores, the running total, an out-of-range mark before saving
    _score(page, "创新性").fill("31")
    expect(_score(page, "创新性")).to_have_attribute("aria-invalid", "true")
    _score(page, "创新性").fill("28")
    expect(_score(page, "创新性")).not_to_have_attribute("aria-invalid", "true")
    _score(page, "技术水平").fill("20")
    _score(page, "经济社会效益").fill("20.5")
    expect(page.locator("#total")).to_have_text("68.5")
    expect(page.get_by_text(re.compile(r"已于 \d\d:\d\d 保存"))).to_be_visible()
    assert_accessible(page)
    screenshot(page, "reviewer-scoring")

    # 4. leave and come back: the draft is there
    page.get_by_role("link", name="我的评审").first.click()
    expect(page.get_by_text("草稿：1")).to_be_visible()
    page.get_by_role("link", name=first.entry.title).click()
    expect(_score(page, "经济社会效益")).to_have_value("20.5")
    expect(page.locator("#total")).to_have_text("68.5")

    # 5. submit needs every criterion; then the page is read-only and says why
    _score(page, "可行性与前景").fill("15")
    expect(page.locator("#total")).to_have_text("83.5")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="提交评审").click()
    expect(page.get_by_text("评审已提交，谢谢。")).to_be_visible()
    expect(page.get_by_text("您已提交此评审，不能再修改。")).to_be_visible()
    expect(_score(page, "创新性")).to_be_disabled()
    expect(page.get_by_role("button", name="提交评审")).to_have_count(0)
    screenshot(page, "reviewer-submitted")

    # 6. the other pages pass axe (and are pictured); another reviewer's assignment is a 404
    for url, name in (
        (f"/review/assignments/{mine[1].pk}/recuse/", "reviewer-recusal"),
        ("/review/conflicts/", "reviewer-conflicts"),
        ("/review/profile/", "reviewer-profile"),
    ):
        page.goto(url)
        assert_accessible(page)
        screenshot(page, name)
    other = round_.assignments.exclude(reviewer=reviewer).exclude(entry=first.entry).first()
    assert page.goto(f"/review/assignments/{other.pk}/").status == 404


def test_reviewer_pages_fit_a_phone(page, sign_in, assert_accessible, screenshot):
    round_, entries, pool = open_round_with(n_entries=2)
    reviewer = pool[0]
    first = assignments_of(round_, reviewer)[0]
    _with_pdf(first.entry)
    page.set_viewport_size(PHONE)
    sign_in(page, reviewer)
    page.goto(f"/review/rounds/{round_.pk}/pledge/")
    assert_no_horizontal_scroll(page)
    page.get_by_label("我已阅读并接受本承诺书。").check()
    page.get_by_role("button", name="接受承诺书").click()
    expect(page.get_by_role("heading", name="我的评审")).to_be_visible()
    assert_no_horizontal_scroll(page)
    page.goto(f"/review/assignments/{first.pk}/")
    expect(page.get_by_role("img", name=re.compile(r"PDF 文档"))).to_be_visible()
    # keyboard only: focus the first score, type, tab on to the next criterion's score
    _score(page, "创新性").focus()
    page.keyboard.type("25")
    page.keyboard.press("Tab")  # its comment
    page.keyboard.press("Tab")  # the next criterion's score
    page.keyboard.type("20")
    expect(page.locator("#total")).to_have_text("45")
    expect(page.get_by_text(re.compile(r"已于 \d\d:\d\d 保存"))).to_be_visible()
    # the connection drops: the page says so and keeps the value; back online, it is saved
    page.context.set_offline(True)
    _score(page, "经济社会效益").fill("22")
    expect(page.get_by_text("网络连接已断开", exact=False)).to_be_visible(timeout=15_000)
    expect(_score(page, "经济社会效益")).to_have_value("22")
    page.context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    expect(page.get_by_text("网络连接已断开", exact=False)).to_be_hidden(timeout=15_000)
    assert_no_horizontal_scroll(page)
    assert_accessible(page)
    screenshot(page, "reviewer-scoring-phone")
    for url in (
        "/review/",
        f"/review/assignments/{first.pk}/recuse/",
        "/review/conflicts/",
        "/review/profile/",
    ):
        page.goto(url)
        assert_no_horizontal_scroll(page)
    review = Review.objects.get(assignment=first)
    assert review.scores.get(criterion__name="经济社会效益").score == Decimal("22")
