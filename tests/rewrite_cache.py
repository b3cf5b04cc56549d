"""The test modules' assertion-rewritten bytecode, written once for all parallel workers.

pytest rewrites the ``assert`` statements of every test module and conftest when it imports
them, and caches the result beside the source unless bytecode writing is off
(``PYTHONDONTWRITEBYTECODE``). With it off, each pytest-xdist worker rewrites the whole suite
again: about 2 s of CPU per worker, most of a worker's collection. The controller therefore
writes the rewritten modules once, where pytest looks for them (pytest checks each against a
hash of its source), and removes them when the run ends, so that the checkout is left as the
setting asked.

This reaches into pytest's assertion-rewrite module; if its helpers change, nothing is
written and the workers rewrite as before.
"""

from __future__ import annotations

import contextlib
import fnmatch
import sys
from pathlib import Path

import pytest


def _is_parallel_controller(config: pytest.Config) -> bool:
    if hasattr(config, "workerinput"):
        return False
    workers = config.getoption("numprocesses", default=None)
    return bool(workers) and config.getoption("assertmode", default="rewrite") == "rewrite"


def rewritten_modules(root: Path, patterns: list[str]) -> list[Path]:
    """The files pytest rewrites under ``root``: conftests and files matching ``python_files``."""
    return sorted(
        path
        for path in root.rglob("*.py")
        if path.name == "conftest.py" or any(fnmatch.fnmatch(path.name, p) for p in patterns)
    )


def write_for_workers(config: pytest.Config, root: Path) -> list[Path]:
    """In the controller of a parallel run with bytecode writing off, write the rewritten
    bytecode of the test modules under ``root`` (see :func:`write`); otherwise nothing (pytest
    caches the rewritten modules itself when it may write bytecode)."""
    if not sys.dont_write_bytecode or not _is_parallel_controller(config):
        return []
    return write(config, rewritten_modules(root, config.getini("python_files")))


def write(config: pytest.Config, sources: list[Path]) -> list[Path]:
    """Write each source's assertion-rewritten bytecode where pytest looks for it, unless a
    current one is there; return the files and folders made, in the order they were made."""
    try:
        from _pytest.assertion import rewrite
        from _pytest.assertion.rewrite import PYC_TAIL, assertstate_key

        state = config.stash[assertstate_key]
    except (ImportError, KeyError):
        return []
    written: list[Path] = []
    for source in sources:
        try:
            pyc = rewrite.get_cache_dir(source) / (source.name[:-3] + PYC_TAIL)
            if rewrite._read_pyc(source, pyc) is not None:
                continue
            source_hash, code = rewrite._rewrite_test(source, config)
            if not pyc.parent.is_dir():
                pyc.parent.mkdir(parents=True)
                written.append(pyc.parent)
            if rewrite._write_pyc(state, code, source_hash, pyc):
                written.append(pyc)
        except (AttributeError, TypeError, OSError, SyntaxError):
            # A changed helper or an unwritable folder: the workers rewrite it themselves.
            continue
    return written


def remove(written: list[Path]) -> None:
    """Remove what :func:`write` made, newest first: the files, then the folders."""
    for path in reversed(written):
        # A folder something else also wrote into stays.
        with contextlib.suppress(OSError):
            path.rmdir() if path.is_dir() else path.unlink(missing_ok=True)
