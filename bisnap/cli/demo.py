"""``bisnap demo``: the end-to-end flow of :mod:`bisnap.cli.demo_flow` on loopback."""

from __future__ import annotations

import click

from bisnap.cli.common import CONTEXT_SETTINGS, load_optional, translate_errors
from bisnap.cli.options import timeout_option

__all__ = ["COMMANDS", "demo"]


@click.command(context_settings=CONTEXT_SETTINGS, short_help="Run the end-to-end demo on loopback.")
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Loopback interface for the emulator and the notification receiver.",
)
@timeout_option(10.0, "How long each step may take.")
@translate_errors
def demo(host: str, timeout: float) -> None:
    """Run a full flow against a throwaway local emulator; exit 0 only if every step verified.

    \b
    Generates keys, starts the emulator and a notification receiver on free loopback
    ports, then: token, virtual account (create, pay, signed notification, status),
    QRIS (generate, pay, refund), direct debit, payout (and its signed Payouts
    notification), transaction history.
    Needs nothing configured and no network beyond loopback.
    """
    run_demo = load_optional("bisnap.cli.demo_flow", "run_demo", "the demo")
    raise SystemExit(run_demo(echo=click.echo, host=host, timeout=timeout))


COMMANDS = [demo]
