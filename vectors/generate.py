"""Regenerate, or cross-check, the generated signing vectors with the ``openssl`` CLI.

    python vectors/generate.py           write the generated cases (and any missing key files)
    python vectors/generate.py --check   recompute every case with openssl; exit 1 on a difference

The expected values come from a second implementation, never from bisnap: SHA-256 digests,
SHA256withRSA signatures and HMAC-SHA512 tags are computed by ``openssl dgst``; minified bodies
are written out by hand below and checked with the standard library's ``json`` module; strings to
sign are plain string joins. ``--check`` also re-derives every stage of the published vectors
(``access-token/midtrans-*``, ``transaction/midtrans-*``, ``notification/midtrans-*``,
``iris/midtrans-*``) with openssl, so those files are cross-checked too. Iris-Signatures are
``openssl dgst -sha512`` over the body bytes followed by the Iris merchant key.
"""

from __future__ import annotations

import argparse
import base64
import json
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
KEYS = HERE / "keys"
GENERATED_SOURCE = "generated, cross-checked with the openssl CLI"
WHITESPACE = b" \t\n\r"

# Key files: name -> RSA size. The Midtrans demo pair is published (see README.md); the others
# are created by `openssl genpkey` the first time this script runs.
GENERATED_KEYS = {"other": 2048, "weak-1024": 1024, "weak-512": 512}
DEMO = "midtrans-demo"

CLIENT_ID = "G7310041-SNAP"
CLIENT_SECRET = "Zx9Qm2VtL7pW4cRkY8sN3bHfJ6dG1aEu"
OTHER_SECRET = "Zx9Qm2VtL7pW4cRkY8sN3bHfJ6dG1aEv"
ACCESS_TOKEN = "gT4kq2Nw8ZrP0vYx5LcB7mH3sD9fJ1aQeU6oI2tR"
TIMESTAMP = "2024-03-15T10:35:00+07:00"


# --- the independent implementation -------------------------------------------------------------


def openssl(*args: str, data: bytes = b"") -> bytes:
    result = subprocess.run(["openssl", *args], input=data, capture_output=True, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"openssl {' '.join(args)} failed: {result.stderr.decode()}")
    return result.stdout


def sha256_hex(data: bytes) -> str:
    return openssl("dgst", "-sha256", "-binary", data=data).hex()


def hmac_sha512(secret: str, message: bytes, digest: str = "sha512") -> bytes:
    return openssl(
        "dgst", f"-{digest}", "-mac", "HMAC", "-macopt", f"hexkey:{secret.encode().hex()}",
        "-binary", data=message,
    )  # fmt: skip


def rsa_sign(key_name: str, message: bytes, digest: str = "sha256", pss: bool = False) -> bytes:
    options = ["-sigopt", "rsa_padding_mode:pss"] if pss else []
    key = str(KEYS / f"{key_name}-private.pem")
    return openssl("dgst", f"-{digest}", "-sign", key, *options, "-binary", data=message)


def rsa_verifies(key_name: str, message: bytes, signature: bytes) -> bool:
    with tempfile.NamedTemporaryFile(suffix=".sig") as sig_file:
        sig_file.write(signature)
        sig_file.flush()
        result = subprocess.run(
            ["openssl", "dgst", "-sha256", "-verify", str(KEYS / f"{key_name}-public.pem"),
             "-signature", sig_file.name],
            input=message, capture_output=True, check=False,
        )  # fmt: skip
    return result.returncode == 0 and b"Verified OK" in result.stdout


def b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def strict_b64decode(text: str) -> bytes | None:
    """What a strict verifier accepts: canonical, padded, standard-alphabet base64 only."""
    try:
        raw = base64.b64decode(text.encode("ascii"), validate=True)
    except ValueError:  # binascii.Error and UnicodeEncodeError are ValueErrors
        return None
    return raw if b64(raw) == text else None


def ensure_keys() -> None:
    KEYS.mkdir(exist_ok=True)
    for name, bits in GENERATED_KEYS.items():
        private, public = KEYS / f"{name}-private.pem", KEYS / f"{name}-public.pem"
        if not private.exists():
            private.write_bytes(
                openssl("genpkey", "-algorithm", "RSA", "-pkeyopt", f"rsa_keygen_bits:{bits}")
            )
        if not public.exists():
            public.write_bytes(openssl("pkey", "-pubout", "-in", str(private)))


# --- bodies: (as sent, minified), both written out by hand ----------------------------------------

