"""``routes.Family`` (endpoints declared beside their handlers) and SnapFailure's table."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

import pytest

from bisnap.emulator.core import Emulator
from bisnap.emulator.responses import SnapFailure
from bisnap.emulator.routes import Call, CustomerToken, Family, RouteTable
from bisnap.emulator.state import Payment


def test_a_family_registers_its_endpoints_in_declaration_order_with_their_hooks() -> None:
    family = Family("demo")

    @family.post("/v1.0/demo/b", "91", "Second", replay=True)
    def second(call: Call) -> dict[str, Any]:
        return {}

    @family.post("/v1.0/demo/a", "92", "First", customer_token=CustomerToken.REQUIRED)
    def first(call: Call) -> dict[str, Any]:
        return {}

    @family.on_payment_change
    def hook(emulator: Emulator, payment: Payment, previous: str, now: datetime) -> None:
        pass

    @family.on_pay
    def payer(emulator: Emulator, payment: Payment, paid: Decimal | None) -> Payment:
        return payment

    table = RouteTable()
    family.register(table)
    endpoints = table.endpoints()
    assert [(e.path, e.service, e.summary) for e in endpoints] == [
        ("/v1.0/demo/b", "91", "Second"),
        ("/v1.0/demo/a", "92", "First"),
    ]
    assert [e.handler for e in endpoints] == [second, first]
    assert {e.family for e in endpoints} == {"demo"}
    assert [e.replay for e in endpoints] == [True, False]
    assert endpoints[1].customer_token is CustomerToken.REQUIRED
    assert table.payment_hooks == {"demo": hook}
    assert table.payers == {"demo": payer}
    with pytest.raises(ValueError, match="already registered"):
        family.register(table)


def test_a_family_with_a_bad_service_code_is_refused_when_registered() -> None:
    family = Family("demo")
    family.post("/v1.0/demo", "9", "Bad")(lambda call: {})
    with pytest.raises(ValueError, match="not two digits"):
        family.register(RouteTable())


def test_standard_failures_keep_their_codes_and_messages() -> None:
    assert SnapFailure.not_found().envelope("55") == {
        "responseCode": "4045501",
        "responseMessage": "Transaction Not Found",
    }
    assert SnapFailure.duplicate("Already refunded").message == "Already refunded"
    assert str(SnapFailure.insufficient_funds()) == "403xx14 Insufficient Funds"
    named = SnapFailure.bad_format("additionalInfo.{x}")
    assert (named.http_status, named.case) == (400, "01")
    assert named.message == "Invalid Field Format additionalInfo.{x}"
    assert SnapFailure.missing("X-TIMESTAMP").message == "Invalid Mandatory Field X-TIMESTAMP"
    assert SnapFailure.unauthorized("Signature").message == "Unauthorized. Signature"
    assert SnapFailure.not_permitted("no").envelope("58")["responseCode"] == "4035815"
