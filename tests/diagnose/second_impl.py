"""A second implementation of SNAP signing for the diagnosis corpus: hashlib, hmac and the
``cryptography`` primitives (or the ``openssl`` CLI) only, never bisnap's signer."""

from __future__ import annotations

import base64
import hashlib
import hmac
import subprocess
import tempfile
from pathlib import Path

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa


def digest(minified_body: bytes) -> str:
    """Lowercase hex SHA-256 of bytes that are already minified."""
    return hashlib.sha256(minified_body).hexdigest()


def hmac_signature(secret: bytes, text: str, algorithm: str = "sha512") -> str:
    return base64.b64encode(hmac.digest(secret, text.encode("utf-8"), algorithm)).decode()


def transaction_text(method: str, path: str, token: str, body_digest: str, timestamp: str) -> str:
    return f"{method}:{path}:{token}:{body_digest}:{timestamp}"


def asymmetric_text(method: str, path: str, body_digest: str, timestamp: str) -> str:
    return f"{method}:{path}:{body_digest}:{timestamp}"


def new_rsa_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def public_pem(key: rsa.RSAPrivateKey) -> bytes:
    return key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def rsa_signature(key: rsa.RSAPrivateKey, text: str) -> str:
    raw = key.sign(text.encode("utf-8"), padding.PKCS1v15(), hashes.SHA256())
    return base64.b64encode(raw).decode()


def openssl_rsa_signature(key: rsa.RSAPrivateKey, text: str) -> str:
    """SHA256withRSA by the ``openssl`` command line."""
    # A directory of its own: parallel test processes each write their own key file.
    with tempfile.TemporaryDirectory(prefix="bisnap-openssl-") as workdir:
        key_file = Path(workdir) / "key.pem"
        key_file.write_bytes(
            key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )
        raw = subprocess.run(
            ["openssl", "dgst", "-sha256", "-sign", str(key_file)],
            input=text.encode("utf-8"),
            capture_output=True,
            check=True,
        ).stdout
    return base64.b64encode(raw).decode()
