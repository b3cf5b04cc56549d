"""The client core against a scripted gateway: rules before I/O, bytes on the wire, errors."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bisnap.client import SnapClient
from bisnap.errors import (
    BadRequestError,
    ConfigurationError,
    ProtocolError,
    RequestValidationError,
    SnapAPIError,
)
from bisnap.gateways import MIDTRANS_SANDBOX, GatewayProfile
from bisnap.headers import serialize_body
from bisnap.keys import GeneratedKeyPair, load_public_key
from bisnap.models.qris import QrisGenerateRequest
from bisnap.signing import transaction_string_to_sign, verify_hmac, verify_rsa
from tests.client import examples
from tests.client.fakes import CLIENT_SECRET, TOKEN, FakeGateway, credentials, snap, sync_client


def ok_generate(request: httpx.Request) -> httpx.Response:
    body = json.loads(request.content)
    return snap(200, "2004700", partnerReferenceNo=body["partnerReferenceNo"], qrContent="QR")


# --- rules before any I/O ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"amount": {"value": "1.005"}}, "amount.value"),
        ({"amount": {"value": "1.00"}, "partner_reference_no": "bad ref"}, "partnerReferenceNo"),
        ({"amount": {"value": "1.00"}, "merchant_id": "x" * 65}, "merchantId"),
        ({"amount": {"value": "1.00"}, "surprise": 1}, "surprise"),
        ({"amount": {"currency": "IDR"}}, "amount.value"),  # amount is optional, value is not
    ],
)
def test_a_rule_violation_sends_nothing(
    merchant_keys: GeneratedKeyPair, fields: dict[str, Any], field: str
) -> None:
    gateway = FakeGateway([ok_generate])
    with (
        sync_client(gateway, merchant_keys) as client,
        pytest.raises(RequestValidationError) as info,
    ):
        client.qris.generate(**fields)
    assert info.value.field == field
    assert gateway.requests == []  # not even a token request


def test_body_is_serialized_once_and_signed_as_sent(merchant_keys: GeneratedKeyPair) -> None:
    gateway = FakeGateway([ok_generate])
    request = QrisGenerateRequest.model_validate(
        {"partnerReferenceNo": "ref-1", "amount": {"value": "15000"}, "merchantId": "Ü-merchant"}
    )
    with sync_client(gateway, merchant_keys) as client:
        client.qris.generate(request)
    sent = gateway.calls[0]
    assert sent.content == serialize_body(request.to_wire())
    assert (
        sent.content
        == (
            '{"partnerReferenceNo":"ref-1","amount":{"value":"15000.00","currency":"IDR"},'
            '"merchantId":"Ü-merchant"}'
        ).encode()
    )
    sts = transaction_string_to_sign(
        "POST", "/v1.0/qr/qr-mpm-generate", TOKEN, sent.content, sent.headers["X-TIMESTAMP"]
    )
    verify_hmac(CLIENT_SECRET, sts, sent.headers["X-SIGNATURE"])
    assert sent.headers["X-EXTERNAL-ID"] == "ref-1"
    assert sent.headers["X-PARTNER-ID"] == "G123"
    assert sent.headers["CHANNEL-ID"] == "12345"


@pytest.mark.parametrize(
    ("method", "fields", "tied"),
    [
        ("va", examples.va_create(), "trxId"),
        ("qris", examples.qris_generate(), "partnerReferenceNo"),
    ],
)
def test_tied_external_id_is_generated_once_for_both(
    merchant_keys: GeneratedKeyPair, method: str, fields: dict[str, Any], tied: str
) -> None:
    gateway = FakeGateway([snap(200, "2002700" if method == "va" else "2004700")])
    with sync_client(gateway, merchant_keys) as client:
        if method == "va":
            client.virtual_accounts.create(**fields)
        else:
            client.qris.generate(**fields)
    sent = gateway.calls[0]
    assert json.loads(sent.content)[tied] == sent.headers["X-EXTERNAL-ID"]
    assert sent.headers["X-EXTERNAL-ID"].isdigit()


def test_external_id_fills_the_tied_field_and_vice_versa(merchant_keys: GeneratedKeyPair) -> None:
    gateway = FakeGateway([snap(200, "2002700")])
    with sync_client(gateway, merchant_keys) as client:
        client.virtual_accounts.create(external_id="trx-a", **examples.va_create())
        client.virtual_accounts.create(**examples.va_create(trx_id="trx-b"))
    assert [c.headers["X-EXTERNAL-ID"] for c in gateway.calls] == ["trx-a", "trx-b"]
    assert [json.loads(c.content)["trxId"] for c in gateway.calls] == ["trx-a", "trx-b"]


def test_qris_refund_number_is_the_external_id(merchant_keys: GeneratedKeyPair) -> None:
    gateway = FakeGateway([snap(200, "2007800")])
    with sync_client(gateway, merchant_keys) as client:
        client.qris.refund(merchant_id="M", original_partner_reference_no="o-1")
        with pytest.raises(RequestValidationError) as info:
            client.qris.refund(
                merchant_id="M",
                original_partner_reference_no="o-1",
                partner_refund_no="r-1",
                external_id="r-2",
            )
    assert info.value.field == "partnerRefundNo"
    assert len(gateway.calls) == 1
    assert gateway.body(0)["partnerRefundNo"] == gateway.calls[0].headers["X-EXTERNAL-ID"]


def test_refund_and_capture_numbers_default_to_the_external_id(
    merchant_keys: GeneratedKeyPair,
) -> None:
    gateway = FakeGateway([snap(200, "2005800")])
    with sync_client(gateway, merchant_keys) as client:
        client.direct_debit.refund(original_partner_reference_no="order-1", external_id="x-1")
        client.direct_debit.refund(
            original_partner_reference_no="order-1", partner_refund_no="mine", external_id="x-2"
        )
        client.preauth.capture(
            original_partner_reference_no="o", merchant_id="M", title="t", external_id="x-3"
        )
    assert gateway.body(0)["partnerRefundNo"] == "x-1"
    assert gateway.body(1)["partnerRefundNo"] == "mine"
    assert gateway.body(2)["partnerCaptureNo"] == "x-3"


@pytest.mark.parametrize("bad", ["", "has space", "x" * 37, "a/b"])
def test_bad_external_ids_are_refused(merchant_keys: GeneratedKeyPair, bad: str) -> None:
    gateway = FakeGateway([ok_generate])
    with (
        sync_client(gateway, merchant_keys) as client,
        pytest.raises(RequestValidationError) as info,
    ):
        client.qris.generate(external_id=bad, **examples.qris_generate())
    assert info.value.field == "external_id"
    assert gateway.requests == []


def test_customer_token_and_device_headers(merchant_keys: GeneratedKeyPair) -> None:
    gateway = FakeGateway([snap(200, "2000900")])
    with sync_client(gateway, merchant_keys, device_id="default-device") as client:
        client.account_linking.unbind(
            merchant_id=examples.PAYMENT_HANDLE,
            customer_token="cust-token",
            headers={"X-IP-ADDRESS": "103.15.226.50"},
        )
        client.account_linking.unbind(
            merchant_id=examples.PAYMENT_HANDLE, customer_token="t2", device_id="other"
        )
    first, second = gateway.calls
    assert first.headers["Authorization-Customer"] == "Bearer cust-token"
    assert first.headers["X-DEVICE-ID"] == "default-device"
    assert first.headers["X-IP-ADDRESS"] == "103.15.226.50"
    assert second.headers["X-DEVICE-ID"] == "other"


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"device_id": "d"}, "customer_token"),
        ({"customer_token": "t"}, "device_id"),
        (
            {"customer_token": "t", "device_id": "d", "headers": {"Authorization": "x"}},
            "Authorization",
        ),
        ({"customer_token": "t\r\nX-Evil: 1", "device_id": "d"}, "customer_token"),
    ],
)
def test_missing_or_unsafe_headers_send_nothing(
    merchant_keys: GeneratedKeyPair, kwargs: dict[str, Any], field: str
) -> None:
    gateway = FakeGateway([snap(200, "2000900")])
    with (
        sync_client(gateway, merchant_keys) as client,
        pytest.raises(RequestValidationError) as info,
    ):
        client.account_linking.unbind(merchant_id=examples.PAYMENT_HANDLE, **kwargs)
    assert info.value.field == field
    assert gateway.requests == []


def test_timeouts_cannot_be_unlimited(merchant_keys: GeneratedKeyPair) -> None:
    with pytest.raises(ConfigurationError):
        SnapClient(MIDTRANS_SANDBOX, credentials(merchant_keys), timeout=httpx.Timeout(None))


def test_swapped_profile_and_credentials_say_which_argument_is_which(
    merchant_keys: GeneratedKeyPair,
) -> None:
    creds = credentials(merchant_keys)
    with pytest.raises(ConfigurationError, match="first argument is the gateway profile") as info:
        SnapClient(creds, MIDTRANS_SANDBOX)  # type: ignore[arg-type]
    assert info.value.field == "profile"
    assert CLIENT_SECRET not in str(info.value)


def test_client_repr_has_no_secret(merchant_keys: GeneratedKeyPair) -> None:
    with sync_client(FakeGateway([ok_generate]), merchant_keys) as client:
        text = repr(client)
    assert CLIENT_SECRET not in text
    assert "PRIVATE" not in text
    assert "fake-client" in text


# --- answers -----------------------------------------------------------------------------------


def test_unknown_response_fields_reach_the_caller(merchant_keys: GeneratedKeyPair) -> None:
    gateway = FakeGateway([snap(200, "2004700", qrContent="QR", gatewayNew={"a": 1})])
    with sync_client(gateway, merchant_keys) as client:
        response = client.qris.generate(**examples.qris_generate())
    assert response.qr_content == "QR"
    assert response.extra_fields() == {"gatewayNew": {"a": 1}}


def test_pending_is_a_result_not_an_error(merchant_keys: GeneratedKeyPair) -> None:
    gateway = FakeGateway([snap(202, "2024700", "Transaction still on process")])
    with sync_client(gateway, merchant_keys) as client:
        response = client.qris.generate(**examples.qris_generate())
    assert response.is_pending
    assert not response.is_success


def test_http_status_is_authoritative(merchant_keys: GeneratedKeyPair) -> None:
    # A 400 whose body claims success is a failure; a 200 whose body claims failure too.
    gateway = FakeGateway([snap(400, "2005500"), snap(200, "4005502", "Invalid Mandatory Field")])
    with sync_client(gateway, merchant_keys) as client:
        with pytest.raises(BadRequestError):
            client.direct_debit.status(original_external_id="x")
        with pytest.raises(SnapAPIError) as info:
            client.direct_debit.status(original_external_id="x")
    assert type(info.value) is SnapAPIError
    assert info.value.http_status == 200


@pytest.mark.parametrize(
    "answer",
    [
        httpx.Response(200, content=b"<html>bad gateway</html>"),
        httpx.Response(200, content=b'{"responseCode":"2005500","respon'),
        httpx.Response(200, content=b""),
        httpx.Response(200, content=b"[1,2]"),
        httpx.Response(200, json={"responseMessage": "no code"}),
        httpx.Response(400, content=b"Bad Request"),
    ],
)
def test_non_snap_answers_are_protocol_errors(
    merchant_keys: GeneratedKeyPair, answer: httpx.Response
) -> None:
    gateway = FakeGateway([answer])
    with sync_client(gateway, merchant_keys) as client, pytest.raises(ProtocolError) as info:
        client.direct_debit.status(original_external_id="x")
    assert info.value.http_status == answer.status_code


def test_success_answer_of_the_wrong_shape_is_a_protocol_error(
    merchant_keys: GeneratedKeyPair,
) -> None:
    gateway = FakeGateway([snap(200, "2005500", latestTransactionStatus={"not": "a string"})])
    with (
        sync_client(gateway, merchant_keys) as client,
        pytest.raises(ProtocolError, match="latestTransactionStatus"),
    ):
        client.direct_debit.status(original_external_id="x")


# --- account linking URL -----------------------------------------------------------------------


def test_auth_code_url_is_signed_for_the_app_host(merchant_keys: GeneratedKeyPair) -> None:
    with sync_client(FakeGateway([ok_generate]), merchant_keys) as client:
        url = client.account_linking.auth_code_url(
            redirect_url="https://merchant.example/linked?x=1",
            merchant_id=examples.PAYMENT_HANDLE,
            mobile_number="628123456789",
            state="state-1",
        )
    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}" == MIDTRANS_SANDBOX.app_base_url
    assert parts.path == "/v1.0/get-auth-code"
    query = dict(parse_qsl(parts.query))
    assert query["redirectUrl"] == "https://merchant.example/linked?x=1"
    assert query["state"] == "state-1"
    assert query["merchantId"] == examples.PAYMENT_HANDLE
    assert query["scopes"] == "DEFAULT"
    assert query["lang"] == "id"
    assert query["seamlessData"] == "mobileNumber=628123456789&paymentType=gopay"
    verify_rsa(
        load_public_key(merchant_keys.public_pem), query["seamlessData"], query["seamlessSign"]
    )


def test_auth_code_url_generates_a_state_and_checks_the_phone(
    merchant_keys: GeneratedKeyPair,
) -> None:
    with sync_client(FakeGateway([ok_generate]), merchant_keys) as client:
        url = client.account_linking.auth_code_url(
            redirect_url="https://m.example/cb",
            merchant_id=examples.PAYMENT_HANDLE,
            mobile_number="628123456789",
        )
        with pytest.raises(RequestValidationError) as info:
            client.account_linking.auth_code_url(
                redirect_url="https://m.example/cb",
                merchant_id=examples.PAYMENT_HANDLE,
                mobile_number="+62 812",
            )
    assert len(dict(parse_qsl(urlsplit(url).query))["state"]) == 32
    assert info.value.field == "mobileNumber"


def test_auth_code_url_needs_an_app_host(merchant_keys: GeneratedKeyPair) -> None:
    profile = GatewayProfile(name="no-app", base_url="https://snap.example")
    client = SnapClient(
        profile, credentials(merchant_keys), transport=httpx.MockTransport(ok_generate)
    )
    with client, pytest.raises(ConfigurationError):
        client.account_linking.auth_code_url(
            redirect_url="https://m.example/cb", merchant_id="m", mobile_number="628123456789"
        )


# --- multi-use VA, properties, construction ----------------------------------------------------


def test_multi_use_va_status_pages(merchant_keys: GeneratedKeyPair) -> None:
    order = {
        "totalAmount": {"currency": "IDR", "value": "5000.00"},
        "paymentFlagStatus": "00",
        "trxId": "va-multi-1-0304",
        "transactionDate": "2024-04-03T14:28:49+07:00",
    }
    gateway = FakeGateway(
        [
            snap(
                200,
                "2002600",
                virtualAccountData={"partnerServiceId": "   70012"},
                additionalInfo={
                    "merchantId": "G1",
                    "recurringPaymentDetail": {
                        "recurringOrders": [order],
                        "paginationMetadata": {"total": "4", "pageSize": "2", "page": "1"},
                    },
                },
            )
        ]
    )
    with sync_client(gateway, merchant_keys) as client:
        status = client.virtual_accounts.status(
            partner_service_id="   70012",
            customer_no="6280123456",
            virtual_account_no="   700126280123456",
            inquiry_request_id="va-multi-1",
            additional_info={"merchantId": "G1", "page": 1, "pageSize": 2},
        )
    assert gateway.body()["additionalInfo"] == {"merchantId": "G1", "page": "1", "pageSize": "2"}
    assert status.additional_info is not None
    detail = status.additional_info.recurring_payment_detail
    assert detail is not None
    assert detail.recurring_orders is not None
    assert detail.recurring_orders[0].trx_id == "va-multi-1-0304"
    assert detail.pagination_metadata is not None
    assert detail.pagination_metadata.total == "4"


_REF_CHARS = st.text(alphabet=st.sampled_from("abcXYZ019-_~."), min_size=1, max_size=36)


# Each example builds a client (key parsing, an httpx pool): no per-example deadline, which
# made this test fail intermittently on a loaded machine.
@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(reference=_REF_CHARS)
def test_any_allowed_reference_becomes_the_external_id(
    merchant_keys: GeneratedKeyPair, reference: str
) -> None:
    gateway = FakeGateway([ok_generate])
    with sync_client(gateway, merchant_keys) as client:
        client.qris.generate(partner_reference_no=reference, **examples.qris_generate())
    assert gateway.calls[0].headers["X-EXTERNAL-ID"] == reference
    assert gateway.body(0)["partnerReferenceNo"] == reference


# Each example builds a client (key parsing, an httpx pool): no per-example deadline, which
# made this test fail intermittently on a loaded machine.
@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(reference=st.text(min_size=1, max_size=40).filter(lambda t: not t.isascii() or " " in t))
def test_references_with_other_characters_send_nothing(
    merchant_keys: GeneratedKeyPair, reference: str
) -> None:
    gateway = FakeGateway([ok_generate])
    with sync_client(gateway, merchant_keys) as client, pytest.raises(RequestValidationError):
        client.qris.generate(partner_reference_no=reference, **examples.qris_generate())
    assert gateway.requests == []


def test_client_from_environment(merchant_keys: GeneratedKeyPair) -> None:
    environ = {
        "BISNAP_CLIENT_ID": "env-client",
        "BISNAP_CLIENT_SECRET": CLIENT_SECRET,
        "BISNAP_PRIVATE_KEY": merchant_keys.private_pem.decode(),
        "BISNAP_PARTNER_ID": "G9",
        "BISNAP_CHANNEL_ID": "12345",
        "BISNAP_BASE_URL": "http://localhost:8080",
    }
    gateway = FakeGateway([ok_generate])
    with SnapClient.from_env(environ, transport=httpx.MockTransport(gateway.handle)) as client:
        client.qris.generate(**examples.qris_generate())
    assert str(gateway.calls[0].url).startswith("http://localhost:8080/v1.0/qr/")
    assert gateway.calls[0].headers["X-PARTNER-ID"] == "G9"


@pytest.mark.parametrize(
    "kwargs", [{"partner_reference_no": "ref-1\n"}, {"external_id": "ref-1\n"}]
)
def test_a_trailing_newline_is_not_an_allowed_character(
    merchant_keys: GeneratedKeyPair, kwargs: dict[str, Any]
) -> None:
    gateway = FakeGateway([ok_generate])
    with sync_client(gateway, merchant_keys) as client, pytest.raises(RequestValidationError):
        client.qris.generate(**kwargs, **examples.qris_generate())
    assert gateway.requests == []


def test_per_call_timeout_is_applied_and_never_unlimited(merchant_keys: GeneratedKeyPair) -> None:
    seen: list[dict[str, float | None]] = []

    def record(request: httpx.Request) -> httpx.Response:
        seen.append(request.extensions["timeout"])
        return ok_generate(request)

    gateway = FakeGateway([record])
    with sync_client(gateway, merchant_keys) as client:
        client.qris.generate(timeout=2.5, **examples.qris_generate())
        with pytest.raises(ConfigurationError):
            client.qris.generate(timeout=httpx.Timeout(None), **examples.qris_generate())
    assert seen == [{"connect": 2.5, "read": 2.5, "write": 2.5, "pool": 2.5}]
    assert len(gateway.calls) == 1
