"""The keyword search's trigram indexes move from ``projects_entry`` to ``projects_entrysearchtext``.

An UPDATE of an entry's state is not HOT (the state is indexed), so PostgreSQL adds the new row
version to every index of the table, the trigram index of the summary included: half the time of
moving a provincial round's 100,000 entries. Apart, the search text changes only with the title or
the summary. A trigger keeps it for every way an entry is written (services, bulk inserts, COPY);
existing entries are copied once. The state's own index goes too (five values; the composite
indexes lead with the contest or the organisation). SQLite (``make run``) gets the table and no
trigger; its search reads the entries (projects/filters.py).
"""

import django.db.models.deletion
from django.db import migrations, models

from projects.migration_operations import postgres_only_sql

SYNC_FUNCTION = """
CREATE OR REPLACE FUNCTION projects_entry_search_text_sync() RETURNS trigger AS $$
BEGIN
    INSERT INTO projects_entrysearchtext (entry_id, title, summary)
    VALUES (NEW.id, NEW.title, NEW.summary)
    ON CONFLICT (entry_id) DO UPDATE SET title = EXCLUDED.title, summary = EXCLUDED.summary;
    RETURN NULL;
END
$$ LANGUAGE plpgsql
"""


class Migration(migrations.Migration):

    dependencies = [
        ('projects', '0003_entry_contest_title_index'),
    ]

    operations = [
        migrations.CreateModel(
            name='EntrySearchText',
            fields=[
                ('entry', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='search_text', serialize=False, to='projects.entry')),
                ('title', models.CharField(max_length=200)),
                ('summary', models.TextField(blank=True)),
            ],
            options={
                'verbose_name': 'entry search text',
                'verbose_name_plural': 'entry search texts',
            },
        ),
        postgres_only_sql(
            forwards=[
                SYNC_FUNCTION,
                # fires only when a statement sets the title or the summary: a state move does not
                "CREATE TRIGGER projects_entry_search_text_sync "
                "AFTER INSERT OR UPDATE OF title, summary ON projects_entry "
                "FOR EACH ROW EXECUTE FUNCTION projects_entry_search_text_sync()",
                "INSERT INTO projects_entrysearchtext (entry_id, title, summary) "
                "SELECT id, title, summary FROM projects_entry ON CONFLICT (entry_id) DO NOTHING",
                "CREATE INDEX IF NOT EXISTS projects_entrysearchtext_title_trgm "
                "ON projects_entrysearchtext USING gin (title gin_trgm_ops)",
                "CREATE INDEX IF NOT EXISTS projects_entrysearchtext_summary_trgm "
                "ON projects_entrysearchtext USING gin (summary gin_trgm_ops)",
                "DROP INDEX IF EXISTS projects_entry_title_trgm",
                "DROP INDEX IF EXISTS projects_entry_summary_trgm",
                # the planner's figures for the new table at once (not at autovacuum's leisure)
                "ANALYZE projects_entrysearchtext",
            ],
            backwards=[
                "CREATE INDEX IF NOT EXISTS projects_entry_title_trgm "
                "ON projects_entry USING gin (title gin_trgm_ops)",
                "CREATE INDEX IF NOT EXISTS projects_entry_summary_trgm "
                "ON projects_entry USING gin (summary gin_trgm_ops)",
                "DROP TRIGGER IF EXISTS projects_entry_search_text_sync ON projects_entry",
                "DROP FUNCTION IF EXISTS projects_entry_search_text_sync()",
            ],
        ),
        migrations.AlterField(
            model_name='entry',
            name='state',
            field=models.CharField(choices=[('draft', 'Draft'), ('submitted', 'Submitted'), ('withdrawn', 'Withdrawn'), ('in_review', 'In review'), ('advanced', 'Advanced'), ('not_advanced', 'Not advanced'), ('awarded', 'Awarded')], default='draft', max_length=16),
        ),
    ]
