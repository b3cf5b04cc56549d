"""The corpus: requests each broken by one known mistake (a few by two), signed by a second
implementation (hashlib/hmac, ``cryptography`` primitives, the ``openssl`` CLI), each diagnosed
to its cause; correct requests diagnosed valid; corruption no mistake explains undetermined."""

from __future__ import annotations

import base64
import json
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding

from bisnap import diagnose
from bisnap.diagnose import CAUSES, Verdict
from bisnap.keys import load_public_key
from tests.diagnose import second_impl as ref

SECRET = b"midtrans-client-secret-0123"
TOKEN = "eyJhbGciOiJIUzI1NiJ9.access-token-value"
OTHER_TOKEN = "another-token-from-an-older-fetch"
PATH = "/v1.0/transfer-va/create-va"
TS = "2024-03-15T10:35:00+07:00"
SENT = (
    '{"partnerServiceId":"   70012","virtualAccountName":"José",'
    '"callbackUrl":"https://shop.example/cb","totalAmount":{"value":"10000.00","currency":"IDR"}}'
).encode()
SENT_ESCAPED_SLASHES = SENT.replace(b"/", b"\\/")
SENT_ASCII = SENT.replace("é".encode(), b"\\u00e9")
SENT_SQUEEZED = SENT.replace(b"   70012", b"70012")
NOTIFY_PATH = "/v1.0/debit/notify"
NOTIFY_BODY = b'{"originalReferenceNo":"A1","latestTransactionStatus":"00","note":"a/b"}'
TOKEN_PATH = "/v1.0/access-token/b2b"
TOKEN_BODY = b'{"grantType":"client_credentials"}'
CLIENT_ID = "G123-SNAP"

MERCHANT = ref.new_rsa_key()
GATEWAY = ref.new_rsa_key()
STRANGER = ref.new_rsa_key()
MERCHANT_PUBLIC = load_public_key(ref.public_pem(MERCHANT))
GATEWAY_PUBLIC = load_public_key(ref.public_pem(GATEWAY))


@dataclass
class Case:
    name: str
    verdict: str
    causes: tuple[str, ...]
    target: str
    headers: dict[str, str]
    body: bytes
    method: str = "POST"
    options: dict[str, Any] = field(default_factory=dict)


def hmac_case(
    name: str,
    causes: tuple[str, ...],
    *,
    verdict: str = "invalid",
    signed_method: str = "POST",
    signed_path: str = PATH,
    target: str = PATH,
    signed_token: str = TOKEN,
    signed_body: bytes = SENT,
    body: bytes = SENT,
    signed_ts: str = TS,
    timestamp: str = TS,
    secret: bytes = SECRET,
    upper_digest: bool = False,
    algorithm: str = "sha512",
    asymmetric_text: bool = False,
    options: dict[str, Any] | None = None,
) -> Case:
    body_digest = ref.digest(signed_body)
    if upper_digest:
        body_digest = body_digest.upper()
    if asymmetric_text:
        text = ref.asymmetric_text(signed_method, signed_path, body_digest, signed_ts)
    else:
        text = ref.transaction_text(
            signed_method, signed_path, signed_token, body_digest, signed_ts
        )
    headers = {
        "Content-Type": "application/json",
        "Authorization": f"Bearer {TOKEN}",
        "X-TIMESTAMP": timestamp,
        "X-SIGNATURE": ref.hmac_signature(secret, text, algorithm),
        "X-PARTNER-ID": "partner",
        "X-EXTERNAL-ID": "123456789",
        "CHANNEL-ID": "95221",
    }
    return Case(
        name,
        verdict,
        causes,
        target,
        headers,
        body,
        options={"client_secret": SECRET, **(options or {})},
    )


def rsa_transaction_case(
    name: str,
    causes: tuple[str, ...],
    *,
    verdict: str = "invalid",
    signed_method: str = "POST",
    key: Any = MERCHANT,
    signed_body: bytes = SENT,
    options: dict[str, Any] | None = None,
) -> Case:
    text = ref.asymmetric_text(signed_method, PATH, ref.digest(signed_body), TS)
    headers = {
        "Authorization": f"Bearer {TOKEN}",
        "X-TIMESTAMP": TS,
        "X-SIGNATURE": ref.rsa_signature(key, text),
    }
    opts = {"public_key": MERCHANT_PUBLIC, "scheme": "transaction-rsa", **(options or {})}
    return Case(name, verdict, causes, PATH, headers, SENT, options=opts)


