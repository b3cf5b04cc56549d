"""The sync clients are the async ones without ``await``: same names, parameters, docstrings.

The service namespaces are generated (``scripts/unasync.py``); the two clients are written by
hand over one shared base, options and call flow, so this is what keeps them in step.
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
def test_generated_sync_code_is_current() -> None:
    assert _script("unasync").main(["--check"]) == 0, "run: python scripts/unasync.py"


@_needs_ruff
def test_generated_request_fields_are_current() -> None:
    assert _script("request_fields").main(["--check"]) == 0, "run: python scripts/request_fields.py"


def test_every_operation_s_fields_are_its_request_model_s_fields() -> None:
    from bisnap.services import fields
    from bisnap.services.operation import Operation

    for family in _FAMILIES:
        module = importlib.import_module(f"bisnap.services.{family}")
        for operation in vars(module).values():
            if isinstance(operation, Operation):
                model = operation.request_model
                name = model.__name__.removesuffix("Request").removesuffix("Params") + "Fields"
                typed = getattr(fields, name)
                assert set(typed.__annotations__) == set(model.model_fields), operation.name


def test_unasync_rewrites_async_names() -> None:
    rewrite = _script("unasync").unasync
    assert rewrite("class AsyncQris(AsyncService):") == "class Qris(SyncService):"
    assert (
        rewrite("    async def go(self) -> AsyncIterator[X]:") == "    def go(self) -> Iterator[X]:"
    )
    assert rewrite("        return await self._call(OP)") == "        return self._call(OP)"
    assert rewrite("async for page in pages:") == "for page in pages:"
    assert rewrite("Callable[[float], Awaitable[None]] = anyio.sleep") == (
        "Callable[[float], None] = time.sleep"
    )


def test_every_namespace_has_the_same_surface_sync_and_async() -> None:
    pairs = _namespace_pairs()
    assert {name for name, _, _ in pairs} == set(_FAMILIES)
    for _, sync, async_ in pairs:
        assert sync.__name__ == async_.__name__.removeprefix("Async")
        _assert_same_surface(sync, async_)


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
