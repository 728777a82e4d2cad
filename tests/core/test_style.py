"""The formatter owns the layout: ``ruff format`` (run by ``make test``) formats every file, and a
``# fmt: skip`` marker is kept only where it carries real alignment (columns lined up with runs
of spaces, as in a table). A marker on an ordinary statement hides it from the formatter and
starts a second layout style; issue 9 removed the 450 that had piled up."""

from __future__ import annotations

import ast
import io
import re
import tokenize
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SKIP = {".venv", "node_modules", "var"}
MARK = re.compile(r"#\s*fmt:\s*(skip|off)\b")


def _aligned(line: str) -> bool:
    code = MARK.split(line)[0]
    code = re.sub(r'"[^"\n]*"|\'[^\'\n]*\'', '""', code.strip())
    return "  " in code


def _unaligned_markers(source: str) -> list[int]:
    starts: dict[int, int] = {}
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.stmt):
            starts[node.end_lineno] = min(starts.get(node.end_lineno, node.lineno), node.lineno)
    lines = source.split("\n")
    comments = {
        token.start[0]
        for token in tokenize.generate_tokens(io.StringIO(source).readline)
        if token.type == tokenize.COMMENT and MARK.search(token.string)
    }
    return [
        number
        for number in sorted(comments)
        if not any(_aligned(b) for b in lines[starts.get(number, number) - 1 : number])
    ]


def test_the_marker_finder_tells_alignment_from_habit():
    source = 'x = f(a,\n      b)  # fmt: skip\nTABLE = [(1,   "a"), (22,  "b")]  # fmt: skip\n'
    assert _unaligned_markers(source) == [2]


def test_no_formatter_marker_without_alignment():
    found = [
        f"{path.relative_to(ROOT)}:{line}"
        for path in ROOT.rglob("*.py")
        if not SKIP & set(path.relative_to(ROOT).parts)
        for line in _unaligned_markers(path.read_text(encoding="utf-8"))
    ]
    assert not found, f"let ruff format these (remove '# fmt: skip'): {found[:20]}"
