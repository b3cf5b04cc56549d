"""``bisnap keygen``: a merchant RSA key pair for the gateway dashboard."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import click

from bisnap.cli.common import CliError, translate_errors
from bisnap.keys import generate_key_pair, load_public_key

__all__ = ["COMMANDS", "PRIVATE_KEY_FILE", "PUBLIC_KEY_FILE"]

PRIVATE_KEY_FILE = "private-key.pem"
PUBLIC_KEY_FILE = "public-key.pem"


def _write_atomically(path: Path, data: bytes, mode: int) -> None:
    """Write ``data`` to ``path`` via a temporary file created with ``mode`` from the start."""
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.fchmod(fd, mode)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


@click.command(short_help="Generate a merchant RSA key pair.")
@click.option(
    "--out",
    "out_dir",
    required=True,
    metavar="DIR",
    help=f"Directory to write {PRIVATE_KEY_FILE} and {PUBLIC_KEY_FILE} to (created if missing).",
)
@click.option(
    "--bits",
    type=click.Choice(["2048", "3072", "4096"]),
    default="2048",
    show_default=True,
    help="RSA key size.",
)
@click.option("--force", is_flag=True, help="Overwrite existing key files.")
@translate_errors
def keygen(out_dir: str, bits: str, force: bool) -> None:
    """Generate a merchant RSA key pair.

    \b
    Writes DIR/private-key.pem (PKCS#8, file mode 0600) and DIR/public-key.pem
    (SubjectPublicKeyInfo), then prints the public key to paste into the gateway
    dashboard (Midtrans: Settings > Access Keys > Payment BI SNAP) and its SHA-256
    fingerprint. Refuses to overwrite existing files unless --force is given.
    Keep the private key out of version control; point BISNAP_PRIVATE_KEY at it.
    """
    directory = Path(out_dir).expanduser()
    private_path = directory / PRIVATE_KEY_FILE
    public_path = directory / PUBLIC_KEY_FILE
    if not force:
        existing = [str(p) for p in (private_path, public_path) if p.exists()]
        if existing:
            raise CliError(
                f"refusing to overwrite {' and '.join(existing)} (use --force to replace)"
            )
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise CliError(f"cannot create {directory}: {exc.strerror}") from None
    pair = generate_key_pair(int(bits))
    try:
        _write_atomically(private_path, pair.private_pem, 0o600)
        _write_atomically(public_path, pair.public_pem, 0o644)
    except OSError as exc:
        raise CliError(f"cannot write the key files in {directory}: {exc.strerror}") from None
    fingerprint = load_public_key(pair.public_pem).fingerprint()
    click.echo(f"Wrote {private_path} (PKCS#8 RSA-{bits}, mode 0600; keep it secret)", err=True)
    click.echo(f"Wrote {public_path}", err=True)
    click.echo("Register this public key with the gateway:", err=True)
    click.echo(pair.public_pem.decode("ascii"), nl=False)
    click.echo(f"SHA-256 fingerprint: {fingerprint}")


COMMANDS = [keygen]
