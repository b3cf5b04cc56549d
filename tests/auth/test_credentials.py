"""Credentials: loaded once, immutable, secrets never shown, bad values name their field."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from bisnap.credentials import Credentials
from bisnap.errors import ConfigurationError
from bisnap.keys import ClientSecret, GeneratedKeyPair, PrivateKey, PublicKey

SECRET = "fdppqbF5wq7vVegyvsV1CROMv646nJ7A"


def _env(keys: GeneratedKeyPair, **overrides: str) -> dict[str, str]:
    env = {
        "BISNAP_CLIENT_ID": "G1234325-SNAP",
        "BISNAP_CLIENT_SECRET": SECRET,
        "BISNAP_PRIVATE_KEY": keys.private_pem.decode(),
        "BISNAP_PARTNER_ID": "G812345678",
        "BISNAP_CHANNEL_ID": "12345",
    }
    env.update(overrides)
    return {k: v for k, v in env.items() if v != "<unset>"}


def test_from_raw_values(merchant_keys: GeneratedKeyPair, gateway_keys: GeneratedKeyPair) -> None:
    creds = Credentials(
        "G1234325-SNAP",
        SECRET,
        merchant_keys.private_pem,
        "G812345678",
        "12345",
        gateway_keys.public_pem,
    )
    assert isinstance(creds.client_secret, ClientSecret)
    assert creds.client_secret.as_bytes() == SECRET.encode()
    assert isinstance(creds.private_key, PrivateKey)
    assert isinstance(creds.gateway_public_key, PublicKey)
    assert creds.private_key.public_key() == merchant_keys.public_key()
    assert (
        Credentials.create(
            "G1234325-SNAP", SECRET, merchant_keys.private_pem, "G812345678", "12345"
        ).gateway_public_key
        is None
    )


def test_private_key_from_a_path(tmp_path: Path, merchant_keys: GeneratedKeyPair) -> None:
    path = tmp_path / "merchant.pem"
    path.write_bytes(merchant_keys.private_pem)
    env = _env(merchant_keys, BISNAP_PRIVATE_KEY=str(path))
    creds = Credentials.from_env(env)
    assert creds.private_key.public_key() == merchant_keys.public_key()
    assert creds.client_id == "G1234325-SNAP"
    assert creds.partner_id == "G812345678"
    assert creds.channel_id == "12345"


def test_repr_and_str_hide_secrets(merchant_keys: GeneratedKeyPair) -> None:
    creds = Credentials.from_env(_env(merchant_keys))
    for text in (repr(creds), str(creds)):
        assert SECRET not in text
        assert "PRIVATE" not in text
        assert "G1234325-SNAP" in text


def test_immutable_and_not_picklable(merchant_keys: GeneratedKeyPair) -> None:
    creds = Credentials.from_env(_env(merchant_keys))
    with pytest.raises(AttributeError):
        creds.client_id = "other"
    with pytest.raises(TypeError):
        pickle.dumps(creds)
    changed = creds.replace(channel_id="99999")
    assert changed.channel_id == "99999"
    assert creds.channel_id == "12345"
    assert changed != creds
    assert creds.replace() == creds


@pytest.mark.parametrize(
    ("variable", "field"),
    [
        ("BISNAP_CLIENT_ID", "client_id"),
        ("BISNAP_CLIENT_SECRET", "client_secret"),
        ("BISNAP_PRIVATE_KEY", "private_key"),
        ("BISNAP_PARTNER_ID", "partner_id"),
        ("BISNAP_CHANNEL_ID", "channel_id"),
    ],
)
def test_missing_variable_names_it(
    merchant_keys: GeneratedKeyPair, variable: str, field: str
) -> None:
    with pytest.raises(ConfigurationError) as info:
        Credentials.from_env(_env(merchant_keys, **{variable: "<unset>"}))
    assert info.value.field == field
    assert variable in str(info.value)


def test_from_env_names_every_missing_variable_at_once(merchant_keys: GeneratedKeyPair) -> None:
    env = _env(
        merchant_keys,
        BISNAP_CLIENT_ID="<unset>",
        BISNAP_PARTNER_ID="  ",
        BISNAP_CHANNEL_ID="<unset>",
    )
    with pytest.raises(ConfigurationError) as info:
        Credentials.from_env(env)
    message = str(info.value)
    for name in ("BISNAP_CLIENT_ID", "BISNAP_PARTNER_ID", "BISNAP_CHANNEL_ID"):
        assert name in message
    assert "BISNAP_CLIENT_SECRET" not in message
    assert "BISNAP_PRIVATE_KEY" not in message
    assert info.value.field == "client_id"
    with pytest.raises(ConfigurationError) as info:
        Credentials.from_env({})
    assert all(
        name in str(info.value)
        for name in (
            "BISNAP_CLIENT_ID",
            "BISNAP_CLIENT_SECRET",
            "BISNAP_PRIVATE_KEY",
            "BISNAP_PARTNER_ID",
            "BISNAP_CHANNEL_ID",
        )
    )


def test_malformed_key_names_the_field(merchant_keys: GeneratedKeyPair) -> None:
    with pytest.raises(ConfigurationError) as info:
        Credentials.from_env(
            _env(
                merchant_keys,
                BISNAP_PRIVATE_KEY="-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----",
            )
        )
    assert info.value.field == "private_key"
    assert "BISNAP_PRIVATE_KEY" in str(info.value)
    with pytest.raises(ConfigurationError) as info:
        Credentials.from_env(
            _env(merchant_keys, BISNAP_GATEWAY_PUBLIC_KEY=merchant_keys.private_pem.decode())
        )
    assert info.value.field == "gateway_public_key"
    assert "BEGIN" not in str(info.value)


def test_keys_of_the_wrong_kind_are_refused(merchant_keys: GeneratedKeyPair) -> None:
    with pytest.raises(ConfigurationError) as info:
        Credentials("id", merchant_keys.private_key(), merchant_keys.private_pem, "p", "1")  # type: ignore[arg-type]
    assert info.value.field == "client_secret"
    with pytest.raises(ConfigurationError) as info:
        Credentials("id", "secret", merchant_keys.public_pem, "p", "1")
    assert info.value.field == "private_key"


@pytest.mark.parametrize("bad", ["", "   ", "a\r\nb"])
def test_bad_identifiers(merchant_keys: GeneratedKeyPair, bad: str) -> None:
    with pytest.raises(ConfigurationError) as info:
        Credentials("id", "secret", merchant_keys.private_pem, bad, "1")
    assert info.value.field == "partner_id"
