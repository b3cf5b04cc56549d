"""Every valid-JSON sample of spec sections 5.1-5.5 parses and re-serializes without losing
a field (tests/models/spec_samples.json, copied verbatim from the spec with line numbers)."""

from __future__ import annotations

import copy
import importlib
import json
from pathlib import Path
from typing import Any

import pytest

from bisnap.models.common import LENIENT, SnapModel, SnapResponse
from bisnap.models.virtual_accounts import VaStatusResponse

_DATA = json.loads((Path(__file__).parent / "spec_samples.json").read_text("utf-8"))
SAMPLES: list[dict[str, Any]] = _DATA["samples"]


def _model(dotted: str) -> type[SnapModel]:
    module, name = dotted.rsplit(".", 1)
    cls: object = getattr(importlib.import_module(f"bisnap.models.{module}"), name)
    assert isinstance(cls, type)
    assert issubclass(cls, SnapModel)
    return cls


def _expected(sample: dict[str, Any]) -> Any:
    """The sample with the documented anomalies rewritten as the model is meant to."""
    body = copy.deepcopy(sample["body"])
    for change in sample["normalized"]:
        if change.startswith("customerNo"):
            body["customerNo"] = str(body["customerNo"])
        elif change.startswith("additionalInfo.merchant_id"):
            body["additionalInfo"] = {"merchantId": body["additionalInfo"].pop("merchant_id")}
    return body


def test_the_sample_file_covers_every_family() -> None:
    families = {sample["model"].split(".")[0] for sample in SAMPLES}
    assert families == {"virtual_accounts", "qris", "direct_debit", "account_linking", "preauth"}
    assert len(SAMPLES) == 31


@pytest.mark.parametrize("sample", SAMPLES, ids=[s["id"] for s in SAMPLES])
def test_sample_round_trips(sample: dict[str, Any]) -> None:
    model = _model(sample["model"])
    parsed = model.model_validate(sample["body"], context=LENIENT)
    assert parsed.to_wire() == _expected(sample)
    # Re-parsing the output is stable (nothing drifts on a second pass).
    assert model.model_validate(parsed.to_wire(), context=LENIENT).to_wire() == parsed.to_wire()


@pytest.mark.parametrize(
    "sample",
    [s for s in SAMPLES if s["model"].endswith("Response")],
    ids=[s["id"] for s in SAMPLES if s["model"].endswith("Response")],
)
def test_response_samples_are_success_or_pending(sample: dict[str, Any]) -> None:
    model = _model(sample["model"])
    parsed = model.model_validate(sample["body"], context=LENIENT)
    assert isinstance(parsed, SnapResponse)
    assert parsed.code is not None
    assert parsed.is_success


def test_space_padded_va_numbers_are_kept_exactly() -> None:
    sample = next(s for s in SAMPLES if s["id"] == "L707-CreateVaResponse")
    parsed = _model(sample["model"]).model_validate(sample["body"], context=LENIENT)
    wire = parsed.to_wire()
    assert wire["virtualAccountData"]["partnerServiceId"] == "   70012"
    assert wire["virtualAccountData"]["virtualAccountNo"] == "   700126280123456"


def test_multi_use_va_status_sample_with_its_missing_comma_restored() -> None:
    # The published sample lacks one comma after "Successful"; with it, every field is read.
    body = {
        "responseCode": "2002600",
        "responseMessage": "Successful",
        "virtualAccountData": {
            "partnerServiceId": "   70012",
            "customerNo": "6280123456",
            "virtualAccountNo": "   700126280123456",
        },
        "additionalInfo": {
            "merchantId": "G12345463",
            "recurringPaymentDetail": {
                "recurringOrders": [
                    {
                        "totalAmount": {"currency": "IDR", "value": "150000.00"},
                        "paymentFlagReason": {"english": "settlement"},
                        "paymentRequestId": "A120240403072903E6HgHZoE3bID",
                        "paymentFlagStatus": "00",
                        "trxDateTime": "2024-04-03T14:29:03+07:00",
                        "transactionDate": "2024-04-03T14:29:03+07:00",
                        "trxId": "midtrans-testing-001-030424072903549oVvY",
                    }
                ],
                "paginationMetadata": {"total": "4", "pageSize": "2", "page": "1"},
            },
        },
    }
    parsed = VaStatusResponse.model_validate(body, context=LENIENT)
    assert parsed.to_wire() == body
    assert parsed.additional_info is not None
    detail = parsed.additional_info.recurring_payment_detail
    assert detail is not None
    assert detail.recurring_orders is not None
    order = detail.recurring_orders[0]
    assert order.trx_id == "midtrans-testing-001-030424072903549oVvY"
    assert order.total_amount is not None
    assert str(order.total_amount.value) == "150000.00"
