"""Typed payloads of the four notifications, parsed from the spec's sample bodies."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bisnap.notifications import (
    AccountLinkingNotification,
    DirectDebitNotification,
    NotificationKind,
    NotificationPayloadError,
    QrisDetail,
    QrisNotification,
    VaPaymentNotification,
    kind_for_path,
    parse_payload,
    payload_model,
)

from .helpers import SAMPLE_PATHS, SAMPLES


@pytest.mark.parametrize("kind", list(NotificationKind), ids=lambda kind: kind.name)
def test_dispatch_by_path(kind: NotificationKind) -> None:
    assert kind_for_path(SAMPLE_PATHS[kind]) is kind
    assert kind_for_path("/api/snap" + SAMPLE_PATHS[kind]) is kind
    assert kind_for_path(SAMPLE_PATHS[kind].replace("/v1.0/", "/1.0/")) is kind
    assert kind_for_path(SAMPLE_PATHS[kind] + "/") is None
    assert payload_model(kind).kind is kind


def test_unknown_paths() -> None:
    for path in ("/", "/v1.0/debit/payment-host-to-host", "/debit/notify", "/v1.0/qr/notify"):
        assert kind_for_path(path) is None


def test_service_codes() -> None:
    codes = {kind: kind.success_code for kind in NotificationKind}
    assert codes == {
        NotificationKind.VA_PAYMENT: "2002500",
        NotificationKind.QRIS_PAYMENT: "2005200",
        NotificationKind.DIRECT_DEBIT: "2005600",
        NotificationKind.ACCOUNT_LINKING: "2008800",
    }


def test_direct_debit_sample() -> None:
    payload = parse_payload(NotificationKind.DIRECT_DEBIT, SAMPLES[NotificationKind.DIRECT_DEBIT])
    assert isinstance(payload, DirectDebitNotification)
    assert payload.is_success
    assert payload.original_reference_no == "gopayOrderId"
    assert payload.original_external_id == "merchant-order-id"
    assert payload.finished_time == "2020-01-02T00:00:00+07:00"
    details = payload.additional_info.user_payment_details or []
    assert [(d.pay_method, d.pay_option) for d in details] == [("gopay", "GOPAY_WALLET")]
    refund = (payload.additional_info.refund_history or [])[0]
    assert refund.refund_no == "96194816941239812"
    assert refund.refund_amount is not None
    assert refund.refund_amount.value == Decimal("12345678.00")
    assert refund.reason == "Customer Complain"


def test_qris_sample() -> None:
    payload = parse_payload(NotificationKind.QRIS_PAYMENT, SAMPLES[NotificationKind.QRIS_PAYMENT])
    assert isinstance(payload, QrisNotification)
    assert payload.external_store_id == "124928924949487"
    assert payload.amount is not None
    assert payload.amount.value == Decimal("12345678.00")
    assert payload.amount.currency == "IDR"
    assert payload.additional_info.qris == QrisDetail.model_validate(
        {"issuerName": "gopay", "acquirerName": "gopay", "transactionType": "ON-US"}
    )


def test_qris_detail_as_a_list() -> None:
    body = (
        b'{"originalReferenceNo":"1","latestTransactionStatus":"03",'
        b'"additionalInfo":{"qris":[{"issuerName":"dana"}]}}'
    )
    payload = parse_payload(NotificationKind.QRIS_PAYMENT, body)
    assert isinstance(payload, QrisNotification)
    assert not payload.is_success
    assert isinstance(payload.additional_info.qris, list)
    assert payload.additional_info.qris[0].issuer_name == "dana"


def test_va_sample_keeps_its_padding() -> None:
    payload = parse_payload(NotificationKind.VA_PAYMENT, SAMPLES[NotificationKind.VA_PAYMENT])
    assert isinstance(payload, VaPaymentNotification)
    assert payload.partner_service_id == "  088899"
    assert payload.virtual_account_no == "  08889912345678901234567890"
    assert payload.trx_id == "abcdefgh1234"
    assert payload.paid_amount is not None
    assert payload.paid_amount.value == Decimal("12345678.00")
    assert payload.additional_info is not None
    assert payload.additional_info.custom_field == {
        "1": "custom-field-1",
        "2": "custom-field-2",
        "3": "custom-field-3",
    }
    assert payload.is_success


def test_account_linking_sample_hides_the_customer_token() -> None:
    body = SAMPLES[NotificationKind.ACCOUNT_LINKING]
    payload = parse_payload(NotificationKind.ACCOUNT_LINKING, body)
    assert isinstance(payload, AccountLinkingNotification)
    assert payload.is_linked
    info = payload.additional_info
    assert info.access_token is not None
    assert info.access_token.get_secret_value().startswith("MjAyMjEwMTM2NjE1OGRi")
    assert info.status_message == "Account linked"
    assert "MjAyMjEw" not in repr(payload) + str(payload) + repr(info)
    assert not payload.is_success  # a linking notification carries no payment status


def test_unknown_fields_are_kept_at_every_level() -> None:
    body = (
        b'{"originalReferenceNo":"1","latestTransactionStatus":"00","newTopLevel":{"a":1},'
        b'"amount":{"value":"1.00","currency":"IDR","exchangeRate":"1"},'
        b'"additionalInfo":{"newInfo":"x","refundHistory":[]}}'
    )
    payload = parse_payload(NotificationKind.DIRECT_DEBIT, body)
    assert payload.model_extra == {"newTopLevel": {"a": 1}}
    assert isinstance(payload, DirectDebitNotification)
    assert payload.amount is not None
    assert payload.amount.model_extra == {"exchangeRate": "1"}
    assert payload.additional_info.model_extra == {"newInfo": "x"}


def test_amounts_are_exact_decimals() -> None:
    body = b'{"originalReferenceNo":"1","latestTransactionStatus":"00",' + (
        b'"amount":{"value":"99999999999.99","currency":"IDR"}}'
    )
    payload = parse_payload(NotificationKind.QRIS_PAYMENT, body)
    assert isinstance(payload, QrisNotification)
    assert payload.amount is not None
    assert payload.amount.value == Decimal("99999999999.99")
    assert str(payload.amount.value) == "99999999999.99"


@pytest.mark.parametrize(
    ("body", "missing", "invalid"),
    [
        (b'{"latestTransactionStatus":"00"}', ("originalReferenceNo", "additionalInfo"), {}),
        (
            b'{"originalReferenceNo":"1","latestTransactionStatus":"00",'
            b'"amount":{"value":"ten","currency":"IDR"}}',
            ("additionalInfo",),
            {"amount": {"value": "ten", "currency": "IDR"}},
        ),
        (
            b'{"originalReferenceNo":"1","latestTransactionStatus":"00",'
            b'"amount":{"value":"NaN","currency":"IDR"}}',
            ("additionalInfo",),
            {"amount": {"value": "NaN", "currency": "IDR"}},
        ),
        (
            b'{"originalReferenceNo":1,"latestTransactionStatus":"00","additionalInfo":{}}',
            (),
            {"originalReferenceNo": 1},
        ),
    ],
)
def test_a_verified_body_is_never_refused_for_its_shape(
    body: bytes, missing: tuple[str, ...], invalid: dict[str, object]
) -> None:
    payload = parse_payload(NotificationKind.QRIS_PAYMENT, body)
    assert payload.missing_fields == missing
    assert payload.invalid_fields == invalid
    assert payload.to_wire() == json.loads(body)


@pytest.mark.parametrize("body", [b"[1, 2]", b'"text"'])
def test_a_body_that_is_not_an_object_is_still_refused(body: bytes) -> None:
    with pytest.raises(NotificationPayloadError) as caught:
        parse_payload(NotificationKind.QRIS_PAYMENT, body)
    assert caught.value.step == "payload"
    assert caught.value.field is None


def test_missing_customer_token_is_reported_not_refused() -> None:
    body = b'{"additionalInfo":{"accountStatus":"DISABLED"}}'
    payload = parse_payload(NotificationKind.ACCOUNT_LINKING, body)
    assert isinstance(payload, AccountLinkingNotification)
    assert "additionalInfo.accessToken" in payload.missing_fields
    assert payload.additional_info.access_token is None
    assert not payload.is_linked


def test_va_notification_without_identity_fields_is_delivered() -> None:
    # Shape seen in SDK fixtures (addendum D): no partnerServiceId/customerNo, plus fields
    # of other notifications.
    body = (
        b'{"originalReferenceNo":"A1","trxDateTime":"2024-09-23T15:15:30+07:00",'
        b'"responseCode":"2002500","latestTransactionStatus":"00","virtualAccountNo":"  0888991",'
        b'"trxId":"t-1","additionalInfo":{"paymentFlagStatus":"00"}}'
    )
    payload = parse_payload(NotificationKind.VA_PAYMENT, body)
    assert isinstance(payload, VaPaymentNotification)
    assert payload.is_success
    assert payload.trx_id == "t-1"
    assert payload.virtual_account_no == "  0888991"
    assert payload.partner_service_id is None
    assert payload.missing_fields[:2] == ("partnerServiceId", "customerNo")
    assert payload.model_extra is not None
    assert payload.model_extra["latestTransactionStatus"] == "00"
    assert payload.to_wire() == json.loads(body)


def test_linking_access_token_round_trips_but_stays_out_of_repr() -> None:
    token = "MjAyMjEwMTM2NjE1OGRiMS00NmM1"
    body = (
        b'{"additionalInfo":{"accessToken":"' + token.encode() + b'","merchantId":"G123123",'
        b'"subMerchantId":"pop-id","paymentType":"gopay","accountStatus":"ENABLED",'
        b'"statusMessage":"Account linked"}}'
    )
    payload = parse_payload(NotificationKind.ACCOUNT_LINKING, body)
    assert isinstance(payload, AccountLinkingNotification)
    assert payload.to_wire() == json.loads(body)
    assert payload.model_dump(mode="json", by_alias=True)["additionalInfo"]["accessToken"] == token
    assert token not in repr(payload)
    assert token not in str(payload)
    assert payload.additional_info.access_token is not None
    assert payload.additional_info.access_token.get_secret_value() == token
    assert payload.missing_fields == ()


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=12,
)
_KEYS = st.sampled_from(
    [
        "originalReferenceNo",
        "latestTransactionStatus",
        "amount",
        "additionalInfo",
        "trxId",
        "partnerServiceId",
        "paidAmount",
        "customField",
        "accessToken",
        "value",
        "qris",
        "x",
    ]
)


@settings(deadline=None, max_examples=150)
@given(
    kind=st.sampled_from(list(NotificationKind)),
    body=st.dictionaries(_KEYS, _JSON | st.dictionaries(_KEYS, _JSON, max_size=4), max_size=6),
)
def test_any_json_object_parses_and_round_trips(
    kind: NotificationKind, body: dict[str, object]
) -> None:
    raw = json.dumps(body).encode()
    payload = parse_payload(kind, raw)
    assert payload.to_wire() == body
    assert set(payload.missing_fields) <= set(payload.mandatory)
