"""Objects used by several Core API families: customers, addresses, items, URLs, refunds."""

from __future__ import annotations

from typing import Annotated

from bisnap.models.common import Amount, Quantity, SnapObject, SnapTimestamp, limit

__all__ = [
    "Address",
    "CustomerDetails",
    "Item",
    "PayOptionSummary",
    "RefundHistoryEntry",
    "StatusReason",
    "UrlParam",
]


class Address(SnapObject):
    """``billingAddress`` / ``shippingAddress``."""

    first_name: str | None = None
    last_name: str | None = None
    address: str | None = None
    city: str | None = None
    postal_code: str | None = None
    phone: Annotated[str, limit(15)] | None = None
    country_code: str | None = None


class CustomerDetails(SnapObject):
    """``additionalInfo.customerDetails``."""

    first_name: str | None = None
    last_name: str | None = None
    email: str | None = None
    phone: Annotated[str, limit(15)] | None = None
    billing_address: Address | None = None
    shipping_address: Address | None = None


class Item(SnapObject):
    """One line item. ``quantity`` may be a number (VA samples) or a numeric string (debit)."""

    id: Annotated[str, limit(32)] | None = None
    price: Amount
    quantity: Quantity
    name: Annotated[str, limit(64)]
    merchant_name: str | None = None
    brand: str | None = None
    category: str | None = None
    url: str | None = None


class UrlParam(SnapObject):
    """``urlParams[]``: where the customer returns after paying."""

    url: Annotated[str, limit(512)]
    type: str = "PAY_RETURN"
    is_deeplink: Annotated[str, limit(1, r"^[YN]$", what="Y or N")] = "N"


class StatusReason(SnapObject):
    """``paymentFlagReason`` and similar ``{english, indonesia}`` pairs."""

    english: str | None = None
    indonesia: str | None = None


class PayOptionSummary(SnapObject):
    """``payOptionDetails[]`` / ``userPaymentDetails[]`` in answers."""

    pay_method: str | None = None
    pay_option: str | None = None


class RefundHistoryEntry(SnapObject):
    """One ``refundHistory[]`` entry of a status answer."""

    refund_no: str | None = None
    partner_reference_no: str | None = None
    refund_amount: Amount | None = None
    refund_status: str | None = None
    refund_date: SnapTimestamp | None = None
    reason: str | None = None
