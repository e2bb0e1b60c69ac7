"""dj-stripe's schema on a fresh database: its migration history replayed (`migrate`, what
production runs) vs one migration generated from its models (`migrate_fast`: `make run` and
the test database), one run, a markdown table on stdout.

Each `manage.py` runs in its own process on a fresh database (every app's migrations, dj-stripe's
included): SQLite (the embedded default) in a temporary folder and PostgreSQL (DATABASE_URL's
server, two scratch databases created and dropped here). Then the two PostgreSQL schemas of
dj-stripe are compared column by column and index by index.
"""

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable


def timed(command: str, env: dict) -> float:
    started = time.perf_counter()
    subprocess.run(
        [PYTHON, "manage.py", command, "--verbosity", "0"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    return time.perf_counter() - started


def sqlite_env(folder: Path) -> dict:
    env = {**os.environ, "FILMSTUDIO_VAR_DIR": str(folder)}
    env.pop("DATABASE_URL", None)
    return env


def pg_url(name: str) -> str:
    parts = urlsplit(os.environ["DATABASE_URL"])
    return urlunsplit(parts._replace(path=f"/{name}"))


def pg_admin(sql: str) -> None:
    with psycopg.connect(pg_url("postgres"), autocommit=True) as conn:
        conn.execute(sql)


def pg_schema(name: str) -> tuple[list, list]:
    with psycopg.connect(pg_url(name)) as conn:
        columns = conn.execute(
            "SELECT table_name, column_name, data_type, is_nullable, character_maximum_length "
            "FROM information_schema.columns WHERE table_schema = 'public' "
            "AND table_name LIKE 'djstripe%' ORDER BY 1, 2"
        ).fetchall()
        # Index names carry a hash of their history; what they index is what counts.
        indexes = conn.execute(
            "SELECT tablename, regexp_replace(indexdef, 'INDEX \\S+ ON', 'INDEX ON') "
            "FROM pg_indexes WHERE schemaname = 'public' AND tablename LIKE 'djstripe%' "
            "ORDER BY 1, 2"
        ).fetchall()
    return columns, indexes


def main() -> None:
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        rows.append(
            ("SQLite", "migrate (history replayed)", timed("migrate", sqlite_env(tmp / "real")))
        )
        rows.append(
            (
                "SQLite",
                "migrate_fast (one generated migration)",
                timed("migrate_fast", sqlite_env(tmp / "fast")),
            )
        )
        names = {"real": "filmstudio_bench_mig_real", "fast": "filmstudio_bench_mig_fast"}
        for name in names.values():
            pg_admin(f"DROP DATABASE IF EXISTS {name}")
            pg_admin(f"CREATE DATABASE {name}")
        try:
            for kind, command, label in [
                ("real", "migrate", "migrate (history replayed)"),
                ("fast", "migrate_fast", "migrate_fast (one generated migration)"),
            ]:
                env = {
                    **os.environ,
                    "DATABASE_URL": pg_url(names[kind]),
                    "FILMSTUDIO_VAR_DIR": str(tmp / f"pg-{kind}"),
                }
                rows.append(("PostgreSQL", label, timed(command, env)))
            real, fast = pg_schema(names["real"]), pg_schema(names["fast"])
        finally:
            for name in names.values():
                pg_admin(f"DROP DATABASE IF EXISTS {name}")
    print("| database | command (fresh database, own process) | seconds |")
    print("| --- | --- | --- |")
    for database, label, seconds in rows:
        print(f"| {database} | {label} | {seconds:.1f} |")
    same = "identical" if real == fast else "DIFFERENT"
    print(
        f"\ndj-stripe's PostgreSQL schema, replayed vs generated: {len(real[0])} columns and "
        f"{len(real[1])} indexes compared: **{same}**."
    )


if __name__ == "__main__":
    main()
