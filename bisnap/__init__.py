"""bisnap: BI-SNAP signing, tokens, typed clients, notifications and a local gateway emulator.

The signing core, keys, timestamps, errors, gateway profiles, credentials and header functions
import eagerly and need only ``cryptography``. The transport, clients and notification names are
loaded on first use, so ``import bisnap`` stays light for code that only signs or verifies.

Every public name is listed once, in :data:`_API` (module -> names); ``__all__``, the lazy
loading and the ``TYPE_CHECKING`` imports below come from it (``tests/test_public_api.py``
checks the generated block and pins the names in ``tests/public_api.txt``).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

_API: dict[str, tuple[str, ...]] = {
    "bisnap.credentials": ("Credentials",),
    "bisnap.diagnose": (
        "Diagnosis",
        "diagnose",
    ),
    "bisnap.errors": (
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
    ),
    "bisnap.external_id": ("new_external_id",),
    "bisnap.gateways": (
        "MIDTRANS_PRODUCTION",
        "MIDTRANS_SANDBOX",
        "MIDTRANS_STAGING",
        "GatewayProfile",
        "SignatureScheme",
        "generic_profile",
        "profile_from_env",
    ),
    "bisnap.headers": (
        "SignedRequest",
        "serialize_body",
        "token_request_body",
        "token_request_headers",
        "transaction_request",
    ),
    "bisnap.keys": (
        "ClientSecret",
        "GeneratedKeyPair",
        "IrisMerchantKey",
        "PrivateKey",
        "PublicKey",
        "WeakKeyWarning",
        "generate_key_pair",
        "load_client_secret",
        "load_iris_merchant_key",
        "load_private_key",
        "load_public_key",
    ),
    "bisnap.signing": (
        "CompactJSON",
        "Digest",
        "asymmetric_string_to_sign",
        "body_digest",
        "decode_signature",
        "iris_signature",
        "minify_json",
        "sign_hmac",
        "sign_rsa",
        "token_string_to_sign",
        "transaction_string_to_sign",
        "verify_hmac",
        "verify_iris_signature",
        "verify_rsa",
    ),
    "bisnap.timestamps": (
        "JAKARTA",
        "Clock",
        "TimestampStyle",
        "format_timestamp",
        "now_timestamp",
        "parse_timestamp",
        "system_clock",
    ),
    "bisnap.auth": ("SnapAuth",),
    "bisnap.client": (
        "AsyncSnapClient",
        "SnapClient",
    ),
    "bisnap.models": ("Amount",),
    "bisnap.models.payouts": (
        "AGGREGATOR_ACCOUNT_NO",
        "TransferRoute",
    ),
    "bisnap.notifications": (
        "Acknowledgement",
        "MemoryReplayStore",
        "NotificationHeaderError",
        "NotificationKind",
        "NotificationPayloadError",
        "NotificationReceiver",
        "NotificationVerifier",
        "PayoutErrorCode",
        "PayoutNotification",
        "PayoutsNotificationReceiver",
        "PayoutsNotificationVerifier",
        "PayoutStatus",
        "RedisReplayStore",
        "ReplayStore",
        "ReplayStoreError",
        "TopUpNotification",
        "VerifiedNotification",
        "VerifiedPayoutsNotification",
        "ack_for_error",
        "error_ack",
        "moves_payout_forward",
        "success_ack",
    ),
    "bisnap.retry": ("RetryPolicy",),
    "bisnap.services.payouts": ("StatusPolling",),
    "bisnap.token_stores": (
        "MemoryTokenStore",
        "RedisTokenStore",
        "TokenStore",
    ),
    "bisnap.tokens": (
        "AccessToken",
        "TokenManager",
        "afetch_token",
        "aget_token",
        "fetch_token",
        "get_token",
    ),
    "bisnap.transport": (
        "create_async_client",
        "create_client",
    ),
}
"""Where each public name is defined: module -> the names ``bisnap`` re-exports from it."""

_EAGER_MODULES = (
    "bisnap.credentials",
    "bisnap.diagnose",
    "bisnap.errors",
    "bisnap.external_id",
    "bisnap.gateways",
    "bisnap.headers",
    "bisnap.keys",
    "bisnap.signing",
    "bisnap.timestamps",
)
"""Modules imported by ``import bisnap`` itself (they need ``cryptography`` only); the others
are imported on first use of one of their names (they need httpx, pydantic, anyio...)."""

_MODULE_OF: dict[str, str] = {name: module for module, names in _API.items() for name in names}

__all__ = ["__version__", *_MODULE_OF]

for _module in _EAGER_MODULES:
    _loaded = importlib.import_module(_module)
    globals().update({name: getattr(_loaded, name) for name in _API[_module]})
del _module, _loaded


def __getattr__(name: str) -> Any:
    module = _MODULE_OF.get(name)
    if module is None:
        raise AttributeError(f"module 'bisnap' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)


# --- generated by `python -m tests.test_public_api --write` ---
if TYPE_CHECKING:
    from bisnap.auth import SnapAuth as SnapAuth
    from bisnap.client import AsyncSnapClient as AsyncSnapClient
    from bisnap.client import SnapClient as SnapClient
    from bisnap.credentials import Credentials as Credentials
    from bisnap.diagnose import Diagnosis as Diagnosis
    from bisnap.diagnose import diagnose as diagnose
    from bisnap.errors import AccountInactiveError as AccountInactiveError
    from bisnap.errors import AccountNotFoundError as AccountNotFoundError
    from bisnap.errors import AuthTokenRequiredError as AuthTokenRequiredError
    from bisnap.errors import BadRequestError as BadRequestError
    from bisnap.errors import BisnapError as BisnapError
    from bisnap.errors import ConfigurationError as ConfigurationError
    from bisnap.errors import ConflictError as ConflictError
    from bisnap.errors import DuplicateExternalIdError as DuplicateExternalIdError
    from bisnap.errors import DuplicateTransactionError as DuplicateTransactionError
    from bisnap.errors import ForbiddenError as ForbiddenError
    from bisnap.errors import GatewayResponseError as GatewayResponseError
    from bisnap.errors import GatewayServerError as GatewayServerError
    from bisnap.errors import InsufficientFundsError as InsufficientFundsError
    from bisnap.errors import InvalidAmountError as InvalidAmountError
    from bisnap.errors import InvalidCustomerTokenError as InvalidCustomerTokenError
    from bisnap.errors import InvalidFieldFormatError as InvalidFieldFormatError
    from bisnap.errors import InvalidInputError as InvalidInputError
    from bisnap.errors import InvalidJSONError as InvalidJSONError
    from bisnap.errors import InvalidSignatureError as InvalidSignatureError
    from bisnap.errors import InvalidTimestampError as InvalidTimestampError
    from bisnap.errors import InvalidTokenError as InvalidTokenError
    from bisnap.errors import InvalidTransactionStatusError as InvalidTransactionStatusError
    from bisnap.errors import IssuerTimeoutError as IssuerTimeoutError
    from bisnap.errors import KeyLoadError as KeyLoadError
    from bisnap.errors import LimitExceededError as LimitExceededError
    from bisnap.errors import MissingMandatoryFieldError as MissingMandatoryFieldError
    from bisnap.errors import NotAllowedError as NotAllowedError
    from bisnap.errors import NotFoundError as NotFoundError
    from bisnap.errors import NotificationError as NotificationError
    from bisnap.errors import OutcomeUnknownError as OutcomeUnknownError
    from bisnap.errors import ProtocolError as ProtocolError
    from bisnap.errors import RateLimitedError as RateLimitedError
    from bisnap.errors import RequestValidationError as RequestValidationError
    from bisnap.errors import ResponseCode as ResponseCode
    from bisnap.errors import SnapAPIError as SnapAPIError
    from bisnap.errors import TokenNotFoundError as TokenNotFoundError
    from bisnap.errors import TransactionExpiredError as TransactionExpiredError
    from bisnap.errors import TransactionNotFoundError as TransactionNotFoundError
    from bisnap.errors import TransportError as TransportError
    from bisnap.errors import UnauthorizedError as UnauthorizedError
    from bisnap.errors import UnauthorizedSignatureError as UnauthorizedSignatureError
    from bisnap.errors import WeakKeyError as WeakKeyError
    from bisnap.errors import error_for_response as error_for_response
    from bisnap.external_id import new_external_id as new_external_id
    from bisnap.gateways import MIDTRANS_PRODUCTION as MIDTRANS_PRODUCTION
    from bisnap.gateways import MIDTRANS_SANDBOX as MIDTRANS_SANDBOX
    from bisnap.gateways import MIDTRANS_STAGING as MIDTRANS_STAGING
    from bisnap.gateways import GatewayProfile as GatewayProfile
    from bisnap.gateways import SignatureScheme as SignatureScheme
    from bisnap.gateways import generic_profile as generic_profile
    from bisnap.gateways import profile_from_env as profile_from_env
    from bisnap.headers import SignedRequest as SignedRequest
    from bisnap.headers import serialize_body as serialize_body
    from bisnap.headers import token_request_body as token_request_body
    from bisnap.headers import token_request_headers as token_request_headers
    from bisnap.headers import transaction_request as transaction_request
    from bisnap.keys import ClientSecret as ClientSecret
    from bisnap.keys import GeneratedKeyPair as GeneratedKeyPair
    from bisnap.keys import IrisMerchantKey as IrisMerchantKey
    from bisnap.keys import PrivateKey as PrivateKey
    from bisnap.keys import PublicKey as PublicKey
    from bisnap.keys import WeakKeyWarning as WeakKeyWarning
    from bisnap.keys import generate_key_pair as generate_key_pair
    from bisnap.keys import load_client_secret as load_client_secret
    from bisnap.keys import load_iris_merchant_key as load_iris_merchant_key
    from bisnap.keys import load_private_key as load_private_key
    from bisnap.keys import load_public_key as load_public_key
    from bisnap.models import Amount as Amount
    from bisnap.models.payouts import AGGREGATOR_ACCOUNT_NO as AGGREGATOR_ACCOUNT_NO
    from bisnap.models.payouts import TransferRoute as TransferRoute
    from bisnap.notifications import Acknowledgement as Acknowledgement
    from bisnap.notifications import MemoryReplayStore as MemoryReplayStore
    from bisnap.notifications import NotificationHeaderError as NotificationHeaderError
    from bisnap.notifications import NotificationKind as NotificationKind
    from bisnap.notifications import NotificationPayloadError as NotificationPayloadError
    from bisnap.notifications import NotificationReceiver as NotificationReceiver
    from bisnap.notifications import NotificationVerifier as NotificationVerifier
    from bisnap.notifications import PayoutErrorCode as PayoutErrorCode
    from bisnap.notifications import PayoutNotification as PayoutNotification
    from bisnap.notifications import PayoutsNotificationReceiver as PayoutsNotificationReceiver
    from bisnap.notifications import PayoutsNotificationVerifier as PayoutsNotificationVerifier
    from bisnap.notifications import PayoutStatus as PayoutStatus
    from bisnap.notifications import RedisReplayStore as RedisReplayStore
    from bisnap.notifications import ReplayStore as ReplayStore
    from bisnap.notifications import ReplayStoreError as ReplayStoreError
    from bisnap.notifications import TopUpNotification as TopUpNotification
    from bisnap.notifications import VerifiedNotification as VerifiedNotification
    from bisnap.notifications import VerifiedPayoutsNotification as VerifiedPayoutsNotification
    from bisnap.notifications import ack_for_error as ack_for_error
    from bisnap.notifications import error_ack as error_ack
    from bisnap.notifications import moves_payout_forward as moves_payout_forward
    from bisnap.notifications import success_ack as success_ack
    from bisnap.retry import RetryPolicy as RetryPolicy
    from bisnap.services.payouts import StatusPolling as StatusPolling
    from bisnap.signing import CompactJSON as CompactJSON
    from bisnap.signing import Digest as Digest
    from bisnap.signing import asymmetric_string_to_sign as asymmetric_string_to_sign
    from bisnap.signing import body_digest as body_digest
    from bisnap.signing import decode_signature as decode_signature
    from bisnap.signing import iris_signature as iris_signature
    from bisnap.signing import minify_json as minify_json
    from bisnap.signing import sign_hmac as sign_hmac
    from bisnap.signing import sign_rsa as sign_rsa
    from bisnap.signing import token_string_to_sign as token_string_to_sign
    from bisnap.signing import transaction_string_to_sign as transaction_string_to_sign
    from bisnap.signing import verify_hmac as verify_hmac
    from bisnap.signing import verify_iris_signature as verify_iris_signature
    from bisnap.signing import verify_rsa as verify_rsa
    from bisnap.timestamps import JAKARTA as JAKARTA
    from bisnap.timestamps import Clock as Clock
    from bisnap.timestamps import TimestampStyle as TimestampStyle
    from bisnap.timestamps import format_timestamp as format_timestamp
    from bisnap.timestamps import now_timestamp as now_timestamp
    from bisnap.timestamps import parse_timestamp as parse_timestamp
    from bisnap.timestamps import system_clock as system_clock
    from bisnap.token_stores import MemoryTokenStore as MemoryTokenStore
    from bisnap.token_stores import RedisTokenStore as RedisTokenStore
    from bisnap.token_stores import TokenStore as TokenStore
    from bisnap.tokens import AccessToken as AccessToken
    from bisnap.tokens import TokenManager as TokenManager
    from bisnap.tokens import afetch_token as afetch_token
    from bisnap.tokens import aget_token as aget_token
    from bisnap.tokens import fetch_token as fetch_token
    from bisnap.tokens import get_token as get_token
    from bisnap.transport import create_async_client as create_async_client
    from bisnap.transport import create_client as create_client
# --- end of generated block ---
