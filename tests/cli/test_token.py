"""``bisnap token``: one exchange at the configured gateway; token, type and expiry printed."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from bisnap.cli.app import cli
from bisnap.keys import GeneratedKeyPair, generate_key_pair
from tests.cli.loopback import LoopbackGateway, serve


@pytest.fixture
def gateway(merchant_keys: GeneratedKeyPair) -> Iterator[LoopbackGateway]:
    with serve(LoopbackGateway("G-CLIENT", "secret", merchant_keys.public_key())) as running:
        yield running


def test_token_prints_the_token_only(
    runner: CliRunner, gateway: LoopbackGateway, merchant_key_file: Path
) -> None:
    env = {
        "BISNAP_CLIENT_ID": "G-CLIENT",
        "BISNAP_PRIVATE_KEY": str(merchant_key_file),
        "BISNAP_BASE_URL": gateway.url,
    }
    result = runner.invoke(cli, ["token"], env=env)
    assert result.exit_code == 0, result.output
    assert result.stdout == "loopback-access-token\n"
    assert "Bearer token, expires in 900 s" in result.stderr
    (call,) = gateway.received
    assert call.path == "/v1.0/access-token/b2b"
    assert json.loads(call.body) == {"grantType": "client_credentials"}
    assert call.headers["x-timestamp"].endswith("+07:00")


def test_token_json(runner: CliRunner, gateway: LoopbackGateway, merchant_key_file: Path) -> None:
    result = runner.invoke(
        cli,
        [
            "token", "--json", "--client-id", "G-CLIENT", "--private-key", str(merchant_key_file),
            "--base-url", gateway.url, "--timestamp-style", "utc-z-millis",
        ],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["access_token"] == "loopback-access-token"
    assert document["token_type"] == "Bearer"
    assert document["expires_in"] == 900
    expires_at = datetime.fromisoformat(document["expires_at"])
    assert (
        timedelta(seconds=850)
        < expires_at - datetime.now(expires_at.tzinfo)
        <= timedelta(seconds=900)
    )
    assert gateway.received[0].headers["x-timestamp"].endswith("Z")


def test_refused_signature_is_a_one_line_failure(
    runner: CliRunner, gateway: LoopbackGateway, tmp_path: Path
) -> None:
    other = tmp_path / "other.pem"
    other.write_bytes(generate_key_pair().private_pem)
    result = runner.invoke(
        cli, ["token", "--client-id", "G-CLIENT", "--private-key", str(other)],
        env={"BISNAP_BASE_URL": gateway.url},
    )  # fmt: skip
    assert result.exit_code == 1
    assert result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1
    assert "responseCode 4017300" in result.stderr


def test_missing_client_id_is_a_usage_error(runner: CliRunner, merchant_key_file: Path) -> None:
    result = runner.invoke(cli, ["token", "--private-key", str(merchant_key_file)])
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        "Error: missing client ID: pass --client-id or set BISNAP_CLIENT_ID"
    )


def test_unknown_profile_in_the_environment_is_a_usage_error(
    runner: CliRunner, merchant_key_file: Path
) -> None:
    result = runner.invoke(
        cli,
        ["token", "--client-id", "C", "--private-key", str(merchant_key_file)],
        env={"BISNAP_PROFILE": "prod"},
    )
    assert result.exit_code == 2
    assert "unknown profile 'prod'" in result.stderr


def test_unloadable_ca_bundle_is_a_usage_error(
    runner: CliRunner, merchant_key_file: Path, tmp_path: Path
) -> None:
    result = runner.invoke(
        cli,
        ["token", "--client-id", "C", "--private-key", str(merchant_key_file)],
        env={"BISNAP_CA_BUNDLE": str(tmp_path / "missing-ca.pem")},
    )
    assert result.exit_code == 2
    assert result.stderr.strip() == "Error: the CA bundle could not be loaded: FileNotFoundError"
