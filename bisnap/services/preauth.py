"""``client.preauth``: GoPay tokenization pre-auth: authorize, query, capture, void, refund."""

from __future__ import annotations

from typing import Any

from bisnap.models.preauth import (
    AuthorizeRequest,
    AuthorizeResponse,
    CaptureRequest,
    CaptureResponse,
    PreAuthQueryRequest,
    PreAuthQueryResponse,
    PreAuthRefundRequest,
    PreAuthRefundResponse,
    VoidRequest,
    VoidResponse,
)
from bisnap.services.base import AsyncService, Headers, SyncService, Timeout
from bisnap.services.operation import Operation

__all__ = ["AUTHORIZE", "CAPTURE", "QUERY", "REFUND", "VOID", "AsyncPreAuth", "PreAuth"]

AUTHORIZE = Operation(
    name="preauth.authorize",
    method="POST",
    path="/v1.0/auth/payment",
    service_code="63",
    request_model=AuthorizeRequest,
    response_model=AuthorizeResponse,
    money_moving=True,
    status_operation="preauth.query",
    needs_customer_token=True,
    needs_device_id=True,
)
QUERY = Operation(
    name="preauth.query",
    method="POST",
    path="/v1.0/auth/query",
    service_code="64",
    request_model=PreAuthQueryRequest,
    response_model=PreAuthQueryResponse,
    read_only=True,
)
CAPTURE = Operation(
    name="preauth.capture",
    method="POST",
    path="/v1.0/auth/capture",
    service_code="65",
    request_model=CaptureRequest,
    response_model=CaptureResponse,
    money_moving=True,
    status_operation="preauth.query",
    default_from_external_id="partner_capture_no",
)
VOID = Operation(
    name="preauth.void",
    method="POST",
    path="/v1.0/auth/void",
    service_code="67",
    request_model=VoidRequest,
    response_model=VoidResponse,
    status_operation="preauth.query",
    default_from_external_id="partner_void_no",
)
REFUND = Operation(
    name="preauth.refund",
    method="POST",
    path="/v1.0/auth/refund",
    service_code="69",
    request_model=PreAuthRefundRequest,
    response_model=PreAuthRefundResponse,
    money_moving=True,
    status_operation="preauth.query",
    default_from_external_id="partner_refund_no",
)


class AsyncPreAuth(AsyncService):
    """``client.preauth``: GoPay tokenization pre-auth: authorize, query, capture, void, refund."""

    async def authorize(
        self,
        request: AuthorizeRequest | None = None,
        /,
        *,
        external_id: str | None = None,
        customer_token: str | None = None,
        device_id: str | None = None,
        headers: Headers = None,
        timeout: Timeout = None,
        **fields: Any,
    ) -> AuthorizeResponse:
        """Reserve an amount on the customer's GoPay (needs ``customer_token=`` and
        ``device_id=``). Moves money: never resent automatically."""
        return await self._call(
            AUTHORIZE,
            request,
            fields,
            external_id=external_id,
            headers=headers,
            timeout=timeout,
            customer_token=customer_token,
            device_id=device_id,
        )

    async def query(
        self,
        request: PreAuthQueryRequest | None = None,
        /,
        *,
        external_id: str | None = None,
        headers: Headers = None,
        timeout: Timeout = None,
        **fields: Any,
    ) -> PreAuthQueryResponse:
        """Status of an authorization: ``latestTransactionStatus`` 01 authorized, 00 captured."""
        return await self._call(
            QUERY,
            request,
            fields,
            external_id=external_id,
            headers=headers,
            timeout=timeout,
        )

    async def capture(
        self,
        request: CaptureRequest | None = None,
        /,
        *,
        external_id: str | None = None,
        headers: Headers = None,
        timeout: Timeout = None,
        **fields: Any,
    ) -> CaptureResponse:
        """Capture an authorization in full. Moves money: never resent automatically."""
        return await self._call(
            CAPTURE,
            request,
            fields,
            external_id=external_id,
            headers=headers,
            timeout=timeout,
        )

    async def void(
        self,
        request: VoidRequest | None = None,
        /,
        *,
        external_id: str | None = None,
        headers: Headers = None,
        timeout: Timeout = None,
        **fields: Any,
    ) -> VoidResponse:
        """Release an authorization that was not captured."""
        return await self._call(
            VOID,
            request,
            fields,
            external_id=external_id,
            headers=headers,
            timeout=timeout,
        )

    async def refund(
        self,
        request: PreAuthRefundRequest | None = None,
        /,
        *,
        external_id: str | None = None,
        headers: Headers = None,
        timeout: Timeout = None,
        **fields: Any,
    ) -> PreAuthRefundResponse:
        """Refund a captured payment. Moves money: never resent automatically."""
        return await self._call(
            REFUND,
            request,
            fields,
            external_id=external_id,
            headers=headers,
            timeout=timeout,
        )


# --- generated by scripts/unasync.py from the Async classes above: do not edit ---


class PreAuth(SyncService):
    """``client.preauth``: GoPay tokenization pre-auth: authorize, query, capture, void, refund."""

    def authorize(
        self,
        request: AuthorizeRequest | None = None,
        /,
        *,
        external_id: str | None = None,
        customer_token: str | None = None,
        device_id: str | None = None,
        headers: Headers = None,
        timeout: Timeout = None,
        **fields: Any,
    ) -> AuthorizeResponse:
        """Reserve an amount on the customer's GoPay (needs ``customer_token=`` and
        ``device_id=``). Moves money: never resent automatically."""
        return self._call(
            AUTHORIZE,
            request,
            fields,
            external_id=external_id,
            headers=headers,
            timeout=timeout,
            customer_token=customer_token,
            device_id=device_id,
        )

    def query(
        self,
        request: PreAuthQueryRequest | None = None,
        /,
        *,
        external_id: str | None = None,
        headers: Headers = None,
        timeout: Timeout = None,
        **fields: Any,
    ) -> PreAuthQueryResponse:
        """Status of an authorization: ``latestTransactionStatus`` 01 authorized, 00 captured."""
        return self._call(
            QUERY,
            request,
            fields,
            external_id=external_id,
            headers=headers,
            timeout=timeout,
        )

    def capture(
        self,
        request: CaptureRequest | None = None,
        /,
        *,
        external_id: str | None = None,
        headers: Headers = None,
        timeout: Timeout = None,
        **fields: Any,
    ) -> CaptureResponse:
        """Capture an authorization in full. Moves money: never resent automatically."""
        return self._call(
            CAPTURE,
            request,
            fields,
            external_id=external_id,
            headers=headers,
            timeout=timeout,
        )

    def void(
        self,
        request: VoidRequest | None = None,
        /,
        *,
        external_id: str | None = None,
        headers: Headers = None,
        timeout: Timeout = None,
        **fields: Any,
    ) -> VoidResponse:
        """Release an authorization that was not captured."""
        return self._call(
            VOID,
            request,
            fields,
            external_id=external_id,
            headers=headers,
            timeout=timeout,
        )

    def refund(
        self,
        request: PreAuthRefundRequest | None = None,
        /,
        *,
        external_id: str | None = None,
        headers: Headers = None,
        timeout: Timeout = None,
        **fields: Any,
    ) -> PreAuthRefundResponse:
        """Refund a captured payment. Moves money: never resent automatically."""
        return self._call(
            REFUND,
            request,
            fields,
            external_id=external_id,
            headers=headers,
            timeout=timeout,
        )


# --- end of generated code ---
