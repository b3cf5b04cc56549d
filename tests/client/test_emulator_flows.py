"""Every operation against the emulator, sync and async, including error paths."""

from __future__ import annotations

from decimal import Decimal

import pytest

from bisnap import errors as E
from tests.client import examples
from tests.client.emulated import Emulated

pytestmark = pytest.mark.anyio


# --- virtual accounts --------------------------------------------------------------------------


async def test_virtual_account_lifecycle(snap: Emulated) -> None:
    created = await snap.virtual_accounts.create(**examples.va_create(trx_id="va-trx-1"))
    data = created.virtual_account_data
    assert created.is_success
    assert data.partner_service_id == "   70012"
    assert data.virtual_account_no.startswith("   70012")
    assert data.trx_id == "va-trx-1"

    identity = {
        "partner_service_id": data.partner_service_id,
        "customer_no": data.customer_no,
        "virtual_account_no": data.virtual_account_no,
    }
    pending = await snap.virtual_accounts.status(
        **identity,
        inquiry_request_id="va-trx-1",
        additional_info={"merchantId": examples.MERCHANT_ID},
    )
    assert pending.payment_flag_status == "03"

    snap.emulator.pay_va("va-trx-1")
    paid = await snap.virtual_accounts.status(
        **identity,
        inquiry_request_id="va-trx-1",
        additional_info={"merchantId": examples.MERCHANT_ID},
    )
    assert paid.payment_flag_status == "00"
    assert paid.virtual_account_data.total_amount.value == Decimal("10000")


async def test_virtual_account_delete_and_errors(snap: Emulated) -> None:
    created = await snap.virtual_accounts.create(
        **examples.va_create(customer_no="6280999999", virtual_account_no="   700126280999999")
    )
    data = created.virtual_account_data
    identity = {
        "partner_service_id": data.partner_service_id,
        "customer_no": data.customer_no,
        "virtual_account_no": data.virtual_account_no,
    }
    deleted = await snap.virtual_accounts.delete(
        **identity, trx_id=data.trx_id, additional_info={"merchantId": examples.MERCHANT_ID}
    )
    assert deleted.is_success
    status = await snap.virtual_accounts.status(
        **identity,
        inquiry_request_id=data.trx_id,
        additional_info={"merchantId": examples.MERCHANT_ID},
    )
    assert status.payment_flag_status == "05"
    with pytest.raises(E.NotFoundError):
        await snap.virtual_accounts.status(
            **identity,
            inquiry_request_id="never-created",
            additional_info={"merchantId": examples.MERCHANT_ID},
        )


# --- QRIS --------------------------------------------------------------------------------------


async def test_qris_generate_pay_query_refund(snap: Emulated) -> None:
    qr = await snap.qris.generate(**examples.qris_generate(partner_reference_no="qr-1"))
    assert qr.partner_reference_no == "qr-1"
    assert qr.qr_content
    pending = await snap.qris.query(
        original_partner_reference_no="qr-1", merchant_id=examples.MERCHANT_ID
    )
    assert pending.latest_transaction_status == "03"

    snap.emulator.pay_qris("qr-1")
    paid = await snap.qris.query(
        original_reference_no=qr.reference_no, merchant_id=examples.MERCHANT_ID
    )
    assert paid.latest_transaction_status == "00"
    assert paid.amount.value == Decimal("15000")

    refund = await snap.qris.refund(
        merchant_id=examples.MERCHANT_ID,
        original_partner_reference_no="qr-1",
        original_reference_no=qr.reference_no,
        refund_amount={"value": "5000.00"},
        reason="customer complaint",
    )
    assert refund.refund_amount.value == Decimal("5000")
    assert refund.partner_refund_no  # = the X-EXTERNAL-ID the client generated
    with pytest.raises(E.SnapAPIError) as info:
        await snap.qris.refund(
            merchant_id=examples.MERCHANT_ID,
            original_partner_reference_no="qr-1",
            refund_amount={"value": "50000.00"},
        )
    assert info.value.http_status in (403, 404)


async def test_qris_cancel_and_duplicate(snap: Emulated) -> None:
    await snap.qris.generate(**examples.qris_generate(partner_reference_no="qr-2"))
    cancelled = await snap.qris.cancel(
        original_partner_reference_no="qr-2",
        merchant_id=examples.MERCHANT_ID,
        reason="changed mind",
    )
    assert cancelled.is_success
    query = await snap.qris.query(
        original_partner_reference_no="qr-2", merchant_id=examples.MERCHANT_ID
    )
    assert query.latest_transaction_status == "05"
    # Same X-EXTERNAL-ID and body: the documented idempotent answer. Another body: a conflict.
    again = await snap.qris.generate(**examples.qris_generate(partner_reference_no="qr-2"))
    assert again.partner_reference_no == "qr-2"
    with pytest.raises(E.DuplicateExternalIdError):
        await snap.qris.generate(
            **examples.qris_generate(partner_reference_no="qr-2", amount={"value": "1.00"})
        )


# --- direct debit ------------------------------------------------------------------------------


