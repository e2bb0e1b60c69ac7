"""SiteConfig moves here from media_library: state only. The table (media_library_siteconfig,
kept through db_table) and its row stay exactly where they are; the content type moves with the
model, so staff permissions on it keep working."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def _move_content_type(apps, schema_editor, source: str, target: str) -> None:
    ContentType = apps.get_model("contenttypes", "ContentType")
    if ContentType.objects.filter(app_label=target, model="siteconfig").exists():
        return
    ContentType.objects.filter(app_label=source, model="siteconfig").update(app_label=target)


def content_type_forward(apps, schema_editor):
    _move_content_type(apps, schema_editor, "media_library", "filmstudio")


def content_type_backward(apps, schema_editor):
    _move_content_type(apps, schema_editor, "filmstudio", "media_library")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        # The table was created by the media library; it must exist before this state claims it.
        ("media_library", "0003_video_processing_attempts"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="SiteConfig",
                    fields=[
                        (
                            "id",
                            models.PositiveSmallIntegerField(
                                default=1, editable=False, primary_key=True, serialize=False
                            ),
                        ),
                        ("max_file_size_bytes", models.PositiveBigIntegerField(default=5368709120)),
                        (
                            "weekly_upload_quota_bytes",
                            models.PositiveBigIntegerField(default=21474836480),
                        ),
                        ("keep_originals", models.BooleanField(default=False)),
                        (
                            "registration_mode",
                            models.CharField(
                                choices=[("open", "Open"), ("invitation_only", "Invitation only")],
                                default="open",
                                max_length=16,
                            ),
                        ),
                        ("updated_at", models.DateTimeField(auto_now=True)),
                        (
                            "updated_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "site configuration",
                        "verbose_name_plural": "site configuration",
                        "db_table": "media_library_siteconfig",
                        "constraints": [
                            models.CheckConstraint(
                                condition=models.Q(("id", 1)), name="siteconfig_single_row"
                            )
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(content_type_forward, content_type_backward),
    ]
