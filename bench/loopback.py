"""End to end on loopback: create-VA calls against the emulator served by uvicorn.

    python bench/loopback.py [--quick] [-n N] [--max-seconds S] [--no-node] [--no-write]

The emulator runs in its own process (``bench/emulator_server.py``) on 127.0.0.1 and counts
the requests it gets; every run starts from a fresh emulator. Each run makes N create-VA calls
(default 1,000; ``--quick``: 200) with

- ``SnapClient`` (one thread, calls one after another),
- ``AsyncSnapClient`` at concurrency 1, 10 and 100 (and 100 again over a pool of 10
  connections, where the default pool opens up to 20; both keep every connection alive),
- the official Midtrans Node SDK (``midtrans-client``, ``SnapBi.va().createPayment``) at the
  same concurrencies, when ``node`` is installed and ``bench/node/node_modules`` holds the SDK
  (``npm install`` in ``bench/node``; this script tries it once when npm is there),

and reports calls per second, p50/p99 latency of one call (for the Node SDK one call is its
token exchange plus the create, as it does on every operation) and the token exchanges the
emulator saw. A run stops early at ``--max-seconds`` (default 120) and says so.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from emulator_server import CHANNEL_ID, CLIENT_ID, CLIENT_SECRET, MERCHANT_ID, PARTNER_ID
from report import BENCH_DIR, append_result, percentile, render_table

from bisnap.client import AsyncSnapClient, SnapClient
from bisnap.credentials import Credentials
from bisnap.gateways import MIDTRANS_SANDBOX
from bisnap.keys import generate_key_pair

__all__ = ["Run", "main", "node_status", "run_all"]

NODE_DIR = BENCH_DIR / "node"
TOKEN_PATH = "/v1.0/access-token/b2b"
CREATE_PATH = "/v1.0/transfer-va/create-va"
CONCURRENCIES = (1, 10, 100)


@dataclass
class Run:
    """One client's run: N calls, their latencies, what the emulator counted."""

    client: str
    concurrency: int
    requested: int
    ok: int
    seconds: float
    latencies_ms: list[float] = field(repr=False)
    client_cpu_seconds: float = 0.0
    token_exchanges: int = 0
    creates_seen: int = 0
    server_cpu_seconds: float = 0.0
    error: str | None = None

    @property
    def per_second(self) -> float:
        return self.ok / self.seconds if self.seconds else 0.0


def _fields(index: int) -> dict[str, Any]:
    customer_no = f"{6280000000 + index}"
    return {
        "partner_service_id": "   70012",
        "customer_no": customer_no,
        "virtual_account_no": "   70012" + customer_no,
        "virtual_account_name": "Jokul Doe",
        "total_amount": {"value": "10000.00", "currency": "IDR"},
        "additional_info": {"bank": "bca", "merchantId": MERCHANT_ID},
    }


