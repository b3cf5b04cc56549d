"""``bisnap emulator --iris-merchant-key --payouts-notify-url`` (and their variables)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from bisnap.cli.app import cli

pytest.importorskip("bisnap.emulator")

KEY = "IRIS-merchant-cli-0000-1111"


@pytest.fixture
def env(merchant_public_key_file: Path, tmp_path: Path) -> dict[str, str]:
    return {
        "BISNAP_CLIENT_ID": "G-EMU",
        "BISNAP_CLIENT_SECRET": "emu-secret-value",
        "BISNAP_PARTNER_ID": "G123456",
        "BISNAP_MERCHANT_PUBLIC_KEY": str(merchant_public_key_file),
    }


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> dict[str, Any]:
    monkeypatch.chdir(tmp_path)
    served: dict[str, Any] = {}

    def fake_serve(emulator: Any, *, host: str, port: int) -> None:
        served["emulator"] = emulator

    monkeypatch.setattr("bisnap.emulator.server.serve", fake_serve)
    return served


def test_flags_configure_payouts_notifications(
    runner: CliRunner, env: dict[str, str], served: dict[str, Any]
) -> None:
    url = "http://127.0.0.1:9000/hooks/payouts"
    argv = ["emulator", "--iris-merchant-key", KEY, "--payouts-notify-url", url]
    result = runner.invoke(cli, argv, env=env)
    assert result.exit_code == 0, result.output
    merchant = served["emulator"].merchant("G-EMU")
    assert merchant.payouts_notify_url == url
    assert merchant.iris_merchant_key is not None
    assert f"payouts notifications: {url}" in result.stdout
    assert KEY not in result.output


def test_environment_variables_configure_payouts_notifications(
    runner: CliRunner, env: dict[str, str], served: dict[str, Any]
) -> None:
    env |= {
        "BISNAP_IRIS_MERCHANT_KEY": KEY,
        "BISNAP_PAYOUTS_NOTIFY_URL": "http://127.0.0.1:9000/p",
    }
    result = runner.invoke(cli, ["emulator"], env=env)
    assert result.exit_code == 0, result.output
    assert served["emulator"].merchant("G-EMU").payouts_notify_url == "http://127.0.0.1:9000/p"


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--payouts-notify-url", "http://127.0.0.1:9000/p"], "--iris-merchant-key"),
        (["--iris-merchant-key", KEY, "--payouts-notify-url", "nope"], "--payouts-notify-url"),
    ],
)
def test_bad_payouts_settings_exit_2(
    runner: CliRunner,
    env: dict[str, str],
    served: dict[str, Any],
    extra: list[str],
    message: str,
) -> None:
    result = runner.invoke(cli, ["emulator", *extra], env=env)
    assert result.exit_code == 2, result.output
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert KEY not in result.output
