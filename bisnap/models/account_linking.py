"""Account linking (GoPay tokenization): get-auth-code URL, bind, binding inquiry, unbind.

The customer token returned by bind is a secret: it is kept out of ``repr`` and is sent as
``Authorization-Customer: Bearer <token>`` by the calls that need it (``customer_token=``).
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, StrictInt

from bisnap.models.common import AmountValue, SnapObject, SnapRequest, SnapResponse
from bisnap.models.rules import limit

__all__ = [
    "AccessTokenInfo",
    "AuthCodeParams",
    "Balance",
    "BindRequest",
    "BindResponse",
    "BindingInquiryInfo",
    "BindingInquiryRequest",
    "BindingInquiryRequestInfo",
    "BindingInquiryResponse",
    "PaymentOption",
    "UnbindRequest",
    "UnbindResponse",
]


class AuthCodeParams(SnapRequest):
    """Query parameters of ``GET /v1.0/get-auth-code`` (built into a URL, never sent by us).

    ``merchant_id`` is the GoPay payment handle (a UUID), not the MID. ``mobile_number`` is
    the customer's number with country code and no ``+`` (``62812...``).
    """

    redirect_url: Annotated[str, limit(256)]
    # The page types state as String(32), a random CSRF string, without a character set;
    # the URL is built with urlencode, so any character is carried safely.
    state: Annotated[str, limit(32, r"^.+$", what="at least one character, no line breaks")]
    merchant_id: Annotated[str, limit(64)]
    mobile_number: Annotated[str, limit(20, r"^\d{6,20}$", what="digits, country code first")]
    scopes: Annotated[str, limit(256)] = "DEFAULT"
    lang: Annotated[str, limit(2, r"^(en|id)$", what="en or id")] = "id"
    payment_type: str = "gopay"


class BindRequest(SnapRequest):
    """``POST /v1.0/registration-account-binding``: swap the ``authCode`` for a customer token."""

    merchant_id: Annotated[str, limit(64)]
    auth_code: Annotated[str, limit(256)] = Field(repr=False)
    grant_type: Annotated[str, limit(64)] = "AUTHORIZATION_CODE"


class AccessTokenInfo(SnapObject):
    """``accessTokenInfo`` of a bind answer (the token is kept out of ``repr``)."""

    access_token: str | None = Field(default=None, repr=False)


class BindResponse(SnapResponse):
    """Answer to bind: ``customer_token`` is what later calls send as ``Authorization-Customer``."""

    reference_no: str | None = None
    access_token_info: AccessTokenInfo | None = None

    @property
    def customer_token(self) -> str | None:
        """The customer token for ``Authorization-Customer`` (None if the answer had none)."""
        info = self.access_token_info
        return info.access_token if info is not None else None


class BindingInquiryRequestInfo(SnapObject):
    """``accountId``: a legacy Core API account id to swap for a SNAP customer token."""

    account_id: str | None = None


class BindingInquiryRequest(SnapRequest):
    """``POST /v1.0/registration-account-inquiry`` (pass ``customer_token=`` for a SNAP
    binding; omit it when swapping a legacy ``accountId``)."""

    additional_info: BindingInquiryRequestInfo | None = None


class Balance(SnapObject):
    """A balance: the inquiry sends ``value`` as a JSON number; a number stays a number."""

    value: StrictInt | AmountValue | None = None
    currency: str | None = None


class PaymentOption(SnapObject):
    """One ``paymentOptions[]`` entry; ``token`` is the ``paymentOptionToken`` for payments."""

    name: str | None = None
    active: bool | None = None
    balance: Balance | None = None
    token: str | None = Field(default=None, repr=False)


class BindingInquiryInfo(SnapObject):
    """``additionalInfo`` of a binding inquiry: the payment options and their tokens."""

    access_token: str | None = Field(default=None, repr=False)
    payment_type: str | None = None
    payment_options: list[PaymentOption] | None = None


class BindingInquiryResponse(SnapResponse):
    """Answer to a binding inquiry; :meth:`payment_option` finds an option by name."""

    reference_no: str | None = None
    additional_info: BindingInquiryInfo | None = None

    def payment_option(self, name: str) -> PaymentOption | None:
        """The payment option called ``name`` (``GOPAY_WALLET``, ``PAY_LATER``...), if any."""
        info = self.additional_info
        for option in (info.payment_options or []) if info is not None else []:
            if option.name == name:
                return option
        return None


class UnbindRequest(SnapRequest):
    """``POST /v1.0/registration-account-unbinding`` (needs ``customer_token=``)."""

    merchant_id: Annotated[str, limit(64)]


class UnbindResponse(SnapResponse):
    """Answer to unbind."""

    reference_no: str | None = None
