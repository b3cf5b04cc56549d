"""Packaging metadata: one version, a license file, true classifiers, a clean sdist."""

from __future__ import annotations

import re
from importlib.metadata import metadata, version
from pathlib import Path

import bisnap

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = (ROOT / "pyproject.toml").read_text("utf-8")


def test_version_has_one_source() -> None:
    assert 'dynamic = ["version"]' in PYPROJECT
    assert re.search(r"^version\s*=", PYPROJECT, flags=re.MULTILINE) is None
    assert 'path = "bisnap/__init__.py"' in PYPROJECT
    assert version("bisnap") == bisnap.__version__


def test_license_file_matches_the_metadata() -> None:
    text = (ROOT / "LICENSE").read_text("utf-8")
    assert text.startswith("MIT License")
    assert "License :: OSI Approved :: MIT License" in PYPROJECT


def test_classifiers_name_every_supported_python_and_typing() -> None:
    meta = metadata("bisnap")
    classifiers = set(meta.get_all("Classifier") or [])
    for minor in (10, 11, 12, 13):
        assert f"Programming Language :: Python :: 3.{minor}" in classifiers
    assert "Typing :: Typed" in classifiers
    assert any(c.startswith("Development Status ::") for c in classifiers)
    assert meta["Requires-Python"] == ">=3.10"
    urls = meta.get_all("Project-URL") or []
    assert {url.split(",")[0] for url in urls} >= {"Homepage", "Documentation", "Changelog"}


def test_sdist_leaves_out_the_node_benchmark() -> None:
    section = PYPROJECT.split("[tool.hatch.build.targets.sdist]", 1)[1].split("\n[", 1)[0]
    assert '"/bench/node"' in section
    assert '"node_modules"' in section


def test_pytest_plugin_and_docs_extra_are_declared() -> None:
    assert '[project.entry-points.pytest11]\nbisnap = "bisnap.emulator.pytest_plugin"' in PYPROJECT
    docs_extra = PYPROJECT.split("docs = [", 1)[1].split("]", 1)[0]
    for package in ("mkdocs", "mkdocs-material", "mkdocstrings"):
        assert package in docs_extra
