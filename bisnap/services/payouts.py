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
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

import anyio
from typing_extensions import Unpack

from bisnap.errors import RequestValidationError
from bisnap.external_id import ExternalIdForm
from bisnap.models.payouts import (
    BalanceInquiryRequest,
    BalanceInquiryResponse,
    EmoneyAccountInquiryRequest,
    EmoneyAccountInquiryResponse,
    ExternalAccountInquiryRequest,
    ExternalAccountInquiryResponse,
    InterbankTransferRequest,
    InterbankTransferResponse,
    IntrabankTransferRequest,
    IntrabankTransferResponse,
    TopupRequest,
    TopupResponse,
    TransferRoute,
    TransferStatusRequest,
    TransferStatusResponse,
    VaInquiryIntrabankRequest,
    VaInquiryIntrabankResponse,
    VaPaymentIntrabankRequest,
    VaPaymentIntrabankResponse,
    check_transfer_amount,
)
from bisnap.services.base import (
    AsyncService,
    Headers,
    SyncService,
    Timeout,
)
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
from bisnap.services.operation import Operation

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
    "Payouts",
    "StatusPolling",
]

_STATUS = "payouts.transfer_status"

BALANCE = Operation(
    name="payouts.balance",
    method="POST",
    path="/v1.0/balance-inquiry",
    service_code="11",
    request_model=BalanceInquiryRequest,
    response_model=BalanceInquiryResponse,
    read_only=True,
    external_id_form=ExternalIdForm.NUMERIC,
)
ACCOUNT_INQUIRY = Operation(
    name="payouts.account_inquiry",
    method="POST",
    path="/v1.0/account-inquiry-external",
    service_code="16",
    request_model=ExternalAccountInquiryRequest,
    response_model=ExternalAccountInquiryResponse,
    read_only=True,
    external_id_form=ExternalIdForm.NUMERIC,
)
INTRABANK_TRANSFER = Operation(
    name="payouts.intrabank_transfer",
    method="POST",
    path="/v1.0/transfer-intrabank",
    service_code="17",
    request_model=IntrabankTransferRequest,
    response_model=IntrabankTransferResponse,
    money_moving=True,
    status_operation=_STATUS,
    external_id_form=ExternalIdForm.NUMERIC,
)
INTERBANK_TRANSFER = Operation(
    name="payouts.interbank_transfer",
    method="POST",
    path="/v1.0/transfer-interbank",
    service_code="18",
    request_model=InterbankTransferRequest,
    response_model=InterbankTransferResponse,
    money_moving=True,
    status_operation=_STATUS,
    external_id_form=ExternalIdForm.NUMERIC,
)
VA_INQUIRY = Operation(
    name="payouts.va_inquiry",
    method="POST",
    path="/v1.0/transfer-va/inquiry-intrabank",
    service_code="32",
    request_model=VaInquiryIntrabankRequest,
    response_model=VaInquiryIntrabankResponse,
    read_only=True,
    external_id_form=ExternalIdForm.NUMERIC,
)
VA_PAYMENT = Operation(
    name="payouts.va_payment",
    method="POST",
    path="/v1.0/transfer-va/payment-intrabank",
    service_code="33",
    request_model=VaPaymentIntrabankRequest,
    response_model=VaPaymentIntrabankResponse,
    money_moving=True,
    status_operation=_STATUS,
    external_id_form=ExternalIdForm.NUMERIC,
)
TRANSFER_STATUS = Operation(
    name=_STATUS,
    method="POST",
    path="/v1.0/transfer/status",
    service_code="36",
    request_model=TransferStatusRequest,
    response_model=TransferStatusResponse,
    read_only=True,
)
EMONEY_ACCOUNT_INQUIRY = Operation(
    name="payouts.emoney_account_inquiry",
    method="POST",
    path="/v1.0/emoney/account-inquiry",
    service_code="37",
    request_model=EmoneyAccountInquiryRequest,
    response_model=EmoneyAccountInquiryResponse,
    read_only=True,
    external_id_form=ExternalIdForm.NUMERIC,
)
TOPUP = Operation(
    name="payouts.topup",
    method="POST",
    path="/v1.0/emoney/topup",
    service_code="38",
    request_model=TopupRequest,
    response_model=TopupResponse,
    money_moving=True,
    status_operation=_STATUS,
    external_id_form=ExternalIdForm.NUMERIC,
)


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


