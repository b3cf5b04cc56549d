"""The exact answers: success envelopes per notification and the error codes per failure."""

from __future__ import annotations

import json

import pytest

from bisnap.errors import InvalidInputError, NotificationError
from bisnap.notifications import (
    NotificationHeaderError,
    NotificationKind,
    NotificationPayloadError,
    ReplayStoreError,
    ack_for_error,
    error_ack,
    parse_payload,
    success_ack,
)

from .helpers import SAMPLES, TIMESTAMP, fixed_clock


def _success(kind: NotificationKind) -> tuple[int, bytes, dict[str, str]]:
    ack = success_ack(parse_payload(kind, SAMPLES[kind]), clock=fixed_clock())
    return ack.status_code, ack.body, dict(ack.headers)


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        (
            NotificationKind.DIRECT_DEBIT,
            b'{"responseCode":"2005600",'
            b'"responseMessage":"Request has been processed successfully"}',
        ),
        (
            NotificationKind.QRIS_PAYMENT,
            b'{"responseCode":"2005200",'
            b'"responseMessage":"Request has been processed successfully"}',
        ),
        (
            NotificationKind.ACCOUNT_LINKING,
            b'{"responseCode":"2008800",'
            b'"responseMessage":"Request has been processed successfully"}',
        ),
        (
            NotificationKind.VA_PAYMENT,
            b'{"responseMessage":"Successful","responseCode":"2002500","virtualAccountData":'
            b'{"partnerServiceId":"  088899","customerNo":"12345678901234567890",'
            b'"virtualAccountNo":"  08889912345678901234567890","trxId":"abcdefgh1234"}}',
        ),
    ],
    ids=lambda value: value.name if isinstance(value, NotificationKind) else "",
)
def test_success_envelopes_are_exact(kind: NotificationKind, expected: bytes) -> None:
    status, body, headers = _success(kind)
    assert status == 200
    assert body == expected
    assert headers == {"Content-Type": "application/json", "X-TIMESTAMP": TIMESTAMP}


ERRORS = [
    (NotificationError("x", step="route"), 404, "02", "Invalid Routing"),
    (
        NotificationHeaderError("x", field="X-SIGNATURE", missing=True),
        400,
        "02",
        "Invalid Mandatory Field X-SIGNATURE",
    ),
    (
        NotificationHeaderError("x", field="X-EXTERNAL-ID", missing=False),
        400,
        "01",
        "Invalid Field Format X-EXTERNAL-ID",
    ),
    (NotificationError("x", step="timestamp"), 400, "01", "Invalid Field Format X-TIMESTAMP"),
    (NotificationError("x", step="body"), 400, "00", "Bad Request"),
    (NotificationError("x", step="signature"), 401, "00", "Unauthorized. Signature"),
    (
        NotificationError("x", step="window"),
        401,
        "00",
        "Unauthorized. X-TIMESTAMP is outside the accepted window",
    ),
    (
        NotificationError("x", step="replay"),
        409,
        "00",
        "Cannot use same X-EXTERNAL-ID in same day",
    ),
    (ReplayStoreError("down"), 500, "00", "Internal Server Error"),
    (
        NotificationPayloadError("x", field="trxId", missing=True),
        400,
        "02",
        "Invalid Mandatory Field trxId",
    ),
    (
        NotificationPayloadError("x", field="paidAmount.value", missing=False),
        400,
        "01",
        "Invalid Field Format paidAmount.value",
    ),
    (NotificationPayloadError("x", field=None, missing=False), 400, "00", "Bad Request"),
]


@pytest.mark.parametrize(("error", "status", "case", "message"), ERRORS)
@pytest.mark.parametrize("kind", list(NotificationKind), ids=lambda kind: kind.name)
def test_error_envelopes(
    error: NotificationError, status: int, case: str, message: str, kind: NotificationKind
) -> None:
    ack = ack_for_error(error, kind, clock=fixed_clock())
    code = f"{status}{kind.service_code}{case}"
    assert ack.status_code == status
    assert ack.response_code == code
    assert json.loads(ack.body) == {"responseCode": code, "responseMessage": message}
    assert dict(ack.headers)["X-TIMESTAMP"] == TIMESTAMP
    assert not ack.is_success


def test_va_signature_failure_is_4012500() -> None:
    ack = ack_for_error(NotificationError("x", step="signature"), NotificationKind.VA_PAYMENT)
    assert ack.content == {"responseCode": "4012500", "responseMessage": "Unauthorized. Signature"}


def test_unknown_kind_uses_the_generic_service() -> None:
    ack = ack_for_error(NotificationError("x", step="route"), None)
    assert ack.response_code == "4040002"


def test_handler_defined_refusal() -> None:
    ack = error_ack(NotificationKind.VA_PAYMENT, 404, "13", "Invalid Amount", clock=fixed_clock())
    assert (ack.status_code, ack.body) == (
        404,
        b'{"responseCode":"4042513","responseMessage":"Invalid Amount"}',
    )


@pytest.mark.parametrize(("status", "case"), [(200, "00"), (404, "1"), (600, "00"), (404, "ab")])
def test_error_ack_rejects_nonsense(status: int, case: str) -> None:
    with pytest.raises(InvalidInputError, match=r"HTTP status|two digits"):
        error_ack(NotificationKind.QRIS_PAYMENT, status, case, "x")
