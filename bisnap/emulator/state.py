"""The emulator's in-memory state: merchants, tokens, payments, bindings, balances, ledger.

Everything here is plain data; :class:`~bisnap.emulator.core.Emulator` holds one
:class:`EmulatorState` and a lock around every use of it.
"""

from __future__ import annotations

import hashlib
import itertools
import secrets
from collections import OrderedDict
from collections.abc import Hashable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from types import MappingProxyType
from typing import Any

from bisnap.emulator.ledger import Ledger
from bisnap.keys import ClientSecret, IrisMerchantKey, PublicKey
from bisnap.timestamps import JAKARTA

__all__ = [
    "SETTLED_STATUSES",
    "Binding",
    "EmulatorState",
    "ExternalIdRecord",
    "Merchant",
    "Payment",
    "Refund",
    "SettledHistory",
    "TokenRecord",
    "secret_key",
]


SETTLED_STATUSES = frozenset({"00", "04", "05", "06", "08", "09"})
"""Transaction statuses after which nothing is waiting on the gateway (``03`` pending and
``01`` authorised are not settled)."""


class SettledHistory:
    """The last ``limit`` settled items by key, oldest first (``limit`` None: all of them)."""

    def __init__(self, limit: int | None) -> None:
        if limit is not None and limit < 0:
            raise ValueError("history_limit must be >= 0 (or None for unbounded)")
        self.limit = limit
        self._items: OrderedDict[Hashable, Any] = OrderedDict()

    def __len__(self) -> int:
        return len(self._items)

    def settled(self, key: Hashable, item: Any) -> list[Any]:
        """Note ``item`` as settled now; the oldest items beyond the limit, to forget."""
        if self.limit is None:
            return []
        self._items[key] = item
        self._items.move_to_end(key)
        evicted = []
        while len(self._items) > self.limit:
            evicted.append(self._items.popitem(last=False)[1])
        return evicted

    def unsettled(self, key: Hashable) -> None:
        """``key`` is pending again (or gone): never evict it."""
        self._items.pop(key, None)


def secret_key(value: str) -> str:
    """How a bearer secret (token, customer token, auth code) is stored: its SHA-256.

    State keyed this way never shows the secret in a ``repr``.
    """
    return hashlib.sha256(value.encode("utf-8")).hexdigest()


@dataclass
class Merchant:
    """A registered merchant and its credentials (secrets redacted from ``repr``)."""

    client_id: str
    client_secret: ClientSecret = field(repr=False)
    partner_id: str
    public_key: PublicKey = field(repr=False)
    channel_id: str | None = None
    notify_url: str | None = None
    balance: Decimal = Decimal("0.00")
    merchant_id: str | None = None
    payment_handle: str | None = None
    iris_merchant_key: IrisMerchantKey | None = field(default=None, repr=False)
    """Signs Payouts notifications (``Iris-Signature``)."""
    payouts_notify_url: str | None = None
    """Where Payouts notifications go (the full URL, separate from ``notify_url``)."""
    multi_use_va: bool = False


@dataclass
class TokenRecord:
    """An issued B2B access token."""

    client_id: str
    expires_at: datetime


@dataclass
class ExternalIdRecord:
    """A successful answer under one ``X-EXTERNAL-ID`` (for conflicts and idempotent replay)."""

    path: str
    body_digest: str
    status: int
    body: bytes = field(repr=False)


@dataclass
class Refund:
    """A refund of a payment."""

    refund_no: str
    partner_refund_no: str
    amount: Decimal
    time: datetime
    reason: str | None = None
    external_id: str | None = None


@dataclass
class Payment:
    """A payment of any family (``va``, ``qris``, ``debit``, ``preauth``).

    ``status`` is the SNAP two-digit transaction status (``03`` pending, ``00`` success,
    ``01`` authorised, ``04`` refunded, ``05`` cancelled, ``06`` failed, ``08`` expired).
    ``data`` keeps the family's own request fields.
    """

    kind: str
    client_id: str
    reference_no: str
    partner_reference_no: str
    external_id: str
    amount: Decimal
    status: str
    created: datetime
    expires: datetime | None = None
    paid_time: datetime | None = None
    finished_time: datetime | None = None
    paid_amount: Decimal | None = None
    refunds: list[Refund] = field(default_factory=list)
    data: dict[str, Any] = field(default_factory=dict)

    @property
    def refunded(self) -> Decimal:
        """Total refunded so far."""
        return sum((r.amount for r in self.refunds), Decimal("0"))

    @property
    def refundable(self) -> Decimal:
        """What can still be refunded."""
        return (self.paid_amount or self.amount) - self.refunded


