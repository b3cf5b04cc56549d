"""Every sample body of the fact sheet (``shared/spec/midtrans-bisnap.md``) is read by the model
of its endpoint and written back unchanged.

``spec_samples.json`` holds each JSON-looking sample of the fact sheet verbatim (``raw``), with
its line and section, the model that reads it and the minimal repairs that make the invalid
ones JSON (``repairs``, ``body``). When the fact sheet is beside the repository the file is
checked against it, so a sample added there cannot be missed here.

Rules checked:

* answers and notifications: parsed as received, written back key for key, value for value;
* requests: parsed as a wire body they round-trip exactly; validated as a caller would build
  them they are accepted (three page defects excepted, see ``PAGE_DEFECTS``) and sent as
  written, but for the documented normalizations in ``CALLER_FORM``.
"""

from __future__ import annotations

import copy
import importlib
import json
import os
import re
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel

from bisnap.errors import GatewayServerError, RequestValidationError
from bisnap.gateways import MIDTRANS_SANDBOX
from bisnap.headers import token_request_body
from bisnap.models.common import LENIENT, SnapModel, SnapResponse, build_request
from bisnap.notifications.acks import success_ack
from bisnap.notifications.kinds import NotificationKind
from bisnap.notifications.payloads import NotificationPayload, parse_payload
from bisnap.tokens import parse_token_response

_DATA = json.loads((Path(__file__).parent / "spec_samples.json").read_text("utf-8"))
SAMPLES: list[dict[str, Any]] = _DATA["samples"]
BODIES = [s for s in SAMPLES if s["role"] != "not-a-body"]


def _of(role: str) -> list[dict[str, Any]]:
    return [s for s in SAMPLES if s["role"] == role]


def _ids(samples: list[dict[str, Any]]) -> list[str]:
    return [f"{s['id']}-{(s['model'] or s['role']).rsplit('.', 1)[-1]}" for s in samples]


PAGE_DEFECTS = {
    # line: (field refused, why) — defects of the pages themselves, refused on purpose.
    1396: ("title", "the auth-payment sample lacks its mandatory title"),
    1686: ("partnerServiceId", "the status sample's partnerServiceId ' 12345' has 6 characters"),
    1847: ("title", "the void sample carries a title the void request does not have"),
}

CALLER_FORM: dict[int, Any] = {
    # A request built in Python is sent in the documented form:
    # the Cancel page's additionalInfo.merchant_id is sent as merchantId (the VA page's key);
    1882: lambda body: {**body, "additionalInfo": {"merchantId": "G12345463"}},
    # the history table types pageSize/pageNumber int; the sample's strings are sent as numbers.
    2085: lambda body: {**body, "pageSize": 10, "pageNumber": 2},
}


def _model(dotted: str) -> type[BaseModel]:
    module, name = dotted.rsplit(".", 1)
    cls = getattr(importlib.import_module(module), name)
    assert isinstance(cls, type)
    assert issubclass(cls, BaseModel)
    return cls


def _snap_model(dotted: str) -> type[SnapModel]:
    cls = _model(dotted)
    assert issubclass(cls, SnapModel)
    return cls


# --- the data file is the fact sheet's samples ---------------------------------------------------


def _fact_sheet() -> Path | None:
    configured = os.environ.get("BISNAP_SPEC_DIR")
    base = Path(configured) if configured else Path(__file__).resolve().parents[3] / "shared/spec"
    path = base / "midtrans-bisnap.md"
    return path if path.is_file() else None


def _extract(text: str) -> list[tuple[int, str]]:
    """(line, raw) of every fenced block starting with ``{`` and every inline `{...}`."""
    lines = text.split("\n")
    found: list[tuple[int, str]] = []
    i = 0
    while i < len(lines):
        if lines[i].strip().startswith("```"):
            start, i = i, i + 1
            body: list[str] = []
            while not lines[i].strip().startswith("```"):
                body.append(lines[i])
                i += 1
            raw = "\n".join(body)
            if raw.strip().startswith("{"):
                found.append((start + 1, raw))
            i += 1
            continue
        found.extend((i + 1, m.group(1)) for m in re.finditer(r"`(\{[^`]*\})`", lines[i]))
        i += 1
    return found


def test_the_data_file_holds_every_sample_of_the_fact_sheet() -> None:
    path = _fact_sheet()
    if path is None:
        pytest.skip("the fact sheet is not beside the repository (set BISNAP_SPEC_DIR)")
    expected = _extract(path.read_text("utf-8"))
    assert [(s["line"], s["raw"]) for s in SAMPLES] == expected


def test_every_sample_is_classified() -> None:
    for sample in SAMPLES:
        if sample["role"] == "not-a-body":
            assert sample["reason"]
            assert sample["body"] is None
        else:
            assert sample["body"] is not None
            assert sample["repairs"] or json.loads(sample["raw"].rstrip(";")) == sample["body"]
    assert len(BODIES) == 73
    assert {s["role"] for s in BODIES} == {
        "request",
        "response",
        "notification",
        "ack",
        "token-request",
        "token-response",
    }


# --- answers -------------------------------------------------------------------------------------


