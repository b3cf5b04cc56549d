"""The emulator's modules import in isolation and form no import cycle."""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from pathlib import Path

import bisnap.emulator

PACKAGE_DIR = Path(bisnap.emulator.__file__).parent
PACKAGE = "bisnap.emulator"


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE_DIR.parent.parent).with_suffix("").parts
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


MODULES = sorted(_module_name(path) for path in PACKAGE_DIR.rglob("*.py"))


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _runtime_imports(tree: ast.AST, module: str, is_package: bool) -> set[str]:
    """Modules named by import statements that run (``if TYPE_CHECKING:`` bodies excluded)."""
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            for branch in node.orelse:
                visit(branch)
            return
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = module.split(".")
                base = base[: len(base) - node.level + (1 if is_package else 0)]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            found.add(target)
            found.update(f"{target}.{alias.name}" for alias in node.names)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    return found


def _graph() -> dict[str, set[str]]:
    known = set(MODULES)
    graph: dict[str, set[str]] = {}
    for path in PACKAGE_DIR.rglob("*.py"):
        module = _module_name(path)
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        imports = _runtime_imports(tree, module, path.name == "__init__.py")
        graph[module] = {name for name in imports if name in known and name != module}
    return graph


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle in ``graph`` (a list of modules, first == last), or None."""
    done: set[str] = set()
    stack: list[str] = []
    on_stack: set[str] = set()

    def visit(node: str) -> list[str] | None:
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph.get(node, ())):
            if target in on_stack:
                return [*stack[stack.index(target) :], target]
            if target not in done:
                found = visit(target)
                if found is not None:
                    return found
        stack.pop()
        on_stack.discard(node)
        done.add(node)
        return None

    for node in sorted(graph):
        if node not in done:
            found = visit(node)
            if found is not None:
                return found
    return None


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b", "c"}, "b": {"c"}, "c": set()}) is None


def test_type_checking_imports_are_not_edges() -> None:
    source = (
        "from typing import TYPE_CHECKING\n"
        "import bisnap.emulator.state\n"
        "if TYPE_CHECKING:\n"
        "    from bisnap.emulator.core import Emulator\n"
        "def f():\n"
        "    from bisnap.emulator.routes import Call\n"
    )
    imports = _runtime_imports(ast.parse(source), "bisnap.emulator.x", False)
    assert "bisnap.emulator.core" not in imports
    assert {"bisnap.emulator.state", "bisnap.emulator.routes"} <= imports


def test_the_emulator_package_has_no_import_cycle() -> None:
    graph = _graph()
    assert "bisnap.emulator.core" in graph
    assert _cycle(graph) is None


def _fresh(code: str) -> subprocess.CompletedProcess[str]:
    """Run ``code`` in a new interpreter."""
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False
    )


# argv[1] is the package, argv[2:] its modules. Imports the package, then each module it did
# not load in a forked child of that interpreter, and prints one JSON object: the modules
# imported alone, and module -> traceback for each that failed. ``import package.x`` runs
# the package's __init__ first, so a child forked after it is a fresh ``import package.x``
# without starting and loading httpx, pydantic and cryptography again for every module.
_FORKING_IMPORTER = """
import importlib, json, os, sys, traceback
importlib.import_module(sys.argv[1])
alone = [module for module in sys.argv[2:] if module not in sys.modules]
failures = {}
for module in alone:
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read_end)
        try:
            importlib.import_module(module)
        except BaseException:
            os.write(write_end, traceback.format_exc().encode())
            os._exit(1)
        os._exit(0)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as pipe:
        told = pipe.read().decode()
    _, status = os.waitpid(pid, 0)
    if status != 0:
        failures[module] = told or f"exit status {status}"
print(json.dumps({"alone": alone, "failures": failures}))
"""


def _import_each_alone(package: str, modules: list[str]) -> tuple[list[str], dict[str, str]]:
    """The modules ``package`` does not load itself, and module -> error for each of them
    that fails to import first in a fresh process."""
    if not hasattr(os, "fork"):
        loaded = _fresh(f"import sys, {package}; print(chr(10).join(sys.modules))")
        assert loaded.returncode == 0, loaded.stderr
        alone = [module for module in modules if module not in set(loaded.stdout.split())]
        return alone, {
            module: result.stderr
            for module in alone
            if (result := _fresh(f"import {module}")).returncode != 0
        }
    result = subprocess.run(
        [sys.executable, "-c", _FORKING_IMPORTER, package, *modules],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout)
    return found["alone"], found["failures"]


def test_the_forking_importer_reports_a_module_that_fails() -> None:
    alone, failures = _import_each_alone("json", ["json.decoder", "json.no_such_module"])
    assert alone == ["json.no_such_module"]
    assert list(failures) == ["json.no_such_module"]
    assert "ModuleNotFoundError" in failures["json.no_such_module"]


def test_each_module_imports_alone_in_a_fresh_interpreter() -> None:
    alone, failures = _import_each_alone(PACKAGE, MODULES)
    assert "bisnap.emulator.pytest_plugin" in alone
    assert failures == {}
