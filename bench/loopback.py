"""End to end on loopback: create-VA calls against the emulator served by uvicorn.

    python bench/loopback.py [--quick] [-n N] [--rounds R] [--no-latency] [--no-node]
        [--max-seconds S] [--no-write]

The emulator runs in its own process (``bench/emulator_server.py``) on 127.0.0.1, and so does
every client run: each run is a fresh ``python bench/loopback.py --child ...`` process (or a
``node`` process for the official Midtrans Node SDK), so no client shares a GIL or an event
loop with the server or with another client. The emulator is reset before every run.

Two sections, one interleaved run:

1. **No added latency**, ``R`` rounds (default 3). Every round runs each case once, in an
   order rotated by one case per round: ``SnapClient`` (sync, one call after another),
   ``AsyncSnapClient`` on each transport (``httpx``, ``aiohttp``) at concurrency 1, 10 and
   100 with its default pool, and the Node SDK (``midtrans-client``, which fetches a token
   for every call) at the same concurrencies. Ratios to the Node SDK are taken per round
   (same round, same concurrency) and reported as the median with min-max.
Every run first warms up, uncounted: one call per worker (the token exchange and one pooled
connection each), as a long-running service would be; then N calls are timed.

2. **With gateway latency**: the emulator's ``delay`` fault holds every create-VA answer 50 ms
   and 200 ms; concurrency 10, 100 and 500; each transport with its default pool and with a
   pool as large as the concurrency; the Node SDK beside them. Calls/s are set against the
   latency bound (calls in flight / delay).

Client CPU is the client process's own CPU time over its calls; server CPU is the emulator
process's CPU time over the run (Linux ``/proc``). Every run is bounded by ``--max-seconds``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import statistics
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

__all__ = ["Case", "Run", "main", "node_status", "run_latency", "run_rounds"]

NODE_DIR = BENCH_DIR / "node"
TOKEN_PATH = "/v1.0/access-token/b2b"
CREATE_PATH = "/v1.0/transfer-va/create-va"
CONCURRENCIES = (1, 10, 100)
LATENCY_DELAYS = (0.05, 0.2)
LATENCY_CONCURRENCIES = (10, 100, 500)
DEFAULT_POOL = {"httpx": 20, "aiohttp": 100}  # bisnap.transport.DEFAULT_*LIMITS


@dataclass(frozen=True)
class Case:
    """One client configuration: ``kind`` is ``sync``, ``async`` or ``node``."""

    kind: str
    concurrency: int
    backend: str = "httpx"
    pool: int | None = None  # None: the client's default

    @property
    def label(self) -> str:
        if self.kind == "node":
            return "midtrans-client (Node SDK)"
        if self.kind == "sync":
            return "bisnap SnapClient (sync)"
        pool = DEFAULT_POOL[self.backend] if self.pool is None else self.pool
        default = " default" if self.pool is None else ""
        return f"bisnap AsyncSnapClient, {self.backend} (pool {pool}{default})"


@dataclass
class Run:
    """One client's run: N calls, their latencies, what the emulator counted."""

    case: Case
    requested: int
    ok: int
    seconds: float
    latencies_ms: list[float] = field(repr=False)
    client_cpu_seconds: float = 0.0
    token_exchanges: int = 0
    creates_seen: int = 0
    server_cpu_seconds: float = 0.0
    delay: float = 0.0
    error: str | None = None

    @property
    def per_second(self) -> float:
        return self.ok / self.seconds if self.seconds else 0.0

    def client_ms(self) -> float:
        return self.client_cpu_seconds * 1000 / max(self.requested, 1)

    def server_ms(self) -> float:
        return self.server_cpu_seconds * 1000 / max(self.requested, 1)


# --- the client side (each run in its own process) -------------------------------------------


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


