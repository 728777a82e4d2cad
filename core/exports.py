"""CSV / XLSX downloads shared by every app (tablib builds the files).

CSV carries a UTF-8 byte-order mark so that Excel on Chinese Windows opens the Chinese text
intact. The query parameter is ``file_format`` because DRF's content negotiation owns ``format``.
"""

from __future__ import annotations

import io
import os
import re
import time
import uuid
from collections.abc import Iterable, Sequence
from pathlib import Path

import tablib
from django.conf import settings
from django.http import FileResponse, HttpResponse
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


# --- Files made by export jobs ---------------------------------------------------------------------
# A large export is a background job (jobs/): its file is written here, in private storage, and the
# job's result names it; the jobs API serves it to whoever may see the job. Files are kept for
# EXPORT_FILE_KEEP_HOURS, then ``export_files_purge`` (beat, hourly) deletes them.


def _export_root() -> Path:
    return Path(settings.PRIVATE_MEDIA_ROOT) / "exports"


def _export_path(name: str) -> Path:
    if not re.fullmatch(r"[0-9a-f]{32}\.(csv|xlsx)", name):
        raise ValueError(f"Not an export file name: {name!r}")
    return _export_root() / name


def export_file_store(chunks: Iterable[bytes], *, file_format: str, basename: str) -> dict:
    """Write an export's bytes (in pieces: memory stays flat) under a random name; returns what a
    job's result keeps of it: ``name`` (storage), ``filename`` (offered to the browser),
    ``content_type`` and ``size``."""
    name = f"{uuid.uuid4().hex}.{file_format}"
    path = _export_path(name)
    path.parent.mkdir(parents=True, exist_ok=True)
    size = 0
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o640)
    with os.fdopen(fd, "wb") as out:
        for chunk in chunks:
            out.write(chunk)
            size += len(chunk)
    return {
        "name": name,
        "filename": f"{basename}-{timezone.localtime():%Y%m%d-%H%M}.{file_format}",
        "content_type": CONTENT_TYPES[file_format],
        "size": size,
    }


def export_file_exists(file: dict) -> bool:
    try:
        return _export_path(file.get("name", "")).is_file()
    except ValueError:
        return False


def export_file_response(file: dict) -> FileResponse:
    """The stored export as a download (the caller checked who may have it)."""
    response = FileResponse(
        _export_path(file["name"]).open("rb"),
        as_attachment=True,
        filename=file["filename"],
        content_type=file["content_type"],
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def export_keep_hours() -> int:
    return int(getattr(settings, "EXPORT_FILE_KEEP_HOURS", 24))


def export_files_purge(*, older_than_hours: float | None = None) -> int:
    """Delete export files older than ``EXPORT_FILE_KEEP_HOURS`` (24) and those a failed job left
    behind; returns how many were deleted."""
    hours = older_than_hours if older_than_hours is not None else export_keep_hours()
    root = _export_root()
    if not root.is_dir():
        return 0
    limit = time.time() - hours * 3600
    deleted = 0
    for path in root.iterdir():
        if path.is_file() and path.stat().st_mtime < limit:
            path.unlink(missing_ok=True)
            deleted += 1
    return deleted