def _intrabank(
    request: IntrabankTransferRequest | None, fields: Mapping[str, Any]
) -> IntrabankTransferRequest:
    built = INTRABANK_TRANSFER.build(request, fields)
    info = built.additional_info
    code = info.beneficiary_bank_code if info is not None else None
    check_transfer_amount(built.amount.value, interbank=False, bank_code=code)
    return built


def _interbank(
    request: InterbankTransferRequest | None,
    fields: Mapping[str, Any],
    route: TransferRoute | None,
) -> InterbankTransferRequest:
    if route is not None and not isinstance(route, TransferRoute):
        raise RequestValidationError("route must be a TransferRoute", field="route")
    built = INTERBANK_TRANSFER.build(request, fields)
    check_transfer_amount(built.amount.value, interbank=True, route=route)
    return built


def _va_payment(
    request: VaPaymentIntrabankRequest | None, fields: Mapping[str, Any]
) -> VaPaymentIntrabankRequest:
    built = VA_PAYMENT.build(request, fields)
    check_transfer_amount(built.paid_amount.value, interbank=False, field="paidAmount.value")
    return built


def _topup(request: TopupRequest | None, fields: Mapping[str, Any]) -> TopupRequest:
    built = TOPUP.build(request, fields)
    check_transfer_amount(built.amount.value, interbank=False)
    return built


class AsyncPayouts(AsyncService):
    """Payouts (IRIS) over BI-SNAP."""

    async def balance(
        self,
        request: BalanceInquiryRequest | None = None,
        /,
        *,
        external_id: str | None = None,
        headers: Headers = None,
        timeout: Timeout = None,
        **fields: Unpack[BalanceInquiryFields],
    ) -> BalanceInquiryResponse:
        """The payouts balance; ``accountNo`` is ``AGGREGATOR_ACCOUNT_NO`` for aggregators."""
        return await self._call(BALANCE, request, fields, external_id, headers, timeout)

    async def account_inquiry(
        self,
        request: ExternalAccountInquiryRequest | None = None,
        /,
        *,
        external_id: str | None = None,
        headers: Headers = None,
        timeout: Timeout = None,
        **fields: Unpack[ExternalAccountInquiryFields],
    ) -> ExternalAccountInquiryResponse:
        """The name behind a bank account (``beneficiaryBankCode`` + ``beneficiaryAccountNo``)."""
        return await self._call(ACCOUNT_INQUIRY, request, fields, external_id, headers, timeout)

    async def intrabank_transfer(
        self,
        request: IntrabankTransferRequest | None = None,
        /,
        *,
        external_id: str | None = None,
        headers: Headers = None,
        timeout: Timeout = None,
        **fields: Unpack[IntrabankTransferFields],
    ) -> IntrabankTransferResponse:
        """Transfer to a BCA, BRI, BNI, Mandiri, CIMB, Danamon, Permata or Jago account.

        Amount 1 to 9.999.999.999 IDR (CIMB from 10.000, recognised by
        ``additionalInfo.beneficiaryBankCode``), checked before sending. Money-moving: see
        the module docstring for what a timeout means.
        """
        built = _intrabank(request, fields)
        return await self._call(INTRABANK_TRANSFER, built, {}, external_id, headers, timeout)

    async def interbank_transfer(
        self,
        request: InterbankTransferRequest | None = None,
        /,
        *,
        route: TransferRoute | None = None,
        external_id: str | None = None,
        headers: Headers = None,
        timeout: Timeout = None,
        **fields: Unpack[InterbankTransferFields],
    ) -> InterbankTransferResponse:
        """Transfer to any other bank. The amount is checked against ``route``'s maximum
        (default BI Fast, 250.000.000 IDR, the most the automatic route allows); ``route`` is
        not sent."""
        built = _interbank(request, fields, route)
        return await self._call(INTERBANK_TRANSFER, built, {}, external_id, headers, timeout)

    async def va_inquiry(
        self,
        request: VaInquiryIntrabankRequest | None = None,
        /,
        *,
        external_id: str | None = None,
        headers: Headers = None,
        timeout: Timeout = None,
        **fields: Unpack[VaInquiryIntrabankFields],
    ) -> VaInquiryIntrabankResponse:
        """Look up a virtual account before paying it (gives ``inquiryRequestId``)."""
        return await self._call(VA_INQUIRY, request, fields, external_id, headers, timeout)

    async def va_payment(
        self,
        request: VaPaymentIntrabankRequest | None = None,
        /,
        *,
        external_id: str | None = None,
        headers: Headers = None,
        timeout: Timeout = None,
        **fields: Unpack[VaPaymentIntrabankFields],
    ) -> VaPaymentIntrabankResponse:
        """Pay a virtual account from the payouts balance (money-moving)."""
        built = _va_payment(request, fields)
        return await self._call(VA_PAYMENT, built, {}, external_id, headers, timeout)

    async def transfer_status(
        self,
        request: TransferStatusRequest | None = None,
        /,
        *,
        external_id: str | None = None,
        headers: Headers = None,
        timeout: Timeout = None,
        **fields: Unpack[TransferStatusFields],
    ) -> TransferStatusResponse:
        """Status of a transfer by its ``partnerReferenceNo`` and original ``serviceCode``
        (17, 18, 33 or 38). Ask no sooner than 10 minutes after the transfer."""
        return await self._call(TRANSFER_STATUS, request, fields, external_id, headers, timeout)

    async def emoney_account_inquiry(
        self,
        request: EmoneyAccountInquiryRequest | None = None,
        /,
        *,
        external_id: str | None = None,
        headers: Headers = None,
        timeout: Timeout = None,
        **fields: Unpack[EmoneyAccountInquiryFields],
    ) -> EmoneyAccountInquiryResponse:
        """The name behind an e-wallet (``customerNumber`` at ``beneficiaryProvider``)."""
        return await self._call(
            EMONEY_ACCOUNT_INQUIRY, request, fields, external_id, headers, timeout
        )

    async def topup(
        self,
        request: TopupRequest | None = None,
        /,
        *,
        external_id: str | None = None,
        headers: Headers = None,
        timeout: Timeout = None,
        **fields: Unpack[TopupFields],
    ) -> TopupResponse:
        """Top up a customer's e-wallet from the payouts balance (money-moving)."""
        built = _topup(request, fields)
        return await self._call(TOPUP, built, {}, external_id, headers, timeout)

    async def wait_for_transfer(
        self,
        original_partner_reference_no: str,
        service_code: str,
        *,
        polling: StatusPolling | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = anyio.sleep,
        timeout: Timeout = None,
    ) -> TransferStatusResponse:
        """Poll ``transfer/status`` until the transfer's status is final.

        Waits ``polling.first_check_after`` seconds (default 10 minutes, the gateway's
        guidance) before the first inquiry, then asks every ``polling.interval`` seconds.
        Returns the final answer, or the last one when ``polling.max_wait`` runs out (check
        :attr:`TransferStatusResponse.is_final`). ``clock`` (monotonic seconds) and ``sleep``
        are injectable for tests.
        """
        policy = polling or StatusPolling()
        start = clock()
        delay = policy.first_check_after
        while True:
            if delay > 0:
                await sleep(delay)
            answer = await self.transfer_status(
                original_partner_reference_no=original_partner_reference_no,
                service_code=service_code,
                timeout=timeout,
            )
            if answer.is_final:
                return answer
            if clock() - start + policy.interval > policy.max_wait:
                return answer
            delay = policy.interval


