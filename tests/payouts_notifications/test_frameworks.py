"""Payouts notification routes in FastAPI, Flask and Django (in-process and over loopback)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from bisnap.keys import GeneratedKeyPair
from bisnap.notifications import (
    MemoryReplayStore,
    PayoutNotification,
    PayoutsNotificationReceiver,
    PayoutsNotificationVerifier,
    VerifiedPayoutsNotification,
)

from ..notifications.helpers import load_example
from ..notifications.servers import Answer, post_http, post_in_process, serve_asgi, serve_wsgi
from .helpers import FAILED, KEY, PROCESSED, TOPUP, headers

PATH = "/hooks/payouts"
Post = Callable[[bytes, dict[str, str]], Answer]


def _receiver(inbox: list[VerifiedPayoutsNotification]) -> PayoutsNotificationReceiver:
    verifier = PayoutsNotificationVerifier(KEY, replay_store=MemoryReplayStore())
    return PayoutsNotificationReceiver(verifier, inbox.append)


def _app(framework: str, receiver: PayoutsNotificationReceiver, keys: GeneratedKeyPair) -> Any:
    if framework == "fastapi":
        from fastapi import FastAPI

        from bisnap.notifications.asgi import add_payouts_notification_route

        app = FastAPI()
        add_payouts_notification_route(app, receiver, PATH)
        return app
    if framework == "flask":
        from flask import Flask

        from bisnap.notifications.flask import register_payouts_notification_route

        flask_app = Flask(__name__)
        register_payouts_notification_route(flask_app, receiver, PATH)
        return flask_app
    from django.urls import clear_url_caches  # type: ignore[import-untyped]

    from bisnap.notifications.django import payouts_notification_urlpattern

    example = load_example("django_receiver")  # configures Django; its module is the URLconf
    wsgi = example.create_app(keys.public_pem)
    example.urlpatterns[:] = [payouts_notification_urlpattern(receiver, PATH)]
    clear_url_caches()
    return wsgi


@contextmanager
def running(
    framework: str, mode: str, keys: GeneratedKeyPair, inbox: list[VerifiedPayoutsNotification]
) -> Iterator[Post]:
    app = _app(framework, _receiver(inbox), keys)
    if mode == "in-process":
        yield lambda body, hdrs: post_in_process(framework, app, PATH, body, hdrs)
        return
    serve = serve_asgi if framework == "fastapi" else serve_wsgi
    with serve(app) as base_url:
        yield lambda body, hdrs: post_http(base_url, PATH, body, hdrs)


@pytest.mark.parametrize("mode", ["in-process", "loopback"])
@pytest.mark.parametrize("framework", ["fastapi", "flask", "django"])
def test_payouts_routes_verify_answer_and_refuse(
    framework: str, mode: str, gateway_keys: GeneratedKeyPair
) -> None:
    inbox: list[VerifiedPayoutsNotification] = []
    with running(framework, mode, gateway_keys, inbox) as post:
        for body in (PROCESSED, FAILED, TOPUP):
            answer = post(body, headers(body))
            assert answer.status == 200, answer.body
            assert answer.body == b'{"status":"ok"}'
            assert answer.headers["content-type"] == "application/json"
        duplicate = post(FAILED, headers(FAILED))
        assert duplicate.status == 200
        assert duplicate.body == b'{"status":"ok","duplicate":true}'
        bad = post(PROCESSED, {"Iris-Signature": "f" * 128})
        assert bad.status == 401
        assert b'"step":"signature"' in bad.body
        missing = post(PROCESSED, {})
        assert missing.status == 400
    assert [n.body for n in inbox] == [PROCESSED, FAILED, TOPUP]
    assert isinstance(inbox[1].payload, PayoutNotification)
    assert inbox[1].payload.error_code == "002"


@pytest.mark.parametrize("framework", ["fastapi", "flask"])
def test_an_oversized_body_is_refused_before_reading_it_all(
    framework: str, gateway_keys: GeneratedKeyPair
) -> None:
    inbox: list[VerifiedPayoutsNotification] = []
    verifier = PayoutsNotificationVerifier(KEY, max_body_bytes=64)
    app = _app(framework, PayoutsNotificationReceiver(verifier, inbox.append), gateway_keys)
    answer = post_in_process(framework, app, PATH, PROCESSED, headers(PROCESSED))
    assert answer.status == 400
    assert b'"step":"body"' in answer.body
    assert inbox == []


def test_route_helpers_check_their_arguments() -> None:
    from bisnap.notifications.asgi import add_payouts_notification_route, notification_endpoint
    from bisnap.notifications.flask import register_payouts_notification_route

    receiver = _receiver([])
    with pytest.raises(TypeError):
        add_payouts_notification_route(object(), object(), PATH)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        add_payouts_notification_route(object(), receiver, "no-slash")
    with pytest.raises(TypeError):
        register_payouts_notification_route(object(), receiver, "")
    with pytest.raises(TypeError):
        notification_endpoint(object())  # type: ignore[arg-type]
