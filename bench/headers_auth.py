"""Per-request cost of SNAP headers: SnapAuth, transaction_request, and by hand.

    python bench/headers_auth.py [--quick] [--repeat N] [--no-write]

Two groups, each timed interleaved in one run, best of N rounds:

- *headers only*: the signed header set for a 1 KB create-VA body built (a) by hand with
  ``hashlib``/``hmac``/``base64`` and a dict, (b) with ``bisnap.headers.transaction_request``;
- *one request through httpx* on a warm token, against an ``httpx.MockTransport`` that answers
  200 at once: (c) plain httpx with static headers (httpx's own cost, the floor), (d) plain
  httpx with headers built by hand per request, (e) ``transaction_request`` headers,
  (f) ``SnapAuth`` as the client's auth, (g) a whole typed ``SnapClient`` create-VA call
  (model validation, SnapAuth, response parsing), (h) the same with ``AsyncSnapClient``
  (one ``run_until_complete`` per call). The table also shows what each adds over the floor.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import hashlib
import hmac
import json
import secrets
import time
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta, timezone
from typing import Any

import httpx
from report import append_result, render_table
from signing import best_of

from bisnap.auth import SnapAuth
from bisnap.client import AsyncSnapClient, SnapClient
from bisnap.credentials import Credentials
from bisnap.gateways import MIDTRANS_SANDBOX
from bisnap.headers import transaction_request
from bisnap.keys import generate_key_pair

__all__ = ["run"]

BASE_URL = "http://bench.invalid"
PATH = "/v1.0/transfer-va/create-va"
TOKEN = "gT4kq2Nw8ZrP0vYx5LcB7mH3sD9fJ1aQeU6oI2tR"
SECRET = "Zx9Qm2VtL7pW4cRkY8sN3bHfJ6dG1aEu"
JAKARTA = timezone(timedelta(hours=7))


def va_body(index: int = 0) -> bytes:
    """A create-VA body of about 1 KB, serialized compactly as a client sends it."""
    body = {
        "partnerServiceId": "   70012",
        "customerNo": f"{6280000000 + index}",
        "virtualAccountNo": f"   70012{6280000000 + index}",
        "virtualAccountName": "Jokul Doe",
        "virtualAccountEmail": "jokul@example.com",
        "virtualAccountPhone": "6281828384858",
        "trxId": f"{index:032d}",
        "totalAmount": {"value": "10000.00", "currency": "IDR"},
        "expiredDate": "2030-12-31T23:59:59+07:00",
        "additionalInfo": {
            "bank": "bca",
            "merchantId": "G059876677",
            "description": "Order #" + "x" * 600,
        },
    }
    return json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode()


def _created(trx_id: str) -> bytes:
    data = {
        "partnerServiceId": "   70012",
        "customerNo": "6280000000",
        "virtualAccountNo": "   700126280000000",
        "virtualAccountName": "Jokul Doe",
        "trxId": trx_id,
        "totalAmount": {"value": "10000.00", "currency": "IDR"},
        "expiredDate": "2030-12-31T23:59:59+07:00",
        "additionalInfo": {"bank": "bca", "merchantId": "G059876677"},
    }
    answer = {"responseCode": "2002700", "responseMessage": "Successful"}
    return json.dumps({**answer, "virtualAccountData": data}).encode()


def _token_answer(request: httpx.Request) -> httpx.Response:
    if request.url.path.endswith("/access-token/b2b"):
        return httpx.Response(
            200,
            json={
                "responseCode": "2007300",
                "responseMessage": "Successful",
                "accessToken": TOKEN,
                "tokenType": "Bearer",
                "expiresIn": "900",
            },
        )
    external_id = request.headers.get("X-EXTERNAL-ID", "0")
    return httpx.Response(200, content=_created(external_id))


def run(repeat: int = 15) -> list[tuple[str, float]]:
    """(label, microseconds per request) for every variant, in table order."""
    pair = generate_key_pair()
    credentials = Credentials("G7310041-SNAP", SECRET, pair.private_pem, "G7310041", "12345")
    profile = MIDTRANS_SANDBOX.with_base_url(BASE_URL)
    secret = SECRET.encode()
    body = va_body()
    url = BASE_URL + PATH

    def by_hand() -> dict[str, str]:
        timestamp = datetime.now(JAKARTA).isoformat(timespec="seconds")
        digest = hashlib.sha256(body).hexdigest()
        sts = f"POST:{PATH}:{TOKEN}:{digest}:{timestamp}"
        signature = base64.b64encode(hmac.digest(secret, sts.encode(), "sha512")).decode()
        return {
            "Content-Type": "application/json",
            "Authorization": f"Bearer {TOKEN}",
            "X-TIMESTAMP": timestamp,
            "X-SIGNATURE": signature,
            "X-PARTNER-ID": "G7310041",
            "X-EXTERNAL-ID": f"{time.time_ns() // 1_000_000:013d}{secrets.randbelow(10**19):019d}",
            "CHANNEL-ID": "12345",
        }

    def library_headers() -> dict[str, str]:
        return transaction_request(credentials, "POST", PATH, body, TOKEN, profile=profile).headers

    assert set(by_hand()) == set(library_headers())
    header_times = best_of({"hand": by_hand, "bisnap": library_headers}, repeat)

    plain = httpx.Client(transport=httpx.MockTransport(_token_answer))
    signed = httpx.Client(
        transport=httpx.MockTransport(_token_answer), auth=SnapAuth(credentials, profile)
    )
    signed.post(url, content=body).raise_for_status()  # warm the token: no exchange from here on
    static = by_hand()

    def send(headers: Callable[[], dict[str, str]]) -> Callable[[], None]:
        def call() -> None:
            plain.post(url, content=body, headers=headers()).raise_for_status()

        return call

    def with_auth() -> None:
        signed.post(url, content=body).raise_for_status()

    fields: dict[str, Any] = {
        "partner_service_id": "   70012",
        "customer_no": "6280000000",
        "virtual_account_no": "   700126280000000",
        "virtual_account_name": "Jokul Doe",
        "total_amount": {"value": "10000.00", "currency": "IDR"},
        "additional_info": {"bank": "bca", "merchantId": "G059876677"},
    }
    typed = SnapClient(profile, credentials, transport=httpx.MockTransport(_token_answer))
    typed.virtual_accounts.create(**fields)  # warm the token
    loop = asyncio.new_event_loop()
    typed_async = AsyncSnapClient(
        profile, credentials, transport=httpx.MockTransport(_token_answer)
    )
    loop.run_until_complete(typed_async.virtual_accounts.create(**fields))

    def typed_call() -> None:
        typed.virtual_accounts.create(**fields)

    def typed_async_call() -> None:
        loop.run_until_complete(typed_async.virtual_accounts.create(**fields))

    request_times = best_of(
        {
            "floor": send(lambda: static),
            "hand": send(by_hand),
            "headers": send(library_headers),
            "auth": with_auth,
            "typed": typed_call,
            "typed async": typed_async_call,
        },
        repeat,
    )
    plain.close()
    signed.close()
    typed.close()
    loop.run_until_complete(typed_async.aclose())
    loop.close()
    return [
        ("headers only: by hand (hashlib+hmac+base64+dict)", header_times["hand"]),
        ("headers only: bisnap.headers.transaction_request", header_times["bisnap"]),
        ("httpx + MockTransport, static headers (floor)", request_times["floor"]),
        ("httpx + headers by hand", request_times["hand"]),
        ("httpx + transaction_request headers", request_times["headers"]),
        ("httpx + SnapAuth (warm token)", request_times["auth"]),
        ("SnapClient.virtual_accounts.create", request_times["typed"]),
        ("AsyncSnapClient.virtual_accounts.create", request_times["typed async"]),
    ]


def format_results(results: Sequence[tuple[str, float]]) -> str:
    times = dict(results)
    hand_headers = results[0][1]
    floor = times["httpx + MockTransport, static headers (floor)"]
    hand_request = times["httpx + headers by hand"]
    rows = []
    for label, micros in results:
        if label.startswith("headers only"):
            rows.append([label, f"{micros:.1f}", "-", f"{micros / hand_headers:.2f}x"])
        else:
            added = micros - floor
            ratio = "-" if label.endswith("(floor)") else f"{added / (hand_request - floor):.2f}x"
            rows.append([label, f"{micros:.1f}", f"{added:.1f}", ratio])
    return render_table(["per request, 1 KB body", "µs", "over floor µs", "vs by hand"], rows)


def notes(results: Sequence[tuple[str, float]]) -> list[str]:
    times = dict(results)
    floor = times["httpx + MockTransport, static headers (floor)"]
    auth = times["httpx + SnapAuth (warm token)"]
    typed = times["SnapClient.virtual_accounts.create"]
    ratio = typed / floor
    verdict = "met" if ratio <= 1.6 else "MISSED"
    return [
        f"target SnapClient call <= 1.6x the raw httpx floor: {verdict} ({ratio:.2f}x: "
        f"{typed:.0f} vs {floor:.0f} µs)",
        "'vs by hand': headers-only rows divide by the hand-built headers; request rows divide "
        "what each adds over the floor by what hand-built headers add",
        f"SnapAuth adds {auth - floor:.0f} µs per request over plain httpx "
        f"({auth / floor:.2f}x the floor); it checks the body is JSON and signs it, and reads "
        "the token from its cache",
        "the typed rows add request-model validation, serialization and response parsing to "
        "SnapAuth; the async row includes one asyncio run_until_complete per call",
    ]


def main(argv: Sequence[str] | None = None) -> str:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=None, help="rounds; the best is kept")
    parser.add_argument("--quick", action="store_true", help="5 rounds instead of 15")
    parser.add_argument("--no-write", action="store_true", help="print only, skip RESULTS.md")
    args = parser.parse_args(argv)
    repeat = args.repeat or (5 if args.quick else 15)
    results = run(repeat)
    table = format_results(results)
    print(table)
    for note in notes(results):
        print("-", note)
    if not args.no_write:
        append_result(
            f"Headers and auth per request (best of {repeat})", table, notes=notes(results)
        )
    return table


if __name__ == "__main__":
    main()
