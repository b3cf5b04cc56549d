"""Payouts notification bodies and an independent signer (``hashlib``, not bisnap)."""

from __future__ import annotations

import hashlib

KEY = "IRIS-merchant-7c1e2d3f-aaaa-bbbb-cccc-0123456789ab"

PROCESSED = (
    b'{"reference_no":"PO0001","amount":"250000.00","status":"processed",'
    b'"updated_at":"2024-03-15T03:40:00Z","partner_reference_no":"PAY-1"}'
)
COMPLETED = (
    b'{"reference_no":"PO0001","amount":"250000.00","status":"completed",'
    b'"updated_at":"2024-03-15T03:41:00Z","partner_reference_no":"PAY-1"}'
)
FAILED = (  # the failed sample of Midtrans' error-code page
    b'{"reference_no":"21b6d59f9414b2636b","amount":"10000.00","status":"failed",'
    b'"updated_at":"2018-07-23T10:23:31Z","error_code":"002",'
    b'"error_message":"Invalid destination account number"}'
)
TOPUP = (
    b'{"transaction_id":"6f1c9a52-3d4e","order_id":"TOPUP-1","gross_amount":"5000000.00",'
    b'"status":"topup","transaction_time":"2024-03-15T03:12:28Z"}'
)


def sign(body: bytes, key: str = KEY) -> str:
    return hashlib.sha512(body + key.encode()).hexdigest()


def headers(body: bytes, key: str = KEY) -> dict[str, str]:
    return {"Content-Type": "application/json", "Iris-Signature": sign(body, key)}
