"""Iris-Signature (Payouts notifications): every file under vectors/iris*/ is a test.

Known answers (``vectors/iris/``) are recomputed with bisnap and must match byte for byte;
Wycheproof-style cases (``vectors/iris-negative/``) are verified as a receiver would. The
expected values were computed by ``openssl dgst -sha512`` (see vectors/generate.py), or
published by Midtrans.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import bisnap
import bisnap.errors
from bisnap.keys import IrisMerchantKey

VECTORS = Path(__file__).resolve().parents[2] / "vectors"
KNOWN = sorted((VECTORS / "iris").glob("*.json"))
NEGATIVE = sorted((VECTORS / "iris-negative").glob("*.json"))

# The worked example, copied from the Midtrans page (addendum §A.1), not from the vector file.
PUBLISHED_BODY = (
    b'{"reference_no":"TLtXjaG7LxcbEhgo7S","amount":"12333.0","status":"processed",'
    b'"updated_at":"2023-03-31T10:12:28Z"}'
)
PUBLISHED_KEY = "IRIS-merchant-d8709d85-19d6-39c4-7ff5-8eaf81ec31cd"
PUBLISHED_SIGNATURE = (
    "8b8a8ce380887acf162a17cc4bed7b7ff1c94fc637201ebed7ab1a7f32596810"
    "cbd9fc78d2db051ef851f97c05cd5f840d10ee34d58021c18d6ef69a793b7116"
)


def _load(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def test_the_folders_hold_the_published_example_and_enough_negative_cases() -> None:
    assert "midtrans-docs-payout-notification" in {p.stem for p in KNOWN}
    assert len(NEGATIVE) >= 8
    flags = {flag for path in NEGATIVE for flag in _load(path)["flags"]}
    assert {"ModifiedBody", "WrongOrder", "ParseAndDump", "WrongKey", "EmptyBody"} <= flags


def test_the_published_vector_file_holds_the_published_example() -> None:
    case = _load(VECTORS / "iris" / "midtrans-docs-payout-notification.json")
    assert case["inputs"]["body"].encode() == PUBLISHED_BODY
    assert len(PUBLISHED_BODY) == 113
    assert case["key"]["iris_merchant_key"] == PUBLISHED_KEY
    assert case["expected"]["signature"] == PUBLISHED_SIGNATURE
    assert "docs.midtrans.com" in case["source"]["url"]


def test_published_example() -> None:
    assert bisnap.iris_signature(PUBLISHED_KEY, PUBLISHED_BODY) == PUBLISHED_SIGNATURE
    assert bisnap.iris_signature(IrisMerchantKey(PUBLISHED_KEY), PUBLISHED_BODY.decode()) == (
        PUBLISHED_SIGNATURE
    )
    bisnap.verify_iris_signature(PUBLISHED_KEY, PUBLISHED_BODY, PUBLISHED_SIGNATURE)
    bisnap.verify_iris_signature(PUBLISHED_KEY, PUBLISHED_BODY, PUBLISHED_SIGNATURE.upper())


@pytest.mark.parametrize("path", KNOWN, ids=[p.name for p in KNOWN])
def test_known_answer(path: Path) -> None:
    case = _load(path)
    assert case["source"], "every vector says where it came from"
    assert case["scheme"] == "iris-sha512"
    body = case["inputs"]["body"].encode("utf-8")
    key = case["key"]["iris_merchant_key"]
    assert len(body) == case["expected"]["body_length"]
    assert bisnap.iris_signature(key, body) == case["expected"]["signature"]
    bisnap.verify_iris_signature(IrisMerchantKey(key), body, case["expected"]["signature"])


@pytest.mark.parametrize("path", NEGATIVE, ids=[p.name for p in NEGATIVE])
def test_negative_case(path: Path) -> None:
    case = _load(path)
    assert case["source"]
    assert case["tcId"]
    assert case["comment"]
    body = case["inputs"]["body"].encode("utf-8")
    key = case["key"]["iris_merchant_key"]
    signature = case["inputs"]["signature"]
    # Stage: what the right signature over the received bytes is (openssl's answer).
    assert bisnap.iris_signature(key, body) == case["expected"]["signature"]
    if case["result"] == "valid":
        bisnap.verify_iris_signature(key, body, signature)
        return
    assert case["result"] == "invalid", f"unknown result {case['result']!r}"
    error = getattr(bisnap.errors, case["error"])
    with pytest.raises(error) as caught:
        bisnap.verify_iris_signature(key, body, signature)
    assert key not in str(caught.value)
    assert case["expected"]["signature"] not in str(caught.value)
