"""The run's one-off bytecode: rewritten test modules and plain bytecode, written and removed."""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path

import pytest
from _pytest.assertion import rewrite

from tests import bytecode_cache

FAILING_MODULE = "def check():\n    seen = 1\n    assert seen == 2\n"


def test_the_rewritten_modules_are_conftests_and_python_files_matches(tmp_path: Path) -> None:
    for name in ("conftest.py", "test_a.py", "b_test.py", "helper.py", "sub/test_c.py"):
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_text("", "utf-8")
    found = bytecode_cache.rewritten_modules(tmp_path, ["test_*.py", "*_test.py"])
    assert [path.relative_to(tmp_path).as_posix() for path in found] == [
        "b_test.py",
        "conftest.py",
        "sub/test_c.py",
        "test_a.py",
    ]


@pytest.fixture
def source(tmp_path: Path) -> Path:
    """A test module whose one assert fails, in an empty folder."""
    path = tmp_path / "test_sample.py"
    path.write_text(FAILING_MODULE, "utf-8")
    return path


def test_written_bytecode_is_read_by_pytest_and_holds_the_rewritten_asserts(
    source: Path, tmp_path: Path, pytestconfig: pytest.Config
) -> None:
    written = bytecode_cache.write_rewritten(pytestconfig, [source])
    folder = tmp_path / "__pycache__"
    pyc = folder / f"test_sample{rewrite.PYC_TAIL}"
    assert written == [folder, pyc]
    code = rewrite._read_pyc(source, pyc)
    assert code is not None
    namespace: dict[str, object] = {}
    exec(code, namespace)
    with pytest.raises(AssertionError, match=r"assert 1 == 2"):
        namespace["check"]()  # type: ignore[operator]
    # Current bytecode is left alone; a changed source is written again.
    assert bytecode_cache.write_rewritten(pytestconfig, [source]) == []
    source.write_text(FAILING_MODULE.replace("== 2", "== 20"), "utf-8")
    assert bytecode_cache.write_rewritten(pytestconfig, [source]) == [pyc]
    bytecode_cache.remove(written)
    assert not folder.exists()


def test_a_folder_that_holds_other_files_is_kept(
    source: Path, tmp_path: Path, pytestconfig: pytest.Config
) -> None:
    written = bytecode_cache.write_rewritten(pytestconfig, [source])
    other = tmp_path / "__pycache__" / "other.pyc"
    other.write_bytes(b"")
    bytecode_cache.remove(written)
    assert [path.name for path in (tmp_path / "__pycache__").iterdir()] == ["other.pyc"]


def test_a_source_that_does_not_compile_is_left_to_the_workers(
    tmp_path: Path, pytestconfig: pytest.Config
) -> None:
    broken = tmp_path / "test_broken.py"
    broken.write_text("def (:\n", "utf-8")
    good = tmp_path / "test_good.py"
    good.write_text(FAILING_MODULE, "utf-8")
    written = bytecode_cache.write_rewritten(pytestconfig, [broken, good])
    assert [path.name for path in written] == ["__pycache__", f"test_good{rewrite.PYC_TAIL}"]


def test_plain_bytecode_is_what_python_imports_and_is_removed_after(tmp_path: Path) -> None:
    package = tmp_path / "made_for_the_test"
    package.mkdir()
    (package / "__init__.py").write_text("", "utf-8")
    (package / "answer.py").write_text("VALUE = 6 * 7\n", "utf-8")
    (package / "broken.py").write_text("def (:\n", "utf-8")
    sources = sorted(package.glob("*.py"))
    written = bytecode_cache.compile_plain(sources)
    folder = package / "__pycache__"
    tag = sys.implementation.cache_tag
    assert written == [folder, folder / f"__init__.{tag}.pyc", folder / f"answer.{tag}.pyc"]
    # Python takes the written file as the source's bytecode: with the source's text changed
    # but its size and time kept, the import still sees the written value.
    answer = package / "answer.py"
    stat = answer.stat()
    answer.write_text("VALUE = 6 * 8\n", "utf-8")
    os.utime(answer, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    spec = importlib.util.spec_from_file_location("made_for_the_test.answer", answer)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.VALUE == 42
    # Bytecode that was there already is left alone.
    assert bytecode_cache.compile_plain(sources) == []
    bytecode_cache.remove(written)
    assert not folder.exists()


def test_workers_write_nothing(tmp_path: Path, pytestconfig: pytest.Config) -> None:
    if not hasattr(pytestconfig, "workerinput"):
        pytest.skip("runs in a pytest-xdist worker (the README command's default)")
    (tmp_path / "test_sample.py").write_text(FAILING_MODULE, "utf-8")
    (tmp_path / "helper.py").write_text("", "utf-8")
    assert bytecode_cache.write_for_run(pytestconfig, tmp_path, [tmp_path]) == []
    assert not (tmp_path / "__pycache__").exists()
