"""The typed client over real loopback HTTP against the emulator (a few cases only)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bisnap.client import SnapClient
from bisnap.emulator import RunningEmulator, run_in_thread
from bisnap.errors import OutcomeUnknownError
from bisnap.gateways import GatewayProfile
from bisnap.keys import GeneratedKeyPair
from tests.client import examples
from tests.client.emulated import new_emulator
from tests.client.fakes import Sleeps, credentials


@pytest.fixture
def served(
    merchant_keys: GeneratedKeyPair, gateway_keys: GeneratedKeyPair
) -> Iterator[RunningEmulator]:
    emulator = new_emulator(merchant_keys, gateway_keys)
    with run_in_thread(emulator) as server:
        yield server
    emulator.close()


def _client(server: RunningEmulator, keys: GeneratedKeyPair) -> SnapClient:
    profile = GatewayProfile(
        name="loopback", base_url=server.base_url, app_base_url=server.base_url
    )
    return SnapClient(profile, credentials(keys), timeout=5.0, sleep=Sleeps())


def test_payment_over_http(served: RunningEmulator, merchant_keys: GeneratedKeyPair) -> None:
    with _client(served, merchant_keys) as client:
        payment = client.direct_debit.payment(**examples.debit_payment())
        status = client.direct_debit.status(original_reference_no=payment.reference_no)
    assert status.latest_transaction_status == "03"


def test_body_cut_off_mid_answer_is_an_unknown_outcome_over_http(
    served: RunningEmulator, merchant_keys: GeneratedKeyPair
) -> None:
    served.emulator.inject_fault("/v1.0/debit/payment-host-to-host", "drop")
    with _client(served, merchant_keys) as client:
        with pytest.raises(OutcomeUnknownError) as info:
            client.direct_debit.payment(**examples.debit_payment())
        resent = client.resend(info.value)
        status = client.direct_debit.status(original_external_id=info.value.external_id)
    assert status.original_reference_no == getattr(resent, "reference_no", None)
    assert len(list(served.emulator.state.iter_payments("fake-client", "debit"))) == 1
