"""Signing benchmarks: bisnap against the raw primitives it wraps.

    python bench/signing.py [--repeat N]

Each comparison times bisnap and its baseline in the same run, interleaved round by round, and
keeps the best of N rounds (the least disturbed by other load). Import the functions to reuse the
numbers elsewhere: every ``bench_*`` returns a :class:`Comparison`, ``run_all`` returns them all.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import hmac
import json
import time
import timeit
from collections.abc import Callable
from dataclasses import dataclass

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding

from bisnap.headers import serialize_body
from bisnap.keys import generate_key_pair, load_client_secret, load_private_key
from bisnap.signing import (
    Digest,
    body_digest,
    minify_json,
    sign_hmac,
    sign_rsa,
    token_string_to_sign,
    transaction_string_to_sign,
)

__all__ = [
    "Comparison",
    "bench_minify",
    "bench_rsa",
    "bench_symmetric",
    "best_of",
    "format_table",
    "make_body",
    "run_all",
]

PATH = "/v1.0/transfer-va/create-va"
TOKEN = "gT4kq2Nw8ZrP0vYx5LcB7mH3sD9fJ1aQeU6oI2tR"
TIMESTAMP = "2024-03-15T10:35:00+07:00"
SECRET = "Zx9Qm2VtL7pW4cRkY8sN3bHfJ6dG1aEu"
SIZES = (1024, 64 * 1024)
TARGET_SECONDS_PER_ROUND = 0.02


@dataclass(frozen=True)
class Comparison:
    """bisnap's time per call against a baseline's, both in microseconds."""

    name: str
    body_bytes: int  # 0 when no body is involved
    bisnap_us: float
    baseline: str
    baseline_us: float
    target: float | None = None  # the largest acceptable ratio, when there is one

    @property
    def ratio(self) -> float:
        return self.bisnap_us / self.baseline_us

    @property
    def meets_target(self) -> bool | None:
        return None if self.target is None else self.ratio <= self.target

    @property
    def bisnap_mb_per_s(self) -> float | None:
        return self.body_bytes / self.bisnap_us if self.body_bytes else None

    @property
    def baseline_mb_per_s(self) -> float | None:
        return self.body_bytes / self.baseline_us if self.body_bytes else None


def _item(index: int) -> dict[str, object]:
    return {
        "virtualAccountNo": f"   70012{index:010d}",
        "virtualAccountName": "Andr\u00e9 Caf\u00e9 / Toko",
        "totalAmount": {"value": f"{index * 1000}.00", "currency": "IDR"},
        "quantity": index,
        "note": 'a "quoted" word',
    }


def make_body(size: int) -> tuple[bytes, bytes]:
    """(pretty, compact) JSON bodies of about ``size`` bytes, shaped like SNAP requests.

    They hold what trips minifiers: space-padded ids, escapes, non-ASCII text, numbers. Items
    are added until the compact text reaches ``size`` characters; each is measured once, so a
    1 MB body takes linear time to build.
    """
    items: list[dict[str, object]] = []
    body: dict[str, object] = {"partnerServiceId": "   70012", "items": items}
    length = len(json.dumps(body, separators=(",", ":"), ensure_ascii=False))
    while length < size:
        item = _item(len(items))
        length += len(json.dumps(item, separators=(",", ":"), ensure_ascii=False))
        length += 1 if items else 0  # the comma before every item but the first
        items.append(item)
    compact = json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode()
    pretty = json.dumps(body, indent=2, ensure_ascii=False).encode()
    return pretty, compact


def _number_for(func: Callable[[], object]) -> int:
    """Calls per round so that one round takes about TARGET_SECONDS_PER_ROUND."""
    start = time.perf_counter()
    func()
    elapsed = max(time.perf_counter() - start, 1e-7)
    return max(1, int(TARGET_SECONDS_PER_ROUND / elapsed))


def best_of(funcs: dict[str, Callable[[], object]], repeat: int = 15) -> dict[str, float]:
    """Best time per call in microseconds for each function, timed interleaved round by round."""
    numbers = {name: _number_for(func) for name, func in funcs.items()}
    best = dict.fromkeys(funcs, float("inf"))
    names = list(funcs)
    for round_index in range(repeat):
        order = names if round_index % 2 == 0 else names[::-1]
        for name in order:
            seconds = timeit.timeit(funcs[name], number=numbers[name])
            best[name] = min(best[name], seconds / numbers[name] * 1e6)
    return best


def bench_rsa(repeat: int = 15) -> Comparison:
    """sign_rsa against a raw ``cryptography`` PKCS#1 v1.5 SHA-256 sign with a preloaded key."""
    key = load_private_key(generate_key_pair().private_pem)
    raw_key = key.cryptography_key
    sts = token_string_to_sign("G7310041-SNAP", TIMESTAMP)
    pkcs1v15, sha256 = padding.PKCS1v15(), hashes.SHA256()

    def raw() -> str:
        return base64.b64encode(raw_key.sign(sts.encode(), pkcs1v15, sha256)).decode()

    assert sign_rsa(key, sts) == raw()
    times = best_of({"bisnap": lambda: sign_rsa(key, sts), "raw": raw}, repeat)
    return Comparison(
        "sign_rsa (2048-bit)", 0, times["bisnap"], "cryptography sign", times["raw"], 1.05
    )


