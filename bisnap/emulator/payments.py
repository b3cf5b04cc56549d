"""The payment state machine shared by the VA, QRIS, debit and pre-auth families.

A payment is pending (``03``) or authorised (``01``) until it is paid (``00``), fails
(``06``), expires (``08``), is cancelled or voided (``05``) or refunded (``04``); each move
records its times and a ledger event and runs the hook its family registered (notifications).
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from bisnap.emulator.admission import decimal_amount
from bisnap.emulator.ledger import STATUS_BY_CODE
from bisnap.emulator.simulation import SimulationError
from bisnap.emulator.state import SETTLED_STATUSES, Binding, EmulatorState, Payment

if TYPE_CHECKING:
    from bisnap.emulator.core import Emulator

__all__ = ["Payments"]

_OPEN_STATUSES = ("03", "01")


class Payments:
    """Moves, finds and settles payments (hold the emulator's lock while calling)."""

    def __init__(self, emulator: Emulator) -> None:
        self.emulator = emulator
        self.state: EmulatorState = emulator.state

    def refresh(self, payment: Payment, now: datetime) -> Payment:
        """Expire a pending or authorised payment whose expiry has passed."""
        if (
            payment.status in _OPEN_STATUSES
            and payment.expires is not None
            and now >= payment.expires
        ):
            self.transition(payment, "08", now, event="expired")
        return payment

    def transition(
        self,
        payment: Payment,
        status: str,
        now: datetime,
        event: str,
        amount: Decimal | None = None,
        **data: Any,
    ) -> None:
        """Move ``payment`` to ``status``: record times and a ledger event, run the kind's hook."""
        previous = payment.status
        self.state.set_status(payment, status)
        if status == "00" and payment.paid_time is None:
            payment.paid_time = now
        if status in SETTLED_STATUSES and payment.finished_time is None:
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
        hook = self.emulator.routes.payment_hooks.get(payment.kind)
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
                return self.refresh(payment, self.emulator.clock())
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
                self.transition(
                    payment, "06", self.emulator.clock(), event="failed", reason="insufficient"
                )
                raise SimulationError("the customer's balance is insufficient")
            if pay_later:
                binding.paylater_balance -= paid
            else:
                binding.wallet_balance -= paid
        payment.paid_amount = paid
        self.transition(payment, "00", self.emulator.clock(), event="paid", amount=paid)
        return payment

    def pay(
        self, kind: str, reference: str, amount: object | None, client_id: str | None
    ) -> Payment:
        """Pay the pending ``kind`` payment ``reference`` names, the family's way."""
        with self.emulator.lock:
            payment = self.resolve(reference, kind, client_id)
            paid = None if amount is None else decimal_amount(amount, "amount")
            payer = self.emulator.routes.payers.get(kind)
            return payer(self.emulator, payment, paid) if payer else self.settle(payment, paid)

    def settle_exact(self, payment: Payment, paid: Decimal | None, what: str) -> Payment:
        """Settle a closed-amount payment: ``paid``, when given, must be its total."""
        if paid is not None and paid != payment.amount:
            raise SimulationError(f"{what} exactly {payment.amount:.2f}, not {paid:.2f}")
        return self.settle(payment, None)

    def expire(self, reference: str, *, client_id: str | None = None) -> Payment:
        """Expire a pending (or authorised) payment of any kind now."""
        with self.emulator.lock:
            payment = self.resolve(reference, None, client_id)
            if payment.status not in _OPEN_STATUSES:
                raise SimulationError(f"payment {payment.reference_no} can no longer expire")
            self.transition(payment, "08", self.emulator.clock(), event="expired")
            return payment

    def fail(self, reference: str, *, client_id: str | None = None) -> Payment:
        """Fail a pending payment of any kind now (e.g. the customer's payment was declined)."""
        with self.emulator.lock:
            payment = self.resolve(reference, None, client_id)
            if payment.status != "03":
                raise SimulationError(f"payment {payment.reference_no} is not pending")
            self.transition(payment, "06", self.emulator.clock(), event="failed")
            return payment

    def find(self, reference: str, *, client_id: str | None = None) -> Payment:
        """A payment of any kind by any of its identifiers."""
        with self.emulator.lock:
            return self.resolve(reference, None, client_id)
