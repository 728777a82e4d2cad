"""Every console page in real Chromium: 0 serious or critical axe-core violations, the fairness
charts drawn by the vendored ECharts, with their numbers in tables next to them."""

import pytest
from playwright.sync_api import expect

from accounts.enums import Role
from reviews import services
from tests.factories.accounts import UserFactory
from tests.reviews.test_fairness_selector import TOTALS
from tests.reviews.test_results import _run_round

pytestmark = pytest.mark.browser


def test_console_pages_are_accessible_and_charts_drawn(page, sign_in, assert_accessible):
    staff = UserFactory(roles=[Role.UNION_STAFF], is_staff=True)
    round_, entries, _ = _run_round(staff, k=3, totals=TOTALS)
    services.round_compute_results(round=round_, actor=staff)
    # a finalized final round: the results page offers awards by hand; one award's page
    final, final_entries, _ = _run_round(staff, k=3, totals=TOTALS, rule="none")
    services.round_finalize(round=final, actor=staff)
    award = services.award_grant(round=final, entry=final_entries[0], tier="third", actor=staff)
    member = round_.contest.reviewer_pool.first()
    services.conflict_declare(
        reviewer=member.reviewer, organisation=entries[1].organisation, reason="亲属", actor=staff
    )
    sign_in(page, staff)
    category = round_.contest.categories.first()
    for path in (
        "/console/",
        "/console/contests/new/",
        f"/console/contests/{round_.contest_id}/",
        f"/console/categories/{category.pk}/",
        "/console/entries/",
        f"/console/entries/{entries[0].pk}/",
        f"/console/contests/{round_.contest_id}/pool/?q=测试",
        f"/console/pool/{member.pk}/?q={entries[0].organisation.name}",
        f"/console/contests/{round_.contest_id}/rounds/new/",
        f"/console/rounds/{round_.pk}/",
        f"/console/rounds/{round_.pk}/rubric/",
        f"/console/rounds/{round_.pk}/assignment/?entry={entries[0].pk}",
        f"/console/rounds/{final.pk}/assignment/",
        f"/console/rounds/{round_.pk}/results/",
        f"/console/rounds/{final.pk}/results/",
        f"/console/awards/{award.pk}/",
    ):
        page.goto(path)
        assert_accessible(page)
    page.goto(f"/console/rounds/{round_.pk}/fairness/?threshold=20")
    # the histogram and the leniency chart are drawn (SVG renderer), numbers in tables
    expect(page.locator("[data-chart=histogram] svg")).to_have_count(1)
    expect(page.locator("[data-chart=leniency] svg")).to_have_count(1)
    expect(page.get_by_role("checkbox")).to_have_count(2)  # the two disputed entries
    expect(
        page.get_by_role("button", name="为勾选的项目各增加一位评审专家（复评）")
    ).to_be_visible()
    assert_accessible(page)