# --- generated by scripts/unasync.py from the Async classes above: do not edit ---


class Payouts(SyncService):
    """Payouts (IRIS) over BI-SNAP."""

    def balance(
        self,
        request: BalanceInquiryRequest | None = None,
        /,
        *,
        external_id: str | None = None,
        headers: Headers = None,
        timeout: Timeout = None,
        **fields: Unpack[BalanceInquiryFields],
    ) -> BalanceInquiryResponse:
        """The payouts balance; ``accountNo`` is ``AGGREGATOR_ACCOUNT_NO`` for aggregators."""
        return self._call(BALANCE, request, fields, external_id, headers, timeout)

    def account_inquiry(
        self,
        request: ExternalAccountInquiryRequest | None = None,
        /,
        *,
        external_id: str | None = None,
        headers: Headers = None,
        timeout: Timeout = None,
        **fields: Unpack[ExternalAccountInquiryFields],
    ) -> ExternalAccountInquiryResponse:
        """The name behind a bank account (``beneficiaryBankCode`` + ``beneficiaryAccountNo``)."""
        return self._call(ACCOUNT_INQUIRY, request, fields, external_id, headers, timeout)

    def intrabank_transfer(
        self,
        request: IntrabankTransferRequest | None = None,
        /,
        *,
        external_id: str | None = None,
        headers: Headers = None,
        timeout: Timeout = None,
        **fields: Unpack[IntrabankTransferFields],
    ) -> IntrabankTransferResponse:
        """Transfer to a BCA, BRI, BNI, Mandiri, CIMB, Danamon, Permata or Jago account.

        Amount 1 to 9.999.999.999 IDR (CIMB from 10.000, recognised by
        ``additionalInfo.beneficiaryBankCode``), checked before sending. Money-moving: see
        the module docstring for what a timeout means.
        """
        built = _intrabank(request, fields)
        return self._call(INTRABANK_TRANSFER, built, {}, external_id, headers, timeout)

    def interbank_transfer(
        self,
        request: InterbankTransferRequest | None = None,
        /,
        *,
        route: TransferRoute | None = None,
        external_id: str | None = None,
        headers: Headers = None,
        timeout: Timeout = None,
        **fields: Unpack[InterbankTransferFields],
    ) -> InterbankTransferResponse:
        """Transfer to any other bank. The amount is checked against ``route``'s maximum
        (default BI Fast, 250.000.000 IDR, the most the automatic route allows); ``route`` is
        not sent."""
        built = _interbank(request, fields, route)
        return self._call(INTERBANK_TRANSFER, built, {}, external_id, headers, timeout)

    def va_inquiry(
        self,
        request: VaInquiryIntrabankRequest | None = None,
        /,
        *,
        external_id: str | None = None,
        headers: Headers = None,
        timeout: Timeout = None,
        **fields: Unpack[VaInquiryIntrabankFields],
    ) -> VaInquiryIntrabankResponse:
        """Look up a virtual account before paying it (gives ``inquiryRequestId``)."""
        return self._call(VA_INQUIRY, request, fields, external_id, headers, timeout)

    def va_payment(
        self,
        request: VaPaymentIntrabankRequest | None = None,
        /,
        *,
        external_id: str | None = None,
        headers: Headers = None,
        timeout: Timeout = None,
        **fields: Unpack[VaPaymentIntrabankFields],
    ) -> VaPaymentIntrabankResponse:
        """Pay a virtual account from the payouts balance (money-moving)."""
        built = _va_payment(request, fields)
        return self._call(VA_PAYMENT, built, {}, external_id, headers, timeout)

    def transfer_status(
        self,
        request: TransferStatusRequest | None = None,
        /,
        *,
        external_id: str | None = None,
        headers: Headers = None,
        timeout: Timeout = None,
        **fields: Unpack[TransferStatusFields],
    ) -> TransferStatusResponse:
        """Status of a transfer by its ``partnerReferenceNo`` and original ``serviceCode``
        (17, 18, 33 or 38). Ask no sooner than 10 minutes after the transfer."""
        return self._call(TRANSFER_STATUS, request, fields, external_id, headers, timeout)

    def emoney_account_inquiry(
        self,
        request: EmoneyAccountInquiryRequest | None = None,
        /,
        *,
        external_id: str | None = None,
        headers: Headers = None,
        timeout: Timeout = None,
        **fields: Unpack[EmoneyAccountInquiryFields],
    ) -> EmoneyAccountInquiryResponse:
        """The name behind an e-wallet (``customerNumber`` at ``beneficiaryProvider``)."""
        return self._call(EMONEY_ACCOUNT_INQUIRY, request, fields, external_id, headers, timeout)

    def topup(
        self,
        request: TopupRequest | None = None,
        /,
        *,
        external_id: str | None = None,
        headers: Headers = None,
        timeout: Timeout = None,
        **fields: Unpack[TopupFields],
    ) -> TopupResponse:
        """Top up a customer's e-wallet from the payouts balance (money-moving)."""
        built = _topup(request, fields)
        return self._call(TOPUP, built, {}, external_id, headers, timeout)

    def wait_for_transfer(
        self,
        original_partner_reference_no: str,
        service_code: str,
        *,
        polling: StatusPolling | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        timeout: Timeout = None,
    ) -> TransferStatusResponse:
        """Poll ``transfer/status`` until the transfer's status is final.

        Waits ``polling.first_check_after`` seconds (default 10 minutes, the gateway's
        guidance) before the first inquiry, then asks every ``polling.interval`` seconds.
        Returns the final answer, or the last one when ``polling.max_wait`` runs out (check
        :attr:`TransferStatusResponse.is_final`). ``clock`` (monotonic seconds) and ``sleep``
        are injectable for tests.
        """
        policy = polling or StatusPolling()
        start = clock()
        delay = policy.first_check_after
        while True:
            if delay > 0:
                sleep(delay)
            answer = self.transfer_status(
                original_partner_reference_no=original_partner_reference_no,
                service_code=service_code,
                timeout=timeout,
            )
            if answer.is_final:
                return answer
            if clock() - start + policy.interval > policy.max_wait:
                return answer
            delay = policy.interval


# --- end of generated code ---
