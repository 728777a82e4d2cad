"""CSV / XLSX exports of the studio directory and the yearly assessments.

``dataset_response`` is shared with the incubator's exports: CSV carries a UTF-8 byte-order mark
so that Excel on Chinese Windows opens it with the Chinese text intact.
"""

from __future__ import annotations

from collections.abc import Iterable

import tablib
from django.db.models import QuerySet
from django.http import HttpResponse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter

from core.exceptions import ValidationFailed
from innovation.models import Studio, StudioAssessment
from projects.enums import Honour

EXPORT_FORMATS = ("csv", "xlsx")
# ``format`` is taken by DRF's content negotiation, hence ``file_format``.
EXPORT_PARAMETERS = [OpenApiParameter("file_format", str, enum=list(EXPORT_FORMATS), default="csv")]
EXPORT_RESPONSES = {
    (200, "text/csv"): OpenApiTypes.BINARY,
    (200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"): OpenApiTypes.BINARY,
}
_CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def requested_export_format(request) -> str:
    """The ``file_format`` query parameter (csv by default); 400 naming it when unknown."""
    value = request.query_params.get("file_format") or "csv"
    if value not in EXPORT_FORMATS:
        raise ValidationFailed(
            f"file_format: choose one of {', '.join(EXPORT_FORMATS)}.",
            fields={"file_format": [f"'{value}' is not one of {', '.join(EXPORT_FORMATS)}."]},
        )
    return value


def dataset_response(dataset: tablib.Dataset, *, basename: str, file_format: str) -> HttpResponse:
    """Render ``dataset`` as a download named ``<basename>-<date>.<file_format>``."""
    if file_format == "xlsx":
        body: bytes = dataset.export("xlsx")
    else:
        body = ("\ufeff" + dataset.export("csv")).encode("utf-8")
    response = HttpResponse(body, content_type=_CONTENT_TYPES[file_format])
    filename = f"{basename}-{timezone.localdate().isoformat()}.{file_format}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _honours(values: Iterable[str]) -> str:
    labels = dict(Honour.choices)
    return "、".join(str(labels.get(v, v)) for v in values)


def studio_directory_dataset(studios: QuerySet[Studio]) -> tablib.Dataset:
    """The public directory: no contact data."""
    data = tablib.Dataset(
        headers=["名称", "级别", "依托单位", "所在区县", "领域", "领办人", "荣誉", "成立日期", "命名日期"],
        title="创新工作室名录",
    )  # fmt: skip
    for s in studios.iterator(chunk_size=500):
        data.append([
            s.name, s.get_level_display(), s.organisation.name,
            s.organisation.get_district_display(), s.field.name, s.leader_name,
            _honours(s.leader_honours), s.founding_date.isoformat(),
            s.named_on.isoformat() if s.named_on else "",
        ])  # fmt: skip
    return data


def assessments_dataset(assessments: QuerySet[StudioAssessment]) -> tablib.Dataset:
    data = tablib.Dataset(
        headers=["工作室", "依托单位", "年度", "专利数", "成果转化数", "经济效益（元）", "培训人数",
                 "状态", "考核结果", "考核意见"],
        title="年度考核",
    )  # fmt: skip
    for a in assessments.iterator(chunk_size=500):
        data.append([
            a.studio.name, a.studio.organisation.name, a.year, a.patents, a.innovations_adopted,
            a.economic_benefit, a.people_trained, a.get_state_display(),
            a.get_rating_display() if a.rating else "", a.rating_comment,
        ])  # fmt: skip
    return data
