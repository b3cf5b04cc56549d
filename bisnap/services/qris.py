"""``client.qris``: QRIS (MPM) generate, query, cancel, refund."""

from __future__ import annotations

from bisnap.services.base import AsyncService, SyncService
from bisnap.services.endpoint import Endpoint
from bisnap.services.fields import (
    QrisCancelFields,
    QrisGenerateFields,
    QrisQueryFields,
    QrisRefundFields,
)
from bisnap.services.operations import QRIS_CANCEL as CANCEL
from bisnap.services.operations import QRIS_GENERATE as GENERATE
from bisnap.services.operations import QRIS_QUERY as QUERY
from bisnap.services.operations import QRIS_REFUND as REFUND

# The operations of bisnap.services.operations, under their family names, then the namespaces.
__all__ = ["CANCEL", "GENERATE", "QUERY", "REFUND", "AsyncQris", "Qris", "QrisEndpoints"]


class QrisEndpoints:
    """QRIS (MPM) generate, query, cancel, refund."""

    generate = Endpoint(GENERATE, QrisGenerateFields)
    query = Endpoint(QUERY, QrisQueryFields)
    cancel = Endpoint(CANCEL, QrisCancelFields)
    refund = Endpoint(REFUND, QrisRefundFields)


class AsyncQris(AsyncService, QrisEndpoints):
    """``client.qris`` of :class:`~bisnap.client.AsyncSnapClient`."""


class Qris(SyncService, QrisEndpoints):
    """``client.qris`` of :class:`~bisnap.client.SnapClient`."""
