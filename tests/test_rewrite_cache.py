"""The controller's one-off writing of the test modules' assertion-rewritten bytecode."""

from __future__ import annotations

from pathlib import Path

import pytest
from _pytest.assertion import rewrite

from tests import rewrite_cache

FAILING_MODULE = "def check():\n    seen = 1\n    assert seen == 2\n"


def test_the_rewritten_modules_are_conftests_and_python_files_matches(tmp_path: Path) -> None:
    for name in ("conftest.py", "test_a.py", "b_test.py", "helper.py", "sub/test_c.py"):
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_text("", "utf-8")
    found = rewrite_cache.rewritten_modules(tmp_path, ["test_*.py", "*_test.py"])
    assert [path.relative_to(tmp_path).as_posix() for path in found] == [
        "b_test.py",
        "conftest.py",
        "sub/test_c.py",
        "test_a.py",
    ]


def test_written_bytecode_is_read_by_pytest_and_holds_the_rewritten_asserts(
    tmp_path: Path, pytestconfig: pytest.Config
) -> None:
    source = tmp_path / "test_sample.py"
    source.write_text(FAILING_MODULE, "utf-8")
    written = rewrite_cache.write(pytestconfig, [source])
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
    assert rewrite_cache.write(pytestconfig, [source]) == []
    source.write_text(FAILING_MODULE.replace("== 2", "== 20"), "utf-8")
    assert rewrite_cache.write(pytestconfig, [source]) == [pyc]
    rewrite_cache.remove(written)
    assert not folder.exists()


def test_a_folder_that_holds_other_files_is_kept(
    tmp_path: Path, pytestconfig: pytest.Config
) -> None:
    source = tmp_path / "test_sample.py"
    source.write_text(FAILING_MODULE, "utf-8")
    written = rewrite_cache.write(pytestconfig, [source])
    other = tmp_path / "__pycache__" / "other.pyc"
    other.write_bytes(b"")
    rewrite_cache.remove(written)
    assert [path.name for path in (tmp_path / "__pycache__").iterdir()] == ["other.pyc"]


def test_a_source_that_does_not_compile_is_left_to_the_workers(
    tmp_path: Path, pytestconfig: pytest.Config
) -> None:
    broken = tmp_path / "test_broken.py"
    broken.write_text("def (:\n", "utf-8")
    good = tmp_path / "test_good.py"
    good.write_text(FAILING_MODULE, "utf-8")
    written = rewrite_cache.write(pytestconfig, [broken, good])
    assert [path.name for path in written] == ["__pycache__", f"test_good{rewrite.PYC_TAIL}"]


def test_nothing_is_written_outside_the_controller_of_a_parallel_run(
    tmp_path: Path, pytestconfig: pytest.Config
) -> None:
    # This test runs in a worker (or in a single process), never in the controller.
    (tmp_path / "test_sample.py").write_text(FAILING_MODULE, "utf-8")
    assert rewrite_cache.write_for_workers(pytestconfig, tmp_path) == []
    assert not (tmp_path / "__pycache__").exists()
