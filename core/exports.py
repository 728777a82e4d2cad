"""CSV / XLSX downloads shared by every app (tablib builds the files).

CSV carries a UTF-8 byte-order mark so that Excel on Chinese Windows opens the Chinese text
intact. The query parameter is ``file_format`` because DRF's content negotiation owns ``format``.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence

import tablib
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from openpyxl import Workbook

from core.exceptions import ValidationFailed

BOM = "\ufeff"
EXPORT_FORMATS = ("csv", "xlsx")
EXPORT_PARAMETERS = [OpenApiParameter("file_format", str, enum=list(EXPORT_FORMATS), default="csv")]
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
EXPORT_RESPONSES = {
    (200, "text/csv"): OpenApiTypes.BINARY,
    (200, CONTENT_TYPES["xlsx"]): OpenApiTypes.BINARY,
}

# An uploaded file is downloaded as the type its bytes were detected as at upload; these are the
# types the upload checks accept (a test keeps the two lists equal), so the schema names them.
ATTACHMENT_MEDIA_TYPES = (
    "application/pdf",
    "image/jpeg",
    "image/png",
    "image/webp",
    "image/gif",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
)
ATTACHMENT_DOWNLOAD_RESPONSES = {
    (200, media): OpenApiTypes.BINARY for media in ATTACHMENT_MEDIA_TYPES
}


def requested_export_format(request) -> str:
    """The ``file_format`` query parameter (csv by default); 400 naming it when unknown."""
    value = request.query_params.get("file_format") or "csv"
    if value not in EXPORT_FORMATS:
        raise ValidationFailed(
            _("file_format: choose one of %(formats)s.") % {"formats": ", ".join(EXPORT_FORMATS)},
            fields={
                "file_format": [
                    _("'%(value)s' is not one of %(formats)s.")
                    % {"value": value, "formats": ", ".join(EXPORT_FORMATS)}
                ]
            },
        )
    return value


# A text cell starting with one of these runs as a formula in Excel/WPS. Titles and names are
# typed by enterprises and applicants: prefixed with an apostrophe, they stay text on staff
# machines. Numbers are left alone (a score of -1 is a number).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """``value``, made unable to run as a spreadsheet formula when it is text."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def neutralise_formulas(dataset: tablib.Dataset) -> tablib.Dataset:
    """A copy of ``dataset`` whose text cells cannot be taken for formulas."""
    safe = tablib.Dataset(headers=dataset.headers, title=dataset.title)
    for row in dataset:
        safe.append(tuple(safe_cell(v) for v in row))
    return safe


def xlsx_bytes(headers: Sequence[str], rows: Iterable[Sequence], *, title: str) -> bytes:
    """An XLSX file written row by row with openpyxl's write-only mode: memory stays flat
    whatever the number of rows (tablib builds the whole workbook in memory first). Cells are
    passed through :func:`safe_cell`."""
    return xlsx_workbook_bytes([(title, headers, rows)])


def xlsx_workbook_bytes(sheets: Iterable[tuple[str, Sequence[str], Iterable[Sequence]]]) -> bytes:
    """An XLSX file of several sheets, each ``(title, headers, rows)``, written like
    :func:`xlsx_bytes`. Sheet titles are cut to Excel's 31 characters."""
    workbook = Workbook(write_only=True)
    for title, headers, rows in sheets:
        sheet = workbook.create_sheet(title=title[:31])
        sheet.append(list(headers))
        for row in rows:
            sheet.append([safe_cell(v) for v in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_response(content: bytes, *, basename: str) -> HttpResponse:
    """An XLSX download named ``<basename>-<date>.xlsx``."""
    response = HttpResponse(content, content_type=CONTENT_TYPES["xlsx"])
    filename = f"{basename}-{timezone.localdate().isoformat()}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def dataset_bytes(dataset: tablib.Dataset, file_format: str) -> bytes:
    if file_format == "xlsx":
        return xlsx_bytes(dataset.headers or [], dataset, title=dataset.title or "Sheet1")
    return (BOM + neutralise_formulas(dataset).export("csv")).encode("utf-8")


def dataset_response(dataset: tablib.Dataset, *, basename: str, file_format: str) -> HttpResponse:
    """Render ``dataset`` as a download named ``<basename>-<date>.<file_format>``."""
    response = HttpResponse(
        dataset_bytes(dataset, file_format), content_type=CONTENT_TYPES[file_format]
    )
    filename = f"{basename}-{timezone.localdate().isoformat()}.{file_format}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
