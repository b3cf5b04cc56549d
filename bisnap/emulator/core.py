"""The emulator's public face: :class:`Emulator` wires the parts together and delegates.

The parts, each in its own module: request admission (:mod:`~bisnap.emulator.admission`),
routing and dispatch (:mod:`~bisnap.emulator.dispatch`), the payment state machine
(:mod:`~bisnap.emulator.payments`), gateway notifications (:mod:`~bisnap.emulator.outbox`),
faults (:mod:`~bisnap.emulator.faults`), the endpoint families and their controls
(:mod:`~bisnap.emulator.endpoints`), serving (:mod:`~bisnap.emulator.asgi`,
:mod:`~bisnap.emulator.transports`).

:class:`Emulator` is synchronous and thread-safe; servers and transports call
:meth:`Emulator.handle`, or :meth:`Emulator.begin` and :meth:`Emulator.finish` to wait out an
injected delay without blocking a thread.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any, Literal
from urllib.parse import urlsplit

import httpx

from bisnap.durations import positive_seconds
from bisnap.emulator.admission import (
    DEFAULT_MAX_BODY_BYTES,
    Admission,
    HeaderInput,
    decimal_amount,
)
from bisnap.emulator.asgi import ASGIApp, build_app
from bisnap.emulator.dispatch import Admitted, Dispatcher
from bisnap.emulator.endpoints import register_families
from bisnap.emulator.endpoints.payouts.notifications import check_payouts_notification_settings
from bisnap.emulator.faults import Fault, FaultBook
from bisnap.emulator.lifecycle import Closing
from bisnap.emulator.notifications import Notification
from bisnap.emulator.outbox import Outbox
from bisnap.emulator.payments import Payments
from bisnap.emulator.raw_json import splice
from bisnap.emulator.responses import EmulatorResponse, dump_json
from bisnap.emulator.routes import RouteTable
from bisnap.emulator.simulation import SimulationError
from bisnap.emulator.state import EmulatorState, Merchant, Payment
from bisnap.emulator.transports import AsyncEmulatorTransport, EmulatorTransport
from bisnap.errors import ConfigurationError
from bisnap.keys import (
    IrisMerchantKey,
    PrivateKey,
    PublicKey,
    load_client_secret,
    load_public_key,
)
from bisnap.timestamps import Clock, system_clock

__all__ = ["Admitted", "Emulator", "SimulationError"]


class Emulator(Closing):
    """A strict local Midtrans BI-SNAP gateway for registered merchants.

    ``clock`` drives token expiry, timestamp windows, transaction times and expiries;
    ``gateway_private_key`` signs notifications (when None, a key is generated the first time
    one is needed);
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
        tolerance = positive_seconds(timestamp_tolerance, field="timestamp_tolerance")
        if (
            isinstance(max_body_bytes, bool)
            or not isinstance(max_body_bytes, int)
            or max_body_bytes < 1
        ):
            raise ConfigurationError(
                "max_body_bytes must be a positive number of bytes", field="max_body_bytes"
            )
        if notification_signed_path not in ("request", "relative"):
            raise ConfigurationError(
                "notification_signed_path is 'request' or 'relative'",
                field="notification_signed_path",
            )
        self.max_body_bytes = max_body_bytes
        self.clock: Clock = clock or system_clock
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
        self.admission = Admission(
            self.state,
            timestamp_tolerance=timedelta(seconds=tolerance),
            token_lifetime=token_lifetime,
        )
        """Request admission: tokens, headers, signatures, timestamps, X-EXTERNAL-ID."""
        self.payments = Payments(self)
        """The payment state machine (moves, lookups, settlement)."""
        self.outbox = Outbox(
            self.clock,
            gateway_private_key=gateway_private_key,
            transport=notification_transport,
            retry_scale=notification_retry_scale,
            signed_path=notification_signed_path,
        )
        """Signed notifications to merchants and their delivery."""
        self._dispatcher = Dispatcher(self)

    @property
    def timestamp_tolerance(self) -> timedelta:
        """The allowed skew of ``X-TIMESTAMP``."""
        return self.admission.timestamp_tolerance

    # --- setup -----------------------------------------------------------------------------

    @property
    def gateway_public_key(self) -> PublicKey:
        """The public half of the key that signs notifications (give it to the merchant)."""
        return self.outbox.gateway_key.public_key()

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
        headers: HeaderInput,
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
        return self._dispatcher.begin(method, path)

    def finish(
        self,
        admitted: Admitted,
        headers: HeaderInput,
        body: bytes = b"",
    ) -> EmulatorResponse:
        """Process a request :meth:`begin` admitted (its delay already waited out)."""
        return self._dispatcher.finish(admitted, headers, body)

    def check_timestamp(self, value: str, now: datetime) -> datetime:
        """Parse a signed ``X-TIMESTAMP`` (offset or ``Z`` required) and check the window.

        Raises InvalidTimestampError when malformed, SnapFailure 401xx00 when outside it.
        """
        return self.admission.check_timestamp(value, now)

    @property
    def token_lifetime(self) -> int:
        """Seconds a B2B access token stays valid."""
        return self.admission.token_lifetime

    def issue_token(self, client_id: str, now: datetime) -> str:
        """Issue an opaque B2B access token valid for ``token_lifetime`` seconds."""
        return self.admission.issue_token(client_id, now)

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
        ``X-TIMESTAMP``, ``X-SIGNATURE``, ``X-PARTNER-ID`` and a numeric ``X-EXTERNAL-ID``
        (:func:`bisnap.external_id.new_external_id`).
        Returns None (and sends nothing) when the merchant has no notify URL.
        """
        merchant = self.state.merchants[client_id]
        if not merchant.notify_url:
            return None
        raw = dump_json(body)
        if raw_values:
            raw = splice(raw, dict(raw_values))
        return self.outbox.send(merchant, relative_path, raw, linking=linking)

    def queue_notification(self, notification: Notification) -> None:
        """Queue an already signed notification for delivery (e.g. a Payouts notification)."""
        self.outbox.queue(notification)

    @property
    def notifications(self) -> list[Notification]:
        """Every notification queued so far (with its delivery attempts), oldest first."""
        return self.outbox.notifications

    def flush_notifications(self, timeout: float = 10.0) -> bool:
        """Attempt every queued notification now, retries included; False on timeout."""
        return self.outbox.flush(timeout)

    def wait_for_notifications(self, timeout: float = 10.0) -> bool:
        """Wait until every notification is delivered or out of retries; False on timeout."""
        return self.outbox.wait(timeout)

    # --- payments (for endpoint families; ``emulator.payments`` moves them) ------------------

    def refresh(self, payment: Payment, now: datetime) -> Payment:
        """Expire a pending or authorised payment whose expiry has passed."""
        return self.payments.refresh(payment, now)

    # --- simulation controls ---------------------------------------------------------------

    def pay_va(
        self, reference: str, *, amount: Decimal | None = None, client_id: str | None = None
    ) -> Payment:
        """Pay a pending VA (by ``trxId``, VA number or ``referenceNo``); notifies the merchant.

        A single-use VA is closed-amount: an ``amount`` other than its total is refused, as a
        bank would refuse it. A multi-use VA takes any amount from 1.00 (default: its total),
        as often as it is paid, and stays open; each payment is notified.
        """
        return self.payments.pay("va", reference, amount, client_id)

    def pay_qris(
        self, reference: str, *, amount: Decimal | None = None, client_id: str | None = None
    ) -> Payment:
        """Pay a pending QRIS (by ``referenceNo``, ``partnerReferenceNo`` or X-EXTERNAL-ID).

        A QR generated without an amount is open: ``amount`` (what the customer entered) is
        required; a QR with an amount takes exactly that amount.
        """
        return self.payments.pay("qris", reference, amount, client_id)

    def pay_debit(self, reference: str, *, client_id: str | None = None) -> Payment:
        """Complete a pending direct-debit payment (the customer approved it in the app)."""
        return self.payments.pay("debit", reference, None, client_id)

    def expire(self, reference: str, *, client_id: str | None = None) -> Payment:
        """Expire a pending (or authorised) payment of any kind now."""
        return self.payments.expire(reference, client_id=client_id)

    def fail(self, reference: str, *, client_id: str | None = None) -> Payment:
        """Fail a pending payment of any kind now (e.g. the customer's payment was declined)."""
        return self.payments.fail(reference, client_id=client_id)

    def payment(self, reference: str, *, client_id: str | None = None) -> Payment:
        """A payment of any kind by any of its identifiers."""
        return self.payments.find(reference, client_id=client_id)

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
        return build_app(self)

    def transport(self) -> httpx.BaseTransport:
        """An in-process httpx transport (no sockets) for synchronous clients."""
        return EmulatorTransport(self)

    def async_transport(self) -> httpx.AsyncBaseTransport:
        """An in-process httpx transport (no sockets) for asynchronous clients."""
        return AsyncEmulatorTransport(self)

    def close(self) -> None:
        """Stop notification delivery and release its HTTP client."""
        self.outbox.close()

    def __repr__(self) -> str:
        return f"<Emulator merchants={len(self.state.merchants)} families={self.families}>"