VA_BODY = b"""{
  "partnerServiceId": "   70012",
  "customerNo": "6280123456",
  "virtualAccountNo": "   700126280123456",
  "virtualAccountName": "Andr\\u00e9 Caf\xc3\xa9",
  "trxId": "va-20240315-0001",
  "totalAmount": {
    "value": "10000.00",
    "currency": "IDR"
  },
  "additionalInfo": {
    "callbackUrl": "https:\\/\\/merchant.example.com\\/notify",
    "note": "tab\\tand \\"quoted\\" \\\\ text"
  }
}"""
VA_MINIFIED = (
    b'{"partnerServiceId":"   70012","customerNo":"6280123456",'
    b'"virtualAccountNo":"   700126280123456","virtualAccountName":"Andr\\u00e9 Caf\xc3\xa9",'
    b'"trxId":"va-20240315-0001","totalAmount":{"value":"10000.00","currency":"IDR"},'
    b'"additionalInfo":{"callbackUrl":"https:\\/\\/merchant.example.com\\/notify",'
    b'"note":"tab\\tand \\"quoted\\" \\\\ text"}}'
)
NOTIFY_BODY = (
    b'{\r\n\t"originalPartnerReferenceNo" : "GP24031510350001",\r\n'
    b'\t"latestTransactionStatus" : "00",\r\n'
    b'\t"amount" : { "value" : "102800.00", "currency" : "IDR" },\r\n'
    b'\t"additionalInfo" : { "refundHistory" : [ ], "attempt" : 1.0E+0, "ratio" : -0.50 }\r\n}\r\n'
)
NOTIFY_MINIFIED = (
    b'{"originalPartnerReferenceNo":"GP24031510350001","latestTransactionStatus":"00",'
    b'"amount":{"value":"102800.00","currency":"IDR"},'
    b'"additionalInfo":{"refundHistory":[],"attempt":1.0E+0,"ratio":-0.50}}'
)
VA_PATH = "/v1.0/transfer-va/create-va"
NOTIFY_PATH = "/v1.0/debit/notify"
HISTORY_PATH = "/v1.0/transaction-history-list?fromDateTime=2024-03-01T00:00:00%2B07:00&pageSize=10"


def _outside_strings(data: bytes) -> bytes:
    """The bytes of ``data`` that lie outside JSON strings (a minimal scanner for the check)."""
    out, in_string, escaped = bytearray(), False, False
    for byte in data:
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:
                escaped = True
            elif byte == 0x22:
                in_string = False
        elif byte == 0x22:
            in_string = True
        else:
            out.append(byte)
    return bytes(out)


def check_minified(body: bytes, minified: bytes) -> None:
    """A hand-written minified body only dropped whitespace outside strings, and all of it."""
    if not body.strip(WHITESPACE):
        if minified:
            raise AssertionError("an empty body minifies to nothing")
        return
    if body.translate(None, WHITESPACE) != minified.translate(None, WHITESPACE):
        raise AssertionError(f"minified body changed more than whitespace: {minified!r}")
    if json.loads(body) != json.loads(minified):
        raise AssertionError(f"minified body changed a value: {minified!r}")
    if any(ws in _outside_strings(minified) for ws in (b" ", b"\t", b"\n", b"\r")):
        raise AssertionError(f"minified body keeps whitespace outside strings: {minified!r}")


# --- cases ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Request:
    """What one side signs, or what the verifier receives."""

    scheme: str  # "hmac-transaction" | "rsa-asymmetric" | "rsa-token"
    method: str = "POST"
    path: str = VA_PATH
    access_token: str = ACCESS_TOKEN
    client_key: str = CLIENT_ID
    body: bytes = VA_BODY
    minified: bytes | None = VA_MINIFIED  # None: the body is not JSON
    timestamp: str = TIMESTAMP
    digest_upper: bool = False  # a signer that writes the digest in upper case

    def digest(self) -> str | None:
        if self.minified is None:
            return None
        hex_digest = sha256_hex(self.minified)
        return hex_digest.upper() if self.digest_upper else hex_digest

    def string_to_sign(self) -> str | None:
        if self.scheme == "rsa-token":
            return f"{self.client_key}|{self.timestamp}"
        digest = self.digest()
        if digest is None:
            return None
        method = self.method.upper()
        if self.scheme == "hmac-transaction":
            return f"{method}:{self.path}:{self.access_token}:{digest}:{self.timestamp}"
        return f"{method}:{self.path}:{digest}:{self.timestamp}"

    def inputs(self) -> dict[str, Any]:
        if self.scheme == "rsa-token":
            return {"client_key": self.client_key, "timestamp": self.timestamp}
        fields: dict[str, Any] = {"method": self.method, "path": self.path}
        if self.scheme == "hmac-transaction":
            fields["access_token"] = self.access_token
        try:
            fields["body"] = self.body.decode("utf-8")
        except UnicodeDecodeError:
            fields["body_base64"] = b64(self.body)
        fields["timestamp"] = self.timestamp
        return fields

    def stages(self) -> dict[str, str]:
        stages: dict[str, str] = {}
        if self.scheme != "rsa-token" and self.minified is not None:
            check_minified(self.body, self.minified)
            stages["minified_body"] = self.minified.decode("utf-8")
            stages["body_sha256_hex"] = sha256_hex(self.minified)
        sts = self.string_to_sign()
        if sts is not None:
            stages["string_to_sign"] = sts
        return stages


HMAC_BASE = Request("hmac-transaction")
RSA_BASE = Request("rsa-asymmetric", path=NOTIFY_PATH, body=NOTIFY_BODY, minified=NOTIFY_MINIFIED)
TOKEN_BASE = Request("rsa-token")


@dataclass(frozen=True)
class Signer:
    """How the signature was made: which key, which algorithm."""

    key: str = DEMO  # RSA key name, or the HMAC secret for "hmac-transaction"
    digest: str = ""  # "" = the scheme's own (sha256 for RSA, sha512 for HMAC)
    pss: bool = False

    def sign(self, request: Request) -> bytes:
        sts = request.string_to_sign()
        assert sts is not None
        if request.scheme == "hmac-transaction":
            return hmac_sha512(self.key, sts.encode(), self.digest or "sha512")
        return rsa_sign(self.key, sts.encode(), self.digest or "sha256", self.pss)


