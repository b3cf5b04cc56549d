"""The README's "Typed Core API" example runs as written."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[2] / "README.md"


def _example() -> str:
    text = README.read_text("utf-8")
    section = text.split("\n## Typed Core API\n", 1)[1].split("\n## ", 1)[0]
    match = re.search(r"```python\n(.*?)```", section, re.S)
    assert match is not None
    return match.group(1)


def test_typed_core_api_example_runs(capsys: pytest.CaptureFixture[str]) -> None:
    exec(compile(_example(), "README.md#typed-core-api", "exec"), {"__name__": "readme"})
    printed = capsys.readouterr().out.split()
    assert printed == ["00", "00", "direct_debit.status", "03", "00"]