def token_case(
    name: str,
    causes: tuple[str, ...],
    *,
    verdict: str = "invalid",
    signed_ts: str = TS,
    timestamp: str = TS,
    key: Any = MERCHANT,
    signed_client: str = CLIENT_ID,
    signer: Callable[[Any, str], str] = ref.rsa_signature,
) -> Case:
    headers = {
        "Content-Type": "application/json",
        "X-CLIENT-KEY": CLIENT_ID,
        "X-TIMESTAMP": timestamp,
        "X-SIGNATURE": signer(key, f"{signed_client}|{signed_ts}"),
    }
    return Case(
        name,
        verdict,
        causes,
        TOKEN_PATH,
        headers,
        TOKEN_BODY,
        options={"public_key": MERCHANT_PUBLIC},
    )


def notification_case(
    name: str,
    causes: tuple[str, ...],
    *,
    verdict: str = "invalid",
    signed_path: str = NOTIFY_PATH,
    target: str = NOTIFY_PATH,
    signed_body: bytes = NOTIFY_BODY,
    body: bytes = NOTIFY_BODY,
    key: Any = GATEWAY,
    options: dict[str, Any] | None = None,
) -> Case:
    text = ref.asymmetric_text("POST", signed_path, ref.digest(signed_body), TS)
    headers = {"X-TIMESTAMP": TS, "X-SIGNATURE": ref.rsa_signature(key, text), "X-EXTERNAL-ID": "9"}
    opts = {"gateway_public_key": GATEWAY_PUBLIC, **(options or {})}
    return Case(name, verdict, causes, target, headers, body, options=opts)


def _openssl_signer(key: Any, text: str) -> str:
    return ref.openssl_rsa_signature(key, text)