HMAC_SIGNER = Signer(key=CLIENT_SECRET)
RSA_SIGNER = Signer()


@dataclass(frozen=True)
class Case:
    name: str
    comment: str
    flags: tuple[str, ...]
    result: str  # "valid" | "invalid" | "acceptable"
    signed: Request
    received: Request | None = None  # None: the same as signed
    signer: Signer = field(default_factory=Signer)
    verify_key: str = DEMO  # RSA public key name for the verifier
    mangle: Callable[[str], str] | None = None  # how the signature header was spoiled
    error: str | None = None  # the bisnap error expected for an invalid case
    warning: str | None = None
    policy: bool = False  # invalid by bisnap's policy although the signature is mathematically fine


def _flip_last_bit(signature: str) -> str:
    raw = bytearray(base64.b64decode(signature))
    raw[-1] ^= 1
    return b64(bytes(raw))


def _drop_last_byte(signature: str) -> str:
    return b64(base64.b64decode(signature)[:-1])


def _non_canonical(signature: str) -> str:
    """Set the unused low bits of the last base64 digit before the padding."""
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    stripped = signature.rstrip("=")
    last = alphabet.index(stripped[-1])
    spare = 0b1111 if signature.endswith("==") else 0b11
    spoiled = stripped[:-1] + alphabet[last | spare] + signature[len(stripped) :]
    assert base64.b64decode(spoiled) == base64.b64decode(signature)  # same bytes, other spelling
    return spoiled


def _url_safe(signature: str) -> str:
    if "+" not in signature and "/" not in signature:
        raise AssertionError("pick inputs whose signature contains '+' or '/'")
    return signature.translate(str.maketrans("+/", "-_"))


