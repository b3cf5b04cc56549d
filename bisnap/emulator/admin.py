"""The admin API under ``/_emulator/``: simulation controls over HTTP.

Every route answers JSON (the public key: PEM text); errors are ``{"error": "..."}`` with 400
(bad input, named in the message, or a state that does not allow the action) or 404 (unknown
route). Every input is checked before it is used: amounts are finite decimals below 10^15,
``seconds`` 0 to 3600, ``status`` 100 to 599, ``times`` 1 to 1,000,000 or null, ``process`` a
boolean, texts strings; a body that is not a JSON object, or nests too deeply, is refused.

The routes, what each does and an example of each: :mod:`bisnap.emulator.admin_routes`
(``GET /_emulator/`` lists them).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl

from bisnap.emulator.admin_input import AdminCall, AdminError
from bisnap.emulator.admin_routes import ADMIN_PREFIX, ADMIN_ROUTES
from bisnap.emulator.admission import load_json
from bisnap.emulator.responses import EmulatorResponse, dump_json
from bisnap.errors import BisnapError

if TYPE_CHECKING:
    from bisnap.emulator.core import Emulator

__all__ = ["ADMIN_PREFIX", "handle_admin"]


def _json(status: int, value: Any) -> EmulatorResponse:
    return EmulatorResponse(status, {"Content-Type": "application/json"}, dump_json(value))


def handle_admin(emulator: Emulator, method: str, path: str, body: bytes) -> EmulatorResponse:
    """Answer one admin request (``path`` starts with ``/_emulator/`` and may carry a query)."""
    route, _, query_text = path.partition("?")
    query = dict(parse_qsl(query_text))
    try:
        data: dict[str, Any] = {}
        if body:
            parsed = load_json(body)
            if not isinstance(parsed, dict):
                raise AdminError(400, "the body must be a JSON object")
            data = parsed
        return _json(200, _dispatch(emulator, method.upper(), route, query, data))
    except AdminError as exc:
        return _json(exc.status, {"error": str(exc)})
    except (ValueError, TypeError) as exc:
        return _json(400, {"error": str(exc)})
    except BisnapError as exc:
        return _json(400, {"error": str(exc)})


def _dispatch(
    emulator: Emulator, method: str, route: str, query: dict[str, str], data: dict[str, Any]
) -> Any:
    for admin_route in ADMIN_ROUTES:
        reference = admin_route.reference(method, route)
        if reference is not None and admin_route.handler is not None:
            return admin_route.handler(emulator, AdminCall(data, query, reference))
    raise AdminError(404, f"no admin route {method} {route} (GET {ADMIN_PREFIX} lists them)")
