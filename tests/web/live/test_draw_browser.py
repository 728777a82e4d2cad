"""Staff draw a panel in real Chromium: define it, draw it (seed shown, replay checked), see who
was excluded and why, record a decline (the first reserve is called up) and the confirmations,
seat the panel and land on the host console. axe-core on each page."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from finals.models import PanelDraw
from reviews import services as review_services
from tests.factories.finals import make_final
from tests.factories.reviews import make_reviewer


def test_staff_draw_a_panel_with_a_reserve_called_up(page, sign_in, assert_accessible, screenshot):
    final = make_final(finalists=2, panel=3, pool=6, reserves=1)
    final.draw.delete()  # the page defines its own
    employee = make_reviewer(employer=final.entries[0].organisation, expertise=[final.field])
    review_services.pool_add(contest=final.round.contest, reviewers=[employee], actor=final.staff)
    sign_in(page, final.staff)
    page.goto("/live/")
    page.get_by_role("link", name="设置评委抽取").click()
    page.get_by_label("决赛轮次").select_option(str(final.round.pk))
    page.get_by_label(final.field.name).fill("3")
    page.get_by_label("各领域备选人数").fill("1")
    assert_accessible(page)
    page.get_by_role("button", name="保存设置").click()

    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="抽取评委").click()
    draw = PanelDraw.objects.get(round=final.round)
    expect(page.get_by_text(str(draw.seed))).to_be_visible()
    expect(page.get_by_text("已复现：评委相同")).to_be_visible()
    expect(
        page.get_by_text(f"{employee}：就职于决赛项目“{final.entries[0].title}”的申报单位")
    ).to_be_visible()
    assert_accessible(page)

    invited = list(draw.members.filter(status="invited").order_by("draw_position"))
    reserve = draw.members.get(reserve_position=1)
    page.get_by_role("button", name=f"{invited[0].reviewer} 谢绝").click()
    expect(page.get_by_text(f"已递补备选专家 {reserve.reviewer}。")).to_be_visible()
    for member in [*invited[1:], reserve]:
        page.get_by_role("button", name=f"确认 {member.reviewer}").click()
        expect(page.get_by_role("button", name=f"确认 {member.reviewer}")).to_have_count(0)
    screenshot(page, "live-draw")
    page.get_by_role("button", name="评委就座，准备决赛现场").click()
    expect(page.get_by_role("heading", name=re.compile("主持人控制台"))).to_be_visible()
    expect(page.get_by_role("button", name="评委3的二维码")).to_be_visible()
    expect(page.get_by_text(str(invited[0].reviewer), exact=True)).to_have_count(0)  # declined
