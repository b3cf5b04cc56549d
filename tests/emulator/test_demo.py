"""``bisnap demo`` end to end: emulator and receiver over loopback HTTP, the typed client."""

from __future__ import annotations

import pytest

from bisnap.cli import demo_flow as demo
from bisnap.cli.demo_flow import run_demo


@pytest.mark.slow
def test_demo_verifies_every_step() -> None:
    lines: list[str] = []
    assert run_demo(echo=lines.append) == 0
    steps = [line for line in lines if line[:4].strip().rstrip(".").isdigit()]
    assert len(steps) == 13
    assert all(" ok " in line for line in steps), "\n".join(lines)
    assert lines[-1].startswith("all steps verified: 13 verified")
    assert any("RSA signature verified" in line for line in steps)
    assert any("Iris-Signature verified" in line and "completed" in line for line in steps)


@pytest.mark.slow
def test_demo_fails_when_a_step_does_not_verify(monkeypatch: pytest.MonkeyPatch) -> None:
    def wrong(self: object) -> str:
        raise demo.DemoCheckFailed("paymentFlagStatus 03, expected 00")

    monkeypatch.setattr(demo._Flow, "va_status", wrong)
    lines: list[str] = []
    assert run_demo(echo=lines.append) == 1
    assert any("FAIL" in line and "paymentFlagStatus 03" in line for line in lines)
    assert lines[-1].startswith("DEMO FAILED: 12 verified, 1 failed")


def test_demo_reports_a_set_up_failure_on_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object) -> list[demo.DemoStep]:
        raise OSError("address already in use")

    monkeypatch.setattr(demo, "_run_on_loopback", broken)
    lines: list[str] = []
    assert run_demo(echo=lines.append) == 1
    assert lines[-1] == ("DEMO FAILED: could not set up the demo: OSError: address already in use")
