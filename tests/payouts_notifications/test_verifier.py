"""The Payouts notification verifier and receiver: every step, de-duplication, answers."""

from __future__ import annotations

import json
import logging
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bisnap.errors import ConfigurationError, NotificationError
from bisnap.keys import IRIS_MERCHANT_KEY_ENV, IrisMerchantKey
from bisnap.notifications import (
    Acknowledgement,
    MemoryReplayStore,
    NotificationHeaderError,
    NotificationPayloadError,
    PayoutNotification,
    PayoutsNotificationReceiver,
    PayoutsNotificationVerifier,
    RedisReplayStore,
    ReplayStoreError,
    TopUpNotification,
    VerifiedPayoutsNotification,
)

from .helpers import COMPLETED, FAILED, KEY, PROCESSED, TOPUP, headers, sign


class UnreachableRedis:
    def set(self, *args: object, **kwargs: object) -> bool:
        import redis

        raise redis.ConnectionError("Error 111 connecting to 127.0.0.1:6379")

    def delete(self, *args: object) -> int:
        import redis

        raise redis.ConnectionError("Error 111 connecting to 127.0.0.1:6379")


def test_a_payout_and_a_top_up_verify_into_typed_payloads() -> None:
    verifier = PayoutsNotificationVerifier(KEY)
    payout = verifier.verify(FAILED, headers(FAILED))
    assert isinstance(payout.payload, PayoutNotification)
    assert payout.payload.error_code == "002"
    assert payout.body == FAILED
    assert not payout.duplicate
    topup = verifier.verify(TOPUP, list(headers(TOPUP).items()))
    assert isinstance(topup.payload, TopUpNotification)
    assert topup.kind.value == "topup"


def test_header_names_in_any_case_and_byte_pairs() -> None:
    verifier = PayoutsNotificationVerifier(IrisMerchantKey(KEY))
    verifier.verify(PROCESSED, {"IRIS-SIGNATURE": sign(PROCESSED)})
    verifier.verify(PROCESSED, [(b"iris-signature", sign(PROCESSED).encode())])
    verifier.verify(bytearray(PROCESSED), {"Iris-Signature": sign(PROCESSED).upper()})


def test_the_key_comes_from_the_environment_when_not_given() -> None:
    verifier = PayoutsNotificationVerifier(environ={IRIS_MERCHANT_KEY_ENV: KEY})
    verifier.verify(PROCESSED, headers(PROCESSED))
    with pytest.raises(ConfigurationError, match=IRIS_MERCHANT_KEY_ENV):
        PayoutsNotificationVerifier(environ={})
    assert KEY not in repr(verifier)


@pytest.mark.parametrize(
    ("body", "header_set", "step"),
    [
        (PROCESSED, {}, "headers"),
        (PROCESSED, {"Iris-Signature": ""}, "headers"),
        (PROCESSED, [("Iris-Signature", sign(PROCESSED))] * 2, "headers"),
        (b"", {"Iris-Signature": sign(b"")}, "body"),
        (b"  \n", {"Iris-Signature": sign(b"  \n")}, "body"),
        (b"x" * 2000, {"Iris-Signature": sign(b"x" * 2000)}, "body"),
        (PROCESSED + b"\n", headers(PROCESSED), "signature"),
        (PROCESSED, {"Iris-Signature": sign(PROCESSED, KEY + "x")}, "signature"),
        (PROCESSED, {"Iris-Signature": sign(PROCESSED)[:-1]}, "signature"),
        (b"not json", {"Iris-Signature": sign(b"not json")}, "payload"),
        (b'{"x":1}', {"Iris-Signature": sign(b'{"x":1}')}, "payload"),
    ],
)
def test_every_failure_names_its_step(body: bytes, header_set: object, step: str) -> None:
    verifier = PayoutsNotificationVerifier(KEY, max_body_bytes=1000)
    with pytest.raises(NotificationError) as caught:
        verifier.verify(body, header_set)  # type: ignore[arg-type]
    assert caught.value.step == step
    assert KEY not in str(caught.value)
    assert sign(body) not in str(caught.value)


def test_header_errors_say_which_header() -> None:
    with pytest.raises(NotificationHeaderError) as caught:
        PayoutsNotificationVerifier(KEY).verify(PROCESSED, {})
    assert caught.value.field == "Iris-Signature"
    assert caught.value.missing


def test_decoded_text_is_refused_as_a_body() -> None:
    with pytest.raises(NotificationError, match="raw body bytes") as caught:
        PayoutsNotificationVerifier(KEY).verify(PROCESSED.decode(), headers(PROCESSED))  # type: ignore[arg-type]
    assert caught.value.step == "body"


