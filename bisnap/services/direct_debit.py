"""``client.direct_debit``: GoPay, ShopeePay and DANA payments; status, cancel, refund."""

from __future__ import annotations

from typing import Any

from bisnap.models.common import build_request
from bisnap.models.direct_debit import (
    DebitCancelRequest,
    DebitCancelResponse,
    DebitPaymentRequest,
    DebitPaymentResponse,
    DebitRefundRequest,
    DebitRefundResponse,
    DebitStatusRequest,
    DebitStatusResponse,
    check_tokenization_payment,
)
from bisnap.services.base import AsyncService, Headers, SyncService, Timeout
from bisnap.services.operation import Operation

__all__ = ["CANCEL", "PAYMENT", "REFUND", "STATUS", "AsyncDirectDebit", "DirectDebit"]

PAYMENT = Operation(
    name="direct_debit.payment",
    method="POST",
    path="/v1.0/debit/payment-host-to-host",
    service_code="54",
    response_model=DebitPaymentResponse,
    money_moving=True,
    status_operation="direct_debit.status",
)
STATUS = Operation(
    name="direct_debit.status",
    method="POST",
    path="/v1.0/debit/status",
    service_code="55",
    response_model=DebitStatusResponse,
    read_only=True,
)
CANCEL = Operation(
    name="direct_debit.cancel",
    method="POST",
    path="/v1.0/debit/cancel",
    service_code="57",
    response_model=DebitCancelResponse,
    status_operation="direct_debit.status",
)
REFUND = Operation(
    name="direct_debit.refund",
    method="POST",
    path="/v1.0/debit/refund",
    service_code="58",
    response_model=DebitRefundResponse,
    money_moving=True,
    status_operation="direct_debit.status",
    default_from_external_id="partner_refund_no",
)


def _payment_request(
    request: DebitPaymentRequest | None, fields: dict[str, Any], customer_token: str | None
) -> DebitPaymentRequest:
    built = build_request(DebitPaymentRequest, request, **fields)
    if customer_token is not None:
        check_tokenization_payment(built)
    return built


class DirectDebit(SyncService):
    """``client.direct_debit``: GoPay, ShopeePay and DANA payments; status, cancel, refund."""

    def payment(
        self,
        request: DebitPaymentRequest | None = None,
        /,
        *,
        external_id: str | None = None,
        customer_token: str | None = None,
        device_id: str | None = None,
        headers: Headers = None,
        timeout: Timeout = None,
        **fields: Any,
    ) -> DebitPaymentResponse:
        """Start a payment; send the customer to ``webRedirectUrl``. Moves money: never resent
        automatically. For GoPay tokenization pass ``customer_token=`` and ``device_id=``."""
        built = _payment_request(request, fields, customer_token)
        return self._call(
            PAYMENT, DebitPaymentRequest, DebitPaymentResponse, built, {},
            external_id=external_id, headers=headers, timeout=timeout,
            customer_token=customer_token, device_id=device_id,
        )  # fmt: skip

    def status(
        self,
        request: DebitStatusRequest | None = None,
        /,
        *,
        external_id: str | None = None,
        headers: Headers = None,
        timeout: Timeout = None,
        **fields: Any,
    ) -> DebitStatusResponse:
        """Status by ``originalReferenceNo`` or ``originalExternalId`` (the payment's
        X-EXTERNAL-ID); ``serviceCode`` defaults to 54 (payment)."""
        return self._call(
            STATUS, DebitStatusRequest, DebitStatusResponse, request, fields,
            external_id=external_id, headers=headers, timeout=timeout,
        )  # fmt: skip

    def cancel(
        self,
        request: DebitCancelRequest | None = None,
        /,
        *,
        external_id: str | None = None,
        headers: Headers = None,
        timeout: Timeout = None,
        **fields: Any,
    ) -> DebitCancelResponse:
        """Cancel an unpaid payment."""
        return self._call(
            CANCEL, DebitCancelRequest, DebitCancelResponse, request, fields,
            external_id=external_id, headers=headers, timeout=timeout,
        )  # fmt: skip

    def refund(
        self,
        request: DebitRefundRequest | None = None,
        /,
        *,
        external_id: str | None = None,
        headers: Headers = None,
        timeout: Timeout = None,
        **fields: Any,
    ) -> DebitRefundResponse:
        """Refund a payment (whole, or ``refundAmount``). Moves money: never resent
        automatically."""
        return self._call(
            REFUND, DebitRefundRequest, DebitRefundResponse, request, fields,
            external_id=external_id, headers=headers, timeout=timeout,
        )  # fmt: skip


class AsyncDirectDebit(AsyncService):
    """The async twin of :class:`DirectDebit`."""

    async def payment(
        self,
        request: DebitPaymentRequest | None = None,
        /,
        *,
        external_id: str | None = None,
        customer_token: str | None = None,
        device_id: str | None = None,
        headers: Headers = None,
        timeout: Timeout = None,
        **fields: Any,
    ) -> DebitPaymentResponse:
        """See :meth:`DirectDebit.payment`."""
        built = _payment_request(request, fields, customer_token)
        return await self._call(
            PAYMENT, DebitPaymentRequest, DebitPaymentResponse, built, {},
            external_id=external_id, headers=headers, timeout=timeout,
            customer_token=customer_token, device_id=device_id,
        )  # fmt: skip

    async def status(
        self,
        request: DebitStatusRequest | None = None,
        /,
        *,
        external_id: str | None = None,
        headers: Headers = None,
        timeout: Timeout = None,
        **fields: Any,
    ) -> DebitStatusResponse:
        """See :meth:`DirectDebit.status`."""
        return await self._call(
            STATUS, DebitStatusRequest, DebitStatusResponse, request, fields,
            external_id=external_id, headers=headers, timeout=timeout,
        )  # fmt: skip

    async def cancel(
        self,
        request: DebitCancelRequest | None = None,
        /,
        *,
        external_id: str | None = None,
        headers: Headers = None,
        timeout: Timeout = None,
        **fields: Any,
    ) -> DebitCancelResponse:
        """See :meth:`DirectDebit.cancel`."""
        return await self._call(
            CANCEL, DebitCancelRequest, DebitCancelResponse, request, fields,
            external_id=external_id, headers=headers, timeout=timeout,
        )  # fmt: skip

    async def refund(
        self,
        request: DebitRefundRequest | None = None,
        /,
        *,
        external_id: str | None = None,
        headers: Headers = None,
        timeout: Timeout = None,
        **fields: Any,
    ) -> DebitRefundResponse:
        """See :meth:`DirectDebit.refund`."""
        return await self._call(
            REFUND, DebitRefundRequest, DebitRefundResponse, request, fields,
            external_id=external_id, headers=headers, timeout=timeout,
        )  # fmt: skip
