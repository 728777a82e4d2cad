"""Every state move is checked against its app's table of allowed moves (``*_TRANSITIONS`` in
``<app>/enums.py``), never against a dict written inline at the call: an inline dict is a second
copy of the rule that drifts from the table the docs and the pages read."""

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