class EmulatorProcess:
    """``bench/emulator_server.py`` in a child process; stopped by closing its stdin."""

    def __init__(
        self, public_key_file: Path, max_seconds: float, switch_interval: float | None = None
    ) -> None:
        command = [
            sys.executable,
            str(BENCH_DIR / "emulator_server.py"),
            "--merchant-public-key",
            str(public_key_file),
            "--max-seconds",
            str(max_seconds),
        ]
        if switch_interval is not None:
            command += ["--switch-interval", str(switch_interval)]
        self._process = subprocess.Popen(
            command,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            cwd=BENCH_DIR,
        )
        assert self._process.stdout is not None
        line = self._process.stdout.readline().strip()
        if not line.startswith("READY http://127.0.0.1:"):
            self.stop()
            raise RuntimeError(f"the emulator server did not start (said {line!r})")
        self.base_url = line.removeprefix("READY ")
        self._admin = httpx.Client(base_url=self.base_url, timeout=30)

    def reset(self) -> None:
        self._admin.post("/_bench/reset").raise_for_status()

    def cpu_seconds(self) -> float:
        """User + system CPU time the server process has used so far (Linux /proc)."""
        try:
            fields = Path(f"/proc/{self._process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return float("nan")
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def counts(self) -> dict[str, int]:
        counts: dict[str, int] = self._admin.get("/_bench/counts").json()
        return counts

    def stop(self) -> None:
        if hasattr(self, "_admin"):
            self._admin.close()
        if self._process.stdin is not None:
            self._process.stdin.close()
        try:
            self._process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        if self._process.stdout is not None:
            self._process.stdout.close()


def _sync_run(profile: Any, credentials: Credentials, count: int, max_seconds: float) -> Run:
    latencies: list[float] = []
    ok = 0
    error: str | None = None
    cpu = time.process_time()
    with SnapClient(profile, credentials) as client:
        started = time.perf_counter()
        deadline = started + max_seconds
        index = 0
        while index < count and time.perf_counter() < deadline:
            t0 = time.perf_counter()
            try:
                client.virtual_accounts.create(**_fields(index))
                ok += 1
            except Exception as exc:  # a failed call is counted and named, not fatal
                error = error or f"{type(exc).__name__}: {exc}"
            latencies.append((time.perf_counter() - t0) * 1000)
            index += 1
        seconds = time.perf_counter() - started
    cpu = time.process_time() - cpu
    return Run("bisnap SnapClient (sync)", 1, index, ok, seconds, latencies, cpu, error=error)


async def _async_run(
    profile: Any,
    credentials: Credentials,
    count: int,
    concurrency: int,
    max_seconds: float,
    limits: httpx.Limits | None = None,
) -> Run:
    latencies: list[float] = []
    ok = 0
    error: str | None = None
    next_index = 0
    transport = None if limits is None else httpx.AsyncHTTPTransport(limits=limits)
    cpu = time.process_time()
    async with AsyncSnapClient(profile, credentials, transport=transport) as client:
        started = time.perf_counter()
        deadline = started + max_seconds

        async def worker() -> None:
            nonlocal next_index, ok, error
            while next_index < count and time.perf_counter() < deadline:
                index = next_index
                next_index += 1
                t0 = time.perf_counter()
                try:
                    await client.virtual_accounts.create(**_fields(index))
                    ok += 1
                except Exception as exc:
                    error = error or f"{type(exc).__name__}: {exc}"
                latencies.append((time.perf_counter() - t0) * 1000)

        await asyncio.gather(*(worker() for _ in range(concurrency)))
        seconds = time.perf_counter() - started
    name = "bisnap AsyncSnapClient"
    if limits is not None:
        name += f" (pool {limits.max_connections}, all kept alive)"
    cpu = time.process_time() - cpu
    return Run(name, concurrency, next_index, ok, seconds, latencies, cpu, error=error)


def node_status(install: bool = True) -> str | None:
    """None when the Node SDK can run, else why not (after trying ``npm install`` once)."""
    if shutil.which("node") is None:
        return "node is not installed"
    if (NODE_DIR / "node_modules" / "midtrans-client").is_dir():
        return None
    if not install:
        return "midtrans-client is not installed in bench/node (run npm install there)"
    if shutil.which("npm") is None:
        return "npm is not installed, so midtrans-client cannot be installed"
    try:
        done = subprocess.run(
            ["npm", "install", "--no-audit", "--no-fund"],
            cwd=NODE_DIR,
            capture_output=True,
            text=True,
            timeout=300,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"npm install failed ({type(exc).__name__}; no access to the npm registry?)"
    if done.returncode != 0 or not (NODE_DIR / "node_modules" / "midtrans-client").is_dir():
        last = (done.stderr.strip().splitlines() or ["no output"])[-1]
        return f"npm install failed (no access to the npm registry?): {last}"
    return None


def _node_run(
    base_url: str, private_key_file: Path, count: int, concurrency: int, max_seconds: float
) -> Run:
    config = {
        "baseUrl": base_url,
        "count": count,
        "concurrency": concurrency,
        "maxSeconds": max_seconds,
        "clientId": CLIENT_ID,
        "clientSecret": CLIENT_SECRET,
        "partnerId": PARTNER_ID,
        "channelId": CHANNEL_ID,
        "merchantId": MERCHANT_ID,
        "privateKeyFile": str(private_key_file),
        "runId": f"{time.time_ns() // 1_000_000:013d}",
    }
    done = subprocess.run(
        ["node", str(NODE_DIR / "createva.js"), json.dumps(config)],
        cwd=NODE_DIR,
        capture_output=True,
        text=True,
        timeout=max_seconds + 60,
    )
    if done.returncode != 0:
        raise RuntimeError(f"the Node SDK driver failed: {done.stderr.strip()[-500:]}")
    result = json.loads(done.stdout.strip().splitlines()[-1])
    first = result.get("firstError")
    return Run(
        "midtrans-client (Node SDK)",
        concurrency,
        result["requested"],
        result["ok"],
        result["seconds"],
        result["latenciesMs"],
        result["cpuSeconds"],
        error=None if first is None else json.dumps(first)[:300],
    )


@dataclass
class Outcome:
    runs: list[Run]
    skipped: list[str]


def run_all(
    count: int = 1000,
    max_seconds: float = 120,
    *,
    node: bool = True,
    concurrencies: Sequence[int] = CONCURRENCIES,
    server_switch_interval: float | None = None,
) -> Outcome:
    """Every run, each against a fresh emulator; what was skipped and why."""
    pair = generate_key_pair()
    credentials = Credentials(CLIENT_ID, CLIENT_SECRET, pair.private_pem, PARTNER_ID, CHANNEL_ID)
    skipped: list[str] = []
    node_reason = node_status() if node else "--no-node given"
    if node_reason is not None:
        skipped.append(f"Node SDK runs skipped: {node_reason}")
    runs: list[Run] = []
    with tempfile.TemporaryDirectory(prefix="bisnap-bench-") as tmp:
        public_file = Path(tmp) / "merchant-public.pem"
        private_file = Path(tmp) / "merchant-private.pem"
        public_file.write_bytes(pair.public_pem)
        private_file.write_bytes(pair.private_pem)
        os.chmod(private_file, 0o600)
        total_budget = max_seconds * (2 + 2 * len(concurrencies)) + 120
        server = EmulatorProcess(public_file, total_budget, server_switch_interval)
        try:
            profile = MIDTRANS_SANDBOX.with_base_url(server.base_url)

            def measured(make: Any) -> None:
                server.reset()
                cpu = server.cpu_seconds()
                run: Run = make()
                run.server_cpu_seconds = server.cpu_seconds() - cpu
                counts = server.counts()
                run.token_exchanges = counts.get(TOKEN_PATH, 0)
                run.creates_seen = counts.get(CREATE_PATH, 0)
                runs.append(run)
                print(f"  {run.client} x{run.concurrency}: {run.per_second:.0f}/s", flush=True)

            measured(lambda: _sync_run(profile, credentials, count, max_seconds))
            for concurrency in concurrencies:
                measured(
                    lambda c=concurrency: asyncio.run(
                        _async_run(profile, credentials, count, c, max_seconds)
                    )
                )
            # The default pool opens up to 20 connections and keeps them all alive; a pool of
            # 10 shows what fewer connections (more waiting for one, less server work) do at
            # concurrency 100.
            narrow = httpx.Limits(max_connections=10, max_keepalive_connections=10)
            measured(
                lambda: asyncio.run(
                    _async_run(profile, credentials, count, 100, max_seconds, narrow)
                )
            )
            if node_reason is None:
                for concurrency in concurrencies:
                    measured(
                        lambda c=concurrency: _node_run(
                            server.base_url, private_file, count, c, max_seconds
                        )
                    )
        finally:
            server.stop()
    return Outcome(runs, skipped)


def format_runs(runs: Sequence[Run]) -> str:
    rows = []
    for r in runs:
        rows.append(
            [
                r.client,
                r.concurrency,
                f"{r.ok}/{r.requested}",
                f"{r.per_second:.0f}",
                f"{percentile(r.latencies_ms, 0.50):.2f}",
                f"{percentile(r.latencies_ms, 0.99):.2f}",
                r.token_exchanges,
                f"{r.client_cpu_seconds * 1000 / max(r.requested, 1):.2f}",
                f"{r.server_cpu_seconds * 1000 / max(r.requested, 1):.2f}",
            ]
        )
    headers = ["client", "concurrency", "ok/calls", "calls/s", "p50 ms", "p99 ms"]
    headers += ["token exchanges", "client CPU ms/call", "server CPU ms/call"]
    return render_table(headers, rows)


def notes(outcome: Outcome, count: int) -> list[str]:
    runs = outcome.runs
    out = list(outcome.skipped)
    for r in runs:
        if r.requested < count:
            out.append(f"{r.client} x{r.concurrency} stopped at the time limit after {r.requested}")
        if r.error:
            out.append(f"{r.client} x{r.concurrency} first error: {r.error}")
    bisnap_runs = [r for r in runs if r.client.startswith("bisnap")]
    if bisnap_runs:
        most = max(r.token_exchanges for r in bisnap_runs)
        verdict = "met" if most == 1 else "MISSED"
        out.append(f"target 1 token exchange per bisnap run: {verdict} (at most {most})")
    best_async = next(
        (r for r in runs if r.client == "bisnap AsyncSnapClient" and r.concurrency == 100), None
    )
    node_runs = [r for r in runs if r.client.startswith("midtrans-client") and r.ok]
    if best_async is not None and node_runs:
        same = next((r for r in node_runs if r.concurrency == 100), None)
        fastest = max(node_runs, key=lambda r: r.per_second)
        if same is not None:
            ratio = best_async.per_second / same.per_second
            verdict = "met" if ratio >= 3 else "MISSED"
            out.append(
                f"target async x100 >= 3x the Node SDK x100: {verdict} ({ratio:.2f}x); "
                f"vs the Node SDK's best concurrency (x{fastest.concurrency}): "
                f"{best_async.per_second / fastest.per_second:.2f}x"
            )
    return out


def main(argv: Sequence[str] | None = None) -> str:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", "--count", type=int, default=None, help="calls per run (1000)")
    parser.add_argument("--quick", action="store_true", help="200 calls per run")
    parser.add_argument("--max-seconds", type=float, default=120, help="time limit per run")
    parser.add_argument("--no-node", action="store_true", help="skip the Node SDK runs")
    parser.add_argument("--no-write", action="store_true", help="print only, skip RESULTS.md")
    parser.add_argument("--label", default="", help="what is special about this run (title)")
    parser.add_argument(
        "--server-switch-interval",
        type=float,
        default=None,
        help="sys.setswitchinterval in the emulator process (default: Python's 0.005 s)",
    )
    args = parser.parse_args(argv)
    count = args.count or (200 if args.quick else 1000)
    outcome = run_all(
        count,
        args.max_seconds,
        node=not args.no_node,
        server_switch_interval=args.server_switch_interval,
    )
    table = format_runs(outcome.runs)
    print(table)
    for note in notes(outcome, count):
        print("-", note)
    if not args.no_write:
        append_result(
            f"End to end on loopback: {count} create-VA calls per run"
            + (f" ({args.label})" if args.label else ""),
            table,
            notes=[
                "emulator: bisnap.emulator served by uvicorn on 127.0.0.1 in its own process, "
                "a fresh one per run; clients use their default settings"
                + (
                    f"; emulator process switch interval {args.server_switch_interval} s"
                    if args.server_switch_interval is not None
                    else ""
                ),
                *notes(outcome, count),
            ],
        )
    return table


if __name__ == "__main__":
    main()
