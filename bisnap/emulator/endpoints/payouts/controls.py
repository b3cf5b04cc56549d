"""Simulation controls of the payouts family: the beneficiary directory, settling, failures.

Each takes the :class:`~bisnap.emulator.core.Emulator` and holds its lock.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from bisnap.emulator.endpoints.payouts.notifications import notify_transfer
from bisnap.emulator.endpoints.payouts.state import (
    BankAccount,
    EwalletAccount,
    PayableVa,
    PayoutsBook,
    Transfer,
    finish_transfer,
)
from bisnap.emulator.simulation import SimulationError

if TYPE_CHECKING:
    from bisnap.emulator.core import Emulator

__all__ = [
    "add_bank_account",
    "add_ewallet",
    "add_source_account",
    "add_virtual_account",
    "fail_transfer",
    "payouts_book",
    "refresh_transfers",
    "reverse_transfer",
    "set_settle_after",
]


def payouts_book(emulator: Emulator) -> PayoutsBook:
    """The payouts state of ``emulator`` (hold ``emulator.lock`` while changing it)."""
    with emulator.lock:
        return emulator.state.part(PayoutsBook)


def add_bank_account(
    emulator: Emulator, bank_code: str, account_no: str, name: str, *, status: str = "active"
) -> BankAccount:
    """Make a beneficiary bank account known (``status``: active, dormant or closed)."""
    if status not in ("active", "dormant", "closed"):
        raise SimulationError("status is active, dormant or closed")
    account = BankAccount(bank_code[:3], account_no, name, status)
    with emulator.lock:
        payouts_book(emulator).accounts[(account.bank_code, account_no)] = account
    return account


def add_virtual_account(
    emulator: Emulator,
    bank_code: str,
    virtual_account_no: str,
    name: str,
    amount: Decimal | str | None = None,
) -> PayableVa:
    """Make a VA payable from payouts (``amount``: a fixed bill, None: any amount)."""
    fixed = None if amount is None else Decimal(amount).quantize(Decimal("0.01"))
    va = PayableVa(bank_code[:3], virtual_account_no, name, fixed)
    with emulator.lock:
        payouts_book(emulator).virtual_accounts[virtual_account_no] = va
    return va


def add_ewallet(emulator: Emulator, provider: str, customer_number: str, name: str) -> None:
    """Make an e-wallet account known for inquiry and top-up."""
    with emulator.lock:
        payouts_book(emulator).ewallets[(provider.lower(), customer_number)] = EwalletAccount(
            provider.lower(), customer_number, name
        )


def add_source_account(emulator: Emulator, account_no: str) -> None:
    """Register a facilitator source account id (``0000000000`` is always accepted)."""
    with emulator.lock:
        payouts_book(emulator).source_accounts.add(account_no)


def set_settle_after(emulator: Emulator, seconds: float) -> None:
    """How long (emulator clock) a transfer stays pending before it completes."""
    with emulator.lock:
        payouts_book(emulator).settle_after = timedelta(seconds=seconds)


def refresh_transfers(emulator: Emulator, client_id: str, now: datetime) -> None:
    """Complete the pending transfers whose settle time has passed (emulator lock held)."""
    book = emulator.state.part(PayoutsBook)
    for transfer in book.due(client_id, now):
        finish_transfer(book, emulator.state, transfer, "00", now)
        notify_transfer(emulator, transfer, "completed", now)


def fail_transfer(
    emulator: Emulator,
    partner_reference_no: str,
    *,
    client_id: str | None = None,
    error_code: str = "004",
) -> Transfer:
    """Fail a pending transfer now and return its amount to the merchant's balance.

    The Payouts notification carries ``error_code`` (default ``004``, general error).
    """
    return _return_money(emulator, partner_reference_no, client_id, error_code, reverse=False)


def reverse_transfer(
    emulator: Emulator,
    partner_reference_no: str,
    *,
    client_id: str | None = None,
    error_code: str = "004",
) -> Transfer:
    """Turn a completed transfer into a failed one (the bank returned the money).

    The amount goes back to the merchant's balance and a ``failed`` Payouts notification with
    ``error_code`` is sent: ``completed`` is not final.
    """
    return _return_money(emulator, partner_reference_no, client_id, error_code, reverse=True)


def _return_money(
    emulator: Emulator,
    partner_reference_no: str,
    client_id: str | None,
    error_code: str,
    *,
    reverse: bool,
) -> Transfer:
    with emulator.lock:
        book = payouts_book(emulator)
        transfer = book.find(partner_reference_no, client_id)
        if reverse:
            refresh_transfers(emulator, transfer.client_id, emulator.clock())
        if transfer.status != ("00" if reverse else "03"):
            what = "completed" if reverse else "pending"
            raise SimulationError(f"transfer {partner_reference_no} is not {what}")
        now = emulator.clock()
        kind = "reversed" if reverse else "failed"
        finish_transfer(book, emulator.state, transfer, "06", now, kind=kind)
        emulator.merchant(transfer.client_id).balance += transfer.amount
        notify_transfer(emulator, transfer, "failed", now, error_code)
        return transfer
