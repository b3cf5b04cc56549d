"""Endpoint families of the emulator, and the contract for adding one.

Each family is a module (or a package, as payouts is: seed data, typed state, controls,
notifications, handlers) ``bisnap/emulator/endpoints/<family>`` with a function::

    def register(table: RouteTable) -> None:
        table.add(Endpoint("POST", "/v1.0/balance-inquiry", "11", balance_inquiry,
                           family="payouts", replay=False))

or declares its endpoints beside the handlers with a :class:`~bisnap.emulator.routes.Family`::

    _ENDPOINTS = Family("payouts")

    @_ENDPOINTS.post("/v1.0/balance-inquiry", "11", "Balance inquiry")
    def balance_inquiry(call: Call) -> dict[str, Any]: ...

    register = _ENDPOINTS.register

(``@_ENDPOINTS.on_payment_change`` and ``@_ENDPOINTS.on_pay`` declare the hooks below.)

It is listed in :data:`FAMILIES`; a listed module that does not exist yet is skipped.

**What the framework does before a handler runs** (``Endpoint.auth`` = ``Auth.B2B``, the
default), in this order, answering with the endpoint's service code ``SS``:

1. ``Authorization`` missing → ``401SS00 Unauthorized. Auth token required``; a missing
   ``Content-Type``, ``X-TIMESTAMP``, ``X-SIGNATURE``, ``X-PARTNER-ID``, ``X-EXTERNAL-ID``,
   ``CHANNEL-ID`` (and ``X-DEVICE-ID`` when ``device_id=True``, ``Authorization-Customer`` when
   ``customer_token=CustomerToken.REQUIRED``) → ``400SS02 Invalid Mandatory Field <header>``.
2. Bearer token unknown or expired → ``401SS01 Invalid Token (B2B)``.
3. ``X-TIMESTAMP`` malformed → ``400SS01``; outside the window → ``401SS00``.
4. Body not JSON → ``400SS00``; HMAC-SHA512 over the exact received bytes (minified, never
   re-serialised) wrong → ``401SS00 Unauthorized. Signature``.
5. ``X-PARTNER-ID`` / ``CHANNEL-ID`` not the merchant's → ``401SS00``; ``CHANNEL-ID`` not five
   digits or ``X-EXTERNAL-ID`` not of :attr:`bisnap.external_id.ExternalIdForm.SNAP` (1-36
   characters of ``[A-Za-z0-9-_.~]``) → ``400SS01``. (Payouts handlers further require
   :attr:`~bisnap.external_id.ExternalIdForm.NUMERIC`.)
6. ``Authorization-Customer`` (when the endpoint takes one) not an enabled binding of this
   merchant → ``401SS02 Invalid Customer Token``.
7. ``X-EXTERNAL-ID`` already answered successfully today (Jakarta date) for this merchant →
   ``409SS00``; unless ``replay=True`` and path and minified body are identical, in which case
   the original answer is returned again. A failed answer does not use the id up.

**The handler** gets a :class:`~bisnap.emulator.routes.Call` (with the emulator lock held):
``call.merchant``, ``call.external_id``, ``call.binding`` (customer), ``call.now`` (from the
emulator's clock), ``call.body`` (parsed) and ``call.fields`` (typed access that raises
``400SS02``/``400SS01`` naming the field), ``call.state`` (the
:class:`~bisnap.emulator.state.EmulatorState`: merchants and their ``balance``, payments,
bindings, ``state.part(SomeDataclass)`` for a family's own typed records (one instance per
emulator, made on first use), ``state.ledger``,
``state.new_reference()``), and ``call.notify(relative_path, body)``.

It returns the success body as a dict (the framework puts ``responseCode`` ``200SS00`` and
``responseMessage`` ``"Successful"`` first unless the dict has its own ``responseMessage``), or
an :class:`~bisnap.emulator.responses.EmulatorResponse`, or raises
:class:`~bisnap.emulator.responses.SnapFailure` (e.g. ``SnapFailure.insufficient_funds()`` →
``403SS14``, ``SnapFailure.duplicate()`` → ``409SS01``, ``SnapFailure(404, "11", "...")``).

**Ledger**: every money movement is recorded in ``call.state.ledger``
(:class:`~bisnap.emulator.ledger.Ledger`): ``ledger.open(client_id=, reference_no=,
partner_reference_no=, external_id=, type="DISBURSEMENT", channel="bca", status="COMPLETED",
amount=, time=call.now, remark=..., account_no=..., details={...})`` and
``ledger.event(client_id, reference_no, kind="refunded", time=, status=, amount=)``. Payments
kept as :class:`~bisnap.emulator.state.Payment` move state with
``call.emulator.payments.transition(payment, status, now, event=...)``, which writes the ledger
event and runs the hook registered with ``table.on_payment_change(kind, hook)`` (notifications).
``table.on_pay(kind, payer)`` says how the ``pay_*`` controls pay a payment of that kind
(default: settle the amount given).

These checks live in :mod:`bisnap.emulator.admission`; routing, faults and the envelope in
:mod:`bisnap.emulator.dispatch`; the payment state machine in :mod:`bisnap.emulator.payments`.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable

from bisnap.emulator.routes import RouteTable

__all__ = ["FAMILIES", "register_families"]

FAMILIES: tuple[str, ...] = (
    "auth",
    "va",
    "qris",
    "debit",
    "linking",
    "preauth",
    "payouts",
    "reporting",
)
"""Every endpoint family, in registration order."""


def register_families(table: RouteTable, families: Iterable[str] | None = None) -> tuple[str, ...]:
    """Register the chosen families (default: all available); returns those registered.

    ``auth`` (the access-token endpoint) is always registered.
    """
    wanted = list(FAMILIES if families is None else families)
    if "auth" not in wanted:
        wanted.insert(0, "auth")
    unknown = sorted(set(wanted) - set(FAMILIES))
    if unknown:
        raise ValueError(f"unknown endpoint families: {', '.join(unknown)}")
    registered: list[str] = []
    for family in FAMILIES:
        if family not in wanted:
            continue
        module_name = f"{__name__}.{family}"
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name == module_name and families is None:
                continue
            raise
        module.register(table)
        registered.append(family)
    return tuple(registered)
