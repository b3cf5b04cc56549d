"""What the emulator's long-lived objects share: ``with`` ends them through :meth:`close`."""

from __future__ import annotations

from types import TracebackType
from typing import TypeVar

__all__ = ["Closing"]

_C = TypeVar("_C", bound="Closing")


class Closing:
    """A context manager whose exit calls :meth:`close`."""

    def close(self) -> None:
        """Release what the object holds (subclasses say what)."""
        raise NotImplementedError

    def __enter__(self: _C) -> _C:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
