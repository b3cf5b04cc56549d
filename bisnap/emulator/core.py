"""The framework-free emulator core: merchants, authentication, routing, state, controls.

:class:`Emulator` is synchronous and thread-safe; servers and transports call
:meth:`Emulator.handle`, or :meth:`Emulator.begin` and :meth:`Emulator.finish` to wait out an
injected delay without blocking a thread.
"""

from __future__ import annotations

import logging
import secrets
import threading
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from types import TracebackType
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import parse_qsl, urlsplit

import httpx

from bisnap.diagnose import DiagnosisScheme
from bisnap.durations import positive_seconds
from bisnap.emulator.admission import (
    DEFAULT_MAX_BODY_BYTES,
    decimal_amount,
    header_map,
    is_json_media_type,
    load_json,
    too_large,
)
from bisnap.emulator.diagnosis import signature_refusal
from bisnap.emulator.faults import Fault, FaultBook
from bisnap.emulator.ledger import STATUS_BY_CODE
from bisnap.emulator.notifications import Notification, Notifier
from bisnap.emulator.payouts_notify import check_payouts_notification_settings
from bisnap.emulator.raw_json import splice
from bisnap.emulator.responses import Disconnect, EmulatorResponse, SnapFailure, dump_json
from bisnap.emulator.routes import Auth, Call, CustomerToken, Endpoint, RouteTable
from bisnap.emulator.state import (
    Binding,
    EmulatorState,
    ExternalIdRecord,
    Merchant,
    Payment,
    TokenRecord,
    secret_key,
)
from bisnap.errors import (
    BisnapError,
    ConfigurationError,
    InvalidInputError,
    InvalidJSONError,
    InvalidSignatureError,
    InvalidTimestampError,
)
from bisnap.keys import (
    IrisMerchantKey,
    PrivateKey,
    PublicKey,
    generate_key_pair,
    load_client_secret,
    load_private_key,
    load_public_key,
)
from bisnap.signing import (
    Digest,
    asymmetric_string_to_sign,
    body_digest,
    sign_rsa,
    transaction_string_to_sign,
    verify_hmac,
)
from bisnap.timestamps import JAKARTA, Clock, format_timestamp, parse_timestamp, system_clock

if TYPE_CHECKING:
    from bisnap.emulator.asgi import ASGIApp

__all__ = ["Admitted", "Emulator", "SimulationError"]

logger = logging.getLogger("bisnap.emulator")

_MANDATORY_HEADERS = (
    "Content-Type",
    "X-TIMESTAMP",
    "X-SIGNATURE",
    "X-PARTNER-ID",
    "X-EXTERNAL-ID",
    "CHANNEL-ID",
)
_EXTERNAL_ID_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~")
_FINAL_STATUSES = frozenset({"00", "04", "05", "06", "08", "09"})


class SimulationError(InvalidInputError):
    """A simulation control was asked for something the emulator's state does not allow."""


@dataclass(frozen=True)
class Admitted:
    """A routed request to process (see :meth:`Emulator.begin`)."""

    method: str
    target: str
    route_path: str
    query: str
    endpoint: Endpoint
    fault: Fault | None

    @property
    def delay(self) -> float:
        """Seconds to wait before processing (a ``delay`` fault), else 0."""
        return self.fault.seconds if self.fault is not None and self.fault.kind == "delay" else 0.0


