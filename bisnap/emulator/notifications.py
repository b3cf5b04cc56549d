"""Delivery of signed notifications to merchants, off the request path, with retries.

A delivery is attempted at once, then retried on the documented schedule (spec §7.4) scaled by
``retry_scale``: payment notifications retry on anything but HTTP 200 after 2, 10, 30, 90 and
210 minutes; account-linking notifications retry on anything but 2xx after 20, 40 and 80 ms.
Payouts notifications (``payouts=True``) count any 2xx as received; Midtrans publishes no
retry schedule for them, so the payment schedule is used.
A scale of ``0`` retries immediately, which is what tests usually want.
"""

from __future__ import annotations

import heapq
import itertools
import threading
import time
from dataclasses import dataclass, field

import httpx

from bisnap.transport import shared_ssl_context

__all__ = [
    "LINKING_RETRY_DELAYS",
    "PAYMENT_RETRY_DELAYS",
    "DeliveryAttempt",
    "Notification",
    "Notifier",
]

PAYMENT_RETRY_DELAYS: tuple[float, ...] = (120.0, 600.0, 1800.0, 5400.0, 12600.0)
"""Seconds before each retry of a payment notification."""
LINKING_RETRY_DELAYS: tuple[float, ...] = (0.02, 0.04, 0.08)
"""Seconds before each retry of an account-linking notification."""


@dataclass(frozen=True)
class DeliveryAttempt:
    """One POST of a notification: the HTTP status, or the transport error's class name."""

    status: int | None
    error: str | None = None


@dataclass
class Notification:
    """A notification and what happened to it so far.

    ``path`` is the SNAP relative path (``/v1.0/debit/notify``); ``url`` the full URL called.
    """

    client_id: str
    url: str
    path: str
    headers: dict[str, str] = field(repr=False)
    body: bytes = field(repr=False)
    linking: bool = False
    payouts: bool = False
    attempts: list[DeliveryAttempt] = field(default_factory=list)
    delivered: bool = False
    gave_up: bool = False

    @property
    def finished(self) -> bool:
        """Delivered, or out of retries."""
        return self.delivered or self.gave_up

    def accepted(self, status: int) -> bool:
        """Whether the merchant's answer counts as received."""
        return 200 <= status < 300 if self.linking or self.payouts else status == 200


class Notifier:
    """A background worker that delivers :class:`Notification` objects with retries."""

    def __init__(
        self,
        transport: httpx.BaseTransport | None = None,
        *,
        retry_scale: float = 1.0,
        timeout: float = 10.0,
    ) -> None:
        if retry_scale < 0:
            raise ValueError("retry_scale must be >= 0")
        self.retry_scale = retry_scale
        self._transport = transport
        self._timeout = timeout
        self._client: httpx.Client | None = None  # made with the worker: TLS setup costs
        self._cond = threading.Condition()
        self._queue: list[tuple[float, int, Notification]] = []
        self._seq = itertools.count()
        self._in_flight = 0
        self._all: list[Notification] = []
        self._closed = False
        self._thread: threading.Thread | None = None

    @property
    def notifications(self) -> list[Notification]:
        """Every notification queued so far, oldest first."""
        with self._cond:
            return list(self._all)

    def submit(self, notification: Notification) -> None:
        """Queue a notification for immediate delivery; never blocks on the network."""
        with self._cond:
            if self._closed:
                raise RuntimeError("the emulator is closed")
            self._all.append(notification)
            heapq.heappush(self._queue, (time.monotonic(), next(self._seq), notification))
            if self._thread is None:
                # Notifications go straight to the configured URL, never through an env proxy,
                # verified with the one TLS context the clients share.
                self._client = httpx.Client(
                    transport=self._transport,
                    timeout=self._timeout,
                    trust_env=False,
                    verify=shared_ssl_context(),
                )
                self._thread = threading.Thread(
                    target=self._run, name="bisnap-emulator-notifier", daemon=True
                )
                self._thread.start()
            self._cond.notify_all()

    def _run(self) -> None:
        while True:
            with self._cond:
                while not self._closed:
                    if self._queue and self._queue[0][0] <= time.monotonic():
                        break
                    wait = self._queue[0][0] - time.monotonic() if self._queue else None
                    self._cond.wait(wait)
                if self._closed:
                    return
                _, _, notification = heapq.heappop(self._queue)
                self._in_flight += 1
            try:
                self._attempt(notification)
            finally:
                with self._cond:
                    self._in_flight -= 1
                    self._cond.notify_all()

    def _attempt(self, notification: Notification) -> None:
        assert self._client is not None
        try:
            response = self._client.post(
                notification.url, content=notification.body, headers=notification.headers
            )
            response.read()
            attempt = DeliveryAttempt(response.status_code)
        except httpx.HTTPError as exc:
            attempt = DeliveryAttempt(None, type(exc).__name__)
        delays = LINKING_RETRY_DELAYS if notification.linking else PAYMENT_RETRY_DELAYS
        with self._cond:
            notification.attempts.append(attempt)
            if attempt.status is not None and notification.accepted(attempt.status):
                notification.delivered = True
                return
            retries_done = len(notification.attempts) - 1
            if retries_done >= len(delays):
                notification.gave_up = True
                return
            due = time.monotonic() + delays[retries_done] * self.retry_scale
            heapq.heappush(self._queue, (due, next(self._seq), notification))

    def flush(self, timeout: float = 10.0) -> bool:
        """Attempt every queued delivery now (pending retries too) and wait for the attempts.

        Returns False if they did not finish within ``timeout`` seconds.
        """
        deadline = time.monotonic() + timeout
        with self._cond:
            now = time.monotonic()
            self._queue = [(now, seq, n) for _, seq, n in self._queue]
            heapq.heapify(self._queue)
            self._cond.notify_all()
            while self._in_flight or (self._queue and self._queue[0][0] <= now):
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                self._cond.wait(remaining)
            return True

    def wait(self, timeout: float = 10.0) -> bool:
        """Wait until every notification is delivered or out of retries (False on timeout)."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while self._in_flight or any(not n.finished for n in self._all):
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                self._cond.wait(min(remaining, 0.05))
            return True

    def close(self) -> None:
        """Stop the worker (pending deliveries are dropped) and close the HTTP client."""
        with self._cond:
            self._closed = True
            self._cond.notify_all()
            thread = self._thread
        if thread is not None:
            thread.join(timeout=5)
        if self._client is not None:
            self._client.close()
