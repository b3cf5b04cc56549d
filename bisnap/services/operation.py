"""What one SNAP operation is, as data: path, service code, request and response models,
and how it may be retried."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, Literal, TypeAlias, TypeVar

from bisnap.external_id import ExternalIdForm
from bisnap.models.common import SnapRequest, SnapResponse, validate_request

__all__ = ["AnyOperation", "Operation"]

_Req = TypeVar("_Req", bound=SnapRequest)
_Resp = TypeVar("_Resp", bound=SnapResponse)


@dataclass(frozen=True)
class Operation(Generic[_Req, _Resp]):
    """One SNAP endpoint and the rules the client core applies to it.

    ``name``               dotted public name, e.g. ``"direct_debit.payment"``
    ``method``, ``path``   HTTP method and path (``/v1.0/...``), appended to the host
    ``service_code``       the two-digit SNAP service code (``"54"``)
    ``request_model``      the :class:`SnapRequest` subclass keyword fields are validated into
    ``response_model``     the :class:`SnapResponse` subclass the body is parsed into
    ``money_moving``       payment, refund, capture, top-up: documented as such
    ``read_only``          status / query / inquiry: retried automatically on connection
                           errors, timeouts, 5xx and 429. Every other operation is never
                           resent once the request may have reached the gateway.
    ``status_operation``   what settles an unknown outcome (named in OutcomeUnknownError)
    ``external_id_field``  request attribute that must equal ``X-EXTERNAL-ID`` (``"trx_id"``);
                           either one is filled in from the other
    ``default_from_external_id``  request attribute set to ``X-EXTERNAL-ID`` when the caller
                           leaves it empty (``"partner_refund_no"``), without requiring equality
    ``needs_customer_token``  sends ``Authorization-Customer: Bearer <token>`` (mandatory)
    ``needs_device_id``    sends ``X-DEVICE-ID`` (mandatory)
    ``host``               ``"api"`` (profile.base_url) or ``"app"`` (profile.app_base_url)
    ``external_id_form``   the ``X-EXTERNAL-ID`` form this operation narrows the profile's to
                           (Payouts: ``NUMERIC``); None keeps the profile's
    ``doc``                what the operation does, shown as its service method's docstring
    """

    name: str
    method: Literal["GET", "POST"]
    path: str
    service_code: str
    request_model: type[_Req]
    response_model: type[_Resp]
    money_moving: bool = False
    read_only: bool = False
    status_operation: str | None = None
    external_id_field: str | None = None
    default_from_external_id: str | None = None
    needs_customer_token: bool = False
    needs_device_id: bool = False
    host: Literal["api", "app"] = "api"
    external_id_form: ExternalIdForm | None = None
    doc: str = field(default="", repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.money_moving and self.read_only:
            raise ValueError(f"{self.name}: an operation cannot both move money and be read-only")
        if not self.path.startswith("/"):
            raise ValueError(f"{self.name}: path must start with '/'")

    def build(self, request: _Req | None, fields: Mapping[str, Any]) -> _Req:
        """The validated request: ``request`` re-checked, or built from keyword ``fields``.

        Errors name this operation; an unknown keyword also names the closest field.
        """
        return validate_request(self.request_model, request, fields, where=self.name)


AnyOperation: TypeAlias = Operation[Any, Any]
"""An operation whatever its request and response models (what the client core handles)."""
