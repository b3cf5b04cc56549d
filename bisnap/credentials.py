"""Merchant credentials: client id and secret, private key, partner and channel ids."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any, NoReturn, TypeVar

from bisnap.errors import ConfigurationError
from bisnap.keys import (
    ClientSecret,
    KeySource,
    PrivateKey,
    PublicKey,
    load_client_secret,
    load_private_key,
    load_public_key,
)

__all__ = ["Credentials"]

_ENV = {
    "client_id": "BISNAP_CLIENT_ID",
    "client_secret": "BISNAP_CLIENT_SECRET",
    "private_key": "BISNAP_PRIVATE_KEY",
    "partner_id": "BISNAP_PARTNER_ID",
    "channel_id": "BISNAP_CHANNEL_ID",
    "gateway_public_key": "BISNAP_GATEWAY_PUBLIC_KEY",
    "private_key_password": "BISNAP_PRIVATE_KEY_PASSWORD",
}


def _text(field: str, value: object) -> str:
    if not isinstance(value, str):
        raise ConfigurationError(f"{field} must be a str, not {type(value).__name__}", field=field)
    value = value.strip()
    if not value:
        raise ConfigurationError(f"{field} is empty", field=field)
    if any(ch in value for ch in "\r\n\x00"):
        raise ConfigurationError(f"{field} contains a line break or NUL", field=field)
    return value


def _with_field(field: str, exc: ConfigurationError) -> ConfigurationError:
    return ConfigurationError(f"{field}: {exc.message}", field=field)


_Class = TypeVar("_Class")


class _Constructor:
    """A class attribute that is the class itself: a named factory with exactly the
    constructor's parameters (``Credentials.create(...)`` is ``Credentials(...)``)."""

    def __get__(self, instance: object, owner: type[_Class]) -> type[_Class]:
        return owner


class Credentials:
    """What a merchant is given by the gateway, loaded and checked once.

    ``client_id`` is sent as ``X-CLIENT-KEY``; ``client_secret`` signs symmetric transactions;
    ``private_key`` signs the token request (and asymmetric transactions); ``partner_id`` and
    ``channel_id`` become ``X-PARTNER-ID`` and ``CHANNEL-ID``; ``gateway_public_key`` verifies
    inbound notifications. Keys and the secret may be given loaded or raw (PEM/DER/base64 text,
    bytes, a file path). Immutable; ``repr`` never shows a secret.
    """

    __slots__ = (
        "channel_id",
        "client_id",
        "client_secret",
        "gateway_public_key",
        "partner_id",
        "private_key",
    )

    client_id: str
    client_secret: ClientSecret
    private_key: PrivateKey
    partner_id: str
    channel_id: str
    gateway_public_key: PublicKey | None

    def __init__(
        self,
        client_id: str,
        client_secret: ClientSecret | str | bytes,
        private_key: PrivateKey | KeySource,
        partner_id: str,
        channel_id: str,
        gateway_public_key: PublicKey | KeySource | None = None,
        *,
        private_key_password: str | bytes | None = None,
    ) -> None:
        values: dict[str, Any] = {
            "client_id": _text("client_id", client_id),
            "partner_id": _text("partner_id", partner_id),
            "channel_id": _text("channel_id", channel_id),
        }
        try:
            values["client_secret"] = load_client_secret(client_secret)
        except ConfigurationError as exc:
            raise _with_field("client_secret", exc) from None
        try:
            values["private_key"] = load_private_key(private_key, private_key_password)
        except ConfigurationError as exc:
            raise _with_field("private_key", exc) from None
        if gateway_public_key is None:
            values["gateway_public_key"] = None
        else:
            try:
                values["gateway_public_key"] = load_public_key(gateway_public_key)
            except ConfigurationError as exc:
                raise _with_field("gateway_public_key", exc) from None
        for name, value in values.items():
            object.__setattr__(self, name, value)

    create = _Constructor()
    """Same as the constructor (kept for callers that prefer a named factory)."""

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Credentials:
        """Credentials from ``BISNAP_CLIENT_ID``, ``BISNAP_CLIENT_SECRET``,
        ``BISNAP_PRIVATE_KEY`` (a path or the PEM itself), ``BISNAP_PARTNER_ID``,
        ``BISNAP_CHANNEL_ID`` and, optionally, ``BISNAP_GATEWAY_PUBLIC_KEY`` and
        ``BISNAP_PRIVATE_KEY_PASSWORD``. The host comes from
        :func:`bisnap.gateways.profile_from_env`.
        """
        env = os.environ if environ is None else environ

        def optional(field: str) -> str | None:
            value = env.get(_ENV[field], "")
            return value if value.strip() else None

        required = ("client_id", "client_secret", "private_key", "partner_id", "channel_id")
        missing = [field for field in required if optional(field) is None]
        if missing:
            names = ", ".join(_ENV[field] for field in missing)
            plural = "s are" if len(missing) > 1 else " is"
            raise ConfigurationError(
                f"environment variable{plural} not set: {names}", field=missing[0]
            )
        client_id, client_secret, private_key, partner_id, channel_id = (
            env[_ENV[field]] for field in required
        )
        try:
            return cls(
                client_id,
                client_secret,
                private_key,
                partner_id,
                channel_id,
                optional("gateway_public_key"),
                private_key_password=optional("private_key_password"),
            )
        except ConfigurationError as exc:
            field = exc.field or "credentials"
            name = _ENV.get(field)
            where = f"environment variable {name}: " if name else ""
            raise ConfigurationError(f"{where}{exc.message}", field=field) from None

    def replace(self, **changes: Any) -> Credentials:
        """A copy with some fields changed (values given raw or loaded)."""
        fields = {name: getattr(self, name) for name in self.__slots__}
        fields.update(changes)
        return Credentials(**fields)

    def __setattr__(self, name: str, value: object) -> NoReturn:
        raise AttributeError("Credentials are immutable; use .replace()")

    def __delattr__(self, name: str) -> NoReturn:
        raise AttributeError("Credentials are immutable")

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Credentials):
            return NotImplemented
        return all(
            getattr(self, n) == getattr(other, n) for n in self.__slots__ if n != "private_key"
        ) and (self.private_key.public_key() == other.private_key.public_key())

    def __hash__(self) -> int:
        return hash((self.client_id, self.partner_id, self.channel_id))

    def __repr__(self) -> str:
        return (
            f"Credentials(client_id={self.client_id!r}, client_secret='***', "
            f"private_key='***', partner_id={self.partner_id!r}, "
            f"channel_id={self.channel_id!r}, gateway_public_key="
            f"{'set' if self.gateway_public_key is not None else None!r})"
        )

    __str__ = __repr__

    def __reduce__(self) -> NoReturn:
        raise TypeError("Credentials are not picklable (they hold a private key)")
