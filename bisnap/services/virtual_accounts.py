"""``client.virtual_accounts``: create, status (single- and multi-use), delete."""

from __future__ import annotations

from bisnap.services.base import AsyncService, SyncService
from bisnap.services.endpoint import Endpoint
from bisnap.services.fields import CreateVaFields, DeleteVaFields, VaStatusFields
from bisnap.services.operations import VA_CREATE as CREATE
from bisnap.services.operations import VA_DELETE as DELETE
from bisnap.services.operations import VA_STATUS as STATUS

# The operations of bisnap.services.operations, under their family names, then the namespaces.
__all__ = [
    "CREATE",
    "DELETE",
    "STATUS",
    "AsyncVirtualAccounts",
    "VirtualAccounts",
    "VirtualAccountsEndpoints",
]


class VirtualAccountsEndpoints:
    """Bank-transfer virtual accounts."""

    create = Endpoint(CREATE, CreateVaFields)
    status = Endpoint(STATUS, VaStatusFields)
    delete = Endpoint(DELETE, DeleteVaFields)


class AsyncVirtualAccounts(AsyncService, VirtualAccountsEndpoints):
    """``client.virtual_accounts`` of :class:`~bisnap.client.AsyncSnapClient`."""


class VirtualAccounts(SyncService, VirtualAccountsEndpoints):
    """``client.virtual_accounts`` of :class:`~bisnap.client.SnapClient`."""
