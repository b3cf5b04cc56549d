"""The call options a service method takes besides its request's fields, as TypedDicts.

The generated ``...Fields`` of :mod:`bisnap.services.fields` inherit one of them, so type
checkers see the options and the fields as one set of keyword parameters.
"""

# No ``from __future__ import annotations``: ``Required`` must be seen when the class is made.

from collections.abc import Mapping

import httpx
from typing_extensions import Required, TypedDict

__all__ = ["CallKeywords", "CustomerKeywords", "LinkedCustomerKeywords"]


class CallKeywords(TypedDict, total=False):
    """The options every call takes besides the request's fields."""

    external_id: str | None
    """The ``X-EXTERNAL-ID`` (default: generated, or the field the operation ties to it)."""
    headers: Mapping[str, str] | None
    """Extra end-customer headers (``X-IP-ADDRESS``, ``X-LATITUDE``...)."""
    timeout: httpx.Timeout | float | None
    """This call's timeout; None keeps the client's."""


class CustomerKeywords(CallKeywords, total=False):
    """The options of a call that may be made on a linked customer's behalf (GoPay
    tokenization)."""

    customer_token: str | None
    """The customer token from bind, sent as ``Authorization-Customer``."""
    device_id: str | None
    """``X-DEVICE-ID`` (default: the client's ``device_id``)."""


class LinkedCustomerKeywords(CallKeywords, total=False):
    """The options of a call only a linked customer makes: ``customer_token`` is required."""

    customer_token: Required[str]
    """The customer token from bind, sent as ``Authorization-Customer``."""
    device_id: str | None
    """``X-DEVICE-ID`` (default: the client's ``device_id``)."""
