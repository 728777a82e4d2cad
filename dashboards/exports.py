"""The dashboard as one XLSX workbook: one sheet per table, the same rows the page shows."""

from __future__ import annotations

from core.exports import xlsx_workbook_bytes
from dashboards.tables import Table


def dashboard_workbook(tables: list[Table]) -> bytes:
    used: set[str] = set()
    sheets = []
    for table in tables:
        title = table.title[:31]
        # Excel refuses two sheets of one name (titles are cut at 31 characters).
        while title in used:
            title = f"{title[:28]}_{len(used)}"
        used.add(title)
        sheets.append((title, table.labels, table.rows))
    return xlsx_workbook_bytes(sheets)
