"""Reading an Excel sheet of expert reviewers (专家名单) into checked rows.

The first non-empty row is the header; columns are found by their name (Chinese or English,
any order), so staff can use the sheet they already keep. Recognised columns:

    姓名 / name       职称 / title       工作单位 / employer
    专业领域 / expertise (several, separated by 、 , ， ; ；)       手机 / 电话 / phone
    邮箱 / 电子邮箱 / email

Name and e-mail are required (the e-mail becomes the login and receives the notices). Parsing
is separate from writing: ``read_expert_sheet`` returns the rows and the problems of every bad
row, and ``accounts.services.experts_import`` writes nothing unless there is no problem.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field
from typing import IO

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

MAX_ROWS = 5000

COLUMNS: dict[str, tuple[str, ...]] = {
    "name": ("姓名", "专家姓名", "name", "full name"),
    "title": ("职称", "title", "professional title"),
    "employer": ("工作单位", "单位", "employer"),
    "expertise": ("专业领域", "专业", "领域", "expertise"),
    "phone": ("手机", "手机号", "电话", "联系电话", "phone", "mobile"),
    "email": ("邮箱", "电子邮箱", "电子邮件", "email", "e-mail"),
}
REQUIRED = ("name", "email")
_SEPARATORS = re.compile(r"[、,，;；/\n]+")
_PHONE = re.compile(r"^\+?[0-9][0-9 \-]{5,18}[0-9]$")


@dataclass
class ExpertRow:
    """One checked row; ``line`` is the row number staff see in Excel (1 = first row)."""

    line: int
    name: str
    email: str
    title: str = ""
    employer: str = ""
    expertise: list[str] = field(default_factory=list)
    phone: str = ""


@dataclass
class SheetProblem:
    line: int  # 0 = the file or its header
    column: str
    message: str

    def __str__(self) -> str:
        if self.line == 0:
            return self.message
        return _("Row %(line)s, %(column)s: %(message)s") % {
            "line": self.line,
            "column": self.column,
            "message": self.message,
        }


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a phone number typed into a number cell
    return str(value).strip()


def _header_map(header: tuple) -> dict[str, int]:
    found: dict[str, int] = {}
    for index, cell in enumerate(header):
        label = _text(cell).lower().replace("*", "").strip()
        for key, names in COLUMNS.items():
            if label in names and key not in found:
                found[key] = index
    return found


def read_expert_sheet(file: IO[bytes]) -> tuple[list[ExpertRow], list[SheetProblem]]:
    """Parse the first worksheet. Returns the rows that are well-formed and every problem
    found (a bad file, a missing column, each bad cell); empty rows are skipped."""
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(file, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        return [], [SheetProblem(0, "file", _("Not an Excel .xlsx file (%s).") % exc)]
    try:
        sheet = workbook.worksheets[0]
        lines = sheet.iter_rows(values_only=True)
        header, header_line = None, 0
        for values in lines:
            header_line += 1
            if any(_text(v) for v in values):
                header = values
                break
        if header is None:
            return [], [SheetProblem(0, "file", _("The sheet is empty."))]
        columns = _header_map(header)
        missing = [key for key in REQUIRED if key not in columns]
        if missing:
            wanted = "、".join(COLUMNS[key][0] for key in missing)
            return [], [SheetProblem(0, "file", _("Missing column(s): %s.") % wanted)]
        rows: list[ExpertRow] = []
        problems: list[SheetProblem] = []
        seen: dict[str, int] = {}
        for line, values in enumerate(lines, start=header_line + 1):
            cells = {key: _text(values[i]) if i < len(values) else "" for key, i in columns.items()}
            if not any(cells.values()):
                continue
            if len(rows) + len(problems) >= MAX_ROWS:
                problems.append(
                    SheetProblem(0, "file", _("At most %d experts per file.") % MAX_ROWS)
                )
                break
            row_problems = _check_row(line, cells, seen)
            problems.extend(row_problems)
            if not row_problems:
                rows.append(
                    ExpertRow(
                        line=line,
                        name=cells["name"],
                        email=cells["email"].lower(),
                        title=cells.get("title", ""),
                        employer=cells.get("employer", ""),
                        expertise=[
                            w.strip()
                            for w in _SEPARATORS.split(cells.get("expertise", ""))
                            if w.strip()
                        ],
                        phone=cells.get("phone", ""),
                    )
                )
        if not rows and not problems:
            problems.append(SheetProblem(0, "file", _("The sheet has no experts.")))
        return rows, problems
    finally:
        workbook.close()


def _check_row(line: int, cells: dict[str, str], seen: dict[str, int]) -> list[SheetProblem]:
    out = []
    if not cells["name"]:
        out.append(SheetProblem(line, "name", _("The name is required.")))
    elif len(cells["name"]) > 100:
        out.append(SheetProblem(line, "name", _("At most 100 characters.")))
    email = cells["email"].lower()
    if not email:
        out.append(SheetProblem(line, "email", _("The e-mail address is required.")))
    else:
        try:
            validate_email(email)
        except ValidationError:
            out.append(SheetProblem(line, "email", _("Not a valid e-mail address.")))
        else:
            if email in seen:
                out.append(
                    SheetProblem(
                        line, "email", _("Same e-mail as row %d of this sheet.") % seen[email]
                    )
                )
            else:
                seen[email] = line
    phone = cells.get("phone", "")
    if phone and not _PHONE.match(phone):
        out.append(SheetProblem(line, "phone", _("Not a phone number.")))
    if len(cells.get("title", "")) > 100:
        out.append(SheetProblem(line, "title", _("At most 100 characters.")))
    return out
