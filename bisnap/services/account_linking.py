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
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote, urlencode

from typing_extensions import Unpack

from bisnap.credentials import Credentials
from bisnap.gateways import GatewayProfile
from bisnap.models.account_linking import (
    AuthCodeParams,
    BindingInquiryRequest,
    BindingInquiryResponse,
    BindRequest,
    BindResponse,
    UnbindRequest,
    UnbindResponse,
)
from bisnap.models.common import SnapResponse
from bisnap.services.base import AsyncService, Headers, SyncService, Timeout
from bisnap.services.fields import BindFields, BindingInquiryFields, UnbindFields
from bisnap.services.operation import Operation
from bisnap.signing import sign_rsa

__all__ = [
    "AUTH_CODE",
    "BIND",
    "INQUIRY",
    "UNBIND",
    "AccountLinking",
    "AsyncAccountLinking",
    "auth_code_url",
    "seamless_data",
]

AUTH_CODE = Operation(
    name="account_linking.auth_code_url",
    method="GET",
    path="/v1.0/get-auth-code",
    service_code="10",
    request_model=AuthCodeParams,
    response_model=SnapResponse,
    read_only=True,
    host="app",
)
BIND = Operation(
    name="account_linking.bind",
    method="POST",
    path="/v1.0/registration-account-binding",
    service_code="07",
    request_model=BindRequest,
    response_model=BindResponse,
    status_operation=(
        "account_linking.auth_code_url (link the same phone again: the gateway returns the "
        "same customer token)"
    ),
)
INQUIRY = Operation(
    name="account_linking.inquiry",
    method="POST",
    path="/v1.0/registration-account-inquiry",
    service_code="08",
    request_model=BindingInquiryRequest,
    response_model=BindingInquiryResponse,
    read_only=True,
    needs_device_id=True,
)
UNBIND = Operation(
    name="account_linking.unbind",
    method="POST",
    path="/v1.0/registration-account-unbinding",
    service_code="09",
    request_model=UnbindRequest,
    response_model=UnbindResponse,
    status_operation="account_linking.inquiry",
    needs_customer_token=True,
    needs_device_id=True,
)


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


def _params(request: AuthCodeParams | None, fields: Mapping[str, Any]) -> AuthCodeParams:
    if request is None and "state" not in fields:
        fields = {**fields, "state": secrets.token_hex(16)}
    return AUTH_CODE.build(request, fields)


class AsyncAccountLinking(AsyncService):
    """GoPay tokenization account linking."""

    def auth_code_url(self, request: AuthCodeParams | None = None, /, **fields: Any) -> str:
        """The URL to send the customer's browser to (no request is made). ``state`` is
        generated when not given: keep it and compare it on the redirect back."""
        core = self._client.core
        return auth_code_url(core.profile, core.credentials, _params(request, fields))

    async def bind(
        self,
        request: BindRequest | None = None,
        /,
        *,
        external_id: str | None = None,
        headers: Headers = None,
        timeout: Timeout = None,
        **fields: Unpack[BindFields],
    ) -> BindResponse:
        """Swap the ``authCode`` from the redirect for the customer token
        (``response.customer_token``). A repeated X-EXTERNAL-ID within 24 h is a conflict."""
        return await self._call(BIND, request, fields, external_id, headers, timeout)

    async def inquiry(
        self,
        request: BindingInquiryRequest | None = None,
        /,
        *,
        external_id: str | None = None,
        customer_token: str | None = None,
        device_id: str | None = None,
        headers: Headers = None,
        timeout: Timeout = None,
        **fields: Unpack[BindingInquiryFields],
    ) -> BindingInquiryResponse:
        """The binding's state and payment options (call it before each payment)."""
        return await self._call(
            INQUIRY, request, fields, external_id, headers, timeout, customer_token, device_id
        )

    async def unbind(
        self,
        request: UnbindRequest | None = None,
        /,
        *,
        external_id: str | None = None,
        customer_token: str | None = None,
        device_id: str | None = None,
        headers: Headers = None,
        timeout: Timeout = None,
        **fields: Unpack[UnbindFields],
    ) -> UnbindResponse:
        """End the link (needs ``customer_token=`` and ``device_id=``)."""
        return await self._call(
            UNBIND, request, fields, external_id, headers, timeout, customer_token, device_id
        )


# --- generated by scripts/unasync.py from the Async classes above: do not edit ---


class AccountLinking(SyncService):
    """GoPay tokenization account linking."""

    def auth_code_url(self, request: AuthCodeParams | None = None, /, **fields: Any) -> str:
        """The URL to send the customer's browser to (no request is made). ``state`` is
        generated when not given: keep it and compare it on the redirect back."""
        core = self._client.core
        return auth_code_url(core.profile, core.credentials, _params(request, fields))

    def bind(
        self,
        request: BindRequest | None = None,
        /,
        *,
        external_id: str | None = None,
        headers: Headers = None,
        timeout: Timeout = None,
        **fields: Unpack[BindFields],
    ) -> BindResponse:
        """Swap the ``authCode`` from the redirect for the customer token
        (``response.customer_token``). A repeated X-EXTERNAL-ID within 24 h is a conflict."""
        return self._call(BIND, request, fields, external_id, headers, timeout)

    def inquiry(
        self,
        request: BindingInquiryRequest | None = None,
        /,
        *,
        external_id: str | None = None,
        customer_token: str | None = None,
        device_id: str | None = None,
        headers: Headers = None,
        timeout: Timeout = None,
        **fields: Unpack[BindingInquiryFields],
    ) -> BindingInquiryResponse:
        """The binding's state and payment options (call it before each payment)."""
        return self._call(
            INQUIRY, request, fields, external_id, headers, timeout, customer_token, device_id
        )

    def unbind(
        self,
        request: UnbindRequest | None = None,
        /,
        *,
        external_id: str | None = None,
        customer_token: str | None = None,
        device_id: str | None = None,
        headers: Headers = None,
        timeout: Timeout = None,
        **fields: Unpack[UnbindFields],
    ) -> UnbindResponse:
        """End the link (needs ``customer_token=`` and ``device_id=``)."""
        return self._call(
            UNBIND, request, fields, external_id, headers, timeout, customer_token, device_id
        )


# --- end of generated code ---
