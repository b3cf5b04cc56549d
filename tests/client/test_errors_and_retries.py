"""Spec 6.2 codes -> typed errors; retry rules for read-only and money-moving calls."""

from __future__ import annotations

import httpx
import pytest

from bisnap import errors
from bisnap.client import SnapClient
from bisnap.errors import OutcomeUnknownError, SnapAPIError, TransportError
from bisnap.keys import GeneratedKeyPair
from bisnap.models.direct_debit import DebitPaymentResponse
from bisnap.retry import RetryPolicy
from tests.client import examples
from tests.client.fakes import FakeGateway, Sleeps, async_client, snap, sync_client

E = errors
CASES: list[tuple[int, str, type[SnapAPIError]]] = [
    (400, "00", E.BadRequestError),
    (400, "01", E.InvalidFieldFormatError),
    (400, "02", E.MissingMandatoryFieldError),
    (401, "00", E.UnauthorizedError),  # "the message": no documented reason to refine by
    (401, "01", E.InvalidTokenError),
    (401, "02", E.InvalidCustomerTokenError),
    (401, "03", E.TokenNotFoundError),
    (403, "00", E.TransactionExpiredError),
    (403, "01", E.ForbiddenError),
    (403, "02", E.LimitExceededError),
    (403, "03", E.ForbiddenError),
    (403, "04", E.LimitExceededError),
    (403, "05", E.AccountInactiveError),
    (403, "06", E.ForbiddenError),
    (403, "09", E.AccountInactiveError),
    (403, "14", E.InsufficientFundsError),
    (403, "15", E.ForbiddenError),
    (403, "16", E.ForbiddenError),
    (403, "18", E.AccountInactiveError),
    (403, "19", E.ForbiddenError),
    (403, "20", E.LimitExceededError),
    (403, "21", E.ForbiddenError),
    (403, "22", E.ForbiddenError),
    (403, "23", E.LimitExceededError),
    (404, "00", E.InvalidTransactionStatusError),
    (404, "01", E.TransactionNotFoundError),
    (404, "02", E.NotFoundError),
    (404, "04", E.NotFoundError),
    (404, "05", E.NotFoundError),
    (404, "08", E.NotFoundError),
    (404, "10", E.NotFoundError),
    (404, "11", E.AccountNotFoundError),
    (404, "12", E.NotFoundError),
    (404, "13", E.InvalidAmountError),
    (404, "16", E.NotFoundError),
    (404, "17", E.NotFoundError),
    (404, "18", E.NotFoundError),
    (405, "00", E.NotAllowedError),
    (405, "01", E.NotAllowedError),
    (409, "00", E.DuplicateExternalIdError),
    (409, "01", E.DuplicateTransactionError),
    (429, "00", E.RateLimitedError),
    (500, "00", E.GatewayServerError),
    (500, "01", E.GatewayServerError),
    (500, "02", E.GatewayServerError),
    (504, "00", E.IssuerTimeoutError),
]


@pytest.mark.parametrize(("status", "case", "expected"), CASES)
def test_each_spec_case_maps_to_its_exception(
    merchant_keys: GeneratedKeyPair, status: int, case: str, expected: type[SnapAPIError]
) -> None:
    code = f"{status}55{case}"
    gateway = FakeGateway([snap(status, code, "the message", referenceNo="dbg-1")])
    with (
        sync_client(gateway, merchant_keys, retry=RetryPolicy(max_attempts=1)) as client,
        pytest.raises(SnapAPIError) as info,
    ):
        client.direct_debit.status(original_external_id="orig-1", external_id="status-1")
    error = info.value
    assert type(error) is expected
    assert (error.http_status, error.service_code, error.case_code) == (status, "55", case)
    assert error.response_message == "the message"
    assert error.external_id == "status-1"
    assert error.body == {
        "responseCode": code,
        "responseMessage": "the message",
        "referenceNo": "dbg-1",
    }
    assert "dbg-1" not in repr(error)
    assert "dbg-1" not in str(error)


# --- read-only calls retry ---------------------------------------------------------------------


def test_read_only_call_retries_5xx_with_capped_jittered_backoff(
    merchant_keys: GeneratedKeyPair,
) -> None:
    sleeps = Sleeps()
    gateway = FakeGateway(
        [
            snap(503, "5035500"),
            snap(500, "5005501"),
            snap(200, "2005500", latestTransactionStatus="00"),
        ]
    )
    retry = RetryPolicy(max_attempts=3, base_delay=1.0, max_delay=1.5, random=lambda: 0.5)
    with sync_client(gateway, merchant_keys, sleeps, retry=retry) as client:
        response = client.direct_debit.status(original_external_id="orig-1")
    assert response.latest_transaction_status == "00"
    assert sleeps.delays == [0.5, 0.75]  # half of min(1.5, 1 * 2**(n-1))
    # The gateway may have seen each X-EXTERNAL-ID: every retry of a read gets a fresh one.
    assert len({c.headers["X-EXTERNAL-ID"] for c in gateway.calls}) == 3
    assert len(gateway.calls) == 3


