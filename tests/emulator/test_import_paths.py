"""Names that moved inside the emulator still import from where they were."""

from __future__ import annotations

import importlib

import pytest

import bisnap.emulator
from bisnap.emulator.endpoints.payouts import notifications as payouts_notifications_module

OLD_PATHS = {
    "bisnap.emulator.core": ["Admitted", "Emulator", "SimulationError"],
    "bisnap.emulator.payouts_notify": [
        "PAYOUTS_NOTIFICATION_FAULTS",
        "check_payouts_notification_settings",
        "inject_payouts_notification_fault",
        "payout_notification_body",
        "payouts_notifications",
        "post_topup",
        "release_held_payouts_notifications",
        "send_payouts_notification",
    ],
    "bisnap.emulator.endpoints.payouts": [
        "AGGREGATOR_ACCOUNT",
        "BANK_NAMES",
        "BI_FAST_BANKS",
        "EWALLET_PROVIDERS",
        "INTRABANK_BANKS",
        "SEED_BANK_ACCOUNTS",
        "SEED_EWALLETS",
        "SEED_VIRTUAL_ACCOUNTS",
        "VA_BANKS",
        "BankAccount",
        "EwalletAccount",
        "PayableVa",
        "PayoutsBook",
        "Transfer",
        "add_bank_account",
        "add_ewallet",
        "add_source_account",
        "add_virtual_account",
        "fail_transfer",
        "payouts_book",
        "refresh_transfers",
        "register",
        "reverse_transfer",
        "set_settle_after",
    ],
}


@pytest.mark.parametrize(("module", "names"), sorted(OLD_PATHS.items()))
def test_moved_names_import_from_their_old_module(module: str, names: list[str]) -> None:
    loaded = importlib.import_module(module)
    missing = [name for name in names if not hasattr(loaded, name)]
    assert missing == []


def test_the_alias_module_is_the_payouts_notifications_code() -> None:
    from bisnap.emulator import payouts_notify

    assert payouts_notify.post_topup is payouts_notifications_module.post_topup


def test_package_exports_are_unchanged() -> None:
    assert sorted(bisnap.emulator.__all__) == sorted(
        [
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
    )
    for name in bisnap.emulator.__all__:
        assert getattr(bisnap.emulator, name) is not None
