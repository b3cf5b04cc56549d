"""Payouts (spec §5.7): balance (11), account inquiry (16), transfers (17, 18), VA inquiry and
payment (32, 33), transfer status (36), e-wallet inquiry and top-up (37, 38).

Money leaves the merchant's payouts balance (``Merchant.balance``) when a transfer is
accepted; each transfer opens a ``DISBURSEMENT`` ledger record (``PROCESSING``) that becomes
``COMPLETED`` once ``settle_after`` has passed on the emulator clock (looked at lazily, on
the next payouts or reporting call), or ``FAILED`` through :func:`fail_transfer` (the money
is returned). Beneficiaries must exist in the :class:`PayoutsBook` directory, which starts
with the ``SEED_*`` entries below; add more with :func:`add_bank_account`,
:func:`add_virtual_account` and :func:`add_ewallet`.

Error answers follow the Payouts error mapping (spec §6.4): unknown source account
``400SS00``, amount below the minimum ``400SS02``, above the route maximum ``403SS02``,
dormant / closed account ``403SS09`` / ``403SS18``, insufficient balance ``403SS14``,
unknown account ``404SS11``, unknown payout ``404SS01``, ``partnerReferenceNo`` reused within
two months ``409SS01``. A repeated request with the same ``X-EXTERNAL-ID`` and body returns
the original answer (no second transfer).
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from bisnap.emulator.endpoints._common import iso
from bisnap.emulator.payouts_notify import payout_notification_body, send_payouts_notification
from bisnap.emulator.responses import SnapFailure, money
from bisnap.emulator.routes import Call, Endpoint, Fields, RouteTable

if TYPE_CHECKING:
    from bisnap.emulator.core import Emulator
    from bisnap.emulator.state import EmulatorState

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

AGGREGATOR_ACCOUNT = "0000000000"
BANK_NAMES: dict[str, str] = {
    "002": "PT. BANK RAKYAT INDONESIA (PERSERO) TBK.",
    "008": "PT. BANK MANDIRI (PERSERO) TBK.",
    "009": "PT. BANK NEGARA INDONESIA (PERSERO) TBK.",
    "011": "PT. BANK DANAMON INDONESIA TBK.",
    "013": "PT. BANK PERMATA TBK.",
    "014": "PT. BANK CENTRAL ASIA TBK.",
    "022": "PT. BANK CIMB NIAGA TBK.",
    "542": "PT. BANK JAGO TBK.",
    "200": "PT. BANK TABUNGAN NEGARA (PERSERO) TBK.",
    "426": "PT. BANK MEGA TBK.",
    "451": "PT. BANK SYARIAH INDONESIA TBK.",
}
"""Banks the emulator knows, by 3-digit BI bank code."""
INTRABANK_BANKS = frozenset({"014", "002", "009", "008", "022", "011", "013", "542"})
BI_FAST_BANKS = frozenset({"200", "426", "451"})
"""The emulator's interbank banks that take BI Fast (up to 250.000.000 a transfer); any other
interbank bank goes the Online Transfer route (up to 50.000.000). Change a book's
``bi_fast_banks`` to simulate a bank without BI Fast."""
VA_BANKS = frozenset({"013", "022", "002"})
"""Permata, CIMB, BRI: the banks "Payment to VA from Intra Bank" serves."""
EWALLET_PROVIDERS = ("gopay",)
"""The e-money provider list is GoPay alone (addendum B)."""
"""The e-money provider list was not captured (spec §10 item 23); these stand in for it."""

SEED_BANK_ACCOUNTS: tuple[tuple[str, str, str, str], ...] = (
    ("014", "1234567890", "BUDI SANTOSO", "active"),
    ("008", "1122334455", "SITI AMINAH", "active"),
    ("022", "8001234567", "ANDI WIJAYA", "active"),
    ("451", "7001234567", "DEWI LESTARI", "active"),
    ("426", "0102030405", "RINA MARLINA", "active"),
    ("014", "9999999909", "DORMANT ACCOUNT", "dormant"),
    ("014", "9999999918", "CLOSED ACCOUNT", "closed"),
)
"""``(bank code, account number, name, status)`` present in every new emulator."""
SEED_VIRTUAL_ACCOUNTS: tuple[tuple[str, str, str, str | None], ...] = (
    ("013", "8528123456789012", "TOKO MAJU JAYA", "150000.00"),
    ("002", "1234500001112222", "PLN PREPAID", None),
)
"""``(bank code, VA number, name, fixed amount or None)``."""
SEED_EWALLETS: tuple[tuple[str, str, str], ...] = (("gopay", "081234567890", "JOKO WIDODO"),)
"""``(provider, customer number, name)``."""

_NUMERIC = re.compile(r"[0-9]{1,36}")
_DIGITS = re.compile(r"\d+")
_BANK_CODE = re.compile(r"\d{3,8}")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_NOTES = re.compile(r"[A-Za-z0-9 _]+")
_MIN = Decimal("1.00")
_MIN_CIMB = Decimal("10000.00")
_MAX_INTRABANK = Decimal("9999999999.00")
_MAX_BI_FAST = Decimal("250000000.00")
_MAX_ONLINE = Decimal("50000000.00")
_STATUS_TEXT = {"00": "Success", "03": "Pending", "06": "Failed"}
_LEDGER_STATUS = {"00": "COMPLETED", "03": "PROCESSING", "06": "FAILED"}


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


@dataclass
class PayoutsBook:
    """The payouts family's state inside one emulator.

    ``transfers`` lists every payout in creation order; add them with :meth:`add` so that the
    lookups by ``partnerReferenceNo`` and of pending transfers need not walk them all.
    """

    accounts: dict[tuple[str, str], BankAccount] = field(default_factory=dict)
    virtual_accounts: dict[str, PayableVa] = field(default_factory=dict)
    ewallets: dict[tuple[str, str], EwalletAccount] = field(default_factory=dict)
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


def _book(state_family: dict[str, Any]) -> PayoutsBook:
    book = state_family.get("book")
    if not isinstance(book, PayoutsBook):
        book = PayoutsBook()
        for bank, number, name, status in SEED_BANK_ACCOUNTS:
            book.accounts[(bank, number)] = BankAccount(bank, number, name, status)
        for bank, va_no, name, fixed in SEED_VIRTUAL_ACCOUNTS:
            amount = Decimal(fixed) if fixed is not None else None
            book.virtual_accounts[va_no] = PayableVa(bank, va_no, name, amount)
        for provider, number, name in SEED_EWALLETS:
            book.ewallets[(provider, number)] = EwalletAccount(provider, number, name)
        state_family["book"] = book
    return book


def payouts_book(emulator: Emulator) -> PayoutsBook:
    """The payouts state of ``emulator`` (hold ``emulator.lock`` while changing it)."""
    with emulator.lock:
        return _book(emulator.state.family("payouts"))


def add_bank_account(
    emulator: Emulator, bank_code: str, account_no: str, name: str, *, status: str = "active"
) -> BankAccount:
    """Make a beneficiary bank account known (``status``: active, dormant or closed)."""
    if status not in ("active", "dormant", "closed"):
        from bisnap.emulator.core import SimulationError

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


def _finish(
    book: PayoutsBook, state: EmulatorState, transfer: Transfer, status: str, now: datetime
) -> None:
    ledger = state.ledger
    pending = book.pending.get(transfer.client_id)
    if transfer.status == "03" and pending is not None:
        pending[:] = [t for t in pending if t is not transfer]
    transfer.status = status
    transfer.finished = now
    kind = "completed" if status == "00" else "failed"
    ledger.event(
        transfer.client_id,
        transfer.reference_no,
        kind=kind,
        time=now,
        status=_LEDGER_STATUS[status],
    )
    record = ledger.get(transfer.client_id, transfer.reference_no)
    if record is not None:
        details = record.details.setdefault("disbursement", {})
        details["completedTime" if status == "00" else "failedTime"] = iso(now)
    for old in state.settled_transfers.settled(
        (transfer.client_id, transfer.reference_no), transfer
    ):
        book.forget(old)
        state.forget_history(old.client_id, old.reference_no, old.external_id, old.created)


def _notify(
    emulator: Emulator,
    transfer: Transfer,
    status: str,
    now: datetime,
    error_code: str | None = None,
) -> None:
    """Send the Payouts notification for a transfer's move (when the merchant has a URL)."""
    body = payout_notification_body(
        reference_no=transfer.reference_no,
        partner_reference_no=transfer.partner_reference_no,
        amount=transfer.amount,
        status=status,
        now=now,
        error_code=error_code,
    )
    send_payouts_notification(emulator, transfer.client_id, body)


