"""Every file under vectors/ is a test: published known answers and Wycheproof-style cases.

Known-answer files are checked stage by stage (minified body -> digest -> string-to-sign ->
signature); a mismatch names the first stage that differs. Cases with a ``result`` are verified
as a receiver would and must come out valid, invalid (with the named error) or acceptable.
"""

from __future__ import annotations

import base64
import contextlib
import json
import shutil
import subprocess
import sys
import warnings
from pathlib import Path
from typing import Any

import pytest

import bisnap.errors
from bisnap.keys import ClientSecret, PrivateKey, WeakKeyWarning
from bisnap.keys import load_private_key as _load_private_key
from bisnap.keys import load_public_key as _load_public_key
from bisnap.signing import (
    Digest,
    asymmetric_string_to_sign,
    body_digest,
    minify_json,
    sign_hmac,
    sign_rsa,
    token_string_to_sign,
    transaction_string_to_sign,
    verify_hmac,
    verify_rsa,
)

VECTORS = Path(__file__).resolve().parents[2] / "vectors"
SCHEMES = ("access-token", "transaction", "notification", "negative")
FILES = sorted(path for folder in SCHEMES for path in (VECTORS / folder).glob("*.json"))
STAGES = ("minified_body", "body_sha256_hex", "string_to_sign", "signature")


def _load(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def _body(inputs: dict[str, Any]) -> bytes | Digest | None:
    if "body" in inputs:
        return str(inputs["body"]).encode("utf-8")
    if "body_base64" in inputs:
        return base64.b64decode(inputs["body_base64"])
    if "body_sha256_hex" in inputs:
        return Digest(inputs["body_sha256_hex"])
    return None


def _string_to_sign(scheme: str, inputs: dict[str, Any], body: bytes | Digest | None) -> str:
    if scheme == "rsa-token":
        return token_string_to_sign(inputs["client_key"], inputs["timestamp"])
    assert body is not None, "a request vector needs a body, body_base64 or body_sha256_hex"
    if scheme == "hmac-transaction":
        return transaction_string_to_sign(
            inputs["method"], inputs["path"], inputs["access_token"], body, inputs["timestamp"]
        )
    assert scheme == "rsa-asymmetric", f"unknown scheme {scheme!r}"
    return asymmetric_string_to_sign(inputs["method"], inputs["path"], body, inputs["timestamp"])


def _computed_stages(case: dict[str, Any]) -> dict[str, str]:
    """What bisnap makes of the case's inputs, for the stages the case lists."""
    scheme, inputs, expected = case["scheme"], case["inputs"], case["expected"]
    body = _body(inputs)
    computed: dict[str, str] = {}
    if "minified_body" in expected and isinstance(body, bytes):
        computed["minified_body"] = minify_json(body).decode("utf-8")
    if "body_sha256_hex" in expected and isinstance(body, bytes):
        computed["body_sha256_hex"] = body_digest(body)
    sts = _string_to_sign(scheme, inputs, body)
    computed["string_to_sign"] = sts
    if "signature" in expected:
        if scheme == "hmac-transaction":
            computed["signature"] = sign_hmac(ClientSecret(case["key"]["client_secret"]), sts)
        else:
            key: PrivateKey = _load_private_key(VECTORS / case["key"]["private_key"])
            computed["signature"] = sign_rsa(key, sts)
    return computed


def first_difference(expected: dict[str, str], computed: dict[str, str]) -> str | None:
    """The first stage, in signing order, where the two disagree; None when all agree."""
    for stage in STAGES:
        if stage in expected and expected[stage] != computed.get(stage):
            return (
                f"first differing stage: {stage}\n"
                f"  expected: {expected[stage]!r}\n  computed: {computed.get(stage)!r}"
            )
    return None


def _verify(case: dict[str, Any]) -> None:
    inputs = case["inputs"]
    sts = _string_to_sign(case["scheme"], inputs, _body(inputs))
    signature = inputs.get("signature", case["expected"].get("signature"))
    if case["scheme"] == "hmac-transaction":
        verify_hmac(ClientSecret(case["key"]["client_secret"]), sts, signature)
    else:
        key = _load_public_key(VECTORS / case["key"]["public_key"])
        verify_rsa(key, sts, signature)


def test_the_folder_holds_the_published_vectors_and_enough_negative_cases() -> None:
    names = {path.stem for path in FILES}
    assert {
        "midtrans-demo-access-token",
        "midtrans-demo-symmetric-transaction",
        "midtrans-demo-notification-generation",
        "midtrans-demo-notification-verification",
        "midtrans-docs-access-token",
        "midtrans-docs-symmetric-string",
    } <= names
    assert len(list((VECTORS / "negative").glob("*.json"))) >= 20


@pytest.mark.parametrize("path", FILES, ids=[str(p.relative_to(VECTORS)) for p in FILES])
def test_vector(path: Path) -> None:
    case = _load(path)
    assert case.get("source"), "every vector says where it came from"
    expected = {k: v for k, v in case["expected"].items() if k in STAGES}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", WeakKeyWarning)  # stage checks only; warnings below
        try:
            computed = _computed_stages(case)
        except bisnap.errors.InvalidJSONError:
            computed = {}  # a body that is not JSON has no stages: the verdict below decides
    difference = first_difference(expected, computed)
    if difference:
        pytest.fail(difference)

    result = case.get("result", "valid")
    error = getattr(bisnap.errors, case.get("error", "BisnapError"))
    assert issubclass(error, bisnap.errors.BisnapError)
    if case.get("warning"):
        with pytest.warns(WeakKeyWarning):
            _verify(case)
    elif result == "valid":
        _verify(case)
    elif result == "invalid":
        with pytest.raises(error):
            _verify(case)
    else:
        assert result == "acceptable", f"unknown result {result!r}"
        with contextlib.suppress(error):
            _verify(case)


def test_first_difference_names_the_earliest_stage() -> None:
    expected = {"minified_body": "{}", "body_sha256_hex": "a", "string_to_sign": "s"}
    message = first_difference(expected, {"minified_body": "{}", "body_sha256_hex": "b"})
    assert message is not None
    assert message.startswith("first differing stage: body_sha256_hex")
    assert first_difference(expected, dict(expected)) is None


def test_published_signature_hex_is_the_same_bytes_as_the_base64() -> None:
    for path in FILES:
        expected = _load(path)["expected"]
        if "signature_hex" in expected:
            raw = base64.b64decode(expected["signature"])
            assert raw.hex() == expected["signature_hex"]


@pytest.mark.skipif(shutil.which("openssl") is None, reason="the openssl CLI is not installed")
@pytest.mark.slow
def test_openssl_cross_check() -> None:
    """vectors/generate.py --check recomputes every vector with openssl, a second implementation."""
    result = subprocess.run(
        [sys.executable, str(VECTORS / "generate.py"), "--check"],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr + result.stdout
