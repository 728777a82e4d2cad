"""What every page benchmark does before Django starts: point Django at the benchmark's own
PostgreSQL database (``BENCH_DATABASE_URL`` or the script's default), production-like settings
(``DJANGO_DEBUG=0``), a scratch ``var/bench``; plus the helpers each one needs. A bench script
imports it first (``from _setup import ...``: the script's own folder is on ``sys.path``)."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def use_bench_database(default_name: str) -> str:
    """Configure the environment for ``django.setup()``; returns the database URL in use."""
    url = os.environ.get("BENCH_DATABASE_URL", f"postgres://postgres@127.0.0.1:5432/{default_name}")
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    os.environ["DJANGO_DEBUG"] = "0"  # no per-query bookkeeping beyond what a bench captures
    os.environ.setdefault("VAR_DIR", str(ROOT / "var" / "bench"))
    (ROOT / "var" / "bench" / "static").mkdir(parents=True, exist_ok=True)
    return url


def ensure_database(url: str) -> None:
    """Create the benchmark's database when it does not exist yet."""
    import psycopg

    parts = urlparse(url)
    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
            print(f"created database {name}")


def percentile(values: list[float], q: float) -> float:
    """The ``q`` quantile (nearest rank) of ``values``."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]
