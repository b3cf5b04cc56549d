"""Run every benchmark this environment supports; say what was skipped and why.

    python bench/run.py [--quick] [--only NAME ...] [--no-node] [--no-write]

Sections, in order: ``primitives`` (signing against raw cryptography/hashlib/hmac), ``headers``
(SnapAuth and header building per request), ``scaling`` (cost against body size), ``imports``
(import time against httpx), ``memory`` (emulator memory per payment, unbounded and with
``history_limit``), ``loopback`` (create-VA calls over loopback HTTP with the sync client, the
async client on both transports and the official Midtrans Node SDK, alternated round by round,
then with gateway latency). Each prints its table and appends it to
bench/RESULTS.md under a heading for this run, which goes first in that file (the run before
it moves under "Earlier runs"). ``--quick`` makes every section short.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import sys
import time
import traceback
from collections.abc import Callable, Sequence
from datetime import datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import report

SECTIONS = ("primitives", "headers", "scaling", "imports", "memory", "loopback")


def _missing(*modules: str) -> str | None:
    absent = [m for m in modules if importlib.util.find_spec(m) is None]
    return f"needs {', '.join(absent)} (not installed)" if absent else None


def _section(name: str, flags: list[str], no_node: bool) -> tuple[Callable[[], object] | None, str]:
    """(what to call, why not) for one section."""
    if name == "primitives":
        import primitives

        return lambda: primitives.main(flags), ""
    if name == "headers":
        import headers_auth

        return lambda: headers_auth.main(flags), ""
    if name == "scaling":
        import scaling

        return lambda: scaling.main(flags), ""
    if name == "imports":
        import imports

        return lambda: imports.main(flags), ""
    if name == "memory":
        import memory

        return lambda: memory.main(flags), ""
    reason = _missing("uvicorn", "aiohttp")
    if reason is not None:
        return None, reason
    import loopback

    return lambda: loopback.main(flags + (["--no-node"] if no_node else [])), ""


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="short runs of every section")
    parser.add_argument("--only", nargs="+", choices=SECTIONS, help="run only these sections")
    parser.add_argument("--no-node", action="store_true", help="skip the Node SDK runs")
    parser.add_argument("--no-write", action="store_true", help="print only, skip RESULTS.md")
    args = parser.parse_args(argv)
    flags = (["--quick"] if args.quick else []) + (["--no-write"] if args.no_write else [])
    chosen = args.only or list(SECTIONS)
    load = os.getloadavg()
    if not args.no_write:
        started = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
        report.start_run(
            f"## `{report.command_line()}` — {started}\n\n"
            f"{report.machine()}; load average at start {load[0]:.2f} "
            f"(1 min) on {os.cpu_count()} cores, which other work shares."
        )
    summary: list[str] = []
    for name in chosen:
        print(f"\n== {name} ==", flush=True)
        began = time.perf_counter()
        call, reason = _section(name, flags, args.no_node)
        if call is None:
            summary.append(f"{name}: SKIPPED, {reason}")
            print(f"skipped: {reason}")
            continue
        try:
            call()
        except Exception as exc:  # one broken section must not hide the others' numbers
            traceback.print_exc()
            summary.append(f"{name}: FAILED, {type(exc).__name__}: {exc}")
            continue
        summary.append(f"{name}: ran in {time.perf_counter() - began:.0f} s")
        if name == "loopback" and not args.no_node:
            import loopback

            why = loopback.node_status(install=False)
            if why is not None:
                summary.append(f"loopback: Node SDK runs SKIPPED, {why}")
    print("\n== summary ==")
    for line in summary:
        print(line)
    if args.no_node and "loopback" in chosen:
        print("loopback: Node SDK runs skipped (--no-node)")
    return 1 if any("FAILED" in line for line in summary) else 0


if __name__ == "__main__":
    sys.exit(main())