def refresh_transfers(emulator: Emulator, client_id: str, now: datetime) -> None:
    """Complete the pending transfers whose settle time has passed (emulator lock held)."""
    book = _book(emulator.state.family("payouts"))
    due = [
        transfer
        for transfer in book.pending.get(client_id, ())
        if transfer.status == "03" and now >= transfer.created + book.settle_after
    ]
    for transfer in due:
        _finish(book, emulator.state, transfer, "00", now)
        _notify(emulator, transfer, "completed", now)


def _find_transfer(book: PayoutsBook, partner_reference_no: str, client_id: str | None) -> Transfer:
    from bisnap.emulator.core import SimulationError

    for transfer in reversed(book.by_reference.get(partner_reference_no, [])):
        if transfer.partner_reference_no == partner_reference_no and (
            client_id is None or transfer.client_id == client_id
        ):
            return transfer
    raise SimulationError(f"no transfer with partnerReferenceNo {partner_reference_no!r}")


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
    from bisnap.emulator.core import SimulationError

    with emulator.lock:
        book = payouts_book(emulator)
        transfer = _find_transfer(book, partner_reference_no, client_id)
        if transfer.status != "03":
            raise SimulationError(f"transfer {partner_reference_no} is not pending")
        now = emulator.clock()
        _finish(book, emulator.state, transfer, "06", now)
        emulator.merchant(transfer.client_id).balance += transfer.amount
        _notify(emulator, transfer, "failed", now, error_code)
        return transfer


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
    from bisnap.emulator.core import SimulationError

    with emulator.lock:
        book = payouts_book(emulator)
        transfer = _find_transfer(book, partner_reference_no, client_id)
        refresh_transfers(emulator, transfer.client_id, emulator.clock())
        if transfer.status != "00":
            raise SimulationError(f"transfer {partner_reference_no} is not completed")
        now = emulator.clock()
        transfer.status = "06"
        transfer.finished = now
        emulator.state.ledger.event(
            transfer.client_id,
            transfer.reference_no,
            kind="reversed",
            time=now,
            status=_LEDGER_STATUS["06"],
        )
        record = emulator.state.ledger.get(transfer.client_id, transfer.reference_no)
        if record is not None:
            record.details.setdefault("disbursement", {})["failedTime"] = iso(now)
        emulator.merchant(transfer.client_id).balance += transfer.amount
        _notify(emulator, transfer, "failed", now, error_code)
        return transfer


