"""Response codes whose meaning the pages pin by message, not by case code (spec §5, §6.2)."""

from __future__ import annotations

import pytest

from bisnap import errors as E
from bisnap.errors import ResponseCode, SnapAPIError, error_for_response

# (HTTP status, responseCode, responseMessage as documented, expected class, expected reason)
UNAUTHORIZED: list[tuple[str, str, type[SnapAPIError], str | None]] = [
    ("4017300", "Unauthorized. Signature", E.UnauthorizedSignatureError, "Signature"),
    ("4017300", "Unauthorized Signature", E.UnauthorizedSignatureError, "Signature"),
    ("4011200", "Unauthorized signature", E.UnauthorizedSignatureError, "signature"),
    ("4012700", "Unauthorized. Signature", E.UnauthorizedSignatureError, "Signature"),
    ("4010900", "Unauthorized. Signature", E.UnauthorizedSignatureError, "Signature"),
    (
        "4015400",
        "Unauthorized. Auth token required",
        E.AuthTokenRequiredError,
        "Auth token required",
    ),
    (
        "4011000",
        "Unauthorized. Auth token required",
        E.AuthTokenRequiredError,
        "Auth token required",
    ),
    (
        "4016300",
        "Unauthorized. Auth token required",
        E.AuthTokenRequiredError,
        "Auth token required",
    ),
    ("4011200", "Unauthorized. Client", E.UnauthorizedError, "Client"),
    (
        "4010900",
        "Unauthorized. Incorrect merchantId value",
        E.UnauthorizedError,
        "Incorrect merchantId value",
    ),
    (
        "4012600",
        "Unauthorized. Merchant does not have access",
        E.UnauthorizedError,
        "Merchant does not have access",
    ),
    ("4015500", "Unauthorized.", E.UnauthorizedError, None),
    (
        "4014700",
        "General unauthorized error (No Interface Def, API is Invalid, Oauth Failed, "
        "Verify Client Secret Fail, Client Forbidden Access API, Unknown Client, Key not Found)",
        E.UnauthorizedError,
        "General unauthorized error (No Interface Def, API is Invalid, Oauth "
        "Failed, Verify Client Secret Fail, Client Forbidden Access API, Unknown Client, Key not "
        "Found)",
    ),
]


@pytest.mark.parametrize(("code", "message", "expected", "reason"), UNAUTHORIZED)
def test_401xx00_is_refined_by_its_documented_message(
    code: str, message: str, expected: type[SnapAPIError], reason: str | None
) -> None:
    error = error_for_response(401, {"responseCode": code, "responseMessage": message})
    assert type(error) is expected
    assert isinstance(error, E.UnauthorizedError)
    assert error.reason == reason


def test_401xx00_without_a_message_is_the_generic_unauthorized_error() -> None:
    error = error_for_response(401, {"responseCode": "4015400"})
    assert type(error) is E.UnauthorizedError
    assert error.reason is None


def test_auth_token_required_is_not_a_signature_error() -> None:
    error = error_for_response(
        401, {"responseCode": "4015400", "responseMessage": "Unauthorized. Auth token required"}
    )
    assert not isinstance(error, E.UnauthorizedSignatureError)


def test_4042713_transaction_not_found_on_create_va_is_not_an_amount_error() -> None:
    error = error_for_response(
        404, {"responseCode": "4042713", "responseMessage": "Transaction Not Found"}
    )
    assert type(error) is E.TransactionNotFoundError


def test_404xx13_elsewhere_stays_an_amount_error() -> None:
    # QRIS generate 4044713 "Invalid format amount"; VA notification 4042513 "Invalid Amount".
    for code in ("4044713", "4042513", "4047813"):
        error = error_for_response(404, {"responseCode": code, "responseMessage": "x"})
        assert type(error) is E.InvalidAmountError


def test_2001001_get_auth_code_success_is_success() -> None:
    code = ResponseCode.parse("2001001")
    assert code is not None
    assert code.is_success
    assert not code.is_pending


def test_case_01_of_other_services_is_not_success() -> None:
    for raw in ("2002701", "2001101", "2005401"):
        code = ResponseCode.parse(raw)
        assert code is not None
        assert not code.is_success
