"""What every benchmark script shares: the machine description and bench/RESULTS.md.

Each script prints its table and adds it to ``bench/RESULTS.md`` under a heading with the
date, the machine (CPU model, cores, Python) and the command that produced it. The file keeps
the newest run first: :func:`start_run` (``bench/run.py``) opens a new run at the top and moves
the previous one under "Earlier runs"; :func:`append_result` adds a section to the newest run.
"""

from __future__ import annotations

import os
import platform
import re
import shlex
import subprocess
import sys
from collections.abc import Sequence
from datetime import datetime, timezone
from pathlib import Path

__all__ = [
    "BENCH_DIR",
    "REPO_DIR",
    "RESULTS",
    "append_result",
    "command_line",
    "machine",
    "percentile",
    "render_table",
    "start_run",
]

BENCH_DIR = Path(__file__).resolve().parent
REPO_DIR = BENCH_DIR.parent
RESULTS = BENCH_DIR / "RESULTS.md"
EARLIER = "## Earlier runs, with older code"
TITLE = (
    "# Benchmark results\n\n"
    "Written by the scripts in bench/ (see bench/README.md): the newest full run first, then "
    'the runs before it, measured on older code, under "Earlier runs".\n'
)
_RUN_HEADING = re.compile(r"^## ", re.MULTILINE)
_HEADING = re.compile(r"^(#{2,5}) ", re.MULTILINE)


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine() or "unknown CPU"


def _commit() -> str:
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=REPO_DIR,
            capture_output=True,
            text=True,
            timeout=5,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--", "bisnap"],
            cwd=REPO_DIR,
            capture_output=True,
            text=True,
            timeout=5,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return head + (" + uncommitted changes to bisnap/" if dirty else "")


def machine() -> str:
    """One line: CPU model, logical cores, Python version and implementation, OS."""
    return (
        f"{_cpu_model()}, {os.cpu_count()} cores, "
        f"{platform.python_implementation()} {platform.python_version()}, "
        f"{platform.system()} {platform.release()}"
    )


def command_line(argv: Sequence[str] | None = None) -> str:
    """The command that is running, as one would type it from the repository root."""
    args = list(sys.argv if argv is None else argv)
    script = Path(args[0]).resolve() if args else None
    if script is not None and script.is_relative_to(REPO_DIR):
        args[0] = str(script.relative_to(REPO_DIR))
    return "python " + " ".join(shlex.quote(a) for a in args)


def percentile(values: Sequence[float], fraction: float) -> float:
    """The ``fraction`` quantile (0..1) by linear interpolation; values need not be sorted."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    position = fraction * (len(ordered) - 1)
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def render_table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """A plain-text table: first column left-aligned, the others right-aligned."""
    cells = [[str(h) for h in headers], *[[str(c) for c in row] for row in rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]

    def line(row: list[str]) -> str:
        parts = [
            cell.ljust(widths[i]) if i == 0 else cell.rjust(widths[i]) for i, cell in enumerate(row)
        ]
        return "  ".join(parts).rstrip()

    out = [line(cells[0]), "  ".join("-" * w for w in widths)]
    out += [line(row) for row in cells[1:]]
    return "\n".join(out)


def append_result(
    title: str,
    table: str,
    *,
    notes: Sequence[str] = (),
    command: str | None = None,
    path: Path = RESULTS,
) -> None:
    """Append one section to RESULTS.md: heading, date, machine, command, table, notes."""
    now = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        f"### {title}",
        "",
        f"- date: {now}",
        f"- machine: {machine()}",
        f"- command: `{command or command_line()}`",
        f"- code: {_commit()}",
        "",
        "```text",
        table,
        "```",
    ]
    if notes:
        lines.append("")
        lines += [f"- {note}" for note in notes]
    section = "\n".join(lines) + "\n"
    text = path.read_text(encoding="utf-8") if path.exists() else TITLE
    newest, marker, earlier = text.partition("\n" + EARLIER + "\n")
    if not marker:  # no earlier runs yet: the newest run is the end of the file
        path.write_text(text.rstrip("\n") + "\n\n" + section, encoding="utf-8")
        return
    path.write_text(newest.rstrip("\n") + "\n\n" + section + marker + earlier, encoding="utf-8")


def start_run(heading: str, *, path: Path = RESULTS) -> None:
    """Open a new run at the top of RESULTS.md; the run that was newest moves to "Earlier runs".

    ``heading`` is the run's ``## `` heading line and any lines under it. The moved run's
    headings go one level down, under the "Earlier runs" heading.
    """
    text = path.read_text(encoding="utf-8") if path.exists() else TITLE
    newest, _, earlier = text.partition("\n" + EARLIER + "\n")
    found = _RUN_HEADING.search(newest)
    preamble = newest[: found.start()] if found else newest
    previous = newest[found.start() :] if found else ""
    moved = _HEADING.sub(lambda m: m.group(1) + "# ", previous).strip()
    older = "\n\n".join(part for part in (moved, earlier.strip()) if part)
    parts = [preamble.strip() or TITLE.strip(), heading.strip()]
    if older:
        parts += [EARLIER, older]
    path.write_text("\n\n".join(parts) + "\n", encoding="utf-8")