# --- request helpers ---------------------------------------------------------------------------


def _prepare(call: Call) -> PayoutsBook:
    """Rules every payouts call shares: numeric X-EXTERNAL-ID; settle due transfers."""
    if not _NUMERIC.fullmatch(call.external_id):
        raise SnapFailure.bad_format("X-EXTERNAL-ID")
    book = _book(call.state.family("payouts"))
    refresh_transfers(call.emulator, call.client_id, call.now)
    return book


def _two_months_before(now: datetime) -> datetime:
    """The same day two calendar months earlier (the last day of a shorter month)."""
    year, month = divmod(now.year * 12 + now.month - 1 - 2, 12)
    day = min(now.day, calendar.monthrange(year, month + 1)[1])
    return now.replace(year=year, month=month + 1, day=day)


def _recent(book: PayoutsBook, call: Call, partner_reference_no: str) -> Iterable[Transfer]:
    since = _two_months_before(call.now)
    return (
        t
        for t in book.by_reference.get(partner_reference_no, ())
        if t.client_id == call.client_id
        and t.partner_reference_no == partner_reference_no
        and t.created >= since
    )


def _source(book: PayoutsBook, f: Fields, key: str = "sourceAccountNo") -> str:
    account = f.need_text(key, max_len=19 if key == "sourceAccountNo" else 32)
    if account not in book.source_accounts:
        raise SnapFailure.bad_request("Facilitator bank account not available")
    return account