CORPUS = [
    # --- one mistake each ---------------------------------------------------------------------
    hmac_case(
        "slashes escaped when signing", ("body-escapes-differ",), signed_body=SENT_ESCAPED_SLASHES
    ),
    hmac_case("slashes escaped when sending", ("body-escapes-differ",), body=SENT_ESCAPED_SLASHES),
    hmac_case("non-ASCII escaped when signing", ("body-escapes-differ",), signed_body=SENT_ASCII),
    hmac_case("non-ASCII escaped when sending", ("body-escapes-differ",), body=SENT_ASCII),
    hmac_case("naive minifier", ("whitespace-inside-strings",), signed_body=SENT_SQUEEZED),
    hmac_case("signed Z, sent +07:00", ("timestamp-differs",), signed_ts="2024-03-15T03:35:00Z"),
    hmac_case(
        "signed without millis", ("timestamp-differs",), timestamp="2024-03-15T03:35:00.123Z"
    ),
    hmac_case("signed +00:00", ("timestamp-differs",), signed_ts="2024-03-15T03:35:00+00:00"),
    hmac_case(
        "signed with millis the header lacks",
        ("timestamp-differs",),
        signed_ts="2024-03-15T03:35:00.731Z",
    ),
    hmac_case("prefix removed when signing", ("path-prefix",), target="/snap" + PATH),
    hmac_case("prefix added when signing", ("path-prefix",), signed_path="/snap" + PATH),
    hmac_case("query left out when signing", ("query-string",), target=PATH + "?page=1&size=10"),
    hmac_case("lower-case method", ("method-case",), signed_method="post"),
    hmac_case("upper-case digest", ("digest-uppercase",), upper_digest=True),
    hmac_case("secret read with its newline", ("secret-whitespace",), secret=SECRET + b"\n"),
    hmac_case("secret padded with spaces", ("secret-whitespace",), secret=b" " + SECRET + b" "),
    hmac_case("Bearer in the token slot", ("token-differs",), signed_token=f"Bearer {TOKEN}"),
    hmac_case(
        "a stale token in the slot",
        ("token-differs",),
        signed_token=OTHER_TOKEN,
        options={"access_token": OTHER_TOKEN},
    ),
    hmac_case("HMAC over the asymmetric string", ("wrong-scheme",), asymmetric_text=True),
    hmac_case("HMAC-SHA256", ("wrong-scheme",), algorithm="sha256"),
    token_case(
        "token timestamp re-rendered", ("timestamp-differs",), signed_ts="2024-03-15T03:35:00.000Z"
    ),
    token_case("token signed with another key", ("wrong-key",), key=STRANGER),
    token_case(
        "token signed by openssl with another key",
        ("wrong-key",),
        key=STRANGER,
        signer=_openssl_signer,
    ),
    notification_case(
        "framework re-serialized the body",
        ("body-escapes-differ",),
        body=NOTIFY_BODY.replace(b"/", b"\\/"),
    ),
    notification_case(
        "notification over the relative path", ("path-prefix",), target="/api/snap" + NOTIFY_PATH
    ),
    notification_case("notification checked with the wrong key", ("wrong-key",), key=STRANGER),
    rsa_transaction_case(
        "asymmetric transaction, lower-case method", ("method-case",), signed_method="post"
    ),
    # --- two mistakes -------------------------------------------------------------------------
    hmac_case(
        "escapes and Bearer",
        ("body-escapes-differ", "token-differs"),
        signed_body=SENT_ESCAPED_SLASHES,
        signed_token=f"Bearer {TOKEN}",
    ),
    hmac_case(
        "prefix and timestamp",
        ("path-prefix", "timestamp-differs"),
        target="/snap" + PATH,
        signed_ts="2024-03-15T03:35:00Z",
    ),
    hmac_case(
        "secret newline and upper-case digest",
        ("digest-uppercase", "secret-whitespace"),
        secret=SECRET + b"\n",
        upper_digest=True,
    ),
    # --- correct requests ---------------------------------------------------------------------
    hmac_case("correct HMAC transaction", (), verdict="valid"),
    hmac_case(
        "correct with a query", (), verdict="valid", signed_path=PATH + "?a=1", target=PATH + "?a=1"
    ),
    token_case("correct token request", (), verdict="valid"),
    token_case("correct token request by openssl", (), verdict="valid", signer=_openssl_signer),
    notification_case("correct notification", (), verdict="valid"),
    rsa_transaction_case("correct asymmetric transaction", (), verdict="valid"),
    # --- corruption no known mistake explains -------------------------------------------------
    hmac_case("another secret", (), verdict="undetermined", secret=b"not-the-secret"),
    hmac_case(
        "amount edited after signing",
        (),
        verdict="undetermined",
        signed_body=SENT.replace(b"10000.00", b"10001.00"),
    ),
    hmac_case(
        "another path entirely", (), verdict="undetermined", signed_path="/v1.0/transfer-va/inquiry"
    ),
    token_case("right key, another client id", (), verdict="undetermined", signed_client="OTHER"),
    notification_case(
        "right key, another body", (), verdict="undetermined", signed_body=b'{"x":"1"}'
    ),
]


@pytest.mark.parametrize("case", CORPUS, ids=lambda case: case.name)
def test_corpus_case_is_diagnosed_to_its_cause(case: Case) -> None:
    diagnosis = diagnose(case.method, case.target, case.headers, case.body, **case.options)
    assert diagnosis.verdict.value == case.verdict, diagnosis.explain()
    assert sorted(diagnosis.codes) == sorted(case.causes), diagnosis.explain()
    if case.verdict == "valid":
        assert diagnosis.first_difference is None


def test_corpus_has_twenty_single_mistakes_and_some_pairs() -> None:
    singles = [case for case in CORPUS if len(case.causes) == 1]
    pairs = [case for case in CORPUS if len(case.causes) == 2]
    assert len(singles) >= 20
    assert len(pairs) >= 3
    covered = {code for case in CORPUS for code in case.causes}
    assert covered >= set(CAUSES) - {"clock-skew"}


