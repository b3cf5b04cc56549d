"""Pydantic models of SNAP requests and responses, one module per API family.

:mod:`bisnap.models.common` holds the conventions (camelCase on the wire, ``Decimal`` money,
unknown response fields kept, lenient parsing of gateway anomalies), :mod:`bisnap.models.rules`
the length and character rules of request fields.
"""

from bisnap.models.common import Amount as Amount
from bisnap.models.common import SnapModel as SnapModel
from bisnap.models.common import SnapObject as SnapObject
from bisnap.models.common import SnapRequest as SnapRequest
from bisnap.models.common import SnapResponse as SnapResponse
from bisnap.models.common import SnapTimestamp as SnapTimestamp

__all__ = ["Amount", "SnapModel", "SnapObject", "SnapRequest", "SnapResponse", "SnapTimestamp"]
