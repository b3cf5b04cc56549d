"""The diagnosis API: agreement with bisnap's own signer, the result shape, input errors."""

from __future__ import annotations

import pytest

import bisnap
from bisnap import Credentials, Diagnosis, diagnose
from bisnap.diagnose import CAUSES, STAGES, DiagnosisScheme, Verdict
from bisnap.errors import ConfigurationError
from bisnap.headers import token_request_body, token_request_headers, transaction_request
from bisnap.keys import GeneratedKeyPair

TS = "2024-03-15T10:35:00+07:00"


@pytest.fixture
def credentials(merchant_keys: GeneratedKeyPair) -> Credentials:
    return Credentials("client", "secret", merchant_keys.private_key(), "partner", "95221")


def test_requests_signed_by_bisnap_are_valid(credentials: Credentials) -> None:
    body = {"partnerServiceId": "   1", "note": "a/b é"}
    signed = transaction_request(credentials, "POST", "/v1.0/x?a=1", body, "tok", timestamp=TS)
    diagnosis = diagnose(
        signed.method, signed.path, signed.headers, signed.body, client_secret="secret"
    )
    assert diagnosis.verdict is Verdict.VALID
    assert diagnosis.scheme is DiagnosisScheme.TRANSACTION_HMAC

    headers = token_request_headers(credentials, timestamp=TS)
    token = diagnose(
        "POST",
        "/v1.0/access-token/b2b",
        headers,
        token_request_body(),
        private_key=credentials.private_key,
    )
    assert (token.verdict, token.scheme) == (Verdict.VALID, DiagnosisScheme.TOKEN)


def test_to_dict_has_exactly_the_contract_keys(credentials: Credentials) -> None:
    signed = transaction_request(credentials, "POST", "/v1.0/x", {"a": "b/c"}, "tok", timestamp=TS)
    diagnosis = diagnose(
        "POST", "/v1.0/x", signed.headers, b'{"a":"b\\/c"}', client_secret="secret"
    )
    document = diagnosis.to_dict()
    assert set(document) == {"verdict", "scheme", "first_difference", "causes", "evidence"}
    assert document["verdict"] == "invalid"
    assert document["scheme"] == "transaction-hmac"
    assert document["first_difference"] == "body"
    assert document["causes"] == ["body-escapes-differ"]
    assert "body-escapes-differ" in document["evidence"]
    assert all(isinstance(value, str) for value in document["evidence"].values())
    assert "cause body-escapes-differ" in diagnosis.explain()
    assert diagnosis.causes[0].meaning == CAUSES["body-escapes-differ"]


def test_cause_vocabulary_is_the_contract() -> None:
    assert set(CAUSES) == {
        "body-escapes-differ",
        "whitespace-inside-strings",
        "timestamp-differs",
        "path-prefix",
        "query-string",
        "method-case",
        "digest-uppercase",
        "secret-whitespace",
        "token-differs",
        "wrong-scheme",
        "wrong-key",
        "clock-skew",
    }
    assert "window" in STAGES
    assert "body" in STAGES


def test_missing_key_for_the_scheme_is_a_configuration_error() -> None:
    headers = {"Authorization": "Bearer t", "X-TIMESTAMP": TS, "X-SIGNATURE": "AA=="}
    with pytest.raises(ConfigurationError, match="client secret") as caught:
        diagnose("POST", "/v1.0/x", headers, b"{}")
    assert caught.value.field == "client_secret"
    with pytest.raises(ConfigurationError, match="gateway's public key"):
        diagnose("POST", "/v1.0/debit/notify", {"X-TIMESTAMP": TS}, b"{}")
    with pytest.raises(ConfigurationError, match="unknown scheme"):
        diagnose("POST", "/v1.0/x", headers, b"{}", client_secret="s", scheme="rot13")


def test_public_names() -> None:
    assert bisnap.diagnose is diagnose
    assert bisnap.Diagnosis is Diagnosis
