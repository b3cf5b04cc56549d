"""docs/guides/performance.md: every ```python block runs, in order, in one namespace, in a
temporary working directory (as the docs build will run it)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

PAGE = Path(__file__).resolve().parents[2] / "docs" / "guides" / "performance.md"
_BLOCK = re.compile(r"^```python([^\n]*)\n(.*?)^```", re.MULTILINE | re.DOTALL)


def python_blocks(text: str) -> list[str]:
    """The page's python blocks, without the ones marked ``no-run``."""
    return [code for info, code in _BLOCK.findall(text) if "no-run" not in info.split()]


def test_the_block_finder_skips_no_run_blocks() -> None:
    text = "```python\na = 1\n```\n\n```python no-run\nraise SystemExit\n```\n```sh\nls\n```\n"
    assert python_blocks(text) == ["a = 1\n"]


@pytest.mark.slow
def test_every_python_block_of_the_performance_guide_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocks = python_blocks(PAGE.read_text(encoding="utf-8"))
    assert len(blocks) >= 3
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, object] = {"__name__": "performance_guide"}
    for number, code in enumerate(blocks, start=1):
        exec(compile(code, f"{PAGE.name} block {number}", "exec"), namespace)
