"""The emulator's in-memory state: merchants, tokens, payments, bindings, balances, ledger.

Everything here is plain data; :class:`~bisnap.emulator.core.Emulator` holds one
:class:`EmulatorState` and a lock around every use of it.
"""

from __future__ import annotations

import hashlib
import itertools
import secrets
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from bisnap.emulator.ledger import Ledger
from bisnap.keys import ClientSecret, PublicKey

__all__ = [
    "Binding",
    "EmulatorState",
    "ExternalIdRecord",
    "Merchant",
    "Payment",
    "Refund",
    "TokenRecord",
    "secret_key",
]


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
    """All state of one emulator. Not thread-safe by itself: hold the emulator's lock."""

    def __init__(self) -> None:
        self.merchants: dict[str, Merchant] = {}
        self.tokens: dict[str, TokenRecord] = {}
        """Issued B2B tokens by :func:`secret_key` of the token."""
        self.external_ids: dict[tuple[str, date, str], ExternalIdRecord] = {}
        self.payments: dict[tuple[str, str], Payment] = {}
        self.bindings: dict[str, Binding] = {}
        """Account linkings by :func:`secret_key` of the customer token."""
        self.auth_codes: dict[str, dict[str, Any]] = {}
        """Unused get-auth-code grants by :func:`secret_key` of the code."""
        self.ledger = Ledger()
        self.families: dict[str, dict[str, Any]] = {}
        self._counter = itertools.count(1)

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
        """Store a new payment under its ``referenceNo``."""
        self.payments[(payment.client_id, payment.reference_no)] = payment
        return payment

    def iter_payments(
        self, client_id: str | None = None, kind: str | None = None
    ) -> Iterator[Payment]:
        """Payments, optionally one merchant's and of one kind, in creation order."""
        for payment in self.payments.values():
            if (client_id is None or payment.client_id == client_id) and (
                kind is None or payment.kind == kind
            ):
                yield payment

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
            found = self.payments.get((client_id, reference_no))
            if found is not None and (kind is None or found.kind == kind):
                return found
            return None
        for payment in self.iter_payments(client_id, kind):
            if partner_reference_no and payment.partner_reference_no == partner_reference_no:
                return payment
            if not partner_reference_no and external_id and payment.external_id == external_id:
                return payment
        return None
