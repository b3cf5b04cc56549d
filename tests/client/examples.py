"""Valid request fields for each family, shared by the client tests."""

from __future__ import annotations

from typing import Any

MERCHANT_ID = "G059876677"
PAYMENT_HANDLE = "550e8400-e29b-41d4-a716-446655440000"
DEVICE = "android-a1b2c3d4e5f6"


def va_create(**overrides: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "partner_service_id": "   70012",
        "customer_no": "6280123456",
        "virtual_account_no": "   700126280123456",
        "virtual_account_name": "Jokul Doe",
        "total_amount": {"value": "10000.00", "currency": "IDR"},
        "additional_info": {"bank": "bca", "merchantId": MERCHANT_ID},
    }
    fields.update(overrides)
    return fields


def qris_generate(**overrides: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {"amount": {"value": "15000.00"}, "merchant_id": MERCHANT_ID}
    fields.update(overrides)
    return fields


def debit_payment(amount: str = "25000.00", **overrides: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "partner_reference_no": "order-1",
        "merchant_id": MERCHANT_ID,
        "url_params": [
            {"url": "https://merchant.example/back", "type": "PAY_RETURN", "isDeeplink": "N"}
        ],
        "pay_option_details": [
            {"payMethod": "GOPAY", "payOption": "GOPAY", "transAmount": {"value": amount}}
        ],
    }
    fields.update(overrides)
    return fields


def _gopay_wallet(option_token: str, amount: str) -> dict[str, Any]:
    """One ``payOptionDetails`` entry paying ``amount`` from the linked GoPay wallet."""
    return {
        "payMethod": "GOPAY",
        "payOption": "GOPAY_WALLET",
        "transAmount": {"value": amount},
        "additionalInfo": {"paymentOptionToken": option_token},
    }


def tokenized_payment(
    option_token: str, amount: str = "25000.00", **overrides: Any
) -> dict[str, Any]:
    fields = debit_payment(amount)
    fields["pay_option_details"] = [_gopay_wallet(option_token, amount)]
    fields.update(overrides)
    return fields


def authorize(option_token: str, amount: str = "50000.00", **overrides: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "partner_reference_no": "auth-order-1",
        "merchant_id": MERCHANT_ID,
        "amount": {"value": amount},
        "title": "Ride deposit",
        "additional_info": {"payOptionDetails": [_gopay_wallet(option_token, amount)]},
    }
    fields.update(overrides)
    return fields
