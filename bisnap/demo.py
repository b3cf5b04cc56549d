"""The ``bisnap demo`` flow, kept importable here; it lives in :mod:`bisnap.cli.demo_flow`."""

from bisnap.cli.demo_flow import DemoStep, run_demo

__all__ = ["DemoStep", "run_demo"]
