"""Migration operations that only touch PostgreSQL.

`make run` works on SQLite, where pg_trgm does not exist. The trigram indexes are therefore kept
out of the models' ``Meta.indexes`` (SQLite rebuilds tables from the model state, which would then
try to create a GIN index) and created by these operations, which do nothing on other databases.
"""

from __future__ import annotations

from django.db import migrations


def postgres_only_sql(*, forwards: list[str], backwards: list[str]) -> migrations.RunPython:
    """A RunPython that executes raw SQL statements on PostgreSQL and nothing elsewhere."""

    def run(statements):
        def apply(apps, schema_editor):
            if schema_editor.connection.vendor != "postgresql":
                return
            for statement in statements:
                schema_editor.execute(statement)

        return apply

    return migrations.RunPython(run(forwards), run(backwards), elidable=False)
