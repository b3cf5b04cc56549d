"""Reporting (spec §5.6): transaction history list (12) and detail (13), read from the ledger.

Answers reflect what happened in this emulator: payments of every family, their refunds and
expiries, and payouts. Before reading, due expiries and payout settlements are applied.

The BI-SNAP ``status`` of an entry (the top-level one; ``additionalInfo.status`` is the
Midtrans status) is not specified beyond the page sample (always ``SUCCESS``); the emulator
answers ``SUCCESS`` for settled / completed / successful transactions, ``PENDING`` while
one is in progress, ``REFUNDED`` after a refund or chargeback, ``FAILED`` otherwise.
"""

from __future__ import annotations

import calendar
from datetime import datetime
from typing import Any

from bisnap.emulator.endpoints._common import iso
from bisnap.emulator.endpoints.payouts import refresh_transfers
from bisnap.emulator.ledger import LedgerRecord
from bisnap.emulator.responses import SnapFailure, money
from bisnap.emulator.routes import Call, Endpoint, Fields, RouteTable
from bisnap.timestamps import JAKARTA

__all__ = ["HISTORY_TYPES", "bi_snap_status", "earliest_start", "register"]

HISTORY_TYPES = {
    "PAYMENT": "payment",
    "TOP_UP": "topUp",
    "WITHDRAWAL": "withdrawal",
    "DISBURSEMENT": "disbursement",
}
"""Midtrans history types and the ``additionalInfo`` key of each one's status filter."""

_SUCCESS = frozenset({"SETTLEMENT", "SUCCESS", "COMPLETED", "CAPTURE"})
_PENDING = frozenset({"PENDING", "PROCESSING", "REQUESTED", "APPROVED", "AUTHORIZE", "CHALLENGE"})
_REFUNDED = frozenset({"REFUND", "CHARGEBACK"})
_DEFAULT_PAGE_SIZE = 10
_MAX_PAGE_SIZE = 50


def bi_snap_status(midtrans_status: str) -> str:
    """The BI-SNAP ``status`` shown for a Midtrans history status."""
    if midtrans_status in _SUCCESS:
        return "SUCCESS"
    if midtrans_status in _PENDING:
        return "PENDING"
    if midtrans_status in _REFUNDED:
        return "REFUNDED"
    return "FAILED"


def _months_back(now: datetime, months: int, *, first_of_month: bool) -> datetime:
    local = now.astimezone(JAKARTA)
    index = local.year * 12 + local.month - 1 - months
    year, month = divmod(index, 12)
    if first_of_month:
        return datetime(year, month + 1, 1, tzinfo=JAKARTA)
    last_day = calendar.monthrange(year, month + 1)[1]
    return local.replace(year=year, month=month + 1, day=min(local.day, last_day))


def earliest_start(now: datetime) -> datetime:
    """The earliest ``fromDateTime``: the first day of the month six months back."""
    return _months_back(now, 6, first_of_month=True)


def _refresh(call: Call) -> None:
    for payment in list(call.state.iter_payments(call.client_id)):
        call.emulator.refresh(payment, call.now)
    refresh_transfers(call.emulator, call.client_id, call.now)


def _whole(f: Fields, key: str, default: int, low: int, high: int | None) -> int:
    # The table types pageSize/pageNumber as int; the page's sample sends strings: take both.
    value = f.data.get(key)
    if value is None:
        return default
    if isinstance(value, str) and value.isdigit():
        value = int(value)
    if not isinstance(value, int) or isinstance(value, bool):
        raise SnapFailure.bad_format(f.name(key))
    if value < low or (high is not None and value > high):
        raise SnapFailure.bad_format(f.name(key))
    return value


def _strings(f: Fields, key: str) -> list[str] | None:
    value = f.data.get(key)
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise SnapFailure.bad_format(f.name(key))
    return [v.upper() for v in value]


def _entry(record: LedgerRecord) -> dict[str, Any]:
    entry: dict[str, Any] = {"dateTime": iso(record.created), "amount": money(record.amount)}
    if record.type == "DISBURSEMENT" and record.remark:
        entry["remark"] = record.remark
    info: dict[str, Any] = {
        "referenceNo": record.reference_no,
        "partnerReferenceNo": record.partner_reference_no,
        "status": record.status,
        "type": record.type,
        "channel": record.channel,
    }
    if record.customer_email:
        info["customerEmail"] = record.customer_email
    if record.account_no:
        info["accountNo"] = record.account_no
    info["fee"] = money(record.fee)
    entry.update(
        {
            "status": bi_snap_status(record.status),
            "type": record.bi_snap_type,
            "additionalInfo": info,
        }
    )
    return entry


