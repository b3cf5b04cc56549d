"""Service methods declared once (Endpoint, Flow, history iterators) and read from both clients."""

from __future__ import annotations

import inspect
from typing import Any

import pytest

from bisnap.errors import RequestValidationError
from bisnap.keys import GeneratedKeyPair
from bisnap.models.qris import QrisGenerateRequest, QrisGenerateResponse
from bisnap.services.base import AsyncService, SyncService
from bisnap.services.endpoint import Endpoint
from bisnap.services.fields import QrisGenerateFields, QrisQueryFields
from bisnap.services.operations import QRIS_GENERATE
from bisnap.services.payouts import Payouts
from bisnap.services.qris import AsyncQris, Qris
from bisnap.services.reporting import AsyncReporting, Reporting
from tests.client.fakes import FakeGateway, async_client, snap, sync_client

AMOUNT = {"value": "15000.00", "currency": "IDR"}
GENERATED = snap(200, "2004700", partnerReferenceNo="R1", qrContent="000201", referenceNo="X")


def _namespaces() -> tuple[Qris, AsyncQris]:
    return Qris(object()), AsyncQris(object())  # type: ignore[arg-type]


def test_the_signature_shows_the_request_the_options_and_every_field() -> None:
    sync, _ = _namespaces()
    signature = inspect.signature(sync.generate)
    parameters = list(signature.parameters.values())
    assert parameters[0].name == "request"
    assert parameters[0].kind is inspect.Parameter.POSITIONAL_ONLY
    assert parameters[0].default is None
    keywords = [p.name for p in parameters[1:]]
    assert keywords == [
        "external_id",
        "headers",
        "timeout",
        "partner_reference_no",
        "amount",
        "merchant_id",
        "validity_period",
        "additional_info",
    ]
    assert all(p.kind is inspect.Parameter.KEYWORD_ONLY for p in parameters[1:])
    assert signature.return_annotation is QrisGenerateResponse
    assert "merchant_id" in str(signature)
    # Read from the class, the declaration shows the method's signature with ``self``.
    assert list(inspect.signature(Qris.generate).parameters)[:2] == ["self", "request"]


def test_the_docstring_name_and_qualname_are_the_operation_s() -> None:
    sync, async_ = _namespaces()
    assert sync.generate.__doc__ == QRIS_GENERATE.doc
    assert "partnerReferenceNo" in (QRIS_GENERATE.doc or "")
    assert getattr(sync.generate, "__name__") == "generate"  # noqa: B009
    assert getattr(async_.generate, "__name__") == "generate"  # noqa: B009
    assert getattr(sync.generate, "__qualname__") == "Qris.generate"  # noqa: B009
    assert getattr(async_.generate, "__qualname__") == "AsyncQris.generate"  # noqa: B009
    assert Qris.generate.__module__ == "bisnap.services.qris"


def test_async_is_a_coroutine_function_sync_a_plain_one_with_the_same_parameters() -> None:
    sync, async_ = _namespaces()
    assert inspect.iscoroutinefunction(async_.generate)
    assert not inspect.iscoroutinefunction(sync.generate)
    assert inspect.signature(sync.generate) == inspect.signature(async_.generate)
    assert Qris.generate is AsyncQris.generate  # one declaration


def test_a_method_is_bound_once_per_namespace() -> None:
    sync, _ = _namespaces()
    assert sync.generate is sync.generate
    other, _ = _namespaces()
    assert other.generate is not sync.generate


def test_a_misspelt_keyword_is_refused_with_the_closest_field(
    merchant_keys: GeneratedKeyPair,
) -> None:
    gateway = FakeGateway([])
    bad: dict[str, Any] = {"merchnt_id": "G1", "amount": AMOUNT}
    with (
        sync_client(gateway, merchant_keys) as client,
        pytest.raises(RequestValidationError) as caught,
    ):
        client.qris.generate(**bad)
    assert str(caught.value) == (
        "unknown field 'merchnt_id' for qris.generate; did you mean 'merchant_id'?"
    )
    assert gateway.calls == []


@pytest.mark.anyio
async def test_the_async_method_refuses_the_same_way(merchant_keys: GeneratedKeyPair) -> None:
    gateway = FakeGateway([])
    async with async_client(gateway, merchant_keys) as client:
        with pytest.raises(RequestValidationError, match="did you mean 'merchant_id'"):
            await client.qris.generate(merchnt_id="G1")  # type: ignore[call-arg]
    assert gateway.calls == []


def test_an_option_of_another_operation_is_an_unknown_field(
    merchant_keys: GeneratedKeyPair,
) -> None:
    gateway = FakeGateway([])
    with (
        sync_client(gateway, merchant_keys) as client,
        pytest.raises(RequestValidationError, match="unknown field 'customer_token'"),
    ):
        # Only customer calls take customer_token: the type checker flags it here too.
        client.qris.query(customer_token="t", original_reference_no="A1")  # type: ignore[call-arg]
    assert gateway.calls == []


