"""A strict local Midtrans BI-SNAP gateway, for tests and demos (extra ``bisnap[emulator]``).

In-process, no sockets (sync or async httpx clients)::

    from bisnap.emulator import Emulator

    emulator = Emulator(notification_retry_scale=0)
    emulator.register_merchant(client_id="G-CLIENT", client_secret="secret",
                               partner_id="G123", merchant_public_key=public_pem)
    client = httpx.Client(base_url="http://emulator", transport=emulator.transport())

Over loopback HTTP: ``with run_in_thread(emulator) as server: ... server.base_url``.
Simulation controls: :meth:`Emulator.pay_va`, ``pay_qris``, ``pay_debit``, ``expire``, ``fail``,
``set_balance``, ``inject_fault``; the same under ``/_emulator/`` (:mod:`bisnap.emulator.admin`).
Payouts notifications (``register_merchant(iris_merchant_key=..., payouts_notify_url=...)``):
:func:`fail_transfer`, :func:`reverse_transfer`, :func:`post_topup`,
:func:`inject_payouts_notification_fault`, :func:`payouts_notifications`.
pytest: installing bisnap registers the ``snap_emulator`` fixture
(:mod:`bisnap.emulator.pytest_plugin`); its helpers are in :mod:`bisnap.emulator.testing`.
"""

from bisnap.emulator.core import Emulator, SimulationError
from bisnap.emulator.endpoints.payouts import fail_transfer, reverse_transfer
from bisnap.emulator.faults import Fault
from bisnap.emulator.ledger import Ledger, LedgerEvent, LedgerRecord
from bisnap.emulator.notifications import DeliveryAttempt, Notification
from bisnap.emulator.payouts_notify import (
    inject_payouts_notification_fault,
    payouts_notifications,
    post_topup,
    release_held_payouts_notifications,
)
from bisnap.emulator.responses import EmulatorResponse, SnapFailure
from bisnap.emulator.routes import Auth, Call, CustomerToken, Endpoint, RouteTable
from bisnap.emulator.server import (
    BackgroundServer,
    EmulatorOptions,
    RunningEmulator,
    emulator_from_options,
    run_in_thread,
    serve,
    serve_from_options,
)
from bisnap.emulator.state import Binding, Merchant, Payment, Refund

__all__ = [
    "Auth",
    "BackgroundServer",
    "Binding",
    "Call",
    "CustomerToken",
    "DeliveryAttempt",
    "Emulator",
    "EmulatorOptions",
    "EmulatorResponse",
    "Endpoint",
    "Fault",
    "Ledger",
    "LedgerEvent",
    "LedgerRecord",
    "Merchant",
    "Notification",
    "Payment",
    "Refund",
    "RouteTable",
    "RunningEmulator",
    "SimulationError",
    "SnapFailure",
    "emulator_from_options",
    "fail_transfer",
    "inject_payouts_notification_fault",
    "payouts_notifications",
    "post_topup",
    "release_held_payouts_notifications",
    "reverse_transfer",
    "run_in_thread",
    "serve",
    "serve_from_options",
]