async def test_direct_debit_payment_status_refund(snap: Emulated) -> None:
    payment = await snap.direct_debit.payment(external_id="dd-ext-1", **examples.debit_payment())
    assert payment.web_redirect_url
    assert payment.additional_info.gross.value == Decimal("25000")
    status = await snap.direct_debit.status(original_external_id="dd-ext-1")
    assert status.latest_transaction_status == "03"

    snap.emulator.pay_debit(payment.reference_no)
    paid = await snap.direct_debit.status(original_reference_no=payment.reference_no)
    assert paid.latest_transaction_status == "00"

    refund = await snap.direct_debit.refund(
        original_partner_reference_no="order-1",
        original_reference_no=payment.reference_no,
        refund_amount={"value": "10000.00"},
        external_id="dd-refund-1",
    )
    assert refund.partner_refund_no == "dd-refund-1"
    assert refund.refund_amount.value == Decimal("10000")


async def test_direct_debit_cancel_and_errors(snap: Emulated) -> None:
    payment = await snap.direct_debit.payment(
        **examples.debit_payment(partner_reference_no="order-2")
    )
    cancelled = await snap.direct_debit.cancel(
        original_reference_no=payment.reference_no, original_partner_reference_no="order-2"
    )
    assert cancelled.original_reference_no == payment.reference_no
    status = await snap.direct_debit.status(original_reference_no=payment.reference_no)
    assert status.latest_transaction_status == "05"
    with pytest.raises(E.NotFoundError):
        await snap.direct_debit.status(original_external_id="no-such-payment")
    with pytest.raises(E.SnapAPIError):
        await snap.direct_debit.refund(
            original_partner_reference_no="order-2", original_reference_no=payment.reference_no
        )


# --- account linking and GoPay tokenization ----------------------------------------------------


async def _link(snap: Emulated, phone: str = "628123456789") -> str:
    url = await snap.account_linking.auth_code_url(
        redirect_url="https://merchant.example/linked",
        merchant_id=examples.PAYMENT_HANDLE,
        mobile_number=phone,
        state="s-1",
    )
    redirect = snap.open_auth_url(url)
    assert redirect["state"] == "s-1"
    bound = await snap.account_linking.bind(
        merchant_id=examples.PAYMENT_HANDLE, auth_code=redirect["authCode"]
    )
    token = bound.customer_token
    assert token
    assert token not in repr(bound)
    return str(token)


async def test_linking_inquiry_tokenized_payment_unbind(snap: Emulated) -> None:
    token = await _link(snap)
    inquiry = await snap.account_linking.inquiry(customer_token=token, device_id=examples.DEVICE)
    wallet = inquiry.payment_option("GOPAY_WALLET")
    assert wallet is not None
    assert wallet.token

    payment = await snap.direct_debit.payment(
        customer_token=token,
        device_id=examples.DEVICE,
        **examples.tokenized_payment(wallet.token, partner_reference_no="tok-order-1"),
    )
    assert payment.is_success

    unbound = await snap.account_linking.unbind(
        merchant_id=examples.PAYMENT_HANDLE, customer_token=token, device_id=examples.DEVICE
    )
    assert unbound.is_success
    with pytest.raises(E.InvalidCustomerTokenError):
        await snap.account_linking.inquiry(customer_token=token, device_id=examples.DEVICE)


async def test_linking_error_paths(snap: Emulated) -> None:
    with pytest.raises(E.AccountNotFoundError):
        await snap.account_linking.bind(merchant_id=examples.PAYMENT_HANDLE, auth_code="made-up")
    with pytest.raises(E.RequestValidationError):
        await snap.account_linking.unbind(merchant_id=examples.PAYMENT_HANDLE, device_id="d")


# --- pre-auth ----------------------------------------------------------------------------------


async def test_preauth_authorize_capture_refund_and_void(snap: Emulated) -> None:
    token = await _link(snap)
    inquiry = await snap.account_linking.inquiry(customer_token=token, device_id=examples.DEVICE)
    option = inquiry.payment_option("GOPAY_WALLET").token

    auth = await snap.preauth.authorize(
        customer_token=token, device_id=examples.DEVICE, **examples.authorize(option)
    )
    assert auth.reference_no
    query = await snap.preauth.query(original_partner_reference_no="auth-order-1")
    assert query.latest_transaction_status == "01"

    capture = await snap.preauth.capture(
        original_partner_reference_no="auth-order-1",
        original_reference_no=auth.reference_no,
        merchant_id=examples.MERCHANT_ID,
        title="Ride",
        capture_amount={"value": "50000.00"},
    )
    assert capture.partner_capture_no
    captured = await snap.preauth.query(
        original_reference_no=auth.reference_no, original_partner_reference_no="auth-order-1"
    )
    assert captured.latest_transaction_status == "00"

    refund = await snap.preauth.refund(
        original_partner_reference_no="auth-order-1",
        original_reference_no=auth.reference_no,
        refund_amount={"value": "20000.00"},
    )
    assert refund.refund_no

    second = await snap.preauth.authorize(
        customer_token=token,
        device_id=examples.DEVICE,
        **examples.authorize(option, partner_reference_no="auth-order-2"),
    )
    voided = await snap.preauth.void(
        original_partner_reference_no="auth-order-2",
        original_reference_no=second.reference_no,
        merchant_id=examples.MERCHANT_ID,
        reason="ride cancelled",
    )
    assert voided.partner_void_no
    after = await snap.preauth.query(original_partner_reference_no="auth-order-2")
    assert after.latest_transaction_status == "05"
    with pytest.raises(E.SnapAPIError):
        await snap.preauth.capture(
            original_partner_reference_no="auth-order-2",
            merchant_id=examples.MERCHANT_ID,
            title="Ride",
        )
