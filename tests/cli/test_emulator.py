"""``bisnap emulator``: wiring, configuration errors, a real served emulator."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from bisnap.cli.app import cli

emulator_module = pytest.importorskip("bisnap.emulator")


@pytest.fixture
def env(merchant_public_key_file: Path) -> dict[str, str]:
    return {
        "BISNAP_CLIENT_ID": "G-EMU",
        "BISNAP_CLIENT_SECRET": "emu-secret-value",
        "BISNAP_PARTNER_ID": "G123456",
        "BISNAP_MERCHANT_PUBLIC_KEY": str(merchant_public_key_file),
    }


def test_emulator_builds_the_merchant_and_serves(
    runner: CliRunner, env: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    served: dict[str, Any] = {}

    def fake_serve(emulator: Any, *, host: str, port: int) -> None:
        served.update(emulator=emulator, host=host, port=port)

    monkeypatch.setattr("bisnap.emulator.server.serve", fake_serve)
    out = tmp_path / "gw-public.pem"
    result = runner.invoke(
        cli,
        [
            "emulator",
            "--port",
            "18080",
            "--gateway-public-key-out",
            str(out),
            "--channel-id",
            "95221",
        ],
        env=env,
    )
    assert result.exit_code == 0, result.output
    assert served["host"] == "127.0.0.1"
    assert served["port"] == 18080
    assert "http://127.0.0.1:18080" in result.stdout
    assert out.read_bytes().startswith(b"-----BEGIN PUBLIC KEY-----")
    assert "emu-secret-value" not in result.output


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"BISNAP_MERCHANT_PUBLIC_KEY": None}, "missing merchant public key file"),
        ({"BISNAP_CLIENT_SECRET": None}, "missing client secret"),
        ({"BISNAP_MERCHANT_PUBLIC_KEY": "/nonexistent/key.pem"}, "not found"),
        ({"BISNAP_GATEWAY_PRIVATE_KEY": "/nonexistent/gw.pem"}, "not found"),
        ({"BISNAP_NOTIFY_URL": "not-a-url"}, "--notify-url"),
        ({"BISNAP_CHANNEL_ID": "12"}, "channel"),
    ],
)
def test_emulator_configuration_errors_exit_2_on_one_line(
    runner: CliRunner,
    env: dict[str, str],
    change: dict[str, str | None],
    message: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(tmp_path)  # a generated gateway key is written to the working directory
    for name, value in change.items():
        if value is None:
            del env[name]
        else:
            env[name] = value
    result = runner.invoke(cli, ["emulator"], env=env)
    assert result.exit_code == 2, result.output
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "emu-secret-value" not in result.output


def test_emulator_rejects_a_bad_port(runner: CliRunner, env: dict[str, str]) -> None:
    assert runner.invoke(cli, ["emulator", "--port", "70000"], env=env).exit_code == 2


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.mark.slow
def test_served_emulator_issues_a_token_to_bisnap_token(
    runner: CliRunner,
    env: dict[str, str],
    merchant_key_file: Path,
    tmp_path: Path,
) -> None:
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "bisnap.cli", "emulator", "--port", str(port),
         "--gateway-public-key-out", str(tmp_path / "gw.pem")],
        env={**os.environ, **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 30
        while True:
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", port)) == 0:
                    break
            assert process.poll() is None, process.communicate()
            assert time.monotonic() < deadline, "the emulator did not start"
            time.sleep(0.05)
        result = runner.invoke(
            cli,
            [
                "token",
                "--base-url",
                f"http://127.0.0.1:{port}",
                "--private-key",
                str(merchant_key_file),
            ],
            env=env,
        )
        assert result.exit_code == 0, result.output
        assert result.stdout.strip()
    finally:
        process.terminate()
        process.communicate(timeout=30)


def test_emulator_without_the_extra_says_how_to_install(
    runner: CliRunner, env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def missing(name: str) -> Any:
        raise ModuleNotFoundError("No module named 'starlette'", name="starlette")

    monkeypatch.setattr("bisnap.cli.common.importlib.import_module", missing)
    result = runner.invoke(cli, ["emulator"], env=env)
    assert result.exit_code == 1
    assert "pip install 'bisnap[emulator]'" in result.stderr


@pytest.mark.parametrize(
    ("args", "environ", "expected"),
    [
        ([], {}, "request"),
        (["--notification-signed-path", "relative"], {}, "relative"),
        ([], {"BISNAP_NOTIFICATION_SIGNED_PATH": "relative"}, "relative"),
        (
            ["--notification-signed-path", "request"],
            {"BISNAP_NOTIFICATION_SIGNED_PATH": "relative"},
            "request",
        ),
    ],
)
def test_emulator_signs_notifications_over_the_chosen_path(
    runner: CliRunner,
    env: dict[str, str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    args: list[str],
    environ: dict[str, str],
    expected: str,
) -> None:
    served: dict[str, Any] = {}

    def fake_serve(emulator: Any, *, host: str, port: int) -> None:
        served["emulator"] = emulator

    monkeypatch.setattr("bisnap.emulator.server.serve", fake_serve)
    monkeypatch.chdir(tmp_path)
    env = {**env, **environ, "BISNAP_NOTIFY_URL": "http://127.0.0.1:9/hooks/snap"}
    result = runner.invoke(cli, ["emulator", *args], env=env)
    assert result.exit_code == 0, result.output
    assert served["emulator"].notification_signed_path == expected
    assert f"notifications signed over the {expected} path" in result.stdout


def test_emulator_refuses_an_unknown_signed_path_from_the_environment(
    runner: CliRunner, env: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    env = {**env, "BISNAP_NOTIFICATION_SIGNED_PATH": "full"}
    result = runner.invoke(cli, ["emulator"], env=env)
    assert result.exit_code == 2, result.output
    assert "--notification-signed-path" in result.stderr