def history_list(call: Call) -> dict[str, Any]:
    """One page of the merchant's transactions, filtered and sorted."""
    _refresh(call)
    f = call.fields
    reference = f.text("partnerReferenceNo", required=False, max_len=64)
    start = f.timestamp("fromDateTime") or _months_back(call.now, 3, first_of_month=False)
    end = f.timestamp("toDateTime") or call.now
    if start < earliest_start(call.now) or start > end:
        raise SnapFailure.bad_format("fromDateTime")
    size = _whole(f, "pageSize", _DEFAULT_PAGE_SIZE, 1, _MAX_PAGE_SIZE)
    number = _whole(f, "pageNumber", 0, 0, None)
    info = f.obj("additionalInfo", required=False)
    types: list[str] | None = None
    statuses: dict[str, list[str]] = {}
    descending = True
    if info is not None:
        types = _strings(info, "types")
        if types is not None and not set(types) <= set(HISTORY_TYPES):
            raise SnapFailure.bad_format(info.name("types"))
        for kind, key in HISTORY_TYPES.items():
            wanted = info.obj(key, required=False)
            listed = _strings(wanted, "statuses") if wanted is not None else None
            if listed is not None:
                statuses[kind] = listed
        order = info.text("sortOrder", required=False, choices=("ASC", "DESC"))
        descending = order != "ASC"
    found = [
        r
        for r in call.state.ledger.records(call.client_id)
        if start <= r.created <= end
        and (reference is None or r.partner_reference_no == reference)
        and (types is None or r.type in types)
        and (r.type not in statuses or r.status in statuses[r.type])
    ]
    found.sort(key=lambda r: (r.created, r.events[0].seq), reverse=descending)
    page = found[number * size : (number + 1) * size]
    return {"responseMessage": "Success", "detailData": [_entry(r) for r in page]}


def _payment_details(call: Call, record: LedgerRecord) -> dict[str, Any]:
    payment = call.state.payments.get((record.client_id, record.reference_no))
    details: dict[str, Any] = {"source": "core_api"}
    if payment is not None:
        if payment.expires is not None:
            details["expiryTime"] = iso(payment.expires)
        if "virtualAccountNo" in payment.data:
            details["virtualAccountNumber"] = payment.data["virtualAccountNo"]
        details["refunds"] = [
            {
                "id": refund.refund_no,
                "amount": money(refund.amount),
                "reason": refund.reason,
                "createdTime": iso(refund.time),
            }
            for refund in payment.refunds
        ]
    return details


def history_detail(call: Call) -> dict[str, Any]:
    """One transaction by ``originalPartnerReferenceNo`` and ``additionalInfo.referenceNo``."""
    _refresh(call)
    f = call.fields
    partner_reference = f.need_text("originalPartnerReferenceNo", max_len=64)
    reference = f.need_obj("additionalInfo").need_text("referenceNo", max_len=64)
    record = call.state.ledger.get(call.client_id, reference)
    if record is None or record.partner_reference_no != partner_reference:
        raise SnapFailure.not_found("Transaction not found")
    entry = _entry(record)
    info: dict[str, Any] = {
        "status": record.status,
        "type": record.type,
        "updatedTime": iso(record.updated),
        "channel": record.channel,
    }
    if record.customer_email:
        info["customerEmail"] = record.customer_email
    if record.account_no:
        info["accountNo"] = record.account_no
    if record.type == "PAYMENT":
        info["payment"] = _payment_details(call, record)
    disbursement = record.details.get("disbursement")
    if record.type == "DISBURSEMENT" and isinstance(disbursement, dict):
        info["disbursement"] = {k: v for k, v in disbursement.items() if v is not None}
    info["fee"] = money(record.fee)
    body: dict[str, Any] = {
        "responseMessage": "Success",
        "referenceNo": record.reference_no,
        "partnerReferenceNo": record.partner_reference_no,
        "dateTime": entry["dateTime"],
        "amount": entry["amount"],
    }
    if "remark" in entry:
        body["remark"] = entry["remark"]
    body.update({"status": entry["status"], "type": entry["type"], "additionalInfo": info})
    return body


def register(table: RouteTable) -> None:
    """Register the reporting endpoints."""
    for path, service, handler, summary in (
        ("/v1.0/transaction-history-list", "12", history_list, "Transaction history list"),
        ("/v1.0/transaction-history-detail", "13", history_detail, "Transaction history detail"),
    ):
        table.add(Endpoint("POST", path, service, handler, "reporting", summary=summary))
