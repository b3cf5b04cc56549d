"""Code blocks of the Markdown pages (README.md, docs/**/*.md) and how the suite runs them.

A fence's info string decides what happens to a block:

``python``                 executed, in page order, in one namespace per page
``python no-run``          shown only (the reason is said next to it on the page)
``python title="app.py"``  written to ``app.py`` in the page's working directory, not executed
                           (a later block or shell step uses the file)
``sh`` / ``console`` ...   shown only, except on pages marked ``<!-- docs-test: shell -->``,
                           where every shell block runs, in order, in one ``bash`` script
                           (``sh no-run`` excepted)
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

__all__ = ["SHELL_MARKER", "Block", "Page", "documentation_pages", "parse_page"]

ROOT = Path(__file__).resolve().parents[2]
SHELL_MARKER = "<!-- docs-test: shell -->"
_FENCE = re.compile(r"^(?P<indent> *)(?P<fence>`{3,}|~{3,})(?P<info>[^`]*)$")
_TITLE = re.compile(r'title="(?P<title>[^"]+)"')
_SHELLS = frozenset({"sh", "bash", "shell", "console"})


@dataclass(frozen=True)
class Block:
    """One fenced block: its language, options, first line number and text."""

    language: str
    info: str
    line: int
    text: str

    @property
    def no_run(self) -> bool:
        return "no-run" in self.info.split()

    @property
    def title(self) -> str | None:
        match = _TITLE.search(self.info)
        return match.group("title") if match else None

    @property
    def is_python(self) -> bool:
        return self.language == "python"

    @property
    def is_shell(self) -> bool:
        return self.language in _SHELLS


@dataclass(frozen=True)
class Page:
    """A Markdown page and its blocks."""

    path: Path
    blocks: tuple[Block, ...]
    shell_mode: bool

    @property
    def name(self) -> str:
        return self.path.relative_to(ROOT).as_posix()

    def python_blocks(self) -> list[Block]:
        return [block for block in self.blocks if block.is_python]


def parse_page(path: Path, text: str | None = None) -> Page:
    """The fenced blocks of ``path`` (top-level or indented, e.g. inside admonitions)."""
    source = path.read_text("utf-8") if text is None else text
    lines = source.splitlines()
    blocks: list[Block] = []
    index = 0
    while index < len(lines):
        match = _FENCE.match(lines[index])
        if match is None:
            index += 1
            continue
        indent, fence, info = match["indent"], match["fence"], match["info"].strip()
        body: list[str] = []
        end = index + 1
        while end < len(lines) and lines[end].strip() != fence:
            body.append(lines[end][len(indent) :] if lines[end].startswith(indent) else lines[end])
            end += 1
        if end == len(lines):
            raise ValueError(f"{path}:{index + 1}: unclosed code fence")
        language = info.split(maxsplit=1)[0] if info else ""
        text_of_block = "\n".join(body) + "\n"
        blocks.append(Block(language, info, index + 1, text_of_block))
        index = end + 1
    return Page(path, tuple(blocks), SHELL_MARKER in source)


def documentation_pages() -> list[Page]:
    """README.md and every page under docs/, sorted by path."""
    paths = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
    return [parse_page(path) for path in paths if path.is_file()]


_CUTS = (": ", ", ", "; ", " (")
_ELLIPSES = ("...", "…")


def output_matches(printed: str, comment: str) -> bool | None:
    """Whether ``print(...)  # comment`` printed what the comment says; None if unchecked.

    The output must equal the whole comment, or the comment cut just before one of its
    ``": "``, ``", "``, ``"; "`` or ``" ("`` (what follows explains it), or start with the
    comment cut at ``...``. Comments starting with ``e.g.`` are illustrations only.
    """
    text = comment.strip()
    if not text or text.startswith("e.g."):
        return None
    candidates = {text}
    for mark in _CUTS:
        at = text.find(mark)
        while at != -1:
            candidates.add(text[:at].rstrip())
            at = text.find(mark, at + 1)
    if printed in candidates:
        return True
    return any(
        mark in text and printed.startswith(text[: text.find(mark)].rstrip()) for mark in _ELLIPSES
    )


def run_python(block: Block, namespace: dict[str, object], filename: str) -> None:
    """Run a block statement by statement; each top-level ``print(...)  # x`` must print x."""
    import ast
    import contextlib
    import io

    tree = ast.parse(block.text, filename)
    ast.increment_lineno(tree, block.line)
    lines = block.text.splitlines()
    for statement in tree.body:
        code = compile(ast.Module(body=[statement], type_ignores=[]), filename, "exec")
        comment = None
        if (
            isinstance(statement, ast.Expr)
            and isinstance(statement.value, ast.Call)
            and isinstance(statement.value.func, ast.Name)
            and statement.value.func.id == "print"
        ):
            source_line = lines[statement.end_lineno - block.line - 1]  # type: ignore[operator]
            if "  # " in source_line:
                comment = source_line.split("  # ", 1)[1]
        if comment is None or output_matches("", comment) is None:
            exec(code, namespace)
            continue
        captured = io.StringIO()
        with contextlib.redirect_stdout(captured):
            exec(code, namespace)
        printed = captured.getvalue().rstrip("\n")
        print(printed)
        assert output_matches(printed, comment), (
            f"{filename.rsplit(':', 1)[0]}:{statement.lineno}: printed {printed!r}, "
            f"the page says {comment.strip()!r}"
        )
