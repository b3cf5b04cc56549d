"""The Payouts error mapping table (spec §6.4): each SNAP code becomes the expected error."""

from __future__ import annotations

import pytest

from bisnap.errors import (
    AccountInactiveError,
    AccountNotFoundError,
    BadRequestError,
    DuplicateTransactionError,
    GatewayServerError,
    InsufficientFundsError,
    InvalidFieldFormatError,
    MissingMandatoryFieldError,
    SnapAPIError,
    TransactionNotFoundError,
    UnauthorizedError,
    error_for_response,
)

# (legacy IRIS message, SNAP code with XX, expected class) — verbatim from the table.
TABLE: list[tuple[str, str, type[SnapAPIError]]] = [
    ("Parsing Error", "400XX00", BadRequestError),
    ("Beneficiary bank is not included in the list", "400XX00", BadRequestError),
    ("Facilitator bank account not available", "400XX00", BadRequestError),
    ("Beneficiary account is too long", "400XX01", InvalidFieldFormatError),
    ("Beneficiary account can't exceed X", "400XX01", InvalidFieldFormatError),
    ("Beneficiary email must be a valid email address", "400XX01", InvalidFieldFormatError),
    ("Beneficiary name only allows alphanumeric characters", "400XX01", InvalidFieldFormatError),
    ("Notes only allows space and alphanumeric characters", "400XX01", InvalidFieldFormatError),
    ("Bank_name is not included in the list", "400XX01", InvalidFieldFormatError),
    ("Amount must be greater than or equal to X", "400XX02", MissingMandatoryFieldError),
    # 401xx00 is "general unauthorized": not a signature refusal, so the generic class.
    ("You are not authorized to perform this action", "401XX00", UnauthorizedError),
    ("Account is dormant", "403XX09", AccountInactiveError),
    ("Partner does not have sufficient balance", "403XX14", InsufficientFundsError),
    ("Insufficient balance for the account validation", "403XX14", InsufficientFundsError),
    ("Account is closed", "403XX18", AccountInactiveError),
    ("Specified payout not found", "404XX01", TransactionNotFoundError),
    ("Account does not exist", "404XX11", AccountNotFoundError),
    ("Invalid bank account", "404XX11", AccountNotFoundError),
    ("Partner reference no already exists for this partner", "409XX01", DuplicateTransactionError),
    ("Something went wrong", "500XX01", GatewayServerError),
    ("Cannot reach", "500XX02", GatewayServerError),
    ("Bank account validation is currently unavailable", "500XX02", GatewayServerError),
]

SERVICES = ("11", "16", "17", "18", "32", "33", "36", "37", "38")


@pytest.mark.parametrize(("message", "code", "expected"), TABLE)
@pytest.mark.parametrize("service", SERVICES)
def test_payouts_code_maps_to_its_error(
    message: str, code: str, expected: type[SnapAPIError], service: str
) -> None:
    raw = code.replace("XX", service)
    error = error_for_response(
        int(raw[:3]), {"responseCode": raw, "responseMessage": message}, external_id="123"
    )
    assert type(error) is expected
    assert error.response_code is not None
    assert error.response_code.service == service
    assert message[:40] in str(error)


def test_general_unauthorized_is_an_unauthorized_error() -> None:
    error = error_for_response(401, {"responseCode": "4011700", "responseMessage": "x"})
    assert isinstance(error, UnauthorizedError)
