"""Why a SNAP signature fails: re-sign a captured request under each known mistake.

:func:`diagnose` takes a request as it was sent (method, target, headers, raw body) and what
the caller holds (client secret, merchant key, gateway public key, access token). It checks the
signature as the gateway would; when that fails it rebuilds the string-to-sign under every known
mistake, alone and in pairs, and reports the mistakes whose signature is the one that was sent.
Nothing is guessed: a cause is reported only when a re-signed (or recovered) value proves it,
and a failure no variant explains is ``undetermined``.

Pure: no I/O, no clock (pass ``received_at`` to check the timestamp window), no HTTP library.

RSA signatures are checked by opening them with the public key (PKCS#1 v1.5): the SHA-256 hash
inside is compared with the hash of each candidate string-to-sign, and a signature that does not
open at all was provably not made with the matching private key (``wrong-key``).
"""

from __future__ import annotations

import base64
import binascii
import enum
import hashlib
import hmac
import itertools
import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import unquote

from bisnap.errors import (
    ConfigurationError,
    InvalidInputError,
    InvalidJSONError,
    InvalidTimestampError,
)
from bisnap.gateways import MIDTRANS_SANDBOX, GatewayProfile, SignatureScheme
from bisnap.keys import (
    ClientSecret,
    KeySource,
    PrivateKey,
    PublicKey,
    load_client_secret,
    load_public_key,
)
from bisnap.signing import minify_json
from bisnap.timestamps import TimestampStyle, format_timestamp, parse_timestamp

__all__ = [
    "CAUSES",
    "STAGES",
    "Cause",
    "Diagnosis",
    "DiagnosisScheme",
    "Verdict",
    "diagnose",
]

DEFAULT_TOLERANCE = 300.0

CAUSES: Mapping[str, str] = {
    "body-escapes-differ": "the signature matches the same JSON written with other escapes: "
    "the body was serialized once for signing and again for sending",
    "whitespace-inside-strings": "the signature matches the body with whitespace removed "
    "inside strings (a naive minifier)",
    "timestamp-differs": "the signature matches another rendering of the time than X-TIMESTAMP",
    "path-prefix": "the signature matches the path with a leading prefix removed or added",
    "query-string": "the signature matches the path without (or with another form of) its "
    "query string",
    "method-case": "the signature matches a method that is not upper-case",
    "digest-uppercase": "the signature matches an upper-case hex body digest",
    "secret-whitespace": "the signature matches the client secret with surrounding whitespace",
    "token-differs": "the signature matches another access-token form in the token slot",
    "wrong-scheme": "the signature matches another formula or algorithm than the one required",
    "wrong-key": "the RSA signature was not made with the private key of the key pair given",
    "clock-skew": "the signature is valid but X-TIMESTAMP is outside the accepted window",
}
"""Every cause code (a contract: the JSON output of ``bisnap doctor`` uses exactly these)."""

STAGES = (
    "headers",
    "body",
    "digest",
    "method",
    "path",
    "token",
    "timestamp",
    "scheme",
    "key",
    "signature",
    "window",
)
"""Signing stages in pipeline order; ``first_difference`` is one of them."""

_STAGE_OF = {
    "body-escapes-differ": "body",
    "whitespace-inside-strings": "body",
    "digest-uppercase": "digest",
    "method-case": "method",
    "path-prefix": "path",
    "query-string": "path",
    "token-differs": "token",
    "timestamp-differs": "timestamp",
    "wrong-scheme": "scheme",
    "secret-whitespace": "key",
    "wrong-key": "key",
    "clock-skew": "window",
}

_HMAC_BYTES = 64
_HMAC_SIZES = {"hmac-sha512": 64, "hmac-sha256": 32}
_SHA256_DIGEST_INFO = bytes.fromhex("3031300d060960864801650304020105000420")
_COMMON_PREFIXES = ("/snap", "/api", "/api/snap", "/bi-snap", "/openapi")
_VERSION_SEGMENT = re.compile(r"/v\d")
_JSON_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)


class Verdict(str, enum.Enum):
    """The outcome of a diagnosis."""

    VALID = "valid"
    """The signature is right (and the timestamp in the window, when that was checked)."""
    INVALID = "invalid"
    """The request would be refused, and ``causes`` say why."""
    UNDETERMINED = "undetermined"
    """The signature is wrong and no known mistake explains it."""


