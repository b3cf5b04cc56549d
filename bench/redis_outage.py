"""Calls and token exchanges when the shared Redis token store dies mid-run.

    python bench/redis_outage.py [--processes 4] [--threads 25] [--seconds 40]
        [--kill-at 10] [--restart-at SECONDS] [--token-lifetime 20] [--warmup 60] [--pause 0]

Starts its own ``redis-server`` on a free loopback port (never a shared one) and the emulator
over loopback HTTP, then runs ``--processes`` worker processes of ``--threads`` threads each,
every thread calling ``payouts.balance()`` (``--pause`` seconds apart, none by default) through
a :class:`bisnap.SnapClient` whose tokens live in a
:class:`bisnap.token_stores.RedisTokenStore` on that Redis. Redis is killed (SIGKILL)
``--kill-at`` seconds in, and optionally started again on the same port at
``--restart-at``. The emulator issues tokens valid ``--token-lifetime`` seconds, so refreshes
fall due while Redis is down. Prints one JSON object: calls succeeded and failed (before and
after the kill), failures by error type, token exchanges counted by the emulator.
"""

from __future__ import annotations

import argparse
import collections
import json
import multiprocessing
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from decimal import Decimal
from typing import Any

CLIENT_ID = "OUTAGE-CLIENT"
CLIENT_SECRET = "outage-client-secret-6QmZ2vT8"
PARTNER_ID = "G7310041"
CHANNEL_ID = "12345"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _start_redis(port: int, workdir: str) -> subprocess.Popen[bytes]:
    binary = shutil.which("redis-server")
    if binary is None:
        raise SystemExit("redis-server is not installed")
    process = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
         "--dir", workdir],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return process
        except OSError:
            time.sleep(0.05)
    process.kill()
    raise SystemExit("redis-server did not start")


