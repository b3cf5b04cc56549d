"""The client core shared by :class:`bisnap.SnapClient` and :class:`bisnap.AsyncSnapClient`.

Everything here is sans-I/O: the sync and async clients differ only in how they send a request
and how they sleep. One call goes through these steps::

    prepare()          validate the request, settle X-EXTERNAL-ID, serialize the body ONCE,
                       build headers: any rule violation raises RequestValidationError and
                       nothing is sent
    (client sends prepared.body with prepared.headers; SnapAuth adds token and signature)
    on_response()      HTTP status is authoritative; responseCode parsed; typed response,
                       typed SnapAPIError, ProtocolError, or "retry after N seconds"
    on_transport_error()  connection failures and timeouts: retry (read-only, or the request
                       never left), or raise TransportError / OutcomeUnknownError

Retry safety: a call that is not read-only is never resent automatically once the request may
have reached the gateway. A timeout, a dropped connection, a 5xx or an unreadable success
answer there raises :class:`~bisnap.errors.OutcomeUnknownError` carrying the X-EXTERNAL-ID and
naming the status call that settles it. ``client.resend(error)`` sends the same bytes again
with the same X-EXTERNAL-ID (the documented idempotent retry).
"""

from __future__ import annotations

import dataclasses
import functools
import json
import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, NoReturn, TypeVar

import httpx
from pydantic import ValidationError

from bisnap.auth import SERIALIZED_BODY, SerializedBody
from bisnap.credentials import Credentials
from bisnap.errors import (
    OutcomeUnknownError,
    ProtocolError,
    RequestValidationError,
    ResponseCode,
    TransportError,
    error_for_response,
)
from bisnap.external_id import (
    ExternalIdForm,
    check_external_id,
    external_id_problem,
    new_external_id,
)
from bisnap.gateways import GatewayProfile
from bisnap.headers import serialize_body
from bisnap.models.common import (
    SnapRequest,
    SnapResponse,
    parse_response,
    validation_error_to_request_error,
)
from bisnap.retry import RetryPolicy, parse_retry_after
from bisnap.services.operation import AnyOperation
from bisnap.signing import Digest, body_digest
from bisnap.transport import validate_timeout

__all__ = [
    "CallOptions",
    "ClientCore",
    "PreparedCall",
    "Retry",
]

_DEVICE_HEADER = "X-DEVICE-ID"
_CUSTOMER_HEADER = "Authorization-Customer"
# Headers a caller may add per call (end-customer context); everything else is the core's.
_CALLER_HEADERS = frozenset({"x-ip-address", "x-latitude", "x-longitude", "origin", "debug-id"})
_RESEND_MEMORY = 256
# Failures that happen before any byte of the request can have left this process.
_NEVER_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)

_R = TypeVar("_R", bound=SnapResponse)


@dataclass(frozen=True)
class CallOptions:
    """Per-call settings besides the body.

    ``external_id``     the ``X-EXTERNAL-ID`` to use (default: generated, or taken from the
                        field the operation ties to it)
    ``customer_token``  the customer token from bind, sent as ``Authorization-Customer``
    ``device_id``       ``X-DEVICE-ID`` (default: the client's ``device_id``)
    ``headers``         extra end-customer headers: ``X-IP-ADDRESS``, ``X-LATITUDE``,
                        ``X-LONGITUDE``, ``ORIGIN``, ``debug-id`` (others are refused)
    ``timeout``         overrides the client's timeout for this call (never unlimited)
    """

    external_id: str | None = None
    customer_token: str | None = field(default=None, repr=False)
    device_id: str | None = None
    headers: Mapping[str, str] | None = None
    timeout: httpx.Timeout | float | None = None


@functools.lru_cache(maxsize=512)
def _parsed_url(url: str) -> httpx.URL:
    """An operation's URL, parsed once (it is the same for every call)."""
    return httpx.URL(url)


@dataclass(frozen=True)
class PreparedCall:
    """A validated, serialized call: sent as is, and resent as is by ``client.resend``."""

    operation: AnyOperation
    url: str
    body: bytes = field(repr=False)
    external_id: str
    headers: tuple[tuple[str, str], ...] = field(repr=False)
    timeout: httpx.Timeout | None = None
    external_id_given: bool = False
    digest: Digest | None = field(default=None, repr=False)
    """The SNAP digest of ``body``, computed once when the body was serialized."""

    def build(self, client: httpx.Client | httpx.AsyncClient) -> httpx.Request:
        """The httpx request (the same bytes every time it is built)."""
        extensions: dict[str, Any] = {}
        if self.timeout is not None:
            extensions["timeout"] = self.timeout.as_dict()
        if self.digest is not None:
            extensions[SERIALIZED_BODY] = SerializedBody(self.body, self.digest)
        return client.build_request(
            self.operation.method,
            _parsed_url(self.url),
            content=self.body if self.operation.method != "GET" else None,
            headers=self.headers,
            extensions=extensions,
        )


