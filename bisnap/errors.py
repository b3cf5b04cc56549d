"""One exception tree for bisnap.

Every error bisnap raises derives from :class:`BisnapError`. The whole tree, with the module
that defines each class outside this one (``tests/test_errors_tree.py`` checks this drawing
against the real class hierarchy)::

    BisnapError
    ├── ConfigurationError          the caller's setup is wrong (keys, secrets, credentials)
    │   ├── KeyLoadError            a key could not be loaded (names the formats tried)
    │   └── WeakKeyError            an RSA key below the accepted size
    ├── InvalidInputError           a value handed to bisnap is malformed (also a ValueError)
    │   ├── InvalidJSONError        a body is not JSON / not UTF-8 (says where)
    │   ├── InvalidTimestampError   a timestamp is not ISO-8601 as SNAP uses it
    │   ├── InvalidSignatureError   a signature is malformed or does not verify
    │   ├── RequestValidationError  a request breaks a rule checked before any I/O
    │   ├── CaptureError            [bisnap.captures] a captured request cannot be read
    │   └── SimulationError         [bisnap.emulator] an emulator control was misused
    ├── NotificationError           an inbound notification failed verification (``step``)
    │   ├── NotificationHeaderError     [bisnap.notifications] a header missing or malformed
    │   ├── NotificationSignatureError  [bisnap.notifications] X-SIGNATURE does not verify
    │   ├── NotificationPayloadError    [bisnap.notifications] a verified body lacks a field
    │   └── ReplayStoreError            [bisnap.notifications] the replay store is unreachable
    ├── TransportError              the request did not reach the gateway, or a read-only one failed
    ├── OutcomeUnknownError         a money-moving call may or may not have been processed
    └── GatewayResponseError        the gateway answered over HTTP with an error
        ├── ProtocolError               the answer is not SNAP JSON
        └── SnapAPIError                the answer carries a non-success ``responseCode``
            ├── BadRequestError             400xx00
            │   ├── InvalidFieldFormatError     400xx01
            │   └── MissingMandatoryFieldError  400xx02
            ├── UnauthorizedError           401xx00 with any other reason (``reason``)
            │   ├── UnauthorizedSignatureError  401xx00 "Unauthorized. Signature"
            │   ├── AuthTokenRequiredError      401xx00 "Unauthorized. Auth token required"
            │   ├── InvalidTokenError           401xx01
            │   ├── InvalidCustomerTokenError   401xx02
            │   └── TokenNotFoundError          401xx03
            ├── ForbiddenError              403xxNN
            │   ├── TransactionExpiredError     403xx00
            │   ├── LimitExceededError          403xx02, 403xx04, 403xx20, 403xx23
            │   ├── InsufficientFundsError      403xx14
            │   └── AccountInactiveError        403xx05, 403xx09, 403xx18
            ├── NotFoundError               404xxNN
            │   ├── InvalidTransactionStatusError 404xx00
            │   ├── TransactionNotFoundError    404xx01
            │   ├── AccountNotFoundError        404xx11
            │   └── InvalidAmountError          404xx13
            ├── NotAllowedError             405xxNN
            ├── ConflictError               409xxNN
            │   ├── DuplicateExternalIdError    409xx00
            │   └── DuplicateTransactionError   409xx01
            ├── RateLimitedError            429xxNN
            └── GatewayServerError          5xxxxNN
                └── IssuerTimeoutError          504xx00

(:class:`SnapAPIError` itself is raised for any other status.) One warning class sits outside
the tree: :class:`bisnap.keys.WeakKeyWarning` (a ``UserWarning``) for RSA keys of 1024 to 2047
bits.

:class:`OutcomeUnknownError` is on its own branch on purpose: an ``except TransportError:``
that retries must never catch it, because resending may move money twice. It is raised for a
money-moving call that timed out or lost its connection after sending, and also when the
gateway answered a 5xx or an unreadable success body to such a call; then ``http_status`` (and
``response_code`` when the body had one) say so, and ``__cause__`` is the gateway's error.
``status_operation`` names the inquiry that settles it.

HTTP status is authoritative: the class is chosen from the HTTP status first and refined by the
case code only when the ``responseCode`` agrees with that status. ``401xx00`` is one case code
for several documented messages, so it is refined by the message; a documented code whose case
contradicts its own message (``4042713`` "Transaction Not Found" on create-va) is mapped by
its message. No message, ``str`` or ``repr``
in this tree contains a secret, a token, a signature or a response body.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, TypedDict

from typing_extensions import Unpack

__all__ = [
    "AccountInactiveError",
    "AccountNotFoundError",
    "AuthTokenRequiredError",
    "BadRequestError",
    "BisnapError",
    "ConfigurationError",
    "ConflictError",
    "DuplicateExternalIdError",
    "DuplicateTransactionError",
    "ForbiddenError",
    "GatewayResponseError",
    "GatewayServerError",
    "InsufficientFundsError",
    "InvalidAmountError",
    "InvalidCustomerTokenError",
    "InvalidFieldFormatError",
    "InvalidInputError",
    "InvalidJSONError",
    "InvalidSignatureError",
    "InvalidTimestampError",
    "InvalidTokenError",
    "InvalidTransactionStatusError",
    "IssuerTimeoutError",
    "KeyLoadError",
    "LimitExceededError",
    "MissingMandatoryFieldError",
    "NotAllowedError",
    "NotFoundError",
    "NotificationError",
    "OutcomeUnknownError",
    "ProtocolError",
    "RateLimitedError",
    "RequestValidationError",
    "ResponseCode",
    "SnapAPIError",
    "TokenNotFoundError",
    "TransactionExpiredError",
    "TransactionNotFoundError",
    "TransportError",
    "UnauthorizedError",
    "UnauthorizedSignatureError",
    "WeakKeyError",
    "error_for_response",
]


class BisnapError(Exception):
    """Base class of every error bisnap raises."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.message!r})"


