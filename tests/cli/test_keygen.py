"""``bisnap keygen``: a PKCS#8 private key (0600), an SPKI public key, its fingerprint."""

from __future__ import annotations

import hashlib
import stat
from pathlib import Path

from click.testing import CliRunner
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from bisnap.cli.app import cli


def test_keygen_writes_a_key_pair_and_prints_the_public_key(
    runner: CliRunner, tmp_path: Path
) -> None:
    out = tmp_path / "keys" / "nested"
    result = runner.invoke(cli, ["keygen", "--out", str(out)])
    assert result.exit_code == 0, result.output

    private_pem = (out / "private-key.pem").read_bytes()
    public_pem = (out / "public-key.pem").read_bytes()
    assert private_pem.startswith(b"-----BEGIN PRIVATE KEY-----\n")  # PKCS#8, unencrypted
    assert public_pem.startswith(b"-----BEGIN PUBLIC KEY-----\n")  # SubjectPublicKeyInfo
    assert stat.S_IMODE((out / "private-key.pem").stat().st_mode) == 0o600

    private = serialization.load_pem_private_key(private_pem, password=None)
    assert isinstance(private, rsa.RSAPrivateKey)
    assert private.key_size == 2048
    spki = private.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    assert spki == public_pem

    der = serialization.load_pem_public_key(public_pem).public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    assert public_pem.decode() in result.stdout
    assert f"SHA-256 fingerprint: {hashlib.sha256(der).hexdigest()}" in result.stdout
    assert "PRIVATE KEY" not in result.stdout


def test_keygen_refuses_to_overwrite_without_force(runner: CliRunner, tmp_path: Path) -> None:
    (tmp_path / "public-key.pem").write_text("keep me")
    result = runner.invoke(cli, ["keygen", "--out", str(tmp_path)])
    assert result.exit_code == 2
    assert "refusing to overwrite" in result.stderr
    assert "--force" in result.stderr
    assert (tmp_path / "public-key.pem").read_text() == "keep me"
    assert not (tmp_path / "private-key.pem").exists()  # nothing half-written

    result = runner.invoke(cli, ["keygen", "--out", str(tmp_path), "--force"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "public-key.pem").read_text().startswith("-----BEGIN PUBLIC KEY-----")
    assert stat.S_IMODE((tmp_path / "private-key.pem").stat().st_mode) == 0o600


def test_keygen_bits(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(cli, ["keygen", "--out", str(tmp_path), "--bits", "3072"])
    assert result.exit_code == 0, result.output
    key = serialization.load_pem_private_key(
        (tmp_path / "private-key.pem").read_bytes(), password=None
    )
    assert isinstance(key, rsa.RSAPrivateKey)
    assert key.key_size == 3072
    assert runner.invoke(cli, ["keygen", "--out", str(tmp_path), "--bits", "1024"]).exit_code == 2


def test_keygen_into_an_unwritable_place_is_a_one_line_error(
    runner: CliRunner, tmp_path: Path
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    result = runner.invoke(cli, ["keygen", "--out", str(blocker / "sub")])
    assert result.exit_code == 2
    assert len(result.stderr.strip().splitlines()) == 1
