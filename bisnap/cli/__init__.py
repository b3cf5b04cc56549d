"""The ``bisnap`` command line (the ``bisnap[cli]`` extra provides click).

One module per command (:mod:`bisnap.cli.headers`, :mod:`bisnap.cli.sign`, ...), the shared
option groups in :mod:`bisnap.cli.options`, the group itself in :mod:`bisnap.cli.app`. Run
``bisnap --help`` for the commands; the help texts are their documentation of record. This module
imports no click, so a missing extra is reported as one line by :func:`main`.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

__all__ = ["INSTALL_HINT", "main"]

INSTALL_HINT = (
    "bisnap: the command line needs the 'cli' extra. Install it with:\n"
    "    pip install 'bisnap[cli]'"
)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns (and, as a console script, exits with) its status."""
    try:
        import click  # noqa: F401  (only to check that the extra is installed)
    except ImportError:
        print(INSTALL_HINT, file=sys.stderr)
        return 1
    from bisnap.cli.app import cli

    try:
        cli.main(args=list(argv) if argv is not None else None, prog_name="bisnap")
    except SystemExit as exc:
        code: object = exc.code
        if code is None:
            return 0
        if isinstance(code, int):
            return code
        print(code, file=sys.stderr)
        return 1
