"""``emulator_from_options`` / ``serve_from_options`` (behind ``bisnap emulator``) and the
pytest plugin."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from bisnap.emulator import emulator_from_options, serve_from_options
from bisnap.emulator.testing import SnapEmulatorFixture
from bisnap.errors import ConfigurationError, KeyLoadError
from bisnap.keys import GeneratedKeyPair, load_public_key
from tests.emulator.helpers import FakeClock, Snap, code, va_body


@pytest.fixture
def public_key_file(tmp_path: Path, merchant_keys: GeneratedKeyPair) -> Path:
    path = tmp_path / "merchant.pub.pem"
    path.write_bytes(merchant_keys.public_pem)
    return path


def options(**override: object) -> dict[str, object]:
    base: dict[str, object] = {
        "client_id": "CID",
        "client_secret": "super-secret-value",
        "partner_id": "PID",
    }
    base.update(override)
    return base


def test_generates_a_gateway_key_and_writes_its_public_half(
    tmp_path: Path, public_key_file: Path
) -> None:
    out = tmp_path / "gateway.pub.pem"
    built = emulator_from_options(
        **options(merchant_public_key=public_key_file, gateway_public_key_out=out)  # type: ignore[arg-type]
    )
    try:
        assert built.gateway_public_key_file == out
        assert load_public_key(out.read_bytes()) == built.emulator.gateway_public_key
        assert built.merchant.client_id == "CID"
    finally:
        built.emulator.close()


def test_uses_a_given_gateway_key(
    tmp_path: Path, public_key_file: Path, gateway_keys: GeneratedKeyPair
) -> None:
    key = tmp_path / "gateway.pem"
    key.write_bytes(gateway_keys.private_pem)
    built = emulator_from_options(
        **options(merchant_public_key=public_key_file, gateway_private_key=key)  # type: ignore[arg-type]
    )
    try:
        assert built.gateway_public_key_file is None
        assert built.emulator.gateway_public_key == gateway_keys.public_key()
    finally:
        built.emulator.close()


def test_missing_key_file_names_the_option(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError) as raised:
        emulator_from_options(**options(merchant_public_key=tmp_path / "absent.pem"))  # type: ignore[arg-type]
    assert raised.value.field == "merchant_public_key"
    assert "merchant-public-key" in str(raised.value)


def test_garbage_key_file_is_a_key_load_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.pem"
    bad.write_text("this is not a key")
    with pytest.raises(KeyLoadError):
        emulator_from_options(**options(merchant_public_key=bad))  # type: ignore[arg-type]


def test_private_key_given_as_merchant_public_key_is_refused(
    tmp_path: Path, merchant_keys: GeneratedKeyPair
) -> None:
    wrong = tmp_path / "private.pem"
    wrong.write_bytes(merchant_keys.private_pem)
    with pytest.raises(KeyLoadError) as raised:
        emulator_from_options(**options(merchant_public_key=wrong))  # type: ignore[arg-type]
    assert "PRIVATE" not in str(raised.value)


@pytest.mark.parametrize(
    ("override", "field"),
    [
        ({"client_id": ""}, "client_id"),
        ({"client_secret": ""}, "client_secret"),
        ({"notify_url": "ftp://x"}, "notify_url"),
        ({"channel_id": "12"}, "channel_id"),
    ],
)
def test_bad_options_name_the_field_and_hide_the_secret(
    public_key_file: Path, override: dict[str, object], field: str
) -> None:
    with pytest.raises(ConfigurationError) as raised:
        emulator_from_options(**options(merchant_public_key=public_key_file, **override))  # type: ignore[arg-type]
    assert raised.value.field == field
    assert "super-secret-value" not in str(raised.value)


@pytest.mark.parametrize(("host", "port", "field"), [("", 8080, "host"), ("127.0.0.1", 0, "port")])
def test_serve_from_options_validates_before_serving(
    public_key_file: Path, host: str, port: int, field: str
) -> None:
    with pytest.raises(ConfigurationError) as raised:
        serve_from_options(
            host=host,
            port=port,
            merchant_public_key=public_key_file,
            **options(),  # type: ignore[arg-type]
        )
    assert raised.value.field == field


def test_pytest_plugin_fixture(snap_emulator: SnapEmulatorFixture) -> None:
    from bisnap.keys import load_private_key

    client = httpx.Client(base_url="http://snap.test", transport=snap_emulator.transport())
    snap = Snap(
        client,
        load_private_key(snap_emulator.private_pem),
        FakeClock(snap_emulator.emulator.clock()),
        client_id=snap_emulator.client_id,
        secret=snap_emulator.client_secret,
        partner_id=snap_emulator.partner_id,
    )
    created = snap.post("/v1.0/transfer-va/create-va", va_body("plug-1"), external_id="plug-1")
    assert code(created) == "2002700"
    snap_emulator.emulator.pay_va("plug-1")
    assert snap_emulator.emulator.wait_for_notifications()
    assert snap_emulator.emulator.notifications[0].delivered
    client.close()


def test_pytest_plugin_fixture_gives_a_fresh_emulator_each_time(
    snap_emulator: SnapEmulatorFixture,
) -> None:
    assert snap_emulator.emulator.notifications == []
    assert snap_emulator.emulator.state.payments == {}
