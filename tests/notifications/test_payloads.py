"""Typed payloads of the four notifications, parsed from the spec's sample bodies."""

from __future__ import annotations

from decimal import Decimal

import pytest

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
    assert info.access_token.get_secret_value().startswith("MjAyMjEwMTM2NjE1OGRi")
    assert info.status_message == "Account linked"
    assert "MjAyMjEw" not in repr(payload) + str(payload) + repr(info)


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
    ("body", "field", "missing"),
    [
        (b'{"latestTransactionStatus":"00"}', "originalReferenceNo", True),
        (
            b'{"originalReferenceNo":"1","latestTransactionStatus":"00",'
            b'"amount":{"value":"ten","currency":"IDR"}}',
            "amount.value",
            False,
        ),
        (
            b'{"originalReferenceNo":"1","latestTransactionStatus":"00",'
            b'"amount":{"value":"NaN","currency":"IDR"}}',
            "amount.value",
            False,
        ),
        (b'{"originalReferenceNo":1,"latestTransactionStatus":"00"}', "originalReferenceNo", False),
        (b"[1, 2]", None, False),
        (b'"text"', None, False),
    ],
)
def test_bad_fields_are_named_without_their_values(
    body: bytes, field: str | None, missing: bool
) -> None:
    with pytest.raises(NotificationPayloadError) as caught:
        parse_payload(NotificationKind.QRIS_PAYMENT, body)
    assert caught.value.step == "payload"
    assert caught.value.field == field
    assert caught.value.missing is missing
    assert "ten" not in str(caught.value)


def test_missing_customer_token() -> None:
    body = b'{"additionalInfo":{"accountStatus":"DISABLED"}}'
    with pytest.raises(NotificationPayloadError) as caught:
        parse_payload(NotificationKind.ACCOUNT_LINKING, body)
    assert caught.value.field == "additionalInfo.accessToken"
