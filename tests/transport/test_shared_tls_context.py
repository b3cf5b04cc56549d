"""Clients share one verifying TLS context per CA setting; a caller's context is used as given."""

from __future__ import annotations

import shutil
import ssl
from pathlib import Path
from typing import Any

import certifi
import httpx
import pytest

from bisnap.errors import ConfigurationError
from bisnap.transport import create_async_client, create_client


def _context(client: httpx.Client | httpx.AsyncClient) -> ssl.SSLContext:
    transport: Any = client._transport  # the pool's context is not public in httpx
    context = transport._pool._ssl_context
    assert isinstance(context, ssl.SSLContext)
    return context


def _assert_verifying(context: ssl.SSLContext) -> None:
    assert context.verify_mode is ssl.CERT_REQUIRED
    assert context.check_hostname
    assert context.minimum_version >= ssl.TLSVersion.TLSv1_2


def test_clients_with_the_default_trust_store_share_one_verifying_context() -> None:
    with create_client() as first, create_client() as second:
        assert _context(first) is _context(second)
        _assert_verifying(_context(first))


@pytest.mark.anyio
async def test_sync_and_async_clients_share_the_default_context() -> None:
    with create_client() as sync_client:
        async with create_async_client() as async_client:
            assert _context(async_client) is _context(sync_client)


def test_a_ca_bundle_gets_its_own_verifying_context(tmp_path: Path) -> None:
    bundle = tmp_path / "ca.pem"
    shutil.copyfile(certifi.where(), bundle)
    with create_client() as default, create_client(ca_bundle=bundle) as custom:
        assert _context(custom) is not _context(default)
        _assert_verifying(_context(custom))
        assert _context(custom).get_ca_certs()
    with create_client(ca_bundle=str(bundle)) as again:
        assert _context(again) is _context(custom)


def test_a_changed_ca_bundle_file_is_read_again(tmp_path: Path) -> None:
    bundle = tmp_path / "ca.pem"
    shutil.copyfile(certifi.where(), bundle)
    with create_client(ca_bundle=bundle) as before:
        pass
    full = bundle.read_bytes()
    first_cert_end = full.index(b"-----END CERTIFICATE-----") + len(b"-----END CERTIFICATE-----\n")
    bundle.write_bytes(full[:first_cert_end])
    with create_client(ca_bundle=bundle) as after:
        assert _context(after) is not _context(before)
        assert len(_context(after).get_ca_certs()) == 1


def test_a_callers_context_is_used_as_given() -> None:
    mine = ssl.create_default_context()
    with create_client(ca_bundle=mine) as client:
        assert _context(client) is mine


def test_a_callers_non_verifying_context_is_still_refused() -> None:
    mine = ssl.create_default_context()
    mine.check_hostname = False
    mine.verify_mode = ssl.CERT_NONE
    with pytest.raises(ConfigurationError) as info:
        create_client(ca_bundle=mine)
    assert info.value.field == "ca_bundle"


def test_a_missing_ca_bundle_is_still_a_configuration_error(tmp_path: Path) -> None:
    for _ in range(2):  # an error is never cached as a context
        with pytest.raises(ConfigurationError) as info:
            create_client(ca_bundle=tmp_path / "missing.pem")
        assert info.value.field == "ca_bundle"


def test_ssl_cert_file_in_the_environment_keys_the_shared_context(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with create_client() as default:
        pass
    monkeypatch.setenv("SSL_CERT_FILE", certifi.where())
    with create_client() as from_environment:
        assert _context(from_environment) is not _context(default)
        _assert_verifying(_context(from_environment))
