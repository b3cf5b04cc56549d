"""One call's send / retry / interpret loop, written once as a generator that does no I/O.

:func:`call_flow` yields what it needs done and is sent back the outcome, in the shape of
httpx's ``Auth.auth_flow``:

- a :class:`~bisnap.services.core.PreparedCall`: send it; the flow is sent the
  :class:`httpx.Response` or the :class:`httpx.TransportError` the send raised;
- a :class:`~bisnap.services.core.Retry`: wait ``delay`` seconds; the flow is resumed with
  ``None``.

It returns the typed response, or raises the typed error the core decided on. The sync and
the async client each drive it with a loop of a few lines (``SnapClient._run``,
``AsyncSnapClient._run``), so the retry rules (read-only calls only, never resend a
money-moving call that may have reached the gateway, Retry-After) are decided by
:class:`~bisnap.services.core.ClientCore` and applied in one place.
"""

from __future__ import annotations

from collections.abc import Generator

import httpx

from bisnap.models.common import SnapResponse
from bisnap.services.core import ClientCore, PreparedCall, Retry

__all__ = ["CallFlow", "Outcome", "Step", "call_flow", "resume"]

Step = PreparedCall | Retry
"""What a flow asks for: send this call, or wait before the next attempt."""
Outcome = httpx.Response | httpx.TransportError
"""What a send gives back to the flow: the (read) answer, or the failure that replaced it."""
CallFlow = Generator[Step, Outcome, SnapResponse]
"""A running :func:`call_flow`."""


def call_flow(core: ClientCore, prepared: PreparedCall) -> CallFlow:
    """Send ``prepared`` until ``core`` settles on an answer or an error.

    ``core`` decides after each attempt: a typed response (the flow returns it and the core
    forgets the call), a raised typed error (``OutcomeUnknownError`` when a money-moving call
    may have been processed), or a :class:`Retry` (the flow yields it, then yields the next
    attempt, with a fresh X-EXTERNAL-ID for a read-only call).
    """
    attempt = 1
    while True:
        outcome = yield prepared
        if isinstance(outcome, httpx.TransportError):
            decision: SnapResponse | Retry = core.on_transport_error(prepared, outcome, attempt)
        else:
            decision = core.on_response(prepared, outcome, attempt)
        if not isinstance(decision, Retry):
            core.settled(prepared)
            return decision
        yield decision
        prepared = core.next_attempt(prepared)
        attempt += 1


def resume(flow: CallFlow, outcome: Outcome | None) -> Step | SnapResponse:
    """Run ``flow`` to its next step (``outcome`` answers the last one; ``None`` to start it
    or after a wait), or to its answer."""
    try:
        return next(flow) if outcome is None else flow.send(outcome)
    except StopIteration as finished:
        answer: SnapResponse = finished.value
        return answer
