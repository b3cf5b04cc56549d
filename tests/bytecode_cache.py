"""Bytecode for one test run, written once when bytecode writing is off.

With ``PYTHONDONTWRITEBYTECODE`` set, no process caches what it compiles. Every pytest-xdist
worker then rewrites the ``assert`` statements of the whole suite again (about 2 s of CPU per
worker, most of its collection), and every worker and child process (the CLI, the bench
clients, the served emulator) compiles bisnap from source (about 0.1 s each). The run's first
process therefore writes, once:

- the assertion-rewritten test modules, where pytest looks for them (pytest checks each
  against its source), when the run is parallel;
- plain bytecode for bisnap, the test helpers and the bench, where Python looks for it;

and removes what it wrote when the run ends, so the checkout is left as the setting asked.

The rewriting reaches into pytest's assertion-rewrite module; if its helpers change, nothing
is rewritten ahead and the workers rewrite as before.
"""

from __future__ import annotations

import contextlib
import fnmatch
import importlib.util
import py_compile
import sys
from collections.abc import Iterable
from pathlib import Path

import pytest


def _is_worker(config: pytest.Config) -> bool:
    return hasattr(config, "workerinput")


def _is_parallel(config: pytest.Config) -> bool:
    return bool(config.getoption("numprocesses", default=None))


def rewritten_modules(root: Path, patterns: list[str]) -> list[Path]:
    """The files pytest rewrites under ``root``: conftests and files matching ``python_files``."""
    return sorted(
        path
        for path in root.rglob("*.py")
        if path.name == "conftest.py" or any(fnmatch.fnmatch(path.name, p) for p in patterns)
    )


def write_for_run(config: pytest.Config, tests: Path, packages: Iterable[Path]) -> list[Path]:
    """In the run's first process, with bytecode writing off: the rewritten test modules under
    ``tests`` (parallel runs only) and plain bytecode for the other modules under ``tests`` and
    ``packages``. Returns the files and folders made, in the order they were made; nothing in
    a worker, or when Python and pytest may cache bytecode themselves."""
    if not sys.dont_write_bytecode or _is_worker(config):
        return []
    rewritten = rewritten_modules(tests, config.getini("python_files"))
    written = write_rewritten(config, rewritten) if _is_parallel(config) else []
    skip = set(rewritten)
    plain = [path for path in sorted(tests.rglob("*.py")) if path not in skip]
    for package in packages:
        plain.extend(sorted(package.rglob("*.py")))
    return written + compile_plain(plain)


def write_rewritten(config: pytest.Config, sources: list[Path]) -> list[Path]:
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


def compile_plain(sources: list[Path]) -> list[Path]:
    """Write plain bytecode for each source that has none, where Python looks for it; return
    the files and folders made, in the order they were made."""
    written: list[Path] = []
    for source in sources:
        pyc = Path(importlib.util.cache_from_source(str(source)))
        if pyc.exists():
            continue  # current or not, it is not ours to replace
        folder_existed = pyc.parent.is_dir()
        try:
            py_compile.compile(str(source), cfile=str(pyc), doraise=True)
        except (py_compile.PyCompileError, OSError):
            continue  # Python reports a broken module where it is imported
        if not folder_existed:
            written.append(pyc.parent)
        written.append(pyc)
    return written


def remove(written: list[Path]) -> None:
    """Remove what was written, newest first: the files, then the folders."""
    for path in reversed(written):
        # A folder something else also wrote into stays.
        with contextlib.suppress(OSError):
            path.rmdir() if path.is_dir() else path.unlink(missing_ok=True)
