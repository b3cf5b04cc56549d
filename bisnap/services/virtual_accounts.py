"""``client.virtual_accounts``: create, status (single- and multi-use), delete."""

from __future__ import annotations

from typing import Any

from bisnap.models.virtual_accounts import (
    CreateVaRequest,
    CreateVaResponse,
    DeleteVaRequest,
    DeleteVaResponse,
    VaStatusRequest,
    VaStatusResponse,
)
from bisnap.services.base import AsyncService, Headers, SyncService, Timeout
from bisnap.services.operation import Operation

__all__ = ["CREATE", "DELETE", "STATUS", "AsyncVirtualAccounts", "VirtualAccounts"]

CREATE = Operation(
    name="virtual_accounts.create",
    method="POST",
    path="/v1.0/transfer-va/create-va",
    service_code="27",
    request_model=CreateVaRequest,
    response_model=CreateVaResponse,
    status_operation="virtual_accounts.status",
    external_id_field="trx_id",
)
STATUS = Operation(
    name="virtual_accounts.status",
    method="POST",
    path="/v1.0/transfer-va/status",
    service_code="26",
    request_model=VaStatusRequest,
    response_model=VaStatusResponse,
    read_only=True,
)
DELETE = Operation(
    name="virtual_accounts.delete",
    method="POST",
    path="/v1.0/transfer-va/delete-va",
    service_code="31",
    request_model=DeleteVaRequest,
    response_model=DeleteVaResponse,
    status_operation="virtual_accounts.status",
)


class VirtualAccounts(SyncService):
    """Bank-transfer virtual accounts."""

    def create(
        self,
        request: CreateVaRequest | None = None,
        /,
        *,
        external_id: str | None = None,
        headers: Headers = None,
        timeout: Timeout = None,
        **fields: Any,
    ) -> CreateVaResponse:
        """Create a VA. ``trxId`` and ``X-EXTERNAL-ID`` are the same value: give either (or
        neither, and one is generated). Use ``virtualAccountData.virtualAccountNo`` of the
        answer as the VA number."""
        return self._call(
            CREATE,
            request,
            fields,
            external_id=external_id,
            headers=headers,
            timeout=timeout,
        )

    def status(
        self,
        request: VaStatusRequest | None = None,
        /,
        *,
        external_id: str | None = None,
        headers: Headers = None,
        timeout: Timeout = None,
        **fields: Any,
    ) -> VaStatusResponse:
        """Status of a VA; ``inquiryRequestId`` is the create call's ``trxId``. For a
        multi-use VA add ``additionalInfo.page`` / ``pageSize``."""
        return self._call(
            STATUS,
            request,
            fields,
            external_id=external_id,
            headers=headers,
            timeout=timeout,
        )

    def delete(
        self,
        request: DeleteVaRequest | None = None,
        /,
        *,
        external_id: str | None = None,
        headers: Headers = None,
        timeout: Timeout = None,
        **fields: Any,
    ) -> DeleteVaResponse:
        """Delete (cancel) an unpaid VA; ``trxId`` is the create call's ``trxId``."""
        return self._call(
            DELETE,
            request,
            fields,
            external_id=external_id,
            headers=headers,
            timeout=timeout,
        )


class AsyncVirtualAccounts(AsyncService):
    """Bank-transfer virtual accounts (async)."""

    async def create(
        self,
        request: CreateVaRequest | None = None,
        /,
        *,
        external_id: str | None = None,
        headers: Headers = None,
        timeout: Timeout = None,
        **fields: Any,
    ) -> CreateVaResponse:
        """See :meth:`VirtualAccounts.create`."""
        return await self._call(
            CREATE,
            request,
            fields,
            external_id=external_id,
            headers=headers,
            timeout=timeout,
        )

    async def status(
        self,
        request: VaStatusRequest | None = None,
        /,
        *,
        external_id: str | None = None,
        headers: Headers = None,
        timeout: Timeout = None,
        **fields: Any,
    ) -> VaStatusResponse:
        """See :meth:`VirtualAccounts.status`."""
        return await self._call(
            STATUS,
            request,
            fields,
            external_id=external_id,
            headers=headers,
            timeout=timeout,
        )

    async def delete(
        self,
        request: DeleteVaRequest | None = None,
        /,
        *,
        external_id: str | None = None,
        headers: Headers = None,
        timeout: Timeout = None,
        **fields: Any,
    ) -> DeleteVaResponse:
        """See :meth:`VirtualAccounts.delete`."""
        return await self._call(
            DELETE,
            request,
            fields,
            external_id=external_id,
            headers=headers,
            timeout=timeout,
        )
