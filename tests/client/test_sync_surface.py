"""The sync clients are the async ones without ``await``: same names, parameters, docstrings.

The two clients are written by hand over one shared base, options and call flow; a service
namespace's async and sync classes share one table of endpoints, so their bound methods are
compared here too.
"""

from __future__ import annotations

import importlib
import importlib.util
import inspect
from pathlib import Path
from types import ModuleType

import pytest

from bisnap.client import AsyncSnapClient, ClientOptions, SnapClient
from bisnap.gateways import MIDTRANS_SANDBOX
from bisnap.keys import GeneratedKeyPair
from bisnap.services.base import AsyncService, SyncService
from bisnap.services.keywords import CallKeywords, CustomerKeywords, LinkedCustomerKeywords

from .fakes import credentials

ROOT = Path(__file__).resolve().parents[2]

# Where the two clients differ on purpose: how they close, and the async-only HTTP backend
# (documented as "async only" in AsyncSnapClient's docstring).
_CLIENT_ONLY_SYNC = {"close", "__enter__", "__exit__"}
_CLIENT_ONLY_ASYNC = {"aclose", "__aenter__", "__aexit__"}
_ASYNC_ONLY_PARAMETERS = {"backend"}
# Parameters of the same name whose type is the sync or the async form of one thing.
_SYNC_AND_ASYNC_TYPES = {
    "transport": ("httpx.BaseTransport | None", "httpx.AsyncBaseTransport | None"),
    "sleep": ("Callable[[float], None]", "Callable[[float], Awaitable[None]]"),
}
_FAMILIES = (
    "virtual_accounts",
    "qris",
    "direct_debit",
    "account_linking",
    "preauth",
    "payouts",
    "reporting",
)


