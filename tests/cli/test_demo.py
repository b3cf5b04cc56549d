"""``bisnap demo``: its exit status is the flow's, a missing flow is one line, a real run."""

from __future__ import annotations

import os
import subprocess
import sys
import types
from typing import Any

import pytest
from click.testing import CliRunner

from bisnap.cli.app import cli


def test_demo_exit_status_is_the_demo_result(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = types.ModuleType("bisnap.cli.demo_flow")
    calls: list[dict[str, Any]] = []
    for status in (0, 1):

        def run_demo(status: int = status, **options: Any) -> int:
            calls.append(options)
            options["echo"](f"step ran, status {status}")
            return status

        fake.run_demo = run_demo  # type: ignore[attr-defined]
        monkeypatch.setitem(sys.modules, "bisnap.cli.demo_flow", fake)
        result = runner.invoke(cli, ["demo", "--timeout", "3"])
        assert result.exit_code == status
        assert result.stdout == f"step ran, status {status}\n"
    assert [(c["host"], c["timeout"]) for c in calls] == [("127.0.0.1", 3.0)] * 2


def test_demo_missing_is_a_clear_failure(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "bisnap.cli.demo_flow", None)
    result = runner.invoke(cli, ["demo"])
    assert result.exit_code == 1
    assert result.stderr.strip() == "Error: the demo is not available in this installation"


@pytest.mark.slow
def test_demo_runs_end_to_end_through_the_command_line() -> None:
    pytest.importorskip("bisnap.cli.demo_flow")
    done = subprocess.run(
        [sys.executable, "-m", "bisnap.cli", "demo"],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
        env={k: v for k, v in os.environ.items() if not k.startswith("BISNAP_")},
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "all steps verified" in done.stdout
    assert "FAIL" not in done.stdout


def test_the_old_import_path_is_the_same_flow() -> None:
    pytest.importorskip("bisnap.emulator")
    import bisnap.demo
    from bisnap.cli import demo_flow

    assert bisnap.demo.run_demo is demo_flow.run_demo
    assert bisnap.demo.DemoStep is demo_flow.DemoStep
    assert bisnap.demo.__all__ == ["DemoStep", "run_demo"]
