"""A whole contest run from the console in real Chromium, with a real Celery worker for the
jobs: create the edition with a category and open its registration (then close it and start the
review once the entries are in), create a round and its rubric, import reviewers from an XLSX
file, assign and watch the progress bar reach 100 %, swap one assignment, confirm, remind the
late reviewers, close, compute, finalize, grant one award by hand and the rest by rank, change
the award by hand, publish — then the enterprise sees its outcome. Every console page on the
way passes axe-core (0 serious or critical violations)."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from openpyxl import Workbook
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from accounts.enums import Role
from jobs.enums import LIVE_STATES
from jobs.models import Job
from projects.enums import ContestState
from projects.models import Contest
from reviews import services
from reviews.enums import AssignmentStatus, RoundState
from reviews.models import Assignment, Award, Round
from tests.conftest import wait_until
from tests.factories.accounts import ExpertiseFieldFactory, OrganisationFactory, UserFactory
from tests.factories.reviews import ReviewEntryFactory, accept_pledges, make_pool

pytestmark = pytest.mark.browser


def _xlsx(tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.append(["姓名", "职称", "工作单位", "专业领域", "手机", "邮箱"])
    ws.append(["李明", "教授", "", "新能源汽车", "13807190001", "liming@example.org"])
    ws.append(["王芳", "高级工程师", "", "", "13807190002", "wangfang@example.org"])
    path = tmp_path / "专家名单.xlsx"
    wb.save(path)
    return path


def test_staff_run_a_round_from_the_console(
    page, sign_in, assert_accessible, celery_worker, tmp_path, screenshot
):
    staff = UserFactory(username="union_zhang", roles=[Role.UNION_STAFF], is_staff=True)
    ExpertiseFieldFactory(code="nev", name="新能源汽车")
    org = OrganisationFactory(name="东风商用车有限公司")
    member = UserFactory(username="dongfeng", organisation=org, roles=[Role.ENTERPRISE])

    # 0. the edition with one category; a move the contest refuses is said in words; open it
    sign_in(page, staff)
    page.goto("/console/")
    assert_accessible(page)
    page.get_by_role("link", name="新建一届大赛").click()
    page.get_by_label("名称", exact=True).fill("十堰市第六届职工创新创业大赛")
    page.get_by_label("届次").fill("6")
    page.get_by_label("年度").fill("2026")
    page.get_by_label("报名开始").fill("2026-11-01T08:00")
    page.get_by_label("报名截止").fill("2027-06-30T18:00")
    page.get_by_label("每单位限报项目数").fill("3")
    page.get_by_label("代码 1").fill("innovation")
    page.get_by_label("名称 1").fill("创新组")
    assert_accessible(page)
    page.get_by_role("button", name="创建大赛").click()
    expect(page.get_by_text("大赛已创建（草稿）。")).to_be_visible()
    contest = Contest.objects.get(edition=6)
    category = contest.categories.get(code="innovation")
    expect(page.get_by_role("link", name="创新组")).to_be_visible()
    expect(page.get_by_role("button", name="截止报名")).to_have_count(0)  # not from a draft
    assert_accessible(page)
    page.get_by_role("button", name="开放报名").click()
    expect(page.get_by_text("大赛当前状态：报名中。")).to_be_visible()
    contest.refresh_from_db()
    assert contest.state == ContestState.OPEN
    # the enterprises enter (their own pages, tested elsewhere); registration closes, review starts
    entries = [
        ReviewEntryFactory(contest=contest, category=category, organisation=org) for _ in range(3)
    ]
    make_pool(contest, 2)
    page.get_by_role("button", name="截止报名").click()
    page.get_by_role("button", name="开始评审").click()
    expect(page.get_by_text("大赛当前状态：评审中。")).to_be_visible()
    screenshot(page, "console-contest")

    # 1. a new round and its rubric (the weights warning shows, then goes)
    page.goto("/console/")
    page.get_by_role("link", name="新建评审轮次").click()
    page.get_by_label("名称").fill("初赛")
    page.locator("#id_reviewers_per_entry").fill("2")
    page.locator("#id_opens_at").fill("2026-01-01T08:00")
    page.locator("#id_deadline").fill("2027-12-31T18:00")
    # The contest's final round: awards by rank come only from a round nobody advances from.
    page.locator("#id_advancement_rule").select_option("none")
    assert_accessible(page)
    page.get_by_role("button", name="创建评审轮次并编辑评分标准").click()
    round_ = Round.objects.get(contest=contest, name="初赛")
    page.locator("#id_form-0-name").fill("创新性")
    page.locator("#id_form-0-weight").fill("60")
    page.locator("#id_form-0-max_score").fill("60")
    page.locator("#id_form-1-name").fill("效益")
    page.locator("#id_form-1-weight").fill("30")
    page.locator("#id_form-1-max_score").fill("40")
    page.get_by_role("button", name="保存评分标准").click()
    expect(page.get_by_text("权重合计为 90.00")).to_be_visible()
    page.locator("#id_form-1-weight").fill("40")
    page.get_by_role("button", name="保存评分标准").click()
    expect(page.get_by_text("评分标准已保存")).to_be_visible()
    expect(page.get_by_text("权重合计为")).to_have_count(0)
    assert_accessible(page)

    # 2. two experts from an Excel sheet, straight into the pool
    page.get_by_role("link", name="评审库").first.click()
    page.get_by_label("专家名单 Excel 文件（.xlsx）").set_input_files(str(_xlsx(tmp_path)))
    page.get_by_role("button", name="导入评审库").click()
    expect(page.get_by_text("已将 2 位新专家")).to_be_visible()
    expect(page.get_by_role("cell", name="李明 liming@example.org")).to_be_visible()
    screenshot(page, "console-pool")
    assert_accessible(page)

    # 3. assignment: start, watch the bar reach 100 %, swap one, confirm
    page.goto(f"/console/rounds/{round_.pk}/")
    page.get_by_role("button", name="开始分配评审专家").click()
    page.get_by_role("link", name="分配", exact=True).click()
    page.get_by_role("button", name="启动分配任务").click()
    bar = page.get_by_role("progressbar").first
    expect(bar).to_have_attribute("aria-valuenow", "100", timeout=60_000)
    expect(page.locator("[data-job-state]").first).to_have_attribute("data-job-state", "succeeded")
    screenshot(page, "console-assignment")
    assert_accessible(page)
    entry = entries[0]
    on_entry = set(
        Assignment.objects.filter(
            round=round_, entry=entry, status=AssignmentStatus.ACTIVE
        ).values_list("reviewer__username", flat=True)
    )
    assert len(on_entry) == 2
    free = (
        contest.reviewer_pool.exclude(reviewer__username__in=on_entry)
        .values_list("reviewer__username", flat=True)
        .first()
    )
    page.get_by_label("项目编号").fill(str(entry.pk))
    page.get_by_role("button", name="显示其评审专家").click()
    row = page.get_by_role("row").filter(has=page.get_by_role("button", name="替换")).first
    row.get_by_placeholder("新专家登录名").fill(free)
    row.get_by_placeholder("理由").fill("专业更对口")
    row.get_by_role("button", name="替换").click()
    expect(page.get_by_role("alert").filter(has_text="已完成。")).to_be_visible()
    assert Assignment.objects.filter(
        round=round_, entry=entry, reviewer__username=free, status=AssignmentStatus.ACTIVE
    ).exists()
    page.get_by_role("button", name="确认分配并开始评分").click()
    expect(page.locator("[data-job-state=succeeded]")).to_have_count(2, timeout=60_000)
    round_.refresh_from_db()
    assert round_.state == RoundState.OPEN

    # 4. everybody but one reviewer scores; remind the late one
    criteria = list(round_.criteria.order_by("position"))
    active = list(
        Assignment.objects.filter(round=round_, status=AssignmentStatus.ACTIVE)
        .select_related("reviewer")
        .order_by("reviewer_id", "entry_id")
    )
    late = active[-1]
    accept_pledges(round_)
    for i, a in enumerate(active[:-1]):
        services.review_submit(
            assignment=a,
            reviewer=a.reviewer,
            scores=[
                {"criterion": criteria[0].pk, "score": str(Decimal(40 + i))},
                {"criterion": criteria[1].pk, "score": "30"},
            ],
        )
    page.goto(f"/console/rounds/{round_.pk}/")
    # The late reviewer is listed in the progress section (the pledge list names everybody).
    progress = page.get_by_role("region", name="进度")
    expect(progress.get_by_role("cell", name=str(late.reviewer.full_name))).to_be_visible()
    page.get_by_role("button", name="立即提醒未完成的专家").click()
    expect(page.get_by_text("已提醒 1 位评审专家")).to_be_visible()
    screenshot(page, "console-round")
    assert_accessible(page)
    services.review_submit(
        assignment=late,
        reviewer=late.reviewer,
        scores=[
            {"criterion": criteria[0].pk, "score": "50"},
            {"criterion": criteria[1].pk, "score": "20"},
        ],
    )

    # 5. close, compute, finalize, awards, publish — each offered only when the state allows and
    # no step is running. Each step is a job: wait on its row, not on the page's own reload.
    def step_done():
        wait_until(lambda: not Job.objects.filter(state__in=LIVE_STATES).exists(), timeout=90)
        # The page reloads itself when its job ends (HX-Refresh); a reload meeting that one
        # finds no page for a moment: load the page again.
        for attempt in range(3):
            try:
                page.goto(page.url)
                break
            except PlaywrightError:
                if attempt == 2:
                    raise
                page.wait_for_timeout(500)

    page.get_by_role("button", name="结束评分").click()
    page.get_by_role("link", name="结果", exact=True).click()
    expect(page.get_by_role("button", name="确定结果")).to_have_count(0)
    page.get_by_role("button", name="计算结果").click()
    step_done()
    page.get_by_role("button", name="确定结果").click()
    step_done()
    # one award by hand, in the entry's row; then the rest by rank (it keeps the hand-made one)
    by_hand = entries[2]
    row = page.get_by_role("row").filter(has_text=by_hand.title)
    row.get_by_label(f"“{by_hand.title}”的奖项").select_option(label="优秀奖")
    row.get_by_role("button", name="授予", exact=True).click()
    expect(page.get_by_text(f"已向“{by_hand.title}”授予奖项。")).to_be_visible()
    award = Award.objects.get(entry=by_hand)
    assert (award.tier, award.by_rank) == ("excellence", False)
    assert_accessible(page)
    page.get_by_role("button", name="授予奖项").click()
    step_done()
    assert Award.objects.filter(round=round_, by_rank=True).exists()
    assert Award.objects.get(entry=by_hand).by_rank is False
    screenshot(page, "console-results")
    # change the hand-made award's tier on its own page
    page.get_by_role("link", name=re.compile(f"修改.*“{by_hand.title}”的奖项")).click()
    assert_accessible(page)
    page.get_by_label("奖项", exact=True).select_option(label="三等奖")
    page.get_by_role("button", name="保存奖项").click()
    expect(page.get_by_text("奖项已保存。")).to_be_visible()
    assert Award.objects.get(entry=by_hand).tier == "third"
    assert_accessible(page)
    page.get_by_role("button", name="向参赛单位公布").click()
    step_done()
    expect(page.get_by_role("button", name="向参赛单位公布")).to_have_count(0)
    round_.refresh_from_db()
    assert round_.published_at is not None
    page.get_by_role("link", name="公平性分析").click()
    expect(page.get_by_role("heading", name="专家宽严度")).to_be_visible()
    screenshot(page, "console-fairness")
    assert_accessible(page)

    # 6. the enterprise sees its outcome (and never the console)
    page.context.clear_cookies()
    sign_in(page, member)
    response = page.goto("/console/")
    assert response.status == 403
    outcomes = page.request.get("/api/v1/round-outcomes/").json()
    assert {o["entry"] for o in outcomes["results"]} == {e.pk for e in entries}
