import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("subsidies", "0002_line_jurisdiction"),
    ]

    operations = [
        migrations.AlterField(
            model_name="line",
            name="jurisdiction",
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="+",
                                    to="jurisdictions.jurisdiction"),
        ),
    ]
