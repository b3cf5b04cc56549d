"""The FastAPI, Flask and Django examples, in-process and over real loopback HTTP."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import pytest

from bisnap.keys import GeneratedKeyPair
from bisnap.notifications import (
    MemoryReplayStore,
    NotificationKind,
    NotificationReceiver,
    NotificationVerifier,
    VerifiedNotification,
    payload_model,
)

from .helpers import SAMPLE_PATHS, SAMPLES, TIMESTAMP, fixed_clock, load_example, sign_headers
from .servers import Answer, post_http, post_in_process, serve_asgi, serve_wsgi

FRAMEWORKS = ["fastapi", "flask", "django"]
PREFIX = "/api/snap"
Post = Callable[[str, bytes, dict[str, str]], Answer]


@contextmanager
def running(
    framework: str, mode: str, gateway_keys: GeneratedKeyPair, received: list[VerifiedNotification]
) -> Iterator[Post]:
    """The framework's example app, and a function that posts one request to it."""
    example = load_example(f"{framework}_receiver")
    app = example.create_app(
        gateway_keys.public_pem, prefix=PREFIX, clock=fixed_clock(), received=received
    )
    if mode == "in-process":
        yield lambda path, body, headers: post_in_process(framework, app, path, body, headers)
        return
    serve = serve_asgi if framework == "fastapi" else serve_wsgi
    with serve(app) as base_url:
        yield lambda path, body, headers: post_http(base_url, path, body, headers)


def _expected_success(kind: NotificationKind) -> dict[str, Any]:
    if kind is NotificationKind.VA_PAYMENT:
        return {
            "responseMessage": "Successful",
            "responseCode": "2002500",
            "virtualAccountData": {
                "partnerServiceId": "  088899",
                "customerNo": "12345678901234567890",
                "virtualAccountNo": "  08889912345678901234567890",
                "trxId": "abcdefgh1234",
            },
        }
    code = {
        NotificationKind.QRIS_PAYMENT: "2005200",
        NotificationKind.DIRECT_DEBIT: "2005600",
        NotificationKind.ACCOUNT_LINKING: "2008800",
    }[kind]
    return {"responseCode": code, "responseMessage": "Request has been processed successfully"}


@pytest.mark.parametrize("mode", ["in-process", "loopback"])
@pytest.mark.parametrize("framework", FRAMEWORKS)
def test_every_notification_kind_is_verified_parsed_and_acknowledged(
    framework: str, mode: str, gateway_keys: GeneratedKeyPair
) -> None:
    received: list[VerifiedNotification] = []
    with running(framework, mode, gateway_keys, received) as post:
        for number, kind in enumerate(NotificationKind):
            path = PREFIX + SAMPLE_PATHS[kind]
            body = SAMPLES[kind]
            # Alternate between the two paths the gateway might sign over.
            signed_over = path if number % 2 else SAMPLE_PATHS[kind]
            headers = sign_headers(
                gateway_keys.private_key(), body, path=signed_over, external_id=f"7000{number}"
            )
            answer = post(path, body, headers)
            assert answer.status == 200, answer.body
            assert json.loads(answer.body) == _expected_success(kind)
            assert answer.headers["x-timestamp"] == TIMESTAMP
            assert answer.headers["content-type"].startswith("application/json")
    assert [n.kind for n in received] == list(NotificationKind)
    for notification, kind in zip(received, NotificationKind, strict=True):
        assert type(notification.payload) is payload_model(kind)
        assert notification.body == SAMPLES[kind]
    assert [n.path_form for n in received] == ["relative_path", "request_path"] * 2


@pytest.mark.parametrize("mode", ["in-process", "loopback"])
@pytest.mark.parametrize("framework", FRAMEWORKS)
def test_refusals_carry_the_matching_codes(
    framework: str, mode: str, gateway_keys: GeneratedKeyPair, merchant_keys: GeneratedKeyPair
) -> None:
    kind = NotificationKind.DIRECT_DEBIT
    path, body = PREFIX + SAMPLE_PATHS[kind], SAMPLES[kind]
    good = sign_headers(gateway_keys.private_key(), body, path=path)
    forged = sign_headers(merchant_keys.private_key(), body, path=path)
    missing = {k: v for k, v in good.items() if k != "X-TIMESTAMP"}
    not_json = sign_headers(gateway_keys.private_key(), b"{}", path=path, external_id="55")
    received: list[VerifiedNotification] = []
    with running(framework, mode, gateway_keys, received) as post:
        cases = [
            (forged, body, 401, "4015600"),
            (missing, body, 400, "4005602"),
            (not_json, b"order=1&paid=yes", 400, "4005600"),
            (good, body, 200, "2005600"),
            (good, body, 409, "4095600"),  # the same X-EXTERNAL-ID again
        ]
        for headers, content, status, code in cases:
            answer = post(path, content, headers)
            assert (answer.status, json.loads(answer.body)["responseCode"]) == (status, code)
            assert answer.headers["x-timestamp"] == TIMESTAMP
    assert len(received) == 1


