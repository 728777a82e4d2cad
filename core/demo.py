"""Demo data: the registry that `manage.py seed_demo` walks.

Each app that has demo data provides ``<app>/demo.py`` with a function
``seed(ctx: DemoContext) -> None``. Seeders run in the order of ``DEMO_SEEDERS``; each must be
idempotent (running `make run` twice must not duplicate anything) and must use bulk inserts for the
large synthetic mode (``--entries 100000 --reviewers 5000``).
"""

from __future__ import annotations

import importlib
import random
from dataclasses import dataclass, field
from typing import Any

DEMO_PASSWORD = "Shiyan-2026!"
DEMO_SEEDERS = ("accounts", "projects", "reviews", "innovation", "incubator", "notifications")


@dataclass
class DemoContext:
    rng: random.Random
    stdout: Any
    entries: int = 0  # extra synthetic entries (0 = the realistic demo only)
    reviewers: int = 0  # extra synthetic reviewers
    # Logins that the run command prints: (username, what it is for).
    logins: list[tuple[str, str]] = field(default_factory=list)
    # Free-form hand-over between seeders (e.g. ids of the demo contest).
    shared: dict[str, Any] = field(default_factory=dict)

    def log(self, message: str) -> None:
        self.stdout.write(message + "\n")


def _demo_modules():
    """The apps' ``demo`` modules in seeding order. Found by name, so that core (which every app
    imports) imports none of them."""
    for app in DEMO_SEEDERS:
        try:
            yield importlib.import_module(f"{app}.demo")
        except ModuleNotFoundError as exc:
            if exc.name != f"{app}.demo":
                raise


def run_seeders(ctx: DemoContext) -> None:
    for module in _demo_modules():
        module.seed(ctx)


def demo_logins() -> list[tuple[str, str]]:
    """(username, what it is for) of every demo login, from the apps whose demo module offers
    ``demo_logins()`` (today accounts)."""
    return [
        login
        for module in _demo_modules()
        if hasattr(module, "demo_logins")
        for login in module.demo_logins()
    ]
