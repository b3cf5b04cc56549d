"""``client.qris``: QRIS (MPM) generate, query, cancel, refund."""

from __future__ import annotations

from typing import Any

from bisnap.models.qris import (
    QrisCancelRequest,
    QrisCancelResponse,
    QrisGenerateRequest,
    QrisGenerateResponse,
    QrisQueryRequest,
    QrisQueryResponse,
    QrisRefundRequest,
    QrisRefundResponse,
)
from bisnap.services.base import AsyncService, Headers, SyncService, Timeout
from bisnap.services.operation import Operation

__all__ = ["CANCEL", "GENERATE", "QUERY", "REFUND", "AsyncQris", "Qris"]

GENERATE = Operation(
    name="qris.generate",
    method="POST",
    path="/v1.0/qr/qr-mpm-generate",
    service_code="47",
    request_model=QrisGenerateRequest,
    response_model=QrisGenerateResponse,
    status_operation="qris.query",
    external_id_field="partner_reference_no",
)
QUERY = Operation(
    name="qris.query",
    method="POST",
    path="/v1.0/qr/qr-mpm-query",
    service_code="51",
    request_model=QrisQueryRequest,
    response_model=QrisQueryResponse,
    read_only=True,
)
CANCEL = Operation(
    name="qris.cancel",
    method="POST",
    path="/v1.0/qr/qr-mpm-cancel",
    service_code="77",
    request_model=QrisCancelRequest,
    response_model=QrisCancelResponse,
    status_operation="qris.query",
)
REFUND = Operation(
    name="qris.refund",
    method="POST",
    path="/v1.0/qr/qr-mpm-refund",
    service_code="78",
    request_model=QrisRefundRequest,
    response_model=QrisRefundResponse,
    money_moving=True,
    status_operation="qris.query",
    external_id_field="partner_refund_no",
)


class Qris(SyncService):
    """``client.qris``: QRIS (MPM) generate, query, cancel, refund."""

    def generate(
        self,
        request: QrisGenerateRequest | None = None,
        /,
        *,
        external_id: str | None = None,
        headers: Headers = None,
        timeout: Timeout = None,
        **fields: Any,
    ) -> QrisGenerateResponse:
        """Generate a QR code. ``partnerReferenceNo`` and ``X-EXTERNAL-ID`` are the same value:
        give either (or neither, and one is generated)."""
        return self._call(
            GENERATE,
            request,
            fields,
            external_id=external_id,
            headers=headers,
            timeout=timeout,
        )

    def query(
        self,
        request: QrisQueryRequest | None = None,
        /,
        *,
        external_id: str | None = None,
        headers: Headers = None,
        timeout: Timeout = None,
        **fields: Any,
    ) -> QrisQueryResponse:
        """Status of a QRIS payment by ``originalReferenceNo``, ``originalPartnerReferenceNo``
        or ``originalExternalId``; ``latestTransactionStatus`` 00 means paid."""
        return self._call(
            QUERY,
            request,
            fields,
            external_id=external_id,
            headers=headers,
            timeout=timeout,
        )

    def cancel(
        self,
        request: QrisCancelRequest | None = None,
        /,
        *,
        external_id: str | None = None,
        headers: Headers = None,
        timeout: Timeout = None,
        **fields: Any,
    ) -> QrisCancelResponse:
        """Cancel an unpaid QRIS payment (``merchantId`` and ``reason`` are mandatory)."""
        return self._call(
            CANCEL,
            request,
            fields,
            external_id=external_id,
            headers=headers,
            timeout=timeout,
        )

    def refund(
        self,
        request: QrisRefundRequest | None = None,
        /,
        *,
        external_id: str | None = None,
        headers: Headers = None,
        timeout: Timeout = None,
        **fields: Any,
    ) -> QrisRefundResponse:
        """Refund a QRIS payment (moves money: never resent automatically).
        ``partnerRefundNo`` and ``X-EXTERNAL-ID`` are the same value."""
        return self._call(
            REFUND,
            request,
            fields,
            external_id=external_id,
            headers=headers,
            timeout=timeout,
        )


class AsyncQris(AsyncService):
    """The async twin of :class:`Qris`."""

    async def generate(
        self,
        request: QrisGenerateRequest | None = None,
        /,
        *,
        external_id: str | None = None,
        headers: Headers = None,
        timeout: Timeout = None,
        **fields: Any,
    ) -> QrisGenerateResponse:
        """See :meth:`Qris.generate`."""
        return await self._call(
            GENERATE,
            request,
            fields,
            external_id=external_id,
            headers=headers,
            timeout=timeout,
        )

    async def query(
        self,
        request: QrisQueryRequest | None = None,
        /,
        *,
        external_id: str | None = None,
        headers: Headers = None,
        timeout: Timeout = None,
        **fields: Any,
    ) -> QrisQueryResponse:
        """See :meth:`Qris.query`."""
        return await self._call(
            QUERY,
            request,
            fields,
            external_id=external_id,
            headers=headers,
            timeout=timeout,
        )

    async def cancel(
        self,
        request: QrisCancelRequest | None = None,
        /,
        *,
        external_id: str | None = None,
        headers: Headers = None,
        timeout: Timeout = None,
        **fields: Any,
    ) -> QrisCancelResponse:
        """See :meth:`Qris.cancel`."""
        return await self._call(
            CANCEL,
            request,
            fields,
            external_id=external_id,
            headers=headers,
            timeout=timeout,
        )

    async def refund(
        self,
        request: QrisRefundRequest | None = None,
        /,
        *,
        external_id: str | None = None,
        headers: Headers = None,
        timeout: Timeout = None,
        **fields: Any,
    ) -> QrisRefundResponse:
        """See :meth:`Qris.refund`."""
        return await self._call(
            REFUND,
            request,
            fields,
            external_id=external_id,
            headers=headers,
            timeout=timeout,
        )