# --- configuration -----------------------------------------------------------------------------


class ConfigurationError(BisnapError):
    """bisnap was set up with a missing or malformed key, secret or credential."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class KeyLoadError(ConfigurationError):
    """A key could not be loaded. ``tried`` lists the formats attempted (never the key itself)."""

    def __init__(self, message: str, *, tried: tuple[str, ...] = ()) -> None:
        if tried:
            message = f"{message} (tried: {', '.join(tried)})"
        super().__init__(message, field="key")
        self.tried = tried


class WeakKeyError(ConfigurationError):
    """An RSA key is below the smallest size bisnap accepts without an explicit opt-in."""

    def __init__(self, message: str, *, key_size: int) -> None:
        super().__init__(message, field="key")
        self.key_size = key_size


# --- bad input ---------------------------------------------------------------------------------


class InvalidInputError(BisnapError, ValueError):
    """A value handed to bisnap (a body, a signature, a timestamp, a field) is malformed."""


class InvalidJSONError(InvalidInputError):
    """A body is not valid JSON (or not UTF-8). ``position`` is the byte offset of the problem."""

    def __init__(self, message: str, *, position: int | None = None) -> None:
        if position is not None:
            message = f"{message} at byte {position}"
        super().__init__(message)
        self.position = position


class InvalidTimestampError(InvalidInputError):
    """A timestamp is not in a form SNAP uses (ISO-8601 with an offset or ``Z``)."""


class InvalidSignatureError(InvalidInputError):
    """A signature is malformed (bad base64, wrong length) or does not verify."""


class RequestValidationError(InvalidInputError):
    """A request breaks a rule checked before any I/O; ``field`` names the offending field."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class NotificationError(BisnapError):
    """An inbound notification failed verification. ``step`` names the check that failed."""

    def __init__(self, message: str, *, step: str) -> None:
        super().__init__(f"{step}: {message}")
        self.step = step


# --- transport and protocol --------------------------------------------------------------------


class TransportError(BisnapError):
    """The request could not be completed: it never reached the gateway, or it was a read-only
    call that failed after its retries. Safe to try again.

    Never raised for a money-moving call that may have been sent: that is
    :class:`OutcomeUnknownError`, which is deliberately not a subclass.
    """

    def __init__(self, message: str, *, external_id: str | None = None) -> None:
        super().__init__(message)
        self.external_id = external_id