def test_a_caller_chosen_external_id_is_kept_on_retries(merchant_keys: GeneratedKeyPair) -> None:
    gateway = FakeGateway([snap(503, "5035500"), snap(200, "2005500")])
    with sync_client(gateway, merchant_keys) as client:
        client.direct_debit.status(original_external_id="orig-1", external_id="mine-1")
    assert [c.headers["X-EXTERNAL-ID"] for c in gateway.calls] == ["mine-1", "mine-1"]


def test_read_only_call_honours_retry_after_on_429(merchant_keys: GeneratedKeyPair) -> None:
    sleeps = Sleeps()
    gateway = FakeGateway(
        [
            httpx.Response(429, headers={"Retry-After": "2"}, json={"responseCode": "4295500"}),
            snap(200, "2005500"),
        ]
    )
    with sync_client(gateway, merchant_keys, sleeps) as client:
        client.direct_debit.status(original_external_id="orig-1")
    assert sleeps.delays == [2.0]


def test_read_only_call_retries_timeouts_then_gives_up(merchant_keys: GeneratedKeyPair) -> None:
    sleeps = Sleeps()
    gateway = FakeGateway([httpx.ReadTimeout("slow")])
    with (
        sync_client(gateway, merchant_keys, sleeps) as client,
        pytest.raises(TransportError) as info,
    ):
        client.qris.query(original_external_id="orig-1", external_id="q-1")
    assert not isinstance(info.value, OutcomeUnknownError)
    assert info.value.external_id == "q-1"
    assert len(gateway.calls) == 3
    assert len(sleeps.delays) == 2


def test_read_only_call_gives_up_with_the_typed_error(merchant_keys: GeneratedKeyPair) -> None:
    gateway = FakeGateway([snap(504, "5045500", "Timeout")])
    with sync_client(gateway, merchant_keys) as client, pytest.raises(E.IssuerTimeoutError):
        client.direct_debit.status(original_external_id="orig-1")
    assert len(gateway.calls) == 3


def test_4xx_is_never_retried(merchant_keys: GeneratedKeyPair) -> None:
    gateway = FakeGateway([snap(404, "4045501")])
    with sync_client(gateway, merchant_keys) as client, pytest.raises(E.TransactionNotFoundError):
        client.direct_debit.status(original_external_id="orig-1")
    assert len(gateway.calls) == 1


# --- money-moving calls are never resent automatically ----------------------------------------


@pytest.mark.parametrize(
    "failure",
    [
        httpx.ReadTimeout("slow"),
        httpx.RemoteProtocolError("server disconnected"),
        httpx.ReadError("connection reset"),
        httpx.WriteTimeout("slow upload"),
        snap(500, "5005401", "Internal Server Error"),
        snap(504, "5045400", "Timeout"),
        httpx.Response(502, content=b"<html>bad gateway</html>"),
        httpx.Response(200, content=b'{"responseCode":"2005400","refer'),
    ],
)
def test_payment_outcome_unknown_names_the_status_call(
    merchant_keys: GeneratedKeyPair, failure: httpx.Response | Exception
) -> None:
    sleeps = Sleeps()
    gateway = FakeGateway([failure])
    with (
        sync_client(gateway, merchant_keys, sleeps) as client,
        pytest.raises(OutcomeUnknownError) as info,
    ):
        client.direct_debit.payment(external_id="pay-1", **examples.debit_payment())
    error = info.value
    assert error.external_id == "pay-1"
    assert error.operation == "direct_debit.payment"
    assert error.status_operation == "direct_debit.status"
    assert "direct_debit.status" in str(error)
    assert not isinstance(error, TransportError)
    expected_status = failure.status_code if isinstance(failure, httpx.Response) else None
    assert error.http_status == expected_status
    assert len(gateway.calls) == 1  # sent once, never again
    assert sleeps.delays == []


@pytest.mark.parametrize(
    ("call", "status_operation"),
    [
        ("qris_refund", "qris.query"),
        ("debit_refund", "direct_debit.status"),
        ("capture", "preauth.query"),
        ("va_create", "virtual_accounts.status"),
        ("qris_generate", "qris.query"),
    ],
)
def test_each_unsafe_call_names_its_status_call(
    merchant_keys: GeneratedKeyPair, call: str, status_operation: str
) -> None:
    gateway = FakeGateway([httpx.ReadTimeout("slow")])
    with sync_client(gateway, merchant_keys) as client, pytest.raises(OutcomeUnknownError) as info:
        _unsafe_call(client, call)
    assert info.value.status_operation == status_operation
    assert len(gateway.calls) == 1


