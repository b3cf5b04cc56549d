"""Route table, and the request context (:class:`Call`) handed to endpoint handlers.

:class:`~bisnap.emulator.fields.Fields` (``call.fields``) is re-exported here.

See :mod:`bisnap.emulator.endpoints` for the extension contract.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypeVar

from bisnap.emulator.fields import AMOUNT_PATTERN, Fields
from bisnap.emulator.responses import EmulatorResponse

if TYPE_CHECKING:
    from bisnap.emulator.core import Emulator
    from bisnap.emulator.state import Binding, EmulatorState, Merchant, Payment

__all__ = [
    "AMOUNT_PATTERN",
    "REFERENCE_PATTERN",
    "Auth",
    "Call",
    "CustomerToken",
    "Endpoint",
    "Family",
    "Fields",
    "Handler",
    "Payer",
    "PaymentHook",
    "RouteTable",
]

REFERENCE_PATTERN = re.compile(r"[A-Za-z0-9\-_~.]+")
"""Characters allowed in ``trxId`` / ``partnerReferenceNo``."""


class Auth(enum.Enum):
    """How the framework authenticates a request before the handler runs."""

    B2B = "b2b"
    """Bearer B2B token, HMAC-SHA512 signature, the standard SNAP headers, X-EXTERNAL-ID rules."""
    NONE = "none"
    """No checks: the handler does its own (the token endpoint, get-auth-code)."""


class CustomerToken(enum.Enum):
    """Whether ``Authorization-Customer`` is expected."""

    NONE = "none"
    OPTIONAL = "optional"
    REQUIRED = "required"


Handler = Callable[["Call"], "dict[str, Any] | EmulatorResponse"]
"""A handler returns the success body (sent with HTTP 200) or a full response."""

PaymentHook = Callable[["Emulator", "Payment", str, datetime], None]
"""Called as ``hook(emulator, payment, previous_status, now)`` after a payment changes state."""

Payer = Callable[["Emulator", "Payment", "Decimal | None"], "Payment"]
"""Called as ``payer(emulator, payment, amount_paid)`` to pay a pending payment of its kind."""


@dataclass(frozen=True)
class Endpoint:
    """One SNAP endpoint.

    ``replay``: an identical retry (same X-EXTERNAL-ID, path and minified body) after a success
    returns the original answer instead of ``409xx00`` (payment-related endpoints).
    ``device_id``: ``X-DEVICE-ID`` is mandatory.
    """

    method: str
    path: str
    service: str
    handler: Handler
    family: str
    auth: Auth = Auth.B2B
    replay: bool = False
    customer_token: CustomerToken = CustomerToken.NONE
    device_id: bool = False
    summary: str = ""


class RouteTable:
    """Endpoints by ``(METHOD, path)``, plus per-payment-kind state-change hooks."""

    def __init__(self) -> None:
        self._routes: dict[tuple[str, str], Endpoint] = {}
        self.payment_hooks: dict[str, PaymentHook] = {}
        self.payers: dict[str, Payer] = {}

    def add(self, endpoint: Endpoint) -> Endpoint:
        """Register an endpoint; registering the same method and path twice is an error."""
        key = (endpoint.method.upper(), endpoint.path)
        if key in self._routes:
            raise ValueError(f"{key[0]} {key[1]} is already registered")
        if not re.fullmatch(r"\d{2}", endpoint.service):
            raise ValueError(f"service code {endpoint.service!r} is not two digits")
        self._routes[key] = endpoint
        return endpoint

    def on_payment_change(self, kind: str, hook: PaymentHook) -> None:
        """Call ``hook`` whenever a payment of ``kind`` changes state (to notify, mostly)."""
        self.payment_hooks[kind] = hook

    def on_pay(self, kind: str, payer: Payer) -> None:
        """Pay payments of ``kind`` with ``payer`` (default: settle the amount given)."""
        self.payers[kind] = payer

    def get(self, method: str, path: str) -> Endpoint | None:
        """The endpoint for this method and path, or None."""
        return self._routes.get((method.upper(), path))

    def has_path(self, path: str) -> bool:
        """Whether any method is registered for ``path``."""
        return any(p == path for _, p in self._routes)

    def endpoints(self) -> list[Endpoint]:
        """Every endpoint, in registration order."""
        return list(self._routes.values())


_H = TypeVar("_H", bound=Handler)
_P = TypeVar("_P", bound=PaymentHook)
_Y = TypeVar("_Y", bound=Payer)


class Family:
    """A family's endpoints and payment hooks, declared beside the handlers.

    ``@family.post(path, service, summary)`` declares a handler; :meth:`register` (the family
    module's ``register``) puts everything in a :class:`RouteTable`. Payments the family keeps
    are of the kind named like the family.
    """

    def __init__(self, name: str) -> None:
        self.name = name
        self._endpoints: list[Endpoint] = []
        self._payment_hook: PaymentHook | None = None
        self._payer: Payer | None = None

    def post(
        self,
        path: str,
        service: str,
        summary: str,
        *,
        replay: bool = False,
        customer_token: CustomerToken = CustomerToken.NONE,
        device_id: bool = False,
    ) -> Callable[[_H], _H]:
        """Declare the decorated handler as ``POST path`` (see :class:`Endpoint`)."""

        def declare(handler: _H) -> _H:
            self._endpoints.append(
                Endpoint(
                    "POST",
                    path,
                    service,
                    handler,
                    self.name,
                    replay=replay,
                    customer_token=customer_token,
                    device_id=device_id,
                    summary=summary,
                )
            )
            return handler

        return declare

    def on_payment_change(self, hook: _P) -> _P:
        """Declare the hook run whenever a payment of this family changes state."""
        self._payment_hook = hook
        return hook

    def on_pay(self, payer: _Y) -> _Y:
        """Declare how the ``pay_*`` controls pay a payment of this family."""
        self._payer = payer
        return payer

    def register(self, table: RouteTable) -> None:
        """Register the declared endpoints and hooks."""
        for endpoint in self._endpoints:
            table.add(endpoint)
        if self._payment_hook is not None:
            table.on_payment_change(self.name, self._payment_hook)
        if self._payer is not None:
            table.on_pay(self.name, self._payer)


@dataclass
class Call:
    """One authenticated request, as a handler sees it (the emulator lock is held)."""

    emulator: Emulator
    endpoint: Endpoint
    method: str
    path: str
    query: Mapping[str, str] = field(repr=False)
    headers: Mapping[str, str] = field(repr=False)
    raw_body: bytes = field(repr=False)
    body: dict[str, Any] = field(repr=False)
    now: datetime
    merchant: Merchant | None = None
    external_id: str = ""
    binding: Binding | None = None
    fields: Fields = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.fields = Fields(self.body)

    @property
    def state(self) -> EmulatorState:
        """The emulator's state."""
        return self.emulator.state

    @property
    def client_id(self) -> str:
        """The authenticated merchant's client id."""
        if self.merchant is None:
            raise RuntimeError("this endpoint is not authenticated")
        return self.merchant.client_id

    def header(self, name: str) -> str | None:
        """A request header (case-insensitive)."""
        return self.headers.get(name.lower())

    def notify(self, relative_path: str, body: dict[str, Any], *, linking: bool = False) -> None:
        """Queue a signed notification to this merchant (see :meth:`Emulator.notify`)."""
        self.emulator.notify(self.client_id, relative_path, body, linking=linking)
