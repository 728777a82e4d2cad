"""CSV / XLSX exports of the studio directory and the yearly assessments (downloads are rendered
by core.exports)."""

from __future__ import annotations

from collections.abc import Iterable

import tablib
from django.db.models import QuerySet

from innovation.models import Studio, StudioAssessment
from projects.enums import Honour


def _honours(values: Iterable[str]) -> str:
    labels = dict(Honour.choices)
    return "、".join(str(labels.get(v, v)) for v in values)


def studio_directory_dataset(studios: QuerySet[Studio]) -> tablib.Dataset:
    """The public directory: no contact data."""
    data = tablib.Dataset(
        headers=[
            "名称",
            "级别",
            "依托单位",
            "所在区县",
            "领域",
            "领办人",
            "荣誉",
            "成立日期",
            "命名日期",
        ],
        title="创新工作室名录",
    )
    for s in studios.iterator(chunk_size=500):
        data.append(
            [
                s.name,
                s.get_level_display(),
                s.organisation.name,
                s.organisation.get_district_display(),
                s.field.name,
                s.leader_name,
                _honours(s.leader_honours),
                s.founding_date.isoformat(),
                s.named_on.isoformat() if s.named_on else "",
            ]
        )
    return data


def assessments_dataset(assessments: QuerySet[StudioAssessment]) -> tablib.Dataset:
    data = tablib.Dataset(
        headers=[
            "工作室",
            "依托单位",
            "年度",
            "专利数",
            "成果转化数",
            "经济效益（元）",
            "培训人数",
            "状态",
            "考核结果",
            "考核意见",
        ],
        title="年度考核",
    )
    for a in assessments.iterator(chunk_size=500):
        data.append(
            [
                a.studio.name,
                a.studio.organisation.name,
                a.year,
                a.patents,
                a.innovations_adopted,
                a.economic_benefit,
                a.people_trained,
                a.get_state_display(),
                a.get_rating_display() if a.rating else "",
                a.rating_comment,
            ]
        )
    return data
