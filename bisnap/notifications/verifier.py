"""Verify an inbound notification over the raw bytes it arrived as.

Checks run in a fixed order, and the first failure raises a
:class:`~bisnap.errors.NotificationError` whose ``step`` names it (see
:mod:`bisnap.notifications.errors`): route → headers → timestamp → body → signature →
window → replay → payload. The payload is parsed from the very bytes whose signature was
checked; nothing is re-serialized and no transformed body is ever tried. A verified body is
never refused for its shape (see :mod:`bisnap.notifications.payloads`).

The kind of notification is read from the end of the request path, where Midtrans appends the
SNAP relative path (``…/v1.0/transfer-va/payment``). A receiver mounted on a path of its own
(``/webhooks/va``) must say which kind it receives,
``verify(..., kind=NotificationKind.VA_PAYMENT)``; otherwise the route step fails with
"… is not a notification path: pass kind=…".
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Literal
from urllib.parse import urlsplit

from bisnap.diagnose import Diagnosis, DiagnosisScheme, diagnose
from bisnap.durations import positive_seconds
from bisnap.errors import (
    BisnapError,
    ConfigurationError,
    InvalidInputError,
    InvalidJSONError,
    InvalidSignatureError,
    InvalidTimestampError,
    NotificationError,
)
from bisnap.keys import KeySource, PublicKey, load_public_key
from bisnap.notifications.errors import (
    NotificationHeaderError,
    NotificationPayloadError,
    NotificationSignatureError,
)
from bisnap.notifications.kinds import NotificationKind, kind_for_path
from bisnap.notifications.payloads import NotificationPayload, parse_payload
from bisnap.notifications.replay import DEFAULT_REPLAY_TTL, ReplayStore
from bisnap.signing import Digest, asymmetric_string_to_sign, decode_signature, minify_json
from bisnap.timestamps import Clock, parse_timestamp, system_clock

__all__ = [
    "DEFAULT_MAX_BODY_BYTES",
    "DEFAULT_TOLERANCE",
    "HeaderInput",
    "NotificationVerifier",
    "PathForm",
    "VerifiedNotification",
]

DEFAULT_TOLERANCE = 300.0
"""Seconds X-TIMESTAMP may differ from the receiver's clock, in either direction."""
DEFAULT_MAX_BODY_BYTES = 1024 * 1024

HeaderInput = Mapping[str, str] | Iterable[tuple[str | bytes, str | bytes]]
"""Request headers: a mapping or (name, value) pairs, names in any case."""

PathForm = Literal["request_path", "relative_path"]
"""Which path the signature was made over: the exact request path, or the SNAP relative path
(the request path minus the configured URL prefix)."""

_MAX_EXTERNAL_ID = 128
_log = logging.getLogger("bisnap.notifications")


@dataclass(frozen=True)
class VerifiedNotification:
    """A notification whose signature, timestamp and ``X-EXTERNAL-ID`` passed every check."""

    kind: NotificationKind
    payload: NotificationPayload
    external_id: str
    timestamp: str
    """X-TIMESTAMP exactly as received (and signed)."""
    sent_at: datetime
    signed_path: str
    """The path the signature verified over."""
    path_form: PathForm
    partner_id: str | None = None
    channel_id: str | None = None
    body: bytes = field(default=b"", repr=False)
    """The raw body as received."""
    signed_key: str = field(default="", repr=False)
    """The replay-store key of what the gateway signed (see :func:`_signed_key`)."""


def _signed_key(string_to_sign: str) -> str:
    """The replay-store key for a signed request: ``"signed "`` + SHA-256 of what was signed.

    The space keeps it apart from every ``X-EXTERNAL-ID`` (visible ASCII only), which are
    stored under their own value.
    """
    return "signed " + hashlib.sha256(string_to_sign.encode("utf-8")).hexdigest()


def _fail(step: str, message: str) -> NotificationError:
    return NotificationError(message, step=step)


def _text(value: object) -> str:
    if isinstance(value, bytes):
        return value.decode("latin-1")
    if isinstance(value, str):
        return value
    raise _fail("headers", f"a header name or value is a {type(value).__name__}, not str")


def _collect_headers(headers: object) -> dict[str, list[str]]:
    """Header values by lower-case name; every value kept, so repeats can be refused."""
    pairs: Iterable[object]
    if isinstance(headers, Mapping):
        pairs = headers.items()
    elif isinstance(headers, Iterable) and not isinstance(headers, (str, bytes)):
        pairs = headers
    else:
        raise _fail("headers", "headers must be a mapping or (name, value) pairs")
    collected: dict[str, list[str]] = {}
    for pair in pairs:
        if not isinstance(pair, tuple) or len(pair) != 2:
            raise _fail("headers", "headers must be a mapping or (name, value) pairs")
        name, value = _text(pair[0]).strip().lower(), _text(pair[1]).strip(" \t")
        collected.setdefault(name, []).append(value)
    return collected