@pytest.mark.parametrize("case", CORPUS, ids=lambda case: case.name)
def test_evidence_holds_no_secret_token_or_whole_signature(case: Case) -> None:
    diagnosis = diagnose(case.method, case.target, case.headers, case.body, **case.options)
    text = json.dumps(diagnosis.to_dict()) + diagnosis.explain()
    for secret in (SECRET.decode(), TOKEN, OTHER_TOKEN, case.headers["X-SIGNATURE"]):
        assert secret not in text
    assert case.headers["X-SIGNATURE"][:12] not in text


def test_valid_signature_outside_the_window_is_clock_skew() -> None:
    case = hmac_case("correct", (), verdict="valid")
    sent = datetime(2024, 3, 15, 3, 35, tzinfo=timezone.utc)
    late = diagnose(
        "POST",
        PATH,
        case.headers,
        SENT,
        client_secret=SECRET,
        received_at=sent + timedelta(seconds=301),
    )
    assert (late.verdict, late.codes, late.first_difference) == (
        Verdict.INVALID,
        ("clock-skew",),
        "window",
    )
    on_time = diagnose(
        "POST",
        PATH,
        case.headers,
        SENT,
        client_secret=SECRET,
        received_at=sent + timedelta(seconds=299),
    )
    assert on_time.verdict is Verdict.VALID


def test_random_signature_bytes_are_undetermined() -> None:
    case = hmac_case("random", ())
    case.headers["X-SIGNATURE"] = base64.b64encode(os.urandom(64)).decode()
    diagnosis = diagnose("POST", PATH, case.headers, SENT, client_secret=SECRET)
    assert diagnosis.verdict is Verdict.UNDETERMINED
    assert diagnosis.codes == ()


def test_rsa_sized_signature_where_hmac_is_required_is_wrong_scheme() -> None:
    text = ref.transaction_text("POST", PATH, TOKEN, ref.digest(SENT), TS)
    case = hmac_case("rsa", ())
    case.headers["X-SIGNATURE"] = ref.rsa_signature(MERCHANT, text)
    with_key = diagnose(
        "POST", PATH, case.headers, SENT, client_secret=SECRET, public_key=MERCHANT_PUBLIC
    )
    assert with_key.codes == ("wrong-scheme",)
    assert "SHA256withRSA over the transaction string-to-sign" in with_key.causes[0].evidence
    without_key = diagnose("POST", PATH, case.headers, SENT, client_secret=SECRET)
    assert without_key.codes == ("wrong-scheme",)
    assert "256 bytes" in without_key.causes[0].evidence


def test_hex_signature_is_undetermined_and_says_so() -> None:
    case = hmac_case("hex", ())
    raw = base64.b64decode(case.headers["X-SIGNATURE"])
    case.headers["X-SIGNATURE"] = raw.hex()
    diagnosis = diagnose("POST", PATH, case.headers, SENT, client_secret=SECRET)
    assert diagnosis.verdict is Verdict.UNDETERMINED
    assert "hexadecimal" in diagnosis.evidence["signature"]


def test_missing_signature_header_is_undetermined_at_headers() -> None:
    diagnosis = diagnose(
        "POST", PATH, {"Authorization": "Bearer t", "X-TIMESTAMP": TS}, SENT, client_secret=SECRET
    )
    assert (diagnosis.verdict, diagnosis.first_difference) == (Verdict.UNDETERMINED, "headers")
    assert "X-SIGNATURE" in diagnosis.evidence["headers"]


def test_right_key_with_another_hash_is_undetermined_not_wrong_key() -> None:
    raw = MERCHANT.sign(f"{CLIENT_ID}|{TS}".encode(), padding.PKCS1v15(), hashes.SHA512())
    case = token_case("sha512", ())
    case.headers["X-SIGNATURE"] = base64.b64encode(raw).decode()
    diagnosis = diagnose("POST", TOKEN_PATH, case.headers, TOKEN_BODY, public_key=MERCHANT_PUBLIC)
    assert diagnosis.verdict is Verdict.UNDETERMINED
    assert diagnosis.codes == ()
    assert "not SHA256withRSA" in diagnosis.evidence["signature_hash"]