def test_a_payload_is_parsed_only_after_the_signature_matched() -> None:
    with pytest.raises(NotificationError) as caught:
        PayoutsNotificationVerifier(KEY).verify(b'{"x":1}', headers(PROCESSED))
    assert caught.value.step == "signature"
    assert not isinstance(caught.value, NotificationPayloadError)


def test_a_repeated_delivery_is_marked_duplicate_not_refused() -> None:
    store = MemoryReplayStore()
    verifier = PayoutsNotificationVerifier(KEY, replay_store=store)
    first = verifier.verify(PROCESSED, headers(PROCESSED))
    again = verifier.verify(PROCESSED, headers(PROCESSED))
    assert not first.duplicate
    assert again.duplicate
    assert not verifier.verify(COMPLETED, headers(COMPLETED)).duplicate
    verifier.release(first)
    assert not verifier.verify(PROCESSED, headers(PROCESSED)).duplicate


@pytest.mark.redis
def test_duplicates_are_shared_through_redis(redis_url: str) -> None:
    one = PayoutsNotificationVerifier(KEY, replay_store=RedisReplayStore.from_url(redis_url))
    two = PayoutsNotificationVerifier(KEY, replay_store=RedisReplayStore.from_url(redis_url))
    assert not one.verify(FAILED, headers(FAILED)).duplicate
    assert two.verify(FAILED, headers(FAILED)).duplicate


def test_an_unreachable_store_fails_closed() -> None:
    verifier = PayoutsNotificationVerifier(KEY, replay_store=RedisReplayStore(UnreachableRedis()))
    with pytest.raises(ReplayStoreError) as caught:
        verifier.verify(PROCESSED, headers(PROCESSED))
    assert caught.value.step == "replay"


@pytest.mark.parametrize(
    ("option", "value"),
    [("max_body_bytes", 0), ("max_body_bytes", True), ("dedup_ttl", 0), ("replay_store", object())],
)
def test_bad_options_are_configuration_errors(option: str, value: object) -> None:
    with pytest.raises(ConfigurationError) as caught:
        PayoutsNotificationVerifier(KEY, **{option: value})  # type: ignore[arg-type]
    assert caught.value.field == option


# --- the receiver ------------------------------------------------------------------------------


def _receiver(
    inbox: list[VerifiedPayoutsNotification], result: object = None
) -> PayoutsNotificationReceiver:
    def handle(notification: VerifiedPayoutsNotification) -> Acknowledgement | None:
        inbox.append(notification)
        if isinstance(result, Exception):
            raise result
        return result  # type: ignore[return-value]

    return PayoutsNotificationReceiver(
        PayoutsNotificationVerifier(KEY, replay_store=MemoryReplayStore()), handle
    )


def test_the_receiver_answers_200_and_hands_over_each_delivery_once() -> None:
    inbox: list[VerifiedPayoutsNotification] = []
    receiver = _receiver(inbox)
    ack = receiver.handle("POST", "/payouts", PROCESSED, headers(PROCESSED))
    assert (ack.status_code, ack.content) == (200, {"status": "ok"})
    assert ack.headers == (("Content-Type", "application/json"),)
    again = receiver.handle("POST", "/payouts", PROCESSED, headers(PROCESSED))
    assert (again.status_code, again.content) == (200, {"status": "ok", "duplicate": True})
    assert len(inbox) == 1


@pytest.mark.parametrize(
    ("method", "body", "header_set", "status", "step"),
    [
        ("POST", PROCESSED, {"Iris-Signature": "0" * 128}, 401, "signature"),
        ("POST", PROCESSED, {}, 400, "headers"),
        ("POST", b'{"x":1}', {"Iris-Signature": sign(b'{"x":1}')}, 400, "payload"),
        ("GET", PROCESSED, headers(PROCESSED), 405, "route"),
    ],
)
def test_the_receiver_refuses_with_a_clear_answer(
    method: str, body: bytes, header_set: dict[str, str], status: int, step: str
) -> None:
    inbox: list[VerifiedPayoutsNotification] = []
    ack = _receiver(inbox).handle(method, "/payouts", body, header_set)
    assert ack.status_code == status
    assert ack.content["status"] == "error"
    assert ack.content["step"] == step
    assert ack.content["message"]
    assert inbox == []


