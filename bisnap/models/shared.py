"""Objects used by several Core API families: customers, addresses, items, URLs, refunds."""

from __future__ import annotations

from typing import Annotated

from bisnap.models.common import Amount, Quantity, SnapObject, SnapTimestamp
from bisnap.models.rules import limit
from bisnap.notifications.payloads import PayOptionFields

__all__ = [
    "Address",
    "CustomerDetails",
    "Item",
    "PayOptionSummary",
    "RefundHistoryEntry",
    "StatusReason",
    "UrlParam",
]


Text255 = Annotated[str, limit(255)]
"""String(255): names, email, address lines of ``customerDetails`` (VA and debit pages)."""
Text64 = Annotated[str, limit(64)]


class Address(SnapObject):
    """``billingAddress`` / ``shippingAddress``: String(255) fields, ``phone`` String(15),
    ``countryCode`` String(15)."""

    first_name: Text255 | None = None
    last_name: Text255 | None = None
    address: Text255 | None = None
    city: Text255 | None = None
    postal_code: Text255 | None = None
    phone: Annotated[str, limit(15)] | None = None
    country_code: Annotated[str, limit(15)] | None = None


class CustomerDetails(SnapObject):
    """``additionalInfo.customerDetails``: names and email String(255), ``phone`` String(15)."""

    first_name: Text255 | None = None
    last_name: Text255 | None = None
    email: Text255 | None = None
    phone: Annotated[str, limit(15)] | None = None
    billing_address: Address | None = None
    shipping_address: Address | None = None


class Item(SnapObject):
    """One line item. ``quantity`` may be a number (VA samples) or a numeric string of at most
    16 characters (debit, tokenization: String(16)); merchantName, brand, category and url are
    String(64)."""

    id: Annotated[str, limit(32)] | None = None
    price: Amount
    quantity: Annotated[Quantity, limit(16)]
    name: Text64
    merchant_name: Text64 | None = None
    brand: Text64 | None = None
    category: Text64 | None = None
    url: Text64 | None = None


class UrlParam(SnapObject):
    """``urlParams[]``: where the customer returns after paying."""

    url: Annotated[str, limit(512)]
    type: Annotated[str, limit(32)] = "PAY_RETURN"
    is_deeplink: Annotated[str, limit(1, r"^[YN]$", what="Y or N")] = "N"


class StatusReason(SnapObject):
    """``paymentFlagReason`` and similar ``{english, indonesia}`` pairs."""

    english: str | None = None
    indonesia: str | None = None


class PayOptionSummary(PayOptionFields, SnapObject):
    """``payOptionDetails[]`` / ``userPaymentDetails[]`` in answers: ``payMethod`` and
    ``payOption``, the object notifications carry as ``PaymentDetail``."""


class RefundHistoryEntry(SnapObject):
    """One ``refundHistory[]`` entry of a status answer."""

    refund_no: str | None = None
    partner_reference_no: str | None = None
    refund_amount: Amount | None = None
    refund_status: str | None = None
    refund_date: SnapTimestamp | None = None
    reason: str | None = None
