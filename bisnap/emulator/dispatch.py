"""From an HTTP request to an answer: routing, injected faults, admission, the handler.

:class:`Dispatcher` is what :meth:`Emulator.handle`, :meth:`Emulator.begin` and
:meth:`Emulator.finish` run; it owns no state of its own beyond the parts it is given.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl

from bisnap.emulator.admission import Admission, HeaderInput, header_map, parse_body, too_large
from bisnap.emulator.faults import Fault
from bisnap.emulator.responses import Disconnect, EmulatorResponse, SnapFailure, dump_json
from bisnap.emulator.routes import Auth, Call, Endpoint
from bisnap.errors import BisnapError
from bisnap.timestamps import format_timestamp

if TYPE_CHECKING:
    from bisnap.emulator.core import Emulator

__all__ = ["Admitted", "Dispatcher"]

logger = logging.getLogger("bisnap.emulator")

_ERROR_MESSAGES = {500: "Internal Server Error", 504: "Timeout"}


@dataclass(frozen=True)
class Admitted:
    """A routed request to process (see :meth:`Emulator.begin`)."""

    method: str
    target: str
    route_path: str
    query: str
    endpoint: Endpoint
    fault: Fault | None

    @property
    def delay(self) -> float:
        """Seconds to wait before processing (a ``delay`` fault), else 0."""
        return self.fault.seconds if self.fault is not None and self.fault.kind == "delay" else 0.0


class Dispatcher:
    """Routes requests, applies faults, admits B2B calls and runs handlers under ``lock``."""

    def __init__(self, emulator: Emulator) -> None:
        self.emulator = emulator
        self.admission: Admission = emulator.admission

    def begin(self, method: str, path: str) -> EmulatorResponse | Admitted:
        """See :meth:`Emulator.begin`."""
        method = method.upper()
        route_path, _, query = path.partition("?")
        endpoint = self.emulator.routes.get(method, route_path)
        if endpoint is None:
            if self.emulator.routes.has_path(route_path):
                return self.envelope(405, "00", "00", "Requested function is not supported")
            return self.envelope(404, "00", "02", "Invalid Routing")
        fault = self.emulator.faults.take(route_path)
        if fault is not None:
            if fault.kind == "error":
                case = "01" if fault.status == 500 else "00"
                message = _ERROR_MESSAGES.get(fault.status, "General Error")
                return self.envelope(fault.status, endpoint.service, case, message)
            if fault.kind != "delay" and not fault.process:
                return self._disconnected(endpoint, fault)
        return Admitted(method, path, route_path, query, endpoint, fault)

    def finish(self, admitted: Admitted, headers: HeaderInput, body: bytes) -> EmulatorResponse:
        """See :meth:`Emulator.finish`."""
        limit = self.emulator.max_body_bytes
        if len(body) > limit:
            return too_large(admitted.route_path, limit)
        fault = admitted.fault
        with self.emulator.lock:
            response = self._process(admitted, headers, body)
        if fault is not None and fault.kind in ("timeout", "drop"):
            disconnected = self._disconnected(admitted.endpoint, fault)
            response.disconnect = disconnected.disconnect
            response.hold_seconds = disconnected.hold_seconds
        return response

    def _disconnected(self, endpoint: Endpoint, fault: Fault) -> EmulatorResponse:
        response = self.envelope(504, endpoint.service, "00", "Timeout")
        response.disconnect = Disconnect.TIMEOUT if fault.kind == "timeout" else Disconnect.DROP
        response.hold_seconds = fault.seconds
        return response

    def envelope(self, status: int, service: str, case: str, message: str) -> EmulatorResponse:
        """A bare SNAP answer: ``responseCode`` ``{status}{service}{case}`` and a message."""
        body = {"responseCode": f"{status}{service}{case}", "responseMessage": message}
        return self.response(status, dump_json(body))

    def response(self, status: int, body: bytes) -> EmulatorResponse:
        """A JSON answer with the gateway's ``X-TIMESTAMP``."""
        headers = {
            "Content-Type": "application/json",
            "X-TIMESTAMP": format_timestamp(self.emulator.clock()),
        }
        return EmulatorResponse(status, headers, body)

    def _process(
        self, admitted: Admitted, raw_headers: HeaderInput, raw_body: bytes
    ) -> EmulatorResponse:
        endpoint, method, route_path = admitted.endpoint, admitted.method, admitted.route_path
        id_key = None
        digest = ""
        try:
            call = Call(
                emulator=self.emulator,
                endpoint=endpoint,
                method=method,
                path=route_path,
                query=dict(parse_qsl(admitted.query, keep_blank_values=True)),
                headers=header_map(raw_headers),
                raw_body=raw_body,
                body={},
                now=self.emulator.clock(),
            )
            if endpoint.auth is Auth.B2B:
                digest = self.admission.authenticate(call, admitted.target)
                id_key, seen = self.admission.earlier_answer(call, digest)
                if seen is not None:
                    return self.response(seen.status, seen.body)
            elif raw_body:
                call.body = parse_body(raw_body)
                call.fields.data = call.body
            result = endpoint.handler(call)
        except SnapFailure as failure:
            refusal = self.response(
                failure.http_status, dump_json(failure.envelope(endpoint.service))
            )
            refusal.headers.update(failure.headers)
            return refusal
        except BisnapError as exc:
            logger.warning("emulator rejected %s %s: %s", method, route_path, exc)
            return self.envelope(400, endpoint.service, "00", "Bad Request")
        except Exception:
            logger.exception("emulator handler for %s %s failed", method, route_path)
            return self.envelope(500, endpoint.service, "01", "Internal Server Error")
        if isinstance(result, EmulatorResponse):
            response = result
        else:
            message = result.pop("responseMessage", "Successful")
            envelope = {
                "responseCode": f"200{endpoint.service}00",
                "responseMessage": message,
                **result,
            }
            response = self.response(200, dump_json(envelope))
        if id_key is not None:
            self.admission.remember(id_key, route_path, digest, response)
        return response