def _single_header(values: Mapping[str, list[str]], name: str) -> str:
    """The one non-empty value of header ``name``; a missing or repeated header is refused."""
    found = values.get(name.lower())
    if not found or not found[0]:
        raise NotificationHeaderError(f"the {name} header is missing", field=name, missing=True)
    if len(found) > 1:
        raise NotificationHeaderError(
            f"the {name} header appears more than once", field=name, missing=False
        )
    return found[0]


def _raw_body(body: object, max_body_bytes: int) -> bytes:
    """``body`` as bytes; text, other types and a body over ``max_body_bytes`` are refused."""
    if isinstance(body, str):
        raise _fail("body", "pass the raw body bytes as received, not decoded text")
    if not isinstance(body, (bytes, bytearray, memoryview)):
        raise _fail("body", f"the body must be bytes, not {type(body).__name__}")
    raw = bytes(body)
    if len(raw) > max_body_bytes:
        raise _fail("body", f"the body is larger than {max_body_bytes} bytes")
    return raw


def _checked_replay_store(replay_store: object) -> ReplayStore | None:
    if replay_store is not None and not isinstance(replay_store, ReplayStore):
        raise ConfigurationError(
            "replay_store needs claim(key, ttl) and release(key) methods", field="replay_store"
        )
    return replay_store


def _checked_max_body_bytes(max_body_bytes: object) -> int:
    if isinstance(max_body_bytes, bool) or not isinstance(max_body_bytes, int):
        raise ConfigurationError("max_body_bytes must be an int", field="max_body_bytes")
    if max_body_bytes < 1:
        raise ConfigurationError("max_body_bytes must be positive", field="max_body_bytes")
    return max_body_bytes


def _normalise_prefix(prefix: str | None) -> str | None:
    if prefix is None:
        return None
    if not isinstance(prefix, str):
        raise ConfigurationError("path_prefix must be a str", field="path_prefix")
    path = urlsplit(prefix).path if "://" in prefix else prefix
    path = path.rstrip("/")
    if not path:
        return None
    if not path.startswith("/"):
        raise ConfigurationError(
            "path_prefix is the path part of the notification URL prefix, e.g. /api/snap",
            field="path_prefix",
        )
    return path