def _bank_code(f: Fields, key: str, *, allowed: Iterable[str] | None = None) -> str:
    code = f.need_text(key, max_len=8, pattern=_BANK_CODE)[:3]
    if code not in BANK_NAMES or (allowed is not None and code not in allowed):
        raise SnapFailure.bad_request("Beneficiary bank is not included in the list")
    return code


def _check_amount(value: Decimal, minimum: Decimal, maximum: Decimal) -> None:
    if value < minimum:
        raise SnapFailure(400, "02", f"Amount must be greater than or equal to {minimum:.0f}")
    if value > maximum:
        raise SnapFailure(403, "02", "Exceeds Transaction Amount Limit")


def _email(f: Fields, key: str) -> str | None:
    value = f.text(key, required=False, max_len=50)
    if value is not None and not _EMAIL.fullmatch(value):
        raise SnapFailure.bad_format(f.name(key))
    return value


def _account(book: PayoutsBook, bank_code: str | None, account_no: str) -> BankAccount:
    if bank_code is not None:
        found = book.accounts.get((bank_code, account_no))
    else:
        found = next(
            (
                a
                for (bank, number), a in book.accounts.items()
                if number == account_no and bank in INTRABANK_BANKS
            ),
            None,
        )
    if found is None:
        raise SnapFailure(404, "11", "Account does not exist")
    if found.status == "dormant":
        raise SnapFailure(403, "09", "Account is dormant")
    if found.status == "closed":
        raise SnapFailure(403, "18", "Account is closed")
    return found


def _debit(
    call: Call,
    book: PayoutsBook,
    *,
    service_code: str,
    partner_reference_no: str,
    amount: Decimal,
    source: str,
    beneficiary_account_no: str,
    beneficiary_bank_code: str | None,
    channel: str,
    remark: str | None,
    email: str | None,
    disbursement: dict[str, Any],
) -> Transfer:
    """The shared tail of every money-moving call: uniqueness, balance, record, ledger."""
    if any(True for _ in _recent(book, call, partner_reference_no)):
        raise SnapFailure.duplicate("Duplicate Transaction")
    merchant = call.merchant
    assert merchant is not None
    if merchant.balance < amount:
        raise SnapFailure.insufficient_funds()
    merchant.balance -= amount
    transfer = Transfer(
        client_id=call.client_id,
        service_code=service_code,
        reference_no=call.state.new_reference("PO"),
        partner_reference_no=partner_reference_no,
        external_id=call.external_id,
        amount=amount,
        created=call.now,
        source_account_no=source,
        beneficiary_account_no=beneficiary_account_no,
        beneficiary_bank_code=beneficiary_bank_code,
    )
    book.add(transfer)
    _notify(call.emulator, transfer, "processed", call.now)
    call.state.ledger.open(
        client_id=call.client_id,
        reference_no=transfer.reference_no,
        partner_reference_no=partner_reference_no,
        external_id=call.external_id,
        type="DISBURSEMENT",
        channel=channel,
        status="PROCESSING",
        amount=amount,
        time=call.now,
        remark=remark,
        customer_email=email,
        account_no=beneficiary_account_no,
        details={
            "serviceCode": service_code,
            "disbursement": {
                "sourceAccountNo": source,
                "beneficiaryEmail": email,
                "beneficiaryAccountNo": beneficiary_account_no,
                "beneficiaryBankCode": beneficiary_bank_code,
                "beneficiaryBankName": BANK_NAMES.get(beneficiary_bank_code or ""),
                "requestedTime": iso(call.now),
                "approvedTime": iso(call.now),
                "processedTime": iso(call.now),
                **disbursement,
            },
        },
    )
    refresh_transfers(call.emulator, call.client_id, call.now)
    return transfer


