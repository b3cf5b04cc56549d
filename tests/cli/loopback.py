"""A small loopback SNAP server for the CLI tests: checks signatures over the received bytes.

It plays just enough of a gateway to test what the CLI prints: the B2B token endpoint verifies
the RSA signature with the merchant's public key, every other path verifies the HMAC over
exactly the bytes that arrived. Failures answer 401 with ``4017300`` / ``401XX00``.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from bisnap.errors import InvalidInputError
from bisnap.keys import PublicKey
from bisnap.signing import (
    token_string_to_sign,
    transaction_string_to_sign,
    verify_hmac,
    verify_rsa,
)

TOKEN_PATH = "/v1.0/access-token/b2b"


@dataclass
class Received:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class LoopbackGateway:
    client_id: str
    client_secret: str
    merchant_public_key: PublicKey
    access_token: str = "loopback-access-token"
    received: list[Received] = field(default_factory=list)
    url: str = ""

    def answer(self, request: Received) -> tuple[int, dict[str, Any]]:
        self.received.append(request)
        if request.path == TOKEN_PATH:
            return self._token(request)
        return self._transaction(request)

    def _token(self, request: Received) -> tuple[int, dict[str, Any]]:
        try:
            if request.headers.get("x-client-key") != self.client_id:
                raise InvalidInputError("unknown client")
            sts = token_string_to_sign(self.client_id, request.headers.get("x-timestamp", ""))
            verify_rsa(self.merchant_public_key, sts, request.headers.get("x-signature", ""))
        except InvalidInputError:
            return 401, {"responseCode": "4017300", "responseMessage": "Unauthorized. Signature"}
        return 200, {
            "responseCode": "2007300",
            "responseMessage": "Successful",
            "accessToken": self.access_token,
            "tokenType": "Bearer",
            "expiresIn": "900",
        }

    def _transaction(self, request: Received) -> tuple[int, dict[str, Any]]:
        if request.headers.get("authorization") != f"Bearer {self.access_token}":
            return 401, {"responseCode": "4012701", "responseMessage": "Invalid Token (B2B)"}
        try:
            sts = transaction_string_to_sign(
                request.method,
                request.path,
                self.access_token,
                request.body,
                request.headers.get("x-timestamp", ""),
            )
            verify_hmac(self.client_secret, sts, request.headers.get("x-signature", ""))
        except InvalidInputError:
            return 401, {"responseCode": "4012700", "responseMessage": "Unauthorized. Signature"}
        return 200, {"responseCode": "2002700", "responseMessage": "Successful"}


def _handler(gateway: LoopbackGateway) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            body = self.rfile.read(length)
            headers = {name.lower(): value for name, value in self.headers.items()}
            status, answer = gateway.answer(Received(self.command, self.path, headers, body))
            payload = json.dumps(answer).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler


@contextmanager
def serve(gateway: LoopbackGateway) -> Iterator[LoopbackGateway]:
    """Serve ``gateway`` on a free loopback port for the duration of the block."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(gateway))
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    gateway.url = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        yield gateway
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
