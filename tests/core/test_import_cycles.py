"""The apps' imports form no cycle (docs/architecture.md draws the allowed directions).

Every import counts, also those inside functions: a lazy import hides a cycle from Python, not
from the design. The cycles still in the tree are listed in KNOWN_CYCLES with the reason; the test
fails on any other cycle, and also once a listed one is gone (so the list cannot go stale).
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
APPS = sorted(p.parent.name for p in ROOT.glob("*/apps.py"))

# A cycle that must stay for a while goes here with its reason (none today).
KNOWN_CYCLES: set[frozenset[str]] = set()

# The bottom of the map (docs/architecture.md): what these apps may import of ours. Everything
# else builds on them, so any other import here would be a cycle waiting to happen — the
# notifications app in particular knows no domain: who is told what lives in the domain apps'
# ``notices.py``.
ALLOWED = {
    "core": set(),
    "accounts": {"core"},
    "notifications": {"core", "accounts"},
    "jobs": {"core", "accounts"},
}


def _app_imports() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = defaultdict(set)
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Import):
                    modules = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                    modules = [node.module]
                else:
                    continue
                for module in modules:
                    top = module.split(".")[0]
                    if top in APPS and top != app:
                        graph[app].add(top)
    return graph


def _cycles(graph: dict[str, set[str]]) -> set[frozenset[str]]:
    """The strongly connected groups of more than one app (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: set[frozenset[str]] = set()

    def visit(app: str) -> None:
        index[app] = low[app] = len(index)
        stack.append(app)
        for other in graph.get(app, ()):
            if other not in index:
                visit(other)
                low[app] = min(low[app], low[other])
            elif other in stack:
                low[app] = min(low[app], index[other])
        if low[app] == index[app]:
            group = set()
            while True:
                member = stack.pop()
                group.add(member)
                if member == app:
                    break
            if len(group) > 1:
                found.add(frozenset(group))

    for app in sorted(set(graph) | {b for targets in graph.values() for b in targets}):
        if app not in index:
            visit(app)
    return found


def test_cycle_finder_sees_a_cycle():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == {frozenset("abc")}


def test_apps_import_each_other_without_cycles():
    cycles = _cycles(_app_imports())
    new = cycles - KNOWN_CYCLES
    assert not new, f"import cycle between apps: {[sorted(c) for c in new]}"
    gone = KNOWN_CYCLES - cycles
    assert not gone, f"remove from KNOWN_CYCLES, it is fixed: {[sorted(c) for c in gone]}"


def test_the_bottom_apps_import_only_what_the_map_allows():
    graph = _app_imports()
    wrong = {app: sorted(graph.get(app, set()) - allowed) for app, allowed in ALLOWED.items()}
    assert not any(wrong.values()), f"imports against docs/architecture.md: {wrong}"
