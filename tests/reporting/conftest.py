"""The reporting tests run against the same emulator and client fixtures as the payouts tests."""

from __future__ import annotations

from tests.payouts.conftest import apair, client, clock, emulator, pair, recorder

__all__ = ["apair", "client", "clock", "emulator", "pair", "recorder"]