def bench_symmetric(
    size: int,
    repeat: int = 15,
    *,
    validate: bool = True,
    pretty: bool = False,
    serialized: bool = False,
) -> Comparison:
    """body_digest + transaction_string_to_sign + sign_hmac against hashlib + hmac by hand.

    The baseline hashes the compact body as is (what a client that serialized it can do); with
    ``pretty`` bisnap is given the indented body instead, which it must minify first. With
    ``serialized`` bisnap gets the body as ``serialize_body`` returns it (``CompactJSON``), as its
    own clients do: serialized once, so neither minified nor checked again.
    """
    pretty_body, compact = make_body(size)
    body: bytes = pretty_body if pretty else compact
    if serialized:
        body = serialize_body(json.loads(compact))
        assert body == compact
    secret = load_client_secret(SECRET)
    secret_bytes = secret.as_bytes()

    def library() -> str:
        digest = Digest(body_digest(body, validate=validate))
        return sign_hmac(secret, transaction_string_to_sign("POST", PATH, TOKEN, digest, TIMESTAMP))

    def raw() -> str:
        digest = hashlib.sha256(compact).hexdigest()
        sts = f"POST:{PATH}:{TOKEN}:{digest}:{TIMESTAMP}"
        return base64.b64encode(hmac.digest(secret_bytes, sts.encode(), "sha512")).decode()

    assert library() == raw()
    times = best_of({"bisnap": library, "raw": raw}, repeat)
    label = "symmetric pipeline" + ("" if validate else ", validate=False")
    label += ", indented body" if pretty else ""
    label += ", serialize_body output" if serialized else ""
    return Comparison(label, len(body), times["bisnap"], "hashlib+hmac", times["raw"], 2.0)


def bench_symmetric_vs_parse_and_dump(size: int, repeat: int = 15) -> Comparison:
    """The pipeline on an indented body against the usual hand-rolled json.loads+dumps minify."""
    pretty_body, _ = make_body(size)
    secret = load_client_secret(SECRET)
    secret_bytes = secret.as_bytes()

    def library() -> str:
        sts = transaction_string_to_sign("POST", PATH, TOKEN, pretty_body, TIMESTAMP)
        return sign_hmac(secret, sts)

    def by_hand() -> str:
        compact = json.dumps(json.loads(pretty_body), separators=(",", ":"), ensure_ascii=False)
        digest = hashlib.sha256(compact.encode()).hexdigest()
        sts = f"POST:{PATH}:{TOKEN}:{digest}:{TIMESTAMP}"
        return base64.b64encode(hmac.digest(secret_bytes, sts.encode(), "sha512")).decode()

    assert library() == by_hand()
    times = best_of({"bisnap": library, "raw": by_hand}, repeat)
    return Comparison(
        "symmetric pipeline, indented body",
        len(pretty_body),
        times["bisnap"],
        "json.loads+dumps+hashlib+hmac",
        times["raw"],
    )


def bench_minify(size: int, repeat: int = 15, *, pretty: bool = True) -> Comparison:
    """minify_json against json.loads + json.dumps(separators=(",", ":")) on the same body."""
    pretty_body, compact = make_body(size)
    body = pretty_body if pretty else compact

    def parse_and_dump() -> bytes:
        return json.dumps(json.loads(body), separators=(",", ":"), ensure_ascii=False).encode()

    assert minify_json(body) == parse_and_dump() == compact
    times = best_of({"bisnap": lambda: minify_json(body), "raw": parse_and_dump}, repeat)
    label = "minify_json, " + ("indented body" if pretty else "compact body")
    return Comparison(label, len(body), times["bisnap"], "json.loads+dumps", times["raw"])


def run_all(repeat: int = 15) -> list[Comparison]:
    results = [bench_rsa(repeat)]
    for size in SIZES:
        results += [
            bench_symmetric(size, repeat),
            bench_symmetric(size, repeat, validate=False),
            bench_symmetric(size, repeat, serialized=True),
            bench_symmetric_vs_parse_and_dump(size, repeat),
            bench_minify(size, repeat),
            bench_minify(size, repeat, pretty=False),
        ]
    return results


def format_table(results: list[Comparison]) -> str:
    header = (
        f"{'benchmark':<42} {'body':>7} {'bisnap µs':>10} {'baseline µs':>12} "
        f"{'ratio':>6} {'target':>7}  baseline"
    )
    lines = [header, "-" * len(header)]
    for r in results:
        target = "" if r.target is None else f"≤{r.target:g}"
        verdict = {True: " ok", False: " MISS", None: ""}[r.meets_target]
        size = f"{r.body_bytes / 1024:.1f}K" if r.body_bytes else "-"
        throughput = (
            f" ({r.bisnap_mb_per_s:.0f} vs {r.baseline_mb_per_s:.0f} MB/s)"
            if r.bisnap_mb_per_s and r.baseline_mb_per_s
            else ""
        )
        lines.append(
            f"{r.name:<42} {size:>7} {r.bisnap_us:>10.1f} {r.baseline_us:>12.1f} "
            f"{r.ratio:>6.2f} {target:>7}{verdict}  {r.baseline}{throughput}"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description="bisnap signing benchmarks")
    parser.add_argument("--repeat", type=int, default=15, help="rounds; the best is kept")
    args = parser.parse_args()
    print(format_table(run_all(args.repeat)))


if __name__ == "__main__":
    main()
