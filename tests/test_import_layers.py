"""The layering rules of ARCHITECTURE.md, read from the source (imports under
``if TYPE_CHECKING:`` do not count; imports inside functions do)."""

from __future__ import annotations

import ast
import functools
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

import bisnap

ROOT = Path(bisnap.__file__).parent

SIGNING_CORE = (
    "bisnap.signing",
    "bisnap.keys",
    "bisnap.timestamps",
    "bisnap.errors",
    "bisnap.external_id",
)
CLI = ("bisnap.cli", "bisnap.demo", "bisnap.__main__")
EMULATOR = ("bisnap.emulator",)


@dataclass(frozen=True)
class Import:
    importer: str
    imported: str
    line: int

    def __str__(self) -> str:
        return f"{self.importer}:{self.line} imports {self.imported}"


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module_name(path): path for path in sorted(ROOT.rglob("*.py"))}


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _walk(nodes: list[ast.stmt]) -> Iterator[ast.AST]:
    for node in nodes:
        if isinstance(node, ast.If) and _is_type_checking(node):
            yield from _walk(node.orelse)
            continue
        yield node
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.stmt):
                yield from _walk([child])


def _imports(module: str) -> Iterator[Import]:
    path = MODULES[module]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in _walk(tree.body):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield Import(module, alias.name, node.lineno)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            for alias in node.names:
                submodule = f"{base}.{alias.name}"
                yield Import(module, submodule if submodule in MODULES else base, node.lineno)


@functools.cache
def _all_imports() -> list[Import]:
    """Every import in the library (read once, when a test first needs it)."""
    return [found for module in MODULES for found in _imports(module)]


def _within(name: str, prefixes: tuple[str, ...]) -> bool:
    return any(name == prefix or name.startswith(prefix + ".") for prefix in prefixes)


def _violations(importers: tuple[str, ...], forbidden: tuple[str, ...]) -> list[str]:
    return [
        str(found)
        for found in _all_imports()
        if _within(found.importer, importers) and _within(found.imported, forbidden)
    ]


RULES = {
    "the signing core imports neither httpx, pydantic, gateways nor tokens": (
        SIGNING_CORE,
        (
            "httpx",
            "pydantic",
            "bisnap.gateways",
            "bisnap.tokens",
            "bisnap.token_stores",
            "bisnap.auth",
            "bisnap.transport",
        ),
    ),
    "services never import the emulator": (("bisnap.services",), EMULATOR),
    "models never import services or clients": (
        ("bisnap.models",),
        ("bisnap.services", "bisnap.client"),
    ),
    "notifications never import services or clients": (
        ("bisnap.notifications",),
        ("bisnap.services", "bisnap.client"),
    ),
    "the library never imports the CLI or the emulator": (
        tuple(m for m in MODULES if not _within(m, (*CLI, *EMULATOR, "bisnap"))),
        (*CLI, *EMULATOR),
    ),
}


# ARCHITECTURE.md's drawing, top to bottom: a module imports from its own layer or below.
LAYERS: tuple[tuple[str, ...], ...] = (
    (*CLI, *EMULATOR),
    ("bisnap.client", "bisnap.call_flow", "bisnap.services"),
    ("bisnap.models",),
    ("bisnap.notifications",),
    ("bisnap.auth",),
    ("bisnap.tokens", "bisnap.token_stores"),
    (
        "bisnap.transport",
        "bisnap.retry",
        "bisnap.aiohttp_transport",
        "bisnap.http_defaults",
        "bisnap.connection_security",
        "bisnap.durations",
        "bisnap.readiness",
    ),
    ("bisnap.headers", "bisnap.diagnose", "bisnap.captures"),
    ("bisnap.credentials", "bisnap.gateways"),
    ("bisnap.log",),
    SIGNING_CORE,
)


def _layer(module: str) -> int | None:
    return next((n for n, layer in enumerate(LAYERS) if _within(module, layer)), None)


def test_every_module_has_a_layer() -> None:
    assert [m for m in MODULES if m != "bisnap" and _layer(m) is None] == []


def test_no_module_imports_from_a_layer_above_it() -> None:
    upward = []
    for found in _all_imports():
        importer, imported = _layer(found.importer), _layer(found.imported)
        if importer is not None and imported is not None and imported < importer:
            upward.append(str(found))
    assert upward == []


@pytest.mark.parametrize("rule", sorted(RULES))
def test_layering_rule(rule: str) -> None:
    importers, forbidden = RULES[rule]
    assert _violations(importers, forbidden) == []


def _cycles(modules: set[str]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    graph: dict[str, set[str]] = {m: set() for m in modules}
    for found in _all_imports():
        if found.importer in modules and found.imported in modules:
            graph[found.importer].add(found.imported)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph[node]):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1 or node in graph[node]:
                components.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return components


# The package facade imports everything lazily and is imported by everything: left out.
LIBRARY = {m for m in MODULES if m != "bisnap"}


def test_no_import_cycle_in_the_library() -> None:
    assert _cycles(LIBRARY) == []


def test_the_checker_finds_a_cycle() -> None:
    # keys imports errors; one added edge back closes a cycle.
    assert Import("bisnap.keys", "bisnap.errors", 0) in {
        Import(i.importer, i.imported, 0) for i in _all_imports()
    }
    _all_imports().append(Import("bisnap.errors", "bisnap.keys", 0))
    try:
        assert _cycles({"bisnap.errors", "bisnap.keys"}) == [["bisnap.errors", "bisnap.keys"]]
    finally:
        _all_imports().pop()


def test_type_checking_imports_do_not_count() -> None:
    imported = {i.imported for i in _all_imports() if i.importer == "bisnap.notifications.errors"}
    assert "bisnap.diagnose" not in imported  # imported only under TYPE_CHECKING there