def _transfer_fields(call: Call) -> tuple[Fields, str, Decimal, str, str | None]:
    f = call.fields
    reference = f.need_text("partnerReferenceNo", max_len=64)
    amount = f.need_amount("amount")
    account_no = f.need_text("beneficiaryAccountNo", max_len=34)
    email = _email(f, "beneficiaryEmail")
    f.timestamp("transactionDate", required=True)
    return f, reference, amount, account_no, email


# --- handlers ----------------------------------------------------------------------------------


def balance_inquiry(call: Call) -> dict[str, Any]:
    """The merchant's payouts balance."""
    book = _prepare(call)
    account = _source(book, call.fields, "accountNo")
    merchant = call.merchant
    assert merchant is not None
    return {
        "accountNo": account,
        "accountInfos": [{"balanceType": "iris", "amount": money(merchant.balance)}],
    }


def account_inquiry(call: Call) -> dict[str, Any]:
    """The holder's name of a bank account."""
    book = _prepare(call)
    f = call.fields
    raw_code = f.need_text("beneficiaryBankCode", max_len=8, pattern=_BANK_CODE)
    bank = _bank_code(f, "beneficiaryBankCode")
    account_no = f.need_text("beneficiaryAccountNo", max_len=20)
    account = _account(book, bank, account_no)
    return {
        "referenceNo": call.state.new_reference("AI"),
        "beneficiaryAccountName": account.name,
        "beneficiaryAccountNo": account.account_no,
        "beneficiaryBankCode": raw_code,
        "beneficiaryBankName": BANK_NAMES[bank],
        "currency": "IDR",
    }


def intrabank_transfer(call: Call) -> dict[str, Any]:
    """Transfer to an account at one of the intrabank banks."""
    book = _prepare(call)
    f, reference, amount, account_no, email = _transfer_fields(call)
    remark = f.need_text("remark", max_len=50)
    source = _source(book, f)
    info = f.obj("additionalInfo", required=False)
    bank = None
    if info is not None and info.data.get("beneficiaryBankCode") is not None:
        bank = _bank_code(info, "beneficiaryBankCode", allowed=INTRABANK_BANKS)
    account = _account(book, bank, account_no)
    _check_amount(amount, _MIN_CIMB if account.bank_code == "022" else _MIN, _MAX_INTRABANK)
    transfer = _debit(
        call, book, service_code="17", partner_reference_no=reference, amount=amount,
        source=source, beneficiary_account_no=account_no,
        beneficiary_bank_code=account.bank_code, channel=BANK_NAMES[account.bank_code],
        remark=remark, email=email, disbursement={"beneficiaryName": account.name},
    )  # fmt: skip
    return {
        "referenceNo": transfer.reference_no,
        "partnerReferenceNo": reference,
        "amount": money(amount),
        "beneficiaryAccountNo": account_no,
        "sourceAccount": source,
        "transactionDate": iso(call.now),
    }


def interbank_transfer(call: Call) -> dict[str, Any]:
    """Transfer to any other bank: the BI Fast route (at most 250.000.000) when the bank takes
    BI Fast, else the Online Transfer route (at most 50.000.000), spec §5.7."""
    book = _prepare(call)
    f, reference, amount, account_no, email = _transfer_fields(call)
    name = f.need_text("beneficiaryAccountName", max_len=100)
    raw_code = f.need_text("beneficiaryBankCode", max_len=8, pattern=_BANK_CODE)
    bank = _bank_code(f, "beneficiaryBankCode")
    source = _source(book, f)
    info = f.obj("additionalInfo", required=False)
    remark = info.text("remark", required=False, max_len=50) if info is not None else None
    account = _account(book, bank, account_no)
    _check_amount(amount, _MIN, _MAX_BI_FAST if bank in book.bi_fast_banks else _MAX_ONLINE)
    transfer = _debit(
        call, book, service_code="18", partner_reference_no=reference, amount=amount,
        source=source, beneficiary_account_no=account_no, beneficiary_bank_code=bank,
        channel=BANK_NAMES[bank], remark=remark, email=email,
        disbursement={"beneficiaryName": name or account.name},
    )  # fmt: skip
    return {
        "referenceNo": transfer.reference_no,
        "partnerReferenceNo": reference,
        "amount": money(amount),
        "beneficiaryAccountNo": account_no,
        "beneficiaryBankCode": raw_code,
        "sourceAccountNo": source,
        "transactionDate": iso(call.now),
    }