@dataclass
class Binding:
    """A GoPay account linking: the customer token and the wallet behind it."""

    client_id: str
    customer_token: str = field(repr=False)
    phone: str
    payment_handle: str
    status: str = "ENABLED"
    wallet_balance: Decimal = Decimal("1000000.00")
    paylater_balance: Decimal = Decimal("350000.00")
    option_tokens: dict[str, str] = field(default_factory=dict, repr=False)


class EmulatorState:
    """All state of one emulator. Not thread-safe by itself: hold the emulator's lock.

    Payments are indexed by merchant, by every identifier (``referenceNo``,
    ``partnerReferenceNo``, X-EXTERNAL-ID, VA number) and, for VAs, by pending VA number, so
    that lookups do not walk every stored payment. Store payments with :meth:`add_payment` and
    change their status with :meth:`set_status` to keep those indexes right.

    ``history_limit`` keeps only the last N settled payments (and, in the payouts family, the
    last N settled transfers) with their ledger records and X-EXTERNAL-ID answers, so a long
    load run stays in bounded memory; pending and authorised ones are never dropped. A dropped
    payment is unknown afterwards (status, refund and replay no longer find it). Default None:
    keep everything.
    """

    def __init__(self, history_limit: int | None = None) -> None:
        self.history_limit = history_limit
        self.settled_payments = SettledHistory(history_limit)
        self.settled_transfers = SettledHistory(history_limit)
        self.merchants: dict[str, Merchant] = {}
        self.tokens: dict[str, TokenRecord] = {}
        """Issued B2B tokens by :func:`secret_key` of the token."""
        self.external_ids: dict[tuple[str, date, str], ExternalIdRecord] = {}
        self._payments: dict[tuple[str, str], Payment] = {}
        self._by_client: dict[str, list[Payment]] = {}
        self._by_identifier: dict[str, list[Payment]] = {}
        self._pending_va: dict[tuple[str, str], list[Payment]] = {}
        self.bindings: dict[str, Binding] = {}
        """Account linkings by :func:`secret_key` of the customer token."""
        self.auth_codes: dict[str, dict[str, Any]] = {}
        """Unused get-auth-code grants by :func:`secret_key` of the code."""
        self.ledger = Ledger()
        self.families: dict[str, dict[str, Any]] = {}
        self._counter = itertools.count(1)

    @property
    def payments(self) -> Mapping[tuple[str, str], Payment]:
        """Every payment by ``(client_id, referenceNo)``, in creation order (read-only)."""
        return MappingProxyType(self._payments)

    def family(self, name: str) -> dict[str, Any]:
        """A free-form store for one endpoint family (e.g. payouts' transfers)."""
        return self.families.setdefault(name, {})

    def new_reference(self, prefix: str = "A1") -> str:
        """A fresh gateway ``referenceNo`` (unique within this emulator)."""
        return f"{prefix}{next(self._counter):08d}{secrets.token_hex(4).upper()}"

    def merchant_by_partner(self, partner_id: str) -> Merchant | None:
        """The merchant whose ``X-PARTNER-ID`` this is."""
        for merchant in self.merchants.values():
            if merchant.partner_id == partner_id:
                return merchant
        return None

    def add_payment(self, payment: Payment) -> Payment:
        """Store a new payment under its ``referenceNo`` and index it."""
        key = (payment.client_id, payment.reference_no)
        replaced = self._payments.get(key)
        if replaced is not None:
            self._unindex(replaced)
        self._payments[key] = payment
        self._by_client.setdefault(payment.client_id, []).append(payment)
        for value in _identifiers(payment):
            self._by_identifier.setdefault(value, []).append(payment)
        if payment.status == "03":
            self._mark_pending(payment)
        self._track_settled(payment)
        return payment

    def set_status(self, payment: Payment, status: str) -> None:
        """Change a stored payment's status (keeps the pending-VA index right)."""
        if payment.status == status:
            return
        if payment.status == "03":
            self._unmark_pending(payment)
        payment.status = status
        if status == "03":
            self._mark_pending(payment)
        self._track_settled(payment)

    def _track_settled(self, payment: Payment) -> None:
        key = (payment.client_id, payment.reference_no)
        if payment.status not in SETTLED_STATUSES:
            self.settled_payments.unsettled(key)
            return
        for old in self.settled_payments.settled(key, payment):
            self._forget_payment(old)

    def _forget_payment(self, payment: Payment) -> None:
        """Drop a settled payment beyond ``history_limit``, with its ledger record and
        X-EXTERNAL-ID answer."""
        key = (payment.client_id, payment.reference_no)
        if self._payments.get(key) is payment:
            del self._payments[key]
            self._unindex(payment)
        self.forget_history(
            payment.client_id, payment.reference_no, payment.external_id, payment.created
        )

    def forget_history(
        self, client_id: str, reference_no: str, external_id: str, created: datetime
    ) -> None:
        """Drop the ledger record and the stored X-EXTERNAL-ID answer of one transaction."""
        self.ledger.forget(client_id, reference_no)
        day = created.astimezone(JAKARTA).date()
        for offset in (-1, 0, 1):  # the answer is stored under the Jakarta day of the request
            self.external_ids.pop((client_id, day + timedelta(days=offset), external_id), None)

    def iter_payments(
        self, client_id: str | None = None, kind: str | None = None
    ) -> Iterator[Payment]:
        """Payments, optionally one merchant's and of one kind, in creation order."""
        source = (
            self._payments.values() if client_id is None else self._by_client.get(client_id, ())
        )
        for payment in source:
            if kind is None or payment.kind == kind:
                yield payment

    def payments_with(
        self, identifier: str, client_id: str | None = None, kind: str | None = None
    ) -> Iterator[Payment]:
        """Payments that have ``identifier`` as their ``referenceNo``, ``partnerReferenceNo``,
        X-EXTERNAL-ID or VA number (optionally one merchant's, of one kind), in creation order.
        """
        for payment in self._by_identifier.get(identifier, ()):
            if (client_id is None or payment.client_id == client_id) and (
                kind is None or payment.kind == kind
            ):
                yield payment

    def va_number_pending(self, client_id: str, va_no: str) -> bool:
        """Whether the merchant has a pending (status ``03``) VA with this number."""
        return any(p.status == "03" for p in self._pending_va.get((client_id, va_no), ()))

    def find_payment(
        self,
        client_id: str,
        kind: str | None = None,
        *,
        reference_no: str | None = None,
        partner_reference_no: str | None = None,
        external_id: str | None = None,
    ) -> Payment | None:
        """Look a payment up by the first identifier given, in SNAP priority order."""
        if reference_no:
            found = self._payments.get((client_id, reference_no))
            if found is not None and (kind is None or found.kind == kind):
                return found
            return None
        if partner_reference_no:
            for payment in self.payments_with(partner_reference_no, client_id, kind):
                if payment.partner_reference_no == partner_reference_no:
                    return payment
        elif external_id:
            for payment in self.payments_with(external_id, client_id, kind):
                if payment.external_id == external_id:
                    return payment
        return None

    def _pending_key(self, payment: Payment) -> tuple[str, str] | None:
        va_no = payment.data.get("virtualAccountNo")
        if payment.kind != "va" or not isinstance(va_no, str):
            return None
        return (payment.client_id, va_no)

    def _mark_pending(self, payment: Payment) -> None:
        key = self._pending_key(payment)
        if key is not None:
            self._pending_va.setdefault(key, []).append(payment)

    def _unmark_pending(self, payment: Payment) -> None:
        key = self._pending_key(payment)
        pending = self._pending_va.get(key) if key is not None else None
        if key is None or pending is None:
            return
        pending[:] = [p for p in pending if p is not payment]
        if not pending:
            del self._pending_va[key]

    def _unindex(self, payment: Payment) -> None:
        def drop(index: dict[Any, list[Payment]], key: object) -> None:
            listed = index.get(key)
            if listed is not None:
                listed[:] = [p for p in listed if p is not payment]
                if not listed:
                    del index[key]

        drop(self._by_client, payment.client_id)
        for value in _identifiers(payment):
            drop(self._by_identifier, value)
        if payment.status == "03":
            self._unmark_pending(payment)


def _identifiers(payment: Payment) -> set[str]:
    """Every value a payment can be looked up by."""
    values = {payment.reference_no, payment.partner_reference_no, payment.external_id}
    va_no = payment.data.get("virtualAccountNo")
    if isinstance(va_no, str):
        values.add(va_no)
    return values