def test_a_call_that_needs_a_customer_token_requires_it(merchant_keys: GeneratedKeyPair) -> None:
    gateway = FakeGateway([])
    unbind = inspect.signature(Qris(object()).query)  # type: ignore[arg-type]
    assert unbind.parameters["external_id"].default is None
    with sync_client(gateway, merchant_keys) as client:
        signature = inspect.signature(client.account_linking.unbind)
        assert signature.parameters["customer_token"].default is inspect.Parameter.empty
        assert signature.parameters["device_id"].default is None
        assert (
            inspect.signature(client.direct_debit.payment).parameters["customer_token"].default
            is None
        )
        with pytest.raises(RequestValidationError, match="customer_token"):
            # The type checker flags the missing token too.
            client.account_linking.unbind(merchant_id="h", device_id="d")  # type: ignore[call-arg]
    assert gateway.calls == []


def test_more_than_one_positional_argument_is_a_type_error() -> None:
    sync, _ = _namespaces()
    request = QrisGenerateRequest.model_validate({"amount": AMOUNT, "merchantId": "G1"})
    two: tuple[Any, ...] = (request, request)
    with pytest.raises(TypeError, match="one positional argument"):
        sync.generate(*two)


def test_the_request_positionally_and_options_as_keywords(merchant_keys: GeneratedKeyPair) -> None:
    gateway = FakeGateway([GENERATED])
    request = QrisGenerateRequest.model_validate({"amount": AMOUNT, "merchantId": "G123"})
    with sync_client(gateway, merchant_keys) as client:
        answer = client.qris.generate(
            request, external_id="R1", headers={"X-IP-ADDRESS": "1.2.3.4"}
        )
    assert answer.qr_content == "000201"
    sent = gateway.calls[0]
    assert sent.headers["X-EXTERNAL-ID"] == "R1"
    assert sent.headers["X-IP-ADDRESS"] == "1.2.3.4"
    assert gateway.body()["partnerReferenceNo"] == "R1"


def test_calling_the_declaration_with_a_namespace_calls_its_method(
    merchant_keys: GeneratedKeyPair,
) -> None:
    gateway = FakeGateway([GENERATED])
    with sync_client(gateway, merchant_keys) as client:
        answer = Qris.generate(client.qris, amount=AMOUNT, merchant_id="G123")
    assert isinstance(answer, QrisGenerateResponse)


def test_a_declaration_must_carry_its_operation_s_name() -> None:
    class Owner:
        pass

    endpoint = Endpoint(QRIS_GENERATE, QrisQueryFields)
    assert endpoint.__name__ == "generate"
    with pytest.raises(TypeError, match=r"Owner\.make must be named generate"):
        endpoint.__set_name__(Owner, "make")


def test_only_a_service_namespace_reads_an_endpoint() -> None:
    class Loose:
        generate = Endpoint(QRIS_GENERATE, QrisGenerateFields)

    with pytest.raises(TypeError, match="service namespace"):
        Loose().generate  # type: ignore[call-overload]  # noqa: B018


def test_the_flow_and_the_iterators_have_one_signature_for_both_clients() -> None:
    sync_payouts = Payouts(object())  # type: ignore[arg-type]
    wait = inspect.signature(sync_payouts.wait_for_transfer)
    assert list(wait.parameters)[:2] == ["original_partner_reference_no", "service_code"]
    assert wait.parameters["sleep"].default is None
    assert "final" in (sync_payouts.wait_for_transfer.__doc__ or "")
    sync, async_ = Reporting(object()), AsyncReporting(object())  # type: ignore[arg-type]
    for name in ("history_pages", "history"):
        s, a = getattr(sync, name), getattr(async_, name)
        assert inspect.signature(s) == inspect.signature(a)
        assert "max_pages" in inspect.signature(s).parameters
        assert "page_size" in inspect.signature(s).parameters
        assert "external_id" not in inspect.signature(s).parameters
        assert s.__doc__ == a.__doc__
    assert isinstance(sync, SyncService)
    assert isinstance(async_, AsyncService)


def test_history_pages_refuse_an_external_id(merchant_keys: GeneratedKeyPair) -> None:
    gateway = FakeGateway([])
    with (
        sync_client(gateway, merchant_keys) as client,
        pytest.raises(RequestValidationError, match="own X-EXTERNAL-ID") as caught,
    ):
        client.reporting.history_pages(external_id="E1")
    assert caught.value.field == "external_id"
    assert gateway.calls == []


def test_a_sync_client_refuses_an_async_sleep(merchant_keys: GeneratedKeyPair) -> None:
    async def asleep(seconds: float) -> None:
        """Never awaited."""

    gateway = FakeGateway([])
    with (
        sync_client(gateway, merchant_keys) as client,
        pytest.raises(TypeError, match="blocking function"),
    ):
        client.payouts.wait_for_transfer("1", "17", sleep=asleep)
    assert gateway.calls == []
