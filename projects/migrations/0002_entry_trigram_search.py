"""Keyword search over entry titles and summaries at 100,000+ rows.

Staff search with ``title LIKE '%q%'`` (a query with no upper/lower case, e.g. Chinese) or
``title ILIKE '%q%'`` (see projects/lookups.py). GIN trigram indexes on the columns serve both, so
a selective search reads a few index pages instead of every row. pg_trgm is a trusted extension (PostgreSQL 13+), so the
database owner may create it. SQLite (`make run`) skips all of this.
"""

from django.db import migrations

from projects.migration_operations import postgres_only_sql


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0001_initial"),
    ]

    operations = [
        postgres_only_sql(
            forwards=[
                "CREATE EXTENSION IF NOT EXISTS pg_trgm",
                "CREATE INDEX IF NOT EXISTS projects_entry_title_trgm "
                "ON projects_entry USING gin (title gin_trgm_ops)",
                "CREATE INDEX IF NOT EXISTS projects_entry_summary_trgm "
                "ON projects_entry USING gin (summary gin_trgm_ops)",
            ],
            backwards=[
                "DROP INDEX IF EXISTS projects_entry_title_trgm",
                "DROP INDEX IF EXISTS projects_entry_summary_trgm",
            ],
        ),
    ]