class OutcomeUnknownError(BisnapError):
    """A money-moving request may have reached the gateway, and its outcome is unknown.

    It was not resent. Run ``status_operation`` (named in the message) with ``external_id`` to
    learn what happened, or resend explicitly with the same ``X-EXTERNAL-ID`` and body.
    ``http_status`` is None when no answer arrived (timeout, dropped connection) and the
    status of the answer otherwise (a 5xx, or a success whose body could not be read);
    ``response_code`` is the answer's parsed ``responseCode`` when it had one.
    """

    def __init__(
        self,
        message: str,
        *,
        external_id: str | None,
        operation: str,
        status_operation: str,
        http_status: int | None = None,
        response_code: ResponseCode | None = None,
    ) -> None:
        super().__init__(
            f"{message}; the outcome of {operation} (X-EXTERNAL-ID {external_id}) is unknown: "
            f"run {status_operation} before trying again"
        )
        self.external_id = external_id
        self.operation = operation
        self.status_operation = status_operation
        self.http_status = http_status
        self.response_code = response_code

    @property
    def answered(self) -> bool:
        """Whether the gateway answered (with a status that does not settle the outcome)."""
        return self.http_status is not None

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(operation={self.operation!r}, "
            f"external_id={self.external_id!r}, status_operation={self.status_operation!r}, "
            f"http_status={self.http_status!r})"
        )


# --- SNAP response codes -----------------------------------------------------------------------

_CODE_RE = re.compile(r"^(\d{3})(\d{2})(\d{2,3})$")

_SUCCESS_EXCEPTIONS = frozenset({(200, "10", "01")})
"""Documented success codes whose case is not ``00``: get-auth-code answers ``2001001``
"Successful" (spec §5.4.1)."""


@dataclass(frozen=True)
class ResponseCode:
    """A parsed SNAP ``responseCode``: HTTP status (3 digits), service (2) and case (2)."""

    http_status: int
    service: str
    case: str
    raw: str

    @classmethod
    def parse(cls, code: str) -> ResponseCode | None:
        """Parse ``HHHSSCC``; the 8-digit codes seen in some published samples are tolerated."""
        match = _CODE_RE.match(code.strip()) if isinstance(code, str) else None
        if match is None:
            return None
        http, service, case = match.groups()
        if len(case) == 3:
            # Samples such as "20057000" carry one digit too many; the case is the last two.
            case = case[1:]
        return cls(int(http), service, case, code.strip())

    @property
    def is_success(self) -> bool:
        if (self.http_status, self.service, self.case) in _SUCCESS_EXCEPTIONS:
            return True
        return 200 <= self.http_status < 300 and self.case == "00" and self.http_status != 202

    @property
    def is_pending(self) -> bool:
        """``202xx00``: accepted, still being processed; query the status later."""
        return self.http_status == 202 and self.case == "00"


class AnswerDetails(TypedDict, total=False):
    """The keywords :class:`GatewayResponseError` and its subclasses take about the answer,
    besides ``http_status`` (each defaults to None)."""

    response_code: ResponseCode | None
    """The parsed ``responseCode``."""
    external_id: str | None
    """The request's ``X-EXTERNAL-ID``, when it had one."""
    body: Any
    """The decoded answer (never shown by ``str`` or ``repr``)."""


class GatewayResponseError(BisnapError):
    """The gateway answered over HTTP, and the answer is an error.

    Carries ``http_status``, ``response_code`` (the parsed ``responseCode``, or None),
    ``external_id`` (the request's ``X-EXTERNAL-ID``, when it had one) and ``body`` (the decoded
    answer, or None; never shown by ``str`` or ``repr``).
    """

    def __init__(
        self, message: str, *, http_status: int | None = None, **answer: Unpack[AnswerDetails]
    ) -> None:
        unknown = sorted(answer.keys() - AnswerDetails.__optional_keys__)
        if unknown:
            raise TypeError(
                f"{type(self).__name__}() got an unexpected keyword argument {unknown[0]!r}"
            )
        super().__init__(message)
        self.http_status = http_status
        self.response_code = answer.get("response_code")
        self.external_id = answer.get("external_id")
        self.body = answer.get("body")

    def _repr_fields(self) -> dict[str, object]:
        code = self.response_code.raw if self.response_code else None
        return {"http_status": self.http_status, "response_code": code}

    def __repr__(self) -> str:
        fields = {**self._repr_fields(), "external_id": self.external_id}
        shown = ", ".join(f"{name}={value!r}" for name, value in fields.items())
        return f"{type(self).__name__}({self.message!r}, {shown})"


