"""Reads to a replica where a caller asked for it, everything else to the primary.

``DATABASE_REPLICA_URL`` adds the ``replica`` alias (config/settings/base.py). Code that serves a
heavy, lag-tolerant read (a long list, a dashboard, an export) wraps it in
``with read_from_replica(): ...``; writes, reads inside a transaction (a service's lock-check-save)
and unmarked reads stay on ``default``, so nobody reads their own write from a lagging replica.
Without the alias everything goes to ``default``. See docs/scaling.md.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.db import connections

REPLICA = "replica"
_wanted: ContextVar[bool] = ContextVar("read_from_replica", default=False)


@contextmanager
def read_from_replica() -> Iterator[None]:
    token = _wanted.set(True)
    try:
        yield
    finally:
        _wanted.reset(token)


class ReplicaRouter:
    def db_for_read(self, model, **hints) -> str:
        if (
            _wanted.get()
            and REPLICA in settings.DATABASES
            and not connections["default"].in_atomic_block
        ):
            return REPLICA
        return "default"

    def db_for_write(self, model, **hints) -> str:
        return "default"

    def allow_relation(self, obj1, obj2, **hints) -> bool:
        return True  # the replica holds the same rows as the primary

    def allow_migrate(self, db, app_label, model_name=None, **hints) -> bool:
        return db == "default"
