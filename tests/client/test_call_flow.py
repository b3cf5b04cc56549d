"""The send / retry loop without I/O: what it asks for, and what it does with each outcome."""

from __future__ import annotations

import itertools

import httpx
import pytest

from bisnap.call_flow import CallFlow, call_flow, resume
from bisnap.errors import OutcomeUnknownError, TransportError
from bisnap.gateways import MIDTRANS_SANDBOX
from bisnap.keys import GeneratedKeyPair
from bisnap.models.qris import QrisGenerateRequest, QrisQueryRequest, QrisQueryResponse
from bisnap.retry import RetryPolicy
from bisnap.services.core import CallOptions, ClientCore, PreparedCall, Retry
from bisnap.services.qris import GENERATE, QUERY

from .fakes import credentials, snap


@pytest.fixture
def core(merchant_keys: GeneratedKeyPair) -> ClientCore:
    ids = (f"ext-{n:04d}" for n in itertools.count(1))
    return ClientCore(
        MIDTRANS_SANDBOX,
        credentials(merchant_keys),
        retry=RetryPolicy(max_attempts=3, random=lambda: 0.5),
        external_id_factory=lambda: next(ids),
    )


def _query(core: ClientCore) -> PreparedCall:
    request = QrisQueryRequest(original_partner_reference_no="ref-1")
    return core.prepare(QUERY, request, CallOptions())


def _generate(core: ClientCore) -> PreparedCall:
    request = QrisGenerateRequest.model_validate(
        {"partnerReferenceNo": "ref-1", "amount": {"value": "15000.00"}}
    )
    return core.prepare(GENERATE, request, CallOptions())


def test_an_answer_ends_the_flow_with_the_typed_response(core: ClientCore) -> None:
    prepared = _query(core)
    flow: CallFlow = call_flow(core, prepared)
    assert resume(flow, None) == prepared
    answer = resume(flow, snap(200, "2005100", latestTransactionStatus="00"))
    assert isinstance(answer, QrisQueryResponse)
    assert answer.latest_transaction_status == "00"
    with pytest.raises(StopIteration):
        next(flow)


def test_a_read_only_call_waits_as_retry_after_says_then_goes_again_with_a_new_id(
    core: ClientCore,
) -> None:
    first = _query(core)
    flow = call_flow(core, first)
    assert resume(flow, None) == first
    busy = httpx.Response(503, headers={"Retry-After": "2"}, json={"responseCode": "5035100"})
    assert resume(flow, busy) == Retry(2.0)
    again = resume(flow, None)
    assert isinstance(again, PreparedCall)
    assert again.body == first.body
    assert (again.external_id, first.external_id) == ("ext-0002", "ext-0001")
    assert ("X-EXTERNAL-ID", "ext-0002") in again.headers
    answer = resume(flow, snap(200, "2005100", latestTransactionStatus="03"))
    assert isinstance(answer, QrisQueryResponse)


def test_a_read_only_call_stops_after_the_policy_s_attempts(core: ClientCore) -> None:
    flow = call_flow(core, _query(core))
    delays = []
    for _ in range(2):
        step = resume(flow, None)
        assert isinstance(step, PreparedCall)
        retry = resume(flow, httpx.ReadTimeout("slow", request=httpx.Request("POST", step.url)))
        assert isinstance(retry, Retry)
        delays.append(retry.delay)
    assert delays == [0.125, 0.25]  # half of 0.25 s, then of 0.5 s
    last = resume(flow, None)
    assert isinstance(last, PreparedCall)
    timeout = httpx.ReadTimeout("slow", request=httpx.Request("POST", last.url))
    with pytest.raises(TransportError, match="after 3 attempt"):
        resume(flow, timeout)


def test_a_payment_that_may_have_reached_the_gateway_is_never_sent_again(
    core: ClientCore,
) -> None:
    prepared = _generate(core)
    flow = call_flow(core, prepared)
    assert resume(flow, None) == prepared
    timeout = httpx.ReadTimeout("slow", request=httpx.Request("POST", prepared.url))
    with pytest.raises(OutcomeUnknownError) as info:
        resume(flow, timeout)
    assert info.value.external_id == prepared.external_id
    assert core.prepared_for(info.value) == prepared  # what resend sends: the same bytes


def test_a_payment_whose_connection_never_opened_is_sent_again_unchanged(
    core: ClientCore,
) -> None:
    prepared = _generate(core)
    flow = call_flow(core, prepared)
    assert resume(flow, None) == prepared
    refused = httpx.ConnectError("refused", request=httpx.Request("POST", prepared.url))
    assert isinstance(resume(flow, refused), Retry)
    assert resume(flow, None) == prepared
