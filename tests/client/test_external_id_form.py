"""The X-EXTERNAL-ID form comes from the gateway profile, narrowed by the operation."""

from __future__ import annotations

import dataclasses

import httpx
import pytest

from bisnap import headers
from bisnap.client import SnapClient
from bisnap.errors import RequestValidationError
from bisnap.external_id import ExternalIdForm, check_external_id
from bisnap.gateways import MIDTRANS_SANDBOX, generic_profile
from bisnap.keys import GeneratedKeyPair
from bisnap.services.payouts import BALANCE
from bisnap.services.qris import GENERATE
from tests.client.fakes import FakeGateway, credentials, snap, sync_client

AMOUNT = {"value": "15000.00", "currency": "IDR"}


def test_profiles_default_to_the_snap_form_and_payouts_narrow_it() -> None:
    assert MIDTRANS_SANDBOX.external_id_form is ExternalIdForm.SNAP
    assert generic_profile("https://snap.example").external_id_form is ExternalIdForm.SNAP
    assert GENERATE.external_id_form is None
    assert BALANCE.external_id_form is ExternalIdForm.NUMERIC


def test_a_numeric_profile_refuses_letters_before_sending(
    merchant_keys: GeneratedKeyPair,
) -> None:
    gateway = FakeGateway([])
    numeric = dataclasses.replace(MIDTRANS_SANDBOX, external_id_form=ExternalIdForm.NUMERIC)
    client = SnapClient(
        numeric, credentials(merchant_keys), transport=httpx.MockTransport(gateway.handle)
    )
    digits_only = pytest.raises(RequestValidationError, match="may contain only digits")
    with client, digits_only as caught:
        client.qris.generate(merchant_id="G123", amount=AMOUNT, external_id="ref-1")
    assert caught.value.field == "external_id"
    assert gateway.calls == []


def test_the_snap_form_accepts_what_payouts_refuse(merchant_keys: GeneratedKeyPair) -> None:
    gateway = FakeGateway(
        [snap(200, "2004700", partnerReferenceNo="ref-1", qrContent="000201", referenceNo="X")]
    )
    with sync_client(gateway, merchant_keys) as client:
        client.qris.generate(merchant_id="G123", amount=AMOUNT, external_id="ref-1")
    assert gateway.calls[-1].headers["X-EXTERNAL-ID"] == "ref-1"


def test_header_functions_use_the_shared_policy_and_the_profile_form(
    merchant_keys: GeneratedKeyPair,
) -> None:
    assert headers.check_external_id is check_external_id
    with pytest.raises(RequestValidationError, match="may contain only letters"):
        headers.check_external_id("has space")
    numeric = dataclasses.replace(MIDTRANS_SANDBOX, external_id_form=ExternalIdForm.NUMERIC)
    with pytest.raises(RequestValidationError, match="may contain only digits"):
        headers.transaction_headers(
            credentials(merchant_keys),
            "POST",
            "/v1.0/qr/qr-mpm-generate",
            b"{}",
            "token",
            profile=numeric,
            external_id="ref-1",
        )
