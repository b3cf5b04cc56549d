"""MkDocs hooks: parts of pages generated from the code at build time, so they cannot drift.

``<!-- cli-reference -->``      every ``bisnap`` command's ``--help`` (bisnap.cli.reference)
``<!-- admin-routes -->``       the emulator's admin API, from bisnap.emulator.admin_routes
``<!-- seeded-accounts -->``    the payouts beneficiaries every emulator starts with
"""

from __future__ import annotations

import json
from typing import Any

PLACEHOLDERS = ("<!-- cli-reference -->", "<!-- admin-routes -->", "<!-- seeded-accounts -->")


def _json_block(value: Any) -> str:
    return "```json\n" + json.dumps(value, indent=2, ensure_ascii=False) + "\n```\n"


def render_admin_routes() -> str:
    """One section per admin route: what it does, its request and its answer."""
    from bisnap.emulator.admin_routes import ADMIN_ROUTES

    sections = []
    for route in ADMIN_ROUTES:
        parts = [f"### `{route.method} {route.path}`\n", f"{route.summary}\n"]
        if route.query is not None:
            parts.append(f"Query: `?{route.query}`\n")
        if route.request is not None:
            parts.append("Request body:\n\n" + _json_block(route.request))
        parts.append("Answer (HTTP 200):\n\n" + _json_block(route.response))
        sections.append("\n".join(parts))
    return "\n".join(sections)


def render_seeded_accounts() -> str:
    """Tables of the seeded bank accounts, virtual accounts and e-wallets."""
    from bisnap.emulator.endpoints.payouts import (
        SEED_BANK_ACCOUNTS,
        SEED_EWALLETS,
        SEED_VIRTUAL_ACCOUNTS,
    )

    lines = ["| bank code | account number | name | status |", "| --- | --- | --- | --- |"]
    lines += [f"| `{b}` | `{n}` | {name} | {s} |" for b, n, name, s in SEED_BANK_ACCOUNTS]
    lines += [
        "",
        "| bank code | virtual account | name | fixed amount |",
        "| --- | --- | --- | --- |",
    ]
    lines += [
        f"| `{b}` | `{n}` | {name} | {amount or 'any'} |"
        for b, n, name, amount in SEED_VIRTUAL_ACCOUNTS
    ]
    lines += ["", "| e-wallet | customer number | name |", "| --- | --- | --- |"]
    lines += [f"| {p} | `{n}` | {name} |" for p, n, name in SEED_EWALLETS]
    return "\n".join(lines) + "\n"


def expand(markdown: str) -> str:
    """The page with every placeholder replaced by its generated text."""
    if "<!-- cli-reference -->" in markdown:
        from bisnap.cli.reference import render_reference

        markdown = markdown.replace("<!-- cli-reference -->", render_reference())
    if "<!-- admin-routes -->" in markdown:
        markdown = markdown.replace("<!-- admin-routes -->", render_admin_routes())
    if "<!-- seeded-accounts -->" in markdown:
        markdown = markdown.replace("<!-- seeded-accounts -->", render_seeded_accounts())
    return markdown


def on_page_markdown(markdown: str, page: Any, config: Any, files: Any) -> str:
    """MkDocs event: expand the placeholders of a page."""
    return expand(markdown)
