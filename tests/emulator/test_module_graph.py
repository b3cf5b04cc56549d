"""The emulator's modules import in isolation and form no import cycle."""

from __future__ import annotations

import ast
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


def test_each_module_imports_alone_in_a_fresh_interpreter() -> None:
    # ``import bisnap.emulator.x`` runs the package's __init__ first; for a module that __init__
    # already imports, a fresh ``import bisnap.emulator.x`` is exactly a fresh
    # ``import bisnap.emulator``. So: one interpreter for the package (it reports what it
    # loaded), then one for each module the package does not load.
    package = _fresh(f"import sys, {PACKAGE}; print(chr(10).join(sys.modules))")
    assert package.returncode == 0, package.stderr
    loaded = set(package.stdout.split())
    alone = [module for module in MODULES if module not in loaded]
    assert "bisnap.emulator.pytest_plugin" in alone
    failures = {}
    for module in alone:
        result = _fresh(f"import {module}")
        if result.returncode != 0:
            failures[module] = result.stderr
    assert failures == {}