def _worker(
    base_url: str,
    redis_url: str,
    private_pem: bytes,
    threads: int,
    pause: float,
    start: Any,
    stop_after: float,
    kill_after: float,
    ready: Any,
    results: Any,
) -> None:
    import logging

    from bisnap import SnapClient
    from bisnap.credentials import Credentials
    from bisnap.gateways import MIDTRANS_SANDBOX
    from bisnap.token_stores import RedisTokenStore

    logging.basicConfig(level=logging.WARNING, format=f"[worker {os.getpid()}] %(message)s")
    credentials = Credentials(CLIENT_ID, CLIENT_SECRET, private_pem, PARTNER_ID, CHANNEL_ID)
    store = RedisTokenStore(redis_url)
    counts: collections.Counter[str] = collections.Counter()
    guard = threading.Lock()
    with SnapClient(
        MIDTRANS_SANDBOX.with_base_url(base_url), credentials, token_store=store
    ) as client:
        ready.put(os.getpid())
        while start.value == 0.0:  # set by the parent once every worker is ready
            time.sleep(0.01)
        start_at = start.value
        stop_at, kill_at = start_at + stop_after, start_at + kill_after

        def run() -> None:
            while time.time() < start_at:
                time.sleep(0.01)
            while time.time() < stop_at:
                phase = "before_kill" if time.time() < kill_at else "after_kill"
                try:
                    client.payouts.balance(account_no="0000000000")
                    outcome = f"{phase}.ok"
                except Exception as exc:  # counted, never fatal: this is what is measured
                    outcome = f"{phase}.failed.{type(exc).__name__}"
                with guard:
                    counts[outcome] += 1
                if pause:
                    time.sleep(pause)

        pool = [threading.Thread(target=run) for _ in range(threads)]
        for thread in pool:
            thread.start()
        for thread in pool:
            thread.join()
        exchanges = client._auth.tokens.exchanges  # type: ignore[attr-defined]
    results.put({"counts": dict(counts), "exchanges": exchanges})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--processes", type=int, default=4)
    parser.add_argument("--threads", type=int, default=25)
    parser.add_argument("--seconds", type=float, default=40.0)
    parser.add_argument("--kill-at", type=float, default=10.0)
    parser.add_argument("--restart-at", type=float, default=None)
    parser.add_argument("--token-lifetime", type=int, default=20)
    parser.add_argument("--pause", type=float, default=0.0, help="seconds between a thread's calls")
    parser.add_argument(
        "--warmup", type=float, default=60.0, help="at most this many seconds to start workers"
    )
    args = parser.parse_args()

    from bisnap.emulator import Emulator, run_in_thread
    from bisnap.keys import generate_key_pair

    keys = generate_key_pair()
    emulator = Emulator(token_lifetime=args.token_lifetime)
    emulator.register_merchant(
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        partner_id=PARTNER_ID,
        merchant_public_key=keys.public_key(),
        channel_id=CHANNEL_ID,
        balance=Decimal("1000000.00"),
    )
    issued = collections.Counter[str]()
    issue_token = emulator.issue_token

    def counting_issue_token(client_id: str, now: Any) -> str:
        issued["after_kill" if time.time() >= kill_at else "before_kill"] += 1
        return issue_token(client_id, now)

    emulator.issue_token = counting_issue_token  # type: ignore[method-assign]
    port = _free_port()
    workdir = tempfile.mkdtemp(prefix="bisnap-redis-outage-")
    redis_process = _start_redis(port, workdir)
    redis_url = f"redis://127.0.0.1:{port}/0"
    context = multiprocessing.get_context("spawn")
    results, ready = context.Queue(), context.Queue()
    start = context.Value("d", 0.0)
    kill_at = float("inf")  # until the workers are ready and the start time is known
    try:
        with run_in_thread(emulator) as server:
            job = (server.base_url, redis_url, keys.private_pem, args.threads, args.pause)
            timing = (start, args.seconds, args.kill_at, ready, results)
            workers = [
                context.Process(target=_worker, args=(*job, *timing)) for _ in range(args.processes)
            ]
            for worker in workers:
                worker.start()
            warmup_ends = time.monotonic() + args.warmup
            for _ in workers:
                ready.get(timeout=max(0.0, warmup_ends - time.monotonic()))
            start_at = time.time() + 0.1  # every thread starts calling at the same moment
            kill_at = start_at + args.kill_at
            start.value = start_at
            time.sleep(max(0.0, kill_at - time.time()))
            redis_process.send_signal(signal.SIGKILL)
            redis_process.wait()
            print(f"redis-server on port {port} killed at +{args.kill_at:g} s", file=sys.stderr)
            if args.restart_at is not None:
                time.sleep(max(0.0, start_at + args.restart_at - time.time()))
                redis_process = _start_redis(port, workdir)
                print(f"redis-server restarted at +{args.restart_at:g} s", file=sys.stderr)
            reports = [results.get(timeout=args.seconds + 120) for _ in workers]
            for worker in workers:
                worker.join(30)
    finally:
        if redis_process.poll() is None:
            redis_process.kill()
            redis_process.wait()
        emulator.close()
        shutil.rmtree(workdir, ignore_errors=True)
    totals: collections.Counter[str] = collections.Counter()
    for report in reports:
        totals.update(report["counts"])
    failed = {k: v for k, v in totals.items() if ".failed." in k}
    print(
        json.dumps(
            {
                "processes": args.processes,
                "threads_per_process": args.threads,
                "pause": args.pause,
                "seconds": args.seconds,
                "redis_killed_at": args.kill_at,
                "redis_restarted_at": args.restart_at,
                "token_lifetime": args.token_lifetime,
                "calls_ok": sum(v for k, v in totals.items() if k.endswith(".ok")),
                "calls_failed": sum(failed.values()),
                "by_phase": dict(sorted(totals.items())),
                "exchanges_at_gateway": dict(issued),
                "exchanges_reported_by_workers": [r["exchanges"] for r in reports],
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
