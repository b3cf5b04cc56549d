"""``client.account_linking``: GoPay tokenization linking.

1. :meth:`AccountLinking.auth_code_url` builds the ``GET /v1.0/get-auth-code`` URL on the
   merchants-app host (with ``seamlessData`` / ``seamlessSign``) for the customer's browser;
2. the customer approves in GoPay and comes back to ``redirect_url`` with ``authCode``;
3. :meth:`AccountLinking.bind` swaps the ``authCode`` for the customer token;
4. :meth:`AccountLinking.inquiry` (before each payment) gives the payment option tokens;
5. :meth:`AccountLinking.unbind` ends the link.
"""

from __future__ import annotations

import secrets
from typing import Any
from urllib.parse import quote, urlencode

from typing_extensions import Unpack

from bisnap.credentials import Credentials
from bisnap.gateways import GatewayProfile
from bisnap.models.account_linking import AuthCodeParams
from bisnap.services.base import AsyncService, SyncService
from bisnap.services.core import ClientCore
from bisnap.services.endpoint import Endpoint
from bisnap.services.fields import AuthCodeFields, BindFields, BindingInquiryFields, UnbindFields
from bisnap.services.operations import LINK_AUTH_CODE as AUTH_CODE
from bisnap.services.operations import LINK_BIND as BIND
from bisnap.services.operations import LINK_INQUIRY as INQUIRY
from bisnap.services.operations import LINK_UNBIND as UNBIND
from bisnap.signing import sign_rsa

# The operations of bisnap.services.operations, under their family names, then the namespaces.
__all__ = [
    "AUTH_CODE",
    "BIND",
    "INQUIRY",
    "UNBIND",
    "AccountLinking",
    "AccountLinkingEndpoints",
    "AsyncAccountLinking",
    "auth_code_url",
    "seamless_data",
]


def seamless_data(mobile_number: str, payment_type: str = "gopay") -> str:
    """The ``seamlessData`` string before URL encoding: ``mobileNumber=62...&paymentType=gopay``."""
    return f"mobileNumber={mobile_number}&paymentType={payment_type}"


def auth_code_url(profile: GatewayProfile, credentials: Credentials, params: AuthCodeParams) -> str:
    """The get-auth-code URL for ``params``, signed with the merchant's private key.

    ``seamlessSign`` is base64 SHA256withRSA over the raw ``seamlessData`` string; both are
    URL-encoded in the query like every other parameter.
    """
    if profile.app_base_url is None:
        from bisnap.errors import ConfigurationError

        raise ConfigurationError(
            f"gateway profile {profile.name!r} has no app_base_url (get-auth-code host)",
            field="app_base_url",
        )
    data = seamless_data(params.mobile_number, params.payment_type)
    signature = sign_rsa(credentials.private_key, data)
    query = urlencode(
        [
            ("state", params.state),
            ("merchantId", params.merchant_id),
            ("lang", params.lang),
            ("scopes", params.scopes),
            ("redirectUrl", params.redirect_url),
            ("seamlessData", data),
            ("seamlessSign", signature),
        ],
        quote_via=quote,
        safe="",
    )
    return f"{profile.app_base_url}{profile.path(AUTH_CODE.path)}?{query}"


class AccountLinkingEndpoints:
    """GoPay tokenization account linking."""

    @property
    def _core(self) -> ClientCore:
        raise NotImplementedError  # pragma: no cover - AsyncService and SyncService give it

    def auth_code_url(
        self, request: AuthCodeParams | None = None, /, **fields: Unpack[AuthCodeFields]
    ) -> str:
        """The URL to send the customer's browser to (no request is made). ``state`` is
        generated when not given: keep it and compare it on the redirect back."""
        values: dict[str, Any] = dict(fields)
        if request is None:
            values.setdefault("state", secrets.token_hex(16))
        core = self._core
        return auth_code_url(core.profile, core.credentials, AUTH_CODE.build(request, values))

    bind = Endpoint(BIND, BindFields)
    inquiry = Endpoint(INQUIRY, BindingInquiryFields)
    unbind = Endpoint(UNBIND, UnbindFields)


class AsyncAccountLinking(AsyncService, AccountLinkingEndpoints):
    """``client.account_linking`` of :class:`~bisnap.client.AsyncSnapClient`."""


class AccountLinking(SyncService, AccountLinkingEndpoints):
    """``client.account_linking`` of :class:`~bisnap.client.SnapClient`."""
