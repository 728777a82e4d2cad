"""The solver is a package by concern; its test oracles stay out of production code."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = (
    "accounts",
    "core",
    "dashboards",
    "incubator",
    "innovation",
    "jobs",
    "notifications",
    "projects",
    "reviews",
    "web",
    "config",
)


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{a.name}" for a in node.names)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
    return found


def test_production_code_never_imports_the_oracles():
    offenders = [
        str(path.relative_to(ROOT))
        for app in PRODUCTION
        for path in (ROOT / app).rglob("*.py")
        if path.name != "oracles.py"
        and any(name.startswith("reviews.assignment.oracles") for name in _imports(path))
    ]
    assert not offenders


def test_the_package_exports_only_production_names():
    import reviews.assignment as solver

    assert not {"exact_optimum", "random_instance", "contest_instance"} & set(solver.__all__)
    for name in solver.__all__:
        assert hasattr(solver, name), name