class DiagnosisScheme(str, enum.Enum):
    """Which signature a request carries."""

    TOKEN = "token-rsa"
    """B2B access-token request: SHA256withRSA over ``client_id|timestamp``."""
    TRANSACTION_HMAC = "transaction-hmac"
    """Transactional request: HMAC-SHA512 over ``METHOD:path:token:digest:timestamp``."""
    TRANSACTION_RSA = "transaction-rsa"
    """Asymmetric transactional request: SHA256withRSA over ``METHOD:path:digest:timestamp``."""
    NOTIFICATION = "notification-rsa"
    """Inbound notification: SHA256withRSA with the gateway's key, no token."""


@dataclass(frozen=True)
class Cause:
    """One proven mistake: its code, the stage it touches and what shows it."""

    code: str
    stage: str
    evidence: str

    @property
    def meaning(self) -> str:
        """What the code means, in one sentence."""
        return CAUSES[self.code]


@dataclass(frozen=True)
class Diagnosis:
    """The typed result of :func:`diagnose`; ``to_dict()`` is the ``bisnap doctor --json`` shape.

    ``evidence`` never holds a secret, a token or a whole signature (a short prefix at most).
    """

    verdict: Verdict
    scheme: DiagnosisScheme | None
    first_difference: str | None
    causes: tuple[Cause, ...] = ()
    evidence: Mapping[str, str] = field(default_factory=dict)

    @property
    def codes(self) -> tuple[str, ...]:
        """The cause codes, in the order found."""
        return tuple(cause.code for cause in self.causes)

    def to_dict(self) -> dict[str, Any]:
        """``{"verdict", "scheme", "first_difference", "causes": [codes], "evidence": {}}``."""
        evidence = dict(self.evidence)
        for cause in self.causes:
            evidence[cause.code] = cause.evidence
        return {
            "verdict": self.verdict.value,
            "scheme": self.scheme.value if self.scheme is not None else None,
            "first_difference": self.first_difference,
            "causes": list(self.codes),
            "evidence": evidence,
        }

    def explain(self) -> str:
        """A few lines for a person: the verdict, each cause with its evidence, the facts."""
        scheme = self.scheme.value if self.scheme is not None else "unknown"
        lines = [f"verdict: {self.verdict.value} ({scheme})"]
        if self.first_difference is not None:
            lines.append(f"first difference: {self.first_difference}")
        for cause in self.causes:
            lines.append(f"cause {cause.code}: {cause.meaning}")
            lines.append(f"  evidence: {cause.evidence}")
        for name, value in self.evidence.items():
            lines.append(f"{name}: {value}")
        return "\n".join(lines) + "\n"


# --- the inputs of one signature, and the variants of them -------------------------------------


@dataclass(frozen=True)
class _Inputs:
    formula: str  # "transaction" | "asymmetric" | "token"
    algorithm: str  # "hmac-sha512" | "hmac-sha256" | "rsa"
    method: str
    path: str
    query: str  # "" or "?..."
    token: str
    body: bytes  # minified
    digest_upper: bool
    timestamp: str
    client_id: str
    secret: bytes | None


def _setter(**changes: Any) -> Callable[[_Inputs], _Inputs]:
    return lambda inp: replace(inp, **changes)


@dataclass(frozen=True)
class _Variant:
    code: str
    evidence: str
    apply: Callable[[_Inputs], _Inputs]


def _string_to_sign(inp: _Inputs, digest: str) -> str:
    """The formula of ``inp`` over its (possibly wrong) parts.

    The same layouts as :mod:`bisnap.signing.strings` (a test pins them equal for canonical
    parts); joined here because the core rightly refuses the malformed parts some mistakes
    produce (a lower-case method, an upper-case digest, a full URL as the path).
    """
    if inp.formula == "token":
        return f"{inp.client_id}|{inp.timestamp}"
    target = inp.path + inp.query
    if inp.formula == "transaction":
        return ":".join((inp.method, target, inp.token, digest, inp.timestamp))
    return ":".join((inp.method, target, digest, inp.timestamp))


class _Checker:
    """Checks candidate inputs against the signature that was sent (hashes cached per body)."""

    def __init__(self, raw_signature: bytes, signed_hash: bytes | None) -> None:
        self.raw = raw_signature
        self.signed_hash = signed_hash
        self.tried = 0
        self._digests: dict[bytes, str] = {}

    def digest(self, body: bytes) -> str:
        found = self._digests.get(body)
        if found is None:
            found = hashlib.sha256(body).hexdigest()
            self._digests[body] = found
        return found

    def text(self, inp: _Inputs) -> str:
        digest = self.digest(inp.body)
        return _string_to_sign(inp, digest.upper() if inp.digest_upper else digest)

    def matches(self, inp: _Inputs) -> bool:
        self.tried += 1
        message = self.text(inp).encode("utf-8")
        if inp.algorithm in _HMAC_SIZES:
            if inp.secret is None or len(self.raw) != _HMAC_SIZES[inp.algorithm]:
                return False
            expected = hmac.digest(inp.secret, message, inp.algorithm.partition("-")[2])
            return hmac.compare_digest(expected, self.raw)
        if self.signed_hash is None:
            return False
        return hmac.compare_digest(hashlib.sha256(message).digest(), self.signed_hash)


