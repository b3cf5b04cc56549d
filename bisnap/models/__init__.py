"""Pydantic models of SNAP requests and responses, one module per API family.

:mod:`bisnap.models.common` holds the conventions (camelCase on the wire, ``Decimal`` money,
unknown response fields kept, lenient parsing of gateway anomalies).
"""

from bisnap.models.common import (
    Amount,
    SnapModel,
    SnapObject,
    SnapRequest,
    SnapResponse,
    SnapTimestamp,
)

__all__ = ["Amount", "SnapModel", "SnapObject", "SnapRequest", "SnapResponse", "SnapTimestamp"]
