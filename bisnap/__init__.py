"""bisnap: BI-SNAP signing, tokens, typed clients, notifications and a local gateway emulator.

The signing core, keys, timestamps, errors, gateway profiles, credentials and header functions
import eagerly and need only ``cryptography``. The transport, clients and notification names are
loaded on first use, so ``import bisnap`` stays light for code that only signs or verifies.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from bisnap.credentials import (
    Credentials,
)
from bisnap.diagnose import (
    Diagnosis,
    diagnose,
)
from bisnap.errors import (
    AccountInactiveError,
    AccountNotFoundError,
    AuthTokenRequiredError,
    BadRequestError,
    BisnapError,
    ConfigurationError,
    ConflictError,
    DuplicateExternalIdError,
    DuplicateTransactionError,
    ForbiddenError,
    GatewayServerError,
    InsufficientFundsError,
    InvalidAmountError,
    InvalidCustomerTokenError,
    InvalidFieldFormatError,
    InvalidInputError,
    InvalidJSONError,
    InvalidSignatureError,
    InvalidTimestampError,
    InvalidTokenError,
    InvalidTransactionStatusError,
    IssuerTimeoutError,
    KeyLoadError,
    LimitExceededError,
    MissingMandatoryFieldError,
    NotAllowedError,
    NotFoundError,
    NotificationError,
    OutcomeUnknownError,
    ProtocolError,
    RateLimitedError,
    RequestValidationError,
    ResponseCode,
    SnapAPIError,
    TokenNotFoundError,
    TransactionExpiredError,
    TransactionNotFoundError,
    TransportError,
    UnauthorizedError,
    UnauthorizedSignatureError,
    WeakKeyError,
    error_for_response,
)
from bisnap.external_id import (
    new_external_id,
)
from bisnap.gateways import (
    MIDTRANS_PRODUCTION,
    MIDTRANS_SANDBOX,
    MIDTRANS_STAGING,
    GatewayProfile,
    SignatureScheme,
    generic_profile,
    profile_from_env,
)
from bisnap.headers import (
    SignedRequest,
    serialize_body,
    token_request_body,
    token_request_headers,
    transaction_request,
)
from bisnap.keys import (
    ClientSecret,
    GeneratedKeyPair,
    PrivateKey,
    PublicKey,
    WeakKeyWarning,
    generate_key_pair,
    load_client_secret,
    load_private_key,
    load_public_key,
)
from bisnap.signing import (
    CompactJSON,
    Digest,
    asymmetric_string_to_sign,
    body_digest,
    decode_signature,
    minify_json,
    sign_hmac,
    sign_rsa,
    token_string_to_sign,
    transaction_string_to_sign,
    verify_hmac,
    verify_rsa,
)
from bisnap.timestamps import (
    JAKARTA,
    Clock,
    TimestampStyle,
    format_timestamp,
    now_timestamp,
    parse_timestamp,
    system_clock,
)

if TYPE_CHECKING:
    from bisnap.auth import (
        SnapAuth,
    )
    from bisnap.client import (
        AsyncSnapClient,
        SnapClient,
    )
    from bisnap.models import (
        Amount,
    )
    from bisnap.models.payouts import (
        AGGREGATOR_ACCOUNT_NO,
        TransferRoute,
    )
    from bisnap.notifications import (
        Acknowledgement,
        MemoryReplayStore,
        NotificationHeaderError,
        NotificationKind,
        NotificationPayloadError,
        NotificationReceiver,
        NotificationVerifier,
        RedisReplayStore,
        ReplayStore,
        ReplayStoreError,
        VerifiedNotification,
        ack_for_error,
        error_ack,
        success_ack,
    )
    from bisnap.retry import (
        RetryPolicy,
    )
    from bisnap.services.payouts import (
        StatusPolling,
    )
    from bisnap.token_stores import (
        MemoryTokenStore,
        RedisTokenStore,
        TokenStore,
    )
    from bisnap.tokens import (
        AccessToken,
        TokenManager,
        afetch_token,
        aget_token,
        fetch_token,
        get_token,
    )
    from bisnap.transport import (
        create_async_client,
        create_client,
    )

__version__ = "0.1.0"

_LAZY: dict[str, str] = {
    "SnapAuth": "bisnap.auth",
    "AccessToken": "bisnap.tokens",
    "TokenManager": "bisnap.tokens",
    "afetch_token": "bisnap.tokens",
    "aget_token": "bisnap.tokens",
    "fetch_token": "bisnap.tokens",
    "get_token": "bisnap.tokens",
    "MemoryTokenStore": "bisnap.token_stores",
    "RedisTokenStore": "bisnap.token_stores",
    "TokenStore": "bisnap.token_stores",
    "create_async_client": "bisnap.transport",
    "create_client": "bisnap.transport",
    "AsyncSnapClient": "bisnap.client",
    "SnapClient": "bisnap.client",
    "RetryPolicy": "bisnap.retry",
    "Amount": "bisnap.models",
    "StatusPolling": "bisnap.services.payouts",
    "AGGREGATOR_ACCOUNT_NO": "bisnap.models.payouts",
    "TransferRoute": "bisnap.models.payouts",
    "Acknowledgement": "bisnap.notifications",
    "MemoryReplayStore": "bisnap.notifications",
    "NotificationHeaderError": "bisnap.notifications",
    "NotificationKind": "bisnap.notifications",
    "NotificationPayloadError": "bisnap.notifications",
    "NotificationReceiver": "bisnap.notifications",
    "NotificationVerifier": "bisnap.notifications",
    "RedisReplayStore": "bisnap.notifications",
    "ReplayStore": "bisnap.notifications",
    "ReplayStoreError": "bisnap.notifications",
    "VerifiedNotification": "bisnap.notifications",
    "ack_for_error": "bisnap.notifications",
    "error_ack": "bisnap.notifications",
    "success_ack": "bisnap.notifications",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'bisnap' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)


__all__ = [
    "AGGREGATOR_ACCOUNT_NO",
    "JAKARTA",
    "MIDTRANS_PRODUCTION",
    "MIDTRANS_SANDBOX",
    "MIDTRANS_STAGING",
    "AccessToken",
    "AccountInactiveError",
    "AccountNotFoundError",
    "Acknowledgement",
    "Amount",
    "AsyncSnapClient",
    "AuthTokenRequiredError",
    "BadRequestError",
    "BisnapError",
    "ClientSecret",
    "Clock",
    "CompactJSON",
    "ConfigurationError",
    "ConflictError",
    "Credentials",
    "Diagnosis",
    "Digest",
    "DuplicateExternalIdError",
    "DuplicateTransactionError",
    "ForbiddenError",
    "GatewayProfile",
    "GatewayServerError",
    "GeneratedKeyPair",
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
    "MemoryReplayStore",
    "MemoryTokenStore",
    "MissingMandatoryFieldError",
    "NotAllowedError",
    "NotFoundError",
    "NotificationError",
    "NotificationHeaderError",
    "NotificationKind",
    "NotificationPayloadError",
    "NotificationReceiver",
    "NotificationVerifier",
    "OutcomeUnknownError",
    "PrivateKey",
    "ProtocolError",
    "PublicKey",
    "RateLimitedError",
    "RedisReplayStore",
    "RedisTokenStore",
    "ReplayStore",
    "ReplayStoreError",
    "RequestValidationError",
    "ResponseCode",
    "RetryPolicy",
    "SignatureScheme",
    "SignedRequest",
    "SnapAPIError",
    "SnapAuth",
    "SnapClient",
    "StatusPolling",
    "TimestampStyle",
    "TokenManager",
    "TokenNotFoundError",
    "TokenStore",
    "TransactionExpiredError",
    "TransactionNotFoundError",
    "TransferRoute",
    "TransportError",
    "UnauthorizedError",
    "UnauthorizedSignatureError",
    "VerifiedNotification",
    "WeakKeyError",
    "WeakKeyWarning",
    "__version__",
    "ack_for_error",
    "afetch_token",
    "aget_token",
    "asymmetric_string_to_sign",
    "body_digest",
    "create_async_client",
    "create_client",
    "decode_signature",
    "diagnose",
    "error_ack",
    "error_for_response",
    "fetch_token",
    "format_timestamp",
    "generate_key_pair",
    "generic_profile",
    "get_token",
    "load_client_secret",
    "load_private_key",
    "load_public_key",
    "minify_json",
    "new_external_id",
    "now_timestamp",
    "parse_timestamp",
    "profile_from_env",
    "serialize_body",
    "sign_hmac",
    "sign_rsa",
    "success_ack",
    "system_clock",
    "token_request_body",
    "token_request_headers",
    "token_string_to_sign",
    "transaction_request",
    "transaction_string_to_sign",
    "verify_hmac",
    "verify_rsa",
]