class ProtocolError(GatewayResponseError):
    """The gateway's answer is not a SNAP JSON response (not JSON, truncated, wrong shape)."""


class SnapAPIError(GatewayResponseError):
    """The gateway answered with a non-success ``responseCode``.

    Carries ``http_status``, ``response_code`` (parsed), ``service_code``, ``case_code``,
    ``response_message``, ``external_id`` and ``body`` (the decoded response; kept out of
    ``str`` and ``repr``).
    """

    http_status: int

    def __init__(
        self,
        message: str,
        *,
        http_status: int,
        response_message: str | None = None,
        **answer: Unpack[AnswerDetails],
    ) -> None:
        super().__init__(message, http_status=http_status, **answer)
        self.response_message = response_message

    @property
    def service_code(self) -> str | None:
        return self.response_code.service if self.response_code else None

    @property
    def case_code(self) -> str | None:
        return self.response_code.case if self.response_code else None

    def _repr_fields(self) -> dict[str, object]:
        return {**super()._repr_fields(), "response_message": self.response_message}


class BadRequestError(SnapAPIError):
    """400: the request was malformed."""


class InvalidFieldFormatError(BadRequestError):
    """400xx01: a field has an invalid format."""


class MissingMandatoryFieldError(BadRequestError):
    """400xx02: a mandatory field or header is missing or invalid."""


class UnauthorizedError(SnapAPIError):
    """401: authentication failed. ``reason`` is the gateway's reason for a ``401xx00``
    (the text after ``Unauthorized.``: ``Client``, ``Incorrect merchantId value``...)."""

    reason: str | None = None


class UnauthorizedSignatureError(UnauthorizedError):
    """401xx00 "Unauthorized. Signature": the signature was rejected. Never retried
    automatically."""


class AuthTokenRequiredError(UnauthorizedError):
    """401xx00 "Unauthorized. Auth token required": no (or an unreadable) bearer token was
    sent."""


class InvalidTokenError(UnauthorizedError):
    """401xx01: the B2B access token is invalid or expired."""


class InvalidCustomerTokenError(UnauthorizedError):
    """401xx02: the customer (B2B2C) token is invalid."""


class TokenNotFoundError(UnauthorizedError):
    """401xx03: the token is not known to the gateway."""


class ForbiddenError(SnapAPIError):
    """403: the gateway refused the transaction."""


class TransactionExpiredError(ForbiddenError):
    """403xx00: the transaction expired."""


class LimitExceededError(ForbiddenError):
    """403xx02/04/20/23: an amount or frequency limit was exceeded."""


class InsufficientFundsError(ForbiddenError):
    """403xx14: insufficient funds or balance."""


class AccountInactiveError(ForbiddenError):
    """403xx05/09/18: the account is abnormal, dormant or inactive."""


class NotFoundError(SnapAPIError):
    """404: something referenced by the request does not exist."""


class InvalidTransactionStatusError(NotFoundError):
    """404xx00: the transaction is not in a state that allows this operation."""


class TransactionNotFoundError(NotFoundError):
    """404xx01: the transaction was not found."""


class AccountNotFoundError(NotFoundError):
    """404xx11: the account does not exist (or the customer auth code is invalid)."""


class InvalidAmountError(NotFoundError):
    """404xx13: the amount does not match."""


class NotAllowedError(SnapAPIError):
    """405: the operation is not supported or not allowed now."""


class ConflictError(SnapAPIError):
    """409: the request conflicts with an earlier one."""


class DuplicateExternalIdError(ConflictError):
    """409xx00: the ``X-EXTERNAL-ID`` was already used today."""


class DuplicateTransactionError(ConflictError):
    """409xx01: the reference number was already processed."""


class RateLimitedError(SnapAPIError):
    """429: too many requests or transaction limit exceeded."""


class GatewayServerError(SnapAPIError):
    """5xx: the gateway or a backend failed."""


class IssuerTimeoutError(GatewayServerError):
    """504xx00: the issuer timed out."""


_BY_STATUS: dict[int, type[SnapAPIError]] = {
    400: BadRequestError,
    401: UnauthorizedError,
    403: ForbiddenError,
    404: NotFoundError,
    405: NotAllowedError,
    409: ConflictError,
    429: RateLimitedError,
}

