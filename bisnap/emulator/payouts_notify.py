"""Payouts notifications from the emulator (kept here for imports; the code lives in
:mod:`bisnap.emulator.endpoints.payouts.notifications`)."""

from bisnap.emulator.endpoints.payouts.notifications import (
    PAYOUTS_NOTIFICATION_FAULTS,
    check_payouts_notification_settings,
    inject_payouts_notification_fault,
    payout_notification_body,
    payouts_notifications,
    post_topup,
    release_held_payouts_notifications,
    send_payouts_notification,
)

__all__ = [
    "PAYOUTS_NOTIFICATION_FAULTS",
    "check_payouts_notification_settings",
    "inject_payouts_notification_fault",
    "payout_notification_body",
    "payouts_notifications",
    "post_topup",
    "release_held_payouts_notifications",
    "send_payouts_notification",
]
