"""The curl command printed by ``bisnap headers transaction`` works when run by the real curl.

Run against a loopback server that checks the HMAC over the bytes it receives, and against the
emulator served over loopback HTTP. Editing the body inside the printed command must break the
signature.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from bisnap.cli.app import cli
from bisnap.keys import GeneratedKeyPair
from tests.cli.loopback import LoopbackGateway, serve

CURL = shutil.which("curl")
SH = shutil.which("sh")
pytestmark = pytest.mark.skipif(CURL is None or SH is None, reason="needs curl and sh")

CLIENT_ID = "G-CLIENT-CLI"
SECRET = "s3cret with spaces & 'quotes'"
PARTNER = "G123456"
CHANNEL = "95221"


def run_shell(command: bytes) -> tuple[int, dict[str, object]]:
    """Run a printed command with sh; return (HTTP status, JSON answer)."""
    with tempfile.NamedTemporaryFile("wb", suffix=".sh") as script:
        script.write(command)
        script.flush()
        done = subprocess.run(
            [str(SH), script.name],
            capture_output=True,
            stdin=subprocess.DEVNULL,
            check=False,
            timeout=60,
        )
    assert done.returncode == 0, done.stderr
    *answer, status = done.stdout.decode().rsplit("\n", 1)
    return int(status), json.loads("".join(answer))


def printed_curl(runner: CliRunner, args: list[str], env: dict[str, str]) -> bytes:
    result = runner.invoke(cli, ["headers", "transaction", *args, "--format", "curl"], env=env)
    assert result.exit_code == 0, result.output
    command = result.stdout_bytes
    assert b"curl " in command
    # Make curl print the status after the body; everything else is as printed.
    return command.replace(b"curl ", b"curl --write-out '\\n%{http_code}' ", 1)


def va_body(external_id: str, name: str) -> bytes:
    return json.dumps(
        {
            "partnerServiceId": "   70012",
            "customerNo": "1234567890",
            "virtualAccountNo": "   700121234567890",
            "virtualAccountName": name,
            "trxId": external_id,
            "totalAmount": {"value": "10000.00", "currency": "IDR"},
            "additionalInfo": {"bank": "bca", "merchantId": "G123456"},
        },
        ensure_ascii=False,
        indent=2,
    ).encode()


@pytest.fixture
def env(merchant_key_file: Path) -> dict[str, str]:
    return {
        "BISNAP_CLIENT_ID": CLIENT_ID,
        "BISNAP_CLIENT_SECRET": SECRET,
        "BISNAP_PRIVATE_KEY": str(merchant_key_file),
        "BISNAP_PARTNER_ID": PARTNER,
        "BISNAP_CHANNEL_ID": CHANNEL,
    }


@pytest.fixture
def loopback(merchant_keys: GeneratedKeyPair) -> Iterator[LoopbackGateway]:
    gateway = LoopbackGateway(CLIENT_ID, SECRET, merchant_keys.public_key())
    with serve(gateway) as running:
        yield running


@pytest.mark.parametrize(
    "name",
    [
        "Zoë O'Hara",
        'tab\there, newline\nthere, $HOME `id` \\ "q"',
        "@starts-with-at",
        "long " * 20_000,  # over the inline limit: piped through printf
    ],
)
def test_printed_curl_sends_exactly_what_was_signed(
    runner: CliRunner,
    env: dict[str, str],
    loopback: LoopbackGateway,
    tmp_path: Path,
    name: str,
) -> None:
    body = tmp_path / "body.json"
    body.write_bytes(va_body("7", name))
    env["BISNAP_BASE_URL"] = loopback.url
    command = printed_curl(
        runner, ["--path", "/v1.0/transfer-va/create-va?x=[1]", "--body", str(body)], env
    )
    status, answer = run_shell(command)
    assert (status, answer["responseCode"]) == (200, "2002700")
    token_call, call = loopback.received
    assert token_call.path == "/v1.0/access-token/b2b"  # the CLI fetched the token itself
    assert call.body == body.read_bytes()
    assert call.path == "/v1.0/transfer-va/create-va?x=[1]"


def test_edited_body_fails_the_signature_check(
    runner: CliRunner, env: dict[str, str], loopback: LoopbackGateway, tmp_path: Path
) -> None:
    body = tmp_path / "body.json"
    body.write_bytes(va_body("8", "Budi"))
    env["BISNAP_BASE_URL"] = loopback.url
    command = printed_curl(
        runner,
        [
            "--path",
            "/v1.0/transfer-va/create-va",
            "--body",
            str(body),
            "--token",
            "loopback-access-token",
        ],
        env,
    )
    assert run_shell(command)[0] == 200
    edited = command.replace(b'"10000.00"', b'"10001.00"')
    assert edited != command
    status, answer = run_shell(edited)
    assert (status, answer["responseCode"]) == (401, "4012700")


def test_printed_curl_against_the_emulator(
    runner: CliRunner,
    env: dict[str, str],
    merchant_keys: GeneratedKeyPair,
    tmp_path: Path,
) -> None:
    emulator_module = pytest.importorskip("bisnap.emulator")
    emulator = emulator_module.Emulator(notification_retry_scale=0)
    emulator.register_merchant(
        client_id=CLIENT_ID,
        client_secret=SECRET,
        partner_id=PARTNER,
        merchant_public_key=merchant_keys.public_pem,
        channel_id=CHANNEL,
    )
    with emulator_module.run_in_thread(emulator) as server:
        env["BISNAP_BASE_URL"] = server.base_url
        body = tmp_path / "va.json"
        body.write_bytes(va_body("1700000000001", 'Zoë O\'Hara "QA"'))
        args = ["--path", "/v1.0/transfer-va/create-va", "--body", str(body)]
        command = printed_curl(runner, [*args, "--external-id", "1700000000001"], env)
        status, answer = run_shell(command)
        assert status == 200, answer
        assert answer["responseCode"] == "2002700"
        assert answer["virtualAccountData"]["virtualAccountName"] == 'Zoë O\'Hara "QA"'  # type: ignore[index]

        body.write_bytes(va_body("1700000000002", "Budi"))
        command = printed_curl(runner, [*args, "--external-id", "1700000000002"], env)
        edited = command.replace(b'"10000.00"', b'"10001.00"')
        assert edited != command
        status, answer = run_shell(edited)
        assert (status, answer["responseCode"]) == (401, "4012700")
    emulator.close()


def test_printed_token_request_is_accepted(
    runner: CliRunner, env: dict[str, str], loopback: LoopbackGateway
) -> None:
    env["BISNAP_BASE_URL"] = loopback.url
    result = runner.invoke(cli, ["headers", "token", "--format", "curl"], env=env)
    assert result.exit_code == 0, result.output
    command = result.stdout_bytes.replace(b"curl ", b"curl --write-out '\\n%{http_code}' ", 1)
    status, answer = run_shell(command)
    assert (status, answer["accessToken"]) == (200, "loopback-access-token")
    (call,) = loopback.received
    assert call.body == b'{"grantType":"client_credentials"}'


def test_nothing_is_sent_when_the_body_is_not_json(
    runner: CliRunner, env: dict[str, str], loopback: LoopbackGateway, tmp_path: Path
) -> None:
    body = tmp_path / "bad.json"
    body.write_text('{"amount": 1,}')
    env["BISNAP_BASE_URL"] = loopback.url
    result = runner.invoke(
        cli, ["headers", "transaction", "--path", "/v1.0/x", "--body", str(body)], env=env
    )
    assert result.exit_code == 2
    assert "not valid JSON" in result.stderr
    assert loopback.received == []  # not even the token request
