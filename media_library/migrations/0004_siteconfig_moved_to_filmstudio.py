"""SiteConfig now belongs to `filmstudio` (filmstudio/migrations/0001_initial.py): the model
leaves this app's state only; its table and row stay (the model keeps the table's name)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("media_library", "0003_video_processing_attempts"),
        ("filmstudio", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="SiteConfig")],
            database_operations=[],
        ),
    ]
