"""``bisnap wait-for`` and :func:`bisnap.readiness.wait_until_ready`: no race with a server
started in the background."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from click.testing import CliRunner

from bisnap.cli.app import cli
from bisnap.readiness import ServerNotReady, wait_until_ready


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class _Answer(BaseHTTPRequestHandler):
    status = 200

    def do_GET(self) -> None:
        self.send_response(self.status)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, format: str, *args: object) -> None:
        pass


@contextmanager
def _serving_later(
    port: int, delay: float, handler: type[BaseHTTPRequestHandler] = _Answer
) -> Iterator[None]:
    """A loopback HTTP server that starts listening on ``port`` only after ``delay`` seconds."""
    servers: list[ThreadingHTTPServer] = []

    def start() -> None:
        time.sleep(delay)
        server = ThreadingHTTPServer(("127.0.0.1", port), handler)
        servers.append(server)
        server.serve_forever(poll_interval=0.05)

    thread = threading.Thread(target=start, daemon=True)
    thread.start()
    try:
        yield
    finally:
        while not servers:
            time.sleep(0.01)
        servers[0].shutdown()
        servers[0].server_close()
        thread.join(5)


def test_wait_for_returns_once_a_late_server_listens() -> None:
    port = _free_port()
    with _serving_later(port, 0.4):
        started = time.monotonic()
        response = wait_until_ready(f"http://127.0.0.1:{port}/health", timeout=10)
        assert response.status_code == 200
        assert time.monotonic() - started >= 0.3  # it did wait: nothing listened before


def test_wait_for_gives_up_naming_the_url() -> None:
    port = _free_port()
    ticks = iter(range(100))
    with pytest.raises(ServerNotReady) as info:
        wait_until_ready(
            f"http://127.0.0.1:{port}/",
            timeout=3,
            clock=lambda: float(next(ticks)),
            sleep=lambda _: None,
        )
    assert f"127.0.0.1:{port}" in str(info.value)
    assert "3 s" in str(info.value)


def test_wait_for_keeps_waiting_through_5xx() -> None:
    class _Failing(_Answer):
        status = 503

    port = _free_port()
    with _serving_later(port, 0.0, _Failing), pytest.raises(ServerNotReady, match="HTTP 503"):
        wait_until_ready(f"http://127.0.0.1:{port}/", timeout=0.5, interval=0.05)


def test_wait_for_command_exit_status() -> None:
    runner = CliRunner()
    port = _free_port()
    failed = runner.invoke(cli, ["wait-for", f"http://127.0.0.1:{port}/", "--timeout", "0.3"])
    assert failed.exit_code == 1
    assert "did not answer" in failed.output
    usage = runner.invoke(cli, ["wait-for", "ftp://127.0.0.1/"])
    assert usage.exit_code == 2
    assert "not an http(s) URL" in usage.output
    with _serving_later(port, 0.2):
        ok = runner.invoke(cli, ["wait-for", f"http://127.0.0.1:{port}/", "--timeout", "10"])
        assert ok.exit_code == 0, ok.output
