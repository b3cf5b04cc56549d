"""The docs site's generated parts and structure (``mkdocs build --strict`` runs in CI)."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path
from types import ModuleType

import pytest
from click.testing import CliRunner

from bisnap.cli.app import cli
from bisnap.cli.reference import command_paths, render_reference
from bisnap.emulator.admin_routes import ADMIN_ROUTES
from bisnap.emulator.endpoints.payouts import SEED_BANK_ACCOUNTS
from tests.docs.blocks import ROOT, output_matches, parse_page


# Pages other work adds later; the nav gains them when they land.
def _hooks() -> ModuleType:
    spec = importlib.util.spec_from_file_location("docs_hooks", ROOT / "tools" / "docs_hooks.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_cli_reference_has_every_command_with_its_help() -> None:
    text = render_reference()
    runner = CliRunner()
    paths = command_paths()
    for expected in ("bisnap", "bisnap headers transaction", "bisnap emulator", "bisnap wait-for"):
        assert expected in paths
    for path in paths:
        assert f"`{path}`" in text
        args = path.split()[1:]
        result = runner.invoke(cli, [*args, "--help"], prog_name="bisnap", terminal_width=100)
        assert result.exit_code == 0
        # The command's own --help appears verbatim on the page.
        assert result.output.rstrip() in text, path


def test_hooks_expand_every_placeholder() -> None:
    hooks = _hooks()
    page = "a\n<!-- cli-reference -->\nb\n<!-- admin-routes -->\nc\n<!-- seeded-accounts -->\n"
    expanded = hooks.expand(page)
    assert "<!--" not in expanded
    for route in ADMIN_ROUTES:
        assert f"### `{route.method} {route.path}`" in expanded
    for _, number, name, _ in SEED_BANK_ACCOUNTS:
        assert f"`{number}` | {name}" in expanded
    assert hooks.on_page_markdown("plain", None, None, None) == "plain"


def test_pages_with_placeholders_use_the_known_ones() -> None:
    hooks = _hooks()
    for path in (ROOT / "docs").rglob("*.md"):
        for placeholder in re.findall(r"<!-- [a-z-]+ -->", path.read_text("utf-8")):
            assert placeholder in (*hooks.PLACEHOLDERS, "<!-- docs-test: shell -->"), path


def test_every_page_is_in_the_nav_and_every_nav_entry_exists() -> None:
    config = (ROOT / "mkdocs.yml").read_text("utf-8")
    in_nav = set(re.findall(r":\s+([\w/.-]+\.md)\s*$", config, flags=re.MULTILINE))
    pages = {p.relative_to(ROOT / "docs").as_posix() for p in (ROOT / "docs").rglob("*.md")}
    assert in_nav <= pages, in_nav - pages
    assert pages <= in_nav, pages - in_nav


def test_changelog_page_includes_the_changelog() -> None:
    assert '--8<-- "CHANGELOG.md"' in (ROOT / "docs" / "changelog.md").read_text("utf-8")
    changelog = (ROOT / "CHANGELOG.md").read_text("utf-8")
    assert "## [Unreleased]" in changelog
    assert "## [0.1.0]" in changelog


def test_block_parser_reads_options(tmp_path: Path) -> None:
    page = parse_page(
        tmp_path / "page.md",
        "# t\n\n```python\nx = 1\n```\n\n```python no-run\nboom()\n```\n\n"
        '```python title="app.py"\nAPP = 1\n```\n\n!!! note\n    ```sh\n    echo hi\n    ```\n',
    )
    kinds = [(b.language, b.no_run, b.title, b.text) for b in page.blocks]
    assert kinds == [
        ("python", False, None, "x = 1\n"),
        ("python", True, None, "boom()\n"),
        ("python", False, "app.py", "APP = 1\n"),
        ("sh", False, None, "echo hi\n"),
    ]
    assert page.blocks[0].line == 3
    assert not page.shell_mode


def test_readme_is_a_short_front_door() -> None:
    readme = (ROOT / "README.md").read_text("utf-8")
    assert len(readme.splitlines()) <= 160
    assert '.venv/bin/pip install -e ".[emulator,cli]" && .venv/bin/bisnap demo' in readme
    assert "&& .venv/bin/python -m pytest -q -W error" in readme


@pytest.mark.parametrize(
    ("printed", "comment", "expected"),
    [
        ("2002700", "2002700", True),
        ("00", "00: paid", True),
        ("503", "503, after the retries", True),
        ("('paid', '10000.00')", "('paid', '10000.00')", True),
        ("['a', 'b']", "['a', 'b']: the two kept", True),
        ("1 passed in 0.5s", "1 passed in ...", True),
        ("121f647b773b9b29aa", "121f647b773b9b29... (SHA-256)", True),
        ("01", "00: paid", False),
        ("['a']", "['a', 'b']: the two kept", False),
        ("x", "e.g. anything", None),
    ],
)
def test_printed_output_is_checked_against_the_comment(
    printed: str, comment: str, expected: bool | None
) -> None:
    assert output_matches(printed, comment) is expected
