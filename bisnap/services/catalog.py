"""Every typed operation, looked up by method and path (for tools that send raw bodies)."""

from __future__ import annotations

import importlib
from functools import cache

from pydantic.alias_generators import to_camel

from bisnap.services.operation import AnyOperation, Operation

__all__ = ["all_operations", "find_operation", "tied_external_id_field"]

_FAMILIES = (
    "virtual_accounts",
    "qris",
    "direct_debit",
    "account_linking",
    "preauth",
    "payouts",
    "reporting",
)


@cache
def all_operations() -> tuple[AnyOperation, ...]:
    """Every :class:`Operation` constant of the service families, in family order."""
    found: list[AnyOperation] = []
    for family in _FAMILIES:
        module = importlib.import_module(f"bisnap.services.{family}")
        found.extend(value for value in vars(module).values() if isinstance(value, Operation))
    return tuple(found)


def find_operation(method: str, path: str) -> AnyOperation | None:
    """The operation served at ``method path`` (query string ignored), or ``None``."""
    bare = path.partition("?")[0]
    for operation in all_operations():
        if operation.method == method.upper() and operation.path == bare:
            return operation
    return None


def tied_external_id_field(method: str, path: str) -> str | None:
    """The body field (wire name, e.g. ``trxId``) that must equal ``X-EXTERNAL-ID`` there."""
    operation = find_operation(method, path)
    if operation is None or operation.external_id_field is None:
        return None
    return to_camel(operation.external_id_field)
