"""The emulator's transaction ledger: every money movement, with its current status and history.

One :class:`LedgerRecord` per transaction (a payment, a refund is an event on its payment, a
payout, a top-up), keyed by the gateway's ``referenceNo``. Endpoint families open records and
append events; the reporting endpoints read them. Record ``type`` and ``status`` use the
Midtrans transaction-history vocabulary (``PAYMENT``/``TOP_UP``/``WITHDRAWAL``/``DISBURSEMENT``;
``PENDING``, ``SETTLEMENT``, ``REFUND``, ``CANCELLED``, ``EXPIRED``, ``FAILED``, ``AUTHORIZE``,
``REQUESTED``, ``COMPLETED`` …). Callers hold the emulator lock while they use the ledger.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

__all__ = ["BI_SNAP_TYPES", "STATUS_BY_CODE", "Ledger", "LedgerEvent", "LedgerRecord"]

STATUS_BY_CODE: Mapping[str, str] = {
    "00": "SETTLEMENT",
    "01": "AUTHORIZE",
    "03": "PENDING",
    "04": "REFUND",
    "05": "CANCELLED",
    "06": "FAILED",
    "08": "EXPIRED",
    "09": "DENIED",
}
"""Midtrans history status for each SNAP ``latestTransactionStatus`` of a payment."""

BI_SNAP_TYPES: Mapping[str, str] = {
    "PAYMENT": "PAYMENT",
    "TOP_UP": "TOP_UP",
    "WITHDRAWAL": "RECEIVE_MONEY",
    "DISBURSEMENT": "SEND_MONEY",
}
"""BI-SNAP ``type`` for each Midtrans ``additionalInfo.type``."""


@dataclass(frozen=True)
class LedgerEvent:
    """One thing that happened to a transaction (``created``, ``paid``, ``refunded`` …)."""

    seq: int
    time: datetime
    kind: str
    status: str
    amount: Decimal | None = None
    data: Mapping[str, Any] = field(default_factory=dict)


@dataclass
class LedgerRecord:
    """A transaction as transaction-history sees it; ``events`` is its full history."""

    client_id: str
    reference_no: str
    partner_reference_no: str
    external_id: str
    type: str
    channel: str
    status: str
    amount: Decimal
    created: datetime
    updated: datetime
    currency: str = "IDR"
    fee: Decimal = Decimal("0.00")
    remark: str | None = None
    customer_email: str | None = None
    account_no: str | None = None
    details: dict[str, Any] = field(default_factory=dict)
    events: list[LedgerEvent] = field(default_factory=list)

    @property
    def bi_snap_type(self) -> str:
        """The BI-SNAP ``type`` (``SEND_MONEY`` for a disbursement, …)."""
        return BI_SNAP_TYPES.get(self.type, self.type)

    @property
    def refunded(self) -> Decimal:
        """Total amount of the ``refunded`` events."""
        return sum(
            (e.amount for e in self.events if e.kind == "refunded" and e.amount is not None),
            Decimal("0"),
        )


class Ledger:
    """Append-only history of every transaction, per merchant (``client_id``)."""

    def __init__(self) -> None:
        self._records: dict[tuple[str, str], LedgerRecord] = {}  # in the order opened
        self._seq = itertools.count(1)

    def open(
        self,
        *,
        client_id: str,
        reference_no: str,
        partner_reference_no: str,
        external_id: str,
        type: str,
        channel: str,
        status: str,
        amount: Decimal,
        time: datetime,
        **extra: Any,
    ) -> LedgerRecord:
        """Open a transaction record (its first event is ``created``)."""
        key = (client_id, reference_no)
        if key in self._records:
            raise ValueError(f"ledger already has a transaction {reference_no!r}")
        record = LedgerRecord(
            client_id=client_id,
            reference_no=reference_no,
            partner_reference_no=partner_reference_no,
            external_id=external_id,
            type=type,
            channel=channel,
            status=status,
            amount=amount,
            created=time,
            updated=time,
            **extra,
        )
        record.events.append(LedgerEvent(next(self._seq), time, "created", status, amount))
        self._records[key] = record
        return record

    def event(
        self,
        client_id: str,
        reference_no: str,
        *,
        kind: str,
        time: datetime,
        status: str | None = None,
        amount: Decimal | None = None,
        **data: Any,
    ) -> LedgerRecord:
        """Append an event; ``status`` (when given) becomes the record's current status."""
        record = self._records[(client_id, reference_no)]
        if status is not None:
            record.status = status
        record.updated = time
        record.events.append(
            LedgerEvent(next(self._seq), time, kind, record.status, amount, dict(data))
        )
        return record

    def get(self, client_id: str, reference_no: str) -> LedgerRecord | None:
        """The record with this ``referenceNo``, or None."""
        return self._records.get((client_id, reference_no))

    def forget(self, client_id: str, reference_no: str) -> None:
        """Drop a record (the emulator's bounded history); unknown ones are ignored."""
        self._records.pop((client_id, reference_no), None)

    def records(self, client_id: str | None = None) -> list[LedgerRecord]:
        """Records in the order they were opened (one merchant's, or everyone's)."""
        return [r for r in self._records.values() if client_id is None or r.client_id == client_id]

    def events(self, client_id: str | None = None) -> list[LedgerEvent]:
        """Every event, in the order it happened."""
        found = [e for r in self.records(client_id) for e in r.events]
        return sorted(found, key=lambda e: e.seq)
