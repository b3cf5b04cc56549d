"""The exception tree drawn in ``bisnap.errors``'s docstring is the real class hierarchy."""

from __future__ import annotations

import importlib
import pkgutil
import re

import pytest

import bisnap
import bisnap.errors
from bisnap.errors import (
    BisnapError,
    GatewayResponseError,
    GatewayServerError,
    OutcomeUnknownError,
    ProtocolError,
    ResponseCode,
    SnapAPIError,
    TransportError,
    error_for_response,
)

_LINE = re.compile(r"^(?P<indent>[ │├└─]*)(?P<name>[A-Z]\w+)(?:\s+\[(?P<module>[\w.]+)\])?")


def _drawn_tree() -> dict[str, tuple[str | None, str]]:
    """name -> (drawn parent, module) from the docstring's drawing."""
    doc = bisnap.errors.__doc__ or ""
    block = doc.split("::\n\n", 1)[1].split("\n\n", 1)[0]
    parents: dict[str, tuple[str | None, str]] = {}
    stack: list[str] = []
    for raw in block.splitlines():
        line = raw[4:]  # the drawing is indented by four spaces
        match = _LINE.match(line)
        assert match, f"unreadable line in the drawn tree: {raw!r}"
        depth = len(match["indent"]) // 4
        del stack[depth:]
        assert len(stack) == depth, f"{match['name']} is drawn deeper than its parent"
        parent = stack[-1] if stack else None
        parents[match["name"]] = (parent, match["module"] or "bisnap.errors")
        stack.append(match["name"])
    return parents


def _all_bisnap_errors() -> set[type[BisnapError]]:
    for module in pkgutil.walk_packages(bisnap.__path__, "bisnap."):
        if not module.name.endswith("__main__"):
            importlib.import_module(module.name)
    found: set[type[BisnapError]] = set()
    pending: list[type[BisnapError]] = [BisnapError]
    while pending:
        cls = pending.pop()
        if cls.__module__.startswith("bisnap") and cls not in found:
            found.add(cls)
            pending.extend(cls.__subclasses__())
    return found


def test_every_drawn_class_has_the_drawn_parent() -> None:
    drawn = _drawn_tree()
    assert drawn["BisnapError"] == (None, "bisnap.errors")
    for name, (parent, module) in drawn.items():
        cls = getattr(importlib.import_module(module), name)
        if parent is None:
            continue
        bases = [base for base in cls.__bases__ if issubclass(base, BisnapError)]
        assert [base.__name__ for base in bases] == [parent], name


def test_every_error_class_is_drawn() -> None:
    drawn = set(_drawn_tree())
    real = {cls.__name__ for cls in _all_bisnap_errors()}
    assert real - drawn == set(), "error classes missing from the drawing"
    assert drawn - real == set(), "drawn classes that do not exist"


def test_every_public_error_of_errors_module_is_drawn() -> None:
    drawn = set(_drawn_tree())
    exported = {
        name
        for name in bisnap.errors.__all__
        if isinstance(getattr(bisnap.errors, name), type)
        and issubclass(getattr(bisnap.errors, name), BisnapError)
    }
    assert exported <= drawn


def test_an_unknown_outcome_is_not_a_transport_error() -> None:
    error = OutcomeUnknownError(
        "timed out",
        external_id="e-1",
        operation="direct_debit.payment",
        status_operation="direct_debit.status",
    )
    assert not isinstance(error, TransportError)
    assert not isinstance(error, GatewayResponseError)
    retried = False
    try:
        try:
            raise error
        except TransportError:  # what a generic retry loop catches
            retried = True
    except OutcomeUnknownError:
        pass
    assert not retried
    assert error.http_status is None
    assert not error.answered
    assert "direct_debit.status" in str(error)


def test_an_unknown_outcome_after_an_answer_carries_its_status() -> None:
    code = ResponseCode.parse("5005400")
    error = OutcomeUnknownError(
        "HTTP 500",
        external_id="e-2",
        operation="direct_debit.payment",
        status_operation="direct_debit.status",
        http_status=500,
        response_code=code,
    )
    assert error.answered
    assert error.http_status == 500
    assert error.response_code == code
    assert repr(error) == (
        "OutcomeUnknownError(operation='direct_debit.payment', external_id='e-2', "
        "status_operation='direct_debit.status', http_status=500)"
    )


def test_answers_share_one_base_with_http_context_and_no_body_in_repr() -> None:
    body = {"responseCode": "5005400", "responseMessage": "General Error", "secret": "s3cr3t"}
    api = error_for_response(500, body, external_id="e-3")
    protocol = ProtocolError("not JSON", http_status=502, external_id="e-4")
    for error in (api, protocol):
        assert isinstance(error, GatewayResponseError)
        assert not isinstance(error, TransportError)
    assert isinstance(api, GatewayServerError)
    assert (api.http_status, api.external_id) == (500, "e-3")
    assert api.response_code == ResponseCode.parse("5005400")
    assert api.body == body
    assert "s3cr3t" not in repr(api)
    assert "s3cr3t" not in str(api)
    assert (protocol.http_status, protocol.external_id, protocol.body) == (502, "e-4", None)
    assert repr(protocol) == (
        "ProtocolError('not JSON', http_status=502, response_code=None, external_id='e-4')"
    )
    assert issubclass(SnapAPIError, GatewayResponseError)


def test_answer_keywords_are_kept_and_a_misspelt_one_is_refused() -> None:
    code = ResponseCode.parse("4002401")
    error = SnapAPIError(
        "bad",
        http_status=400,
        response_code=code,
        response_message="Invalid Field Format",
        external_id="e-5",
        body={"a": 1},
    )
    assert (error.http_status, error.response_code, error.response_message) == (
        400,
        code,
        "Invalid Field Format",
    )
    assert (error.external_id, error.body) == ("e-5", {"a": 1})
    with pytest.raises(TypeError, match="unexpected keyword argument 'extrenal_id'"):
        SnapAPIError("bad", http_status=400, extrenal_id="e-5")  # type: ignore[call-arg]
    with pytest.raises(TypeError, match=r"^ProtocolError\(\) got .* argument 'status'$"):
        ProtocolError("bad", status=502)  # type: ignore[call-arg]
