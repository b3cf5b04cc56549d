"""How long ``bisnap.diagnose`` takes: the valid fast path and the worst cases.

    python bench/diagnose.py [--repeat N]

Worst cases are the requests nothing explains: every single mistake is tried (including every
millisecond of the timestamp's second), then every pair. The emulator pays this on each refused
signature, nothing on accepted ones. Prints milliseconds per diagnosis, best of N rounds.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import hmac
import os
import time
from collections.abc import Callable

from bisnap import diagnose, generate_key_pair

BODY = (
    b'{"partnerServiceId":"   70012","virtualAccountName":"Jos\xc3\xa9",'
    b'"callbackUrl":"https://shop.example/cb"}'
)
PATH = "/v1.0/transfer-va/create-va"
TS = "2024-03-15T10:35:00+07:00"


def best_ms(call: Callable[[], object], repeat: int, number: int) -> float:
    call()
    rounds = []
    for _ in range(repeat):
        start = time.perf_counter()
        for _ in range(number):
            call()
        rounds.append((time.perf_counter() - start) / number * 1000)
    return min(rounds)


def cases() -> dict[str, tuple[Callable[[], object], int]]:
    text = f"POST:{PATH}:tok:{hashlib.sha256(BODY).hexdigest()}:{TS}"
    valid = base64.b64encode(hmac.digest(b"s", text.encode(), "sha512")).decode()
    base = {"Authorization": "Bearer tok", "X-TIMESTAMP": TS}
    good = {**base, "X-SIGNATURE": valid}
    unknown = {**base, "X-SIGNATURE": base64.b64encode(os.urandom(64)).decode()}
    public = generate_key_pair().public_key()
    token = {
        "X-CLIENT-KEY": "client",
        "X-TIMESTAMP": TS,
        "X-SIGNATURE": base64.b64encode(os.urandom(256)).decode(),
    }
    return {
        "HMAC, valid": (lambda: diagnose("POST", PATH, good, BODY, client_secret="s"), 200),
        "HMAC, nothing explains it (all singles, all pairs)": (
            lambda: diagnose("POST", PATH + "?a=1", unknown, BODY, client_secret="s"),
            5,
        ),
        "token RSA, another key (wrong-key)": (
            lambda: diagnose("POST", "/v1.0/access-token/b2b", token, b"{}", public_key=public),
            5,
        ),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    for name, (call, number) in cases().items():
        print(f"{name}: {best_ms(call, args.repeat, number):.3f} ms")


if __name__ == "__main__":
    main()