def _open_rsa(key: PublicKey, raw: bytes) -> tuple[bytes | None, str | None]:
    """The SHA-256 hash inside a PKCS#1 v1.5 signature, or why the signature does not open."""
    numbers = key.cryptography_key.public_numbers()
    size = (key.key_size + 7) // 8
    if len(raw) != size:
        return None, f"X-SIGNATURE is {len(raw)} bytes; an RSA-{key.key_size} signature is {size}"
    value = int.from_bytes(raw, "big")
    if value >= numbers.n:
        return None, "X-SIGNATURE is larger than the key's modulus"
    block = pow(value, numbers.e, numbers.n).to_bytes(size, "big")
    pad_end = block.find(b"\x00", 2)
    if block[:2] != b"\x00\x01" or pad_end < 10 or set(block[2:pad_end]) != {0xFF}:
        return None, "X-SIGNATURE does not open with this public key (no PKCS#1 v1.5 padding)"
    info = block[pad_end + 1 :]
    if not info.startswith(_SHA256_DIGEST_INFO) or len(info) != len(_SHA256_DIGEST_INFO) + 32:
        return b"", "the signature opens with this key but is not SHA256withRSA"
    return info[len(_SHA256_DIGEST_INFO) :], None


# --- body renderings ---------------------------------------------------------------------------

_SHORT_ESCAPES = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t"}
_SHORT_ESCAPES |= {"\b": "\\b", "\f": "\\f"}


def _encode_string(text: str, non_ascii: str, slash: bool, html: bool) -> str:
    out = ['"']
    for char in text:
        code = ord(char)
        if char in _SHORT_ESCAPES:
            out.append(_SHORT_ESCAPES[char])
        elif code < 0x20 or (html and char in "<>&"):
            out.append(f"\\u{code:04X}" if non_ascii == "upper" else f"\\u{code:04x}")
        elif char == "/" and slash:
            out.append("\\/")
        elif code > 0x7E and non_ascii != "raw":  # Python escapes DEL too
            units = (
                [code]
                if code < 0x10000
                else [0xD800 + ((code - 0x10000) >> 10), 0xDC00 + ((code - 0x10000) & 0x3FF)]
            )
            for unit in units:
                out.append(f"\\u{unit:04X}" if non_ascii == "upper" else f"\\u{unit:04x}")
        else:
            out.append(char)
    out.append('"')
    return "".join(out)


_STYLES: tuple[tuple[str, bool, bool], ...] = tuple(
    itertools.product(("raw", "lower", "upper"), (False, True), (False, True))
)


def _style_name(non_ascii: str, slash: bool, html: bool) -> str:
    parts = [
        {"raw": "raw UTF-8", "lower": "\\u00e9 escapes", "upper": "\\u00E9 escapes"}[non_ascii],
        "'\\/' for '/'" if slash else "plain '/'",
    ]
    if html:
        parts.append("\\u003c for '<', '>' and '&'")
    return ", ".join(parts)


def _rerender(minified: bytes, non_ascii: str, slash: bool, html: bool) -> bytes | None:
    """``minified`` with every JSON string re-escaped in one style (numbers etc. untouched)."""

    def swap(match: re.Match[bytes]) -> bytes:
        value = json.loads(match.group(0).decode("utf-8"))
        return _encode_string(value, non_ascii, slash, html).encode("utf-8")

    try:
        return _JSON_STRING.sub(swap, minified)
    except (ValueError, UnicodeError):
        return None


def _excerpt(data: bytes, at: int) -> str:
    window = data[max(0, at - 12) : at + 12]
    return repr(window.decode("utf-8", "replace"))


def _first_difference(sent: bytes, signed: bytes) -> str:
    at = next(
        (i for i, (a, b) in enumerate(zip(sent, signed, strict=False)) if a != b),
        min(len(sent), len(signed)),
    )
    return (
        f"at byte {at} the body sent has {_excerpt(sent, at)}, "
        f"the signed one {_excerpt(signed, at)}"
    )


