"""``bisnap doctor``: captured requests (raw HTTP, curl, HAR) diagnosed from the command line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from bisnap.cli.app import cli
from bisnap.keys import GeneratedKeyPair
from tests.diagnose import second_impl as ref

SECRET = "client-secret-value"
TOKEN = "bearer-token-value"
TS = "2024-03-15T10:35:00+07:00"
BODY = (
    b'{"partnerServiceId":"   70012","callbackUrl":"https://shop.example/cb","name":"Jos\xc3\xa9"}'
)
KEYS = {"verdict", "scheme", "first_difference", "causes", "evidence"}


@pytest.fixture
def env() -> dict[str, str]:
    return {
        "BISNAP_CLIENT_SECRET": SECRET,
        "BISNAP_PARTNER_ID": "G123456",
        "BISNAP_CHANNEL_ID": "95221",
        "BISNAP_BASE_URL": "http://127.0.0.1:9",
    }


def printed(
    runner: CliRunner, env: dict[str, str], tmp_path: Path, fmt: str, body: bytes = BODY
) -> str:
    body_file = tmp_path / "body.json"
    body_file.write_bytes(body)
    result = runner.invoke(
        cli,
        [
            "headers", "transaction", "--path", "/v1.0/transfer-va/create-va",
            "--body", str(body_file), "--token", TOKEN, "--timestamp", TS, "--format", fmt,
        ],
        env=env,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    return result.stdout


def doctor(runner: CliRunner, args: list[str], env: dict[str, str]) -> Result:
    return runner.invoke(cli, ["doctor", *args], env=env)


def doctor_json(
    runner: CliRunner, args: list[str], env: dict[str, str], code: int
) -> dict[str, object]:
    result = doctor(runner, [*args, "--json"], env)
    assert result.exit_code == code, result.output
    document = json.loads(result.stdout)
    assert isinstance(document, dict)
    assert set(document) == KEYS
    return document


def test_curl_command_with_its_body_re_escaped_is_body_escapes_differ(
    runner: CliRunner, env: dict[str, str], tmp_path: Path
) -> None:
    command = printed(runner, env, tmp_path, "curl")
    assert "https://shop.example/cb" in command
    edited = command.replace("https://shop.example/cb", "https:\\/\\/shop.example\\/cb")
    (tmp_path / "cmd.sh").write_text(edited)
    document = doctor_json(runner, ["--curl", str(tmp_path / "cmd.sh")], env, 1)
    assert document["verdict"] == "invalid"
    assert document["scheme"] == "transaction-hmac"
    assert document["causes"] == ["body-escapes-differ"]
    assert document["first_difference"] == "body"


def test_curl_command_with_a_string_edited_is_undetermined(
    runner: CliRunner, env: dict[str, str], tmp_path: Path
) -> None:
    command = printed(runner, env, tmp_path, "curl")
    (tmp_path / "cmd.sh").write_text(command.replace('"   70012"', '"70012"'))
    # Signed over "   70012", sent "70012": no signing mistake produces that, so no cause.
    document = doctor_json(runner, ["--curl", str(tmp_path / "cmd.sh")], env, 1)
    assert document["verdict"] == "undetermined"
    assert document["causes"] == []


def test_unedited_curl_command_is_valid(
    runner: CliRunner, env: dict[str, str], tmp_path: Path
) -> None:
    (tmp_path / "cmd.sh").write_text(printed(runner, env, tmp_path, "curl"))
    result = doctor(runner, ["--curl", str(tmp_path / "cmd.sh")], env)
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("verdict: valid (transaction-hmac)")


def test_large_body_printed_through_printf_pipe_is_read(
    runner: CliRunner, env: dict[str, str], tmp_path: Path
) -> None:
    body = b'{"note":"' + b"x" * 70_000 + b'","url":"a/b"}'
    command = printed(runner, env, tmp_path, "curl", body)
    assert command.startswith("printf")
    (tmp_path / "cmd.sh").write_text(command.replace('"a/b"', '"a\\/b"'))
    document = doctor_json(runner, ["--curl", str(tmp_path / "cmd.sh")], env, 1)
    assert document["causes"] == ["body-escapes-differ"]


def test_raw_request_sent_under_a_prefix_is_path_prefix(
    runner: CliRunner, env: dict[str, str], tmp_path: Path
) -> None:
    message = printed(runner, env, tmp_path, "http")
    edited = message.replace("POST /v1.0/", "POST /snap/v1.0/", 1)
    (tmp_path / "req.http").write_bytes(edited.encode("utf-8"))
    result = doctor(runner, ["--request", str(tmp_path / "req.http")], env)
    assert result.exit_code == 1
    assert "cause path-prefix" in result.stdout
    assert "'/v1.0/transfer-va/create-va'" in result.stdout


def har(message: str, started: str) -> str:
    message = message.replace("\r\n", "\n")
    head, _, body = message.partition("\n\n")
    lines = head.split("\n")
    method, target, _ = lines[0].split(" ")
    headers = [dict(zip(("name", "value"), line.split(": ", 1), strict=True)) for line in lines[1:]]
    host = next(h["value"] for h in headers if h["name"] == "Host")
    request = {
        "method": method,
        "url": f"http://{host}{target}",
        "headers": headers,
        "postData": {"mimeType": "application/json", "text": body},
    }
    other = {
        "startedDateTime": started,
        "request": {"method": "GET", "url": "http://x/", "headers": []},
    }
    entry = {"startedDateTime": started, "request": request}
    return json.dumps({"log": {"version": "1.2", "entries": [other, entry]}})


def test_har_entry_received_too_late_is_clock_skew(
    runner: CliRunner, env: dict[str, str], tmp_path: Path
) -> None:
    message = printed(runner, env, tmp_path, "http")
    (tmp_path / "late.har").write_text(har(message, "2024-03-15T03:45:00.000Z"))
    document = doctor_json(runner, ["--har", str(tmp_path / "late.har"), "--entry", "1"], env, 1)
    assert document["causes"] == ["clock-skew"]
    assert document["first_difference"] == "window"
    (tmp_path / "ok.har").write_text(har(message, "2024-03-15T03:35:02.000Z"))
    document = doctor_json(runner, ["--har", str(tmp_path / "ok.har"), "--entry", "1"], env, 0)
    assert document["verdict"] == "valid"


def test_output_never_shows_the_secret_token_or_signature(
    runner: CliRunner, env: dict[str, str], tmp_path: Path
) -> None:
    command = printed(runner, env, tmp_path, "curl")
    signature = next(line for line in command.splitlines() if "X-SIGNATURE" in line)
    signature = signature.split("X-SIGNATURE: ")[1].rstrip("' \\")
    (tmp_path / "cmd.sh").write_text(command.replace("/cb", "\\/cb"))
    for args in (
        ["--curl", str(tmp_path / "cmd.sh")],
        ["--curl", str(tmp_path / "cmd.sh"), "--json"],
    ):
        output = doctor(runner, args, env).output
        assert SECRET not in output
        assert TOKEN not in output
        assert signature[:12] not in output


def test_credentials_from_an_env_file(
    runner: CliRunner, env: dict[str, str], tmp_path: Path
) -> None:
    (tmp_path / "cmd.sh").write_text(printed(runner, env, tmp_path, "curl"))
    (tmp_path / "creds.env").write_text(f"BISNAP_CLIENT_SECRET='{SECRET}'\n")
    result = runner.invoke(
        cli,
        ["--env-file", str(tmp_path / "creds.env"), "doctor", "--curl", str(tmp_path / "cmd.sh")],
        env={},
    )
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([], "exactly one of"),
        (["--curl", "a", "--har", "b"], "exactly one of"),
        (["--curl", "missing-file.sh"], "not found"),
    ],
)
def test_usage_errors_exit_2(
    runner: CliRunner, args: list[str], message: str, tmp_path: Path
) -> None:
    result = doctor(runner, args, {})
    assert result.exit_code == 2
    assert message in result.output


def test_missing_secret_and_bad_capture_exit_2(
    runner: CliRunner, env: dict[str, str], tmp_path: Path
) -> None:
    (tmp_path / "cmd.sh").write_text(printed(runner, env, tmp_path, "curl"))
    result = doctor(runner, ["--curl", str(tmp_path / "cmd.sh")], {})
    assert result.exit_code == 2
    assert "--client-secret or BISNAP_CLIENT_SECRET" in result.output
    (tmp_path / "bad.sh").write_text("wget http://x/")
    result = doctor(runner, ["--curl", str(tmp_path / "bad.sh")], env)
    assert result.exit_code == 2
    assert "must start with 'curl'" in result.output


def test_notification_checked_with_the_gateway_public_key(
    runner: CliRunner, tmp_path: Path, gateway_keys: GeneratedKeyPair
) -> None:
    signed_body = b'{"originalReferenceNo":"A1","latestTransactionStatus":"00","url":"a/b"}'
    text = ref.asymmetric_text("POST", "/v1.0/debit/notify", ref.digest(signed_body), TS)
    private = serialization.load_pem_private_key(gateway_keys.private_pem, password=None)
    assert isinstance(private, rsa.RSAPrivateKey)
    received = signed_body.replace(b"/", b"\\/")
    message = (
        "POST /v1.0/debit/notify HTTP/1.1\r\nHost: merchant.example\r\n"
        f"X-TIMESTAMP: {TS}\r\nX-SIGNATURE: {ref.rsa_signature(private, text)}\r\n"
        f"X-EXTERNAL-ID: 1\r\nContent-Length: {len(received)}\r\n\r\n"
    ).encode() + received
    (tmp_path / "notify.http").write_bytes(message)
    (tmp_path / "gateway.pem").write_bytes(gateway_keys.public_pem)
    args = ["--request", str(tmp_path / "notify.http")]
    document = doctor_json(
        runner, [*args, "--gateway-public-key", str(tmp_path / "gateway.pem")], {}, 1
    )
    assert document["scheme"] == "notification-rsa"
    assert document["causes"] == ["body-escapes-differ"]
    result = doctor(runner, args, {})
    assert result.exit_code == 2
    assert "--gateway-public-key or BISNAP_GATEWAY_PUBLIC_KEY" in result.output