class NotificationVerifier:
    """Verifies notifications signed with the gateway's private key.

    ``public_key`` is the gateway's public key (a :class:`~bisnap.keys.PublicKey` or anything
    :func:`~bisnap.keys.load_public_key` reads); it is required, there is no default key.
    ``tolerance`` (seconds or a timedelta, default 300) bounds how far X-TIMESTAMP may be from
    ``clock`` in either direction; it cannot be switched off. ``replay_store`` (optional)
    refuses, within ``replay_ttl`` (default 24 h), a second delivery of the same signed request
    (same X-TIMESTAMP, body and path, whatever its ``X-EXTERNAL-ID``: the id is not signed)
    and a reused ``X-EXTERNAL-ID``. ``path_prefix``
    is the path of the notification URL prefix registered with the gateway (``/api/snap`` or
    the whole URL); when set, a signature over the SNAP relative path is accepted too.
    ``diagnose_failures`` (off by default) attaches a :class:`~bisnap.diagnose.Diagnosis` to
    each :class:`~bisnap.notifications.errors.NotificationSignatureError` and logs its cause
    codes; the notification is refused all the same.
    """

    def __init__(
        self,
        public_key: PublicKey | KeySource,
        *,
        tolerance: float | timedelta = DEFAULT_TOLERANCE,
        replay_store: ReplayStore | None = None,
        replay_ttl: float | timedelta = DEFAULT_REPLAY_TTL,
        clock: Clock | None = None,
        path_prefix: str | None = None,
        max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
        diagnose_failures: bool = False,
    ) -> None:
        if public_key is None:
            raise ConfigurationError(
                "the gateway's public key is required to verify notifications",
                field="public_key",
            )
        self._key = load_public_key(public_key)
        self._signature_bytes = (self._key.key_size + 7) // 8
        self.tolerance = positive_seconds(tolerance, field="tolerance")
        self.replay_ttl = positive_seconds(replay_ttl, field="replay_ttl")
        self.replay_store = _checked_replay_store(replay_store)
        if self.replay_store is not None and self.replay_ttl < 2 * self.tolerance:
            raise ConfigurationError(
                "replay_ttl must be at least twice the tolerance, or a replay could "
                "outlive its record",
                field="replay_ttl",
            )
        self._clock: Clock = clock or system_clock
        self.path_prefix = _normalise_prefix(path_prefix)
        self.max_body_bytes = _checked_max_body_bytes(max_body_bytes)
        self.diagnose_failures = bool(diagnose_failures)

    @property
    def public_key(self) -> PublicKey:
        return self._key

    @property
    def clock(self) -> Clock:
        return self._clock

    def __repr__(self) -> str:
        return (
            f"NotificationVerifier({self._key!r}, tolerance={self.tolerance:g}s, "
            f"replay_store={self.replay_store!r}, path_prefix={self.path_prefix!r})"
        )

    # --- the steps, in order -------------------------------------------------------------------

    def relative_path(self, path: str) -> str | None:
        """``path`` minus the configured prefix, or None (no prefix, or it does not match)."""
        prefix = self.path_prefix
        if prefix is not None and path.startswith(prefix + "/"):
            return path[len(prefix) :]
        return None

    def route(self, method: object, path: object, kind: object = None) -> NotificationKind:
        """The notification kind: ``kind`` when given, else read from the path."""
        if not isinstance(method, str) or not method.isascii() or not method.isalpha():
            raise _fail("route", "the request method must be an HTTP method such as POST")
        if not isinstance(path, str) or not path.startswith("/"):
            raise _fail("route", "the request path must be a str starting with '/'")
        if kind is not None:
            if not isinstance(kind, NotificationKind):
                raise ConfigurationError("kind must be a NotificationKind", field="kind")
            return kind
        found = kind_for_path(self.relative_path(path) or path)
        if found is None:
            shown = path if len(path) <= 80 else path[:80] + "…"
            kinds = ", ".join(f"NotificationKind.{k.name}" for k in NotificationKind)
            raise _fail(
                "route",
                f"{shown!r} is not a notification path: pass kind=... ({kinds}) when the "
                "receiver is mounted on a path of its own, or path_prefix= when the SNAP "
                "relative path follows a prefix",
            )
        return found

    def _headers(self, headers: object) -> tuple[str, str, str, dict[str, list[str]]]:
        values = _collect_headers(headers)
        timestamp, signature, external_id = (
            _single_header(values, name) for name in ("X-TIMESTAMP", "X-SIGNATURE", "X-EXTERNAL-ID")
        )
        if len(external_id) > _MAX_EXTERNAL_ID or not all("!" <= ch <= "~" for ch in external_id):
            raise NotificationHeaderError(
                f"X-EXTERNAL-ID must be 1 to {_MAX_EXTERNAL_ID} visible ASCII characters",
                field="X-EXTERNAL-ID",
                missing=False,
            )
        return timestamp, signature, external_id, values

    def _timestamp(self, value: str) -> datetime:
        try:
            return parse_timestamp(value, require_offset=True)
        except InvalidTimestampError as exc:
            raise _fail("timestamp", f"X-TIMESTAMP: {exc.message}") from None

    def _body(self, body: object) -> bytes:
        raw = _raw_body(body, self.max_body_bytes)
        try:
            minified = minify_json(raw)
        except InvalidJSONError as exc:
            raise _fail("body", exc.message) from None
        if not minified:
            raise _fail("body", "the body is empty")
        return minified

    def _candidates(self, path: str) -> list[tuple[str, PathForm]]:
        candidates: list[tuple[str, PathForm]] = [(path, "request_path")]
        relative = self.relative_path(path)
        if relative is not None:
            candidates.append((relative, "relative_path"))
        return candidates

    def _signature(
        self, method: str, path: str, minified: bytes, timestamp: str, signature: str
    ) -> tuple[str, PathForm, str]:
        try:
            raw_signature = decode_signature(signature, expected_length=self._signature_bytes)
        except InvalidSignatureError as exc:
            raise NotificationSignatureError(f"X-SIGNATURE is malformed: {exc.message}") from None
        digest = Digest(hashlib.sha256(minified).hexdigest())
        for candidate, form in self._candidates(path):
            try:
                text = asymmetric_string_to_sign(method, candidate, digest, timestamp)
            except InvalidInputError as exc:  # pragma: no cover - route() checked both
                raise _fail("signature", exc.message) from None
            if self._key.verify(raw_signature, text.encode("utf-8")):
                return candidate, form, text
        tried = " or ".join(form.replace("_", " ") for _, form in self._candidates(path))
        raise NotificationSignatureError(
            f"X-SIGNATURE does not verify with the gateway's public key over the {tried}"
        )

    def _diagnose(
        self, method: str, path: str, body: bytes, values: Mapping[str, list[str]]
    ) -> Diagnosis | None:
        headers = [(name, found[0]) for name, found in values.items() if found]
        shown = path if len(path) <= 80 else path[:80] + "…"
        try:
            diagnosis = diagnose(
                method,
                path,
                headers,
                body,
                gateway_public_key=self._key,
                scheme=DiagnosisScheme.NOTIFICATION,
                received_at=self._clock(),
                tolerance=self.tolerance,
                path_prefixes=[self.path_prefix] if self.path_prefix else [],
            )
        except BisnapError as exc:  # the refusal stands; only its explanation is missing
            _log.warning("notification signature refused on %s; no diagnosis: %s", shown, exc)
            return None
        _log.warning(
            "notification signature refused on %s: %s (%s)",
            shown,
            ",".join(diagnosis.codes) or diagnosis.verdict.value,
            diagnosis.first_difference,
        )
        return diagnosis

    def _window(self, sent_at: datetime) -> None:
        now = self._clock()
        if now.tzinfo is None or now.utcoffset() is None:
            raise ConfigurationError("the clock must return timezone-aware datetimes")
        skew = (now - sent_at).total_seconds()
        if skew > self.tolerance:
            raise _fail(
                "window",
                f"X-TIMESTAMP is {skew:.0f} s old; at most {self.tolerance:g} s is accepted",
            )
        if -skew > self.tolerance:
            raise _fail(
                "window",
                f"X-TIMESTAMP is {-skew:.0f} s in the future; at most {self.tolerance:g} s "
                "is accepted",
            )

    def _claim(self, external_id: str, signed_key: str) -> None:
        # What the gateway signed is claimed first: X-EXTERNAL-ID is not signed, so a captured
        # notification resent under a fresh id must still be refused. SET-NX-style claims are
        # atomic, so of N concurrent copies exactly one passes.
        store = self.replay_store
        if store is None:
            return
        if not store.claim(signed_key, self.replay_ttl):
            raise _fail(
                "replay",
                "this signed notification (same X-TIMESTAMP, body and X-SIGNATURE) was "
                "already received",
            )
        try:
            fresh = store.claim(external_id, self.replay_ttl)
        except BaseException:
            # Unrecorded: the gateway's retry of this very request must not be refused.
            store.release(signed_key)
            raise
        if not fresh:
            raise _fail("replay", f"X-EXTERNAL-ID {external_id} was already received")

    def _release(self, external_id: str, signed_key: str) -> None:
        if self.replay_store is not None:
            self.replay_store.release(signed_key)
            self.replay_store.release(external_id)

    def release(self, notification: VerifiedNotification) -> None:
        """Forget a notification's replay records so the gateway's retry is accepted.

        Call it when the notification was verified but not processed (the receivers do).
        """
        self._release(notification.external_id, notification.signed_key)

    # --- the whole check -----------------------------------------------------------------------

    def verify(
        self,
        method: str,
        path: str,
        body: bytes | bytearray | memoryview,
        headers: HeaderInput,
        *,
        kind: NotificationKind | None = None,
    ) -> VerifiedNotification:
        """Run every check on one request and return the verified, typed notification.

        ``path`` is the request path without query string; ``body`` the raw bytes as received;
        ``headers`` in any case; ``kind`` is needed when ``path`` does not end with a SNAP
        notification path. Raises NotificationError (``step`` says which check failed).
        """
        notification_kind = self.route(method, path, kind)
        timestamp, signature, external_id, values = self._headers(headers)
        sent_at = self._timestamp(timestamp)
        minified = self._body(body)
        try:
            signed_path, form, signed_text = self._signature(
                method.upper(), path, minified, timestamp, signature
            )
        except NotificationSignatureError as exc:
            if self.diagnose_failures:
                exc.diagnosis = self._diagnose(method, path, bytes(body), values)
            raise
        self._window(sent_at)
        signed_key = _signed_key(signed_text)
        self._claim(external_id, signed_key)
        raw = bytes(body)
        try:
            payload = parse_payload(notification_kind, raw)
        except NotificationPayloadError:
            self._release(external_id, signed_key)
            raise
        partner = values.get("x-partner-id")
        channel = values.get("channel-id")
        _log.debug(
            "verified %s notification X-EXTERNAL-ID %s (signed over the %s)",
            notification_kind.name,
            external_id,
            form.replace("_", " "),
        )
        return VerifiedNotification(
            kind=notification_kind,
            payload=payload,
            external_id=external_id,
            timestamp=timestamp,
            sent_at=sent_at,
            signed_path=signed_path,
            path_form=form,
            partner_id=partner[0] if partner else None,
            channel_id=channel[0] if channel else None,
            body=raw,
            signed_key=signed_key,
        )
