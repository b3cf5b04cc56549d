"""Option groups: flags in order, one object per group, env fallback, secrets kept out of repr."""

from __future__ import annotations

import inspect
from dataclasses import dataclass
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from bisnap.cli.app import cli
from bisnap.cli.common import translate_errors
from bisnap.cli.options import (
    ConnectionOptions,
    CredentialOptions,
    GatewayOptions,
    connection_options,
    credential_options,
    gateway_options,
    option_group,
)
from bisnap.gateways import MIDTRANS_PRODUCTION, MIDTRANS_SANDBOX
from bisnap.timestamps import TimestampStyle


@dataclass(frozen=True)
class _Pair:
    first: str
    second: int


def test_a_group_passes_one_object_and_leaves_other_arguments_alone(runner: CliRunner) -> None:
    seen: list[object] = []

    @click.command()
    @click.option("--before")
    @option_group(
        "pair",
        _Pair,
        click.option("--first", default="a"),
        click.option("--second", type=int, default=1),
    )
    @click.option("--after", is_flag=True)
    def command(before: str | None, pair: _Pair, after: bool) -> None:
        seen.append((before, pair, after))

    result = runner.invoke(command, ["--second", "7", "--before", "b", "--after"])
    assert result.exit_code == 0, result.output
    assert seen == [("b", _Pair("a", 7), True)]
    flags = [param.opts[0] for param in command.params]
    assert flags == ["--before", "--first", "--second", "--after"]


def test_credential_flags_come_in_the_order_asked_with_the_overridden_help(
    runner: CliRunner,
) -> None:
    @click.command()
    @credential_options(
        "partner_id", "client_id", help_texts={"client_id": "Who calls [env: {env}]."}
    )
    def command(creds: CredentialOptions) -> None:
        click.echo(repr(creds))

    assert [param.opts[0] for param in command.params] == ["--partner-id", "--client-id"]
    text = runner.invoke(command, ["--help"]).output
    assert "Who calls [env: BISNAP_CLIENT_ID]." in text
    assert "X-PARTNER-ID [env: BISNAP_PARTNER_ID]." in text
    result = runner.invoke(command, ["--client-id", "C-1"])
    assert result.output.strip() == (
        "CredentialOptions(client_id='C-1', partner_id=None, channel_id=None)"
    )


def test_credential_secrets_never_appear_in_repr() -> None:
    creds = CredentialOptions(
        client_id="C-1",
        client_secret="secret-value-1",
        private_key="-----BEGIN PRIVATE KEY-----abc",
        private_key_password="password-value-2",
    )
    text = repr(creds)
    for secret in ("secret-value-1", "BEGIN PRIVATE KEY", "password-value-2"):
        assert secret not in text


def _credential_probe() -> click.Command:
    @click.command()
    @credential_options("client_id", "client_secret")
    @translate_errors
    def probe(creds: CredentialOptions) -> None:
        click.echo(f"{creds.require('client_id')} {creds.get('client_secret')}")

    return probe


def test_a_credential_flag_wins_over_the_environment(runner: CliRunner) -> None:
    environ = {"BISNAP_CLIENT_ID": "from-env", "BISNAP_CLIENT_SECRET": "env-secret"}
    result = runner.invoke(_credential_probe(), ["--client-id", "from-flag"], env=environ)
    assert result.output == "from-flag env-secret\n"
    result = runner.invoke(_credential_probe(), [], env=environ)
    assert result.output == "from-env env-secret\n"


def test_a_missing_credential_names_its_flag_and_variable(runner: CliRunner) -> None:
    result = runner.invoke(_credential_probe(), [])
    assert result.exit_code == 2
    assert result.stderr == ("Error: missing client ID: pass --client-id or set BISNAP_CLIENT_ID\n")


def _gateway_probe() -> click.Command:
    @click.command()
    @gateway_options
    @connection_options
    @translate_errors
    def probe(gateway: GatewayOptions, connection: ConnectionOptions) -> None:
        profile = gateway.resolve()
        click.echo(f"{profile.base_url} {profile.timestamp_style.value}")
        click.echo(f"{connection.ca_bundle} {connection.allow_insecure_http}")

    return probe


def test_the_gateway_comes_from_the_profile_base_url_and_style(runner: CliRunner) -> None:
    result = runner.invoke(_gateway_probe(), [])
    assert result.output.splitlines() == [
        f"{MIDTRANS_SANDBOX.base_url} {MIDTRANS_SANDBOX.timestamp_style.value}",
        "None False",
    ]
    result = runner.invoke(
        _gateway_probe(),
        ["--timestamp-style", TimestampStyle.UTC_Z.value, "--allow-insecure-http"],
        env={"BISNAP_PROFILE": "production", "BISNAP_CA_BUNDLE": "ignored-until-used"},
    )
    assert result.output.splitlines() == [
        f"{MIDTRANS_PRODUCTION.base_url} {TimestampStyle.UTC_Z.value}",
        "None True",
    ]
    result = runner.invoke(_gateway_probe(), ["--base-url", "http://127.0.0.1:8080"])
    assert result.output.splitlines()[0].startswith("http://127.0.0.1:8080 ")


def test_an_unknown_profile_in_the_environment_is_a_usage_error(runner: CliRunner) -> None:
    result = runner.invoke(_gateway_probe(), [], env={"BISNAP_PROFILE": "moon"})
    assert result.exit_code == 2
    assert "unknown profile 'moon' in BISNAP_PROFILE" in result.stderr


def _commands(command: click.Command, path: str) -> list[tuple[str, click.Command]]:
    found = [(path, command)]
    if isinstance(command, click.Group):
        context = click.Context(command, info_name=path)
        for name in command.list_commands(context):
            sub = command.get_command(context, name)
            assert sub is not None, f"{path} lists {name!r} but cannot load it"
            found += _commands(sub, f"{path} {name}")
    return found


def test_no_command_function_takes_more_than_six_parameters() -> None:
    counts = {
        path: len(inspect.signature(command.callback).parameters)
        for path, command in _commands(cli, "bisnap")
        if command.callback is not None
    }
    assert "bisnap headers transaction" in counts
    assert {path: n for path, n in counts.items() if n > 6} == {}


def test_an_env_file_feeds_the_groups(runner: CliRunner, tmp_path: Path) -> None:
    env_file = tmp_path / "bisnap.env"
    env_file.write_text("BISNAP_CLIENT_ID=from-file\n", encoding="utf-8")

    @click.group()
    @click.option("--env-file")
    @click.pass_context
    def root(ctx: click.Context, env_file: str | None) -> None:
        from bisnap.cli.config import Settings

        ctx.obj = Settings.load(env_file)

    root.add_command(_credential_probe(), "probe")
    result = runner.invoke(root, ["--env-file", str(env_file), "probe"], env={})
    assert result.output == "from-file None\n"


@pytest.mark.parametrize("name", ["client_secret", "private_key", "private_key_password"])
def test_each_secret_field_is_hidden_on_its_own(name: str) -> None:
    creds = CredentialOptions(**{name: "hidden-value-3"})
    assert "hidden-value-3" not in repr(creds)
