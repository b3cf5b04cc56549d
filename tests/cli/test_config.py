"""Settings: flags, then --env-file, then the environment; env files parsed like dotenv."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from bisnap.cli.app import cli
from bisnap.cli.config import Settings, parse_env_file
from bisnap.errors import ConfigurationError
from tests.cli import vectors as V


def test_env_file_syntax() -> None:
    text = (
        "# comment\n"
        "\n"
        "PLAIN=value\n"
        "export EXPORTED = spaced  \n"
        "WITH_COMMENT=abc # trailing comment\n"
        "HASH_INSIDE=abc#def\n"
        "SINGLE='it has # and spaces '\n"
        'DOUBLE="two\n'
        'lines"\n'
        "EMPTY=\n"
    )
    assert parse_env_file(text) == {
        "PLAIN": "value",
        "EXPORTED": "spaced",
        "WITH_COMMENT": "abc",
        "HASH_INSIDE": "abc#def",
        "SINGLE": "it has # and spaces ",
        "DOUBLE": "two\nlines",
        "EMPTY": "",
    }


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("OK=1\nnot an assignment\n", 2),
        ("1BAD=x\n", 1),
        ("A=1\nKEY='never closed\nmore\n", 2),
        ("KEY='closed' trailing\n", 1),
    ],
)
def test_malformed_env_file_names_the_line_not_the_value(text: str, line: int) -> None:
    with pytest.raises(ConfigurationError) as caught:
        parse_env_file(text, source="creds.env")
    assert caught.value.message.startswith(f"creds.env, line {line}: ")
    assert "never closed" not in caught.value.message
    assert "trailing" not in caught.value.message


@given(
    st.dictionaries(
        st.from_regex(r"[A-Z_][A-Z0-9_]{0,20}", fullmatch=True),
        st.text(
            st.characters(exclude_categories=["Cs", "Cc"], exclude_characters="'"), max_size=40
        ),
        max_size=8,
    )
)
def test_single_quoted_values_round_trip(values: dict[str, str]) -> None:
    text = "".join(f"{name}='{value}'\n" for name, value in values.items())
    assert parse_env_file(text) == values


@pytest.mark.parametrize("character", ["\u2028", "\u2029", "\x85", "\x0b", "\x0c", "\x1c"])
def test_env_file_regression_a_unicode_line_separator_stays_in_the_value(character: str) -> None:
    # str.splitlines() once split the file at these, so 'a<U+2028>b' came back as 'a\nb'.
    text = f"A='a{character}b'\nB=2\n"
    assert parse_env_file(text) == {"A": f"a{character}b", "B": "2"}


def test_env_file_lines_may_end_in_crlf_or_cr() -> None:
    text = "A=1\r\nB='x\r\ny'\rC=3"
    assert parse_env_file(text) == {"A": "1", "B": "x\ny", "C": "3"}


def test_precedence_is_flag_then_file_then_environment() -> None:
    conf = Settings(file_values={"A": "file", "B": "file"}, environ={"A": "env", "C": "env"})
    assert conf.get("flag", "A") == "flag"
    assert conf.get(None, "A") == "file"
    assert conf.get(None, "C") == "env"
    assert conf.get(None, "D") is None
    assert Settings(file_values={"A": "  "}, environ={"A": "env"}).get(None, "A") == "env"


def test_env_file_supplies_credentials_including_a_multiline_pem(
    runner: CliRunner, tmp_path: Path
) -> None:
    env_file = tmp_path / "bisnap.env"
    env_file.write_text(
        f'BISNAP_CLIENT_ID={V.TOKEN_CLIENT_ID}\nBISNAP_PRIVATE_KEY="{V.DEMO_PRIVATE_KEY_PEM}"\n'
    )
    result = runner.invoke(
        cli,
        ["--env-file", str(env_file), "sign", "token", "--timestamp", V.TOKEN_TIMESTAMP],
        env={"BISNAP_CLIENT_ID": "overridden-by-the-file"},
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == V.TOKEN_SIGNATURE

    result = runner.invoke(
        cli,
        [
            "--env-file", str(env_file), "sign", "token", "--client-id", "FLAG-WINS",
            "--timestamp", V.TOKEN_TIMESTAMP, "--show-stages",
        ],
    )  # fmt: skip
    assert "string-to-sign: FLAG-WINS|" in result.stdout


def test_missing_env_file_is_a_one_line_usage_error(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(cli, ["--env-file", str(tmp_path / "none.env"), "sign", "token"])
    assert result.exit_code == 2
    assert result.stderr.strip() == f"Error: env file not found: {tmp_path / 'none.env'}"


def test_malformed_env_file_is_a_usage_error_without_its_content(
    runner: CliRunner, tmp_path: Path
) -> None:
    env_file = tmp_path / "bad.env"
    env_file.write_text("BISNAP_CLIENT_SECRET=fine\nsupersecret-without-equals\n")
    result = runner.invoke(cli, ["--env-file", str(env_file), "sign", "token"])
    assert result.exit_code == 2
    assert "line 2" in result.stderr
    assert "supersecret" not in result.output
