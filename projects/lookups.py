"""``ilike_contains``: case-insensitive substring match that a pg_trgm index can serve.

Django's ``icontains`` renders ``UPPER(col::text) LIKE UPPER(%s)`` on PostgreSQL, which only an
index on ``UPPER(col)`` could serve and which costs an UPPER() per row. ``ILIKE`` is answered by a
plain ``gin_trgm_ops`` index on the column (migration 0002). Other databases fall back to their
``icontains`` operator (SQLite's LIKE is already case-insensitive for ASCII).
"""

from django.db.models import CharField, TextField
from django.db.models.lookups import Contains


class ILikeContains(Contains):
    lookup_name = "ilike_contains"

    def get_rhs_op(self, connection, rhs):
        if connection.vendor == "postgresql":
            return f"ILIKE {rhs}"
        return connection.operators["icontains"] % rhs

    def process_lhs(self, compiler, connection, lhs=None):
        if connection.vendor == "postgresql":
            return super().process_lhs(compiler, connection, lhs)
        # Elsewhere behave exactly like icontains (e.g. UPPER() on Oracle-like backends).
        sql, params = super().process_lhs(compiler, connection, lhs)
        return connection.ops.lookup_cast("icontains") % sql, params


def register() -> None:
    CharField.register_lookup(ILikeContains)
    TextField.register_lookup(ILikeContains)
