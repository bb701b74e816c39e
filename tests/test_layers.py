"""The layers keep to their imports (see ``dispatcher/__init__.py``).

Read from the source, so that a lazy import inside a function counts as much as one at
the top: every import of every module of a layer, against what that layer may import.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.scenarios import ROOT

PACKAGES = ("models", "dispatcher")
LAYERS = ("semantics", "io", "solver", "checker", "views", "psa", "cli")
# What each layer must never import (a module path prefix each).
FORBIDDEN = {
    "models": ("dispatcher", "ortools"),
    "dispatcher.semantics": (
        "dispatcher.io",
        "dispatcher.solver",
        "dispatcher.checker",
        "dispatcher.views",
        "dispatcher.cli",
        "dispatcher.api",
        "ortools",
    ),
    "dispatcher.io": (
        "dispatcher.solver",
        "dispatcher.checker",
        "dispatcher.views",
        "dispatcher.cli",
        "dispatcher.api",
        "ortools",
    ),
    "dispatcher.solver": (
        "dispatcher.checker",
        "dispatcher.views",
        "dispatcher.cli",
        "dispatcher.api",
    ),
    "dispatcher.views": ("dispatcher.checker", "dispatcher.cli", "dispatcher.api", "ortools"),
    "dispatcher.psa": (
        "dispatcher.solver",
        "dispatcher.checker",
        "dispatcher.views",
        "dispatcher.cli",
        "dispatcher.api",
        "ortools",
    ),
}
# The checker shares nothing with the solver: besides its own package, only these.
CHECKER_MAY_IMPORT = ("models", "dispatcher.errors", "dispatcher.checker", "pydantic")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules() -> Iterator[tuple[str, Path]]:
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            yield _module_name(path), path


def _imports(name: str, path: Path) -> Iterator[tuple[str, int]]:
    """Every module ``name`` imports, anywhere in its source, with the line."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, node.lineno
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                module = ".".join([*base, node.module] if node.module else base)
            else:
                module = node.module or ""
            yield module, node.lineno
            for alias in node.names:  # ``from dispatcher import interrupt`` names a module
                yield f"{module}.{alias.name}", node.lineno


def _under(module: str, prefix: str) -> bool:
    return module == prefix or module.startswith(prefix + ".")


def _layer_of(module: str) -> str | None:
    for layer in FORBIDDEN:
        if _under(module, layer):
            return layer
    return None


def test_every_layer_is_a_package_with_a_docstring() -> None:
    """Each layer folder has an ``__init__.py`` that says what lives there."""
    for layer in LAYERS:
        init = ROOT / "dispatcher" / layer / "__init__.py"
        assert init.exists(), layer
        docstring = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8")))
        assert docstring and len(docstring) > 80, f"{layer}/__init__.py explains nothing"


def test_no_layer_imports_upwards() -> None:
    """semantics and io never reach the solver; views never ortools; nothing reaches the CLI."""
    leaks = []
    for name, path in _modules():
        layer = _layer_of(name)
        if layer is None:
            continue
        for module, line in _imports(name, path):
            for forbidden in FORBIDDEN[layer]:
                if _under(module, forbidden):
                    leaks.append(f"{path.relative_to(ROOT)}:{line} imports {module}")
    assert not leaks, "\n".join(leaks)


def test_checker_shares_nothing_with_the_solver() -> None:
    """The checker imports only models, the error type, pydantic and the standard library."""
    foreign = []
    for name, path in _modules():
        if not _under(name, "dispatcher.checker"):
            continue
        for module, line in _imports(name, path):
            top = module.split(".")[0]
            if top in sys.stdlib_module_names or top == "__future__":
                continue
            if any(_under(module, allowed) for allowed in CHECKER_MAY_IMPORT):
                continue
            foreign.append(f"{path.relative_to(ROOT)}:{line} imports {module}")
    assert not foreign, "\n".join(foreign)


def test_no_import_cycles_between_modules() -> None:
    """Module-level imports between the project's modules form no cycle."""
    known = dict(_modules())
    graph: dict[str, set[str]] = {name: set() for name in known}
    for name, path in known.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node in tree.body:  # top level only: imports inside functions run later
            if isinstance(node, ast.ImportFrom):
                if node.level:
                    base = package.split(".")[: len(package.split(".")) - node.level + 1]
                    module = ".".join([*base, node.module] if node.module else base)
                else:
                    module = node.module or ""
                targets = [module, *(f"{module}.{alias.name}" for alias in node.names)]
            elif isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            else:
                continue
            graph[name].update(t for t in targets if t in known and t != name)
    # A package imports its own modules through __init__ re-exports: that is not a cycle.
    for name in graph:
        graph[name] = {t for t in graph[name] if not _under(name, t)}

    state: dict[str, int] = {}
    path: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        path.append(node)
        for target in sorted(graph[node]):
            if state.get(target) == 1:
                cycle = [*path[path.index(target) :], target]
                pytest.fail("import cycle: " + " -> ".join(cycle))
            if target not in state:
                visit(target)
        path.pop()
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node)


def test_reading_a_plan_never_loads_the_solver() -> None:
    """show, explain, export, simulate and the board work without ortools being imported."""
    code = (
        "import sys\n"
        "import dispatcher.cli.views, dispatcher.views.planview, dispatcher.views.report\n"
        "import dispatcher.views.explain, dispatcher.views.export, dispatcher.views.board\n"
        "import dispatcher.views.report_changes, dispatcher.io.loader, dispatcher.checker\n"
        "import dispatcher.views.simulate, dispatcher.semantics.simulation\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'ortools'))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True
    )
    assert done.stdout.strip() == "[]"
