"""Signing and verification cost against body size, next to SHA-256 of the same bytes.

    python bench/scaling.py [--quick] [--repeat N] [--no-write]

For compact create-VA-shaped bodies of 1 KB to 1 MB, best of N rounds (interleaved):

- ``sha256``: ``hashlib.sha256(body)`` alone, the floor any scheme pays;
- ``minify_json``: the body canonicalized and checked as JSON, the rest of body_digest;
- ``hmac sign``: body_digest + transaction_string_to_sign + sign_hmac (symmetric scheme);
- ``hmac sign, validate=False``: the same with the JSON check skipped;
- ``rsa verify``: asymmetric_string_to_sign + verify_rsa (how a notification is checked).

A least-squares line ``time = fixed + per_kb * size`` is fitted to each; its R² shows whether
the cost is linear, and per-KB slopes against SHA-256's show what dominates as bodies grow.
"""

from __future__ import annotations

import argparse
import hashlib
from collections.abc import Sequence

from primitives import TIMESTAMP, TOKEN, make_body
from report import append_result, render_table
from signing import best_of

from bisnap.keys import generate_key_pair, load_client_secret, load_private_key, load_public_key
from bisnap.signing import (
    Digest,
    asymmetric_string_to_sign,
    body_digest,
    minify_json,
    sign_hmac,
    sign_rsa,
    transaction_string_to_sign,
    verify_rsa,
)

__all__ = ["SIZES_KB", "fit", "run"]

SIZES_KB = (1, 4, 16, 64, 256, 1024)
PATH = "/v1.0/transfer-va/create-va"
NOTIFY_PATH = "/v1.0/transfer-va/payment"
SERIES = ("sha256", "minify_json", "hmac sign", "hmac sign, validate=False", "rsa verify")


def run(repeat: int = 9, sizes_kb: Sequence[int] = SIZES_KB) -> dict[int, dict[str, float]]:
    """Microseconds per call of each series at each size (KB)."""
    pair = generate_key_pair()
    private = load_private_key(pair.private_pem)
    public = load_public_key(pair.public_pem)
    secret = load_client_secret("Zx9Qm2VtL7pW4cRkY8sN3bHfJ6dG1aEu")
    results: dict[int, dict[str, float]] = {}
    for size in sizes_kb:
        _, body = make_body(size * 1024)
        sts = asymmetric_string_to_sign("POST", NOTIFY_PATH, body, TIMESTAMP)
        signature = sign_rsa(private, sts)

        def sign(validate: bool, body: bytes = body) -> str:
            digest = Digest(body_digest(body, validate=validate))
            return sign_hmac(
                secret, transaction_string_to_sign("POST", PATH, TOKEN, digest, TIMESTAMP)
            )

        def verify(body: bytes = body, signature: str = signature) -> None:
            verify_rsa(
                public, asymmetric_string_to_sign("POST", NOTIFY_PATH, body, TIMESTAMP), signature
            )

        def sha256(body: bytes = body) -> str:
            return hashlib.sha256(body).hexdigest()

        def minify(body: bytes = body) -> bytes:
            return minify_json(body)

        results[size] = best_of(
            {
                "sha256": sha256,
                "minify_json": minify,
                "hmac sign": lambda: sign(True),
                "hmac sign, validate=False": lambda: sign(False),
                "rsa verify": verify,
            },
            repeat,
        )
    return results


def fit(points: Sequence[tuple[float, float]]) -> tuple[float, float, float]:
    """(intercept, slope, R²) of the least-squares line through ``points``."""
    n = len(points)
    mean_x = sum(x for x, _ in points) / n
    mean_y = sum(y for _, y in points) / n
    sxx = sum((x - mean_x) ** 2 for x, _ in points)
    sxy = sum((x - mean_x) * (y - mean_y) for x, y in points)
    slope = sxy / sxx if sxx else 0.0
    intercept = mean_y - slope * mean_x
    total = sum((y - mean_y) ** 2 for _, y in points)
    residual = sum((y - intercept - slope * x) ** 2 for x, y in points)
    return intercept, slope, 1 - residual / total if total else 1.0


def format_results(results: dict[int, dict[str, float]]) -> str:
    rows: list[list[object]] = []
    for size, times in results.items():
        rows.append([f"{size} KB", *(f"{times[s]:.1f}" for s in SERIES)])
    fits = {s: fit([(float(k), t[s]) for k, t in results.items()]) for s in SERIES}
    rows.append(["fixed µs (fit)", *(f"{fits[s][0]:.1f}" for s in SERIES)])
    rows.append(["µs per KB (fit)", *(f"{fits[s][1]:.2f}" for s in SERIES)])
    rows.append(["R² of the line", *(f"{fits[s][2]:.4f}" for s in SERIES)])
    sha_slope = fits["sha256"][1]
    rows.append(["per KB vs sha256", *(f"{fits[s][1] / sha_slope:.1f}x" for s in SERIES)])
    return render_table(["body", *(f"{s} µs" for s in SERIES)], rows)


def notes(results: dict[int, dict[str, float]]) -> list[str]:
    fits = {s: fit([(float(k), t[s]) for k, t in results.items()]) for s in SERIES}
    sha = fits["sha256"][1]
    largest = max(results)
    verify_share = results[largest]["sha256"] / results[largest]["rsa verify"]
    return [
        "every series is linear in the body size (R² above); the fixed part is the RSA or HMAC "
        "operation, the per-KB part the body work",
        f"rsa verify grows at {fits['rsa verify'][1] / sha:.1f}x SHA-256's rate: at "
        f"{largest} KB SHA-256 of the body is {verify_share:.0%} of its time",
        f"hmac sign grows at {fits['hmac sign'][1] / sha:.1f}x SHA-256's rate with the JSON check "
        f"and {fits['hmac sign, validate=False'][1] / sha:.1f}x without it: minify_json, not "
        "SHA-256, dominates the symmetric scheme on large bodies",
    ]


def main(argv: Sequence[str] | None = None) -> str:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=None, help="rounds; the best is kept")
    parser.add_argument("--quick", action="store_true", help="3 rounds instead of 9")
    parser.add_argument("--no-write", action="store_true", help="print only, skip RESULTS.md")
    args = parser.parse_args(argv)
    repeat = args.repeat or (3 if args.quick else 9)
    results = run(repeat)
    table = format_results(results)
    print(table)
    for note in notes(results):
        print("-", note)
    if not args.no_write:
        append_result(f"Scaling with body size (best of {repeat})", table, notes=notes(results))
    return table


if __name__ == "__main__":
    main()
