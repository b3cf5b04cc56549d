"""The framework-neutral receiver: handler outcomes, releases and answers."""

from __future__ import annotations

import json

import pytest

from bisnap.keys import GeneratedKeyPair
from bisnap.notifications import (
    Acknowledgement,
    AsyncHandler,
    Handler,
    MemoryReplayStore,
    NotificationKind,
    NotificationReceiver,
    NotificationVerifier,
    VaPaymentNotification,
    VerifiedNotification,
    error_ack,
)

from .helpers import SAMPLE_PATHS, SAMPLES, TIMESTAMP, fixed_clock, sign_headers

VA = NotificationKind.VA_PAYMENT


@pytest.fixture
def verifier(gateway_keys: GeneratedKeyPair) -> NotificationVerifier:
    return NotificationVerifier(
        gateway_keys.public_key(), clock=fixed_clock(), replay_store=MemoryReplayStore()
    )


@pytest.fixture
def request_parts(gateway_keys: GeneratedKeyPair) -> tuple[str, bytes, dict[str, str]]:
    path, body = SAMPLE_PATHS[VA], SAMPLES[VA]
    return path, body, sign_headers(gateway_keys.private_key(), body, path=path)


def test_success_hands_over_the_typed_payload(
    verifier: NotificationVerifier, request_parts: tuple[str, bytes, dict[str, str]]
) -> None:
    seen: list[VerifiedNotification] = []
    receiver = NotificationReceiver(verifier, seen.append)  # append returns None: success
    path, body, headers = request_parts
    ack = receiver.handle("POST", path, body, headers)
    assert ack.status_code == 200
    assert ack.content["responseCode"] == "2002500"
    assert ack.content["virtualAccountData"]["partnerServiceId"] == "  088899"
    assert dict(ack.headers)["X-TIMESTAMP"] == TIMESTAMP
    assert len(seen) == 1
    assert isinstance(seen[0].payload, VaPaymentNotification)


def test_refusals_never_reach_the_handler(
    verifier: NotificationVerifier, request_parts: tuple[str, bytes, dict[str, str]]
) -> None:
    seen: list[VerifiedNotification] = []
    receiver = NotificationReceiver(verifier, seen.append)
    path, body, headers = request_parts
    ack = receiver.handle("POST", path, body + b" ", {**headers, "X-SIGNATURE": "AAAA"})
    assert (ack.status_code, ack.response_code) == (401, "4012500")
    assert receiver.handle("POST", path, body, headers).status_code == 200
    ack = receiver.handle("POST", path, body, headers)
    assert (ack.status_code, ack.response_code) == (409, "4092500")
    assert len(seen) == 1


def test_failing_handler_answers_500_and_the_retry_is_processed(
    verifier: NotificationVerifier, request_parts: tuple[str, bytes, dict[str, str]]
) -> None:
    calls: list[str] = []

    def handler(notification: VerifiedNotification) -> None:
        calls.append(notification.external_id)
        if len(calls) == 1:
            raise RuntimeError("database is down")

    receiver = NotificationReceiver(verifier, handler)
    path, body, headers = request_parts
    ack = receiver.handle("POST", path, body, headers)
    assert (ack.status_code, ack.response_code) == (500, "5002500")
    assert json.loads(ack.body)["responseMessage"] == "Internal Server Error"
    assert receiver.handle("POST", path, body, headers).status_code == 200  # not a replay
    assert receiver.handle("POST", path, body, headers).status_code == 409
    assert len(calls) == 2


def test_handler_chosen_refusal_is_sent_and_releases_the_id(
    verifier: NotificationVerifier, request_parts: tuple[str, bytes, dict[str, str]]
) -> None:
    answers = [error_ack(VA, 404, "13", "Invalid Amount"), None]

    def handler(notification: VerifiedNotification) -> Acknowledgement | None:
        return answers.pop(0)

    receiver = NotificationReceiver(verifier, handler)
    path, body, headers = request_parts
    ack = receiver.handle("POST", path, body, headers)
    assert (ack.status_code, ack.response_code) == (404, "4042513")
    assert receiver.handle("POST", path, body, headers).status_code == 200


def test_handler_returning_nonsense_is_a_500(
    verifier: NotificationVerifier, request_parts: tuple[str, bytes, dict[str, str]]
) -> None:
    receiver = NotificationReceiver(verifier, lambda notification: "ok")  # type: ignore[arg-type]
    path, body, headers = request_parts
    assert receiver.handle("POST", path, body, headers).status_code == 500


def test_async_handler_needs_ahandle(
    verifier: NotificationVerifier, request_parts: tuple[str, bytes, dict[str, str]]
) -> None:
    async def handler(notification: VerifiedNotification) -> None:
        return None

    receiver = NotificationReceiver(verifier, handler)
    path, body, headers = request_parts
    assert receiver.handle("POST", path, body, headers).status_code == 500


@pytest.mark.anyio
async def test_ahandle_with_sync_and_async_handlers(
    verifier: NotificationVerifier, gateway_keys: GeneratedKeyPair
) -> None:
    seen: list[NotificationKind] = []

    async def async_handler(notification: VerifiedNotification) -> None:
        seen.append(notification.kind)

    def sync_handler(notification: VerifiedNotification) -> None:
        seen.append(notification.kind)

    handlers: list[Handler | AsyncHandler] = [async_handler, sync_handler]
    for number, handler in enumerate(handlers):
        receiver = NotificationReceiver(verifier, handler)
        kind = NotificationKind.QRIS_PAYMENT
        path, body = SAMPLE_PATHS[kind], SAMPLES[kind]
        # A new notification each time: another id AND another signed timestamp (the same
        # signed request under a new id is a replay).
        headers = sign_headers(
            gateway_keys.private_key(),
            body,
            path=path,
            external_id=f"9{number}",
            timestamp=f"2026-01-15T10:00:0{number}+07:00",
        )
        ack = await receiver.ahandle("POST", path, body, headers)
        assert ack.response_code == "2005200"
    assert seen == [NotificationKind.QRIS_PAYMENT] * 2


@pytest.mark.anyio
async def test_ahandle_failure_releases(
    verifier: NotificationVerifier, request_parts: tuple[str, bytes, dict[str, str]]
) -> None:
    async def handler(notification: VerifiedNotification) -> None:
        raise RuntimeError("boom")

    path, body, headers = request_parts
    failing = NotificationReceiver(verifier, handler)
    assert (await failing.ahandle("POST", path, body, headers)).status_code == 500
    working = NotificationReceiver(verifier, lambda notification: None)
    assert (await working.ahandle("POST", path, body, headers)).status_code == 200


def test_receiver_arguments(verifier: NotificationVerifier) -> None:
    with pytest.raises(TypeError):
        NotificationReceiver(object(), lambda n: None)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        NotificationReceiver(verifier, "handler")  # type: ignore[arg-type]
