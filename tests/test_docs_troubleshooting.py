"""docs/troubleshooting.md: every python block runs, in order, in one namespace, in a temporary
directory; every ``bisnap`` line of its sh blocks runs against the real command line."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
from click.testing import CliRunner

from bisnap.cli.app import cli

PAGE = Path(__file__).resolve().parent.parent / "docs" / "troubleshooting.md"
_BLOCK = re.compile(r"^```(\w+)([^\n]*)\n(.*?)^```", re.M | re.S)


def blocks(language: str) -> list[str]:
    text = PAGE.read_text(encoding="utf-8")
    return [
        body
        for lang, info, body in _BLOCK.findall(text)
        if lang == language and "no-run" not in info
    ]


def test_page_python_blocks_run_and_sh_examples_match_the_cli(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    for name in ("BISNAP_CLIENT_SECRET", "BISNAP_PRIVATE_KEY", "BISNAP_GATEWAY_PUBLIC_KEY"):
        monkeypatch.delenv(name, raising=False)
    python = blocks("python")
    assert python, "the page has python examples"
    namespace: dict[str, object] = {"__name__": "docs_troubleshooting"}
    for number, source in enumerate(python):
        code = compile(source, f"{PAGE.name} python block {number + 1}", "exec")
        exec(code, namespace)

    runner = CliRunner()
    env: dict[str, str] = {}
    commands = 0
    for source in blocks("sh"):
        for line in source.splitlines():
            words = shlex.split(line)
            if words[:1] == ["export"]:
                name, _, value = words[1].partition("=")
                env[name] = value
            elif words[:1] == ["bisnap"]:
                commands += 1
                result = runner.invoke(cli, words[1:], env=env)
                # The documented case is a refused signature explained: exit 1, the cause named.
                assert result.exit_code == 1, (line, result.output)
                assert "body-escapes-differ" in result.output
                assert "my-client-secret" not in result.output
    assert commands >= 2
