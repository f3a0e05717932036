"""Line repeats its statement's jurisdiction (the distribution column of a large table, docs/SCALING.md).
Added nullable and filled from the statement here; made NOT NULL in 0003, in its own transaction."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("jurisdictions", "0002_jurisdiction_effective_from"),
        ("subsidies", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="line",
            name="jurisdiction",
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name="+",
                                    to="jurisdictions.jurisdiction"),
        ),
        migrations.RunSQL(
            # a correlated subquery: portable to SQLite (`make run`) as well as PostgreSQL
            "UPDATE subsidies_line SET jurisdiction_id = (SELECT s.jurisdiction_id FROM subsidies_statement s "
            "WHERE s.id = subsidies_line.statement_id) WHERE jurisdiction_id IS NULL",
            migrations.RunSQL.noop,
        ),
    ]
