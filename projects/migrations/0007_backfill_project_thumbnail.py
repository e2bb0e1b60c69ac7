from django.db import migrations
from django.db.models import Exists, OuterRef, Subquery


def link_newest_thumbnails(apps, schema_editor):
    """Each project's `thumbnail`: its newest stored thumbnail asset, the one the list showed
    when it looked it up per request."""
    Asset = apps.get_model("projects", "Asset")
    Project = apps.get_model("projects", "Project")
    thumbnails = Asset.objects.filter(project=OuterRef("pk"), kind="thumbnail").exclude(file="")
    newest = thumbnails.order_by("-created_at", "-id").values("pk")[:1]
    Project.objects.filter(Exists(thumbnails)).update(thumbnail=Subquery(newest))


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0006_project_thumbnail"),
    ]

    operations = [
        migrations.RunPython(link_newest_thumbnails, migrations.RunPython.noop),
    ]
