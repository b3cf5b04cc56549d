"""Request-only string rules: the length and the characters a request field may have.

A rule is checked while a request is built in Python; a gateway answer (validated with
:data:`~bisnap.models.common.LENIENT`) is kept as received.
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import AfterValidator, ValidationInfo

from bisnap.models.common import is_lenient

__all__ = ["REFERENCE_CHARS", "REFUND_CHARS", "limit", "reference", "refund_reference"]


def limit(max_length: int | None = None, pattern: str | None = None, *, what: str = "") -> Any:
    """A validator enforcing length and characters on requests only (responses are lenient).

    Use as ``Annotated[str, limit(36, r"^[A-Za-z0-9\\-_~.]+$")]``. The length applies to text:
    on a field that may also be a number (:data:`~bisnap.models.common.Quantity`) a number
    passes unchecked.
    """
    compiled = re.compile(pattern) if pattern is not None else None

    def check(value: str, info: ValidationInfo) -> str:
        if is_lenient(info):
            return value
        if max_length is not None and isinstance(value, str) and len(value) > max_length:
            raise ValueError(f"is {len(value)} characters long; at most {max_length} allowed")
        if compiled is not None and not compiled.fullmatch(value):
            raise ValueError(f"may contain only {what or compiled.pattern}")
        return value

    return AfterValidator(check)


REFERENCE_CHARS = r"^[A-Za-z0-9\-_~.]+$"
"""``partnerReferenceNo`` / ``trxId``: letters, digits and ``- _ ~ .`` (spec section 8)."""
REFUND_CHARS = r"^[A-Za-z0-9\-_]+$"
"""``partnerRefundNo``: letters, digits, ``-`` and ``_``."""


def reference(max_length: int) -> Any:
    """Validator for a merchant reference number (``partnerReferenceNo``, ``trxId``)."""
    return limit(max_length, REFERENCE_CHARS, what="letters, digits and - _ ~ .")


def refund_reference(max_length: int) -> Any:
    """Validator for ``partnerRefundNo``."""
    return limit(max_length, REFUND_CHARS, what="letters, digits, - and _")
