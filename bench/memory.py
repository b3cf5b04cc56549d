"""Emulator memory per stored payment, unbounded and with ``history_limit``.

    python bench/memory.py [--quick] [-n N] [--no-write]

N create-VA calls through ``SnapClient`` on the in-process emulator transport, each VA paid at
once (settled). ``tracemalloc`` counts the bytes still allocated after the N calls that were
allocated during them (everything the emulator keeps: payment, indexes, ledger record, stored
X-EXTERNAL-ID answer), divided by N. Run unbounded (the default) and with
``history_limit=1000``, where memory stops growing once 1,000 settled payments are kept.
"""

from __future__ import annotations

import argparse
import gc
import tracemalloc
from collections.abc import Sequence

from report import append_result, render_table

from bisnap.client import SnapClient
from bisnap.credentials import Credentials
from bisnap.emulator import Emulator
from bisnap.gateways import GatewayProfile
from bisnap.keys import generate_key_pair

__all__ = ["measure"]

MERCHANT_ID = "G059876677"
PROFILE = GatewayProfile(name="memory", base_url="http://emulator.test")


def _fields(index: int) -> dict[str, object]:
    customer_no = f"{6280000000 + index}"
    return {
        "partner_service_id": "   70012",
        "customer_no": customer_no,
        "virtual_account_no": "   70012" + customer_no,
        "virtual_account_name": "Jokul Doe",
        "total_amount": {"value": "10000.00", "currency": "IDR"},
        "additional_info": {"bank": "bca", "merchantId": MERCHANT_ID},
    }


def _pay_one(client: SnapClient, emulator: Emulator, index: int) -> None:
    trx = f"mem{index:010d}"
    client.virtual_accounts.create(external_id=trx, **_fields(index))
    emulator.pay_va(trx)


def measure(count: int, history_limit: int | None) -> tuple[float, int]:
    """(bytes kept per call, payments the emulator holds at the end)."""
    pair = generate_key_pair()
    emulator = Emulator(history_limit=history_limit, notification_retry_scale=0)
    emulator.register_merchant(
        client_id="MEM", client_secret="mem-secret-0123456789abcdef", partner_id="G1",
        merchant_public_key=pair.public_pem, channel_id="12345", merchant_id=MERCHANT_ID,
    )  # fmt: skip
    credentials = Credentials("MEM", "mem-secret-0123456789abcdef", pair.private_pem, "G1", "12345")
    with SnapClient(PROFILE, credentials, transport=emulator.transport()) as client:
        for index in range(50):  # warm-up: token, caches, first-use allocations
            _pay_one(client, emulator, 10**6 + index)
        gc.collect()
        tracemalloc.start()
        before = tracemalloc.get_traced_memory()[0]
        for index in range(count):
            _pay_one(client, emulator, index)
        gc.collect()
        kept = tracemalloc.get_traced_memory()[0] - before
        tracemalloc.stop()
    held = len(emulator.state.payments)
    emulator.close()
    return kept / count, held


def main(argv: Sequence[str] | None = None) -> str:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", "--count", type=int, default=None, help="payments (4000)")
    parser.add_argument("--quick", action="store_true", help="1000 payments")
    parser.add_argument("--no-write", action="store_true", help="print only, skip RESULTS.md")
    args = parser.parse_args(argv)
    count = args.count or (1000 if args.quick else 4000)
    rows = []
    for limit in (None, 1000):
        per_call, held = measure(count, limit)
        rows.append(
            [
                "unbounded (default)" if limit is None else f"history_limit={limit}",
                count,
                held,
                f"{per_call / 1024:.2f}",
                f"{per_call * count / 2**20:.1f}",
            ]
        )
    headers = ["emulator", "settled payments made", "payments held", "KiB kept per payment"]
    table = render_table([*headers, "MiB kept in total"], rows)
    notes = [
        "tracemalloc: bytes allocated during the N calls and still alive after them (payment, "
        "indexes, ledger record, stored X-EXTERNAL-ID answer), divided by N",
        "with history_limit the total stops growing once the limit is reached, so the per-"
        "payment figure falls as N grows; pending payments are never dropped",
    ]
    print(table)
    for note in notes:
        print("-", note)
    if not args.no_write:
        append_result(f"Emulator memory per payment ({count} settled VAs)", table, notes=notes)
    return table


if __name__ == "__main__":
    main()
