"""Shared CSV/XLSX downloads (core.exports): Chinese text intact, no formula from user text."""

import io

import tablib
from openpyxl import load_workbook

from core.exports import dataset_bytes

ROWS = [('=HYPERLINK("http://x")', -1.5, "王建国"), ("+1+2", 3, "@SUM(A1)"), ("-x", None, "正常")]


def _dataset() -> tablib.Dataset:
    return tablib.Dataset(*ROWS, headers=["项目名称", "得分", "负责人"], title="成绩")


def test_csv_keeps_chinese_and_neutralises_formulas():
    text = dataset_bytes(_dataset(), "csv").decode("utf-8")
    assert text.startswith("\ufeff项目名称,得分,负责人")
    assert "'=HYPERLINK" in text and "'+1+2" in text and "'@SUM(A1)" in text and "'-x" in text
    assert ",-1.5," in text  # numbers stay numbers


def test_xlsx_cells_are_text_not_formulas():
    sheet = load_workbook(io.BytesIO(dataset_bytes(_dataset(), "xlsx"))).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=2)]
    assert values[0] == ['\'=HYPERLINK("http://x")', -1.5, "王建国"]
    assert values[1][0] == "'+1+2" and values[1][2] == "'@SUM(A1)"
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
