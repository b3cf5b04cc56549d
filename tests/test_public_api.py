"""The public API is pinned: adding or removing a name from ``bisnap`` is a deliberate change."""

from __future__ import annotations

import inspect
import subprocess
import sys
import typing
from pathlib import Path

import pytest

import bisnap

EXPECTED_PUBLIC_NAMES = frozenset(
    {
        "AGGREGATOR_ACCOUNT_NO",
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
        "IrisMerchantKey",
        "IssuerTimeoutError",
        "JAKARTA",
        "KeyLoadError",
        "LimitExceededError",
        "MIDTRANS_PRODUCTION",
        "MIDTRANS_SANDBOX",
        "MIDTRANS_STAGING",
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
        "PayoutErrorCode",
        "PayoutNotification",
        "PayoutStatus",
        "PayoutsNotificationReceiver",
        "PayoutsNotificationVerifier",
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
        "TopUpNotification",
        "TransactionExpiredError",
        "TransactionNotFoundError",
        "TransferRoute",
        "TransportError",
        "UnauthorizedError",
        "UnauthorizedSignatureError",
        "VerifiedNotification",
        "VerifiedPayoutsNotification",
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
        "iris_signature",
        "load_client_secret",
        "load_iris_merchant_key",
        "load_private_key",
        "load_public_key",
        "minify_json",
        "moves_payout_forward",
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
        "verify_iris_signature",
        "verify_rsa",
    }
)


def test_all_is_exactly_the_pinned_public_api() -> None:
    assert set(bisnap.__all__) == EXPECTED_PUBLIC_NAMES
    assert len(bisnap.__all__) == len(set(bisnap.__all__)), "a name is listed twice"


@pytest.mark.parametrize("name", sorted(EXPECTED_PUBLIC_NAMES))
def test_every_public_name_resolves(name: str) -> None:
    assert getattr(bisnap, name) is not None


@pytest.mark.parametrize("name", sorted(EXPECTED_PUBLIC_NAMES - {"__version__"}))
def test_every_public_class_and_function_is_documented(name: str) -> None:
    value = getattr(bisnap, name)
    # A type alias such as ``Clock = Callable[[], datetime]`` is neither; Python 3.10 reports
    # ``inspect.isclass`` True for it, but an alias cannot carry a docstring of its own.
    if typing.get_origin(value) is not None:
        return
    if inspect.isclass(value) or inspect.isfunction(value):
        assert inspect.getdoc(value), f"{name} has no docstring"


def test_type_aliases_are_documented_in_their_module() -> None:
    """``Clock`` has its docstring as the string after its assignment (read by the docs)."""
    source = Path(bisnap.__file__).with_name("timestamps.py").read_text("utf-8")
    assert 'Clock = Callable[[], datetime]\n"""' in source


def test_unknown_attribute_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no_such_name"):
        bisnap.no_such_name  # noqa: B018


def test_signing_import_needs_neither_httpx_nor_pydantic() -> None:
    code = (
        "import sys, bisnap\n"
        "bisnap.sign_hmac('s', 'x')\n"
        "print('httpx' in sys.modules, 'pydantic' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.split() == ["False", "False"]


def test_package_ships_py_typed() -> None:
    assert (Path(bisnap.__file__).parent / "py.typed").is_file()
