"""Running a shell-mode page (the tutorial) as one bash script, as a reader would.

Used by the test suite (with bisnap already installed, the page's install step skipped) and by
``.ci/run`` on a fresh clone (``python3 -m tests.docs.shell_pages docs/getting-started.md
--with-install``), where the install step runs too. Standard library only.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import signal
import socket
import subprocess
import sys
from pathlib import Path

from tests.docs.blocks import ROOT, Page, parse_page

__all__ = ["EXPECTED", "ShellRun", "run_shell_page", "shell_script"]

EXPECTED: dict[str, tuple[str, ...]] = {
    "docs/getting-started.md": (
        "created 700126280123456 2002700",
        "verified VA_PAYMENT trxId=inv-",
        "paid=10000.00",
        "notification verified for inv-",
        '"status":"SETTLEMENT"',
    ),
}
"""What each shell-mode page's run must print."""

_FIXED_PORTS = ("8080", "9000")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _moved(text: str, ports: dict[str, str]) -> str:
    for fixed, free in ports.items():
        text = re.sub(rf"\b{fixed}\b", free, text)
    return text


def shell_script(page: Page, directory: Path, *, with_install: bool = False) -> str:
    """The page as one bash script: shell blocks in order, titled python blocks as files.

    ``no-run`` blocks are left out, except shell ones when ``with_install`` is set.
    """
    parts = ["set -euo pipefail"]
    for block in page.blocks:
        if block.is_python:
            if block.no_run:
                continue
            if block.title is None:
                raise ValueError(
                    f"{page.name}:{block.line}: a shell-mode page gives each python block a "
                    'title="file.py" and runs it from a shell block'
                )
            target = directory / block.title
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(block.text, "utf-8")
        elif block.is_shell and (with_install or not block.no_run):
            parts.append(re.sub(r"^\$ ", "", block.text, flags=re.MULTILINE))
    return "\n".join(parts) + "\n"


class ShellRun:
    """The outcome of one run: ``returncode`` and the combined output."""

    def __init__(self, returncode: int, output: str) -> None:
        self.returncode = returncode
        self.output = output

    def missing(self, page: Page) -> list[str]:
        """The expected lines of ``page`` that the output lacks."""
        return [line for line in EXPECTED.get(page.name, ()) if line not in self.output]


def run_shell_page(
    page: Page, directory: Path, *, with_install: bool = False, timeout: float = 600
) -> ShellRun:
    """Run ``page`` in ``directory`` with free ports in place of 8080 and 9000.

    Without ``with_install`` the running interpreter's ``bin`` directory comes first on PATH
    (bisnap is installed there). Every process the script started is ended afterwards.
    """
    ports = {fixed: str(_free_port()) for fixed in _FIXED_PORTS}
    script = _moved(shell_script(page, directory, with_install=with_install), ports)
    for titled in directory.rglob("*.py"):
        if ".venv" not in titled.parts:
            titled.write_text(_moved(titled.read_text("utf-8"), ports), "utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BISNAP_", "VIRTUAL_ENV"))}
    if not with_install:  # the suite's run: bisnap is installed here; warnings are errors
        env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
        env["PYTHONWARNINGS"] = "error"
    process = subprocess.Popen(
        ["bash", "-c", script],
        cwd=directory,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        output, _ = process.communicate(timeout=timeout)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        process.wait(10)
    return ShellRun(process.returncode, output)


def main(argv: list[str] | None = None) -> int:
    """Run a shell-mode page in the current directory (a fresh clone); exit 0 if it worked."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("page", help="the page, e.g. docs/getting-started.md")
    parser.add_argument("--with-install", action="store_true", help="run the install step too")
    args = parser.parse_args(argv)
    page = parse_page(ROOT / args.page)
    result = run_shell_page(page, Path.cwd(), with_install=args.with_install)
    print(result.output)
    missing = result.missing(page)
    if result.returncode != 0 or missing:
        print(f"{page.name}: exit {result.returncode}; missing {missing}", file=sys.stderr)
        return 1
    print(f"{page.name}: ran as written")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
