"""Gateway profiles: everything that differs between SNAP gateways, as data.

A :class:`GatewayProfile` says where a gateway lives, where its token endpoint is, how it wants
``X-TIMESTAMP`` written and which transaction signature scheme it uses. Code reads these fields;
it never branches on a gateway's name.
"""

from __future__ import annotations

import dataclasses
import enum
import os
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

from bisnap.errors import ConfigurationError
from bisnap.external_id import ExternalIdForm
from bisnap.timestamps import TimestampStyle

__all__ = [
    "MIDTRANS_PRODUCTION",
    "MIDTRANS_SANDBOX",
    "MIDTRANS_STAGING",
    "GatewayProfile",
    "SignatureScheme",
    "generic_profile",
    "profile_from_env",
]

DEFAULT_TOKEN_PATH = "/v1.0/access-token/b2b"


class SignatureScheme(enum.Enum):
    """How a transactional request's ``X-SIGNATURE`` is made."""

    SYMMETRIC = "symmetric"
    """HMAC-SHA512 over ``METHOD:path:token:digest:timestamp`` with the client secret."""
    ASYMMETRIC = "asymmetric"
    """SHA256withRSA over ``METHOD:path:digest:timestamp`` with the merchant's private key."""


def _normalise_url(url: str, field: str) -> str:
    if not isinstance(url, str) or not url.strip():
        raise ConfigurationError(f"{field} must be a non-empty URL", field=field)
    url = url.strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ConfigurationError(
            f"{field} must be an absolute http(s) URL such as https://merchants.midtrans.com",
            field=field,
        )
    if parts.query or parts.fragment:
        raise ConfigurationError(f"{field} must not carry a query or fragment", field=field)
    return url.rstrip("/")


def _normalise_path(path: str, field: str, *, allow_empty: bool) -> str:
    if not isinstance(path, str):
        raise ConfigurationError(f"{field} must be a str", field=field)
    path = path.strip()
    if not path and allow_empty:
        return ""
    if not path.startswith("/"):
        raise ConfigurationError(f"{field} must start with '/'", field=field)
    return path.rstrip("/") if allow_empty else path


@dataclass(frozen=True)
class GatewayProfile:
    """One SNAP gateway environment.

    ``base_url`` is the API host (no trailing slash); ``path_prefix`` is put between it and every
    SNAP path (empty for Midtrans). ``app_base_url`` is the host serving the browser-facing
    get-auth-code page, or ``None`` when the gateway has none. ``external_id_form`` is the
    ``X-EXTERNAL-ID`` form its calls accept (an operation may narrow it: Payouts take digits).
    """

    name: str
    base_url: str
    app_base_url: str | None = None
    path_prefix: str = ""
    token_path: str = DEFAULT_TOKEN_PATH
    token_body_key: str = "grantType"
    timestamp_style: TimestampStyle = TimestampStyle.JAKARTA
    signature_scheme: SignatureScheme = SignatureScheme.SYMMETRIC
    external_id_form: ExternalIdForm = ExternalIdForm.SNAP

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name:
            raise ConfigurationError("a gateway profile needs a name", field="name")
        object.__setattr__(self, "base_url", _normalise_url(self.base_url, "base_url"))
        if self.app_base_url is not None:
            object.__setattr__(
                self, "app_base_url", _normalise_url(self.app_base_url, "app_base_url")
            )
        object.__setattr__(
            self,
            "path_prefix",
            _normalise_path(self.path_prefix, "path_prefix", allow_empty=True),
        )
        object.__setattr__(
            self, "token_path", _normalise_path(self.token_path, "token_path", allow_empty=False)
        )
        if not isinstance(self.token_body_key, str) or not self.token_body_key:
            raise ConfigurationError(
                "token_body_key must be a non-empty str", field="token_body_key"
            )
        if not isinstance(self.timestamp_style, TimestampStyle):
            raise ConfigurationError(
                "timestamp_style must be a TimestampStyle", field="timestamp_style"
            )
        if not isinstance(self.signature_scheme, SignatureScheme):
            raise ConfigurationError(
                "signature_scheme must be a SignatureScheme", field="signature_scheme"
            )

    def path(self, snap_path: str) -> str:
        """The request path for a SNAP path such as ``/v1.0/qr/qr-mpm-generate``."""
        return self.path_prefix + _normalise_path(snap_path, "path", allow_empty=False)

    def url(self, snap_path: str) -> str:
        """The absolute URL for a SNAP path."""
        return self.base_url + self.path(snap_path)

    @property
    def token_url(self) -> str:
        """The absolute URL of the B2B access-token endpoint."""
        return self.url(self.token_path)

    def with_base_url(self, url: str) -> GatewayProfile:
        """A copy of this profile pointing at another host (an emulator, a proxy)."""
        return dataclasses.replace(self, base_url=url)


MIDTRANS_SANDBOX = GatewayProfile(
    name="midtrans-sandbox",
    base_url="https://merchants.sbx.midtrans.com",
    app_base_url="https://merchants-app.sbx.midtrans.com",
)
MIDTRANS_STAGING = GatewayProfile(
    name="midtrans-staging",
    base_url="https://merchants.stg.midtrans.com",
    app_base_url="https://merchants-app.stg.midtrans.com",
)
MIDTRANS_PRODUCTION = GatewayProfile(
    name="midtrans-production",
    base_url="https://merchants.midtrans.com",
    app_base_url="https://merchants-app.midtrans.com",
)

_KNOWN = (MIDTRANS_SANDBOX, MIDTRANS_STAGING, MIDTRANS_PRODUCTION)


def generic_profile(
    base_url: str,
    *,
    name: str = "generic",
    app_base_url: str | None = None,
    path_prefix: str = "",
    token_path: str = DEFAULT_TOKEN_PATH,
    token_body_key: str = "grantType",
    timestamp_style: TimestampStyle = TimestampStyle.JAKARTA,
    signature_scheme: SignatureScheme = SignatureScheme.SYMMETRIC,
    external_id_form: ExternalIdForm = ExternalIdForm.SNAP,
) -> GatewayProfile:
    """A profile for any SNAP provider; every difference from Midtrans is a keyword argument."""
    return GatewayProfile(
        name=name,
        base_url=base_url,
        app_base_url=app_base_url,
        path_prefix=path_prefix,
        token_path=token_path,
        token_body_key=token_body_key,
        timestamp_style=timestamp_style,
        signature_scheme=signature_scheme,
        external_id_form=external_id_form,
    )


def profile_from_env(
    environ: Mapping[str, str] | None = None, *, default: GatewayProfile = MIDTRANS_SANDBOX
) -> GatewayProfile:
    """``default``, or the profile at ``BISNAP_BASE_URL`` when that variable is set.

    A URL that is one of the known Midtrans hosts gives that profile; any other URL gives
    ``default`` pointed at it.
    """
    env = os.environ if environ is None else environ
    raw = env.get("BISNAP_BASE_URL", "").strip()
    if not raw:
        return default
    try:
        url = _normalise_url(raw, "base_url")
    except ConfigurationError as exc:
        raise ConfigurationError(
            f"BISNAP_BASE_URL: {exc.message}", field="BISNAP_BASE_URL"
        ) from None
    for known in _KNOWN:
        if known.base_url == url:
            return known
    return default.with_base_url(url)
