"""``bisnap sign``: every stage printed by --show-stages equals the published vectors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from bisnap.cli.app import cli
from tests.cli import vectors as V


def stages(output: str) -> dict[str, str]:
    """``name: value`` lines as a dict (values may contain ':' themselves)."""
    parsed: dict[str, str] = {}
    for line in output.splitlines():
        name, _, value = line.partition(":")
        parsed[name] = value.strip()
    return parsed


@pytest.fixture
def demo_key(tmp_path: Path) -> Path:
    path = tmp_path / "demo-private.pem"
    path.write_text(V.DEMO_PRIVATE_KEY_PEM)
    return path


def test_sign_token_stages_match_the_published_vector(runner: CliRunner, demo_key: Path) -> None:
    result = runner.invoke(
        cli,
        [
            "sign", "token", "--client-id", V.TOKEN_CLIENT_ID, "--private-key", str(demo_key),
            "--timestamp", V.TOKEN_TIMESTAMP, "--show-stages",
        ],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    shown = stages(result.stdout)
    assert shown["string-to-sign"] == V.TOKEN_STRING_TO_SIGN
    assert shown["signature"] == V.TOKEN_SIGNATURE
    assert shown["timestamp"] == V.TOKEN_TIMESTAMP


def test_sign_token_prints_only_the_signature_by_default(runner: CliRunner, demo_key: Path) -> None:
    env = {"BISNAP_CLIENT_ID": V.TOKEN_CLIENT_ID, "BISNAP_PRIVATE_KEY": str(demo_key)}
    result = runner.invoke(cli, ["sign", "token", "--timestamp", V.DOCS_TOKEN_TIMESTAMP], env=env)
    assert result.exit_code == 0, result.output
    assert result.stdout == V.DOCS_TOKEN_SIGNATURE + "\n"


def test_private_key_may_be_the_pem_itself_in_the_environment(runner: CliRunner) -> None:
    escaped = V.DEMO_PRIVATE_KEY_PEM.replace("\n", "\\n")  # as people paste it into env vars
    env = {"BISNAP_CLIENT_ID": V.TOKEN_CLIENT_ID, "BISNAP_PRIVATE_KEY": escaped}
    result = runner.invoke(cli, ["sign", "token", "--timestamp", V.TOKEN_TIMESTAMP], env=env)
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == V.TOKEN_SIGNATURE


def test_sign_transaction_stages_match_the_published_vector(
    runner: CliRunner, tmp_path: Path
) -> None:
    body = tmp_path / "body.json"
    body.write_text(V.TRANSACTION_BODY)
    result = runner.invoke(
        cli,
        [
            "sign", "transaction", "--method", "POST", "--path", V.TRANSACTION_PATH,
            "--token", V.TRANSACTION_TOKEN, "--body", str(body),
            "--timestamp", V.TRANSACTION_TIMESTAMP, "--show-stages",
        ],
        env={"BISNAP_CLIENT_SECRET": V.TRANSACTION_SECRET},
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    shown = stages(result.stdout)
    assert shown["minified-body"] == V.TRANSACTION_MINIFIED
    assert shown["body-sha256"] == V.TRANSACTION_DIGEST
    assert shown["string-to-sign"] == V.TRANSACTION_STRING_TO_SIGN
    assert shown["signature"] == V.TRANSACTION_SIGNATURE
    assert V.TRANSACTION_SECRET not in result.output


def test_sign_transaction_reads_the_body_from_stdin_and_prints_json(runner: CliRunner) -> None:
    result = runner.invoke(
        cli,
        [
            "sign", "transaction", "--path", V.TRANSACTION_PATH, "--token", V.TRANSACTION_TOKEN,
            "--client-secret", V.TRANSACTION_SECRET, "--body", "-",
            "--timestamp", V.TRANSACTION_TIMESTAMP, "--json",
        ],
        input=V.TRANSACTION_BODY,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document == {
        "minified_body": V.TRANSACTION_MINIFIED,
        "body_sha256": V.TRANSACTION_DIGEST,
        "timestamp": V.TRANSACTION_TIMESTAMP,
        "string_to_sign": V.TRANSACTION_STRING_TO_SIGN,
        "signature": V.TRANSACTION_SIGNATURE,
    }


def test_sign_asymmetric_stages_match_the_published_notification_vector(
    runner: CliRunner, demo_key: Path, tmp_path: Path
) -> None:
    body = tmp_path / "notify.json"
    body.write_text(V.NOTIFY_BODY)
    result = runner.invoke(
        cli,
        [
            "sign", "asymmetric", "--path", V.NOTIFY_PATH, "--body", str(body),
            "--private-key", str(demo_key), "--timestamp", V.NOTIFY_TIMESTAMP, "--show-stages",
        ],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    shown = stages(result.stdout)
    assert shown["minified-body"] == V.NOTIFY_MINIFIED
    assert shown["body-sha256"] == V.NOTIFY_DIGEST
    assert shown["string-to-sign"] == V.NOTIFY_STRING_TO_SIGN
    assert shown["signature"] == V.NOTIFY_SIGNATURE


def test_default_timestamp_is_now_in_the_chosen_style(runner: CliRunner, demo_key: Path) -> None:
    result = runner.invoke(
        cli,
        [
            "sign", "token", "--client-id", "C", "--private-key", str(demo_key),
            "--timestamp-style", "utc-z-millis", "--json",
        ],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    timestamp = json.loads(result.stdout)["timestamp"]
    assert timestamp.endswith("Z")
    assert len(timestamp) == len("2024-03-01T08:27:49.024Z")


def test_missing_secret_is_a_one_line_usage_error(runner: CliRunner) -> None:
    result = runner.invoke(
        cli, ["sign", "transaction", "--path", "/v1.0/x", "--token", "t", "--body", "-"], input="{}"
    )
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == [
        "Error: missing client secret: pass --client-secret or set BISNAP_CLIENT_SECRET"
    ]


def test_missing_private_key_is_a_one_line_usage_error(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["sign", "token", "--client-id", "C"])
    assert result.exit_code == 2
    assert "BISNAP_PRIVATE_KEY" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_unreadable_key_is_a_one_line_error_without_the_key(
    runner: CliRunner, tmp_path: Path
) -> None:
    missing = tmp_path / "nope.pem"
    result = runner.invoke(
        cli, ["sign", "token", "--client-id", "C", "--private-key", str(missing)]
    )
    assert result.exit_code == 2
    assert result.stderr.strip() == f"Error: private key file not found: {missing}"

    garbage = "-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5IGF0IGFsbA==\n-----END PRIVATE KEY-----"
    result = runner.invoke(cli, ["sign", "token", "--client-id", "C"], env={
        "BISNAP_PRIVATE_KEY": garbage
    })  # fmt: skip
    assert result.exit_code == 2
    assert "could not load an RSA private key" in result.stderr
    assert "bm90IGEga2V5" not in result.output
    assert len(result.stderr.strip().splitlines()) == 1


def test_invalid_json_body_is_a_usage_error_naming_the_offset(runner: CliRunner) -> None:
    result = runner.invoke(
        cli,
        [
            "sign", "transaction", "--path", "/v1.0/x", "--token", "t",
            "--client-secret", "s", "--body", "-",
        ],
        input='{"a": 1,}',
    )  # fmt: skip
    assert result.exit_code == 2
    assert "not valid JSON" in result.stderr
    assert "at byte" in result.stderr


def test_sign_transaction_from_a_digest_matches_the_docs_vector(runner: CliRunner) -> None:
    result = runner.invoke(
        cli,
        [
            "sign", "transaction", "--path", V.DOCS_PATH, "--token", V.DOCS_TOKEN,
            "--body-sha256", V.DOCS_DIGEST, "--client-secret", V.DOCS_SECRET,
            "--timestamp", V.DOCS_TIMESTAMP, "--show-stages",
        ],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    shown = stages(result.stdout)
    assert shown["body-sha256"] == V.DOCS_DIGEST
    assert shown["string-to-sign"] == V.DOCS_STRING_TO_SIGN
    assert shown["signature"] == V.DOCS_SIGNATURE
    assert "minified-body" not in shown


@pytest.mark.parametrize(
    "extra",
    [
        ["--body-sha256", "56FA" + "0" * 60],  # upper case is not a SNAP digest
        ["--body-sha256", "abc"],
        ["--body-sha256", "0" * 64, "--body", "-"],
    ],
)
def test_bad_digest_options_are_usage_errors(runner: CliRunner, extra: list[str]) -> None:
    result = runner.invoke(
        cli,
        ["sign", "transaction", "--path", "/p", "--token", "t", "--client-secret", "s", *extra],
        input="{}",
    )
    assert result.exit_code == 2
    assert len(result.stderr.strip().splitlines()) == 1
