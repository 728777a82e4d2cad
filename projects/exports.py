"""CSV and XLSX exports of the staff entry list (tablib).

CSV is streamed in chunks of rows (constant memory whatever the row count) and starts with a UTF-8
BOM so that Excel opens Chinese text correctly. XLSX is written row by row (openpyxl's write-only mode,
core.exports.xlsx_bytes) into one compressed file returned whole, hence its lower cap
(settings.ENTRY_EXPORT_XLSX_MAX_ROWS). Cells that a
spreadsheet would run as a formula (=, +, -, @ ...) are prefixed with an apostrophe: titles are
typed by enterprises and must not become formulas on a staff member's machine.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime

import tablib
from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.enums import District
from core import exports as core_exports
from core.exceptions import ValidationFailed
from core.exports import BOM, safe_cell
from projects.enums import EntryState, Honour
from projects.errors import ProjectError

HEADERS = [
    "编号",
    "大赛",
    "组别",
    "参赛单位",
    "所在地区",
    "统一社会信用代码",
    "项目名称",
    "状态",
    "项目负责人",
    "负责人荣誉",
    "关键词",
    "项目简介",
    "提交时间",
    "创建时间",
]
_FIELDS = [
    "id",
    "contest__name",
    "category__name",
    "organisation__name",
    "organisation__district",
    "organisation__credit_code",
    "title",
    "state",
    "leader_name",
    "leader_honour",
    "keywords",
    "summary",
    "submitted_at",
    "created_at",
]
STATE_LABELS_ZH = {
    EntryState.DRAFT: "草稿",
    EntryState.SUBMITTED: "已提交",
    EntryState.WITHDRAWN: "已撤回",
    EntryState.IN_REVIEW: "评审中",
    EntryState.ADVANCED: "已晋级",
    EntryState.NOT_ADVANCED: "未晋级",
    EntryState.AWARDED: "获奖",
}
_DISTRICTS = dict(District.choices)
_HONOURS = dict(Honour.choices)
CHUNK_ROWS = 2000


def _when(value: datetime | None) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def _row(values: dict) -> tuple:
    return tuple(
        safe_cell(v)
        for v in (
            values["id"],
            values["contest__name"],
            values["category__name"],
            values["organisation__name"],
            _DISTRICTS.get(values["organisation__district"], values["organisation__district"]),
            values["organisation__credit_code"],
            values["title"],
            STATE_LABELS_ZH.get(values["state"], values["state"]),
            values["leader_name"] or "",
            _HONOURS.get(values["leader_honour"] or "", "") if values["leader_honour"] else "",
            "、".join(values["keywords"] or []),
            values["summary"],
            _when(values["submitted_at"]),
            _when(values["created_at"]),
        )
    )


def rows(queryset: QuerySet) -> Iterable[tuple]:
    """The export's rows, read CHUNK_ROWS at a time (for the direct download and the job)."""
    for values in queryset.values(*_FIELDS).iterator(chunk_size=CHUNK_ROWS):
        yield _row(values)


def csv_chunks(queryset: QuerySet) -> Iterator[str]:
    """The CSV text in pieces: BOM and header first, then CHUNK_ROWS rows at a time."""
    yield BOM + tablib.Dataset(headers=HEADERS).export("csv")
    batch: list[tuple] = []
    for row in rows(queryset):
        batch.append(row)
        if len(batch) == CHUNK_ROWS:
            yield tablib.Dataset(*batch).export("csv")
            batch = []
    if batch:
        yield tablib.Dataset(*batch).export("csv")


def xlsx_bytes(queryset: QuerySet) -> bytes:
    return core_exports.xlsx_bytes(HEADERS, rows(queryset), title="参赛项目")


_EXPORT_CAPS = {
    "csv": ("ENTRY_EXPORT_CSV_MAX_ROWS", 200_000),
    "xlsx": ("ENTRY_EXPORT_XLSX_MAX_ROWS", 20_000),
}


def check_export_size(queryset: QuerySet, *, file_format: str) -> int:
    """Refuse (400) an export larger than its cap instead of cutting it silently; returns the
    row count. The caps are settings (CSV is streamed, XLSX is built whole)."""
    name, default = _EXPORT_CAPS[file_format]
    cap = int(getattr(settings, name, default))
    count = queryset.count()
    if count > cap:
        raise ValidationFailed(
            _(
                "The filtered list has %(count)s entries; this export is limited to %(cap)s. Narrow the filters (e.g. by contest, category or state)."
            )
            % {"count": count, "cap": cap},
            code=ProjectError.EXPORT_TOO_LARGE,
        )
    return count
