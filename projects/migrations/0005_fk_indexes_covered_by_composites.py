"""Foreign keys whose own index a composite index leading with them already serves: one index
less to write per row (a provincial round writes 500,000 assignments and moves 100,000 entries)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0003_user_must_change_password'),
        ('projects', '0004_entry_search_text'),
    ]

    operations = [
        migrations.AlterField(
            model_name='entry',
            name='contest',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='entries', to='projects.contest'),
        ),
        migrations.AlterField(
            model_name='entry',
            name='organisation',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='entries', to='accounts.organisation'),
        ),
    ]