def cases() -> list[Case]:
    h, r, t = HMAC_BASE, RSA_BASE, TOKEN_BASE
    sig_err = "InvalidSignatureError"
    hmac_case: dict[str, Any] = {"signed": h, "signer": HMAC_SIGNER}
    rsa_case: dict[str, Any] = {"signed": r, "signer": RSA_SIGNER}
    pretty_again = b"{\n\t" + VA_MINIFIED[1:-1].replace(b'","', b'",\r\n\t"') + b"\r\n}\n"
    return [
        Case("whitespace-outside-strings", "the body is re-indented (tabs, CRLF); only whitespace "
             "outside strings changed", ("WhitespaceOutsideStrings",), "valid",
             received=replace(h, body=pretty_again), **hmac_case),
        Case("tampered-body-amount", "one byte of the body changed (10000.00 -> 90000.00)",
             ("ModifiedBody",), "invalid", error=sig_err,
             received=replace(h, body=VA_BODY.replace(b'"10000.00"', b'"90000.00"'),
                              minified=VA_MINIFIED.replace(b'"10000.00"', b'"90000.00"')),
             **hmac_case),
        Case("tampered-body-key-order", "two members swapped; key order is signed too",
             ("ModifiedBody", "KeyOrder"), "invalid", error=sig_err,
             received=replace(h, body=b'{"b":1,"a":2}', minified=b'{"b":1,"a":2}'),
             signed=replace(h, body=b'{"a":2,"b":1}', minified=b'{"a":2,"b":1}'),
             signer=HMAC_SIGNER),
        Case("whitespace-inside-string", "a space removed inside a string (\"   70012\" -> "
             "\"  70012\")", ("WhitespaceInsideString",), "invalid", error=sig_err,
             received=replace(h, body=VA_BODY.replace(b'"   70012"', b'"  70012"'),
                              minified=VA_MINIFIED.replace(b'"   70012"', b'"  70012"')),
             **hmac_case),
        Case("space-padded-id-stripped-by-signer", "the signer's minifier stripped the padding of "
             "partnerServiceId and virtualAccountNo; the body sent keeps it",
             ("SpacePaddedField", "WrongMinifier"), "invalid", error=sig_err,
             signed=replace(h, minified=VA_MINIFIED.replace(b'"   7', b'"7')),
             received=h, signer=HMAC_SIGNER),
        Case("escaped-solidus-reserialized", "signed with \\/ escapes; received as / (what a "
             "parse-and-dump minifier produces)", ("Escapes", "ParseAndDump"), "invalid",
             error=sig_err,
             received=replace(h, body=VA_BODY.replace(b"\\/", b"/"),
                              minified=VA_MINIFIED.replace(b"\\/", b"/")), **hmac_case),
        Case("unicode-escape-reserialized", "signed with \\u00e9; received as the raw UTF-8 "
             "character", ("Escapes", "ParseAndDump"), "invalid", error=sig_err,
             received=replace(h, body=VA_BODY.replace(b"\\u00e9", b"\xc3\xa9"),
                              minified=VA_MINIFIED.replace(b"\\u00e9", b"\xc3\xa9")),
             **hmac_case),
        Case("number-spelling-reserialized", "signed 1.0E+0 and -0.50; received 1.0 and -0.5",
             ("NumberSpelling", "ParseAndDump"), "invalid", error=sig_err,
             received=replace(r, body=NOTIFY_BODY.replace(b"1.0E+0", b"1.0").replace(
                 b"-0.50", b"-0.5"), minified=NOTIFY_MINIFIED.replace(b"1.0E+0", b"1.0").replace(
                 b"-0.50", b"-0.5")), **rsa_case),
        Case("tampered-path", "another endpoint's path", ("ModifiedPath",), "invalid",
             error=sig_err, received=replace(h, path="/v1.0/transfer-va/delete-va"), **hmac_case),
        Case("path-trailing-slash", "a trailing slash added to the path", ("ModifiedPath",),
             "invalid", error=sig_err, received=replace(h, path=VA_PATH + "/"), **hmac_case),
        Case("path-query-dropped", "signed with the ?query; received without it",
             ("ModifiedPath", "Query"), "invalid", error=sig_err,
             signed=replace(h, method="GET", path=HISTORY_PATH, body=b"", minified=b""),
             received=replace(h, method="GET", path=HISTORY_PATH.split("?")[0], body=b"",
                              minified=b""), signer=HMAC_SIGNER),
        Case("tampered-method", "POST signed, PUT received", ("ModifiedMethod",), "invalid",
             error=sig_err, received=replace(h, method="PUT"), **hmac_case),
        Case("method-lower-case", "the method is given in lower case; it is upper-cased before "
             "signing", ("MethodCase",), "valid", received=replace(h, method="post"), **hmac_case),
        Case("tampered-token", "the access token's last character changed",
             ("ModifiedToken",), "invalid", error=sig_err,
             received=replace(h, access_token=ACCESS_TOKEN[:-1] + "S"), **hmac_case),
        Case("tampered-timestamp", "the timestamp one second later", ("ModifiedTimestamp",),
             "invalid", error=sig_err,
             received=replace(h, timestamp="2024-03-15T10:35:01+07:00"), **hmac_case),
        Case("timestamp-same-instant-other-form", "the same instant written with Z; timestamps "
             "are signed byte for byte", ("ModifiedTimestamp", "TimestampForm"), "invalid",
             error=sig_err, received=replace(h, timestamp="2024-03-15T03:35:00Z"), **hmac_case),
        Case("upper-case-digest", "the signer wrote the body digest in upper-case hex",
             ("DigestCase",), "invalid", error=sig_err,
             signed=replace(h, digest_upper=True), received=h, signer=HMAC_SIGNER),
        Case("empty-body-vs-empty-object", "signed over an empty body; received {}",
             ("EmptyBody",), "invalid", error=sig_err,
             signed=replace(h, body=b"", minified=b""),
             received=replace(h, body=b"{}", minified=b"{}"), signer=HMAC_SIGNER),
        Case("empty-object-vs-empty-body", "signed over {}; received an empty body",
             ("EmptyBody",), "invalid", error=sig_err,
             signed=replace(h, body=b"{}", minified=b"{}"),
             received=replace(h, body=b"", minified=b""), signer=HMAC_SIGNER),
        Case("body-not-json", "the received body has a trailing comma", ("InvalidJson",),
             "invalid", error="InvalidJSONError", policy=True,
             received=replace(h, body=VA_MINIFIED[:-2] + b",}}", minified=None), **hmac_case),
        Case("body-not-utf8", "the received body holds a byte that is not UTF-8",
             ("InvalidUtf8",), "invalid", error="InvalidJSONError", policy=True,
             received=replace(h, body=VA_BODY.replace(b"\xc3\xa9", b"\xe9"), minified=None),
             **hmac_case),
        Case("signature-truncated", "the base64 signature lost its last 4 characters",
             ("MalformedSignature",), "invalid", error=sig_err, mangle=lambda s: s[:-4],
             **hmac_case),
        Case("signature-garbled", "a character of the base64 signature replaced by '*'",
             ("MalformedSignature",), "invalid", error=sig_err,
             mangle=lambda s: s[:10] + "*" + s[11:], **hmac_case),
        Case("signature-padding-missing", "the base64 padding '==' removed",
             ("MalformedSignature",), "invalid", error=sig_err,
             mangle=lambda s: s.rstrip("="), **hmac_case),
        Case("signature-url-safe-alphabet", "the signature in the URL-safe alphabet (- and _)",
             ("MalformedSignature",), "invalid", error=sig_err, mangle=_url_safe, **hmac_case),
        Case("signature-hex", "the signature hex-encoded instead of base64",
             ("MalformedSignature",), "invalid", error=sig_err,
             mangle=lambda s: base64.b64decode(s).hex(), **hmac_case),
        Case("signature-with-space", "a space inside the base64 signature",
             ("MalformedSignature",), "invalid", error=sig_err,
             mangle=lambda s: s[:44] + " " + s[44:], **hmac_case),
        Case("signature-line-wrapped", "the signature wrapped like MIME base64 (CRLF after 64)",
             ("MalformedSignature",), "invalid", error=sig_err,
             mangle=lambda s: s[:64] + "\r\n" + s[64:], **hmac_case),
        Case("signature-non-canonical-base64", "the unused bits before the padding set: decodes "
             "to the same bytes, but only the canonical spelling is accepted",
             ("MalformedSignature", "NonCanonical"), "invalid", error=sig_err, policy=True,
             mangle=_non_canonical, **hmac_case),
        Case("hmac-other-secret", "signed with another client secret", ("WrongKey",), "invalid",
             error=sig_err, signed=h, signer=Signer(key=OTHER_SECRET)),
        Case("hmac-sha256-not-sha512", "HMAC-SHA256 instead of HMAC-SHA512",
             ("WrongAlgorithm",), "invalid", error=sig_err, signed=h,
             signer=Signer(key=CLIENT_SECRET, digest="sha256")),
        Case("rsa-whitespace-outside-strings", "a notification re-indented; verifies",
             ("WhitespaceOutsideStrings",), "valid",
             received=replace(r, body=NOTIFY_MINIFIED + b"\n"), **rsa_case),
        Case("rsa-other-key", "the notification signed by a different RSA key", ("WrongKey",),
             "invalid", error=sig_err, signed=r, signer=Signer(key="other")),
        Case("rsa-bit-flipped", "one bit of the RSA signature flipped", ("ModifiedSignature",),
             "invalid", error=sig_err, mangle=_flip_last_bit, **rsa_case),
        Case("rsa-signature-short", "the RSA signature one byte short", ("ModifiedSignature",),
             "invalid", error=sig_err, mangle=_drop_last_byte, **rsa_case),
        Case("rsa-pss-padding", "RSASSA-PSS instead of PKCS#1 v1.5", ("WrongAlgorithm",),
             "invalid", error=sig_err, signed=r, signer=Signer(pss=True)),
        Case("rsa-sha1", "SHA1withRSA instead of SHA256withRSA", ("WrongAlgorithm",), "invalid",
             error=sig_err, signed=r, signer=Signer(digest="sha1")),
        Case("rsa-tampered-path", "the notification path with a trailing slash",
             ("ModifiedPath",), "invalid", error=sig_err,
             received=replace(r, path=NOTIFY_PATH + "/"), **rsa_case),
        Case("rsa-key-512-bits", "a valid signature by a 512-bit key: refused when the key loads",
             ("WeakKey",), "invalid", error="WeakKeyError", policy=True, signed=r,
             signer=Signer(key="weak-512"), verify_key="weak-512"),
        Case("rsa-key-1024-bits", "a valid signature by a 1024-bit key: accepted with a "
             "WeakKeyWarning (some gateways still use such keys)", ("WeakKey",), "acceptable",
             warning="WeakKeyWarning", signed=r, signer=Signer(key="weak-1024"),
             verify_key="weak-1024"),
        Case("token-tampered-client-key", "the access-token request's X-CLIENT-KEY changed",
             ("ModifiedClientKey",), "invalid", error=sig_err, signed=t,
             received=replace(t, client_key="G7310042-SNAP"), signer=RSA_SIGNER),
        Case("token-millis-dropped", "signed 10:35:00.000Z; received 10:35:00Z",
             ("ModifiedTimestamp", "TimestampForm"), "invalid", error=sig_err,
             signed=replace(t, timestamp="2024-03-15T03:35:00.000Z"),
             received=replace(t, timestamp="2024-03-15T03:35:00Z"), signer=RSA_SIGNER),
    ]  # fmt: skip


