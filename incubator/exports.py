"""CSV / XLSX exports of the incubation portfolio and the reports (see innovation.exports)."""

from __future__ import annotations

import tablib
from django.db.models import Count, Q, QuerySet, Sum

from incubator.enums import RECEIVED_REPORT_STATES
from incubator.models import Incubation, IncubationReport


def portfolio_dataset(incubations: QuerySet[Incubation]) -> tablib.Dataset:
    """One row per incubated project with its cumulative filed outcomes (aggregated in the
    query, not per row)."""
    filed = Q(reports__state__in=RECEIVED_REPORT_STATES)
    rows = incubations.annotate(
        revenue_total=Sum("reports__revenue", filter=filed),
        jobs_total=Sum("reports__jobs_created", filter=filed),
        patents_filed_total=Sum("reports__patents_filed", filter=filed),
        patents_granted_total=Sum("reports__patents_granted", filter=filed),
        financing_total=Sum("reports__financing_raised", filter=filed),
        products_total=Sum("reports__products_launched", filter=filed),
        reports_filed=Count("reports", filter=filed),
    )
    data = tablib.Dataset(
        headers=[
            "项目",
            "单位",
            "大赛",
            "届次",
            "入驻日期",
            "阶段",
            "结束日期",
            "导师",
            "工位",
            "已交报告",
            "营业收入（元）",
            "新增就业",
            "专利申请",
            "专利授权",
            "融资（元）",
            "新产品",
        ],
        title="孵化项目",
    )
    for i in rows.iterator(chunk_size=500):
        data.append(
            [
                i.entry.title,
                i.organisation.name,
                i.entry.contest.name,
                i.entry.contest.edition,
                i.start_date.isoformat(),
                i.get_stage_display(),
                i.ended_on.isoformat() if i.ended_on else "",
                i.mentor_name,
                i.workspace,
                i.reports_filed,
                i.revenue_total or 0,
                i.jobs_total or 0,
                i.patents_filed_total or 0,
                i.patents_granted_total or 0,
                i.financing_total or 0,
                i.products_total or 0,
            ]
        )
    return data


def reports_dataset(reports: QuerySet[IncubationReport]) -> tablib.Dataset:
    data = tablib.Dataset(
        headers=[
            "项目",
            "单位",
            "期间开始",
            "期间结束",
            "截止日期",
            "状态",
            "营业收入（元）",
            "新增就业",
            "专利申请",
            "专利授权",
            "融资（元）",
            "新产品",
            "说明",
        ],
        title="孵化报告",
    )
    for r in reports.iterator(chunk_size=500):
        data.append(
            [
                r.incubation.entry.title,
                r.incubation.organisation.name,
                r.period_start.isoformat(),
                r.period_end.isoformat(),
                r.due_date.isoformat(),
                r.get_state_display(),
                r.revenue,
                r.jobs_created,
                r.patents_filed,
                r.patents_granted,
                r.financing_raised,
                r.products_launched,
                r.narrative,
            ]
        )
    return data
