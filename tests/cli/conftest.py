"""Fixtures for the command-line tests: a clean environment and key files on disk."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from bisnap.keys import GeneratedKeyPair


@pytest.fixture(autouse=True)
def _no_bisnap_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests see only the BISNAP_* variables they set themselves."""
    for name in list(os.environ):
        if name.startswith("BISNAP_") and not name.startswith("BISNAP_TEST_"):
            monkeypatch.delenv(name)


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def merchant_key_file(tmp_path: Path, merchant_keys: GeneratedKeyPair) -> Path:
    path = tmp_path / "merchant-private.pem"
    path.write_bytes(merchant_keys.private_pem)
    return path


@pytest.fixture
def merchant_public_key_file(tmp_path: Path, merchant_keys: GeneratedKeyPair) -> Path:
    path = tmp_path / "merchant-public.pem"
    path.write_bytes(merchant_keys.public_pem)
    return path
