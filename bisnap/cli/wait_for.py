"""``bisnap wait-for``: wait until a local server answers (the emulator, a receiver)."""

from __future__ import annotations

import click

from bisnap.cli.common import CONTEXT_SETTINGS, CliError, CliFailure, translate_errors
from bisnap.cli.options import timeout_option

__all__ = ["COMMANDS", "wait_for"]


@click.command(
    "wait-for",
    context_settings=CONTEXT_SETTINGS,
    short_help="Wait until a local server answers (the emulator, a receiver).",
)
@click.argument("urls", nargs=-1, required=True, metavar="URL...")
@timeout_option(30.0, "How long to wait for all of them.")
@translate_errors
def wait_for(urls: tuple[str, ...], timeout: float) -> None:
    """Wait until every URL answers HTTP (any status below 500); exit 1 after SECONDS.

    \b
    For scripts that start the emulator (or a notification receiver) in the background:
      bisnap emulator --merchant-public-key keys/public-key.pem &
      bisnap wait-for http://127.0.0.1:8080/_emulator/health
    """
    from bisnap.readiness import ServerNotReady, wait_until_ready

    try:
        for url in urls:
            wait_until_ready(url, timeout=timeout)
    except ServerNotReady as exc:
        raise CliFailure(str(exc)) from None
    except ValueError as exc:
        raise CliError(str(exc)) from None


COMMANDS = [wait_for]