def _body_variants(minified: bytes) -> Iterator[_Variant]:
    seen = {minified}
    for non_ascii, slash, html in _STYLES:
        rendered = _rerender(minified, non_ascii, slash, html)
        if rendered is None or rendered in seen:
            continue
        seen.add(rendered)
        evidence = f"signed over the body written with {_style_name(non_ascii, slash, html)}; " + (
            _first_difference(minified, rendered)
        )
        yield _Variant("body-escapes-differ", evidence, _setter(body=rendered))
    squeezed = minified.translate(None, b" \t\n\r")
    if squeezed not in seen:
        evidence = "signed over the body with every space removed, inside strings too; " + (
            _first_difference(minified, squeezed)
        )
        yield _Variant(
            "whitespace-inside-strings",
            evidence,
            lambda inp: replace(inp, body=inp.body.translate(None, b" \t\n\r")),
        )


# --- timestamps, paths, methods, tokens, secrets, schemes --------------------------------------


def _timestamp_renderings(moment: datetime, fraction: str | None) -> list[str]:
    whole = moment.replace(microsecond=0)
    texts = []
    fractions = {None, "000"}
    if fraction:
        fractions |= {fraction, fraction[:3].ljust(3, "0")}
    for style in (TimestampStyle.JAKARTA, TimestampStyle.UTC_Z):
        base = format_timestamp(whole, style)
        head, zone = (base[:-6], base[-6:]) if style is TimestampStyle.JAKARTA else (base[:-1], "Z")
        zones = (zone, zone.replace(":", "")) if zone != "Z" else ("Z", "+00:00")
        for suffix, frac in itertools.product(zones, sorted(fractions, key=str)):
            texts.append(head + (f".{frac}" if frac else "") + suffix)
    return texts


def _timestamp_fraction(value: str) -> str | None:
    match = re.search(r"[.,](\d{1,9})", value)
    return match.group(1) if match else None


def _timestamp_variants(timestamp: str, moment: datetime | None, wide: bool) -> Iterator[_Variant]:
    if moment is None:
        return
    candidates: list[tuple[str, str]] = []
    for text in _timestamp_renderings(moment, _timestamp_fraction(timestamp)):
        candidates.append((text, "the same instant"))
    if wide:
        whole = moment.replace(microsecond=0)
        # Every millisecond of the second in both styles: only the three digits change, so
        # the rest is formatted once ("...:05.000+07:00" -> "...:05." and "+07:00").
        ends = []
        for style in (TimestampStyle.JAKARTA_MILLIS, TimestampStyle.UTC_Z_MILLIS):
            head, _, tail = format_timestamp(whole, style).rpartition(".")
            ends.append((head, tail[3:]))
        for millis in range(1000):
            for head, zone in ends:
                candidates.append((f"{head}.{millis:03d}{zone}", "the same second"))
        for shift in (-2, -1, 1, 2):
            for text in _timestamp_renderings(whole + timedelta(seconds=shift), None):
                candidates.append((text, f"{shift:+d} s from X-TIMESTAMP"))
    yield from _distinct(
        "timestamp-differs",
        "timestamp",
        timestamp,
        (
            (
                text,
                f"signed over timestamp {text!r} ({relation}) while X-TIMESTAMP is {timestamp!r}",
            )
            for text, relation in candidates
        ),
    )


def _distinct(
    code: str, part: str, original: str, candidates: Iterable[tuple[str, str]]
) -> Iterator[_Variant]:
    """A variant setting ``part`` to each candidate value (with its evidence) once, the
    original value left out."""
    seen = {original}
    for value, evidence in candidates:
        if value not in seen:
            seen.add(value)
            yield _Variant(code, evidence, _setter(**{part: value}))


def _path_variants(path: str, host: str | None, prefixes: Sequence[str]) -> Iterator[_Variant]:
    candidates: list[str] = []
    segments = path.split("/")
    for cut in range(2, len(segments)):
        rest = "/" + "/".join(segments[cut:])
        if _VERSION_SEGMENT.match(rest):
            candidates.append(rest)
    candidates += [prefix + path for prefix in prefixes]
    if host:
        candidates += [f"https://{host}{path}", f"http://{host}{path}"]
    yield from _distinct(
        "path-prefix",
        "path",
        path,
        ((c, f"signed over path {c!r} while the request path is {path!r}") for c in candidates),
    )


def _query_variants(path: str, query: str) -> Iterator[_Variant]:
    if not query:
        return
    forms = [
        ("without its query string", ""),
        ("with its query decoded", "?" + unquote(query)),
        ("with its query parameters sorted", "?" + "&".join(sorted(query.split("&")))),
    ]
    yield from _distinct(
        "query-string",
        "query",
        "?" + query,
        (
            (tail, f"signed over the path {how}: {path + tail!r} (sent {path + '?' + query!r})")
            for how, tail in forms
        ),
    )


