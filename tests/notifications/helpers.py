"""Signing test notifications the way the gateway does, and the published sample bodies."""

from __future__ import annotations

import importlib.util
import json
import sys
from datetime import datetime, timezone
from pathlib import Path
from types import ModuleType

from bisnap.keys import PrivateKey
from bisnap.notifications import NotificationKind
from bisnap.signing import asymmetric_string_to_sign, sign_rsa
from bisnap.timestamps import Clock

ROOT = Path(__file__).resolve().parents[2]
VECTORS = Path(__file__).resolve().parent / "data" / "midtrans_demo_notifications.json"

NOW = datetime(2026, 1, 15, 3, 0, 0, tzinfo=timezone.utc)
TIMESTAMP = "2026-01-15T10:00:00+07:00"  # NOW in Jakarta time, written out by hand


def fixed_clock(moment: datetime = NOW) -> Clock:
    return lambda: moment


def sign_headers(
    private_key: PrivateKey,
    body: bytes,
    *,
    path: str,
    timestamp: str = TIMESTAMP,
    external_id: str = "123456789012",
    method: str = "POST",
) -> dict[str, str]:
    """Headers of a notification signed over ``path`` (what the gateway signs)."""
    signature = sign_rsa(private_key, asymmetric_string_to_sign(method, path, body, timestamp))
    return {
        "Content-Type": "application/json",
        "X-TIMESTAMP": timestamp,
        "X-SIGNATURE": signature,
        "X-PARTNER-ID": "G123456789",
        "X-EXTERNAL-ID": external_id,
        "CHANNEL-ID": "12345",
    }


# The §7.3 sample bodies as Midtrans shows them (pretty-printed), with the missing commas of
# the QRIS and account-linking samples put back.
SAMPLES: dict[NotificationKind, bytes] = {
    NotificationKind.DIRECT_DEBIT: b"""{
    "createdTime": "2020-01-01T00:00:00+07:00",
    "latestTransactionStatus": "00",
    "originalReferenceNo": "gopayOrderId",
    "finishedTime": "2020-01-02T00:00:00+07:00",
    "originalPartnerReferenceNo": "merchant-order-id",
    "transactionStatusDesc": "desc",
   "originalExternalId":"merchant-order-id",
    "additionalInfo": {
        "userPaymentDetails": [
         {
           "payMethod": "gopay",
           "payOption": "GOPAY_WALLET"
         }
        ],
         "refundHistory":[
  \t{
     \t     \t"refundNo":"96194816941239812",
      \t\t\t"refundStatus":"00",
     \t     \t"partnerReferenceNo":"239850918204981205970",
          \t\t"refundAmount":{
          \t   \t     \t"value":"12345678.00",
         \t    \t     \t"currency":"IDR"
     \t     \t},
     \t     \t"refundDate":"2020-12-23T07:44:16+07:00",
          \t\t"reason":"Customer Complain"
  \t}
   ]
    }
}""",
    NotificationKind.QRIS_PAYMENT: b"""{
   "originalReferenceNo":"2020102977770000000009",
   "originalPartnerReferenceNo":"2020102900000000000001",
   "latestTransactionStatus":"00",
   "transactionStatusDesc":"success",
   "amount":{
      "value":"12345678.00",
      "currency":"IDR"
   },
   "externalStoreID":"124928924949487",
   "additionalInfo":{
     "qris" :{
       "issuerName":"gopay",
       "acquirerName":"gopay",
       "transactionType":"ON-US"
     }
   }
}""",
    NotificationKind.VA_PAYMENT: b"""{
    "partnerServiceId":"  088899",
    "customerNo":"12345678901234567890",
    "virtualAccountNo":"  08889912345678901234567890",
    "virtualAccountName":"Jokul Doe",
    "virtualAccountEmail":"jokul@email.com",
    "virtualAccountPhone":"6281828384858",
    "trxId":"abcdefgh1234",
    "paymentRequestId":"abcdef-123456-abcdef",
    "paidAmount":{
       "value":"12345678.00",
       "currency":"IDR"
    },
    "referenceNo":"123456789012345",
    "additionalInfo":{
       "bank":"BCA",
       "paymentFlagStatus": "00",
       "merchantId":"G059876677",
       "paidTime":"2020-01-01T00:00:00+07:00",\x20\x20
       "customField": {
          "1": "custom-field-1",
          "2": "custom-field-2",
          "3": "custom-field-3"
       }
    }
 }""",
    NotificationKind.ACCOUNT_LINKING: b"""{
"additionalInfo":\x20
\t{\x20\x20
  \t"accessToken":"MjAyMjEwMTM2NjE1OGRiMS00NmM1LTQxMWQtYmU4NC01ODk1ZTdhMjg2NmY6OGNmM2U4NWUtZTc3Mi00NTJmLWFkYmEtNDcyNjRiOWZiZWIw",
  \t"merchantId": "G123123",
  \t"subMerchantId": "pop-id",
  \t"paymentType": "gopay",
  \t"accountStatus":"ENABLED",
  \t"statusMessage":"Account linked"
\t}
}""",
}

SAMPLE_PATHS: dict[NotificationKind, str] = {
    NotificationKind.DIRECT_DEBIT: "/v1.0/debit/notify",
    NotificationKind.QRIS_PAYMENT: "/v1.0/qr/qr-mpm-notify",
    NotificationKind.VA_PAYMENT: "/v1.0/transfer-va/payment",
    NotificationKind.ACCOUNT_LINKING: "/v1.0/registration-account/notify",
}


def vector(vector_id: str) -> dict[str, object]:
    """One published vector by id."""
    data = json.loads(VECTORS.read_text(encoding="utf-8"))
    for case in data["vectors"]:
        if case["id"] == vector_id:
            found: dict[str, object] = case
            return found
    raise LookupError(vector_id)


_EXAMPLES: dict[str, ModuleType] = {}


def load_example(name: str) -> ModuleType:
    """Import ``examples/<name>.py`` once (the examples folder is not a package)."""
    if name not in _EXAMPLES:
        module_name = f"bisnap_example_{name}"
        spec = importlib.util.spec_from_file_location(module_name, ROOT / "examples" / f"{name}.py")
        assert spec is not None
        assert spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[module_name] = module
        spec.loader.exec_module(module)
        _EXAMPLES[name] = module
    return _EXAMPLES[name]
