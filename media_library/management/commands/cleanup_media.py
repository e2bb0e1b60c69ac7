import datetime as dt

from django.core.files.storage import default_storage
from django.utils import timezone

from filmstudio.commands import AuditedCommand
from filmstudio.files import storage_walk
from filmstudio.services import audit_log
from media_library.models import Rendition, Video
from projects.models import Asset

# The trees of storage whose every file a row names: library videos and project assets.
PREFIXES = ("videos", "projects")
# A file younger than this may belong to an upload or a stage still writing its row.
MIN_AGE = dt.timedelta(hours=6)


def _named_files() -> set[str]:
    fields = ["original", "thumbnail", *(f"rendition_{r}" for r in Rendition.values)]
    named = {name for row in Video.objects.values_list(*fields) for name in row if name}
    named.update(name for name in Asset.objects.values_list("file", flat=True) if name)
    return named


class Command(AuditedCommand):
    help = (
        "Compare storage with the rows: list files under videos/ and projects/ that no video "
        "or asset names (orphans, older than 6 hours) and rows whose file is missing. Lists "
        "only, unless --delete is given; deleting is recorded in the audit log."
    )
    dry_run_help = "List only (the default without --delete)."

    def add_arguments(self, parser):
        parser.add_argument("--delete", action="store_true", help="delete the orphaned files")

    def handle(self, *args, delete: bool, dry_run: bool, **options):
        named = _named_files()
        cutoff = timezone.now() - MIN_AGE
        stored = {name for prefix in PREFIXES for name in storage_walk(prefix)}
        orphans = sorted(
            name for name in stored - named if default_storage.get_modified_time(name) < cutoff
        )
        missing = sorted(name for name in named - stored if name.startswith(PREFIXES))
        for name in orphans:
            self.stdout.write(f"orphan  {name}")
        for name in missing:
            self.stdout.write(f"missing {name}")
        act = delete and not dry_run
        if act and orphans:
            for name in orphans:
                default_storage.delete(name)
            audit_log(
                actor=None,
                action="media.cleanup",
                changes={"deleted_files": {"before": len(orphans), "after": 0}},
            )
        verb = "Deleted" if act else "Would delete (run with --delete)"
        self.stdout.write(f"{verb} {len(orphans)} orphaned file(s); {len(missing)} missing.")