def _va(book: PayoutsBook, f: Fields) -> tuple[str, str, PayableVa]:
    f.need_text("partnerServiceId", max_len=8)
    f.need_text("customerNo", max_len=20)
    va_no = f.need_text("virtualAccountNo", max_len=28)
    bank = _bank_code(f.need_obj("additionalInfo"), "beneficiaryBankCode", allowed=VA_BANKS)
    va = book.virtual_accounts.get(va_no) or book.virtual_accounts.get(va_no.strip())
    if va is None or va.bank_code != bank:
        raise SnapFailure(404, "12", "Invalid Bill/Virtual Account Not Found")
    return va_no, bank, va


def _va_data(call: Call, va_no: str, va: PayableVa) -> dict[str, Any]:
    f = call.fields
    data: dict[str, Any] = {
        "partnerServiceId": f.data["partnerServiceId"],
        "customerNo": f.data["customerNo"],
        "virtualAccountNo": va_no,
        "virtualAccountName": va.name,
    }
    if va.amount is not None:
        data["totalAmount"] = money(va.amount)
    return data


def va_inquiry(call: Call) -> dict[str, Any]:
    """Look up a payable VA; the ``inquiryRequestId`` may be passed to the payment."""
    book = _prepare(call)
    va_no, _, va = _va(book, call.fields)
    if va.paid:
        raise SnapFailure(404, "14", "Paid Bill")
    inquiry_id = call.state.new_reference("IQ")
    book.inquiries[inquiry_id] = va.virtual_account_no
    return {"virtualAccountData": {"inquiryRequestId": inquiry_id, **_va_data(call, va_no, va)}}


def va_payment(call: Call) -> dict[str, Any]:
    """Pay a VA from the payouts balance."""
    book = _prepare(call)
    f = call.fields
    reference = f.need_text("partnerReferenceNo", max_len=64)
    inquiry_id = f.text("inquiryRequestId", required=False, max_len=128)
    source = _source(book, f)
    amount = f.need_amount("paidAmount")
    va_no, bank, va = _va(book, f)
    if inquiry_id is not None and book.inquiries.get(inquiry_id) != va.virtual_account_no:
        raise SnapFailure(404, "18", "Inconsistent request parameter")
    if va.paid:
        raise SnapFailure(404, "14", "Paid Bill")
    if va.amount is not None and amount != va.amount:
        raise SnapFailure(404, "13", "Invalid Amount")
    _check_amount(amount, _MIN, _MAX_INTRABANK)
    transfer = _debit(
        call, book, service_code="33", partner_reference_no=reference, amount=amount,
        source=source, beneficiary_account_no=va.virtual_account_no,
        beneficiary_bank_code=bank, channel=BANK_NAMES[bank], remark=None, email=None,
        disbursement={"beneficiaryName": va.name},
    )  # fmt: skip
    if va.amount is not None:
        va.paid = True
    data = _va_data(call, va_no, va)
    data.update(
        {
            "sourceAccountNo": source,
            "partnerReferenceNo": reference,
            "paymentRequestId": transfer.reference_no,
            "paidAmount": money(amount),
            "trxDateTime": iso(call.now),
            "referenceNo": transfer.reference_no,
        }
    )
    if inquiry_id is not None:
        data["inquiryRequestId"] = inquiry_id
    return {"virtualAccountData": data}


