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
    add_bank_account as add_bank_account,
)
from bisnap.emulator.endpoints.payouts.controls import (
    add_ewallet as add_ewallet,
)
from bisnap.emulator.endpoints.payouts.controls import (
    add_source_account as add_source_account,
)
from bisnap.emulator.endpoints.payouts.controls import (
    add_virtual_account as add_virtual_account,
)
from bisnap.emulator.endpoints.payouts.controls import (
    fail_transfer as fail_transfer,
)
from bisnap.emulator.endpoints.payouts.controls import (
    payouts_book as payouts_book,
)
from bisnap.emulator.endpoints.payouts.controls import (
    refresh_transfers as refresh_transfers,
)
from bisnap.emulator.endpoints.payouts.controls import (
    reverse_transfer as reverse_transfer,
)
from bisnap.emulator.endpoints.payouts.controls import (
    set_settle_after as set_settle_after,
)
from bisnap.emulator.endpoints.payouts.handlers import register as register
from bisnap.emulator.endpoints.payouts.seed import (
    AGGREGATOR_ACCOUNT as AGGREGATOR_ACCOUNT,
)
from bisnap.emulator.endpoints.payouts.seed import (
    BANK_NAMES as BANK_NAMES,
)
from bisnap.emulator.endpoints.payouts.seed import (
    BI_FAST_BANKS as BI_FAST_BANKS,
)
from bisnap.emulator.endpoints.payouts.seed import (
    EWALLET_PROVIDERS as EWALLET_PROVIDERS,
)
from bisnap.emulator.endpoints.payouts.seed import (
    INTRABANK_BANKS as INTRABANK_BANKS,
)
from bisnap.emulator.endpoints.payouts.seed import (
    SEED_BANK_ACCOUNTS as SEED_BANK_ACCOUNTS,
)
from bisnap.emulator.endpoints.payouts.seed import (
    SEED_EWALLETS as SEED_EWALLETS,
)
from bisnap.emulator.endpoints.payouts.seed import (
    SEED_VIRTUAL_ACCOUNTS as SEED_VIRTUAL_ACCOUNTS,
)
from bisnap.emulator.endpoints.payouts.seed import (
    VA_BANKS as VA_BANKS,
)
from bisnap.emulator.endpoints.payouts.state import (
    BankAccount as BankAccount,
)
from bisnap.emulator.endpoints.payouts.state import (
    EwalletAccount as EwalletAccount,
)
from bisnap.emulator.endpoints.payouts.state import (
    PayableVa as PayableVa,
)
from bisnap.emulator.endpoints.payouts.state import (
    PayoutsBook as PayoutsBook,
)
from bisnap.emulator.endpoints.payouts.state import (
    Transfer as Transfer,
)
