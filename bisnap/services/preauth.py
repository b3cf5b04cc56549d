"""``client.preauth``: GoPay tokenization pre-auth: authorize, query, capture, void, refund."""

from __future__ import annotations

from bisnap.services.base import AsyncService, SyncService
from bisnap.services.endpoint import Endpoint
from bisnap.services.fields import (
    AuthorizeFields,
    CaptureFields,
    PreAuthQueryFields,
    PreAuthRefundFields,
    VoidFields,
)
from bisnap.services.operations import PREAUTH_AUTHORIZE as AUTHORIZE
from bisnap.services.operations import PREAUTH_CAPTURE as CAPTURE
from bisnap.services.operations import PREAUTH_QUERY as QUERY
from bisnap.services.operations import PREAUTH_REFUND as REFUND
from bisnap.services.operations import PREAUTH_VOID as VOID

# The operations of bisnap.services.operations, under their family names, then the namespaces.
__all__ = [
    "AUTHORIZE",
    "CAPTURE",
    "QUERY",
    "REFUND",
    "VOID",
    "AsyncPreAuth",
    "PreAuth",
    "PreAuthEndpoints",
]


class PreAuthEndpoints:
    """GoPay tokenization pre-auth: authorize, query, capture, void, refund."""

    authorize = Endpoint(AUTHORIZE, AuthorizeFields)
    query = Endpoint(QUERY, PreAuthQueryFields)
    capture = Endpoint(CAPTURE, CaptureFields)
    void = Endpoint(VOID, VoidFields)
    refund = Endpoint(REFUND, PreAuthRefundFields)


class AsyncPreAuth(AsyncService, PreAuthEndpoints):
    """``client.preauth`` of :class:`~bisnap.client.AsyncSnapClient`."""


class PreAuth(SyncService, PreAuthEndpoints):
    """``client.preauth`` of :class:`~bisnap.client.SnapClient`."""
