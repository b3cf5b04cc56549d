"""The payouts family's request handlers and their registration (spec §5.7)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from bisnap.emulator.endpoints._common import iso
from bisnap.emulator.endpoints.payouts.controls import refresh_transfers
from bisnap.emulator.endpoints.payouts.notifications import notify_transfer
from bisnap.emulator.endpoints.payouts.seed import (
    AGGREGATOR_ACCOUNT,
    BANK_NAMES,
    EWALLET_PROVIDERS,
    INTRABANK_BANKS,
    VA_BANKS,
)
from bisnap.emulator.endpoints.payouts.state import BankAccount, PayableVa, PayoutsBook, Transfer
from bisnap.emulator.responses import SnapFailure, money
from bisnap.emulator.routes import Call, Family, Fields
from bisnap.external_id import ExternalIdForm, external_id_problem

__all__ = ["register"]

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
_ENDPOINTS = Family("payouts")


# --- request helpers ---------------------------------------------------------------------------


def _prepare(call: Call) -> PayoutsBook:
    """Rules every payouts call shares: numeric X-EXTERNAL-ID; settle due transfers."""
    if external_id_problem(call.external_id, ExternalIdForm.NUMERIC) is not None:
        raise SnapFailure.bad_format("X-EXTERNAL-ID")
    book = call.state.part(PayoutsBook)
    refresh_transfers(call.emulator, call.client_id, call.now)
    return book


def _recent(book: PayoutsBook, call: Call, partner_reference_no: str) -> Iterable[Transfer]:
    return book.recent(call.client_id, partner_reference_no, call.now)


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
    notify_transfer(call.emulator, transfer, "processed", call.now)
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


def _transfer_answer(transfer: Transfer, **more: Any) -> dict[str, Any]:
    """A bank transfer's answer: its numbers and amount, then ``more``, then its time."""
    return {
        "referenceNo": transfer.reference_no,
        "partnerReferenceNo": transfer.partner_reference_no,
        "amount": money(transfer.amount),
        "beneficiaryAccountNo": transfer.beneficiary_account_no,
        **more,
        "transactionDate": iso(transfer.created),
    }


def _transfer_fields(call: Call) -> tuple[Fields, str, Decimal, str, str | None]:
    f = call.fields
    reference = f.need_text("partnerReferenceNo", max_len=64)
    amount = f.need_amount("amount")
    account_no = f.need_text("beneficiaryAccountNo", max_len=34)
    email = _email(f, "beneficiaryEmail")
    f.timestamp("transactionDate", required=True)
    return f, reference, amount, account_no, email


# --- handlers ----------------------------------------------------------------------------------


@_ENDPOINTS.post("/v1.0/balance-inquiry", "11", "Balance inquiry")
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


@_ENDPOINTS.post("/v1.0/account-inquiry-external", "16", "Account inquiry")
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


@_ENDPOINTS.post("/v1.0/transfer-intrabank", "17", "Intrabank transfer", replay=True)
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
    return _transfer_answer(transfer, sourceAccount=source)


@_ENDPOINTS.post("/v1.0/transfer-interbank", "18", "Interbank transfer", replay=True)
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
    return _transfer_answer(transfer, beneficiaryBankCode=raw_code, sourceAccountNo=source)


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


@_ENDPOINTS.post("/v1.0/transfer-va/inquiry-intrabank", "32", "VA inquiry")
def va_inquiry(call: Call) -> dict[str, Any]:
    """Look up a payable VA; the ``inquiryRequestId`` may be passed to the payment."""
    book = _prepare(call)
    va_no, _, va = _va(book, call.fields)
    if va.paid:
        raise SnapFailure(404, "14", "Paid Bill")
    inquiry_id = call.state.new_reference("IQ")
    book.inquiries[inquiry_id] = va.virtual_account_no
    return {"virtualAccountData": {"inquiryRequestId": inquiry_id, **_va_data(call, va_no, va)}}


@_ENDPOINTS.post("/v1.0/transfer-va/payment-intrabank", "33", "VA payment", replay=True)
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


@_ENDPOINTS.post("/v1.0/transfer/status", "36", "Transfer status")
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


@_ENDPOINTS.post("/v1.0/emoney/account-inquiry", "37", "E-wallet inquiry")
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


@_ENDPOINTS.post("/v1.0/emoney/topup", "38", "E-wallet top-up", replay=True)
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


register = _ENDPOINTS.register