@pytest.mark.parametrize("sample", _of("response"), ids=_ids(_of("response")))
def test_response_sample_round_trips(sample: dict[str, Any]) -> None:
    model = _model(sample["model"])
    assert issubclass(model, SnapResponse)
    parsed = model.model_validate(sample["body"], context=LENIENT)
    assert parsed.to_wire() == sample["body"]
    again = model.model_validate(parsed.to_wire(), context=LENIENT)
    assert again.to_wire() == parsed.to_wire()
    code = sample["body"]["responseCode"]
    assert parsed.is_success is code.startswith("200"), code


def test_history_401_sample_gains_no_detail_data() -> None:
    sample = next(s for s in SAMPLES if s["id"] == "L2209")
    parsed = _snap_model(sample["model"]).model_validate(sample["body"], context=LENIENT)
    assert "detailData" not in parsed.to_wire()


# --- requests ------------------------------------------------------------------------------------


_ACCEPTED = [s for s in _of("request") if s["line"] not in PAGE_DEFECTS]


@pytest.mark.parametrize("sample", _ACCEPTED, ids=_ids(_ACCEPTED))
def test_request_sample_round_trips_as_a_wire_body(sample: dict[str, Any]) -> None:
    model = _model(sample["model"])
    parsed = model.model_validate(sample["body"], context=LENIENT)
    assert isinstance(parsed, SnapModel)
    assert parsed.to_wire() == sample["body"]


@pytest.mark.parametrize("sample", _ACCEPTED, ids=_ids(_ACCEPTED))
def test_request_sample_is_accepted_as_a_caller_request(sample: dict[str, Any]) -> None:
    model = _model(sample["model"])
    assert issubclass(model, SnapModel)
    built = build_request(model, **copy.deepcopy(sample["body"]))
    expected = CALLER_FORM.get(sample["line"], lambda body: body)(copy.deepcopy(sample["body"]))
    assert built.to_wire() == expected


@pytest.mark.parametrize("line", sorted(PAGE_DEFECTS))
def test_page_defects_are_still_refused(line: int) -> None:
    """Three samples break their own page's table; a caller sending them is stopped."""
    sample = next(s for s in SAMPLES if s["line"] == line and s["role"] == "request")
    assert sample.get("page_defect")
    field, _why = PAGE_DEFECTS[line]
    with pytest.raises(RequestValidationError) as caught:
        build_request(_snap_model(sample["model"]), **copy.deepcopy(sample["body"]))
    assert caught.value.field == field


def test_only_the_three_page_defects_are_marked() -> None:
    assert {s["line"] for s in SAMPLES if s.get("page_defect")} == set(PAGE_DEFECTS)


# --- notifications and acknowledgements ---------------------------------------------------------

_KIND_BY_MODEL = {
    "DirectDebitNotification": NotificationKind.DIRECT_DEBIT,
    "QrisNotification": NotificationKind.QRIS_PAYMENT,
    "VaPaymentNotification": NotificationKind.VA_PAYMENT,
    "AccountLinkingNotification": NotificationKind.ACCOUNT_LINKING,
}


@pytest.mark.parametrize("sample", _of("notification"), ids=_ids(_of("notification")))
def test_notification_sample_round_trips(sample: dict[str, Any]) -> None:
    kind = _KIND_BY_MODEL[sample["model"].rsplit(".", 1)[-1]]
    body = json.dumps(sample["body"], ensure_ascii=False).encode()
    payload = parse_payload(kind, body)
    assert isinstance(payload, _model(sample["model"]))
    assert payload.to_wire() == sample["body"]
    assert payload.missing_fields == ()
    assert payload.invalid_fields == {}


@pytest.mark.parametrize("sample", _of("ack"), ids=_ids(_of("ack")))
def test_acknowledgement_sample_matches_what_the_receiver_answers(sample: dict[str, Any]) -> None:
    kind = NotificationKind[sample["model"]]
    notification = next(
        s for s in _of("notification") if _KIND_BY_MODEL[s["model"].rsplit(".", 1)[-1]] is kind
    )
    payload: NotificationPayload = parse_payload(kind, json.dumps(notification["body"]).encode())
    answer = json.loads(success_ack(payload).body)
    expected = sample["body"]
    assert answer["responseCode"] == expected["responseCode"]
    assert answer["responseMessage"] == expected["responseMessage"]
    assert answer.keys() == expected.keys()
    if "virtualAccountData" in expected:
        assert answer["virtualAccountData"].keys() == expected["virtualAccountData"].keys()


# --- access token --------------------------------------------------------------------------------


def test_token_request_body_is_the_documented_one() -> None:
    documented = [s["body"] for s in _of("token-request")]
    sent = json.loads(token_request_body(MIDTRANS_SANDBOX))
    assert sent == {"grantType": "client_credentials"}
    assert documented.count(sent) == 2  # L72 and L344; L345 is the SDKs' grant_type spelling
    assert {"grant_type": "client_credentials"} in documented


@pytest.mark.parametrize("sample", _of("token-response"), ids=_ids(_of("token-response")))
def test_token_response_sample_is_read(sample: dict[str, Any]) -> None:
    body = sample["body"]
    content = json.dumps(body).encode()
    now = datetime(2026, 1, 1, tzinfo=timezone.utc)
    if body["responseCode"] == "2007300":
        token = parse_token_response(200, content, requested_at=now)
        assert token.authorization() == f"Bearer {body['accessToken']}"
    else:
        with pytest.raises(GatewayServerError):
            parse_token_response(500, content, requested_at=now)
