"""dj-stripe's tables in the test database, without replaying dj-stripe's migration history.

dj-stripe 2.11 ships three migrations whose replay costs about 45 s of CPU on every fresh
database (over 500 RemoveField operations, each re-rendering dozens of related models), and
`make test` builds a fresh test database every run (one per xdist worker). The schema they end
in is the one dj-stripe's models declare, so the tests create it from ONE migration generated
at session start from those models (the autodetector, as `makemigrations` would write it for an
app without migrations), saved under the name of dj-stripe's latest real migration so that a
migration of ours depending on it resolves either way.

Only the test database is built this way. `make run`, production and `makemigrations --check`
use dj-stripe's real migrations.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import pytest

PACKAGE = "djstripe_schema_snapshot"


def install_djstripe_snapshot() -> str | None:
    """Write the snapshot migration package and point MIGRATION_MODULES["djstripe"] at it.
    Returns the migration's name (None when dj-stripe is not installed)."""
    from django.apps import apps
    from django.conf import settings
    from django.db.migrations.autodetector import MigrationAutodetector
    from django.db.migrations.graph import MigrationGraph
    from django.db.migrations.loader import MigrationLoader
    from django.db.migrations.questioner import NonInteractiveMigrationQuestioner
    from django.db.migrations.state import ProjectState
    from django.db.migrations.writer import MigrationWriter

    if not apps.is_installed("djstripe"):
        return None
    # Only the graph's files are read: no database is touched here.
    leaf = MigrationLoader(None, ignore_no_migrations=True).graph.leaf_nodes("djstripe")
    target = ProjectState.from_apps(apps)
    others = ProjectState()
    for key, model in target.models.items():
        if key[0] != "djstripe":
            others.add_model(model.clone())
    detector = MigrationAutodetector(
        others, target, NonInteractiveMigrationQuestioner(specified_apps={"djstripe"})
    )
    (migration,) = detector.changes(
        graph=MigrationGraph(), trim_to_apps={"djstripe"}, convert_apps={"djstripe"}
    )["djstripe"]
    migration.name = leaf[0][1]
    folder = Path(tempfile.mkdtemp(prefix="djstripe-schema-")) / PACKAGE
    folder.mkdir()
    (folder / "__init__.py").write_text("")
    (folder / f"{migration.name}.py").write_text(MigrationWriter(migration).as_string())
    sys.path.insert(0, str(folder.parent))
    settings.MIGRATION_MODULES = {**settings.MIGRATION_MODULES, "djstripe": PACKAGE}
    return migration.name


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix) -> None:
    """pytest-django calls this once before it creates the test database."""
    install_djstripe_snapshot()
