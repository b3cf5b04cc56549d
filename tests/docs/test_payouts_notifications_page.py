"""docs/guides/payouts-notifications.md: every ```python block runs, in order, in one namespace.

Each ``print(...)  # expected`` line in the page is checked against what it printed.
"""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path
from typing import Any

import pytest

PAGE = Path(__file__).resolve().parents[2] / "docs" / "guides" / "payouts-notifications.md"
BLOCK = re.compile(r"^```python([^\n]*)\n(.*?)^```\s*$", re.MULTILINE | re.DOTALL)
PRINT_COMMENT = re.compile(r"^print\(.*\)\s+#\s(.+)$")


def python_blocks(text: str) -> list[str]:
    """The page's ```python blocks in order, without those marked ``no-run``."""
    return [code for info, code in BLOCK.findall(text) if "no-run" not in info.split()]


def expected_prints(code: str) -> list[str]:
    """What each commented top-level print says it prints."""
    return [m.group(1) for line in code.splitlines() if (m := PRINT_COMMENT.match(line))]


def test_the_page_names_what_users_must_know() -> None:
    text = PAGE.read_text(encoding="utf-8")
    assert "Iris Merchant Key" in text
    assert "Midtrans dashboard" in text
    assert "carry no timestamp" in text
    assert "Transfer Status Inquiry" in text
    for framework in ("FastAPI", "Flask", "Django"):
        assert framework in text


def test_python_blocks_run_in_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("BISNAP_IRIS_MERCHANT_KEY", raising=False)
    blocks = python_blocks(PAGE.read_text(encoding="utf-8"))
    assert len(blocks) >= 8
    namespace: dict[str, Any] = {"__name__": "payouts_notifications_page"}
    for number, code in enumerate(blocks, start=1):
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            exec(compile(code, f"{PAGE.name} block {number}", "exec"), namespace)
        printed = out.getvalue().splitlines()
        for expected in expected_prints(code):
            assert any(line.startswith(expected) for line in printed), (
                f"block {number}: expected a line starting {expected!r}, got {printed!r}"
            )
    shop = namespace["shop"]
    assert shop.payouts["payout-1"] == "failed"
    assert shop.payouts["payout-3"] == "completed"