@pytest.mark.parametrize("framework", FRAMEWORKS)
def test_only_post_is_routed(framework: str, gateway_keys: GeneratedKeyPair) -> None:
    example = load_example(f"{framework}_receiver")
    app = example.create_app(gateway_keys.public_pem, prefix=PREFIX, clock=fixed_clock())
    answer = post_in_process(framework, app, PREFIX + "/v1.0/debit/notify", b"", {}, method="GET")
    assert answer.status == 405


def _small_receiver(gateway_keys: GeneratedKeyPair, seen: list[VerifiedNotification]) -> Any:
    verifier = NotificationVerifier(
        gateway_keys.public_key(),
        clock=fixed_clock(),
        replay_store=MemoryReplayStore(),
        max_body_bytes=100,
    )
    return NotificationReceiver(verifier, seen.append)


def _app_with_routes(framework: str, receiver: NotificationReceiver) -> Any:
    """A bare FastAPI or Flask app with only the notification routes of ``receiver``."""
    if framework == "fastapi":
        from fastapi import FastAPI

        from bisnap.notifications.asgi import add_notification_routes

        app = FastAPI()
        add_notification_routes(app, receiver)
        return app
    from flask import Flask

    from bisnap.notifications.flask import register_notification_routes

    flask_app = Flask(__name__)
    register_notification_routes(flask_app, receiver)
    return flask_app


@pytest.mark.parametrize("framework", ["fastapi", "flask"])
def test_oversized_bodies_are_refused_unread(
    framework: str, gateway_keys: GeneratedKeyPair
) -> None:
    seen: list[VerifiedNotification] = []
    receiver = _small_receiver(gateway_keys, seen)
    app = _app_with_routes(framework, receiver)
    kind = NotificationKind.QRIS_PAYMENT
    path, body = SAMPLE_PATHS[kind], SAMPLES[kind]
    headers = sign_headers(gateway_keys.private_key(), body, path=path)
    answer = post_in_process(framework, app, path, body, headers)
    assert (answer.status, json.loads(answer.body)["responseCode"]) == (400, "4005200")
    assert seen == []


def test_django_view_directly(gateway_keys: GeneratedKeyPair) -> None:
    load_example("django_receiver").create_app(gateway_keys.public_pem)  # configures Django
    from django.test import RequestFactory  # type: ignore[import-untyped]

    from bisnap.notifications.django import notification_view

    seen: list[VerifiedNotification] = []
    view = notification_view(_small_receiver(gateway_keys, seen))
    kind = NotificationKind.ACCOUNT_LINKING
    path = SAMPLE_PATHS[kind]
    factory = RequestFactory()
    small = b'{"additionalInfo":{"accessToken":"t","accountStatus":"DISABLED"}}'
    headers = sign_headers(gateway_keys.private_key(), small, path=path)
    response = view(
        factory.post(path, data=small, content_type="application/json", headers=headers)
    )
    assert response.status_code == 200
    assert json.loads(response.content)["responseCode"] == "2008800"
    assert response["X-TIMESTAMP"] == TIMESTAMP
    big = view(
        factory.post(path, data=SAMPLES[kind], content_type="application/json", headers=headers)
    )
    assert (big.status_code, json.loads(big.content)["responseCode"]) == (400, "4008800")
    assert len(seen) == 1


@pytest.mark.parametrize("framework", ["fastapi", "flask"])
def test_chunked_bodies_are_read_and_capped(framework: str, gateway_keys: GeneratedKeyPair) -> None:
    seen: list[VerifiedNotification] = []
    receiver = _small_receiver(gateway_keys, seen)
    app = _app_with_routes(framework, receiver)
    path = SAMPLE_PATHS[NotificationKind.ACCOUNT_LINKING]
    small = b'{"additionalInfo":{"accessToken":"t","accountStatus":"ENABLED"}}'
    serve = serve_asgi if framework == "fastapi" else serve_wsgi
    with serve(app) as base_url, httpx.Client(base_url=base_url, trust_env=False) as client:
        for number, (body, status) in enumerate([(small, 200), (small + b" " * 200, 400)]):
            headers = sign_headers(
                gateway_keys.private_key(), body, path=path, external_id=f"8{number}"
            )
            pieces = [body[i : i + 10] for i in range(0, len(body), 10)]
            response = client.post(path, content=iter(pieces), headers=headers)
            assert response.request.headers.get("transfer-encoding") == "chunked"
            assert response.status_code == status
    assert len(seen) == 1
