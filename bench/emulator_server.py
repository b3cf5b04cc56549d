"""The emulator served by uvicorn on loopback in its own process, counting requests by path.

    python bench/emulator_server.py --merchant-public-key PEM_FILE [--max-seconds S]
        [--switch-interval SECONDS]

Started by ``bench/loopback.py``; a separate process so that the clients measured never share
a GIL with the server. Prints ``READY http://127.0.0.1:PORT`` once it accepts connections and
stops when its standard input closes, on SIGTERM, or after ``--max-seconds``.

Besides the emulator's own routes it answers:

- ``GET /_bench/counts``: ``{path: requests}`` since the last reset (token exchanges are the
  count of ``/v1.0/access-token/b2b``);
- ``POST /_bench/reset``: a fresh emulator with the one bench merchant, counts cleared, so
  every run starts from the same empty state.
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
from collections import Counter
from collections.abc import Awaitable, Callable, MutableMapping
from pathlib import Path
from typing import Any

import uvicorn

from bisnap.emulator import Emulator
from bisnap.keys import PrivateKey, PublicKey, generate_key_pair, load_public_key

__all__ = ["CHANNEL_ID", "CLIENT_ID", "CLIENT_SECRET", "MERCHANT_ID", "PARTNER_ID", "BenchApp"]

CLIENT_ID = "BENCH-CLIENT"
CLIENT_SECRET = "bench-client-secret-Zx9Qm2VtL7pW4cRk"
PARTNER_ID = "G7310041"
CHANNEL_ID = "12345"
MERCHANT_ID = "G059876677"

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]


class BenchApp:
    """The current emulator's ASGI app behind a per-path request counter."""

    def __init__(self, merchant_key: PublicKey, gateway_key: PrivateKey) -> None:
        self._merchant_key = merchant_key
        self._gateway_key = gateway_key
        self.counts: Counter[str] = Counter()
        self._emulator = self._fresh()
        self._app = self._emulator.asgi_app()

    def _fresh(self) -> Emulator:
        emulator = Emulator(gateway_private_key=self._gateway_key, notification_retry_scale=0)
        emulator.register_merchant(
            client_id=CLIENT_ID,
            client_secret=CLIENT_SECRET,
            partner_id=PARTNER_ID,
            merchant_public_key=self._merchant_key,
            channel_id=CHANNEL_ID,
            merchant_id=MERCHANT_ID,
        )
        return emulator

    def reset(self) -> None:
        old = self._emulator
        self._emulator = self._fresh()
        self._app = self._emulator.asgi_app()
        self.counts.clear()
        old.close()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        path: str = scope["path"]
        if path.startswith("/_bench/"):
            if path == "/_bench/reset" and scope["method"] == "POST":
                self.reset()
                await _answer(send, 200, {"reset": True})
            elif path == "/_bench/counts":
                await _answer(send, 200, dict(self.counts))
            else:
                await _answer(send, 404, {"error": "unknown bench route"})
            return
        self.counts[path] += 1
        await self._app(scope, receive, send)


async def _answer(send: Send, status: int, value: object) -> None:
    body = json.dumps(value).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


class _Server(uvicorn.Server):
    """Announces its bound address on stdout once started."""

    async def startup(self, sockets: Any = None) -> None:
        await super().startup(sockets)
        host, port = self.servers[0].sockets[0].getsockname()[:2]
        print(f"READY http://{host}:{port}", flush=True)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--merchant-public-key", required=True, type=Path)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--max-seconds", type=float, default=1800)
    parser.add_argument(
        "--switch-interval",
        type=float,
        default=None,
        help="sys.setswitchinterval for this process (Python's default: 0.005 s)",
    )
    args = parser.parse_args(argv)
    if args.switch_interval is not None:
        sys.setswitchinterval(args.switch_interval)
    app = BenchApp(load_public_key(args.merchant_public_key), generate_key_pair().private_key())
    config = uvicorn.Config(
        app, host="127.0.0.1", port=args.port, log_level="warning", access_log=False,
        lifespan="off", backlog=1024,
        # Idle connections kept 75 s, as gateways' load balancers do (uvicorn's own default of
        # 5 s makes a pooled connection race its close under load).
        timeout_keep_alive=75,
    )  # fmt: skip
    server = _Server(config)

    def stop_on_stdin_close() -> None:
        sys.stdin.read()
        server.should_exit = True

    threading.Thread(target=stop_on_stdin_close, daemon=True).start()
    deadline = threading.Timer(args.max_seconds, lambda: setattr(server, "should_exit", True))
    deadline.daemon = True
    deadline.start()
    server.run()


if __name__ == "__main__":
    main()
