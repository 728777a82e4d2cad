"""The live final in real Chromium, with several browser contexts at once: the host's console,
five judges' phones (390×844) signed in by their QR codes, and the big screen. The host opens
scoring, the phones score — one of them offline, its score kept and sent once it is back — the
host closes and reveals, and the screen shows the right final score within two seconds."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from finals.models import LiveScore
from tests.factories.finals import make_final, seat_final
from tests.web.conftest import PHONE, assert_no_horizontal_scroll

SHARES = [0.8, 0.9, 0.7, 0.6, 0.5]  # totals 80, 90, 70, 60, 50: trimmed mean 70.00


@pytest.fixture
def contexts(browser, browser_context_args):
    made = []

    def new(**kwargs):
        context = browser.new_context(**{**browser_context_args, **kwargs})
        context.set_default_timeout(10_000)
        made.append(context)
        return context.new_page()

    yield new
    for context in made:
        context.close()


def _sign_in_phone(host, phone, seat):
    host.get_by_role("button", name=f"评委{seat}的二维码").click()
    expect(host.get_by_role("img", name="签到链接的二维码")).to_be_visible()
    link = host.get_by_role("link", name=re.compile(r"live.join")).get_attribute("href")
    host.get_by_role("link", name="返回主持人控制台").click()
    phone.goto(link)
    expect(phone.get_by_role("heading", name="评审承诺书")).to_be_visible()
    phone.get_by_label("我已阅读并接受评审承诺书。").check()
    phone.get_by_role("button", name="接受并开始").click()
    expect(phone.get_by_role("heading", name="请等待下一个项目。")).to_be_visible()


def _fill(phone, criteria, share):
    for c in criteria:
        phone.get_by_label(re.compile(f"^{c.name}")).fill(str(round(float(c.max_score) * share, 1)))


def test_live_final_host_phones_and_screen(page, contexts, sign_in, assert_accessible, screenshot):
    final = seat_final(make_final(finalists=2, panel=5, pool=7), pledge=False)
    criteria = list(final.round.criteria.order_by("position"))
    host = page
    sign_in(host, final.staff)
    host.goto(f"/live/sessions/{final.session.pk}/host/")
    expect(host.get_by_role("heading", name=re.compile("主持人控制台"))).to_be_visible()
    assert_accessible(host)

    phones = [contexts(viewport=PHONE) for _ in final.members]
    for seat, phone in enumerate(phones, start=1):
        _sign_in_phone(host, phone, seat)
    assert_no_horizontal_scroll(phones[0])

    screen = contexts(viewport={"width": 1280, "height": 720})
    sign_in(screen, final.staff)
    screen.goto(f"/live/sessions/{final.session.pk}/screen/")
    expect(screen.get_by_text("主持人亮分后，分数将在此显示。")).to_be_visible()

    # the host puts the first finalist on stage and opens scoring; every phone follows by itself
    host.get_by_role("button", name="下一个项目上台").click()
    host.get_by_role("button", name="开始评分").click()
    first = final.session.slots.get(position=1).entry
    expect(screen.get_by_text(re.compile(f"第 1 个项目：{first.title}"))).to_be_visible()
    for phone in phones:
        expect(phone.get_by_role("button", name="提交评分")).to_be_visible()
    assert_no_horizontal_scroll(phones[0])
    assert_accessible(phones[0])
    screenshot(phones[0], "live-phone")

    # four phones score; the fifth loses the network first: the score stays on the phone
    offline = phones[4]
    offline.context.set_offline(True)
    for phone, share in zip(phones, SHARES, strict=True):
        _fill(phone, criteria, share)
        expect(phone.get_by_text(f"总分：{100 * share:.1f}")).to_be_visible()
        phone.get_by_role("button", name="提交评分").click()
    for phone, share in zip(phones[:4], SHARES[:4], strict=True):
        expect(phone.get_by_text(f"评分已收到：{100 * share:.1f} 分")).to_be_visible()
    expect(offline.get_by_text("网络已断开，评分已保存在本机", exact=False)).to_be_visible()
    expect(host.get_by_text("5 位评委中已有 4 位评分")).to_be_visible()
    # nothing of the scores is on the screen before the reveal
    expect(screen.get_by_text("90.0")).to_have_count(0)
    offline.context.set_offline(False)  # back: the kept score is sent by itself
    expect(offline.get_by_text("评分已收到：50.0 分")).to_be_visible()
    expect(host.get_by_text("5 位评委中已有 5 位评分")).to_be_visible()
    assert LiveScore.objects.filter(slot__session=final.session).count() == 5

    # the host closes scoring: a late score is refused on the phone
    host.get_by_role("button", name="结束评分").click()
    expect(phones[0].get_by_text("评分已截止")).to_be_visible()

    # the reveal: the screen shows the right final score within two seconds of the click
    host.get_by_role("button", name="亮分").click()
    expect(screen.locator("[data-final-score]")).to_have_text("70.00", timeout=2_000)
    marks = screen.get_by_role("listitem").filter(has_text=re.compile(r"评委\d"))
    expect(marks).to_have_count(5)
    expect(screen.get_by_text("去掉")).to_have_count(2)
    expect(screen.get_by_text(final.members[0].reviewer.full_name)).to_have_count(0)
    assert screen.evaluate("document.documentElement.scrollHeight <= window.innerHeight")
    screenshot(screen, "live-screen", full_page=False)
    # a reload of the screen shows the same
    screen.reload()
    expect(screen.locator("[data-final-score]")).to_have_text("70.00")
    expect(screen.get_by_role("region", name="实时排名").get_by_text(first.title)).to_be_visible()
    screenshot(host, "live-host")