def test_a_failing_handler_answers_500_and_the_redelivery_is_processed(
    caplog: pytest.LogCaptureFixture,
) -> None:
    inbox: list[VerifiedPayoutsNotification] = []
    receiver = _receiver(inbox, RuntimeError("database down"))
    with caplog.at_level(logging.ERROR):
        ack = receiver.handle("POST", "/payouts", FAILED, headers(FAILED))
    assert ack.status_code == 500
    assert KEY not in caplog.text
    ack = receiver.handle("POST", "/payouts", FAILED, headers(FAILED))
    assert ack.status_code == 500  # handled again, not answered as a duplicate
    assert len(inbox) == 2


def test_a_handler_answer_is_passed_through_and_a_refusal_releases_the_key() -> None:
    inbox: list[VerifiedPayoutsNotification] = []
    refusal = Acknowledgement(503, b'{"busy":true}', (("Content-Type", "application/json"),), "")
    receiver = _receiver(inbox, refusal)
    assert receiver.handle("POST", "/p", TOPUP, headers(TOPUP)) is refusal
    assert receiver.handle("POST", "/p", TOPUP, headers(TOPUP)) is refusal
    assert len(inbox) == 2


def test_a_handler_returning_something_else_is_a_500() -> None:
    inbox: list[VerifiedPayoutsNotification] = []
    ack = _receiver(inbox, "ok").handle("POST", "/p", TOPUP, headers(TOPUP))
    assert ack.status_code == 500


def test_the_store_down_is_a_500() -> None:
    receiver = PayoutsNotificationReceiver(
        PayoutsNotificationVerifier(KEY, replay_store=RedisReplayStore(UnreachableRedis())),
        lambda n: None,
    )
    ack = receiver.handle("POST", "/p", TOPUP, headers(TOPUP))
    assert ack.status_code == 500
    assert json.loads(ack.body)["step"] == "replay"


@pytest.mark.anyio
async def test_ahandle_runs_async_handlers() -> None:
    inbox: list[VerifiedPayoutsNotification] = []

    async def handle(notification: VerifiedPayoutsNotification) -> None:
        inbox.append(notification)

    receiver = PayoutsNotificationReceiver(PayoutsNotificationVerifier(KEY), handle)
    ack = await receiver.ahandle("POST", "/p", COMPLETED, headers(COMPLETED))
    assert ack.status_code == 200
    assert len(inbox) == 1
    bad = await receiver.ahandle("POST", "/p", COMPLETED, {"Iris-Signature": "x"})
    assert bad.status_code == 401
    sync_only = receiver.handle("POST", "/p", COMPLETED, headers(COMPLETED))
    assert sync_only.status_code == 500  # an async handler needs ahandle


def test_the_receiver_checks_its_arguments() -> None:
    with pytest.raises(TypeError):
        PayoutsNotificationReceiver(object(), lambda n: None)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        PayoutsNotificationReceiver(PayoutsNotificationVerifier(KEY), None)  # type: ignore[arg-type]


# --- properties --------------------------------------------------------------------------------


@settings(max_examples=150, deadline=None)
@given(body=st.binary(max_size=300))
def test_any_correctly_signed_bytes_verify_or_fail_at_body_or_payload(body: bytes) -> None:
    verifier = PayoutsNotificationVerifier(KEY)
    step: str | None = None
    try:
        verified = verifier.verify(body, {"Iris-Signature": sign(body)})
    except NotificationError as exc:
        step = exc.step
    else:
        assert verified.body == body
    assert step in (None, "body", "payload")


@settings(max_examples=150, deadline=None)
@given(
    reference=st.text(min_size=1, max_size=30),
    status=st.sampled_from(["approved", "rejected", "processed", "completed", "failed"]),
    amount=st.from_regex(r"[0-9]{1,12}(\.[0-9]{1,2})?", fullmatch=True),
    data=st.data(),
)
def test_a_signed_payout_verifies_and_any_changed_byte_does_not(
    reference: str, status: str, amount: str, data: st.DataObject
) -> None:
    body = json.dumps(
        {"reference_no": reference, "amount": amount, "status": status, "updated_at": "t"}
    ).encode()
    verifier = PayoutsNotificationVerifier(KEY)
    payload = verifier.verify(body, headers(body)).payload
    assert isinstance(payload, PayoutNotification)
    assert (payload.reference_no, payload.status.value) == (reference, status)
    assert payload.amount == Decimal(amount)
    index = data.draw(st.integers(0, len(body) - 1))
    changed = body[:index] + bytes([body[index] ^ 0x01]) + body[index + 1 :]
    with pytest.raises(NotificationError) as caught:
        verifier.verify(changed, headers(body))
    assert caught.value.step == "signature"
