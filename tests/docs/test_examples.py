"""Every ```python block of README.md and docs/**/*.md runs, page by page (see ``blocks.py``)."""

from __future__ import annotations

import contextlib
import gc
import logging
import os
import re
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.docs.blocks import Page, documentation_pages, run_python

PAGES = documentation_pages()
_PYTHON_PAGES = [page for page in PAGES if not page.shell_mode and page.python_blocks()]
_SHELL_PAGES = [page for page in PAGES if page.shell_mode]


def _clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.startswith("BISNAP_") and not name.startswith("BISNAP_TEST_"):
            monkeypatch.delenv(name)


def _write_file(block_title: str, text: str, directory: Path) -> None:
    target = directory / block_title
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, "utf-8")


_LOGGERS = ("bisnap", "bisnap.emulator", "bisnap.notifications")


@pytest.fixture
def _restore_logging() -> Iterator[None]:
    """Pages may configure logging as an application would; later tests see it as before."""
    loggers = [logging.getLogger(), *(logging.getLogger(name) for name in _LOGGERS)]
    saved = [(logger, logger.level, list(logger.handlers)) for logger in loggers]
    yield
    for logger, level, handlers in saved:
        logger.setLevel(level)
        for handler in list(logger.handlers):
            if handler not in handlers:
                logger.removeHandler(handler)
                handler.close()


@pytest.mark.usefixtures("_restore_logging")
@pytest.mark.parametrize("page", _PYTHON_PAGES, ids=[page.name for page in _PYTHON_PAGES])
def test_python_examples_run(page: Page, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The page's python blocks, in order, in one namespace, in an empty working directory."""
    monkeypatch.chdir(tmp_path)
    _clean_environment(monkeypatch)
    namespace: dict[str, object] = {"__name__": "__docs__"}
    for block in page.python_blocks():
        if block.no_run:
            continue
        if block.title is not None:
            _write_file(block.title, block.text, tmp_path)
            continue
        run_python(block, namespace, f"{page.name}:{block.line}")
    # Anything the page left open (a connection, a file) is reported against this page.
    namespace.clear()
    gc.collect()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def shell_script(page: Page, directory: Path) -> str:
    """The page as one bash script: shell blocks in order, titled python blocks as files."""
    parts = ["set -euo pipefail"]
    for block in page.blocks:
        if block.no_run:
            continue
        if block.is_python:
            if block.title is None:
                raise AssertionError(
                    f"{page.name}:{block.line}: a shell-mode page gives each python block a "
                    'title="file.py" and runs it from a shell block'
                )
            _write_file(block.title, block.text, directory)
        elif block.is_shell:
            parts.append(re.sub(r"^\$ ", "", block.text, flags=re.MULTILINE))
    return "\n".join(parts) + "\n"


@pytest.mark.slow
@pytest.mark.parametrize("page", _SHELL_PAGES, ids=[page.name for page in _SHELL_PAGES])
def test_shell_page_runs_verbatim(page: Page, tmp_path: Path) -> None:
    """A shell-mode page (the tutorial) runs as written, with bisnap on PATH.

    Only the fixed ports 8080 and 9000 are moved to free ones, so parallel runs on one
    machine cannot collide.
    """
    ports = {"8080": str(_free_port()), "9000": str(_free_port())}
    script = _moved(shell_script(page, tmp_path), ports)
    for titled in tmp_path.rglob("*.py"):
        titled.write_text(_moved(titled.read_text("utf-8"), ports), "utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("BISNAP_")}
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    env["PYTHONWARNINGS"] = "error"
    process = subprocess.Popen(
        ["bash", "-c", script],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        output, _ = process.communicate(timeout=300)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        process.wait(10)
    assert process.returncode == 0, f"{page.name} failed:\n{output}"
    for expected in _EXPECTED.get(page.name, ()):
        assert expected in output, f"{page.name}: {expected!r} not in the output:\n{output}"


def _moved(text: str, ports: dict[str, str]) -> str:
    for fixed, free in ports.items():
        text = re.sub(rf"\b{fixed}\b", free, text)
    return text


_EXPECTED: dict[str, tuple[str, ...]] = {
    "docs/getting-started.md": (
        "created 700126280123456 2002700",
        "verified VA_PAYMENT trxId=inv-",
        "paid=10000.00",
        "notification verified for inv-",
        '"status":"SETTLEMENT"',
    ),
}
