"""``client.direct_debit``: GoPay, ShopeePay and DANA payments; status, cancel, refund."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bisnap.models.direct_debit import DebitPaymentRequest, check_tokenization_payment
from bisnap.services.base import AsyncService, SyncService
from bisnap.services.endpoint import Endpoint
from bisnap.services.fields import (
    DebitCancelFields,
    DebitPaymentFields,
    DebitRefundFields,
    DebitStatusFields,
)
from bisnap.services.keywords import CustomerKeywords
from bisnap.services.operations import DEBIT_CANCEL as CANCEL
from bisnap.services.operations import DEBIT_PAYMENT as PAYMENT
from bisnap.services.operations import DEBIT_REFUND as REFUND
from bisnap.services.operations import DEBIT_STATUS as STATUS

# The operations of bisnap.services.operations, under their family names, then the namespaces.
__all__ = [
    "CANCEL",
    "PAYMENT",
    "REFUND",
    "STATUS",
    "AsyncDirectDebit",
    "DirectDebit",
    "DirectDebitEndpoints",
    "PaymentKeywords",
]


class PaymentKeywords(DebitPaymentFields, CustomerKeywords, total=False):
    """A payment's keywords: a GoPay tokenization payment also takes ``customer_token``."""


def _check_tokenization(
    service: object, request: DebitPaymentRequest, options: Mapping[str, Any]
) -> DebitPaymentRequest:
    if options.get("customer_token") is not None:
        check_tokenization_payment(request)
    return request


class DirectDebitEndpoints:
    """GoPay, ShopeePay and DANA payments; status, cancel, refund."""

    payment = Endpoint(PAYMENT, PaymentKeywords, prepare=_check_tokenization)
    status = Endpoint(STATUS, DebitStatusFields)
    cancel = Endpoint(CANCEL, DebitCancelFields)
    refund = Endpoint(REFUND, DebitRefundFields)


class AsyncDirectDebit(AsyncService, DirectDebitEndpoints):
    """``client.direct_debit`` of :class:`~bisnap.client.AsyncSnapClient`."""


class DirectDebit(SyncService, DirectDebitEndpoints):
    """``client.direct_debit`` of :class:`~bisnap.client.SnapClient`."""