_BY_CASE: dict[tuple[int, str], type[SnapAPIError]] = {
    (400, "01"): InvalidFieldFormatError,
    (400, "02"): MissingMandatoryFieldError,
    (401, "01"): InvalidTokenError,
    (401, "02"): InvalidCustomerTokenError,
    (401, "03"): TokenNotFoundError,
    (403, "00"): TransactionExpiredError,
    (403, "02"): LimitExceededError,
    (403, "04"): LimitExceededError,
    (403, "05"): AccountInactiveError,
    (403, "09"): AccountInactiveError,
    (403, "14"): InsufficientFundsError,
    (403, "18"): AccountInactiveError,
    (403, "20"): LimitExceededError,
    (403, "23"): LimitExceededError,
    (404, "00"): InvalidTransactionStatusError,
    (404, "01"): TransactionNotFoundError,
    (404, "11"): AccountNotFoundError,
    (404, "13"): InvalidAmountError,
    (409, "00"): DuplicateExternalIdError,
    (409, "01"): DuplicateTransactionError,
    (504, "00"): IssuerTimeoutError,
}


_BY_SERVICE_CASE: dict[tuple[int, str, str], type[SnapAPIError]] = {
    # create-va documents 4042713 as "Transaction Not Found" although case 13 is the generic
    # "Invalid Amount" (spec §5.1.1, §6.2): the documented message wins.
    (404, "27", "13"): TransactionNotFoundError,
}


def unauthorized_reason(message: str | None) -> str | None:
    """The reason of a ``401xx00`` message: ``"Unauthorized. Client"`` -> ``"Client"``."""
    if not message:
        return None
    text = message.strip()
    match = re.match(r"(?i)unauthori[sz]ed\s*[.:,-]?\s*", text)
    reason = text[match.end() :] if match else text
    return reason.strip() or None


def _unauthorized_class(message: str | None) -> type[SnapAPIError]:
    reason = (unauthorized_reason(message) or "").lower()
    if "signature" in reason:
        return UnauthorizedSignatureError
    if "token required" in reason:
        return AuthTokenRequiredError
    return UnauthorizedError


def error_class_for(
    http_status: int, code: ResponseCode | None, message: str | None = None
) -> type[SnapAPIError]:
    """The exception class for an HTTP status refined by a ``responseCode`` (and, for
    ``401xx00``, by the documented message)."""
    if code is not None and code.http_status == http_status:
        by_service = _BY_SERVICE_CASE.get((http_status, code.service, code.case))
        if by_service is not None:
            return by_service
        if http_status == 401 and code.case == "00":
            return _unauthorized_class(message)
        refined = _BY_CASE.get((http_status, code.case))
        if refined is not None:
            return refined
    if http_status >= 500:
        return GatewayServerError
    return _BY_STATUS.get(http_status, SnapAPIError)


def error_for_response(
    http_status: int,
    body: Any,
    *,
    external_id: str | None = None,
) -> SnapAPIError:
    """Build the typed error for a failed SNAP response (``body`` is the decoded JSON)."""
    raw_code = body.get("responseCode") if isinstance(body, dict) else None
    raw_message = body.get("responseMessage") if isinstance(body, dict) else None
    code = ResponseCode.parse(raw_code) if isinstance(raw_code, str) else None
    message_text = raw_message if isinstance(raw_message, str) else None
    cls = error_class_for(http_status, code, message_text)
    parts = [f"HTTP {http_status}"]
    if code is not None:
        parts.append(f"responseCode {code.raw}")
    elif raw_code is not None:
        parts.append(f"unparseable responseCode {str(raw_code)[:16]!r}")
    if message_text:
        parts.append(message_text[:200])
    if external_id:
        parts.append(f"X-EXTERNAL-ID {external_id}")
    error = cls(
        ": ".join(parts[:2]) + (" — " + "; ".join(parts[2:]) if len(parts) > 2 else ""),
        http_status=http_status,
        response_code=code,
        response_message=message_text,
        external_id=external_id,
        body=body,
    )
    if isinstance(error, UnauthorizedError):
        error.reason = unauthorized_reason(message_text)
    return error
