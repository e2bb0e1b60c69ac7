"""The house plan, checked: which top-level package imports which.

Every `import` and `from ... import` in every module counts, function-local ones included
(a late import is still a dependency). The top-level packages are found, not listed, so a new
one (the film engine, say) is held to the same rules. `python -m tests.filmstudio.test_import_graph`
prints the graph.
"""

import ast
from pathlib import Path

from django.apps import apps

ROOT = Path(__file__).resolve().parents[2]


def top_level_packages(root: Path = ROOT) -> set[str]:
    return {
        path.parent.name
        for path in root.glob("*/__init__.py")
        if not path.parent.name.startswith((".", "_"))
    }


def imported_packages(source: str) -> set[str]:
    """The top-level names `source` imports, anywhere in it (relative imports excluded:
    they stay inside their own package)."""
    names = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def import_graph(root: Path = ROOT) -> dict[str, set[str]]:
    """package -> the other top-level packages it imports."""
    packages = top_level_packages(root)
    graph = {}
    for package in sorted(packages):
        imported = set()
        for module in (root / package).rglob("*.py"):
            imported |= imported_packages(module.read_text(encoding="utf-8"))
        graph[package] = (imported & packages) - {package}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The groups of packages that reach each other (strongly connected, more than one),
    each sorted; empty when the graph is a hierarchy."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:  # Tarjan's algorithm
        index[node] = low[node] = len(index)
        stack.append(node)
        for successor in sorted(graph.get(node, ())):
            if successor not in index:
                visit(successor)
                low[node] = min(low[node], low[successor])
            elif successor in stack:
                low[node] = min(low[node], index[successor])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return sorted(found)


def _django_apps() -> set[str]:
    """Our own Django apps (top-level packages in INSTALLED_APPS), the floor excepted."""
    ours = top_level_packages()
    return {config.name for config in apps.get_app_configs() if config.name in ours} - {
        "filmstudio"
    }


def test_no_two_top_level_packages_import_each_other():
    assert cycles(import_graph()) == []


def test_the_floor_imports_no_app():
    assert import_graph()["filmstudio"] & _django_apps() == set()


def test_accounts_does_not_reach_into_the_media_library():
    # Site configuration lives in the floor; accounts reads it there.
    assert "media_library" not in import_graph()["accounts"]


def test_the_graph_counts_late_imports_and_finds_a_cycle(tmp_path):
    # given two packages, one importing the other at the top, the other only inside a function
    for name, body in {
        "alpha": "from beta.models import Thing\n",
        "beta": "def later():\n    import alpha.services\n",
        "gamma": "import alpha\nfrom . import sibling\n",
    }.items():
        (tmp_path / name).mkdir()
        (tmp_path / name / "__init__.py").write_text("")
        (tmp_path / name / "code.py").write_text(body)

    graph = import_graph(tmp_path)

    assert graph == {"alpha": {"beta"}, "beta": {"alpha"}, "gamma": {"alpha"}}
    assert cycles(graph) == [["alpha", "beta"]]
    assert cycles({"alpha": {"beta"}, "beta": set(), "gamma": {"alpha"}}) == []


if __name__ == "__main__":
    for source, targets in import_graph().items():
        print(f"{source:22} -> {', '.join(sorted(targets)) or '-'}")
    print("cycles:", cycles(import_graph()) or "none")