def _script(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _public(cls: type) -> dict[str, object]:
    return {
        name: value
        for name, value in inspect.getmembers(cls)
        if not name.startswith("_") or name in {"__init__", "__enter__", "__exit__"}
        if not name.startswith("__") or name in cls.__dict__
    }


def _parameters(function: object) -> list[tuple[str, object, object]]:
    signature = inspect.signature(function)  # type: ignore[arg-type]
    return [
        (p.name, p.kind, p.default if not callable(p.default) else "callable")
        for p in signature.parameters.values()
        if p.name not in _ASYNC_ONLY_PARAMETERS
    ]


def _assert_same_surface(sync: type, async_: type) -> None:
    sync_members = _public(sync)
    async_members = _public(async_)
    assert set(sync_members) - _CLIENT_ONLY_SYNC == set(async_members) - _CLIENT_ONLY_ASYNC
    for name in set(sync_members) - _CLIENT_ONLY_SYNC:
        s, a = sync_members[name], async_members[name]
        if not callable(s):
            continue
        assert _parameters(s) == _parameters(a), f"{sync.__name__}.{name}"
        assert inspect.getdoc(s) == inspect.getdoc(a), f"{sync.__name__}.{name} docstring"
        if inspect.iscoroutinefunction(a):
            assert not inspect.iscoroutinefunction(s), f"{sync.__name__}.{name} is async"


def _namespace_pairs() -> list[tuple[str, type, type]]:
    pairs = []
    for family in _FAMILIES:
        module = importlib.import_module(f"bisnap.services.{family}")
        for name, value in vars(module).items():
            if isinstance(value, type) and issubclass(value, AsyncService):
                if value is AsyncService:
                    continue
                twin = getattr(module, name.removeprefix("Async"))
                assert issubclass(twin, SyncService), name
                pairs.append((family, twin, value))
    return pairs


_needs_ruff = pytest.mark.skipif(
    importlib.util.find_spec("ruff") is None,
    reason="the generators format with ruff (the dev extra); the main CI run checks them",
)


@_needs_ruff
def test_generated_request_fields_are_current() -> None:
    assert _script("request_fields").main(["--check"]) == 0, "run: python scripts/request_fields.py"


def test_every_operation_s_fields_are_its_request_model_s_fields_and_its_options() -> None:
    from bisnap.services import fields
    from bisnap.services.catalog import all_operations

    operations = all_operations()
    for operation in operations:
        model = operation.request_model
        name = model.__name__.removesuffix("Request").removesuffix("Params") + "Fields"
        typed = getattr(fields, name)
        if operation.host == "app":  # a URL for the browser: no call options
            options: set[str] = set()
        elif operation.needs_customer_token:
            options = set(LinkedCustomerKeywords.__annotations__)
        elif operation.needs_device_id:
            options = set(CustomerKeywords.__annotations__)
        else:
            options = set(CallKeywords.__annotations__)
        assert set(typed.__annotations__) == set(model.model_fields) | options, operation.name
        # Only the customer token of a call that needs one is a required keyword.
        required = {"customer_token"} if operation.needs_customer_token else set()
        assert set(typed.__required_keys__) == required, operation.name


def test_every_namespace_has_the_same_surface_sync_and_async() -> None:
    pairs = _namespace_pairs()
    assert {name for name, _, _ in pairs} == set(_FAMILIES)
    for _, sync, async_ in pairs:
        assert sync.__name__ == async_.__name__.removeprefix("Async")
        _assert_same_surface(sync, async_)


def _bound(namespace: object) -> dict[str, object]:
    return {
        name: getattr(namespace, name)
        for name in dir(type(namespace))
        if not name.startswith("_") and callable(getattr(namespace, name))
    }


def test_every_namespace_s_bound_methods_match_sync_and_async() -> None:
    """What a caller gets (``client.qris.generate``): same parameters and docstring, a
    coroutine function on the async client only."""
    for _, sync, async_ in _namespace_pairs():
        sync_methods = _bound(sync(object()))
        async_methods = _bound(async_(object()))
        assert set(sync_methods) == set(async_methods)
        assert sync_methods, sync.__name__
        for name, s in sync_methods.items():
            a = async_methods[name]
            assert _parameters(s) == _parameters(a), f"{sync.__name__}.{name}"
            assert inspect.getdoc(s) == inspect.getdoc(a), f"{sync.__name__}.{name} docstring"
            assert inspect.getdoc(s), f"{sync.__name__}.{name} has no docstring"
            assert not inspect.iscoroutinefunction(s), f"{sync.__name__}.{name}"


def test_the_two_clients_have_the_same_surface() -> None:
    _assert_same_surface(SnapClient, AsyncSnapClient)


def test_the_two_clients_take_the_same_options_typed_for_their_side() -> None:
    sync = inspect.signature(SnapClient).parameters
    async_ = inspect.signature(AsyncSnapClient).parameters
    assert set(async_) - set(sync) == _ASYNC_ONLY_PARAMETERS
    for name in _ASYNC_ONLY_PARAMETERS:
        assert f"``{name}`` (async only)" in (AsyncSnapClient.__doc__ or "")
    for name, parameter in sync.items():
        expected = _SYNC_AND_ASYNC_TYPES.get(name, (parameter.annotation,) * 2)
        assert (parameter.annotation, async_[name].annotation) == expected, name
    # Every other option is one typed set, shared: the keywords each constructor took before.
    for options in (sync["options"], async_["options"]):
        assert options.kind is inspect.Parameter.VAR_KEYWORD
        assert options.annotation == "Unpack[ClientOptions]"
    assert set(ClientOptions.__optional_keys__) == {
        "timeout",
        "limits",
        "ca_bundle",
        "allow_insecure_http",
        "allow_unverified_tls",
        "auth",
        "token_store",
        "clock",
        "device_id",
        "retry",
        "external_id_factory",
    }


@pytest.mark.parametrize("client", [SnapClient, AsyncSnapClient])
def test_an_unknown_option_is_a_type_error_naming_it(
    client: type[SnapClient], merchant_keys: GeneratedKeyPair
) -> None:
    with pytest.raises(TypeError, match=rf"^{client.__name__}\(\) got .* 'timout'$"):
        client(MIDTRANS_SANDBOX, credentials(merchant_keys), timout=5)  # type: ignore[call-arg]


def test_backend_is_refused_by_the_sync_client(merchant_keys: GeneratedKeyPair) -> None:
    with pytest.raises(TypeError, match="'backend'"):
        SnapClient(MIDTRANS_SANDBOX, credentials(merchant_keys), backend="aiohttp")  # type: ignore[call-arg]


def test_a_differing_surface_is_caught() -> None:
    class Sync:
        def go(self, amount: str) -> None:
            """Go."""

    class Async:
        async def go(self, amout: str) -> None:
            """Go."""

    with pytest.raises(AssertionError):
        _assert_same_surface(Sync, Async)