def openssl_verdict(case: Case, received: Request, signature: str) -> str | None:
    """openssl's own answer for the received request, or None where JSON decides it."""
    raw = strict_b64decode(signature)
    sts = received.string_to_sign()
    if sts is None:
        return None
    if raw is None:
        return "invalid"
    if received.scheme == "hmac-transaction":
        return "valid" if raw == hmac_sha512(CLIENT_SECRET, sts.encode()) else "invalid"
    return "valid" if rsa_verifies(case.verify_key, sts.encode(), raw) else "invalid"


def build_negative(tc_id: int, case: Case) -> dict[str, Any]:
    received = case.received or case.signed
    good_signature = b64(case.signer.sign(case.signed))
    signature = case.mangle(good_signature) if case.mangle else good_signature
    if case.policy:
        # Refused by bisnap's policy, yet the signature itself is sound: openssl accepts it.
        subject = received if received.minified is not None else case.signed
        if openssl_verdict(case, subject, good_signature) != "valid":
            raise AssertionError(f"{case.name}: openssl rejects the unspoiled signature")
    else:
        verdict = openssl_verdict(case, received, signature)
        wanted = "invalid" if case.result == "invalid" else "valid"
        if verdict != wanted:
            raise AssertionError(f"{case.name}: openssl says {verdict}, the case says {wanted}")
    key: dict[str, str]
    if received.scheme == "hmac-transaction":
        key = {"client_secret": CLIENT_SECRET}
    else:
        key = {"public_key": f"keys/{case.verify_key}-public.pem"}
    signed_sts = case.signed.string_to_sign()
    data: dict[str, Any] = {
        "tcId": tc_id,
        "id": case.name,
        "comment": case.comment,
        "flags": list(case.flags),
        "result": case.result,
    }
    if case.error:
        data["error"] = case.error
    if case.warning:
        data["warning"] = case.warning
    data |= {
        "scheme": received.scheme,
        "source": GENERATED_SOURCE,
        "key": key,
        "signed": {
            "string_to_sign": signed_sts,
            "by": (
                "HMAC-" + (case.signer.digest or "sha512").upper()
                if case.signed.scheme == "hmac-transaction"
                else f"keys/{case.signer.key}-private.pem, "
                + ("RSASSA-PSS" if case.signer.pss else "PKCS#1 v1.5")
                + " with "
                + (case.signer.digest or "sha256").upper()
            ),
            "signature": good_signature,
        },
        "inputs": received.inputs() | {"signature": signature},
        "expected": received.stages(),
    }
    return data


