"""Run an ASGI or WSGI app on a loopback port in a thread, and post to apps in-process."""

from __future__ import annotations

import socket
import ssl
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import httpx


@dataclass(frozen=True)
class Answer:
    status: int
    headers: dict[str, str]  # lower-case names
    body: bytes


@contextmanager
def serve_asgi(app: Any) -> Iterator[str]:
    """uvicorn on 127.0.0.1 (a free port) in a thread; yields the base URL."""
    import uvicorn

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(
        app, log_level="warning", lifespan="off", ws="none", http="h11", access_log=False
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=15)
        sock.close()


@contextmanager
def serve_wsgi(app: Any) -> Iterator[str]:
    """werkzeug's threaded server on 127.0.0.1 (a free port); yields the base URL."""
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app, threaded=True)
    # A short poll interval: shutdown() waits for the loop to look (0.5 s by default).
    thread = threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=15)
        server.server_close()


# One TLS context for every post (each new httpx.Client would load the CA store again); the
# posts go to plain-http loopback servers, so it is never used for a handshake.
_TLS = ssl.create_default_context()


def post_http(base_url: str, path: str, body: bytes, headers: dict[str, str]) -> Answer:
    with httpx.Client(base_url=base_url, trust_env=False, timeout=10, verify=_TLS) as client:
        response = client.post(path, content=body, headers=headers)
    return Answer(
        response.status_code, {k.lower(): v for k, v in response.headers.items()}, response.content
    )


def post_in_process(
    framework: str, app: Any, path: str, body: bytes, headers: dict[str, str], method: str = "POST"
) -> Answer:
    """One request through the framework's own test client (no sockets)."""
    if framework == "fastapi":
        import anyio

        async def send() -> httpx.Response:
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(
                transport=transport, base_url="http://shop.test"
            ) as client:
                return await client.request(method, path, content=body, headers=headers)

        response = anyio.run(send)
        return Answer(
            response.status_code,
            {k.lower(): v for k, v in response.headers.items()},
            response.content,
        )
    from werkzeug.test import Client

    result = Client(app).open(path, method=method, data=body, headers=headers)
    return Answer(
        result.status_code, {k.lower(): v for k, v in result.headers.items()}, result.get_data()
    )
