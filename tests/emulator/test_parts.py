"""The emulator's parts behind the facade: lazy gateway key, typed family state, payers."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

import httpx
import pytest

from bisnap.emulator import Emulator, SimulationError, outbox
from bisnap.emulator.endpoints.payouts import PayoutsBook, payouts_book
from bisnap.emulator.endpoints.payouts.seed import SEED_BANK_ACCOUNTS
from bisnap.emulator.state import EmulatorState
from bisnap.external_id import ExternalIdForm, check_external_id
from bisnap.keys import GeneratedKeyPair, PrivateKey, PublicKey, generate_key_pair
from bisnap.signing import asymmetric_string_to_sign, verify_rsa
from tests.emulator.helpers import (
    CHANNEL_ID,
    CLIENT_ID,
    CLIENT_SECRET,
    NOTIFY_PREFIX,
    PARTNER_ID,
    FakeClock,
    Receiver,
    Snap,
    code,
    va_body,
)

CREATE_VA = "/v1.0/transfer-va/create-va"


def test_no_gateway_key_is_made_until_one_is_needed(monkeypatch: pytest.MonkeyPatch) -> None:
    made: list[GeneratedKeyPair] = []

    def counting() -> GeneratedKeyPair:
        made.append(generate_key_pair())
        return made[-1]

    monkeypatch.setattr(outbox, "generate_key_pair", counting)
    with Emulator() as emulator:
        assert made == []
        first = emulator.gateway_public_key
        assert emulator.gateway_public_key == first
    assert len(made) == 1
    assert first == made[0].public_key()


def test_each_emulator_without_a_key_gets_its_own() -> None:
    with Emulator() as one, Emulator() as two:
        assert one.gateway_public_key != two.gateway_public_key


def test_a_given_gateway_key_is_used_as_is(gateway_keys: GeneratedKeyPair) -> None:
    with Emulator(gateway_private_key=gateway_keys.private_pem) as emulator:
        assert emulator.gateway_public_key == gateway_keys.public_key()


def test_a_lazily_made_gateway_key_signs_notifications(
    clock: FakeClock, merchant_private_key: PrivateKey, merchant_public_key: PublicKey
) -> None:
    receiver = Receiver()
    emulator = Emulator(
        clock=clock,
        notification_transport=httpx.MockTransport(receiver),
        notification_retry_scale=0,
    )
    emulator.register_merchant(
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        partner_id=PARTNER_ID,
        merchant_public_key=merchant_public_key,
        channel_id=CHANNEL_ID,
        notify_url=NOTIFY_PREFIX,
    )
    with emulator, httpx.Client(base_url="http://e.test", transport=emulator.transport()) as http:
        snap = Snap(http, merchant_private_key, clock)
        assert code(snap.post(CREATE_VA, va_body("lazy-1"), external_id="lazy-1")) == "2002700"
        emulator.pay_va("lazy-1")
        assert emulator.flush_notifications()
    (request,) = receiver.requests
    check_external_id(request.headers["X-EXTERNAL-ID"], ExternalIdForm.NUMERIC)
    signed = asymmetric_string_to_sign(
        "POST", request.url.path, request.content, request.headers["X-TIMESTAMP"]
    )
    verify_rsa(emulator.gateway_public_key, signed, request.headers["X-SIGNATURE"])


@dataclass
class _Counter:
    hits: list[str] = field(default_factory=list)


def test_state_part_is_one_instance_per_class() -> None:
    state = EmulatorState()
    first = state.part(_Counter)
    first.hits.append("a")
    assert state.part(_Counter) is first
    assert EmulatorState().part(_Counter).hits == []


def test_the_payouts_book_starts_with_the_seed_directory(emulator: Emulator) -> None:
    book = payouts_book(emulator)
    assert book is emulator.state.part(PayoutsBook)
    assert {(bank, number) for bank, number, _, _ in SEED_BANK_ACCOUNTS} == set(book.accounts)


def test_paying_an_unknown_reference_names_the_kind(emulator: Emulator) -> None:
    with pytest.raises(SimulationError, match="no debit payment"):
        emulator.payments.pay("debit", "nothing-here", None, None)


def test_set_balance_refuses_a_negative_amount(emulator: Emulator) -> None:
    with pytest.raises(SimulationError):
        emulator.set_balance(CLIENT_ID, Decimal("-1"))
    assert emulator.balance(CLIENT_ID) == Decimal("5000000.00")
