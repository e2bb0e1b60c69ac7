"""Move the test database to a migration state and back, for tests of data and state
migrations. Use from a `django_db(transaction=True)` test: migrations commit."""

from contextlib import contextmanager

from django.apps.registry import Apps
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor


def migrate(targets: list[tuple[str, str | None]]) -> Apps:
    """Apply or unapply migrations until exactly `targets` are the latest; return the
    historical models of that state."""
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    ContentType.objects.clear_cache()
    applied = [target for target in targets if target[1] is not None]
    return MigrationExecutor(connection).loader.project_state(applied).apps


@contextmanager
def migrated_to(targets: list[tuple[str, str | None]]):
    """Run the block at `targets` (yielding its models); the database always ends at the
    latest migrations, as every other test expects."""
    try:
        yield migrate(targets)
    finally:
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