# --- Iris-Signature (Payouts notifications) ----------------------------------------------------
#
# SHA-512 over the raw body bytes immediately followed by the Iris Merchant Key, lowercase hex.
# openssl hashes the concatenation; the variant bodies are written out by hand.

IRIS_SCHEME = "iris-sha512"
IRIS_PUBLISHED = HERE / "iris" / "midtrans-docs-payout-notification.json"
IRIS_KEY = "IRIS-merchant-d8709d85-19d6-39c4-7ff5-8eaf81ec31cd"  # the published sample key
IRIS_OTHER_KEY = "IRIS-merchant-d8709d85-19d6-39c4-7ff5-8eaf81ec31ce"
IRIS_BODY = (
    b'{"reference_no":"TLtXjaG7LxcbEhgo7S","amount":"12333.0","status":"processed",'
    b'"updated_at":"2023-03-31T10:12:28Z"}'
)
IRIS_BODY_SPACED = (
    b'{"reference_no": "TLtXjaG7LxcbEhgo7S", "amount": "12333.0", "status": "processed", '
    b'"updated_at": "2023-03-31T10:12:28Z"}'
)
IRIS_BODY_PRETTY = (
    b'{\n  "reference_no": "TLtXjaG7LxcbEhgo7S",\n  "amount": "12333.0",\n'
    b'  "status": "processed",\n  "updated_at": "2023-03-31T10:12:28Z"\n}'
)
IRIS_FAILED_BODY = (  # the failed sample of the error-code page
    b'{"reference_no":"21b6d59f9414b2636b","amount":"10000.00","status":"failed",'
    b'"updated_at":"2018-07-23T10:23:31Z","error_code":"002",'
    b'"error_message":"Invalid destination account number"}'
)
IRIS_SNAP_BODY = (
    b'{"reference_no":"PO2024031500000001","amount":"250000","status":"completed",'
    b'"updated_at":"2024-03-15T03:41:07Z","partner_reference_no":"PAYOUT-20240315-0001"}'
)
IRIS_TOPUP_BODY = (
    b'{"transaction_id":"6f1c9a52-3d4e-4b8a-9e0f-1a2b3c4d5e6f","order_id":"TOPUP-20240315-01",'
    b'"gross_amount":"5000000.00","status":"topup","transaction_time":"2024-03-15T03:12:28Z"}'
)


def iris_sha512(body: bytes, key: str) -> str:
    """The Iris-Signature as openssl computes it: SHA-512 of body + key, lowercase hex."""
    return openssl("dgst", "-sha512", "-binary", data=body + key.encode("utf-8")).hex()


@dataclass(frozen=True)
class IrisCase:
    name: str
    comment: str
    flags: tuple[str, ...]
    result: str  # "valid" | "invalid"
    signed_by: str  # how the signer made the signature
    signature: str  # the Iris-Signature header the receiver gets
    received: bytes = IRIS_BODY


def iris_cases() -> list[IrisCase]:
    good = iris_sha512(IRIS_BODY, IRIS_KEY)
    plain = "SHA-512 of body + key"
    return [
        IrisCase("body-trailing-newline", "a newline appended to the body after signing",
                 ("ModifiedBody",), "invalid", plain, good, IRIS_BODY + b"\n"),
        IrisCase("key-before-body", "the signer hashed key + body instead of body + key",
                 ("WrongOrder",), "invalid", "SHA-512 of key + body",
                 openssl("dgst", "-sha512", "-binary",
                         data=IRIS_KEY.encode() + IRIS_BODY).hex()),
        IrisCase("reserialized-with-spaces", "the body re-serialized with a space after ':' "
                 "and ','", ("ParseAndDump",), "invalid", plain, good, IRIS_BODY_SPACED),
        IrisCase("pretty-printed", "the body pretty-printed with two-space indents",
                 ("ParseAndDump",), "invalid", plain, good, IRIS_BODY_PRETTY),
        IrisCase("amount-two-fraction-digits", "amount \"12333.00\" received, \"12333.0\" "
                 "signed: only the raw bytes verify", ("NumberSpelling", "ModifiedBody"),
                 "invalid", plain, good, IRIS_BODY.replace(b'"12333.0"', b'"12333.00"')),
        IrisCase("other-key", "signed with another Iris merchant key (last character differs)",
                 ("WrongKey",), "invalid", "SHA-512 of body + another key",
                 iris_sha512(IRIS_BODY, IRIS_OTHER_KEY)),
        IrisCase("signature-truncated", "the hex signature lost its last two digits",
                 ("MalformedSignature",), "invalid", plain, good[:-2]),
        IrisCase("signature-empty", "an empty Iris-Signature header",
                 ("MalformedSignature",), "invalid", plain, ""),
        IrisCase("body-empty", "the body's signature arrived with an empty body",
                 ("EmptyBody",), "invalid", plain, good, b""),
        IrisCase("signature-upper-case-hex", "the right digest in upper-case hex: accepted",
                 ("SignatureCase",), "valid", plain, good.upper()),
        IrisCase("hmac-sha512-not-plain-digest", "HMAC-SHA512 keyed with the merchant key "
                 "instead of the plain digest of body + key", ("WrongAlgorithm",), "invalid",
                 "HMAC-SHA512 of body, keyed with the merchant key",
                 hmac_sha512(IRIS_KEY, IRIS_BODY).hex()),
        IrisCase("sha256-not-sha512", "SHA-256 of body + key (64 hex digits)",
                 ("WrongAlgorithm",), "invalid", "SHA-256 of body + key",
                 sha256_hex(IRIS_BODY + IRIS_KEY.encode())),
        IrisCase("signature-base64", "the right digest, base64- instead of hex-encoded",
                 ("MalformedSignature",), "invalid", plain, b64(bytes.fromhex(good))),
        IrisCase("key-with-trailing-newline", "signed with the key plus a newline (copied "
                 "from a file)", ("WrongKey",), "invalid", "SHA-512 of body + key + \\n",
                 iris_sha512(IRIS_BODY, IRIS_KEY + "\n")),
    ]  # fmt: skip