def _method_variants(method: str) -> Iterator[_Variant]:
    for candidate in dict.fromkeys((method.lower(), method.capitalize())):
        if candidate != method:
            yield _Variant(
                "method-case",
                f"signed over method {candidate!r} instead of {method!r}",
                _setter(method=candidate),
            )


def _token_variants(token: str, given: str | None) -> Iterator[_Variant]:
    yield _Variant(
        "token-differs",
        "signed with 'Bearer <token>' in the token slot instead of the bare token",
        _setter(token=f"Bearer {token}"),
    )
    yield _Variant(
        "token-differs",
        "signed with 'bearer <token>' in the token slot instead of the bare token",
        _setter(token=f"bearer {token}"),
    )
    if given is not None and given != token:
        yield _Variant(
            "token-differs",
            "signed with the access token you gave, which is not the one in Authorization",
            _setter(token=given),
        )


_SECRET_EDITS: tuple[tuple[str, Callable[[bytes], bytes]], ...] = (
    ("a trailing newline", lambda s: s + b"\n"),
    ("a trailing CRLF", lambda s: s + b"\r\n"),
    ("a trailing space", lambda s: s + b" "),
    ("a trailing tab", lambda s: s + b"\t"),
    ("a leading space", lambda s: b" " + s),
    ("spaces around it", lambda s: b" " + s + b" "),
    ("its surrounding whitespace removed", lambda s: s.strip()),
)


def _secret_variants(secret: bytes | None) -> Iterator[_Variant]:
    if secret is None:
        return
    for description, edit in _SECRET_EDITS:
        edited = edit(secret)
        if edited and edited != secret:
            yield _Variant(
                "secret-whitespace",
                f"signed with the client secret with {description}",
                _setter(secret=edited),
            )


def _scheme_variants(
    scheme: DiagnosisScheme, has_secret: bool, has_rsa: bool
) -> Iterator[_Variant]:
    options: list[tuple[str, str, str]] = []
    if scheme is DiagnosisScheme.TRANSACTION_HMAC:
        if has_secret:
            options.append(
                ("transaction", "hmac-sha256", "HMAC-SHA256 where HMAC-SHA512 is required")
            )
            options.append(
                (
                    "asymmetric",
                    "hmac-sha512",
                    "HMAC-SHA512 over the asymmetric string-to-sign (no token)",
                )
            )
        if has_rsa:
            options.append(
                (
                    "asymmetric",
                    "rsa",
                    "SHA256withRSA over METHOD:path:digest:timestamp where HMAC-SHA512 is required",
                )
            )
            options.append(
                (
                    "transaction",
                    "rsa",
                    "SHA256withRSA over the transaction string-to-sign where HMAC-SHA512 "
                    "is required",
                )
            )
    elif scheme in (DiagnosisScheme.TRANSACTION_RSA, DiagnosisScheme.NOTIFICATION):
        if has_secret:
            options.append(
                ("asymmetric", "hmac-sha512", "HMAC-SHA512 where SHA256withRSA is required")
            )
            options.append(
                (
                    "transaction",
                    "hmac-sha512",
                    "HMAC-SHA512 over the transaction string-to-sign where SHA256withRSA "
                    "is required",
                )
            )
        if has_rsa and scheme is DiagnosisScheme.TRANSACTION_RSA:
            options.append(
                (
                    "transaction",
                    "rsa",
                    "SHA256withRSA over the HMAC string-to-sign (with the token)",
                )
            )
    elif has_secret:
        options.append(
            (
                "token",
                "hmac-sha512",
                "HMAC-SHA512 over client_id|timestamp where SHA256withRSA is required",
            )
        )
    for formula, algorithm, description in options:
        yield _Variant(
            "wrong-scheme",
            f"signed with {description}",
            _setter(formula=formula, algorithm=algorithm),
        )


# --- the diagnosis -----------------------------------------------------------------------------


def _header_map(headers: Mapping[str, str] | Iterable[tuple[str, str]]) -> dict[str, str]:
    items = headers.items() if isinstance(headers, Mapping) else headers
    found: dict[str, str] = {}
    for pair in items:
        if not isinstance(pair, tuple) or len(pair) != 2:
            raise InvalidInputError("headers must be a mapping or (name, value) pairs")
        name, value = pair
        if not isinstance(name, str) or not isinstance(value, str):
            raise InvalidInputError("header names and values must be str")
        found.setdefault(name.strip().lower(), value.strip(" \t"))
    return found


