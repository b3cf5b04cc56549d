"""The payouts family's typed state: the beneficiary directory and the transfers made.

One :class:`PayoutsBook` per emulator, kept with ``EmulatorState.part(PayoutsBook)``; hold the
emulator's lock while reading or changing it.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from bisnap.emulator.endpoints._common import iso
from bisnap.emulator.endpoints.payouts.seed import (
    AGGREGATOR_ACCOUNT,
    BI_FAST_BANKS,
    SEED_BANK_ACCOUNTS,
    SEED_EWALLETS,
    SEED_VIRTUAL_ACCOUNTS,
)
from bisnap.emulator.simulation import SimulationError
from bisnap.emulator.state import EmulatorState

__all__ = [
    "LEDGER_STATUS",
    "BankAccount",
    "EwalletAccount",
    "PayableVa",
    "PayoutsBook",
    "Transfer",
    "finish_transfer",
]

LEDGER_STATUS = {"00": "COMPLETED", "03": "PROCESSING", "06": "FAILED"}
"""The ledger status of a transfer in each SNAP status."""


@dataclass
class BankAccount:
    bank_code: str
    account_no: str
    name: str
    status: str = "active"


@dataclass
class PayableVa:
    bank_code: str
    virtual_account_no: str
    name: str
    amount: Decimal | None = None
    paid: bool = False


@dataclass
class EwalletAccount:
    provider: str
    customer_number: str
    name: str


@dataclass
class Transfer:
    """One payout (service code 17, 18, 33 or 38)."""

    client_id: str
    service_code: str
    reference_no: str
    partner_reference_no: str
    external_id: str
    amount: Decimal
    created: datetime
    source_account_no: str
    beneficiary_account_no: str
    beneficiary_bank_code: str | None = None
    status: str = "03"
    finished: datetime | None = None


def _seed_accounts() -> dict[tuple[str, str], BankAccount]:
    return {
        (bank, number): BankAccount(bank, number, name, status)
        for bank, number, name, status in SEED_BANK_ACCOUNTS
    }


def _seed_virtual_accounts() -> dict[str, PayableVa]:
    return {
        va_no: PayableVa(bank, va_no, name, Decimal(fixed) if fixed is not None else None)
        for bank, va_no, name, fixed in SEED_VIRTUAL_ACCOUNTS
    }


def _seed_ewallets() -> dict[tuple[str, str], EwalletAccount]:
    return {
        (provider, number): EwalletAccount(provider, number, name)
        for provider, number, name in SEED_EWALLETS
    }


@dataclass
class PayoutsBook:
    """The payouts family's state inside one emulator (starts with the ``SEED_*`` directory).

    ``transfers`` lists every payout in creation order; add them with :meth:`add` so that the
    lookups by ``partnerReferenceNo`` and of pending transfers need not walk them all.
    """

    accounts: dict[tuple[str, str], BankAccount] = field(default_factory=_seed_accounts)
    virtual_accounts: dict[str, PayableVa] = field(default_factory=_seed_virtual_accounts)
    ewallets: dict[tuple[str, str], EwalletAccount] = field(default_factory=_seed_ewallets)
    source_accounts: set[str] = field(default_factory=lambda: {AGGREGATOR_ACCOUNT})
    transfers: list[Transfer] = field(default_factory=list)
    inquiries: dict[str, str] = field(default_factory=dict)
    settle_after: timedelta = timedelta(0)
    bi_fast_banks: set[str] = field(default_factory=lambda: set(BI_FAST_BANKS))
    by_reference: dict[str, list[Transfer]] = field(default_factory=dict, repr=False)
    """Transfers by ``partnerReferenceNo``, in creation order."""
    pending: dict[str, list[Transfer]] = field(default_factory=dict, repr=False)
    """Each merchant's transfers still in status ``03``, in creation order."""

    def add(self, transfer: Transfer) -> Transfer:
        """Record a new transfer."""
        self.transfers.append(transfer)
        self.by_reference.setdefault(transfer.partner_reference_no, []).append(transfer)
        if transfer.status == "03":
            self.pending.setdefault(transfer.client_id, []).append(transfer)
        return transfer

    def forget(self, transfer: Transfer) -> None:
        """Drop a settled transfer (beyond the emulator's ``history_limit``)."""
        self.transfers.remove(transfer)
        same = self.by_reference.get(transfer.partner_reference_no, [])
        same[:] = [t for t in same if t is not transfer]
        if not same:
            self.by_reference.pop(transfer.partner_reference_no, None)

    def find(self, partner_reference_no: str, client_id: str | None = None) -> Transfer:
        """The latest transfer with ``partner_reference_no`` (of ``client_id`` when given)."""
        for transfer in reversed(self.by_reference.get(partner_reference_no, [])):
            if client_id is None or transfer.client_id == client_id:
                return transfer
        raise SimulationError(f"no transfer with partnerReferenceNo {partner_reference_no!r}")

    def recent(
        self, client_id: str, partner_reference_no: str, now: datetime
    ) -> Iterator[Transfer]:
        """The merchant's transfers with ``partner_reference_no`` of the last two months."""
        since = _two_months_before(now)
        for transfer in self.by_reference.get(partner_reference_no, ()):
            if transfer.client_id == client_id and transfer.created >= since:
                yield transfer

    def due(self, client_id: str, now: datetime) -> list[Transfer]:
        """The merchant's pending transfers whose settle time has passed."""
        return [
            transfer
            for transfer in self.pending.get(client_id, ())
            if transfer.status == "03" and now >= transfer.created + self.settle_after
        ]


def _two_months_before(now: datetime) -> datetime:
    """The same day two calendar months earlier (the last day of a shorter month)."""
    year, month = divmod(now.year * 12 + now.month - 1 - 2, 12)
    day = min(now.day, calendar.monthrange(year, month + 1)[1])
    return now.replace(year=year, month=month + 1, day=day)


def finish_transfer(
    book: PayoutsBook,
    state: EmulatorState,
    transfer: Transfer,
    status: str,
    now: datetime,
    *,
    kind: str | None = None,
) -> None:
    """Move a pending or completed ``transfer`` to ``status`` ``00`` or ``06`` and record it.

    A transfer that was pending counts as settled now: beyond the emulator's
    ``history_limit`` the oldest settled ones are forgotten.
    """
    ledger = state.ledger
    was_pending = transfer.status == "03"
    pending = book.pending.get(transfer.client_id)
    if was_pending and pending is not None:
        pending[:] = [t for t in pending if t is not transfer]
    transfer.status = status
    transfer.finished = now
    kind = kind or ("completed" if status == "00" else "failed")
    ledger.event(
        transfer.client_id,
        transfer.reference_no,
        kind=kind,
        time=now,
        status=LEDGER_STATUS[status],
    )
    record = ledger.get(transfer.client_id, transfer.reference_no)
    if record is not None:
        details = record.details.setdefault("disbursement", {})
        details["completedTime" if status == "00" else "failedTime"] = iso(now)
    if not was_pending:
        return
    for old in state.settled_transfers.settled(
        (transfer.client_id, transfer.reference_no), transfer
    ):
        book.forget(old)
        state.forget_history(old.client_id, old.reference_no, old.external_id, old.created)
