"""CSV / XLSX downloads shared by every app (tablib builds the files).

CSV carries a UTF-8 byte-order mark so that Excel on Chinese Windows opens the Chinese text
intact. The query parameter is ``file_format`` because DRF's content negotiation owns ``format``.
"""

from __future__ import annotations

import tablib
from django.http import HttpResponse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter

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


def requested_export_format(request) -> str:
    """The ``file_format`` query parameter (csv by default); 400 naming it when unknown."""
    value = request.query_params.get("file_format") or "csv"
    if value not in EXPORT_FORMATS:
        raise ValidationFailed(
            f"file_format: choose one of {', '.join(EXPORT_FORMATS)}.",
            fields={"file_format": [f"'{value}' is not one of {', '.join(EXPORT_FORMATS)}."]},
        )
    return value


# A text cell starting with one of these runs as a formula in Excel/WPS. Titles and names are
# typed by enterprises and applicants: prefixed with an apostrophe, they stay text on staff
# machines (the same rule as projects.exports). Numbers are left alone (a score of -1 is a number).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise_formulas(dataset: tablib.Dataset) -> tablib.Dataset:
    """A copy of ``dataset`` whose text cells cannot be taken for formulas."""
    safe = tablib.Dataset(headers=dataset.headers, title=dataset.title)
    for row in dataset:
        safe.append(
            tuple(
                "'" + v if isinstance(v, str) and v.startswith(_FORMULA_START) else v for v in row
            )
        )
    return safe


def dataset_bytes(dataset: tablib.Dataset, file_format: str) -> bytes:
    dataset = neutralise_formulas(dataset)
    if file_format == "xlsx":
        return dataset.export("xlsx")
    return (BOM + dataset.export("csv")).encode("utf-8")


def dataset_response(dataset: tablib.Dataset, *, basename: str, file_format: str) -> HttpResponse:
    """Render ``dataset`` as a download named ``<basename>-<date>.<file_format>``."""
    response = HttpResponse(
        dataset_bytes(dataset, file_format), content_type=CONTENT_TYPES[file_format]
    )
    filename = f"{basename}-{timezone.localdate().isoformat()}.{file_format}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
