"""dj-stripe's tables on a fresh database without replaying dj-stripe's migration history.

dj-stripe 2.11 ships three migrations whose replay costs about a minute of CPU on a fresh
database (over 500 RemoveField operations, each re-rendering dozens of related models). The
schema they end in is the one dj-stripe's models declare, so a fresh database can get it from
ONE migration generated from those models (the autodetector, as `makemigrations` writes it
for an app without migrations), saved under the name of dj-stripe's latest real migration so
that a migration depending on that one resolves either way.

Used by the test database (tests/djstripe_schema.py) and by `manage.py migrate_fast` (the
first `make run`). Production runs `manage.py migrate`: dj-stripe's real migrations.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db.migrations.autodetector import MigrationAutodetector
from django.db.migrations.graph import MigrationGraph
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.questioner import NonInteractiveMigrationQuestioner
from django.db.migrations.state import ProjectState
from django.db.migrations.writer import MigrationWriter

APP = "djstripe"
PACKAGE = "djstripe_schema_snapshot"


def real_migration_names() -> list[str]:
    """dj-stripe's own migrations, in order (only their files are read)."""
    graph = MigrationLoader(None, ignore_no_migrations=True).graph
    (leaf,) = graph.leaf_nodes(APP)
    return [name for app, name in graph.forwards_plan(leaf) if app == APP]


def install_snapshot() -> str:
    """Write the one-migration package for dj-stripe's current models and point
    MIGRATION_MODULES at it, for this process. Returns the migration's name."""
    name = real_migration_names()[-1]
    target = ProjectState.from_apps(apps)
    others = ProjectState()
    for key, model in target.models.items():
        if key[0] != APP:
            others.add_model(model.clone())
    detector = MigrationAutodetector(
        others, target, NonInteractiveMigrationQuestioner(specified_apps={APP})
    )
    (migration,) = detector.changes(graph=MigrationGraph(), trim_to_apps={APP}, convert_apps={APP})[
        APP
    ]
    migration.name = name
    folder = Path(tempfile.mkdtemp(prefix="djstripe-schema-")) / PACKAGE
    folder.mkdir()
    (folder / "__init__.py").write_text("")
    (folder / f"{name}.py").write_text(MigrationWriter(migration).as_string())
    sys.path.insert(0, str(folder.parent))
    settings.MIGRATION_MODULES = {**settings.MIGRATION_MODULES, APP: PACKAGE}
    return name
