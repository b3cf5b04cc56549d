"""Model conventions and the lenient reading of documented gateway anomalies (spec 6.1, 8, 10)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from bisnap.errors import InvalidTimestampError, ProtocolError, RequestValidationError
from bisnap.models.account_linking import BindingInquiryResponse, BindResponse
from bisnap.models.common import (
    LENIENT,
    Amount,
    SnapResponse,
    SnapTimestamp,
    build_request,
    parse_response,
)
from bisnap.models.direct_debit import DebitPaymentRequest, DebitPaymentResponse
from bisnap.models.preauth import AuthorizeResponse, CaptureRequest, VoidRequest
from bisnap.models.qris import QrisGenerateRequest, QrisQueryResponse, QrisRefundRequest
from bisnap.models.shared import Item, PayOptionSummary
from bisnap.models.virtual_accounts import (
    CreateVaRequest,
    VaStatusRequest,
    pad_partner_service_id,
)
from bisnap.notifications.payloads import PaymentDetail

# --- amounts -----------------------------------------------------------------------------------


def test_amount_is_a_decimal_written_with_two_decimals() -> None:
    amount = Amount(value=Decimal("10000"))
    assert amount.to_wire() == {"value": "10000.00", "currency": "IDR"}
    assert Amount.model_validate({"value": "10000.00", "currency": "IDR"}).value == Decimal("10000")


def test_amount_from_a_float_goes_through_its_shortest_repr() -> None:
    assert Amount(value=0.1).to_wire()["value"] == "0.10"  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("10.001", "more than two decimals"),
        ("-1.00", "negative"),
        ("NaN", "finite"),
        ("12345678901234.00", "13 digits"),
        ("ten", "not a decimal"),
        (True, "boolean"),
    ],
)
def test_request_amounts_are_checked(value: object, problem: str) -> None:
    with pytest.raises(RequestValidationError, match=problem) as info:
        build_request(QrisGenerateRequest, amount={"value": value})
    assert info.value.field == "amount.value"


def test_request_currency_must_be_idr() -> None:
    with pytest.raises(RequestValidationError, match="IDR") as info:
        build_request(QrisGenerateRequest, amount={"value": "1.00", "currency": "USD"})
    assert info.value.field == "amount.currency"


def test_response_amounts_are_read_leniently() -> None:
    # Binding inquiry sends balances as JSON numbers; an odd precision is kept, not refused.
    amount = Amount.model_validate({"value": "10.005", "currency": "XXX"}, context=LENIENT)
    assert amount.value == Decimal("10.005")
    assert amount.to_wire() == {"value": "10.005", "currency": "XXX"}


@given(st.decimals(min_value=0, max_value=Decimal("9999999999999.99"), places=2))
def test_any_two_decimal_amount_round_trips(value: Decimal) -> None:
    wire = Amount(value=value).to_wire()
    assert wire["value"] == f"{value:.2f}"
    assert Amount.model_validate(wire).value == value


# --- response codes ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "success", "pending"),
    [
        ("2005400", True, False),
        ("20057000", True, False),  # 8-digit sample code (spec 6.1, 10.15)
        ("2024700", False, True),
        ("4005402", False, False),
    ],
)
def test_response_code_parsing(code: str, success: bool, pending: bool) -> None:
    response = SnapResponse.model_validate({"responseCode": code}, context=LENIENT)
    assert response.is_success is success
    assert response.is_pending is pending


def test_a_response_without_a_code_is_a_protocol_error() -> None:
    with pytest.raises(ProtocolError, match="responseCode"):
        parse_response(SnapResponse, {"responseMessage": "Successful"})


# --- timestamps --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-03-15T10:35:00+07:00", datetime(2024, 3, 15, 3, 35, tzinfo=timezone.utc)),
        ("2023-09-25T02:59:19.517854Z", datetime(2023, 9, 25, 2, 59, 19, 517854, timezone.utc)),
        ("2020-10-20T17:56:57", datetime(2020, 10, 20, 10, 56, 57, tzinfo=timezone.utc)),
        ("2020-10-20 17:56:57", datetime(2020, 10, 20, 10, 56, 57, tzinfo=timezone.utc)),
        ("20201020175657", datetime(2020, 10, 20, 10, 56, 57, tzinfo=timezone.utc)),
        ("2024-03-28T07:49:09.00Z", datetime(2024, 3, 28, 7, 49, 9, tzinfo=timezone.utc)),
    ],
)
def test_mixed_timestamp_formats_are_read(text: str, expected: datetime) -> None:
    response = QrisQueryResponse.model_validate(
        {"responseCode": "2005100", "paidTime": text}, context=LENIENT
    )
    assert response.paid_time == text  # kept verbatim
    assert response.paid_time is not None
    assert response.paid_time.to_datetime() == expected


def test_an_unreadable_response_timestamp_is_kept_and_fails_only_when_read() -> None:
    stamp = SnapTimestamp("yesterday")
    with pytest.raises(InvalidTimestampError):
        stamp.to_datetime()


def test_request_timestamps_accept_aware_datetimes_and_need_an_offset() -> None:
    moment = datetime(2024, 1, 1, 0, 0, tzinfo=timezone.utc)
    request = build_request(QrisGenerateRequest, amount={"value": "1.00"}, validity_period=moment)
    assert request.to_wire()["validityPeriod"] == "2024-01-01T07:00:00+07:00"
    with pytest.raises(RequestValidationError) as info:
        build_request(
            QrisGenerateRequest, amount={"value": "1.00"}, validity_period="2024-01-01T00:00:00"
        )
    assert info.value.field == "validityPeriod"
    with pytest.raises(RequestValidationError):
        build_request(
            QrisGenerateRequest,
            amount={"value": "1.00"},
            validity_period=datetime(2024, 1, 1) + timedelta(0),
        )


# --- quantities, alternative spellings ---------------------------------------------------------


def test_quantity_number_stays_a_number_and_string_stays_a_string() -> None:
    as_number = Item.model_validate({"price": {"value": "1.00"}, "quantity": 3, "name": "Apel"})
    as_text = Item.model_validate({"price": {"value": "1.00"}, "quantity": "1", "name": "Apel"})
    assert as_number.to_wire()["quantity"] == 3
    assert as_text.to_wire()["quantity"] == "1"
    assert int(as_number.quantity) + int(as_text.quantity) == 4


def test_quantity_length_limit_applies_to_text_only() -> None:
    price = {"value": "1.00"}
    assert Item.model_validate({"price": price, "quantity": "1" * 16, "name": "n"}).quantity
    number = 10**20  # a JSON number has no String(16) length to break
    assert Item.model_validate({"price": price, "quantity": number, "name": "n"}).quantity == number
    with pytest.raises(ValueError, match="17 characters long; at most 16 allowed"):
        Item.model_validate({"price": price, "quantity": "1" * 17, "name": "n"})


@pytest.mark.parametrize("bad", ["one", "-1", 1.5, -2])
def test_quantity_must_be_a_whole_number(bad: object) -> None:
    with pytest.raises(ValueError, match="quantity"):
        Item.model_validate({"price": {"value": "1.00"}, "quantity": bad, "name": "Apel"})


def test_original_external_id_is_read_from_additional_data_or_additional_info() -> None:
    common = {
        "originalPartnerReferenceNo": "o-1",
        "merchantId": "M1",
        "title": "t",
    }
    from_data = CaptureRequest.model_validate(
        {**common, "additionalData": {"originalExternalId": "ext-1"}}
    )
    from_info = CaptureRequest.model_validate(
        {**common, "additionalInfo": {"originalExternalId": "ext-2"}}
    )
    assert from_data.original_external_id == "ext-1"
    assert from_data.to_wire()["additionalData"] == {"originalExternalId": "ext-1"}
    assert from_info.original_external_id == "ext-2"
    void = VoidRequest.model_validate(
        {"originalPartnerReferenceNo": "o", "merchantId": "M", "additionalData": {}}
    )
    assert void.original_external_id is None


def test_gross_amount_in_any_of_its_documented_spellings() -> None:
    as_object = DebitPaymentResponse.model_validate(
        {
            "responseCode": "2005400",
            "additionalInfo": {"grossAmount": {"value": "12345678.00", "currency": "IDR"}},
        },
        context=LENIENT,
    )
    snake = DebitPaymentResponse.model_validate(
        {
            "responseCode": "2005400",
            "additionalInfo": {"gross_amount": {"value": "5.00", "currency": "IDR"}},
        },
        context=LENIENT,
    )
    as_text = AuthorizeResponse.model_validate(
        {"responseCode": "2006300", "additionalInfo": {"grossAmount": "10000.00"}},
        context=LENIENT,
    )
    assert as_object.additional_info is not None
    assert snake.additional_info is not None
    gross = as_object.additional_info.gross
    assert gross is not None
    assert gross.value == Decimal("12345678")
    snake_gross = snake.additional_info.gross
    assert snake_gross is not None
    assert snake_gross.value == Decimal("5")
    # The tables' snake_case spelling is read into the same field and written as in the samples.
    assert snake.to_wire()["additionalInfo"] == {
        "grossAmount": {"value": "5.00", "currency": "IDR"}
    }
    assert as_text.to_wire()["additionalInfo"] == {"grossAmount": "10000.00"}


def test_url_param_singular_is_read_as_url_params() -> None:
    request = build_request(
        DebitPaymentRequest,
        partner_reference_no="order-1",
        urlParam=[{"url": "https://m.example/back", "type": "PAY_RETURN", "isDeeplink": "N"}],
        pay_option_details=[
            {"payMethod": "GOPAY", "payOption": "GOPAY", "transAmount": {"value": "1.00"}}
        ],
    )
    assert "urlParams" in request.to_wire()
    assert "urlParam" not in request.to_wire()


def test_balance_numbers_stay_numbers() -> None:
    body = {
        "responseCode": "2000800",
        "additionalInfo": {
            "paymentOptions": [
                {"name": "GOPAY_WALLET", "balance": {"value": 7985000, "currency": "IDR"}}
            ]
        },
    }
    parsed = BindingInquiryResponse.model_validate(body, context=LENIENT)
    assert parsed.to_wire() == body
    option = parsed.payment_option("GOPAY_WALLET")
    assert option is not None
    assert option.balance is not None
    assert option.balance.value == 7985000
    assert parsed.payment_option("PAY_LATER") is None


# --- unknown fields, unset vs None, secrets ----------------------------------------------------


def test_unknown_fields_are_kept_at_every_level() -> None:
    body = {
        "responseCode": "2005100",
        "brandNew": {"x": 1},
        "amount": {"value": "1.00", "currency": "IDR", "extra": True},
        "additionalInfo": {"refundHistory": [], "gatewayAdded": "y"},
    }
    parsed = QrisQueryResponse.model_validate(body, context=LENIENT)
    assert parsed.to_wire() == body
    assert parsed.extra_fields() == {"brandNew": {"x": 1}}


def test_unset_fields_are_omitted_and_explicit_none_is_sent_as_null() -> None:
    request = build_request(
        QrisRefundRequest,
        merchant_id="M",
        original_partner_reference_no="o",
        additional_info=None,
    )
    assert request.to_wire() == {
        "merchantId": "M",
        "originalPartnerReferenceNo": "o",
        "additionalInfo": None,
    }


def test_tokens_never_appear_in_repr() -> None:
    bind = BindResponse.model_validate(
        {"responseCode": "2000700", "accessTokenInfo": {"accessToken": "SECRET-CUSTOMER-TOKEN"}},
        context=LENIENT,
    )
    assert bind.customer_token == "SECRET-CUSTOMER-TOKEN"
    assert "SECRET" not in repr(bind)
    assert "SECRET" not in str(bind)
    payment = build_request(
        DebitPaymentRequest,
        partner_reference_no="order-1",
        charge_token="SECRET-CHARGE",
        pay_option_details=[
            {
                "payMethod": "GOPAY",
                "payOption": "GOPAY_WALLET",
                "transAmount": {"value": "1.00"},
                "additionalInfo": {"paymentOptionToken": "SECRET-OPTION"},
            }
        ],
    )
    assert "SECRET" not in repr(payment)


# --- request rules -----------------------------------------------------------------------------


def _va(**overrides: object) -> dict[str, object]:
    fields: dict[str, object] = {
        "partner_service_id": "   70012",
        "customer_no": "6280123456",
        "virtual_account_no": "   700126280123456",
        "virtual_account_name": "Jokul Doe",
        "total_amount": {"value": "10000.00"},
        "additional_info": {"bank": "bca", "merchantId": "G059876677"},
    }
    fields.update(overrides)
    return fields


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"partner_service_id": "70012"}, "partnerServiceId"),
        ({"partner_service_id": "70012   "}, "partnerServiceId"),
        ({"virtual_account_no": "700126280123456"}, "virtualAccountNo"),
        ({"customer_no": "62801abc"}, "customerNo"),
        ({"trx_id": "has space"}, "trxId"),
        ({"trx_id": "x" * 37}, "trxId"),
        ({"trx_id": "a/b"}, "trxId"),
        ({"total_amount": {"value": "1.5555"}}, "totalAmount.value"),
        ({"additional_info": {"bank": "bca"}}, "additionalInfo.merchantId"),
        ({"virtual_account_nam": "typo"}, "virtualAccountNam"),
    ],
)
def test_va_request_rules_name_the_field(overrides: dict[str, object], field: str) -> None:
    with pytest.raises(RequestValidationError) as info:
        build_request(CreateVaRequest, **_va(**overrides))
    assert info.value.field == field


def test_allowed_reference_symbols_pass() -> None:
    request = build_request(CreateVaRequest, **_va(trx_id="Ab-1_2~3.4"))
    assert request.trx_id == "Ab-1_2~3.4"


def test_partner_service_id_padding_helper() -> None:
    assert pad_partner_service_id(70012) == "   70012"
    assert pad_partner_service_id("88899") == "   88899"
    with pytest.raises(ValueError, match="bank company code"):
        pad_partner_service_id("123456789")


def test_refund_numbers_allow_only_letters_digits_dash_and_underscore() -> None:
    with pytest.raises(RequestValidationError) as info:
        build_request(
            QrisRefundRequest,
            merchant_id="M",
            original_partner_reference_no="o",
            partner_refund_no="r.1",
        )
    assert info.value.field == "partnerRefundNo"


def test_one_of_the_original_identifiers_is_required() -> None:
    from bisnap.models.direct_debit import DebitStatusRequest

    with pytest.raises(RequestValidationError, match="one of") as info:
        build_request(DebitStatusRequest)
    assert info.value.field == "originalReferenceNo"


def test_a_typed_request_and_keywords_together_are_refused() -> None:
    request = build_request(VaStatusRequest, **_va_status())
    with pytest.raises(RequestValidationError, match="either"):
        build_request(VaStatusRequest, request, inquiry_request_id="x")


def _va_status() -> dict[str, object]:
    return {
        "partner_service_id": "   70012",
        "customer_no": "6280123456",
        "virtual_account_no": "   700126280123456",
        "inquiry_request_id": "trx-1",
        "additional_info": {"merchantId": "G059876677"},
    }


def test_a_mutated_request_is_revalidated() -> None:
    request = build_request(VaStatusRequest, **_va_status())
    object.__setattr__(request, "inquiry_request_id", "x" * 200)  # bypass assignment checks
    with pytest.raises(RequestValidationError) as info:
        build_request(VaStatusRequest, request)
    assert info.value.field == "inquiryRequestId"


# --- the wire form keeps exactly the keys the per-class field lists say -------------------------


def _reference_wire_keys(model: Any) -> set[str]:
    """A second implementation: walk every declared field of the instance."""
    keys = set()
    for name, info in type(model).model_fields.items():
        if name in model.model_fields_set or getattr(model, name) is not None:
            keys.add(info.alias or name)
    return keys | set(model.model_extra or {})


_OPTIONAL_VA_FIELDS = {
    "virtual_account_email": "jokul@example.com",
    "virtual_account_phone": "6281828384858",
    "trx_id": "trx-1",
    "expired_date": "2030-12-31T23:59:59+07:00",
}


@settings(max_examples=60, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from(sorted(_OPTIONAL_VA_FIELDS)), st.sampled_from(["value", "none"])
    ),
    st.booleans(),
)
def test_wire_keys_match_a_walk_of_every_field(choice: dict[str, str], with_extra: bool) -> None:
    from bisnap.models.virtual_accounts import CreateVaRequest, VirtualAccountData

    fields: dict[str, Any] = {
        "partner_service_id": "   70012",
        "customer_no": "6280123456",
        "virtual_account_no": "   700126280123456",
        "virtual_account_name": "Jokul Doe",
        "total_amount": {"value": "10000.00"},
        "additional_info": {"bank": "bca", "merchantId": "G059876677"},
    }
    for name, kind in choice.items():
        fields[name] = _OPTIONAL_VA_FIELDS[name] if kind == "value" else None
    request = CreateVaRequest.model_validate(fields)
    assert set(request.to_wire()) == _reference_wire_keys(request)
    for name, kind in choice.items():
        wire = request.to_wire()[CreateVaRequest.model_fields[name].alias or name]
        assert (wire is None) == (kind == "none")  # set to None is sent as null

    data = {"virtualAccountNo": "   700126280123456"} | ({"extraKey": 1} if with_extra else {})
    answer = VirtualAccountData.model_validate(data)
    assert set(answer.to_wire()) == _reference_wire_keys(answer)


def test_pay_option_object_reads_alike_in_answers_and_notifications() -> None:
    # {payMethod, payOption} is declared once; each family keeps its own rules around it.
    wire = {"payMethod": "gopay", "payOption": "GOPAY_WALLET", "extra": 1}
    answer = PayOptionSummary.model_validate(wire)
    notified = PaymentDetail.model_validate(wire)
    assert (answer.pay_method, answer.pay_option) == ("gopay", "GOPAY_WALLET")
    assert (notified.pay_method, notified.pay_option) == ("gopay", "GOPAY_WALLET")
    assert answer.to_wire() == wire
    assert notified.to_wire() == wire
    assert PayOptionSummary().to_wire() == {}  # unset fields are left out of answers
    with pytest.raises(ValidationError):
        notified.pay_method = "dana"  # notifications are frozen
    with pytest.raises(ValidationError):
        answer.pay_method = 3  # type: ignore[assignment]  # answers check assignments
    answer.pay_method = "dana"
    assert answer.to_wire()["payMethod"] == "dana"