def iris_verdict(body: bytes, signature: str) -> str:
    """openssl's verdict: does ``signature`` spell SHA-512(body + key) in hex (any case)?"""
    expected = iris_sha512(body, IRIS_KEY)
    return "valid" if signature.lower() == expected and len(signature) == 128 else "invalid"


def build_iris_negative(tc_id: int, case: IrisCase) -> dict[str, Any]:
    verdict = iris_verdict(case.received, case.signature)
    if verdict != case.result:
        raise AssertionError(f"{case.name}: openssl says {verdict}, the case says {case.result}")
    data: dict[str, Any] = {
        "tcId": tc_id,
        "id": case.name,
        "comment": case.comment,
        "flags": list(case.flags),
        "result": case.result,
    }
    if case.result == "invalid":
        data["error"] = "InvalidSignatureError"
    data |= {
        "scheme": IRIS_SCHEME,
        "source": GENERATED_SOURCE,
        "key": {"iris_merchant_key": IRIS_KEY},
        "signed": {"body": IRIS_BODY.decode("utf-8"), "by": case.signed_by},
        "inputs": {"body": case.received.decode("utf-8"), "signature": case.signature},
        "expected": {"signature": iris_sha512(case.received, IRIS_KEY)},
    }
    return data


def build_iris_positive(name: str, body: bytes, key: str) -> dict[str, Any]:
    json.loads(body)  # a well-formed notification body
    return {
        "id": name,
        "scheme": IRIS_SCHEME,
        "source": GENERATED_SOURCE,
        "inputs": {"body": body.decode("utf-8")},
        "key": {"iris_merchant_key": key},
        "expected": {"body_length": len(body), "signature": iris_sha512(body, key)},
    }


def iris_files() -> dict[Path, dict[str, Any]]:
    files: dict[Path, dict[str, Any]] = {
        HERE / "iris" / f"{name}.json": build_iris_positive(name, body, IRIS_KEY)
        for name, body in (
            ("generated-failed-payout", IRIS_FAILED_BODY),
            ("generated-snap-completed-payout", IRIS_SNAP_BODY),
            ("generated-topup", IRIS_TOPUP_BODY),
        )
    }
    for tc_id, case in enumerate(iris_cases(), start=1):
        files[HERE / "iris-negative" / f"{tc_id:03d}-{case.name}.json"] = build_iris_negative(
            tc_id, case
        )
    return files


def check_iris_published(path: Path) -> list[str]:
    case = json.loads(path.read_text(encoding="utf-8"))
    body = case["inputs"]["body"].encode("utf-8")
    problems = []
    if len(body) != case["expected"]["body_length"]:
        problems.append(f"{path.name}: body length differs")
    if iris_sha512(body, case["key"]["iris_merchant_key"]) != case["expected"]["signature"]:
        problems.append(f"{path.name}: Iris-Signature differs")
    return problems


# --- generated known-answer (positive) vectors -------------------------------------------------


def positives() -> dict[str, tuple[Request, Signer]]:
    return {
        "transaction/generated-va-create-padded-escapes.json": (HMAC_BASE, HMAC_SIGNER),
        "transaction/generated-get-query-empty-body.json": (
            replace(HMAC_BASE, method="GET", path=HISTORY_PATH, body=b"", minified=b""),
            HMAC_SIGNER,
        ),
        "notification/generated-crlf-tabs-numbers.json": (RSA_BASE, RSA_SIGNER),
        "access-token/generated-utc-millis.json": (
            replace(TOKEN_BASE, timestamp="2024-03-15T03:35:00.000Z"),
            RSA_SIGNER,
        ),
    }


def build_positive(name: str, request: Request, signer: Signer) -> dict[str, Any]:
    signature = b64(signer.sign(request))
    sts = request.string_to_sign()
    assert sts is not None
    if request.scheme == "hmac-transaction":
        key = {"client_secret": signer.key}
        assert strict_b64decode(signature) == hmac_sha512(signer.key, sts.encode())
    else:
        key = {
            "private_key": f"keys/{signer.key}-private.pem",
            "public_key": f"keys/{signer.key}-public.pem",
        }
        assert rsa_verifies(signer.key, sts.encode(), base64.b64decode(signature))
    return {
        "id": Path(name).stem,
        "scheme": request.scheme,
        "source": GENERATED_SOURCE,
        "inputs": request.inputs(),
        "key": key,
        "expected": request.stages() | {"signature": signature},
    }


