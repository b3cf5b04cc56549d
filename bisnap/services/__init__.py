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

2. Each endpoint is one :class:`~bisnap.services.operation.Operation` row in the table
   :mod:`bisnap.services.operations`: name, method, path, service code, request and response
   models, how it may be retried, and ``doc``, the docstring its method shows::

       PAYOUT_INTERBANK_TRANSFER = Operation(
           "payouts.interbank_transfer", "POST", "/v1.0/transfer-interbank", "18",
           InterbankTransferRequest, InterbankTransferResponse,
           money_moving=True, status_operation="payouts.transfer_status",
           doc="Transfer to any other bank. ...",
       )

   ``read_only=True`` (status, inquiry, query, history) makes the core retry connection
   errors, timeouts, 5xx and 429 with capped jittered backoff. Anything not read-only is never
   resent automatically once it may have reached the gateway: the caller gets
   :class:`~bisnap.errors.OutcomeUnknownError` naming ``status_operation`` and may call
   ``client.resend(error)``. ``external_id_field="partner_refund_no"`` ties a request
   attribute to ``X-EXTERNAL-ID`` (filled in from one another; a mismatch is refused).

3. ``python scripts/request_fields.py`` writes the operation's keyword parameters
   (:mod:`bisnap.services.fields`): a TypedDict of the request model's fields that inherits
   the call options (:class:`~bisnap.services.keywords.CallKeywords`: ``external_id``,
   ``headers``, ``timeout``; ``CustomerKeywords`` adds ``customer_token`` and ``device_id``
   for an operation that needs a device id; ``LinkedCustomerKeywords`` requires
   ``customer_token`` for one that needs it). CI runs it with ``--check``.

4. The family module declares its methods once, in a table of endpoints that both the async
   and the sync namespace inherit::

       class PayoutsEndpoints:
           balance = Endpoint(BALANCE, BalanceInquiryFields)
           topup = Endpoint(TOPUP, TopupFields, prepare=_check_amount)

       class AsyncPayouts(AsyncService, PayoutsEndpoints): ...
       class Payouts(SyncService, PayoutsEndpoints): ...

   Read from ``AsyncSnapClient.payouts`` an :class:`~bisnap.services.endpoint.Endpoint` is a
   coroutine function, from ``SnapClient.payouts`` a plain one; both take the typed request
   positionally *or* its fields as keywords, plus the options, and return the typed
   response. Type checkers see each keyword (the TypedDict is the method's parameters);
   ``help()`` and the docs see them too (``__signature__``). The call validates
   (RequestValidationError naming the field, with the closest name for a misspelt one;
   nothing sent), runs ``prepare(service, request, options)`` (an amount limit, default
   dates), then the client core settles ``X-EXTERNAL-ID``, serializes once, sends through
   ``SnapAuth`` and turns the answer into the typed response or a typed error
   (:mod:`bisnap.services.core`). ``202xx00`` comes back as a response with ``is_pending``.

   A method that is more than one call is written once too: a
   :class:`~bisnap.services.flow.Flow` is a generator that yields ``Call`` and ``Sleep``
   steps, run by a sync and an async driver (``payouts.wait_for_transfer``); the history
   iterators share one page rule (``reporting.history_pages``). All three are a
   :class:`~bisnap.services.method.NamespaceMethod`. ``tests/client/test_sync_surface.py``
   checks that both surfaces match.

5. Attach it in :mod:`bisnap.client`: one line in the clients' shared base
   (``payouts = _Namespace(Payouts, AsyncPayouts)``) gives both clients ``client.payouts``.
"""

from bisnap.services.base import AsyncService, SyncService
from bisnap.services.core import CallOptions, ClientCore, PreparedCall
from bisnap.services.endpoint import Endpoint
from bisnap.services.flow import Flow
from bisnap.services.operation import Operation

__all__ = [
    "AsyncService",
    "CallOptions",
    "ClientCore",
    "Endpoint",
    "Flow",
    "Operation",
    "PreparedCall",
    "SyncService",
]