def _body_bytes(body: object) -> bytes:
    if isinstance(body, str):
        try:
            return body.encode("utf-8")
        except UnicodeEncodeError:
            raise InvalidInputError("the body is not encodable as UTF-8 (lone surrogate)") from None
    if isinstance(body, (bytes, bytearray, memoryview)):
        return bytes(body)
    raise InvalidInputError(f"the body must be the bytes sent, not {type(body).__name__}")


def _choose_scheme(
    scheme: DiagnosisScheme | str | None,
    path: str,
    found: Mapping[str, str],
    profile: GatewayProfile,
) -> DiagnosisScheme:
    if scheme is not None:
        try:
            return DiagnosisScheme(scheme)
        except ValueError:
            choices = ", ".join(member.value for member in DiagnosisScheme)
            raise ConfigurationError(
                f"unknown scheme {scheme!r}; use one of {choices}", field="scheme"
            ) from None
    if path.endswith(profile.token_path) or path.endswith("/access-token/b2b"):
        return DiagnosisScheme.TOKEN
    if "authorization" in found:
        if profile.signature_scheme is SignatureScheme.ASYMMETRIC:
            return DiagnosisScheme.TRANSACTION_RSA
        return DiagnosisScheme.TRANSACTION_HMAC
    return DiagnosisScheme.NOTIFICATION


def _merchant_key(
    private_key: PrivateKey | None, public_key: PublicKey | KeySource | None
) -> PublicKey | None:
    if public_key is not None:
        return load_public_key(public_key)
    if private_key is None:
        return None
    if not isinstance(private_key, PrivateKey):
        raise ConfigurationError(
            "private_key must be a PrivateKey (from load_private_key)", field="private_key"
        )
    return private_key.public_key()


def _decode(signature: str) -> tuple[bytes | None, str]:
    shown = f"{signature[:8]}… ({len(signature)} characters)"
    if re.fullmatch(r"(?:[0-9a-f]{2})+|(?:[0-9A-F]{2})+", signature):
        return None, f"{shown}: hexadecimal, but SNAP signatures are standard base64"
    try:
        raw = base64.b64decode(signature.encode("ascii"), validate=True)
    except (binascii.Error, ValueError, UnicodeEncodeError):
        if re.fullmatch(r"[A-Za-z0-9_-]+=*", signature):
            return None, f"{shown}: URL-safe base64, but SNAP signatures are standard base64"
        return None, f"{shown}: not base64"
    return raw, f"{signature[:8]}… ({len(raw)} bytes)"


def _undetermined(
    scheme: DiagnosisScheme | None, stage: str, evidence: dict[str, str]
) -> Diagnosis:
    return Diagnosis(Verdict.UNDETERMINED, scheme, stage, (), evidence)


def _window(
    timestamp: str, received_at: datetime | None, tolerance: float, evidence: dict[str, str]
) -> Cause | None:
    if received_at is None:
        evidence["timestamp_window"] = "not checked (no receive time given)"
        return None
    if received_at.utcoffset() is None:
        raise ConfigurationError("received_at must be timezone-aware", field="received_at")
    try:
        sent = parse_timestamp(timestamp, require_offset=True)
    except InvalidTimestampError as exc:
        evidence["timestamp_window"] = f"not checked: {exc.message}"
        return None
    skew = (received_at - sent).total_seconds()
    relation = f"{abs(skew):.0f} s {'before' if skew >= 0 else 'after'} the time received"
    evidence["timestamp_window"] = f"X-TIMESTAMP is {relation} (±{tolerance:g} s accepted)"
    if abs(skew) <= tolerance:
        return None
    return Cause(
        "clock-skew",
        "window",
        f"X-TIMESTAMP {timestamp!r} is {relation}; the gateway accepts ±{tolerance:g} s",
    )


