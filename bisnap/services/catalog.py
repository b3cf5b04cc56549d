"""Every typed operation, looked up by method and path (for tools that send raw bodies)."""

from __future__ import annotations

from functools import cache

from pydantic.alias_generators import to_camel

from bisnap.services import operations
from bisnap.services.operation import AnyOperation, Operation

__all__ = ["all_operations", "find_operation", "tied_external_id_field"]


@cache
def all_operations() -> tuple[AnyOperation, ...]:
    """Every :class:`Operation` of the table in :mod:`bisnap.services.operations`, in order."""
    return tuple(value for value in vars(operations).values() if isinstance(value, Operation))


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
