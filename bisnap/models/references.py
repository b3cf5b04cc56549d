"""The reference-number fields that SNAP answers repeat, declared once.

Each group is a mixin listing its fields in the order the answers send them; a model puts it
first among its bases (``class QrisGenerateResponse(ReferenceNumbers, SnapResponse)``) so the
group's fields come right after ``responseCode``/``responseMessage``, as on the wire.
"""

from __future__ import annotations

from bisnap.models.common import SnapModel

__all__ = ["OriginalIdentifiers", "OriginalReferences", "ReferenceNumbers"]


class ReferenceNumbers(SnapModel):
    """``referenceNo`` (the gateway's id of the transaction) then ``partnerReferenceNo`` (the
    merchant's)."""

    reference_no: str | None = None
    partner_reference_no: str | None = None


class OriginalReferences(SnapModel):
    """The original transaction's ``originalReferenceNo`` then ``originalPartnerReferenceNo``
    (query, capture, void and transfer-status answers)."""

    original_reference_no: str | None = None
    original_partner_reference_no: str | None = None


class OriginalIdentifiers(SnapModel):
    """``originalPartnerReferenceNo``, ``originalReferenceNo`` and ``originalExternalId``, in
    the order the QRIS cancel / refund and debit status answers send them."""

    original_partner_reference_no: str | None = None
    original_reference_no: str | None = None
    original_external_id: str | None = None
