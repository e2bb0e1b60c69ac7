from django.apps import apps
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.recorder import MigrationRecorder

from billing import djstripe_schema


class Command(BaseCommand):
    help = (
        "`migrate`, except that on a database where dj-stripe was never migrated its tables are "
        "created from its models in one step (replaying its history costs a minute of CPU) and "
        "its migrations are recorded as applied. For development databases (`make run`); "
        "production runs `migrate`."
    )

    def add_arguments(self, parser):
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *args, database, verbosity, **options):
        recorder = MigrationRecorder(connections[database])
        fresh = apps.is_installed(djstripe_schema.APP) and not (
            recorder.has_table() and recorder.migration_qs.filter(app=djstripe_schema.APP).exists()
        )
        if not fresh:
            call_command("migrate", database=database, interactive=False, verbosity=verbosity)
            return
        history = djstripe_schema.real_migration_names()
        djstripe_schema.install_snapshot()
        call_command("migrate", database=database, interactive=False, verbosity=verbosity)
        applied = set(
            recorder.migration_qs.filter(app=djstripe_schema.APP).values_list("name", flat=True)
        )
        for name in history:
            if name not in applied:
                recorder.record_applied(djstripe_schema.APP, name)
        if verbosity:
            self.stdout.write(
                f"dj-stripe's schema created in one step; {len(history)} of its migrations "
                "recorded as applied."
            )
