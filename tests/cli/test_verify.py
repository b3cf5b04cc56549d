"""``bisnap verify``: exit 0 valid, 1 invalid with the failing step, 2 usage error."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from click.testing import CliRunner

from bisnap.cli.app import cli
from bisnap.keys import GeneratedKeyPair
from bisnap.signing import asymmetric_string_to_sign, sign_rsa
from bisnap.timestamps import TimestampStyle, format_timestamp
from tests.cli import vectors as V


@pytest.fixture
def public_key(tmp_path: Path) -> Path:
    path = tmp_path / "gateway-public.pem"
    path.write_text(V.DEMO_PUBLIC_KEY_PEM)
    return path


@pytest.fixture
def body(tmp_path: Path) -> Path:
    path = tmp_path / "notification.json"
    path.write_text(V.RECEIVED_BODY)
    return path


def args(public_key: Path, body: Path, **overrides: str) -> list[str]:
    values = {
        "--public-key": str(public_key),
        "--path": V.NOTIFY_PATH,
        "--timestamp": V.RECEIVED_TIMESTAMP,
        "--signature": V.RECEIVED_SIGNATURE,
        "--body": str(body),
        **overrides,
    }
    return ["verify", *[item for pair in values.items() for item in pair]]


def test_published_notification_is_valid(runner: CliRunner, public_key: Path, body: Path) -> None:
    result = runner.invoke(cli, args(public_key, body))
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("valid: ")


def test_show_stages_prints_the_published_digest_and_string(
    runner: CliRunner, public_key: Path, body: Path
) -> None:
    result = runner.invoke(cli, [*args(public_key, body), "--show-stages"])
    assert result.exit_code == 0, result.output
    assert f"body-sha256:    {V.RECEIVED_DIGEST}\n" in result.stdout
    assert f"string-to-sign: {V.RECEIVED_STRING_TO_SIGN}\n" in result.stdout


def test_public_key_from_the_environment(runner: CliRunner, body: Path, public_key: Path) -> None:
    argv = args(public_key, body)
    del argv[1:3]  # drop --public-key
    result = runner.invoke(cli, argv, env={"BISNAP_GATEWAY_PUBLIC_KEY": V.DEMO_PUBLIC_KEY_PEM})
    assert result.exit_code == 0, result.output


def test_edited_body_is_invalid_at_the_signature_step(
    runner: CliRunner, public_key: Path, tmp_path: Path
) -> None:
    edited = tmp_path / "edited.json"
    edited.write_text(V.RECEIVED_BODY.replace("102800.00", "102800.01"))
    result = runner.invoke(cli, args(public_key, edited))
    assert result.exit_code == 1
    assert result.stderr.startswith("invalid: signature: ")


def test_whitespace_outside_strings_does_not_matter(
    runner: CliRunner, public_key: Path, tmp_path: Path
) -> None:
    pretty = tmp_path / "pretty.json"
    pretty.write_text(V.RECEIVED_BODY.replace(",", ",\n  ").replace("{", "{ "))
    result = runner.invoke(cli, args(public_key, pretty))
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize(
    ("override", "step"),
    [
        ({"--path": "/v1.0/qr/qr-mpm-notify"}, "signature"),
        ({"--timestamp": "2024-05-02T14:43:09+07:00"}, "signature"),
        ({"--timestamp": "2024-05-02 14:43:08"}, "timestamp"),
        ({"--timestamp": "yesterday"}, "timestamp"),
        ({"--signature": "not base64!"}, "signature"),
        ({"--signature": V.RECEIVED_SIGNATURE[:-8] + "AAAAAA=="}, "signature"),
        ({"--method": "PUT"}, "signature"),
    ],
)
def test_each_tampered_input_names_its_step(
    runner: CliRunner, public_key: Path, body: Path, override: dict[str, str], step: str
) -> None:
    result = runner.invoke(cli, args(public_key, body, **override))
    assert result.exit_code == 1, result.output
    assert result.stderr.startswith(f"invalid: {step}: ")
    assert result.stdout == ""


def test_body_that_is_not_json_is_invalid_at_the_body_step(
    runner: CliRunner, public_key: Path, tmp_path: Path
) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text(V.RECEIVED_BODY[:-1])
    result = runner.invoke(cli, args(public_key, broken))
    assert result.exit_code == 1
    assert result.stderr.startswith("invalid: body: ")


def test_wrong_key_is_invalid(
    runner: CliRunner, body: Path, merchant_public_key_file: Path
) -> None:
    result = runner.invoke(cli, args(merchant_public_key_file, body))
    assert result.exit_code == 1
    assert result.stderr.startswith("invalid: signature: ")


def test_max_age_checks_the_window_after_the_signature(
    runner: CliRunner, tmp_path: Path, gateway_keys: GeneratedKeyPair, body: Path
) -> None:
    key = tmp_path / "gw.pem"
    key.write_bytes(gateway_keys.public_pem)
    now = datetime.now(timezone.utc)
    fresh = format_timestamp(now, TimestampStyle.JAKARTA)
    stale = format_timestamp(now - timedelta(minutes=10), TimestampStyle.JAKARTA)
    for timestamp, expected in ((fresh, 0), (stale, 1)):
        signature = sign_rsa(
            gateway_keys.private_key(),
            asymmetric_string_to_sign("POST", V.NOTIFY_PATH, V.RECEIVED_BODY, timestamp),
        )
        argv = args(key, body, **{"--timestamp": timestamp, "--signature": signature})
        result = runner.invoke(cli, [*argv, "--max-age", "300"])
        assert result.exit_code == expected, result.output
        # without --max-age a saved (old) notification still verifies
        assert runner.invoke(cli, argv).exit_code == 0
    assert "invalid: timestamp-window: " in result.stderr


@pytest.mark.parametrize(
    "argv_change",
    [
        lambda a: a[:-2],  # no --body
        lambda a: [*a, "--max-age", "0"],
        lambda a: [x if x != V.NOTIFY_PATH else "v1.0/debit/notify" for x in a],
    ],
)
def test_usage_errors_exit_2(
    runner: CliRunner, public_key: Path, body: Path, argv_change: object
) -> None:
    change = argv_change
    assert callable(change)
    result = runner.invoke(cli, change(args(public_key, body)))
    assert result.exit_code == 2, result.output


def test_unreadable_public_key_exits_2(runner: CliRunner, body: Path, tmp_path: Path) -> None:
    result = runner.invoke(cli, args(tmp_path / "missing.pem", body))
    assert result.exit_code == 2
    assert result.stderr.strip() == f"Error: public key file not found: {tmp_path / 'missing.pem'}"


def test_private_key_given_as_public_key_exits_2(
    runner: CliRunner, body: Path, merchant_key_file: Path
) -> None:
    result = runner.invoke(cli, args(merchant_key_file, body))
    assert result.exit_code == 2
    assert "private key" in result.stderr
    assert "BEGIN" not in result.output