def _child(config: dict[str, Any]) -> dict[str, Any]:
    """Run one bisnap case in this process; the result as JSON-ready data."""
    from bisnap.client import AsyncSnapClient, SnapClient
    from bisnap.credentials import Credentials
    from bisnap.gateways import MIDTRANS_SANDBOX

    private_pem = Path(config["privateKeyFile"]).read_bytes()
    credentials = Credentials(CLIENT_ID, CLIENT_SECRET, private_pem, PARTNER_ID, CHANNEL_ID)
    profile = MIDTRANS_SANDBOX.with_base_url(config["baseUrl"])
    count, concurrency = config["count"], config["concurrency"]
    timeout = httpx.Timeout(30.0, connect=30.0, pool=120.0)
    latencies: list[float] = []
    errors: list[str] = []
    ok = 0
    cpu = time.process_time()
    started = time.perf_counter()
    deadline = started + config["maxSeconds"]
    if config["kind"] == "sync":
        with SnapClient(profile, credentials, timeout=timeout) as client:
            client.virtual_accounts.create(**_fields(count))  # warm-up: token, connection
            cpu = time.process_time()
            started = time.perf_counter()
            deadline = started + config["maxSeconds"]
            index = 0
            while index < count and time.perf_counter() < deadline:
                t0 = time.perf_counter()
                try:
                    client.virtual_accounts.create(**_fields(index))
                    ok += 1
                except Exception as exc:  # counted and named, not fatal
                    errors.append(f"{type(exc).__name__}: {exc}")
                latencies.append((time.perf_counter() - t0) * 1000)
                index += 1
        requested = index
    else:

        def nonlocal_start() -> None:
            nonlocal cpu, started, deadline
            cpu = time.process_time()
            started = time.perf_counter()
            deadline = started + config["maxSeconds"]

        async def main() -> int:
            nonlocal ok
            next_index = 0
            async with AsyncSnapClient(
                profile,
                credentials,
                backend=config["backend"],
                limits=config["pool"],
                timeout=timeout,
            ) as client:
                # Warm-up, not counted: the token and one connection per worker.
                await asyncio.gather(
                    *(
                        client.virtual_accounts.create(**_fields(count + i))
                        for i in range(concurrency)
                    )
                )
                nonlocal_start()

                async def worker() -> None:
                    nonlocal next_index, ok
                    while next_index < count and time.perf_counter() < deadline:
                        index = next_index
                        next_index += 1
                        t0 = time.perf_counter()
                        try:
                            await client.virtual_accounts.create(**_fields(index))
                            ok += 1
                        except Exception as exc:
                            errors.append(f"{type(exc).__name__}: {exc}")
                        latencies.append((time.perf_counter() - t0) * 1000)

                await asyncio.gather(*(worker() for _ in range(concurrency)))
            return next_index

        requested = asyncio.run(main())
    seconds = time.perf_counter() - started
    return {
        "requested": requested,
        "ok": ok,
        "seconds": seconds,
        "cpuSeconds": time.process_time() - cpu,
        "latenciesMs": latencies,
        "firstError": errors[0] if errors else None,
    }


