"""The ordering and idempotency rule for Payouts notifications, as pure functions.

Midtrans may deliver a Payouts notification more than once and out of order, and a
``completed`` payout can later become ``failed`` (the bank returned the money). So:

* :func:`delivery_key` names one delivery: the same notification delivered twice has the same
  key, a new status (or a new ``updated_at``) a new one. Use it to de-duplicate.
* :func:`moves_payout_forward` says whether a notification moves a payout forward from the
  status the merchant already holds, following the documented transitions only::

      approved  -> processed | completed | failed
      processed -> completed | failed
      completed -> failed            (a reversal: completed is not final)
      rejected, failed               final

  Anything else (the same status again, ``completed`` or ``failed`` back to ``processed``,
  ``failed`` back to ``completed``, an unknown status) is stale or unknown: record it, do not
  apply it, and confirm with Transfer Status Inquiry (service 36) when in doubt.
"""

from __future__ import annotations

import json

from bisnap.notifications.payouts_payloads import (
    PayoutNotification,
    PayoutsPayload,
    PayoutStatus,
    TopUpNotification,
)

__all__ = ["PAYOUT_TRANSITIONS", "delivery_key", "moves_payout_forward"]

PAYOUT_TRANSITIONS: dict[PayoutStatus, frozenset[PayoutStatus]] = {
    PayoutStatus.APPROVED: frozenset(
        {PayoutStatus.PROCESSED, PayoutStatus.COMPLETED, PayoutStatus.FAILED}
    ),
    PayoutStatus.PROCESSED: frozenset({PayoutStatus.COMPLETED, PayoutStatus.FAILED}),
    PayoutStatus.COMPLETED: frozenset({PayoutStatus.FAILED}),
    PayoutStatus.REJECTED: frozenset(),
    PayoutStatus.FAILED: frozenset(),
}
"""The documented moves: from a held status to the statuses a notification may bring."""


def _status(value: PayoutStatus | str, name: str) -> PayoutStatus:
    if isinstance(value, PayoutStatus):
        return value
    if isinstance(value, str):
        return PayoutStatus(value)
    raise TypeError(f"{name} is a PayoutStatus or str, not {type(value).__name__}")


def moves_payout_forward(held: PayoutStatus | str | None, incoming: PayoutStatus | str) -> bool:
    """True when a payout whose status the merchant holds as ``held`` should move to ``incoming``.

    ``held`` None means the merchant has no status yet: any known status is accepted. An
    unknown status on either side is never a move forward.
    """
    new = _status(incoming, "incoming")
    if not new.is_known:
        return False
    if held is None:
        return True
    return new in PAYOUT_TRANSITIONS.get(_status(held, "held"), frozenset())


def delivery_key(payload: PayoutsPayload) -> str:
    """A key naming one delivery: kind, reference, status and time, as a compact JSON array.

    A payout is keyed on ``reference_no``, ``status`` and ``updated_at``; a top-up on
    ``transaction_id``, ``status`` and ``transaction_time``. JSON keeps the parts apart
    whatever characters a reference holds.
    """
    parts: list[str]
    if isinstance(payload, PayoutNotification):
        parts = ["payout", payload.reference_no, payload.status.value, payload.updated_at]
    elif isinstance(payload, TopUpNotification):
        parts = ["topup", payload.transaction_id, payload.status, payload.transaction_time]
    else:
        raise TypeError(
            f"payload is a PayoutNotification or TopUpNotification, not {type(payload).__name__}"
        )
    return json.dumps(parts, separators=(",", ":"), ensure_ascii=False)
