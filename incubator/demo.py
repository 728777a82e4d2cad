"""Demo incubation (see core/demo.py for the contract): a winner of the previous contest edition
incubated for a year and a half, with milestones, support and quarterly reports (the last one
still pending, one overdue). Needs ``ctx.shared["demo_contest_ids"]["previous"]`` from
projects/demo.py; without it (or without entries) nothing is seeded. Idempotent."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from core.demo import DemoContext
from incubator.enums import IncubationStage, MilestoneStatus, ReportState, SupportKind
from incubator.models import Incubation, Milestone, SupportRecord
from incubator.services import incubation_reports_schedule
from projects.enums import EntryState
from projects.models import Entry


def seed(ctx: DemoContext) -> None:
    contest_id = ctx.shared.get("demo_contest_ids", {}).get("previous")
    if contest_id is None:
        ctx.log("incubator: no previous demo contest; no incubation seeded.")
        return
    entries = Entry.objects.filter(contest_id=contest_id).select_related("contest")
    entry = (
        entries.filter(state=EntryState.AWARDED).order_by("id").first()
        or entries.order_by("id").first()
    )
    if entry is None:
        ctx.log("incubator: the previous demo contest has no entries; no incubation seeded.")
        return
    if Incubation.objects.filter(entry=entry).exists():
        return
    today = timezone.localdate()
    start = today - timedelta(days=540)
    incubation = Incubation.objects.create(
        entry=entry,
        organisation_id=entry.organisation_id,
        start_date=start,
        stage=IncubationStage.INCUBATING,
        mentor_name="郑教授（湖北汽车工业学院）",
        workspace="众创空间 B 区 12 号工位",
        admission_note=""
        if entry.state == EntryState.AWARDED
        else "演示数据：上届大赛暂无获奖项目，取其参赛项目。",
    )
    incubation_reports_schedule(incubation=incubation, today=today)
    reports = list(incubation.reports.order_by("period_start"))
    rng = ctx.rng
    for index, report in enumerate(reports):
        # Every finished period is filed except the latest, which is left overdue or pending.
        if report.period_end >= today or index == len(reports) - 2:
            continue
        report.state = ReportState.FILED
        report.revenue = Decimal(rng.randint(20, 200) * 10000 * (index + 1))
        report.jobs_created = rng.randint(1, 6)
        report.patents_filed = rng.randint(0, 3)
        report.patents_granted = rng.randint(0, 2)
        report.financing_raised = Decimal(rng.choice((0, 0, 500000, 2000000)))
        report.products_launched = rng.randint(0, 1)
        report.narrative = "本季度完成样机迭代并进入小批量试产。"
        report.filed_at = timezone.now()
        report.save()
    Milestone.objects.bulk_create(
        [
            Milestone(
                incubation=incubation,
                title="完成工程样机",
                due_date=start + timedelta(days=90),
                status=MilestoneStatus.ACHIEVED,
                achieved_on=start + timedelta(days=85),
            ),
            Milestone(
                incubation=incubation,
                title="注册成立运营公司",
                due_date=start + timedelta(days=200),
                status=MilestoneStatus.ACHIEVED,
                achieved_on=start + timedelta(days=210),
            ),
            Milestone(
                incubation=incubation,
                title="获得首笔天使投资",
                due_date=start + timedelta(days=360),
                status=MilestoneStatus.MISSED,
            ),
            Milestone(
                incubation=incubation,
                title="产品通过整车厂认证",
                due_date=today + timedelta(days=60),
            ),
        ]
    )
    SupportRecord.objects.bulk_create(
        [
            SupportRecord(
                incubation=incubation,
                kind=SupportKind.FUNDING,
                provided_on=start + timedelta(days=30),
                description="市总工会创新创业扶持资金",
                amount=Decimal("200000"),
            ),
            SupportRecord(
                incubation=incubation,
                kind=SupportKind.TRAINING,
                provided_on=start + timedelta(days=60),
                description="创业导师一对一辅导（12 课时）",
            ),
            SupportRecord(
                incubation=incubation,
                kind=SupportKind.SERVICE,
                provided_on=start + timedelta(days=120),
                description="专利申请代理与知识产权咨询",
            ),
        ]
    )
    ctx.log(f"incubator: incubated '{entry.title}' with {len(reports)} report periods.")
