"""``bisnap verify --payouts``: the Iris-Signature of a saved Payouts notification."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from bisnap.cli.app import cli

# The published worked example (addendum §A.1).
BODY = (
    b'{"reference_no":"TLtXjaG7LxcbEhgo7S","amount":"12333.0","status":"processed",'
    b'"updated_at":"2023-03-31T10:12:28Z"}'
)
KEY = "IRIS-merchant-d8709d85-19d6-39c4-7ff5-8eaf81ec31cd"
SIGNATURE = (
    "8b8a8ce380887acf162a17cc4bed7b7ff1c94fc637201ebed7ab1a7f32596810"
    "cbd9fc78d2db051ef851f97c05cd5f840d10ee34d58021c18d6ef69a793b7116"
)


@pytest.fixture
def body(tmp_path: Path) -> Path:
    path = tmp_path / "payout.json"
    path.write_bytes(BODY)
    return path


def test_the_published_example_is_valid(runner: CliRunner, body: Path) -> None:
    argv = ["verify", "--payouts", "--iris-merchant-key", KEY, "--signature", SIGNATURE]
    result = runner.invoke(cli, [*argv, "--body", str(body), "--show-stages"])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[-1].startswith("valid: Iris-Signature")
    assert "body-bytes:     113" in result.stdout
    assert KEY not in result.output


def test_the_key_comes_from_the_environment(runner: CliRunner, body: Path) -> None:
    result = runner.invoke(
        cli,
        ["verify", "--payouts", "--signature", SIGNATURE.upper(), "--body", str(body)],
        env={"BISNAP_IRIS_MERCHANT_KEY": KEY},
    )
    assert result.exit_code == 0, result.output


def test_a_changed_body_is_invalid_naming_the_step(runner: CliRunner, tmp_path: Path) -> None:
    changed = tmp_path / "changed.json"
    changed.write_bytes(BODY + b"\n")
    argv = ["verify", "--payouts", "--iris-merchant-key", KEY, "--signature", SIGNATURE]
    result = runner.invoke(cli, [*argv, "--body", str(changed)])
    assert result.exit_code == 1
    assert result.stderr.startswith("invalid: signature: ")
    assert KEY not in result.output
    assert SIGNATURE not in result.stderr


def test_another_key_is_invalid(runner: CliRunner, body: Path) -> None:
    argv = ["verify", "--payouts", "--iris-merchant-key", KEY + "x", "--signature", SIGNATURE]
    result = runner.invoke(cli, [*argv, "--body", str(body)])
    assert result.exit_code == 1


@pytest.mark.parametrize(
    "extra",
    [
        [],  # no key anywhere
        ["--iris-merchant-key", KEY, "--timestamp", "2024-03-15T10:35:00+07:00"],
        ["--iris-merchant-key", KEY, "--path", "/payouts"],
        ["--iris-merchant-key", KEY, "--max-age", "60"],
        ["--iris-merchant-key", KEY, "--public-key", "gateway.pem"],
    ],
)
def test_usage_errors_exit_2(runner: CliRunner, body: Path, extra: list[str]) -> None:
    argv = ["verify", "--payouts", "--signature", SIGNATURE, "--body", str(body), *extra]
    result = runner.invoke(cli, argv, env={"BISNAP_IRIS_MERCHANT_KEY": ""})
    assert result.exit_code == 2, result.output
    assert KEY not in result.output


def test_the_core_api_mode_still_needs_path_and_timestamp(runner: CliRunner, body: Path) -> None:
    result = runner.invoke(cli, ["verify", "--signature", "x", "--body", str(body)])
    assert result.exit_code == 2
    assert "--path" in result.stderr
    key_without_payouts = ["verify", "--signature", "x", "--body", str(body)]
    result = runner.invoke(cli, [*key_without_payouts, "--iris-merchant-key", KEY])
    assert result.exit_code == 2
    assert "--payouts" in result.stderr
