"""MkDocs hooks: the CLI reference is generated from the click commands at build time."""

from __future__ import annotations

from typing import Any

PLACEHOLDER = "<!-- cli-reference -->"


def on_page_markdown(markdown: str, page: Any, config: Any, files: Any) -> str:
    """Replace the placeholder on the CLI page with every command's ``--help``."""
    if PLACEHOLDER not in markdown:
        return markdown
    from bisnap._cli.reference import render_reference

    return markdown.replace(PLACEHOLDER, render_reference())
