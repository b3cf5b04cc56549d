"""The payment state machine shared by the VA, QRIS, debit and pre-auth families.

A payment is pending (``03``) or authorised (``01``) until it is paid (``00``), fails
(``06``), expires (``08``), is cancelled or voided (``05``) or refunded (``04``); each move
records its times and a ledger event and runs the hook its family registered (notifications).
"""

from __future__ import annotations

import threading
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from bisnap.emulator.ledger import STATUS_BY_CODE
from bisnap.emulator.routes import RouteTable
from bisnap.emulator.simulation import SimulationError
from bisnap.emulator.state import Binding, EmulatorState, Payment
from bisnap.timestamps import Clock

if TYPE_CHECKING:
    from bisnap.emulator.core import Emulator

__all__ = ["FINAL_STATUSES", "Payments"]

FINAL_STATUSES = frozenset({"00", "04", "05", "06", "08", "09"})
"""Statuses a payment does not leave by itself."""
_OPEN_STATUSES = ("03", "01")


class Payments:
    """Moves, finds and settles payments (hold the emulator's lock while calling)."""

    def __init__(
        self,
        emulator: Emulator,
        *,
        state: EmulatorState,
        routes: RouteTable,
        clock: Clock,
        lock: threading.RLock,
    ) -> None:
        self.emulator = emulator
        self.state = state
        self.routes = routes
        self.clock = clock
        self.lock = lock

    def refresh(self, payment: Payment, now: datetime) -> Payment:
        """Expire a pending or authorised payment whose expiry has passed."""
        if (
            payment.status in _OPEN_STATUSES
            and payment.expires is not None
            and now >= payment.expires
        ):
            self.transition(payment, "08", now, event="expired")
        return payment

    def lookup(
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
        if status in FINAL_STATUSES and payment.finished_time is None:
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
            hook(self.emulator, payment, previous, now)

    def resolve(self, reference: str, kind: str | None, client_id: str | None) -> Payment:
        """The payment any of whose identifiers is ``reference``; SimulationError if none."""
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

    def settle(self, payment: Payment, amount: Decimal | None) -> Payment:
        """Pay a pending payment (``amount``: what was paid, default its total)."""
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

    def expire(self, reference: str, *, client_id: str | None = None) -> Payment:
        """Expire a pending (or authorised) payment of any kind now."""
        with self.lock:
            payment = self.resolve(reference, None, client_id)
            if payment.status not in _OPEN_STATUSES:
                raise SimulationError(f"payment {payment.reference_no} can no longer expire")
            self.transition(payment, "08", self.clock(), event="expired")
            return payment

    def fail(self, reference: str, *, client_id: str | None = None) -> Payment:
        """Fail a pending payment of any kind now (e.g. the customer's payment was declined)."""
        with self.lock:
            payment = self.resolve(reference, None, client_id)
            if payment.status != "03":
                raise SimulationError(f"payment {payment.reference_no} is not pending")
            self.transition(payment, "06", self.clock(), event="failed")
            return payment

    def find(self, reference: str, *, client_id: str | None = None) -> Payment:
        """A payment of any kind by any of its identifiers."""
        with self.lock:
            return self.resolve(reference, None, client_id)
