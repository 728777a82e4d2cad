"""Rules about where rules live, checked on the source:

- every state move is checked against its app's table of allowed moves (``*_TRANSITIONS`` in
  ``<app>/enums.py``), never against a dict written inline at the call (a second copy of the
  rule that drifts from the table the docs and the pages read);
- every upload is stored through the one rollback path, ``core.storage.file_stored``.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SKIP = {".venv", "tests", "bench", "node_modules", "var"}


def _calls():
    for path in ROOT.rglob("*.py"):
        if SKIP & set(path.relative_to(ROOT).parts):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "check_transition":
                yield path.relative_to(ROOT), node


def _table_name(node: ast.expr) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


def test_the_finder_sees_the_calls():
    assert any(str(path).startswith("reviews/") for path, _ in _calls())


def test_every_check_transition_uses_a_named_table():
    inline = [
        f"{path}:{call.lineno}"
        for path, call in _calls()
        if not (call.args and (_table_name(call.args[0]) or "").endswith("TRANSITIONS"))
    ]
    assert not inline, f"check_transition with a table written at the call: {inline}"


def test_uploads_are_stored_only_through_the_one_rollback_path():
    """``core.storage.file_stored`` removes the file when the block that writes its row fails;
    a bare ``file_save`` elsewhere would be a second, hand-written rollback (or none)."""
    bare = []
    for path in ROOT.rglob("*.py"):
        rel = path.relative_to(ROOT)
        if SKIP & set(rel.parts) or rel == Path("core/storage.py"):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            attribute = isinstance(node, ast.Attribute) and node.attr == "file_save"
            imported = isinstance(node, ast.ImportFrom) and any(
                alias.name == "file_save" for alias in node.names
            )
            if attribute or imported:
                bare.append(f"{rel}:{node.lineno}")
    assert not bare, f"store uploads with storage.file_stored: {bare}"


REFUSALS = {"Conflict", "NotPermitted", "InvalidTransition", "DomainError"}


def _without_enum_code(source: str, enum: str) -> list[int]:
    """Lines of ``source`` that raise a refusal (403/409) whose ``code`` is not ``enum.<X>``."""
    lines = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Raise) or not isinstance(node.exc, ast.Call):
            continue
        if getattr(node.exc.func, "id", getattr(node.exc.func, "attr", None)) not in REFUSALS:
            continue
        code = next((k.value for k in node.exc.keywords if k.arg == "code"), None)
        member = isinstance(code, ast.Attribute) and getattr(code.value, "id", "") == enum
        # ``Enum(value)`` from a table of refusals, each row naming its member
        converted = isinstance(code, ast.Call) and getattr(code.func, "id", "") == enum
        if not (member or converted):
            lines.append(node.lineno)
    return lines


def _refusals_without_enum_code(app: str, enum: str) -> list[str]:
    return [
        f"{path.relative_to(ROOT)}:{line}"
        for path in (ROOT / app).rglob("*.py")
        if "migrations" not in path.parts and path.name != "errors.py"
        for line in _without_enum_code(path.read_text(encoding="utf-8"), enum)
    ]


APP_ERRORS = {
    "accounts": "AccountError",
    "certificates": "CertificateError",
    "core": "CoreError",
    "finals": "FinalError",
    "incubator": "IncubatorError",
    "innovation": "StudioError",
    "jobs": "JobError",
    "projects": "ProjectError",
    "publicity": "PublicityError",
    "reviews": "ReviewError",
}


def test_every_refusal_carries_a_code_of_its_apps_enum():
    """A 403/409 names a member of ``<app>.errors.<App>Error``, the stable code clients and pages
    branch on (the message is translated; a 400 names its field). A new app that raises
    refusals adds its ``errors.py`` and its line here."""
    import importlib

    missing = {app: _refusals_without_enum_code(app, enum) for app, enum in APP_ERRORS.items()}
    assert not any(missing.values()), missing
    for app, enum in APP_ERRORS.items():
        members = list(getattr(importlib.import_module(f"{app}.errors"), enum))
        # one code means one kind of refusal
        assert len({m.value for m in members}) == len(members), app


def test_the_code_finder_sees_a_refusal_without_its_enum():
    source = (
        "raise Conflict(_('x'))\n"
        "raise NotPermitted(_('x'), code='plain')\n"
        "raise Conflict(_('x'), code=ReviewError.ROUND_NOT_OPEN)\n"
        "raise ValidationFailed(_('x'))\n"
    )
    assert _without_enum_code(source, "ReviewError") == [1, 2]