def transfer_status(call: Call) -> dict[str, Any]:
    """Status of a payout of the last two months."""
    book = _prepare(call)
    f = call.fields
    reference = f.need_text("originalPartnerReferenceNo", max_len=64)
    service = f.need_text("serviceCode", max_len=2, choices=("17", "18", "33", "38"))
    found = [t for t in _recent(book, call, reference) if t.service_code == service]
    if not found:
        raise SnapFailure.not_found("Transaction Not Found")
    transfer = found[-1]
    body: dict[str, Any] = {
        "originalReferenceNo": transfer.reference_no,
        "originalPartnerReferenceNo": transfer.partner_reference_no,
        "originalExternalId": transfer.external_id,
        "serviceCode": service,
        "amount": money(transfer.amount),
        "transactionDate": iso(transfer.created),
        "beneficiaryAccountNo": transfer.beneficiary_account_no,
        "sourceAccountNo": transfer.source_account_no,
        "latestTransactionStatus": transfer.status,
        "transactionStatusDesc": _STATUS_TEXT[transfer.status],
    }
    if transfer.beneficiary_bank_code is not None and service != "38":
        body["beneficiaryBankCode"] = transfer.beneficiary_bank_code
    return body


def _provider(f: Fields) -> str:
    return f.need_text("beneficiaryProvider", max_len=40, choices=EWALLET_PROVIDERS)


def emoney_account_inquiry(call: Call) -> dict[str, Any]:
    """The holder's name of an e-wallet."""
    book = _prepare(call)
    f = call.fields
    number = f.need_text("customerNumber", max_len=20, pattern=_DIGITS)
    amount = f.need_amount("amount")
    provider = _provider(f.need_obj("additionalInfo"))
    wallet = book.ewallets.get((provider, number))
    if wallet is None:
        raise SnapFailure(404, "11", "Account does not exist")
    return {
        "referenceNo": call.state.new_reference("EI"),
        "customerNumber": number,
        "customerName": wallet.name,
        "amount": money(amount),
    }


def topup(call: Call) -> dict[str, Any]:
    """Top up a customer's e-wallet from the payouts balance."""
    book = _prepare(call)
    f = call.fields
    reference = f.need_text("partnerReferenceNo", max_len=64)
    number = f.need_text("customerNumber", max_len=20, pattern=_DIGITS)
    f.need_text("customerName", max_len=100)
    amount = f.need_amount("amount")
    notes = f.need_text("notes", max_len=100, pattern=_NOTES)
    info = f.need_obj("additionalInfo")
    email = _email(info, "beneficiaryEmail")
    provider = _provider(info)
    wallet = book.ewallets.get((provider, number))
    if wallet is None:
        raise SnapFailure(404, "11", "Account does not exist")
    _check_amount(amount, _MIN, _MAX_INTRABANK)
    transfer = _debit(
        call, book, service_code="38", partner_reference_no=reference, amount=amount,
        source=AGGREGATOR_ACCOUNT, beneficiary_account_no=number, beneficiary_bank_code=None,
        channel=provider, remark=notes, email=email,
        disbursement={"beneficiaryName": wallet.name, "beneficiaryBankName": provider},
    )  # fmt: skip
    return {
        "referenceNo": transfer.reference_no,
        "partnerReferenceNo": reference,
        "customerNumber": number,
        "amount": money(amount),
    }


def register(table: RouteTable) -> None:
    """Register the payouts endpoints."""
    for path, service, handler, replay, summary in (
        ("/v1.0/balance-inquiry", "11", balance_inquiry, False, "Balance inquiry"),
        ("/v1.0/account-inquiry-external", "16", account_inquiry, False, "Account inquiry"),
        ("/v1.0/transfer-intrabank", "17", intrabank_transfer, True, "Intrabank transfer"),
        ("/v1.0/transfer-interbank", "18", interbank_transfer, True, "Interbank transfer"),
        ("/v1.0/transfer-va/inquiry-intrabank", "32", va_inquiry, False, "VA inquiry"),
        ("/v1.0/transfer-va/payment-intrabank", "33", va_payment, True, "VA payment"),
        ("/v1.0/transfer/status", "36", transfer_status, False, "Transfer status"),
        ("/v1.0/emoney/account-inquiry", "37", emoney_account_inquiry, False, "E-wallet inquiry"),
        ("/v1.0/emoney/topup", "38", topup, True, "E-wallet top-up"),
    ):
        table.add(
            Endpoint("POST", path, service, handler, "payouts", replay=replay, summary=summary)
        )
