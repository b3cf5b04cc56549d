"""Every ```python block of README.md and docs/**/*.md runs, page by page (see ``blocks.py``)."""

from __future__ import annotations

import gc
import logging
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.docs.blocks import Page, documentation_pages, run_python
from tests.docs.shell_pages import run_shell_page
from tests.fakes import OTHER_PYTEST_PLUGINS_OFF

PAGES = documentation_pages()
_PYTHON_PAGES = [page for page in PAGES if not page.shell_mode and page.python_blocks()]
_SHELL_PAGES = [page for page in PAGES if page.shell_mode]


def _clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.startswith("BISNAP_") and not name.startswith("BISNAP_TEST_"):
            monkeypatch.delenv(name)
    # A page that runs pytest (docs/testing.md) gets the bisnap plugin only.
    monkeypatch.setenv("PYTEST_ADDOPTS", " ".join(OTHER_PYTEST_PLUGINS_OFF))


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


@pytest.mark.slow
@pytest.mark.parametrize("page", _SHELL_PAGES, ids=[page.name for page in _SHELL_PAGES])
def test_shell_page_runs_verbatim(page: Page, tmp_path: Path) -> None:
    """A shell-mode page (the tutorial) runs as written, with bisnap on PATH.

    Only the fixed ports 8080 and 9000 are moved to free ones, so parallel runs on one
    machine cannot collide. (``.ci/run`` also runs it on a fresh clone, install step included.)
    """
    result = run_shell_page(page, tmp_path)
    assert result.returncode == 0, f"{page.name} failed:\n{result.output}"
    assert not result.missing(page), (
        f"{page.name}: missing {result.missing(page)}:\n{result.output}"
    )
