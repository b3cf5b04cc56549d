"""``bisnap headers token|transaction``: complete header sets in every format."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest
from click.testing import CliRunner

from bisnap.cli.app import cli
from bisnap.keys import GeneratedKeyPair
from bisnap.signing import (
    asymmetric_string_to_sign,
    token_string_to_sign,
    transaction_string_to_sign,
    verify_hmac,
    verify_rsa,
)
from tests.cli import vectors as V

BODY = b'{"partnerServiceId":"   70012","virtualAccountName":"Zo\xc3\xab O\'Hara","trxId":"1"}'
SECRET = "client-secret-value"
TOKEN = "bearer-token-value"


@pytest.fixture
def env(merchant_key_file: Path) -> dict[str, str]:
    return {
        "BISNAP_CLIENT_ID": "G-CLIENT",
        "BISNAP_CLIENT_SECRET": SECRET,
        "BISNAP_PRIVATE_KEY": str(merchant_key_file),
        "BISNAP_PARTNER_ID": "G123456",
        "BISNAP_CHANNEL_ID": "95221",
        "BISNAP_BASE_URL": "http://127.0.0.1:9",
    }


@pytest.fixture
def body_file(tmp_path: Path) -> Path:
    path = tmp_path / "body.json"
    path.write_bytes(BODY)
    return path


def as_json(runner: CliRunner, args: list[str], env: dict[str, str]) -> dict[str, object]:
    result = runner.invoke(cli, [*args, "--format", "json"], env=env)
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert isinstance(document, dict)
    return document


def test_token_headers_match_the_published_vector(runner: CliRunner, tmp_path: Path) -> None:
    key = tmp_path / "demo.pem"
    key.write_text(V.DEMO_PRIVATE_KEY_PEM)
    document = as_json(
        runner,
        [
            "headers", "token", "--client-id", V.TOKEN_CLIENT_ID, "--private-key", str(key),
            "--timestamp", V.TOKEN_TIMESTAMP, "--profile", "production",
        ],
        {},
    )  # fmt: skip
    assert document["method"] == "POST"
    assert document["url"] == "https://merchants.midtrans.com/v1.0/access-token/b2b"
    assert document["headers"] == {
        "Content-Type": "application/json",
        "X-TIMESTAMP": V.TOKEN_TIMESTAMP,
        "X-CLIENT-KEY": V.TOKEN_CLIENT_ID,
        "X-SIGNATURE": V.TOKEN_SIGNATURE,
    }
    assert document["body"] == '{"grantType":"client_credentials"}'


def test_token_headers_default_to_now_on_the_sandbox(
    runner: CliRunner, env: dict[str, str], merchant_keys: GeneratedKeyPair
) -> None:
    del env["BISNAP_BASE_URL"]
    document = as_json(runner, ["headers", "token"], env)
    assert document["url"] == "https://merchants.sbx.midtrans.com/v1.0/access-token/b2b"
    headers = document["headers"]
    assert isinstance(headers, dict)
    assert headers["X-TIMESTAMP"].endswith("+07:00")
    verify_rsa(
        merchant_keys.public_key(),
        token_string_to_sign("G-CLIENT", headers["X-TIMESTAMP"]),
        headers["X-SIGNATURE"],
    )


def test_transaction_headers_are_complete_and_sign_the_exact_body(
    runner: CliRunner, env: dict[str, str], body_file: Path
) -> None:
    document = as_json(
        runner,
        [
            "headers", "transaction", "--path", "/v1.0/transfer-va/create-va",
            "--body", str(body_file), "--token", TOKEN, "--external-id", "1",
            "--device-id", "android-1", "--ip-address", "103.15.226.50",
            "--latitude", "-6.2088", "--longitude", "106.8456",
            "--customer-token", "cust-token", "--header", "X-Extra: yes",
        ],
        env,
    )  # fmt: skip
    assert document["url"] == "http://127.0.0.1:9/v1.0/transfer-va/create-va"
    assert document["body"] == BODY.decode()
    headers = document["headers"]
    assert isinstance(headers, dict)
    timestamp = headers.pop("X-TIMESTAMP")
    signature = headers.pop("X-SIGNATURE")
    assert headers == {
        "Content-Type": "application/json",
        "Authorization": f"Bearer {TOKEN}",
        "X-PARTNER-ID": "G123456",
        "X-EXTERNAL-ID": "1",
        "CHANNEL-ID": "95221",
        "X-DEVICE-ID": "android-1",
        "X-IP-ADDRESS": "103.15.226.50",
        "X-LATITUDE": "-6.2088",
        "X-LONGITUDE": "106.8456",
        "Authorization-Customer": "Bearer cust-token",
        "X-Extra": "yes",
    }
    sts = transaction_string_to_sign("POST", "/v1.0/transfer-va/create-va", TOKEN, BODY, timestamp)
    verify_hmac(SECRET, sts, signature)


def test_transaction_vector_through_headers(runner: CliRunner, tmp_path: Path) -> None:
    body = tmp_path / "qr.json"
    body.write_text(V.TRANSACTION_BODY)
    document = as_json(
        runner,
        [
            "headers", "transaction", "--path", V.TRANSACTION_PATH, "--body", str(body),
            "--token", V.TRANSACTION_TOKEN, "--timestamp", V.TRANSACTION_TIMESTAMP,
            "--client-secret", V.TRANSACTION_SECRET, "--partner-id", "P", "--channel-id", "12345",
        ],
        {},
    )  # fmt: skip
    headers = document["headers"]
    assert isinstance(headers, dict)
    assert headers["X-SIGNATURE"] == V.TRANSACTION_SIGNATURE
    assert document["body"] == V.TRANSACTION_BODY  # sent as given ...

    document = as_json(
        runner,
        [
            "headers", "transaction", "--path", V.TRANSACTION_PATH, "--body", str(body),
            "--token", V.TRANSACTION_TOKEN, "--timestamp", V.TRANSACTION_TIMESTAMP,
            "--client-secret", V.TRANSACTION_SECRET, "--partner-id", "P", "--channel-id", "12345",
            "--minify",
        ],
        {},
    )  # fmt: skip
    assert document["body"] == V.TRANSACTION_MINIFIED  # ... or minified: same signature
    headers = document["headers"]
    assert isinstance(headers, dict)
    assert headers["X-SIGNATURE"] == V.TRANSACTION_SIGNATURE


def test_asymmetric_scheme_signs_with_the_private_key(
    runner: CliRunner, env: dict[str, str], body_file: Path, merchant_keys: GeneratedKeyPair
) -> None:
    del env["BISNAP_CLIENT_SECRET"]
    document = as_json(
        runner,
        [
            "headers", "transaction", "--path", "/v1.0/transfer-va/create-va",
            "--body", str(body_file), "--token", TOKEN, "--scheme", "asymmetric",
        ],
        env,
    )  # fmt: skip
    headers = document["headers"]
    assert isinstance(headers, dict)
    sts = asymmetric_string_to_sign(
        "POST", "/v1.0/transfer-va/create-va", BODY, headers["X-TIMESTAMP"]
    )
    verify_rsa(merchant_keys.public_key(), sts, headers["X-SIGNATURE"])


@pytest.mark.parametrize("fmt", ["curl", "httpie", "env", "http"])
def test_every_format_carries_the_signature_and_body(
    runner: CliRunner, env: dict[str, str], body_file: Path, fmt: str
) -> None:
    args = [
        "headers", "transaction", "--path", "/v1.0/transfer-va/create-va", "--body",
        str(body_file), "--token", TOKEN, "--timestamp", "2024-03-15T10:35:00+07:00",
        "--external-id", "1",
    ]  # fmt: skip
    reference = as_json(runner, args, env)
    headers = reference["headers"]
    assert isinstance(headers, dict)
    result = runner.invoke(cli, [*args, "--format", fmt], env=env)
    assert result.exit_code == 0, result.output
    assert headers["X-SIGNATURE"].encode() in result.stdout_bytes
    assert b"Zo\xc3\xab O" in result.stdout_bytes
    assert SECRET.encode() not in result.stdout_bytes + result.stderr_bytes


def test_missing_token_and_client_id_is_a_usage_error(
    runner: CliRunner, env: dict[str, str], body_file: Path
) -> None:
    del env["BISNAP_CLIENT_ID"]
    result = runner.invoke(
        cli, ["headers", "transaction", "--path", "/v1.0/x", "--body", str(body_file)], env=env
    )
    assert result.exit_code == 2
    assert "missing access token" in result.stderr


@pytest.mark.parametrize(
    ("drop", "flag"),
    [
        ("BISNAP_PARTNER_ID", "--partner-id"),
        ("BISNAP_CHANNEL_ID", "--channel-id"),
        ("BISNAP_CLIENT_SECRET", "--client-secret"),
    ],
)
def test_missing_settings_name_flag_and_variable(
    runner: CliRunner, env: dict[str, str], body_file: Path, drop: str, flag: str
) -> None:
    del env[drop]
    result = runner.invoke(
        cli,
        ["headers", "transaction", "--path", "/v1.0/x", "--body", str(body_file), "--token", "t"],
        env=env,
    )
    assert result.exit_code == 2
    assert result.stderr.strip().endswith(f"pass {flag} or set {drop}")
    assert SECRET not in result.output


def test_bad_inputs_are_one_line_usage_errors(
    runner: CliRunner, env: dict[str, str], tmp_path: Path
) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    base = ["headers", "transaction", "--path", "/v1.0/x", "--token", "t"]
    for args in (
        [*base, "--body", str(bad)],
        [*base, "--body", str(tmp_path / "missing.json")],
        [*base, "--header", "no-colon"],
        [*base, "--external-id", "x" * 37],
        [*base, "--base-url", "ftp://nope"],
        ["headers", "transaction", "--path", "v1.0/no-slash", "--token", "t"],
    ):
        result = runner.invoke(cli, args, env=env)
        assert result.exit_code == 2, (args, result.output)
        assert len(result.stderr.strip().splitlines()) == 1, result.stderr


def test_unreachable_gateway_when_fetching_a_token_is_a_failure(
    runner: CliRunner, env: dict[str, str], body_file: Path
) -> None:
    with socket.socket() as probe:  # a loopback port that nothing listens on
        probe.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{probe.getsockname()[1]}"
    env["BISNAP_BASE_URL"] = closed
    result = runner.invoke(
        cli, ["headers", "transaction", "--path", "/v1.0/x", "--body", str(body_file)], env=env
    )
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: could not reach the token endpoint {closed}")


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("/v1.0/transfer-va/create-va", "trxId"),
        ("/v1.0/qr/qr-mpm-generate", "partnerReferenceNo"),
        ("/v1.0/qr/qr-mpm-refund", "partnerRefundNo"),
    ],
)
def test_headers_fill_external_id_from_the_tied_body_field(
    runner: CliRunner, env: dict[str, str], tmp_path: Path, path: str, field: str
) -> None:
    body = tmp_path / "tied.json"
    body.write_text(json.dumps({field: "inv-2024-77", "merchantId": "G1"}))
    base = ["headers", "transaction", "--path", path, "--body", str(body), "--token", TOKEN]
    document = as_json(runner, base, env)
    headers = document["headers"]
    assert isinstance(headers, dict)
    assert headers["X-EXTERNAL-ID"] == "inv-2024-77"
    # Given explicitly and equal: accepted; different: a usage error naming both values.
    same = as_json(runner, [*base, "--external-id", "inv-2024-77"], env)["headers"]
    assert isinstance(same, dict)
    assert same["X-EXTERNAL-ID"] == "inv-2024-77"
    refused = runner.invoke(cli, [*base, "--external-id", "999"], env=env)
    assert refused.exit_code == 2
    assert field in refused.output
    assert "999" in refused.output


def test_headers_keep_a_generated_external_id_where_nothing_is_tied(
    runner: CliRunner, env: dict[str, str], tmp_path: Path
) -> None:
    body = tmp_path / "status.json"
    body.write_text(json.dumps({"trxId": "inv-1", "originalExternalId": "inv-1"}))
    document = as_json(
        runner,
        ["headers", "transaction", "--path", "/v1.0/debit/status", "--body", str(body),
         "--token", TOKEN],
        env,
    )  # fmt: skip
    headers = document["headers"]
    assert isinstance(headers, dict)
    assert headers["X-EXTERNAL-ID"].isdigit()