def diagnose(
    method: str,
    target: str,
    headers: Mapping[str, str] | Iterable[tuple[str, str]],
    body: bytes | str = b"",
    *,
    client_secret: ClientSecret | str | bytes | None = None,
    private_key: PrivateKey | None = None,
    public_key: PublicKey | KeySource | None = None,
    gateway_public_key: PublicKey | KeySource | None = None,
    access_token: str | None = None,
    scheme: DiagnosisScheme | str | None = None,
    profile: GatewayProfile = MIDTRANS_SANDBOX,
    received_at: datetime | None = None,
    tolerance: float = DEFAULT_TOLERANCE,
    path_prefixes: Sequence[str] = (),
) -> Diagnosis:
    """Check a captured request's ``X-SIGNATURE`` and name the mistakes that explain a failure.

    ``target`` is the request target as sent (path and ``?query``); ``body`` the exact bytes.
    Give what you hold: ``client_secret`` for HMAC transactions, the merchant ``private_key``
    or ``public_key`` for the token request and asymmetric transactions, ``gateway_public_key``
    for notifications, ``access_token`` to compare with ``Authorization``. ``scheme`` is chosen
    from the request when None (token path, ``Authorization`` present, else a notification;
    ``profile`` says which transaction scheme the gateway requires). ``received_at`` enables the
    ``clock-skew`` check against ``tolerance`` seconds. ``path_prefixes`` adds prefixes to try.
    """
    if not isinstance(method, str) or not isinstance(target, str):
        raise InvalidInputError("method and target must be str")
    raw_body = _body_bytes(body)
    found = _header_map(headers)
    path, mark, query = target.partition("?")
    chosen = _choose_scheme(scheme, path, found, profile)
    evidence: dict[str, str] = {}

    secret = load_client_secret(client_secret).as_bytes() if client_secret is not None else None
    merchant = _merchant_key(private_key, public_key)
    rsa_key = merchant
    if chosen is DiagnosisScheme.NOTIFICATION:
        if gateway_public_key is None:
            raise ConfigurationError(
                "a notification is checked with the gateway's public key: pass gateway_public_key",
                field="gateway_public_key",
            )
        rsa_key = load_public_key(gateway_public_key)
    elif chosen is DiagnosisScheme.TRANSACTION_HMAC and secret is None:
        raise ConfigurationError(
            "an HMAC-SHA512 signature is checked with the client secret: pass client_secret",
            field="client_secret",
        )
    elif chosen in (DiagnosisScheme.TOKEN, DiagnosisScheme.TRANSACTION_RSA) and merchant is None:
        raise ConfigurationError(
            f"a {chosen.value} signature is checked with the merchant's key: pass private_key "
            "or public_key",
            field="public_key",
        )

    missing = [
        name.upper()
        for name in ("x-timestamp", "x-signature")
        + (("x-client-key",) if chosen is DiagnosisScheme.TOKEN else ())
        if not found.get(name)
    ]
    token = ""
    if chosen is DiagnosisScheme.TRANSACTION_HMAC:
        bearer, _, token = found.get("authorization", "").partition(" ")
        token = token.strip()
        if bearer.lower() != "bearer" or not token:
            if access_token is None:
                missing.append("Authorization (Bearer token)")
            token = access_token or ""
    if missing:
        evidence["headers"] = f"missing: {', '.join(missing)}"
        return _undetermined(chosen, "headers", evidence)

    timestamp = found["x-timestamp"]
    raw_signature, shown = _decode(found["x-signature"])
    evidence["signature"] = shown
    if raw_signature is None:
        return _undetermined(chosen, "signature", evidence)

    try:
        minified = minify_json(raw_body)
        json_ok = True
    except InvalidJSONError as exc:
        evidence["body"] = f"not valid JSON ({exc.message}); hashed as sent"
        minified, json_ok = raw_body, False

    rsa_scheme = chosen is not DiagnosisScheme.TRANSACTION_HMAC
    signed_hash: bytes | None = None
    unopened: str | None = None
    if rsa_key is not None and (rsa_scheme or len(raw_signature) != _HMAC_BYTES):
        signed_hash, unopened = _open_rsa(rsa_key, raw_signature)
        if signed_hash == b"":  # made with this key, over another hash: the key is right
            evidence["signature_hash"] = unopened or ""
            signed_hash, unopened = None, None
    checker = _Checker(raw_signature, signed_hash)
    base = _Inputs(
        formula={
            DiagnosisScheme.TOKEN: "token",
            DiagnosisScheme.TRANSACTION_HMAC: "transaction",
        }.get(chosen, "asymmetric"),
        algorithm="rsa" if rsa_scheme else "hmac-sha512",
        method=method.upper(),
        path=path,
        query=mark + query,
        token=token,
        body=minified,
        digest_upper=False,
        timestamp=timestamp,
        client_id=found.get("x-client-key", ""),
        secret=secret,
    )
    nominal = checker.text(base)
    if chosen is DiagnosisScheme.TRANSACTION_HMAC and token:
        nominal = nominal.replace(f":{token}:", ":<access token>:", 1)
    evidence["string_to_sign"] = nominal
    if chosen is not DiagnosisScheme.TOKEN:
        evidence["body_digest"] = checker.digest(minified)

    skew = _window(timestamp, received_at, tolerance, evidence)
    if checker.matches(base):
        evidence["variants_tried"] = "0"
        if skew is None:
            return Diagnosis(Verdict.VALID, chosen, None, (), evidence)
        return Diagnosis(Verdict.INVALID, chosen, "window", (skew,), evidence)

    try:
        moment: datetime | None = parse_timestamp(timestamp)
    except InvalidTimestampError:
        moment = None
    variants = _variants(
        chosen,
        base,
        json_ok=json_ok,
        moment=moment,
        host=found.get("host"),
        prefixes=[*path_prefixes, profile.path_prefix, *_COMMON_PREFIXES],
        access_token=access_token,
        has_rsa=signed_hash is not None,
    )
    causes = _search(checker, base, variants, moment)
    if not causes and signed_hash is None and rsa_scheme and unopened is not None:
        fingerprint = rsa_key.fingerprint()[:16] if rsa_key is not None else "?"
        causes = [Cause("wrong-key", "key", f"{unopened} (key sha256:{fingerprint})")]
    if not causes:
        causes = _size_mismatch(chosen, raw_signature)
    evidence["variants_tried"] = str(checker.tried)
    if skew is not None:
        causes.append(skew)
    if not causes or causes == [skew]:
        return Diagnosis(Verdict.UNDETERMINED, chosen, "signature", tuple(causes), evidence)
    first = min((cause.stage for cause in causes), key=STAGES.index)
    return Diagnosis(Verdict.INVALID, chosen, first, tuple(causes), evidence)