def generated_files() -> dict[Path, dict[str, Any]]:
    files: dict[Path, dict[str, Any]] = {}
    for name, (request, signer) in positives().items():
        files[HERE / name] = build_positive(name, request, signer)
    for tc_id, case in enumerate(cases(), start=1):
        files[HERE / "negative" / f"{tc_id:03d}-{case.name}.json"] = build_negative(tc_id, case)
    files.update(iris_files())
    return files


# --- cross-checking the published vectors ------------------------------------------------------


def check_published(path: Path) -> list[str]:
    """Re-derive every stage of a published vector with openssl; return the differences."""
    case = json.loads(path.read_text(encoding="utf-8"))
    inputs, expected, problems = case["inputs"], case["expected"], []
    if "minified_body" in expected:
        minified = expected["minified_body"].encode()
        check_minified(inputs["body"].encode(), minified)
        if sha256_hex(minified) != expected["body_sha256_hex"]:
            problems.append(f"{path.name}: body_sha256_hex differs")
    digest = expected.get("body_sha256_hex", inputs.get("body_sha256_hex"))
    if case["scheme"] == "rsa-token":
        sts = f"{inputs['client_key']}|{inputs['timestamp']}"
    elif case["scheme"] == "hmac-transaction":
        sts = (
            f"{inputs['method'].upper()}:{inputs['path']}:{inputs['access_token']}:{digest}:"
            f"{inputs['timestamp']}"
        )
    else:
        sts = f"{inputs['method'].upper()}:{inputs['path']}:{digest}:{inputs['timestamp']}"
    if sts != expected["string_to_sign"]:
        problems.append(f"{path.name}: string_to_sign differs")
    if case["scheme"] == "hmac-transaction":
        signature = b64(hmac_sha512(case["key"]["client_secret"], sts.encode()))
        if signature != expected["signature"]:
            problems.append(f"{path.name}: HMAC signature differs")
    else:
        key_name = Path(case["key"]["private_key"]).name.removesuffix("-private.pem")
        if b64(rsa_sign(key_name, sts.encode())) != expected["signature"]:
            problems.append(f"{path.name}: RSA re-signature differs")
        if not rsa_verifies(key_name, sts.encode(), base64.b64decode(expected["signature"])):
            problems.append(f"{path.name}: RSA signature does not verify")
    return problems


def published_files() -> list[Path]:
    return sorted(
        path
        for folder in ("access-token", "transaction", "notification")
        for path in (HERE / folder).glob("*.json")
        if json.loads(path.read_text(encoding="utf-8"))["source"] != GENERATED_SOURCE
    )


def dump(data: dict[str, Any]) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def check() -> list[str]:
    problems: list[str] = []
    for path in published_files():
        problems += check_published(path)
    problems += check_iris_published(IRIS_PUBLISHED)
    for path, data in generated_files().items():
        if not path.exists():
            problems.append(f"{path.relative_to(HERE)}: missing; run vectors/generate.py")
            continue
        on_disk = json.loads(path.read_text(encoding="utf-8"))
        if "rsa-pss-padding" in path.name:  # PSS is randomized: check the stored one instead
            stored = base64.b64decode(on_disk["signed"]["signature"])
            sts = on_disk["signed"]["string_to_sign"].encode()
            on_disk["signed"]["signature"] = data["signed"]["signature"]
            on_disk["inputs"]["signature"] = data["inputs"]["signature"]
            if not _pss_verifies(sts, stored):
                problems.append(f"{path.name}: stored PSS signature does not verify")
        if on_disk != data:
            problems.append(f"{path.relative_to(HERE)}: differs from what openssl computes")
    return problems


def _pss_verifies(message: bytes, signature: bytes) -> bool:
    with tempfile.NamedTemporaryFile(suffix=".sig") as sig_file:
        sig_file.write(signature)
        sig_file.flush()
        result = subprocess.run(
            ["openssl", "dgst", "-sha256", "-sigopt", "rsa_padding_mode:pss", "-verify",
             str(KEYS / f"{DEMO}-public.pem"), "-signature", sig_file.name],
            input=message, capture_output=True, check=False,
        )  # fmt: skip
    return result.returncode == 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--check", action="store_true", help="cross-check; write nothing")
    args = parser.parse_args(argv)
    if shutil.which("openssl") is None:
        print("openssl is not installed", file=sys.stderr)
        return 2
    if args.check:
        problems = check()
        for problem in problems:
            print(problem, file=sys.stderr)
        print(f"{'FAILED' if problems else 'ok'}: cross-checked with {openssl('version').decode()}")
        return 1 if problems else 0
    ensure_keys()
    for path, data in generated_files().items():
        path.parent.mkdir(exist_ok=True)
        if "rsa-pss-padding" in path.name and path.exists():
            continue  # randomized: keep the stored, already cross-checked signature
        path.write_text(dump(data), encoding="utf-8")
    print(f"wrote {len(generated_files())} generated vectors")
    return 0


if __name__ == "__main__":
    sys.exit(main())
