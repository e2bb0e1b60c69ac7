"""The engine is a library with no Django in it: it imports nothing from Django or the apps,
at import time or later (function-local imports included)."""

from __future__ import annotations

import ast
import json
import os
import pkgutil
import subprocess
import sys
from pathlib import Path

import film

ROOT = Path(__file__).resolve().parents[2]
# Django, the web stack around it, and every top-level package of the project but the engine.
FORBIDDEN = {
    "django",
    "rest_framework",
    "celery",
    "filmstudio",
    "celery_app",
    "accounts",
    "projects",
    "billing",
    "jobs",
    "media_library",
    "youtube_integration",
    "tests",
}


def engine_modules() -> list[str]:
    return ["film", *(m.name for m in pkgutil.walk_packages(film.__path__, "film."))]


def test_importing_every_module_of_the_engine_in_a_fresh_process_loads_no_django():
    # given a fresh interpreter with no Django settings in its environment
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    code = (
        "import importlib, json, sys\n"
        "for name in sys.argv[1:]:\n"
        "    importlib.import_module(name)\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )
    modules = engine_modules()
    # when every module of the engine is imported
    done = subprocess.run(
        [sys.executable, "-c", code, *modules],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    loaded = json.loads(done.stdout)
    # then all of them loaded, and not one module of Django or of the apps came with them
    assert set(modules) <= set(loaded)
    assert len(modules) > 30
    assert [name for name in loaded if name.split(".")[0] in FORBIDDEN] == []


def test_no_module_of_the_engine_imports_django_or_the_apps_even_lazily():
    offending = []
    for path in sorted(Path(film.__file__).parent.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            offending += [f"{path.name}: {n}" for n in names if n.split(".")[0] in FORBIDDEN]
    assert offending == []
