"""``client.payouts``: balance, account inquiries, transfers, VA payment, e-wallet top-up.

Money-moving calls (``intrabank_transfer``, ``interbank_transfer``, ``va_payment``,
``topup``) are never resent automatically: a timeout, dropped connection or 5xx raises
:class:`~bisnap.errors.OutcomeUnknownError` naming ``payouts.transfer_status``, which is what
settles it (the gateway asks for a status inquiry before a new transfer is made). A reused
``partnerReferenceNo`` (within two months) raises
:class:`~bisnap.errors.DuplicateTransactionError`.

Payouts require a numeric ``X-EXTERNAL-ID`` of at most 36 digits; the default generator makes
one, and a caller-given id is checked before anything is sent.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Generator, Mapping
from dataclasses import dataclass
from typing import Any

from bisnap.errors import RequestValidationError
from bisnap.models.payouts import (
    InterbankTransferRequest,
    IntrabankTransferRequest,
    TopupRequest,
    TransferRoute,
    TransferStatusResponse,
    VaPaymentIntrabankRequest,
    check_transfer_amount,
)
from bisnap.services.base import AsyncService, SyncService, Timeout
from bisnap.services.endpoint import Endpoint
from bisnap.services.fields import (
    BalanceInquiryFields,
    EmoneyAccountInquiryFields,
    ExternalAccountInquiryFields,
    InterbankTransferFields,
    IntrabankTransferFields,
    TopupFields,
    TransferStatusFields,
    VaInquiryIntrabankFields,
    VaPaymentIntrabankFields,
)
from bisnap.services.flow import Call, Flow, Sleep, Sleeper, Step
from bisnap.services.operations import PAYOUT_ACCOUNT_INQUIRY as ACCOUNT_INQUIRY
from bisnap.services.operations import PAYOUT_BALANCE as BALANCE
from bisnap.services.operations import PAYOUT_EMONEY_ACCOUNT_INQUIRY as EMONEY_ACCOUNT_INQUIRY
from bisnap.services.operations import PAYOUT_INTERBANK_TRANSFER as INTERBANK_TRANSFER
from bisnap.services.operations import PAYOUT_INTRABANK_TRANSFER as INTRABANK_TRANSFER
from bisnap.services.operations import PAYOUT_TOPUP as TOPUP
from bisnap.services.operations import PAYOUT_TRANSFER_STATUS as TRANSFER_STATUS
from bisnap.services.operations import PAYOUT_VA_INQUIRY as VA_INQUIRY
from bisnap.services.operations import PAYOUT_VA_PAYMENT as VA_PAYMENT

# The operations of bisnap.services.operations, under their family names, then the namespaces.
__all__ = [
    "ACCOUNT_INQUIRY",
    "BALANCE",
    "EMONEY_ACCOUNT_INQUIRY",
    "INTERBANK_TRANSFER",
    "INTRABANK_TRANSFER",
    "TOPUP",
    "TRANSFER_STATUS",
    "VA_INQUIRY",
    "VA_PAYMENT",
    "AsyncPayouts",
    "InterbankTransferKeywords",
    "Payouts",
    "PayoutsEndpoints",
    "StatusPolling",
]


@dataclass(frozen=True)
class StatusPolling:
    """How :meth:`Payouts.wait_for_transfer` polls ``transfer/status``.

    ``first_check_after``: seconds before the first inquiry (the gateway asks for a 10-minute
    buffer after creating a transfer; use 0 when that time has already passed).
    ``interval``: seconds between inquiries. ``max_wait``: seconds after which the last
    (still non-final) answer is returned.
    """

    first_check_after: float = 600.0
    interval: float = 60.0
    max_wait: float = 3600.0

    def __post_init__(self) -> None:
        if self.first_check_after < 0:
            raise RequestValidationError(
                "first_check_after must be >= 0 seconds", field="first_check_after"
            )
        if self.interval <= 0:
            raise RequestValidationError("interval must be > 0 seconds", field="interval")
        if self.max_wait < self.first_check_after:
            raise RequestValidationError("max_wait must be >= first_check_after", field="max_wait")


def _wait_for_transfer(
    service: object,
    original_partner_reference_no: str,
    service_code: str,
    *,
    polling: StatusPolling | None = None,
    clock: Callable[[], float] = time.monotonic,
    sleep: Sleeper | None = None,
    timeout: Timeout = None,
) -> Generator[Step, Any, TransferStatusResponse]:
    """Poll ``transfer/status`` until the transfer's status is final.

    Waits ``polling.first_check_after`` seconds (default 10 minutes, the gateway's guidance)
    before the first inquiry, then asks every ``polling.interval`` seconds. Returns the final
    answer, or the last one when ``polling.max_wait`` runs out (check
    :attr:`TransferStatusResponse.is_final`). ``clock`` (monotonic seconds) and ``sleep``
    (default ``time.sleep``, or ``anyio.sleep`` on the async client) are injectable for tests.
    """
    policy = polling or StatusPolling()
    inquiry: TransferStatusFields = {
        "original_partner_reference_no": original_partner_reference_no,
        "service_code": service_code,
        "timeout": timeout,
    }
    start = clock()
    delay = policy.first_check_after
    while True:
        if delay > 0:
            yield Sleep(delay, sleep)
        answer = yield Call("transfer_status", inquiry)
        if not isinstance(answer, TransferStatusResponse):  # pragma: no cover - a bug
            raise TypeError(f"transfer_status answered {type(answer).__name__}")
        if answer.is_final or clock() - start + policy.interval > policy.max_wait:
            return answer
        delay = policy.interval


def _intrabank(
    service: object, request: IntrabankTransferRequest, options: Mapping[str, Any]
) -> IntrabankTransferRequest:
    info = request.additional_info
    code = info.beneficiary_bank_code if info is not None else None
    check_transfer_amount(request.amount.value, interbank=False, bank_code=code)
    return request


class InterbankTransferKeywords(InterbankTransferFields, total=False):
    """An interbank transfer's keywords: ``route`` sets the amount limit and is not sent."""

    route: TransferRoute | None


def _interbank(
    service: object, request: InterbankTransferRequest, options: Mapping[str, Any]
) -> InterbankTransferRequest:
    route = options.get("route")
    if route is not None and not isinstance(route, TransferRoute):
        raise RequestValidationError("route must be a TransferRoute", field="route")
    check_transfer_amount(request.amount.value, interbank=True, route=route)
    return request


def _va_payment(
    service: object, request: VaPaymentIntrabankRequest, options: Mapping[str, Any]
) -> VaPaymentIntrabankRequest:
    check_transfer_amount(request.paid_amount.value, interbank=False, field="paidAmount.value")
    return request


def _topup(service: object, request: TopupRequest, options: Mapping[str, Any]) -> TopupRequest:
    check_transfer_amount(request.amount.value, interbank=False)
    return request


class PayoutsEndpoints:
    """Payouts (IRIS) over BI-SNAP."""

    balance = Endpoint(BALANCE, BalanceInquiryFields)
    account_inquiry = Endpoint(ACCOUNT_INQUIRY, ExternalAccountInquiryFields)
    intrabank_transfer = Endpoint(INTRABANK_TRANSFER, IntrabankTransferFields, prepare=_intrabank)
    interbank_transfer = Endpoint(INTERBANK_TRANSFER, InterbankTransferKeywords, prepare=_interbank)
    va_inquiry = Endpoint(VA_INQUIRY, VaInquiryIntrabankFields)
    va_payment = Endpoint(VA_PAYMENT, VaPaymentIntrabankFields, prepare=_va_payment)
    transfer_status = Endpoint(TRANSFER_STATUS, TransferStatusFields)
    emoney_account_inquiry = Endpoint(EMONEY_ACCOUNT_INQUIRY, EmoneyAccountInquiryFields)
    topup = Endpoint(TOPUP, TopupFields, prepare=_topup)
    wait_for_transfer = Flow(_wait_for_transfer)


class AsyncPayouts(AsyncService, PayoutsEndpoints):
    """``client.payouts`` of :class:`~bisnap.client.AsyncSnapClient`."""


class Payouts(SyncService, PayoutsEndpoints):
    """``client.payouts`` of :class:`~bisnap.client.SnapClient`."""
