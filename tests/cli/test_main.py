"""The entry point: install hint without click, help as documentation, exit statuses."""

from __future__ import annotations

import subprocess
import sys

import click
import pytest
from click.testing import CliRunner

from bisnap import __version__
from bisnap.cli import main
from bisnap.cli.app import cli


def test_without_click_prints_how_to_install_and_exits_1(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(sys.modules, "click", None)  # makes `import click` raise ImportError
    assert main(["--help"]) == 1
    captured = capsys.readouterr()
    assert "pip install 'bisnap[cli]'" in captured.err
    assert captured.out == ""


def test_main_returns_the_command_status(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--version"]) == 0
    assert __version__ in capsys.readouterr().out
    assert main(["no-such-command"]) == 2


@pytest.mark.slow
def test_module_runs_as_a_script() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "bisnap.cli", "--help"], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0
    assert "Usage: bisnap" in done.stdout


def test_help_documents_every_command_and_setting(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["--help"])
    assert result.exit_code == 0
    for command in ("keygen", "token", "headers", "sign", "verify", "emulator", "demo"):
        assert f"\n  {command} " in result.stdout
    for variable in (
        "BISNAP_CLIENT_ID",
        "BISNAP_CLIENT_SECRET",
        "BISNAP_PRIVATE_KEY",
        "BISNAP_PARTNER_ID",
        "BISNAP_CHANNEL_ID",
        "BISNAP_BASE_URL",
    ):
        assert variable in result.stdout


@pytest.mark.parametrize(
    "args",
    [
        ["keygen"],
        ["token"],
        ["headers", "token"],
        ["headers", "transaction"],
        ["sign", "token"],
        ["sign", "transaction"],
        ["sign", "asymmetric"],
        ["verify"],
        ["emulator"],
        ["demo"],
    ],
)
def test_every_command_has_help(runner: CliRunner, args: list[str]) -> None:
    result = runner.invoke(cli, [*args, "--help"])
    assert result.exit_code == 0, result.output
    assert f"Usage: cli {' '.join(args)} [OPTIONS]" in result.stdout
    assert len(result.stdout.splitlines()) > 3


def test_help_never_shows_secret_values_from_the_environment(runner: CliRunner) -> None:
    env = {
        "BISNAP_CLIENT_SECRET": "s3cr3t-value-xyz",
        "BISNAP_PRIVATE_KEY": "-----BEGIN PRIVATE KEY-----\nAAAAsecretkeybody\n",
        "BISNAP_ACCESS_TOKEN": "tok-value-abc",
    }
    for args in (
        ["headers", "transaction", "--help"],
        ["sign", "transaction", "--help"],
        ["token", "--help"],
        ["emulator", "--help"],
    ):
        result = runner.invoke(cli, args, env=env)
        assert result.exit_code == 0
        for secret in ("s3cr3t-value-xyz", "secretkeybody", "tok-value-abc"):
            assert secret not in result.output


def test_unknown_option_is_a_usage_error(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["sign", "token", "--no-such-flag"])
    assert result.exit_code == 2


def test_a_command_loads_only_its_own_module() -> None:
    script = (
        "import sys\n"
        "from bisnap.cli import main\n"
        "status = main(['keygen', '--help'])\n"
        "loaded = sorted(name for name in sys.modules if name.startswith('bisnap'))\n"
        "print(status, *loaded)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=60
    )
    status, *loaded = done.stdout.splitlines()[-1].split()
    assert status == "0"
    assert "bisnap.cli.keygen" in loaded
    others = ["bisnap.cli.headers", "bisnap.cli.emulator", "bisnap.emulator", "bisnap.client"]
    assert [name for name in others if name in loaded] == []


def test_every_listed_command_loads_and_unknown_ones_do_not() -> None:
    context = click.Context(cli, info_name="bisnap")
    names = cli.list_commands(context)
    assert names == sorted(names)
    assert {"demo", "doctor", "emulator", "headers", "keygen", "sign", "token"} < set(names)
    assert {"verify", "wait-for"} < set(names)
    for name in names:
        command = cli.get_command(context, name)
        assert command is not None
        assert command.name == name
    assert cli.get_command(context, "no-such-command") is None
