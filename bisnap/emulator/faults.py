"""Fault injection per endpoint, for testing how clients cope with an unreliable gateway.

Kinds:

``delay``
    wait ``seconds``, then process and answer normally.
``error``
    do not process; answer HTTP ``status`` (default 500) with a SNAP envelope
    (``500xx01`` for 500, ``{status}xx00`` otherwise).
``timeout``
    never answer. With ``process=True`` the request is processed first (the outcome is then
    unknown to the caller). In-process transports raise ``httpx.ReadTimeout`` at once; over
    HTTP the server holds the request open ``seconds`` (default 30) and then answers 504.
``drop``
    process the request, then drop the connection. In-process transports raise
    ``httpx.RemoteProtocolError``; over HTTP the server sends the status line and headers,
    then closes the connection before the body is complete.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

__all__ = ["FAULT_KINDS", "Fault", "FaultBook"]

FAULT_KINDS = ("delay", "error", "timeout", "drop")


@dataclass
class Fault:
    """One injected fault. ``times`` is how many requests it affects (None: until cleared)."""

    path: str
    kind: str
    seconds: float = 0.0
    status: int = 500
    times: int | None = 1
    process: bool = False

    def __post_init__(self) -> None:
        if self.kind not in FAULT_KINDS:
            raise ValueError(f"fault kind must be one of {', '.join(FAULT_KINDS)}")
        if self.kind == "error" and not 500 <= self.status <= 599:
            raise ValueError("an error fault answers with a 5xx status")
        if self.seconds < 0:
            raise ValueError("seconds must be >= 0")
        if self.times is not None and self.times < 1:
            raise ValueError("times must be >= 1 (or None for until cleared)")
        if self.kind == "drop":
            self.process = True
        if self.kind == "timeout" and self.seconds == 0:
            self.seconds = 30.0


class FaultBook:
    """Faults by path (``"*"`` matches every SNAP path); thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._faults: list[Fault] = []

    def add(self, fault: Fault) -> Fault:
        """Inject ``fault`` (after any already waiting for the same path)."""
        with self._lock:
            self._faults.append(fault)
        return fault

    def clear(self, path: str | None = None) -> None:
        """Remove the faults for ``path`` (all faults when None)."""
        with self._lock:
            self._faults = [f for f in self._faults if path is not None and f.path != path]

    def pending(self) -> list[Fault]:
        """The faults still waiting."""
        with self._lock:
            return list(self._faults)

    def take(self, path: str) -> Fault | None:
        """The fault that applies to this request, consuming one of its ``times``."""
        with self._lock:
            for fault in self._faults:
                if fault.path in (path, "*"):
                    if fault.times is not None:
                        fault.times -= 1
                        if fault.times == 0:
                            self._faults.remove(fault)
                    return fault
        return None