def _unsafe_call(client: SnapClient, call: str) -> None:
    if call == "qris_refund":
        client.qris.refund(merchant_id="M", original_partner_reference_no="o")
    elif call == "debit_refund":
        client.direct_debit.refund(original_partner_reference_no="o")
    elif call == "capture":
        client.preauth.capture(original_partner_reference_no="o", merchant_id="M", title="t")
    elif call == "va_create":
        client.virtual_accounts.create(**examples.va_create())
    else:
        client.qris.generate(**examples.qris_generate())


def test_a_payment_that_never_left_is_retried(merchant_keys: GeneratedKeyPair) -> None:
    sleeps = Sleeps()
    gateway = FakeGateway([httpx.ConnectError("refused"), snap(200, "2005400", referenceNo="R1")])
    with sync_client(gateway, merchant_keys, sleeps) as client:
        response = client.direct_debit.payment(**examples.debit_payment())
    assert response.reference_no == "R1"
    assert len(sleeps.delays) == 1
    assert gateway.calls[0].content == gateway.calls[1].content
    assert gateway.calls[0].headers["X-EXTERNAL-ID"] == gateway.calls[1].headers["X-EXTERNAL-ID"]


def test_a_failed_token_request_is_not_an_unknown_payment(merchant_keys: GeneratedKeyPair) -> None:
    gateway = FakeGateway([snap(200, "2005400")], token_replies=[httpx.ReadTimeout("slow")])
    with (
        sync_client(gateway, merchant_keys, retry=RetryPolicy(max_attempts=1)) as client,
        pytest.raises(TransportError) as info,
    ):
        client.direct_debit.payment(**examples.debit_payment())
    assert not isinstance(info.value, OutcomeUnknownError)
    assert gateway.calls == []


def test_resend_uses_the_same_external_id_and_bytes(merchant_keys: GeneratedKeyPair) -> None:
    gateway = FakeGateway([httpx.ReadTimeout("slow"), snap(200, "2005400", referenceNo="R1")])
    with sync_client(gateway, merchant_keys) as client:
        with pytest.raises(OutcomeUnknownError) as info:
            client.direct_debit.payment(**examples.debit_payment())
        response = client.resend(info.value)
        with pytest.raises(E.RequestValidationError):
            client.resend(info.value)  # settled: nothing left to resend
    assert isinstance(response, DebitPaymentResponse)
    assert response.reference_no == "R1"
    first, second = gateway.calls
    assert first.content == second.content
    assert first.headers["X-EXTERNAL-ID"] == second.headers["X-EXTERNAL-ID"]


def test_resend_of_an_unknown_external_id_is_refused(merchant_keys: GeneratedKeyPair) -> None:
    gateway = FakeGateway([snap(200, "2005400")])
    with (
        sync_client(gateway, merchant_keys) as client,
        pytest.raises(E.RequestValidationError, match="same request"),
    ):
        client.resend("never-sent")
    assert gateway.requests == []


# --- async -------------------------------------------------------------------------------------


@pytest.mark.anyio
async def test_async_payment_outcome_unknown_and_resend(merchant_keys: GeneratedKeyPair) -> None:
    gateway = FakeGateway(
        [httpx.RemoteProtocolError("dropped"), snap(200, "2005400", referenceNo="R9")]
    )
    async with async_client(gateway, merchant_keys) as client:
        with pytest.raises(OutcomeUnknownError) as info:
            await client.direct_debit.payment(**examples.debit_payment())
        assert info.value.status_operation == "direct_debit.status"
        response = await client.resend(info.value)
    assert response.is_success
    assert len(gateway.calls) == 2
    assert gateway.calls[0].content == gateway.calls[1].content


@pytest.mark.anyio
async def test_async_read_only_retry(merchant_keys: GeneratedKeyPair) -> None:
    sleeps = Sleeps()
    gateway = FakeGateway(
        [snap(500, "5005101"), snap(200, "2005100", latestTransactionStatus="03")]
    )
    async with async_client(gateway, merchant_keys, sleeps) as client:
        response = await client.qris.query(original_reference_no="A1")
    assert response.latest_transaction_status == "03"
    assert sleeps.delays == [0.125]


@pytest.mark.anyio
async def test_async_error_mapping(merchant_keys: GeneratedKeyPair) -> None:
    gateway = FakeGateway([snap(403, "4035414", "Insufficient Funds")])
    async with async_client(gateway, merchant_keys) as client:
        with pytest.raises(E.InsufficientFundsError) as info:
            await client.direct_debit.payment(external_id="p-1", **examples.debit_payment())
    assert info.value.external_id == "p-1"