def _run_process(command: list[str], max_seconds: float, cwd: Path) -> dict[str, Any]:
    done = subprocess.run(
        command, cwd=cwd, capture_output=True, text=True, timeout=max_seconds + 90
    )
    if done.returncode != 0:
        raise RuntimeError(f"{command[0]} run failed: {done.stderr.strip()[-800:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


# --- the server ------------------------------------------------------------------------------


class EmulatorProcess:
    """``bench/emulator_server.py`` in a child process; stopped by closing its stdin."""

    def __init__(self, public_key_file: Path, max_seconds: float) -> None:
        command = [
            sys.executable,
            str(BENCH_DIR / "emulator_server.py"),
            "--merchant-public-key",
            str(public_key_file),
            "--max-seconds",
            str(max_seconds),
        ]
        self._process = subprocess.Popen(
            command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=BENCH_DIR
        )
        assert self._process.stdout is not None
        line = self._process.stdout.readline().strip()
        if not line.startswith("READY http://127.0.0.1:"):
            self.stop()
            raise RuntimeError(f"the emulator server did not start (said {line!r})")
        self.base_url = line.removeprefix("READY ")
        self._admin = httpx.Client(base_url=self.base_url, timeout=30)

    def reset(self, delay: float = 0.0) -> None:
        """A fresh emulator; with ``delay``, every create-VA answer is held that long."""
        self._admin.post("/_bench/reset").raise_for_status()
        if delay:
            fault = {"path": CREATE_PATH, "kind": "delay", "seconds": delay, "times": None}
            self._admin.post("/_emulator/faults", json=fault).raise_for_status()

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


# --- the Node SDK ----------------------------------------------------------------------------


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


# --- driving runs ----------------------------------------------------------------------------


class Bench:
    """One emulator process, the merchant keys, and how to run one case against them."""

    def __init__(self, directory: Path, max_seconds: float, budget: float) -> None:
        from bisnap.keys import generate_key_pair

        pair = generate_key_pair()
        self.public_file = directory / "merchant-public.pem"
        self.private_file = directory / "merchant-private.pem"
        self.public_file.write_bytes(pair.public_pem)
        self.private_file.write_bytes(pair.private_pem)
        os.chmod(self.private_file, 0o600)
        self.max_seconds = max_seconds
        self.server = EmulatorProcess(self.public_file, budget)

    def run(self, case: Case, count: int, delay: float = 0.0) -> Run:
        self.server.reset(delay)
        cpu = self.server.cpu_seconds()
        config: dict[str, Any] = {
            "baseUrl": self.server.base_url,
            "count": count,
            "concurrency": case.concurrency,
            "maxSeconds": self.max_seconds,
            "privateKeyFile": str(self.private_file),
        }
        if case.kind == "node":
            config.update(
                clientId=CLIENT_ID,
                clientSecret=CLIENT_SECRET,
                partnerId=PARTNER_ID,
                channelId=CHANNEL_ID,
                merchantId=MERCHANT_ID,
                runId=f"{time.time_ns() // 1_000_000:013d}",
                warmup=True,
            )
            command = ["node", str(NODE_DIR / "createva.js"), json.dumps(config)]
            result = _run_process(command, self.max_seconds, NODE_DIR)
        else:
            config.update(kind=case.kind, backend=case.backend, pool=case.pool)
            command = [sys.executable, str(Path(__file__).resolve()), "--child", json.dumps(config)]
            result = _run_process(command, self.max_seconds, BENCH_DIR)
        server_cpu = self.server.cpu_seconds() - cpu
        counts = self.server.counts()
        first = result.get("firstError")
        run = Run(
            case,
            result["requested"],
            result["ok"],
            result["seconds"],
            result["latenciesMs"],
            result["cpuSeconds"],
            token_exchanges=counts.get(TOKEN_PATH, 0),
            creates_seen=counts.get(CREATE_PATH, 0),
            server_cpu_seconds=server_cpu,
            delay=delay,
            error=None if first is None else str(first)[:300],
        )
        label = f"{case.label} x{case.concurrency}" + (f" +{delay * 1000:.0f} ms" if delay else "")
        print(f"  {label}: {run.per_second:.0f}/s", flush=True)
        return run

    def stop(self) -> None:
        self.server.stop()


def round_cases(node: bool) -> list[Case]:
    cases = [Case("sync", 1)]
    for backend in ("httpx", "aiohttp"):
        cases += [Case("async", c, backend) for c in CONCURRENCIES]
    if node:
        cases += [Case("node", c) for c in CONCURRENCIES]
    return cases


def latency_cases(concurrency: int, node: bool) -> list[Case]:
    cases = []
    for backend in ("httpx", "aiohttp"):
        cases.append(Case("async", concurrency, backend))
        if concurrency > DEFAULT_POOL[backend]:
            cases.append(Case("async", concurrency, backend, pool=concurrency))
    if node:
        cases.append(Case("node", concurrency))
    return cases


def run_rounds(bench: Bench, cases: Sequence[Case], count: int, rounds: int) -> list[list[Run]]:
    """``rounds`` rounds of every case, the order rotated by one case each round."""
    out: list[list[Run]] = []
    for number in range(rounds):
        print(f" round {number + 1}/{rounds}", flush=True)
        shift = number % len(cases)
        order = [*cases[shift:], *cases[:shift]]
        done = {run.case: run for run in (bench.run(case, count) for case in order)}
        out.append([done[case] for case in cases])
    return out


def run_latency(
    bench: Bench,
    node: bool,
    *,
    delays: Sequence[float] = LATENCY_DELAYS,
    concurrencies: Sequence[int] = LATENCY_CONCURRENCIES,
    calls_per_slot: int = 6,
    min_calls: int = 100,
) -> list[Run]:
    """Every latency case once; transports alternate within each (delay, concurrency)."""
    runs = []
    for delay in delays:
        for concurrency in concurrencies:
            count = max(min_calls, calls_per_slot * concurrency)
            for case in latency_cases(concurrency, node):
                runs.append(bench.run(case, count, delay))
    return runs


# --- reporting -------------------------------------------------------------------------------


def _spread(values: Sequence[float], digits: int = 0) -> str:
    if len(values) == 1:
        return f"{values[0]:.{digits}f}"
    return (
        f"{statistics.median(values):.{digits}f} "
        f"({min(values):.{digits}f}-{max(values):.{digits}f})"
    )


def format_rounds(rounds: Sequence[Sequence[Run]]) -> str:
    rows = []
    for column in zip(*rounds, strict=True):
        case = column[0].case
        rows.append(
            [
                case.label,
                case.concurrency,
                f"{sum(r.ok for r in column)}/{sum(r.requested for r in column)}",
                _spread([r.per_second for r in column]),
                f"{statistics.median(percentile(r.latencies_ms, 0.5) for r in column):.2f}",
                f"{statistics.median(percentile(r.latencies_ms, 0.99) for r in column):.2f}",
                max(r.token_exchanges for r in column),
                _spread([r.client_ms() for r in column], 2),
                _spread([r.server_ms() for r in column], 2),
            ]
        )
    headers = ["client", "concurrency", "ok/calls", "calls/s median (min-max)", "p50 ms"]
    headers += ["p99 ms", "token exchanges", "client CPU ms/call", "server CPU ms/call"]
    return render_table(headers, rows)


@dataclass(frozen=True)
class Ratio:
    label: str
    values: list[float]
    target: float | None


def ratios(rounds: Sequence[Sequence[Run]]) -> list[Ratio]:
    """bisnap over the Node SDK per round, same concurrency; and aiohttp over httpx."""
    out: list[Ratio] = []
    by_case = [{run.case: run for run in one} for one in rounds]
    first = by_case[0]

    def per_round(a: Case, b: Case) -> list[float]:
        return [r[a].per_second / r[b].per_second for r in by_case if r[b].per_second]

    for case in first:
        if case.kind == "node":
            continue
        node = Case("node", case.concurrency)
        if node in first:
            target = None
            if case == Case("sync", 1) or case == Case("async", 100, "aiohttp"):
                target = 3.0
            out.append(
                Ratio(f"{case.label} x{case.concurrency} / Node SDK", per_round(case, node), target)
            )
    for c in CONCURRENCIES:
        a, b = Case("async", c, "aiohttp"), Case("async", c, "httpx")
        if a in first and b in first:
            out.append(Ratio(f"aiohttp / httpx transport x{c}", per_round(a, b), None))
    return out


def format_ratios(found: Sequence[Ratio]) -> str:
    rows = []
    for ratio in found:
        if not ratio.values:
            continue
        median = statistics.median(ratio.values)
        verdict = ""
        if ratio.target is not None:
            verdict = f">={ratio.target:g}x " + ("met" if median >= ratio.target else "MISSED")
        rows.append(
            [
                ratio.label,
                f"{median:.2f}x",
                f"{min(ratio.values):.2f}-{max(ratio.values):.2f}x",
                len(ratio.values),
                verdict,
            ]
        )
    return render_table(["comparison (calls/s)", "median", "min-max", "rounds", "target"], rows)


def format_latency(runs: Sequence[Run]) -> str:
    rows = []
    for r in runs:
        bound = r.case.concurrency / r.delay
        rows.append(
            [
                r.case.label,
                f"{r.delay * 1000:.0f}",
                r.case.concurrency,
                f"{r.ok}/{r.requested}",
                f"{r.per_second:.0f}",
                f"{bound:.0f}",
                f"{100 * r.per_second / bound:.0f}%",
                f"{percentile(r.latencies_ms, 0.5):.0f}",
                f"{r.client_ms():.2f}",
                f"{r.server_ms():.2f}",
            ]
        )
    headers = ["client", "delay ms", "concurrency", "ok/calls", "calls/s", "bound calls/s"]
    headers += ["of bound", "p50 ms", "client CPU ms/call", "server CPU ms/call"]
    return render_table(headers, rows)


def _problems(runs: Sequence[Run]) -> list[str]:
    out = []
    for r in runs:
        if r.ok < r.requested or r.error:
            out.append(f"{r.case.label} x{r.case.concurrency}: {r.ok}/{r.requested} ok; {r.error}")
    bisnap = [r for r in runs if r.case.kind != "node"]
    if bisnap:
        most = max(r.token_exchanges for r in bisnap)
        out.append(
            f"target 1 token exchange per bisnap run: {'met' if most == 1 else 'MISSED'} "
            f"(at most {most})"
        )
    return out


def latency_notes(runs: Sequence[Run]) -> list[str]:
    out = [
        "bound = concurrency / delay: every call in flight waiting out the gateway's delay and "
        "nothing else; a pool smaller than the concurrency lowers what is reachable to "
        "pool / delay",
    ]
    target = next(
        (r for r in runs if r.case == Case("async", 100, "aiohttp") and abs(r.delay - 0.2) < 1e-9),
        None,
    )
    if target is not None:
        share = target.per_second / (100 / 0.2)
        out.append(
            "target recommended async transport (aiohttp, default pool) at 200 ms, "
            f"concurrency 100 >= 80% of the bound: {'met' if share >= 0.8 else 'MISSED'} "
            f"({100 * share:.0f}%)"
        )
    return out + _problems(runs)


def main(argv: Sequence[str] | None = None) -> str:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", "--count", type=int, default=None, help="calls per run (1000)")
    parser.add_argument("--rounds", type=int, default=None, help="rounds without latency (3)")
    parser.add_argument("--quick", action="store_true", help="200 calls, 2 rounds, small table")
    parser.add_argument("--max-seconds", type=float, default=120, help="time limit per run")
    parser.add_argument("--no-node", action="store_true", help="skip the Node SDK runs")
    parser.add_argument("--no-latency", action="store_true", help="skip the latency section")
    parser.add_argument("--no-write", action="store_true", help="print only, skip RESULTS.md")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(_child(json.loads(args.child))))
        return ""
    count = args.count or (200 if args.quick else 1000)
    rounds = args.rounds or (2 if args.quick else 3)
    node_reason = node_status() if not args.no_node else "--no-node given"
    node = node_reason is None
    skipped = [] if node else [f"Node SDK runs skipped: {node_reason}"]
    load_start = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="bisnap-bench-") as tmp:
        bench = Bench(Path(tmp), args.max_seconds, budget=3600)
        try:
            print("no added latency:", flush=True)
            found = run_rounds(bench, round_cases(node), count, rounds)
            latency: list[Run] = []
            if not args.no_latency:
                print("with gateway latency:", flush=True)
                concurrencies = (10, 100) if args.quick else LATENCY_CONCURRENCIES
                latency = run_latency(bench, node, concurrencies=concurrencies)
        finally:
            bench.stop()
    load_end = os.getloadavg()
    load = (
        f"load average (1/5/15 min) at start {load_start[0]:.2f}/{load_start[1]:.2f}/"
        f"{load_start[2]:.2f}, at end {load_end[0]:.2f}/{load_end[1]:.2f}/{load_end[2]:.2f} "
        f"on {os.cpu_count()} cores shared with other work"
    )
    sections: list[tuple[str, str, list[str]]] = []
    table = format_rounds(found)
    base_notes = [
        "every run in its own process (python or node) against bisnap.emulator served by "
        "uvicorn in another process on 127.0.0.1, emulator reset before every run; clients "
        "use their default settings",
        load,
        *skipped,
    ]
    sections.append(
        (
            f"End to end on loopback: {count} create-VA calls per run, {rounds} rounds alternated",
            table,
            [*base_notes, *_problems([r for one in found for r in one])],
        )
    )
    sections.append(
        (
            "Ratios per round (median, min-max)",
            format_ratios(ratios(found)),
            ["each ratio divides two runs of the same round at the same concurrency"],
        )
    )
    if latency:
        sections.append(
            (
                "With gateway latency (emulator delay fault on create-VA)",
                format_latency(latency),
                [*latency_notes(latency), load],
            )
        )
    out = []
    for title, text, notes in sections:
        print(f"\n{title}\n{text}")
        for note in notes:
            print("-", note)
        if not args.no_write:
            append_result(title, text, notes=notes)
        out.append(text)
    return "\n\n".join(out)


if __name__ == "__main__":
    main()
