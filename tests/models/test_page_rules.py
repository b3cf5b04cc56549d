"""Per-field requiredness and limits of the request models, as the endpoint pages set them
(spec §5); each case is a regression test of a rule the models used to get wrong."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from bisnap.errors import RequestValidationError
from bisnap.models.account_linking import AuthCodeParams, BindRequest
from bisnap.models.common import LENIENT, SnapModel, build_request
from bisnap.models.direct_debit import DebitPaymentRequest, check_tokenization_payment
from bisnap.models.preauth import AuthorizeRequest
from bisnap.models.qris import QrisGenerateRequest, QrisRefundRequest
from bisnap.models.reporting import HistoryListRequest
from bisnap.models.virtual_accounts import CreateVaRequest, DeleteVaRequest, VaStatusRequest

VA = {
    "partnerServiceId": "   70012",
    "customerNo": "6280123456",
    "virtualAccountNo": "   700126280123456",
}
CREATE_VA: dict[str, Any] = {
    **VA,
    "virtualAccountName": "Jokul Doe",
    "trxId": "t-1",
    "totalAmount": {"value": "10000.00", "currency": "IDR"},
    "additionalInfo": {"bank": "bca", "merchantId": "G059876677"},
}
DEBIT: dict[str, Any] = {
    "partnerReferenceNo": "order-1",
    "payOptionDetails": [
        {"payMethod": "GOPAY", "payOption": "GOPAY", "transAmount": {"value": "1.00"}}
    ],
}
AUTHORIZE: dict[str, Any] = {
    "partnerReferenceNo": "order-1",
    "merchantId": "G1",
    "title": "t",
    "additionalInfo": {
        "payOptionDetails": [{"payMethod": "GOPAY", "transAmount": {"value": "1.00"}}]
    },
}
QRIS_REFUND: dict[str, Any] = {
    "merchantId": "M1",
    "originalPartnerReferenceNo": "o-1",
    "partnerRefundNo": "r-1",
}


def _with(base: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    body = copy.deepcopy(base)
    target: Any = body
    parts = path.split(".")
    for part in parts[:-1]:
        target = target[int(part)] if part.isdigit() else target.setdefault(part, {})
    target[parts[-1]] = value
    return body


REFUSED: list[tuple[type[SnapModel], dict[str, Any], str]] = [
    (
        VaStatusRequest,
        {**VA, "inquiryRequestId": "t-1", "additionalInfo": {}},
        "additionalInfo.merchantId",
    ),
    (DeleteVaRequest, {**VA, "trxId": "t-1", "additionalInfo": {}}, "additionalInfo.merchantId"),
    (
        VaStatusRequest,
        {**VA, "inquiryRequestId": "t", "additionalInfo": {"merchantId": "G1", "pageSize": "16"}},
        "additionalInfo.pageSize",
    ),
    (
        VaStatusRequest,
        {**VA, "inquiryRequestId": "t", "additionalInfo": {"merchantId": "G1", "pageSize": "0"}},
        "additionalInfo.pageSize",
    ),
    (
        VaStatusRequest,
        {**VA, "inquiryRequestId": "t", "additionalInfo": {"merchantId": "G1", "page": "-1"}},
        "additionalInfo.page",
    ),
    (CreateVaRequest, _with(CREATE_VA, "additionalInfo.bank", "ovo"), "additionalInfo.bank"),
    (CreateVaRequest, _with(CREATE_VA, "additionalInfo.bank", "mandiri"), "additionalInfo"),
    (
        CreateVaRequest,
        _with(
            _with(CREATE_VA, "additionalInfo.bank", "mandiri"),
            "additionalInfo.mandiri",
            {"billInfo1": "a"},
        ),
        "additionalInfo",
    ),
    (
        CreateVaRequest,
        _with(CREATE_VA, "additionalInfo.customField", {"1": "x" * 256}),
        "additionalInfo.customField.1",
    ),
    (
        CreateVaRequest,
        _with(CREATE_VA, "additionalInfo.customField", {"1": 1e-7}),
        "additionalInfo.customField.1",
    ),
    (
        CreateVaRequest,
        _with(CREATE_VA, "additionalInfo.customerDetails", {"firstName": "x" * 256}),
        "additionalInfo.customerDetails.firstName",
    ),
    (
        CreateVaRequest,
        _with(CREATE_VA, "additionalInfo.customerDetails", {"email": "x" * 256}),
        "additionalInfo.customerDetails.email",
    ),
    (
        CreateVaRequest,
        _with(
            CREATE_VA, "additionalInfo.customerDetails", {"billingAddress": {"address": "x" * 256}}
        ),
        "additionalInfo.customerDetails.billingAddress.address",
    ),
    (
        CreateVaRequest,
        _with(
            CREATE_VA,
            "additionalInfo.customerDetails",
            {"shippingAddress": {"countryCode": "x" * 16}},
        ),
        "additionalInfo.customerDetails.shippingAddress.countryCode",
    ),
    (
        CreateVaRequest,
        _with(
            CREATE_VA,
            "additionalInfo.items",
            [{"price": {"value": "1.00"}, "quantity": 1, "name": "n", "merchantName": "x" * 65}],
        ),
        "additionalInfo.items[0].merchantName",
    ),
    (
        CreateVaRequest,
        _with(
            CREATE_VA,
            "additionalInfo.items",
            [{"price": {"value": "1.00"}, "quantity": 1, "name": "n", "url": "x" * 65}],
        ),
        "additionalInfo.items[0].url",
    ),
    (
        DebitPaymentRequest,
        _with(
            DEBIT,
            "additionalInfo",
            {"items": [{"price": {"value": "1.00"}, "quantity": "1" * 17, "name": "n"}]},
        ),
        "additionalInfo.items[0].quantity",
    ),
    (
        DebitPaymentRequest,
        _with(DEBIT, "urlParams", [{"url": "https://m.test", "type": "x" * 33}]),
        "urlParams[0].type",
    ),
    (DebitPaymentRequest, _with(DEBIT, "chargeToken", "x" * 41), "chargeToken"),
    (
        DebitPaymentRequest,
        _with(DEBIT, "payOptionDetails.0.transAmount", {"value": "0.00"}),
        "payOptionDetails[0].transAmount",
    ),
    (
        DebitPaymentRequest,
        _with(DEBIT, "payOptionDetails.0.transAmount", {"value": "99999999999.01"}),
        "payOptionDetails[0].transAmount",
    ),
    (BindRequest, {"merchantId": "m", "authCode": "x" * 257}, "authCode"),
    (BindRequest, {"merchantId": "m", "authCode": "a", "grantType": "x" * 65}, "grantType"),
    (QrisRefundRequest, {**QRIS_REFUND, "originalExternalId": "x" * 33}, "originalExternalId"),
    (
        AuthorizeRequest,
        _with(AUTHORIZE, "additionalInfo.payOptionDetails.0.payOption", "x" * 65),
        "additionalInfo.payOptionDetails[0].payOption",
    ),
]


@pytest.mark.parametrize(
    ("model", "body", "field"), REFUSED, ids=[f"{m.__name__}-{f}" for m, _, f in REFUSED]
)
def test_page_rule_is_enforced(model: type[SnapModel], body: dict[str, Any], field: str) -> None:
    with pytest.raises(RequestValidationError) as caught:
        build_request(model, **body)
    assert caught.value.field == field


ACCEPTED: list[tuple[type[SnapModel], dict[str, Any]]] = [
    (QrisGenerateRequest, {"partnerReferenceNo": "p-1"}),  # amount is optional on the page
    (AuthorizeRequest, AUTHORIZE),  # payOption is conditional
    (HistoryListRequest, {"additionalInfo": {"payment": {}}}),  # statuses is optional
    (HistoryListRequest, {"pageSize": "10", "pageNumber": "2"}),  # the page's own sample
    (
        DebitPaymentRequest,
        _with(DEBIT, "payOptionDetails.0.transAmount", {"value": "99999999999.00"}),
    ),
    (DebitPaymentRequest, _with(DEBIT, "chargeToken", "x" * 40)),
    (
        CreateVaRequest,
        _with(
            _with(CREATE_VA, "additionalInfo.bank", "mandiri"),
            "additionalInfo.mandiri",
            {"billInfo1": "a", "billInfo2": "b"},
        ),
    ),
    (
        CreateVaRequest,
        _with(CREATE_VA, "additionalInfo.customField", {"1": "x" * 255, "2": "1e-7"}),
    ),
    (
        VaStatusRequest,
        {
            **VA,
            "inquiryRequestId": "t",
            "additionalInfo": {"merchantId": "G1", "page": "0", "pageSize": "15"},
        },
    ),
]


@pytest.mark.parametrize(("model", "body"), ACCEPTED, ids=[m.__name__ for m, _ in ACCEPTED])
def test_what_the_page_allows_is_accepted(model: type[SnapModel], body: dict[str, Any]) -> None:
    build_request(model, **copy.deepcopy(body))


def test_get_auth_code_state_has_no_character_set_beyond_the_page() -> None:
    params = AuthCodeParams(
        redirect_url="https://m.test/cb",
        state="a b/c+d=é",
        merchant_id="303b4f89",
        mobile_number="6281234567",
    )
    assert params.state == "a b/c+d=é"
    with pytest.raises(ValueError, match="at most 32"):
        AuthCodeParams(
            redirect_url="https://m.test/cb",
            state="s" * 33,
            merchant_id="m",
            mobile_number="6281234567",
        )


def test_tokenization_payment_needs_url_params_and_payment_option_token() -> None:
    plain = build_request(DebitPaymentRequest, **DEBIT)
    with pytest.raises(RequestValidationError) as caught:
        check_tokenization_payment(plain)
    assert caught.value.field == "urlParams"
    with_url = build_request(
        DebitPaymentRequest,
        **_with(DEBIT, "urlParams", [{"url": "https://m.test", "type": "PAY_RETURN"}]),
    )
    with pytest.raises(RequestValidationError) as caught:
        check_tokenization_payment(with_url)
    assert caught.value.field == "payOptionDetails[0].additionalInfo.paymentOptionToken"
    complete = build_request(
        DebitPaymentRequest,
        **_with(
            _with(DEBIT, "urlParams", [{"url": "https://m.test", "type": "PAY_RETURN"}]),
            "payOptionDetails.0.additionalInfo",
            {"paymentOptionToken": "tok"},
        ),
    )
    check_tokenization_payment(complete)


def test_regression_delete_va_cancel_page_merchant_id_key_is_kept_on_the_wire() -> None:
    body = {**VA, "trxId": "t-1", "additionalInfo": {"merchant_id": "G12345463"}}
    parsed = DeleteVaRequest.model_validate(body, context=LENIENT)
    assert parsed.to_wire() == body
    assert parsed.additional_info is not None
    assert parsed.additional_info.merchant_id == "G12345463"
    # Built in Python, the VA page's spelling is sent.
    built = build_request(DeleteVaRequest, **body)
    assert built.to_wire()["additionalInfo"] == {"merchantId": "G12345463"}


def test_a_debit_pay_option_detail_still_builds_an_authorization() -> None:
    from bisnap.models.direct_debit import PayOptionDetail
    from bisnap.models.preauth import AuthorizeInfo

    detail = PayOptionDetail(
        pay_method="GOPAY",
        pay_option="GOPAY_WALLET",
        trans_amount={"value": "1.00"},  # type: ignore[arg-type]
    )
    info = AuthorizeInfo(pay_option_details=[detail])  # type: ignore[list-item]
    assert info.to_wire()["payOptionDetails"][0]["payOption"] == "GOPAY_WALLET"
