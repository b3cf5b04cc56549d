"""``python -m bisnap.cli``: the same entry point as the ``bisnap`` command."""

from bisnap.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
