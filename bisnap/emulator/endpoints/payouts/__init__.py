"""Payouts (spec §5.7): balance (11), account inquiry (16), transfers (17, 18), VA inquiry and
payment (32, 33), transfer status (36), e-wallet inquiry and top-up (37, 38).

Money leaves the merchant's payouts balance (``Merchant.balance``) when a transfer is
accepted; each transfer opens a ``DISBURSEMENT`` ledger record (``PROCESSING``) that becomes
``COMPLETED`` once ``settle_after`` has passed on the emulator clock (looked at lazily, on
the next payouts or reporting call), or ``FAILED`` through :func:`fail_transfer` (the money
is returned). Beneficiaries must exist in the :class:`PayoutsBook` directory, which starts
with the ``SEED_*`` entries; add more with :func:`add_bank_account`,
:func:`add_virtual_account` and :func:`add_ewallet`.

Error answers follow the Payouts error mapping (spec §6.4): unknown source account
``400SS00``, amount below the minimum ``400SS02``, above the route maximum ``403SS02``,
dormant / closed account ``403SS09`` / ``403SS18``, insufficient balance ``403SS14``,
unknown account ``404SS11``, unknown payout ``404SS01``, ``partnerReferenceNo`` reused within
two months ``409SS01``. A repeated request with the same ``X-EXTERNAL-ID`` and body returns
the original answer (no second transfer); the ``X-EXTERNAL-ID`` must be numeric.

The parts: :mod:`~.seed` (banks and the starting directory), :mod:`~.state` (the typed
:class:`PayoutsBook`), :mod:`~.controls` (simulation controls), :mod:`~.notifications`
(Iris-signed Payouts notifications) and :mod:`~.handlers` (the endpoints).
"""

from bisnap.emulator.endpoints.payouts.controls import (
    add_bank_account,
    add_ewallet,
    add_source_account,
    add_virtual_account,
    fail_transfer,
    payouts_book,
    refresh_transfers,
    reverse_transfer,
    set_settle_after,
)
from bisnap.emulator.endpoints.payouts.handlers import register
from bisnap.emulator.endpoints.payouts.seed import (
    AGGREGATOR_ACCOUNT,
    BANK_NAMES,
    BI_FAST_BANKS,
    EWALLET_PROVIDERS,
    INTRABANK_BANKS,
    SEED_BANK_ACCOUNTS,
    SEED_EWALLETS,
    SEED_VIRTUAL_ACCOUNTS,
    VA_BANKS,
)
from bisnap.emulator.endpoints.payouts.state import (
    BankAccount,
    EwalletAccount,
    PayableVa,
    PayoutsBook,
    Transfer,
)

__all__ = [
    "AGGREGATOR_ACCOUNT",
    "BANK_NAMES",
    "BI_FAST_BANKS",
    "EWALLET_PROVIDERS",
    "INTRABANK_BANKS",
    "SEED_BANK_ACCOUNTS",
    "SEED_EWALLETS",
    "SEED_VIRTUAL_ACCOUNTS",
    "VA_BANKS",
    "BankAccount",
    "EwalletAccount",
    "PayableVa",
    "PayoutsBook",
    "Transfer",
    "add_bank_account",
    "add_ewallet",
    "add_source_account",
    "add_virtual_account",
    "fail_transfer",
    "payouts_book",
    "refresh_transfers",
    "register",
    "reverse_transfer",
    "set_settle_after",
]