def _size_mismatch(scheme: DiagnosisScheme, raw: bytes) -> list[Cause]:
    """A signature whose length alone proves another algorithm was used."""
    if scheme is DiagnosisScheme.TRANSACTION_HMAC and len(raw) in (128, 256, 384, 512):
        return [
            Cause(
                "wrong-scheme",
                "scheme",
                f"X-SIGNATURE is {len(raw)} bytes, the size of an RSA-{len(raw) * 8} signature; "
                "HMAC-SHA512 gives 64",
            )
        ]
    if scheme is not DiagnosisScheme.TRANSACTION_HMAC and len(raw) in (32, 64):
        return [
            Cause(
                "wrong-scheme",
                "scheme",
                f"X-SIGNATURE is {len(raw)} bytes, the size of an HMAC; SHA256withRSA is required",
            )
        ]
    return []


def _variants(
    scheme: DiagnosisScheme,
    base: _Inputs,
    *,
    json_ok: bool,
    moment: datetime | None,
    host: str | None,
    prefixes: Sequence[str],
    access_token: str | None,
    has_rsa: bool,
) -> list[_Variant]:
    variants: list[_Variant] = []
    secret = base.secret
    if scheme is DiagnosisScheme.TOKEN:
        variants += _timestamp_variants(base.timestamp, moment, wide=False)
        variants += _scheme_variants(scheme, secret is not None, has_rsa)
        return variants
    if json_ok:
        variants += _body_variants(base.body)
    variants.append(
        _Variant(
            "digest-uppercase",
            "signed over the body digest in upper-case hex",
            lambda inp: replace(inp, digest_upper=True),
        )
    )
    variants += _method_variants(base.method)
    variants += _path_variants(base.path, host, [p for p in dict.fromkeys(prefixes) if p])
    variants += _query_variants(base.path, base.query[1:])
    if scheme is DiagnosisScheme.TRANSACTION_HMAC:
        variants += _token_variants(base.token, access_token)
    variants += _timestamp_variants(base.timestamp, moment, wide=False)
    variants += _scheme_variants(scheme, secret is not None, has_rsa)
    if scheme is DiagnosisScheme.TRANSACTION_HMAC:
        variants += _secret_variants(secret)
    return variants


def _search(
    checker: _Checker, base: _Inputs, variants: Sequence[_Variant], moment: datetime | None
) -> list[Cause]:
    """Causes proven by one variant, else by a pair of variants of different causes."""
    found: dict[str, Cause] = {}
    singles = [*variants, *_timestamp_variants(base.timestamp, moment, wide=True)]
    for variant in singles:
        candidate = variant.apply(base)
        if candidate != base and variant.code not in found and checker.matches(candidate):
            found[variant.code] = Cause(variant.code, _STAGE_OF[variant.code], variant.evidence)
    if found:
        return list(found.values())
    for first, second in itertools.combinations(variants, 2):
        if first.code == second.code:
            continue
        one = first.apply(base)
        both = second.apply(one)
        if both in (base, one) or both == second.apply(base):
            continue
        if checker.matches(both):
            for variant in (first, second):
                found.setdefault(
                    variant.code, Cause(variant.code, _STAGE_OF[variant.code], variant.evidence)
                )
    return list(found.values())
