"""A misspelt keyword is refused before anything is sent, naming the closest field."""

from __future__ import annotations

from typing import Any

import pytest

from bisnap.errors import RequestValidationError
from bisnap.keys import GeneratedKeyPair
from tests.client.fakes import FakeGateway, async_client, snap, sync_client

AMOUNT = {"value": "15000.00", "currency": "IDR"}


def test_a_misspelt_field_names_the_operation_and_the_closest_field(
    merchant_keys: GeneratedKeyPair,
) -> None:
    gateway = FakeGateway([])
    with sync_client(gateway, merchant_keys) as client:
        bad: dict[str, Any] = {"amout": AMOUNT, "merchant_id": "G123"}
        with pytest.raises(RequestValidationError) as caught:
            client.qris.generate(**bad)
    assert str(caught.value) == ("unknown field 'amout' for qris.generate; did you mean 'amount'?")
    assert caught.value.field == "amout"
    assert gateway.calls == []


def test_a_keyword_like_nothing_gets_no_suggestion(merchant_keys: GeneratedKeyPair) -> None:
    gateway = FakeGateway([])
    with sync_client(gateway, merchant_keys) as client:
        bad: dict[str, Any] = {"zzz": 1, "original_reference_no": "A1"}
        with pytest.raises(RequestValidationError) as caught:
            client.qris.query(**bad)
    assert str(caught.value) == "unknown field 'zzz' for qris.query"
    assert gateway.calls == []


@pytest.mark.anyio
async def test_async_and_checked_helpers_refuse_the_same_way(
    merchant_keys: GeneratedKeyPair,
) -> None:
    gateway = FakeGateway([])
    async with async_client(gateway, merchant_keys) as client:
        bad: dict[str, Any] = {"amuont": AMOUNT}
        with pytest.raises(
            RequestValidationError,
            match=r"unknown field 'amuont' for payouts"
            r"\.intrabank_transfer; did you mean 'amount'\?",
        ):
            await client.payouts.intrabank_transfer(**bad)
        with pytest.raises(
            RequestValidationError, match=r"for reporting\.history_page; did you mean .page_size.\?"
        ):
            # The type checker flags the misspelling too (an unused ignore fails mypy --strict).
            await client.reporting.history_page(page_sise=10)  # type: ignore[call-arg]
    assert gateway.calls == []


def test_camel_case_keywords_are_still_accepted(merchant_keys: GeneratedKeyPair) -> None:
    gateway = FakeGateway(
        [snap(200, "2004700", partnerReferenceNo="R1", qrContent="000201", referenceNo="X")]
    )
    with sync_client(gateway, merchant_keys) as client:
        # Typed keywords are snake_case; the wire (camelCase) names still work at runtime.
        answer = client.qris.generate(
            partnerReferenceNo="R1",  # type: ignore[call-arg]
            merchantId="G123",
            amount=AMOUNT,
        )
    assert answer.qr_content == "000201"
    assert gateway.body()["merchantId"] == "G123"