@dataclass(frozen=True)
class Retry:
    """The core's answer "wait ``delay`` seconds, then send the same request again"."""

    delay: float


def _form(profile: GatewayProfile, operation: AnyOperation) -> ExternalIdForm:
    """The X-EXTERNAL-ID form of ``operation``: its own, else the gateway profile's."""
    return operation.external_id_form or profile.external_id_form


def _header_value(name: str, value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        raise RequestValidationError(f"{name} must be a non-empty str", field=name)
    if any(ch in value for ch in "\r\n\x00"):
        raise RequestValidationError(f"{name} contains a line break", field=name)
    return value


def _with_field(request: SnapRequest, name: str, value: str) -> SnapRequest:
    """A copy of ``request`` with ``name`` set (validated like any caller-given value: the
    models validate on assignment, model rules included)."""
    copy = request.model_copy()
    try:
        setattr(copy, name, value)
    except ValidationError as exc:
        raise validation_error_to_request_error(type(request), exc) from None
    return copy


def _wire_name(model: type[SnapRequest], attribute: str) -> str:
    info = model.model_fields.get(attribute)
    return (info.alias if info is not None and info.alias else None) or attribute


class ClientCore:
    """Validation, serialization, response interpretation and retry decisions for one client."""

    def __init__(
        self,
        profile: GatewayProfile,
        credentials: Credentials,
        *,
        device_id: str | None = None,
        retry: RetryPolicy | None = None,
        external_id_factory: Callable[[], str] | None = None,
    ) -> None:
        self.profile = profile
        self.credentials = credentials
        self.device_id = None if device_id is None else _header_value(_DEVICE_HEADER, device_id)
        self.retry = retry if retry is not None else RetryPolicy()
        self.external_id_factory = external_id_factory or new_external_id
        self._unknown: OrderedDict[str, PreparedCall] = OrderedDict()
        self._unknown_lock = threading.Lock()

    # --- before any I/O ------------------------------------------------------------------------

    def settle_external_id(
        self, operation: AnyOperation, request: SnapRequest | None, given: str | None
    ) -> tuple[SnapRequest | None, str]:
        """The X-EXTERNAL-ID, and the request with the tied / defaulted field filled in."""
        form = _form(self.profile, operation)
        if given is not None:
            check_external_id(given, form, field="external_id")
        tied = operation.external_id_field
        if tied is None or request is None:
            external_id = given if given is not None else self._fresh_external_id(form)
            return self._default_field(operation, request, external_id), external_id
        wire = _wire_name(type(request), tied)
        current = getattr(request, tied, None)
        if current is None:
            external_id = given if given is not None else self._fresh_external_id(form)
            return _with_field(request, tied, external_id), external_id
        if given is not None and given != current:
            raise RequestValidationError(
                f"{wire} must equal X-EXTERNAL-ID ({operation.name}); got two different values",
                field=wire,
            )
        try:
            return request, check_external_id(current, form, field=wire)
        except RequestValidationError as exc:
            raise RequestValidationError(
                f"{wire} is sent as X-EXTERNAL-ID: {exc.message}", field=wire
            ) from None

    @staticmethod
    def _default_field(
        operation: AnyOperation, request: SnapRequest | None, external_id: str
    ) -> SnapRequest | None:
        name = operation.default_from_external_id
        if request is None or name is None or getattr(request, name, None) is not None:
            return request
        return _with_field(request, name, external_id)

    def _fresh_external_id(self, form: ExternalIdForm) -> str:
        value = self.external_id_factory()
        problem = external_id_problem(value, form)
        if problem is not None:
            raise RequestValidationError(
                f"the client's external_id_factory gave an unusable id: {problem}",
                field="external_id",
            )
        assert isinstance(value, str)
        return value

    def prepare(
        self, operation: AnyOperation, request: SnapRequest | None, options: CallOptions
    ) -> PreparedCall:
        """Validate and serialize; RequestValidationError means nothing was sent."""
        request, external_id = self.settle_external_id(operation, request, options.external_id)
        body = serialize_body(request.to_wire()) if request is not None else b""
        digest = Digest(body_digest(body))  # the serialized body needs no second look
        headers: list[tuple[str, str]] = [
            ("Content-Type", "application/json"),
            ("Accept", "application/json"),
            ("X-EXTERNAL-ID", external_id),
        ]
        if options.customer_token is not None:
            token = _header_value("customer_token", options.customer_token)
            headers.append((_CUSTOMER_HEADER, f"Bearer {token}"))
        elif operation.needs_customer_token:
            raise RequestValidationError(
                f"{operation.name} needs the customer token returned by account_linking.bind "
                "(customer_token=...)",
                field="customer_token",
            )
        device_id = options.device_id if options.device_id is not None else self.device_id
        if device_id is not None:
            headers.append((_DEVICE_HEADER, _header_value("device_id", device_id)))
        elif operation.needs_device_id:
            raise RequestValidationError(
                f"{operation.name} needs X-DEVICE-ID: pass device_id=... (the customer's device "
                "or browser user agent) or set device_id on the client",
                field="device_id",
            )
        for name, value in (options.headers or {}).items():
            if name.lower() not in _CALLER_HEADERS:
                raise RequestValidationError(
                    f"header {name!r} cannot be set per call (allowed: X-IP-ADDRESS, "
                    "X-LATITUDE, X-LONGITUDE, ORIGIN, debug-id)",
                    field=name,
                )
            headers.append((name, _header_value(name, value)))
        timeout = None if options.timeout is None else validate_timeout(options.timeout)
        return PreparedCall(
            operation=operation,
            url=self.url(operation),
            body=body,
            external_id=external_id,
            headers=tuple(headers),
            timeout=timeout,
            external_id_given=options.external_id is not None,
            digest=digest,
        )

    def next_attempt(self, prepared: PreparedCall) -> PreparedCall:
        """The call to send on an automatic retry.

        Only read-only calls are retried after they may have reached the gateway; a gateway
        refuses an X-EXTERNAL-ID it has already seen that day, so such a retry gets a fresh
        one (unless the caller chose the id). Everything else is sent again unchanged.
        """
        if not prepared.operation.read_only or prepared.external_id_given:
            return prepared
        external_id = self._fresh_external_id(_form(self.profile, prepared.operation))
        headers = tuple(
            (name, external_id if name == "X-EXTERNAL-ID" else value)
            for name, value in prepared.headers
        )
        return dataclasses.replace(prepared, external_id=external_id, headers=headers)

    def url(self, operation: AnyOperation) -> str:
        if operation.host == "app":
            if self.profile.app_base_url is None:
                raise RequestValidationError(
                    f"gateway profile {self.profile.name!r} has no app_base_url for "
                    f"{operation.name}",
                    field="app_base_url",
                )
            return self.profile.app_base_url + self.profile.path(operation.path)
        return self.profile.url(operation.path)

    # --- after the answer ----------------------------------------------------------------------

    def on_response(
        self, prepared: PreparedCall, response: httpx.Response, attempt: int
    ) -> SnapResponse | Retry:
        """A typed response, a Retry (read-only calls only), or a raised typed error."""
        operation = prepared.operation
        status = response.status_code
        try:
            body = self._decode(response)
        except ProtocolError as exc:
            if operation.read_only and self._retryable_status(status):
                if self.retry.can_retry(attempt):
                    return Retry(self.retry.delay(attempt, self._retry_after(response)))
                raise
            if not operation.read_only and (status >= 500 or 200 <= status < 300):
                self._unknown_outcome(prepared, f"HTTP {status} with an unreadable body", exc)
            raise
        if 200 <= status < 300:
            raw_code = body.get("responseCode")
            if isinstance(raw_code, int) and not isinstance(raw_code, bool):
                raw_code = str(raw_code)
            code = ResponseCode.parse(raw_code) if isinstance(raw_code, str) else None
            if code is None:
                error = ProtocolError(
                    f"HTTP {status} answer to {operation.name} has no valid responseCode",
                    http_status=status,
                )
                if not operation.read_only:
                    self._unknown_outcome(prepared, "the answer has no responseCode", error)
                raise error
            if code.is_success or code.is_pending:
                return self._parse(prepared, body, status)
            raise error_for_response(status, body, external_id=prepared.external_id)
        api_error = error_for_response(status, body, external_id=prepared.external_id)
        if self._retryable_status(status):
            if operation.read_only:
                if self.retry.can_retry(attempt):
                    return Retry(self.retry.delay(attempt, self._retry_after(response)))
                raise api_error
            if status >= 500:
                self._unknown_outcome(prepared, f"HTTP {status} {api_error.message}", api_error)
        raise api_error

    def on_transport_error(
        self, prepared: PreparedCall, error: httpx.TransportError, attempt: int
    ) -> Retry:
        """Retry, or raise TransportError / OutcomeUnknownError for a failed send."""
        operation = prepared.operation
        # Not sent: the connection never opened, or what failed was the token request.
        never_sent = isinstance(error, _NEVER_SENT) or not _is_request_for(error, prepared)
        kind = _describe(error)
        if (never_sent or operation.read_only) and self.retry.can_retry(attempt):
            return Retry(self.retry.delay(attempt))
        if never_sent or operation.read_only:
            raise TransportError(
                f"{operation.name} failed after {attempt} attempt(s): {kind}",
                external_id=prepared.external_id,
            ) from error
        self._unknown_outcome(prepared, kind, error)

    # --- resend --------------------------------------------------------------------------------

    def prepared_for(self, error: OutcomeUnknownError | str) -> PreparedCall:
        """The exact call behind an OutcomeUnknownError (or its X-EXTERNAL-ID)."""
        external_id = error if isinstance(error, str) else error.external_id
        with self._unknown_lock:
            prepared = self._unknown.get(external_id or "")
        if prepared is None:
            raise RequestValidationError(
                f"no call with X-EXTERNAL-ID {external_id} is waiting to be resent by this "
                "client; call the operation again with the same request and "
                "external_id=... instead",
                field="external_id",
            )
        return prepared

    def settled(self, prepared: PreparedCall) -> None:
        """Forget a call once an answer arrived."""
        with self._unknown_lock:
            self._unknown.pop(prepared.external_id, None)

    # --- helpers -------------------------------------------------------------------------------

    def _unknown_outcome(
        self, prepared: PreparedCall, reason: str, cause: BaseException
    ) -> NoReturn:
        operation = prepared.operation
        with self._unknown_lock:
            self._unknown[prepared.external_id] = prepared
            self._unknown.move_to_end(prepared.external_id)
            while len(self._unknown) > _RESEND_MEMORY:
                self._unknown.popitem(last=False)
        status_op = operation.status_operation or "a status inquiry"
        raise OutcomeUnknownError(
            f"{operation.name}: {reason}; it was not resent automatically (client.resend(error) "
            "sends it again with the same X-EXTERNAL-ID and body)",
            external_id=prepared.external_id,
            operation=operation.name,
            status_operation=status_op,
            http_status=getattr(cause, "http_status", None),
            response_code=getattr(cause, "response_code", None),
        ) from cause

    @staticmethod
    def _retryable_status(status: int) -> bool:
        return status == 429 or status >= 500

    @staticmethod
    def _retry_after(response: httpx.Response) -> float | None:
        return parse_retry_after(response.headers.get("Retry-After"))

    @staticmethod
    def _decode(response: httpx.Response) -> dict[str, Any]:
        status = response.status_code
        try:
            content = response.content
        except httpx.HTTPError as exc:  # body cut off mid-stream
            raise ProtocolError(
                f"HTTP {status} answer could not be read completely", http_status=status
            ) from exc
        if not content:
            raise ProtocolError(f"HTTP {status} answer has an empty body", http_status=status)
        try:
            body = json.loads(content)
        except (ValueError, RecursionError):
            kind = response.headers.get("Content-Type", "unknown content type")
            raise ProtocolError(
                f"HTTP {status} answer is not JSON ({kind[:60]}, {len(content)} bytes)",
                http_status=status,
            ) from None
        if not isinstance(body, dict):
            raise ProtocolError(
                f"HTTP {status} answer is JSON but not an object", http_status=status
            )
        return body

    def _parse(self, prepared: PreparedCall, body: dict[str, Any], status: int) -> SnapResponse:
        try:
            model: type[SnapResponse] = prepared.operation.response_model
            return parse_response(model, body, http_status=status)
        except ProtocolError as exc:
            if not prepared.operation.read_only:
                self._unknown_outcome(prepared, "the success answer has an unexpected shape", exc)
            raise


def _is_request_for(error: httpx.TransportError, prepared: PreparedCall) -> bool:
    """False when the failure hit another request (the token request made on the way)."""
    try:
        failed = error.request
    except RuntimeError:
        return True
    return str(failed.url) == prepared.url


def _describe(error: httpx.TransportError) -> str:
    if isinstance(error, httpx.TimeoutException):
        return f"timed out ({type(error).__name__})"
    if isinstance(error, httpx.ConnectError):
        return "could not connect"
    if isinstance(error, (httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError)):
        return f"connection dropped ({type(error).__name__})"
    return f"transport failure ({type(error).__name__})"


def expect(response: SnapResponse, model: type[_R]) -> _R:
    """Narrow a core result to the operation's response model (for typed namespaces)."""
    if not isinstance(response, model):
        raise ProtocolError(f"expected a {model.__name__}, got {type(response).__name__}")
    return response
