"""Import time of bisnap, of bisnap with its typed clients, and of httpx, in fresh interpreters.

    python bench/imports.py [--quick] [--runs N] [--no-write]

Each target is imported in a new ``python`` process that times its own import statement
(``time.perf_counter`` around it), so interpreter start-up is left out; the targets take turns,
N rounds (default 21; ``--quick``: 7), and the median is reported. One more run with
``-X importtime`` names the modules that cost the most in the heaviest target.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
from collections.abc import Sequence

from report import REPO_DIR, append_result, render_table

__all__ = ["TARGETS", "heaviest_modules", "run"]

TARGETS: dict[str, str] = {
    "import httpx": "import httpx",
    "import bisnap": "import bisnap",
    "import bisnap + clients": "import bisnap, bisnap.client",
    "import bisnap + clients + emulator": "import bisnap, bisnap.client, bisnap.emulator",
}

_TIMER = "import time; t = time.perf_counter(); {stmt}; print(time.perf_counter() - t)"


def _time_once(statement: str) -> float:
    done = subprocess.run(
        [sys.executable, "-c", _TIMER.format(stmt=statement)],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
        cwd=REPO_DIR,
    )
    return float(done.stdout.strip()) * 1000


def run(runs: int = 21) -> dict[str, list[float]]:
    """Milliseconds for each target over ``runs`` rounds (targets interleaved)."""
    times: dict[str, list[float]] = {label: [] for label in TARGETS}
    for _ in range(runs):
        for label, statement in TARGETS.items():
            times[label].append(_time_once(statement))
    return times


def heaviest_modules(statement: str, top: int = 8) -> list[tuple[str, float]]:
    """(module, self time ms) of the ``top`` costliest modules by ``-X importtime``."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", statement],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
        cwd=REPO_DIR,
    )
    costs: list[tuple[str, float]] = []
    for line in done.stderr.splitlines():
        if not line.startswith("import time:") or "self [us]" in line:
            continue
        self_us, _, name = line.removeprefix("import time:").split("|", 2)
        costs.append((name.strip(), int(self_us) / 1000))
    return sorted(costs, key=lambda item: item[1], reverse=True)[:top]


def format_results(times: dict[str, list[float]]) -> str:
    base = statistics.median(times["import httpx"])
    rows = [
        [
            label,
            f"{statistics.median(values):.1f}",
            f"{min(values):.1f}",
            f"{max(values):.1f}",
            f"{statistics.median(values) / base:.2f}x",
        ]
        for label, values in times.items()
    ]
    return render_table(["statement", "median ms", "min ms", "max ms", "vs httpx"], rows)


def notes(times: dict[str, list[float]], heavy: Sequence[tuple[str, float]]) -> list[str]:
    runs = len(next(iter(times.values())))
    listed = ", ".join(f"{name} {ms:.1f}" for name, ms in heavy)
    return [
        f"{runs} fresh interpreters per statement, interleaved; the import statement alone is "
        "timed (interpreter start-up excluded)",
        f"costliest modules (self ms, -X importtime) for `{TARGETS['import bisnap + clients']}`: "
        + listed,
    ]


def main(argv: Sequence[str] | None = None) -> str:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=None, help="fresh processes per target")
    parser.add_argument("--quick", action="store_true", help="7 runs instead of 21")
    parser.add_argument("--no-write", action="store_true", help="print only, skip RESULTS.md")
    args = parser.parse_args(argv)
    runs = args.runs or (7 if args.quick else 21)
    times = run(runs)
    heavy = heaviest_modules(TARGETS["import bisnap + clients"])
    table = format_results(times)
    print(table)
    for note in notes(times, heavy):
        print("-", note)
    if not args.no_write:
        append_result(
            f"Import time (median of {runs} fresh processes)", table, notes=notes(times, heavy)
        )
    return table


if __name__ == "__main__":
    main()
