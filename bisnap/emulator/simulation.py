"""The error a simulation control raises when the emulator's state does not allow the request."""

from __future__ import annotations

from bisnap.errors import InvalidInputError

__all__ = ["SimulationError"]


class SimulationError(InvalidInputError):
    """A simulation control was asked for something the emulator's state does not allow."""