class Emulator:
    """A strict local Midtrans BI-SNAP gateway for registered merchants.

    ``clock`` drives token expiry, timestamp windows, transaction times and expiries;
    ``gateway_private_key`` signs notifications (generated when None);
    ``notification_transport`` delivers them (default: real HTTP);
    ``notification_retry_scale`` multiplies the documented retry schedule (0: retry at once);
    ``timestamp_tolerance`` is the allowed skew of ``X-TIMESTAMP`` in seconds;
    ``notification_signed_path`` chooses the EndpointUrl notifications are signed over: the
    full request path on the merchant's host (``"request"``) or the SNAP relative path
    (``"relative"``); they differ only when the notify URL prefix has a path of its own;
    ``public_base_url`` is used in redirect URLs the emulator hands out;
    ``families`` limits which endpoint families are served (default: all available);
    ``history_limit`` keeps only the last N settled payments and transfers (pending ones are
    never dropped) so long load runs stay in bounded memory (default: keep everything).
    ``max_body_bytes`` is the largest request body read (default 1 MiB; larger: HTTP 413);
    ``diagnose_signatures`` adds an ``X-Bisnap-Diagnosis`` header naming the cause to each
    ``Unauthorized. Signature`` refusal (see :mod:`bisnap.emulator.diagnosis`).
    """

    def __init__(
        self,
        *,
        clock: Clock | None = None,
        gateway_private_key: PrivateKey | str | bytes | None = None,
        notification_transport: httpx.BaseTransport | None = None,
        notification_retry_scale: float = 1.0,
        timestamp_tolerance: float = 300,
        token_lifetime: int = 900,
        notification_signed_path: Literal["request", "relative"] = "request",
        public_base_url: str = "http://127.0.0.1",
        families: Iterable[str] | None = None,
        history_limit: int | None = None,
        max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
        diagnose_signatures: bool = True,
    ) -> None:
        from bisnap.emulator.endpoints import register_families

        tolerance = positive_seconds(timestamp_tolerance, field="timestamp_tolerance")
        if (
            isinstance(max_body_bytes, bool)
            or not isinstance(max_body_bytes, int)
            or max_body_bytes < 1
        ):
            raise ConfigurationError(
                "max_body_bytes must be a positive number of bytes", field="max_body_bytes"
            )
        self.max_body_bytes = max_body_bytes
        if notification_signed_path not in ("request", "relative"):
            raise ConfigurationError(
                "notification_signed_path is 'request' or 'relative'",
                field="notification_signed_path",
            )
        self.clock: Clock = clock or system_clock
        if gateway_private_key is None:
            self._gateway_key = generate_key_pair().private_key()
        else:
            self._gateway_key = load_private_key(gateway_private_key)
        self.timestamp_tolerance = timedelta(seconds=tolerance)
        self.token_lifetime = token_lifetime
        self.notification_signed_path = notification_signed_path
        self.public_base_url = public_base_url.rstrip("/")
        if history_limit is not None and (
            isinstance(history_limit, bool)
            or not isinstance(history_limit, int)
            or history_limit < 0
        ):
            raise ConfigurationError(
                "history_limit is a number of settled payments >= 0, or None (keep all)",
                field="history_limit",
            )
        self.state = EmulatorState(history_limit=history_limit)
        self.diagnose_signatures = bool(diagnose_signatures)
        self.lock = threading.RLock()
        self.faults = FaultBook()
        self.routes = RouteTable()
        self.families = register_families(self.routes, families)
        self._notifier = Notifier(notification_transport, retry_scale=notification_retry_scale)
        self._notify_seq = 0
        self._external_ids_day: date | None = None

    # --- setup -----------------------------------------------------------------------------

    @property
    def gateway_public_key(self) -> PublicKey:
        """The public half of the key that signs notifications (give it to the merchant)."""
        return self._gateway_key.public_key()

    def register_merchant(
        self,
        *,
        client_id: str,
        client_secret: str | bytes | Any,
        partner_id: str,
        merchant_public_key: PublicKey | str | bytes | Any,
        channel_id: str | None = None,
        notify_url: str | None = None,
        balance: Decimal | str | int = Decimal("0.00"),
        merchant_id: str | None = None,
        payment_handle: str | None = None,
        iris_merchant_key: IrisMerchantKey | str | None = None,
        payouts_notify_url: str | None = None,
        multi_use_va: bool = False,
    ) -> Merchant:
        """Register a merchant (replacing one with the same ``client_id``).

        ``merchant_public_key`` verifies its access-token signatures; ``client_secret`` its
        HMACs. ``channel_id``, ``merchant_id`` (the MID in bodies) and ``payment_handle``
        (GoPay linking ``merchantId``) are checked only when given. ``notify_url`` is the
        notification URL prefix; ``balance`` the payouts balance. ``payouts_notify_url`` (the
        whole URL) receives Payouts notifications signed with ``iris_merchant_key``.
        ``multi_use_va`` makes its VAs multi-use (a Midtrans account setting): each takes several
        payments, stays open and its status pages through ``recurringPaymentDetail``.
        """
        for name, value in (("client_id", client_id), ("partner_id", partner_id)):
            if not isinstance(value, str) or not value:
                raise ConfigurationError(f"{name} must be a non-empty string", field=name)
        if channel_id is not None and not (len(channel_id) == 5 and channel_id.isdigit()):
            raise ConfigurationError("channel_id must be 5 digits", field="channel_id")
        if notify_url is not None and urlsplit(notify_url).scheme not in ("http", "https"):
            raise ConfigurationError("notify_url must be an http(s) URL", field="notify_url")
        iris_key = check_payouts_notification_settings(iris_merchant_key, payouts_notify_url)
        merchant = Merchant(
            client_id=client_id,
            client_secret=load_client_secret(client_secret),
            partner_id=partner_id,
            public_key=load_public_key(merchant_public_key),
            channel_id=channel_id,
            notify_url=notify_url,
            balance=decimal_amount(balance, "balance").quantize(Decimal("0.01")),
            merchant_id=merchant_id,
            payment_handle=payment_handle,
            iris_merchant_key=iris_key,
            payouts_notify_url=payouts_notify_url,
            multi_use_va=bool(multi_use_va),
        )
        with self.lock:
            self.state.merchants[client_id] = merchant
        return merchant

    def merchant(self, client_id: str) -> Merchant:
        """A registered merchant (KeyError-free: raises SimulationError if unknown)."""
        with self.lock:
            found = self.state.merchants.get(client_id)
        if found is None:
            raise SimulationError(f"no merchant with client id {client_id!r} is registered")
        return found

    # --- request handling ------------------------------------------------------------------

    def handle(
        self,
        method: str,
        path: str,
        headers: Mapping[str, str] | Iterable[tuple[str, str]],
        body: bytes = b"",
    ) -> EmulatorResponse:
        """Answer one HTTP request. ``path`` may carry a ``?query``; ``body`` is the raw bytes.

        Faults injected for the path apply here: delays sleep in the calling thread, and a
        timeout or drop is returned as ``EmulatorResponse.disconnect`` for the server or
        transport to enact. (:meth:`begin` and :meth:`finish` are the same in two steps, for
        servers that wait out a delay without blocking a thread.)
        """
        started = self.begin(method, path)
        if isinstance(started, EmulatorResponse):
            return started
        if started.delay:
            time.sleep(started.delay)
        return self.finish(started, headers, body)

    def begin(self, method: str, path: str) -> EmulatorResponse | Admitted:
        """Route a request and take the fault injected for it, if any.

        Returns the final answer when there is nothing to process (unknown route, an
        ``error`` fault, a ``timeout`` without processing), else an :class:`Admitted` request:
        wait its ``delay`` seconds (a ``delay`` fault), then call :meth:`finish`.
        """
        method = method.upper()
        route_path, _, query = path.partition("?")
        endpoint = self.routes.get(method, route_path)
        if endpoint is None:
            if self.routes.has_path(route_path):
                return self._envelope(405, "00", "00", "Requested function is not supported")
            return self._envelope(404, "00", "02", "Invalid Routing")
        fault = self.faults.take(route_path)
        if fault is not None:
            if fault.kind == "error":
                case = "01" if fault.status == 500 else "00"
                message = {500: "Internal Server Error", 504: "Timeout"}.get(
                    fault.status, "General Error"
                )
                return self._envelope(fault.status, endpoint.service, case, message)
            if fault.kind != "delay" and not fault.process:
                return self._disconnected(endpoint, fault)
        return Admitted(method, path, route_path, query, endpoint, fault)

    def finish(
        self,
        admitted: Admitted,
        headers: Mapping[str, str] | Iterable[tuple[str, str]],
        body: bytes = b"",
    ) -> EmulatorResponse:
        """Process a request :meth:`begin` admitted (its delay already waited out)."""
        if len(body) > self.max_body_bytes:
            return too_large(admitted.route_path, self.max_body_bytes)
        fault = admitted.fault
        with self.lock:
            response = self._process(
                admitted.endpoint,
                admitted.method,
                admitted.target,
                admitted.route_path,
                admitted.query,
                headers,
                body,
            )
        if fault is not None and fault.kind in ("timeout", "drop"):
            disconnected = self._disconnected(admitted.endpoint, fault)
            response.disconnect = disconnected.disconnect
            response.hold_seconds = disconnected.hold_seconds
        return response

    def _disconnected(self, endpoint: Endpoint, fault: Fault) -> EmulatorResponse:
        response = self._envelope(504, endpoint.service, "00", "Timeout")
        response.disconnect = Disconnect.TIMEOUT if fault.kind == "timeout" else Disconnect.DROP
        response.hold_seconds = fault.seconds
        return response

    def _envelope(self, status: int, service: str, case: str, message: str) -> EmulatorResponse:
        body = {"responseCode": f"{status}{service}{case}", "responseMessage": message}
        return self._response(status, dump_json(body))

    def _response(self, status: int, body: bytes) -> EmulatorResponse:
        headers = {
            "Content-Type": "application/json",
            "X-TIMESTAMP": format_timestamp(self.clock()),
        }
        return EmulatorResponse(status, headers, body)

    def _process(
        self,
        endpoint: Endpoint,
        method: str,
        target: str,
        route_path: str,
        query: str,
        raw_headers: Mapping[str, str] | Iterable[tuple[str, str]],
        raw_body: bytes,
    ) -> EmulatorResponse:
        now = self.clock()
        id_key: tuple[str, Any, str] | None = None
        digest = ""
        try:
            call = Call(
                emulator=self,
                endpoint=endpoint,
                method=method,
                path=route_path,
                query=dict(parse_qsl(query, keep_blank_values=True)),
                headers=header_map(raw_headers),
                raw_body=raw_body,
                body={},
                now=now,
            )
            if endpoint.auth is Auth.B2B:
                digest = self._authenticate(call, target)
                today = now.astimezone(JAKARTA).date()
                self._forget_old_external_ids(today)
                id_key = (call.client_id, today, call.external_id)
                seen = self.state.external_ids.get(id_key)
                if seen is not None:
                    if endpoint.replay and seen.path == route_path and seen.body_digest == digest:
                        return self._response(seen.status, seen.body)
                    raise SnapFailure.conflict("Cannot use same X-EXTERNAL-ID in same day")
            elif raw_body:
                call.body = self._parse_body(raw_body)
                call.fields.data = call.body
            result = endpoint.handler(call)
        except SnapFailure as failure:
            refusal = self._response(
                failure.http_status, dump_json(failure.envelope(endpoint.service))
            )
            refusal.headers.update(failure.headers)
            return refusal
        except BisnapError as exc:
            logger.warning("emulator rejected %s %s: %s", method, route_path, exc)
            return self._envelope(400, endpoint.service, "00", "Bad Request")
        except Exception:
            logger.exception("emulator handler for %s %s failed", method, route_path)
            return self._envelope(500, endpoint.service, "01", "Internal Server Error")
        if isinstance(result, EmulatorResponse):
            response = result
        else:
            message = result.pop("responseMessage", "Successful")
            envelope = {
                "responseCode": f"200{endpoint.service}00",
                "responseMessage": message,
                **result,
            }
            response = self._response(200, dump_json(envelope))
        if id_key is not None and 200 <= response.status < 300:
            self.state.external_ids[id_key] = ExternalIdRecord(
                route_path, digest, response.status, response.body
            )
        return response

    def _forget_old_external_ids(self, today: date) -> None:
        """Drop X-EXTERNAL-ID records of days before yesterday (they can no longer conflict)."""
        if self._external_ids_day == today:
            return
        self._external_ids_day = today
        cutoff = today - timedelta(days=1)
        stale = [key for key in self.state.external_ids if key[1] < cutoff]
        for key in stale:
            del self.state.external_ids[key]

    @staticmethod
    def _parse_body(raw: bytes) -> dict[str, Any]:
        try:
            parsed = load_json(raw)
        except InvalidJSONError:
            raise SnapFailure.bad_request("Bad Request. Body is not valid JSON") from None
        if not isinstance(parsed, dict):
            raise SnapFailure.bad_request("Bad Request. Body must be a JSON object")
        return parsed

    def check_timestamp(self, value: str, now: datetime) -> datetime:
        """Parse a signed ``X-TIMESTAMP`` (offset or ``Z`` required) and check the window.

        Raises InvalidTimestampError when malformed, SnapFailure 401xx00 when outside it.
        """
        moment = parse_timestamp(value, require_offset=True)
        if abs(now - moment) > self.timestamp_tolerance:
            raise SnapFailure.unauthorized("X-TIMESTAMP is outside the allowed window")
        return moment

    def _authenticate(self, call: Call, target: str) -> str:
        """Check token, headers, timestamp, signature and identity; returns the body digest."""
        endpoint, headers = call.endpoint, call.headers
        authorization = headers.get("authorization")
        if not authorization:
            raise SnapFailure.unauthorized("Auth token required")
        for name in _MANDATORY_HEADERS:
            if not headers.get(name.lower()):
                raise SnapFailure.missing(name)
        if endpoint.device_id and not headers.get("x-device-id"):
            raise SnapFailure.missing("X-DEVICE-ID")
        customer_header = headers.get("authorization-customer")
        if endpoint.customer_token is CustomerToken.REQUIRED and not customer_header:
            raise SnapFailure.missing("Authorization-Customer")
        if not is_json_media_type(headers["content-type"]):
            raise SnapFailure.bad_format("Content-Type")
        scheme, _, token = authorization.strip().partition(" ")
        token = token.strip()
        record = self.state.tokens.get(secret_key(token)) if scheme.lower() == "bearer" else None
        if record is not None and call.now >= record.expires_at:
            del self.state.tokens[secret_key(token)]
            record = None
        merchant = self.state.merchants.get(record.client_id) if record is not None else None
        if merchant is None:
            raise SnapFailure(401, "01", "Invalid Token (B2B)")
        timestamp = headers["x-timestamp"]
        try:
            self.check_timestamp(timestamp, call.now)
        except InvalidTimestampError:
            raise SnapFailure.bad_format("X-TIMESTAMP") from None
        try:
            digest = body_digest(call.raw_body)
        except InvalidJSONError:
            raise SnapFailure.bad_request("Bad Request. Body is not valid JSON") from None
        string_to_sign = transaction_string_to_sign(
            call.method, target, token.strip(), Digest(digest), timestamp
        )
        try:
            verify_hmac(merchant.client_secret, string_to_sign, headers["x-signature"])
        except InvalidSignatureError:
            raise signature_refusal(
                call,
                target,
                DiagnosisScheme.TRANSACTION_HMAC,
                client_secret=merchant.client_secret,
                public_key=merchant.public_key,
            ) from None
        if headers["x-partner-id"] != merchant.partner_id:
            raise SnapFailure.unauthorized("Unknown X-PARTNER-ID")
        channel = headers["channel-id"]
        if not (len(channel) == 5 and channel.isdigit()):
            raise SnapFailure.bad_format("CHANNEL-ID")
        if merchant.channel_id is not None and channel != merchant.channel_id:
            raise SnapFailure.unauthorized("Unknown CHANNEL-ID")
        external_id = headers["x-external-id"]
        if len(external_id) > 36 or not set(external_id) <= _EXTERNAL_ID_CHARS:
            raise SnapFailure.bad_format("X-EXTERNAL-ID")
        call.merchant = merchant
        call.external_id = external_id
        call.body = self._parse_body(call.raw_body)
        call.fields.data = call.body
        if customer_header and endpoint.customer_token is not CustomerToken.NONE:
            call.binding = self._customer(merchant, customer_header)
        return digest

    def _customer(self, merchant: Merchant, header: str) -> Binding:
        scheme, _, token = header.strip().partition(" ")
        key = secret_key(token.strip())
        binding = self.state.bindings.get(key) if scheme.lower() == "bearer" else None
        if (
            binding is None
            or binding.client_id != merchant.client_id
            or binding.status != "ENABLED"
        ):
            raise SnapFailure(401, "02", "Invalid Customer Token")
        return binding

    def issue_token(self, client_id: str, now: datetime) -> str:
        """Issue an opaque B2B access token valid for ``token_lifetime`` seconds."""
        token = secrets.token_urlsafe(48)
        self.state.tokens[secret_key(token)] = TokenRecord(
            client_id, now + timedelta(seconds=self.token_lifetime)
        )
        return token

    # --- notifications ---------------------------------------------------------------------

    def notify(
        self,
        client_id: str,
        relative_path: str,
        body: dict[str, Any],
        *,
        linking: bool = False,
        raw_values: Mapping[str, bytes] | None = None,
    ) -> Notification | None:
        """Queue a notification to the merchant's notify URL prefix + ``relative_path``.

        ``raw_values`` maps placeholder strings in ``body`` to JSON bytes written in their
        place verbatim (values the merchant sent, echoed byte for byte).

        Signed with the gateway key over the asymmetric string-to-sign; sent with
        ``X-TIMESTAMP``, ``X-SIGNATURE``, ``X-PARTNER-ID`` and a numeric ``X-EXTERNAL-ID``.
        Returns None (and sends nothing) when the merchant has no notify URL.
        """
        merchant = self.state.merchants[client_id]
        if not merchant.notify_url:
            return None
        url = merchant.notify_url.rstrip("/") + relative_path
        parts = urlsplit(url)
        request_path = parts.path + (f"?{parts.query}" if parts.query else "")
        signed_path = request_path if self.notification_signed_path == "request" else relative_path
        raw = dump_json(body)
        if raw_values:
            raw = splice(raw, dict(raw_values))
        timestamp = format_timestamp(self.clock())
        signature = sign_rsa(
            self._gateway_key, asymmetric_string_to_sign("POST", signed_path, raw, timestamp)
        )
        self._notify_seq += 1
        headers = {
            "Content-Type": "application/json",
            "X-TIMESTAMP": timestamp,
            "X-SIGNATURE": signature,
            "X-PARTNER-ID": merchant.partner_id,
            "X-EXTERNAL-ID": f"{time.time_ns() // 1_000_000}{self._notify_seq % 1_000_000:06d}",
        }
        if merchant.channel_id:
            headers["CHANNEL-ID"] = merchant.channel_id
        notification = Notification(
            client_id=client_id,
            url=url,
            path=relative_path,
            headers=headers,
            body=raw,
            linking=linking,
        )
        self._notifier.submit(notification)
        return notification

    def queue_notification(self, notification: Notification) -> None:
        """Queue an already signed notification for delivery (e.g. a Payouts notification)."""
        self._notifier.submit(notification)

    @property
    def notifications(self) -> list[Notification]:
        """Every notification queued so far (with its delivery attempts), oldest first."""
        return self._notifier.notifications

    def flush_notifications(self, timeout: float = 10.0) -> bool:
        """Attempt every queued notification now, retries included; False on timeout."""
        return self._notifier.flush(timeout)

    def wait_for_notifications(self, timeout: float = 10.0) -> bool:
        """Wait until every notification is delivered or out of retries; False on timeout."""
        return self._notifier.wait(timeout)

    # --- payments: transitions and lookups (for endpoint families) --------------------------

    def refresh(self, payment: Payment, now: datetime) -> Payment:
        """Expire a pending or authorised payment whose expiry has passed."""
        if (
            payment.status in ("03", "01")
            and payment.expires is not None
            and now >= payment.expires
        ):
            self.transition(payment, "08", now, event="expired")
        return payment

    def lookup_payment(
        self,
        client_id: str,
        kind: str | None = None,
        *,
        reference_no: str | None = None,
        partner_reference_no: str | None = None,
        external_id: str | None = None,
        now: datetime | None = None,
    ) -> Payment | None:
        """Find a payment (see :meth:`EmulatorState.find_payment`) and apply any expiry."""
        found = self.state.find_payment(
            client_id,
            kind,
            reference_no=reference_no,
            partner_reference_no=partner_reference_no,
            external_id=external_id,
        )
        return self.refresh(found, now or self.clock()) if found is not None else None

    def transition(
        self,
        payment: Payment,
        status: str,
        now: datetime,
        *,
        event: str,
        amount: Decimal | None = None,
        **data: Any,
    ) -> None:
        """Move ``payment`` to ``status``: record times and a ledger event, run the kind's hook."""
        previous = payment.status
        self.state.set_status(payment, status)
        if status == "00" and payment.paid_time is None:
            payment.paid_time = now
        if status in _FINAL_STATUSES and payment.finished_time is None:
            payment.finished_time = now
        if self.state.ledger.get(payment.client_id, payment.reference_no) is not None:
            self.state.ledger.event(
                payment.client_id,
                payment.reference_no,
                kind=event,
                time=now,
                status=STATUS_BY_CODE.get(status, status),
                amount=amount,
                **data,
            )
        hook = self.routes.payment_hooks.get(payment.kind)
        if hook is not None:
            hook(self, payment, previous, now)

    # --- simulation controls ---------------------------------------------------------------

    def _resolve(self, reference: str, kind: str | None, client_id: str | None) -> Payment:
        for payment in self.state.payments_with(reference, client_id, kind):
            if reference in (
                payment.reference_no,
                payment.partner_reference_no,
                payment.external_id,
                payment.data.get("virtualAccountNo"),
            ):
                return self.refresh(payment, self.clock())
        what = f"{kind} payment" if kind else "payment"
        raise SimulationError(f"no {what} with reference {reference!r}")

    def _settle(self, payment: Payment, amount: Decimal | None) -> Payment:
        if payment.status != "03":
            raise SimulationError(
                f"payment {payment.reference_no} is not pending (status {payment.status})"
            )
        paid = payment.amount if amount is None else Decimal(amount).quantize(Decimal("0.01"))
        if paid <= 0:
            raise SimulationError("a paid amount must be positive")
        binding = payment.data.get("binding")
        if isinstance(binding, Binding):
            pay_later = payment.data.get("payOption") == "PAY_LATER"
            available = binding.paylater_balance if pay_later else binding.wallet_balance
            if available < paid:
                self.transition(payment, "06", self.clock(), event="failed", reason="insufficient")
                raise SimulationError("the customer's balance is insufficient")
            if pay_later:
                binding.paylater_balance -= paid
            else:
                binding.wallet_balance -= paid
        payment.paid_amount = paid
        self.transition(payment, "00", self.clock(), event="paid", amount=paid)
        return payment

    def pay_va(
        self, reference: str, *, amount: Decimal | None = None, client_id: str | None = None
    ) -> Payment:
        """Pay a pending VA (by ``trxId``, VA number or ``referenceNo``); notifies the merchant.

        A single-use VA is closed-amount: an ``amount`` other than its total is refused, as a
        bank would refuse it. A multi-use VA takes any amount from 1.00 (default: its total),
        as often as it is paid, and stays open; each payment is notified.
        """
        from bisnap.emulator.endpoints.va import is_multi_use, pay_multi_use

        with self.lock:
            payment = self._resolve(reference, "va", client_id)
            paid = None if amount is None else decimal_amount(amount, "amount")
            if is_multi_use(payment):
                return pay_multi_use(self, payment, paid, self.clock())
            if paid is not None and paid != payment.amount:
                raise SimulationError(
                    f"this VA accepts exactly {payment.amount:.2f}, not {paid:.2f}"
                )
            return self._settle(payment, None)

    def pay_qris(
        self, reference: str, *, amount: Decimal | None = None, client_id: str | None = None
    ) -> Payment:
        """Pay a pending QRIS (by ``referenceNo``, ``partnerReferenceNo`` or X-EXTERNAL-ID).

        A QR generated without an amount is open: ``amount`` (what the customer entered) is
        required; a QR with an amount takes exactly that amount.
        """
        with self.lock:
            payment = self._resolve(reference, "qris", client_id)
            paid = None if amount is None else decimal_amount(amount, "amount")
            if payment.data.get("openAmount"):
                if paid is None:
                    raise SimulationError("this QR has no amount: pass the amount paid")
                return self._settle(payment, paid)
            if paid is not None and paid != payment.amount:
                raise SimulationError(f"this QR takes exactly {payment.amount:.2f}, not {paid:.2f}")
            return self._settle(payment, None)

    def pay_debit(self, reference: str, *, client_id: str | None = None) -> Payment:
        """Complete a pending direct-debit payment (the customer approved it in the app)."""
        with self.lock:
            return self._settle(self._resolve(reference, "debit", client_id), None)

    def expire(self, reference: str, *, client_id: str | None = None) -> Payment:
        """Expire a pending (or authorised) payment of any kind now."""
        with self.lock:
            payment = self._resolve(reference, None, client_id)
            if payment.status not in ("03", "01"):
                raise SimulationError(f"payment {payment.reference_no} can no longer expire")
            self.transition(payment, "08", self.clock(), event="expired")
            return payment

    def fail(self, reference: str, *, client_id: str | None = None) -> Payment:
        """Fail a pending payment of any kind now (e.g. the customer's payment was declined)."""
        with self.lock:
            payment = self._resolve(reference, None, client_id)
            if payment.status != "03":
                raise SimulationError(f"payment {payment.reference_no} is not pending")
            self.transition(payment, "06", self.clock(), event="failed")
            return payment

    def payment(self, reference: str, *, client_id: str | None = None) -> Payment:
        """A payment of any kind by any of its identifiers."""
        with self.lock:
            return self._resolve(reference, None, client_id)

    def set_balance(self, client_id: str, value: Decimal | str | int) -> None:
        """Set a merchant's payouts balance."""
        amount = decimal_amount(value, "value").quantize(Decimal("0.01"))
        if amount < 0:
            raise SimulationError("a balance cannot be negative")
        with self.lock:
            self.merchant(client_id).balance = amount

    def balance(self, client_id: str) -> Decimal:
        """A merchant's payouts balance."""
        with self.lock:
            return self.merchant(client_id).balance

    def inject_fault(
        self,
        path: str,
        kind: str,
        *,
        seconds: float = 0.0,
        status: int = 500,
        times: int | None = 1,
        process: bool = False,
    ) -> Fault:
        """Make the next ``times`` requests to ``path`` (``"*"``: any) misbehave.

        See :mod:`bisnap.emulator.faults` for the kinds and what each does.
        """
        if path != "*" and not self.routes.has_path(path):
            raise SimulationError(f"{path!r} is not an endpoint this emulator serves")
        return self.faults.add(Fault(path, kind, seconds, status, times, process))

    def clear_faults(self, path: str | None = None) -> None:
        """Remove injected faults (for ``path`` only, when given)."""
        self.faults.clear(path)

    # --- serving ---------------------------------------------------------------------------

    def asgi_app(self) -> ASGIApp:
        """An ASGI app serving the SNAP paths and the admin API under ``/_emulator/``."""
        from bisnap.emulator.asgi import build_app

        return build_app(self)

    def transport(self) -> httpx.BaseTransport:
        """An in-process httpx transport (no sockets) for synchronous clients."""
        from bisnap.emulator.transports import EmulatorTransport

        return EmulatorTransport(self)

    def async_transport(self) -> httpx.AsyncBaseTransport:
        """An in-process httpx transport (no sockets) for asynchronous clients."""
        from bisnap.emulator.transports import AsyncEmulatorTransport

        return AsyncEmulatorTransport(self)

    def close(self) -> None:
        """Stop notification delivery and release its HTTP client."""
        self._notifier.close()

    def __enter__(self) -> Emulator:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<Emulator merchants={len(self.state.merchants)} families={self.families}>"
