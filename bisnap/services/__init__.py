"""Service namespaces of the typed clients, one module per API family.

How to add a service namespace (the contract every family module follows)
-------------------------------------------------------------------------

1. Models go in ``bisnap/models/<family>.py``, built from :mod:`bisnap.models.common`:
   requests subclass :class:`~bisnap.models.common.SnapRequest` (unknown top-level keys are
   refused), responses subclass :class:`~bisnap.models.common.SnapResponse` (they carry
   ``response_code`` / ``response_message`` and keep unknown fields), nested free-form objects
   subclass :class:`~bisnap.models.common.SnapObject`; money is
   :class:`~bisnap.models.common.Amount`, response timestamps
   :class:`~bisnap.models.common.SnapTimestamp`. Field names are snake_case; the camelCase
   wire name is generated (give ``Field(alias=...)`` only when the wire name is not the
   camelCase of the attribute). Secret-bearing fields use ``Field(repr=False)``.

2. Each endpoint is one :class:`~bisnap.services.operation.Operation` constant in
   ``bisnap/services/<family>.py``: what is sent where, into which models, and how it may be
   retried::

       TRANSFER = Operation(
           name="payouts.interbank_transfer",          # the public dotted name
           method="POST",
           path="/v1.0/transfer-interbank",
           service_code="18",
           request_model=InterbankTransferRequest,     # keyword fields are validated into it
           response_model=InterbankTransferResponse,   # the answer is parsed into it
           money_moving=True,                          # never resent automatically
           status_operation="payouts.transfer_status", # named in OutcomeUnknownError
       )

   ``read_only=True`` (status, inquiry, query, history) makes the core retry connection
   errors, timeouts, 5xx and 429 with capped jittered backoff. Anything not read-only is never
   resent automatically once it may have reached the gateway: the caller gets
   :class:`~bisnap.errors.OutcomeUnknownError` naming ``status_operation`` and may call
   ``client.resend(error)``. ``external_id_field="partner_refund_no"`` ties a request
   attribute to ``X-EXTERNAL-ID`` (filled in from one another; a mismatch is refused).

3. The namespace is written once, async, subclassing
   :class:`~bisnap.services.base.AsyncService`. Each public method takes the typed request
   positionally *or* its fields as keywords, plus keyword-only call options, and returns the
   typed response::

       class AsyncPayouts(AsyncService):
           async def interbank_transfer(
               self,
               request: InterbankTransferRequest | None = None,
               /,
               *,
               external_id: str | None = None,
               timeout: float | httpx.Timeout | None = None,
               **fields: Any,
           ) -> InterbankTransferResponse:
               # its docstring is what both clients show
               return await self._call(TRANSFER, request, fields,
                                       external_id=external_id, timeout=timeout)

   The sync class (``Payouts(SyncService)``) is generated from it at the end of the module by
   ``python scripts/unasync.py`` (``async def`` -> ``def``, ``await`` dropped, ``AsyncX`` ->
   ``X``); never edit the generated block. CI runs ``scripts/unasync.py --check`` and
   ``tests/client/test_sync_surface.py`` checks both surfaces match.

   ``_call`` validates (RequestValidationError naming the field, nothing sent), settles
   ``X-EXTERNAL-ID``, serializes once with :func:`bisnap.headers.serialize_body`, sends through
   ``SnapAuth``, and turns the answer into the typed response or a typed error
   (:mod:`bisnap.services.core`). ``202xx00`` comes back as a response with ``is_pending``.

4. Attach it in :mod:`bisnap.client`: one line in ``SnapClient.__init__``
   (``self.payouts = Payouts(self)``) and one in ``AsyncSnapClient.__init__``
   (``self.payouts = AsyncPayouts(self)``), in the block marked for extra namespaces.
"""

from bisnap.services.base import AsyncService, SyncService
from bisnap.services.core import CallOptions, ClientCore, PreparedCall
from bisnap.services.operation import Operation

__all__ = [
    "AsyncService",
    "CallOptions",
    "ClientCore",
    "Operation",
    "PreparedCall",
    "SyncService",
]
