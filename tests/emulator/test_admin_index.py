"""``GET /_emulator/`` lists every admin route; each documented example answers as documented."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from bisnap.client import SnapClient
from bisnap.credentials import Credentials
from bisnap.emulator import Emulator
from bisnap.emulator.admin_routes import ADMIN_ROUTES, AdminRoute
from bisnap.gateways import MIDTRANS_SANDBOX
from bisnap.keys import GeneratedKeyPair


def _shape(value: Any) -> Any:
    """Keys (recursively for the first list item), not values: what a caller relies on."""
    if isinstance(value, dict):
        return {key: _shape(item) for key, item in value.items() if key != "body"}
    if isinstance(value, list) and value and not isinstance(value[0], str):
        return [_shape(value[0])]
    return type(value).__name__ if value is not None else "null-or-value"


@pytest.fixture
def world(merchant_keys: GeneratedKeyPair) -> tuple[Emulator, httpx.Client]:
    emulator = Emulator(
        notification_transport=httpx.MockTransport(lambda request: httpx.Response(200)),
        notification_retry_scale=0,
    )
    admin = httpx.Client(base_url="http://emulator.test", transport=emulator.transport())
    merchant = next(r for r in ADMIN_ROUTES if r.path == "/_emulator/merchants").request
    assert merchant is not None
    registered = admin.post(
        "/_emulator/merchants",
        json=merchant | {"publicKey": merchant_keys.public_pem.decode()},
    )
    assert registered.status_code == 200, registered.text
    credentials = Credentials("G-CLIENT", "s3cret", merchant_keys.private_pem, "G123", "12345")
    client = SnapClient(MIDTRANS_SANDBOX, credentials, transport=emulator.transport())
    for trx_id in ("inv-1001", "inv-1002", "inv-1003"):
        client.virtual_accounts.create(
            partner_service_id="   70012",
            customer_no=trx_id[-4:] + "00",
            virtual_account_no="   70012" + trx_id[-4:] + "00",
            virtual_account_name="Admin Index",
            trx_id=trx_id,
            total_amount={"value": "10000.00"},
            additional_info={"bank": "bca", "merchantId": "G059876677"},
        )
    client.qris.generate(amount={"value": "15000.00"}, partner_reference_no="qr-1001")
    for order in ("order-1001", "order-1002"):
        client.direct_debit.payment(
            partner_reference_no=order,
            url_params=[{"url": "https://shop.example/back", "type": "PAY_RETURN",
                         "isDeeplink": "N"}],
            pay_option_details=[{"payMethod": "GOPAY", "payOption": "GOPAY",
                                 "transAmount": {"value": "25000.00"}}],
        )  # fmt: skip
    from bisnap.emulator.endpoints.payouts import set_settle_after
    from bisnap.models.payouts import AGGREGATOR_ACCOUNT_NO

    for reference, settle in (("1002", 0), ("1001", 3600)):  # 1002 completes, 1001 stays pending
        set_settle_after(emulator, settle)
        client.payouts.intrabank_transfer(
            partner_reference_no=reference,
            amount={"value": "10000.00"},
            beneficiary_account_no="1234567890",
            remark="admin index",
            source_account_no=AGGREGATOR_ACCOUNT_NO,
        )
        client.payouts.balance(account_no=AGGREGATOR_ACCOUNT_NO)  # settles what is due
    return emulator, admin


def test_admin_index_lists_every_route_with_its_bodies(
    world: tuple[Emulator, httpx.Client],
) -> None:
    _, admin = world
    answer = admin.get("/_emulator/")
    assert answer.status_code == 200
    routes = answer.json()["routes"]
    listed = {(route["method"], route["path"]) for route in routes}
    for method, path in [
        ("GET", "/_emulator/health"),
        ("POST", "/_emulator/va/pay"),
        ("POST", "/_emulator/faults"),
        ("DELETE", "/_emulator/faults"),
        ("GET", "/_emulator/notifications"),
        ("GET", "/_emulator/ledger"),
    ]:
        assert (method, path) in listed
    va_pay = next(route for route in routes if route["path"] == "/_emulator/va/pay")
    assert va_pay["request"] == {"reference": "inv-1001", "amount": "10000.00"}
    assert set(va_pay["response"]) >= {"kind", "referenceNo", "status", "amount"}


def test_unknown_admin_route_points_at_the_index(world: tuple[Emulator, httpx.Client]) -> None:
    _, admin = world
    answer = admin.post("/_emulator/va/settle", json={"reference": "x"})
    assert answer.status_code == 404
    assert "GET /_emulator/ lists them" in answer.json()["error"]


_ORDER = [
    "/_emulator/",
    "/_emulator/health",
    "/_emulator/gateway-public-key",
    "/_emulator/va/pay",
    "/_emulator/qris/pay",
    "/_emulator/debit/pay",
    "/_emulator/pay/{reference}",
    "/_emulator/expire",
    "/_emulator/fail",
    "/_emulator/payments/{reference}",
    "/_emulator/balance",
    "/_emulator/faults",
    "/_emulator/notifications/flush",
    "/_emulator/notifications",
    "/_emulator/ledger",
    "/_emulator/payouts/fail",
    "/_emulator/payouts/reverse",
    "/_emulator/payouts/topup",
    "/_emulator/payouts/notification-faults",
    "/_emulator/payouts/release-held",
    "/_emulator/payouts/notifications",
]
_REFERENCES = {
    "/_emulator/expire": "inv-1002",
    "/_emulator/fail": "inv-1003",
    "/_emulator/pay/{reference}": "order-1002",
    "/_emulator/payments/{reference}": "inv-1001",
}


def test_every_documented_admin_example_answers_the_documented_shape(
    world: tuple[Emulator, httpx.Client],
) -> None:
    _, admin = world
    routes = sorted(
        (r for r in ADMIN_ROUTES if r.path != "/_emulator/merchants"),
        key=lambda r: (_ORDER.index(r.path), r.method != "GET"),
    )
    assert {r.path for r in routes} == set(_ORDER)
    for route in routes:
        reference = _REFERENCES.get(route.path)
        path = route.path.replace("{reference}", reference or "")
        body = route.request
        if body is not None and reference is not None:
            body = body | {"reference": reference}
        url = path + (f"?{route.query}" if route.query else "")
        content = None if body is None else json.dumps(body).encode()
        answer = admin.request(route.method, url, content=content)
        assert answer.status_code == 200, (route.method, route.path, answer.text)
        got = answer.json()
        if route.path == "/_emulator/":
            assert len(got["routes"]) == len(ADMIN_ROUTES)
            continue
        assert _shape(got) == _shape(route.response), (route.method, route.path)


def _route(method: str, path: str) -> AdminRoute:
    return next(r for r in ADMIN_ROUTES if (r.method, r.path) == (method, path))


def test_a_route_serves_its_method_and_path_and_reads_the_reference_below_it() -> None:
    payments = _route("GET", "/_emulator/payments/{reference}")
    assert payments.reference("GET", "/_emulator/payments/inv%2F1%20a") == "inv/1 a"
    assert payments.reference("GET", "/_emulator/payments/") == ""
    assert payments.reference("POST", "/_emulator/payments/inv-1") is None
    assert payments.reference("GET", "/_emulator/payment/inv-1") is None
    balance = _route("GET", "/_emulator/balance")
    assert balance.reference("GET", "/_emulator/balance") == ""
    assert balance.reference("GET", "/_emulator/balance/x") is None
    assert balance.reference("POST", "/_emulator/balance") is None


def test_every_admin_route_has_a_handler_and_one_declaration() -> None:
    assert all(route.handler is not None for route in ADMIN_ROUTES)
    declared = [(route.method, route.path) for route in ADMIN_ROUTES]
    assert len(declared) == len(set(declared)) == 24


def test_an_unknown_admin_route_is_404_naming_it(world: tuple[Emulator, httpx.Client]) -> None:
    _, admin = world
    answer = admin.put("/_emulator/faults")
    assert answer.status_code == 404
    assert answer.json() == {
        "error": "no admin route PUT /_emulator/faults (GET /_emulator/ lists them)"
    }
