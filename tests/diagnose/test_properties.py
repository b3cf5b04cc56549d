"""Property tests: a serializer mismatch on any body is named; any input gets a diagnosis
or a typed error."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from bisnap import diagnose
from bisnap.diagnose import Diagnosis, Verdict
from bisnap.errors import ConfigurationError, InvalidInputError
from tests.diagnose import second_impl as ref

SECRET = b"secret"
PATH = "/v1.0/transfer-va/create-va"
TS = "2024-03-15T10:35:00+07:00"
_TEXT = st.text(st.characters(codec="utf-8"), max_size=12)


def _headers(signed_body: bytes) -> dict[str, str]:
    text = ref.transaction_text("POST", PATH, "tok", ref.digest(signed_body), TS)
    return {
        "Authorization": "Bearer tok",
        "X-TIMESTAMP": TS,
        "X-SIGNATURE": ref.hmac_signature(SECRET, text),
    }


@settings(deadline=None, max_examples=60)
@given(
    st.dictionaries(st.text(max_size=6), _TEXT, min_size=1, max_size=4),
    st.booleans(),
    st.booleans(),
)
def test_body_signed_with_another_serializer_is_body_escapes_differ(
    document: dict[str, str], signer_ascii: bool, signer_slashes: bool
) -> None:
    sent = json.dumps(document, separators=(",", ":"), ensure_ascii=False).encode()
    signed = json.dumps(document, separators=(",", ":"), ensure_ascii=signer_ascii).encode()
    if signer_slashes:
        signed = signed.replace(b"/", b"\\/")
    diagnosis = diagnose("POST", PATH, _headers(signed), sent, client_secret=SECRET)
    if signed == sent:
        assert diagnosis.verdict is Verdict.VALID
    else:
        assert diagnosis.codes == ("body-escapes-differ",), diagnosis.explain()


_HEADER_NAMES = st.sampled_from(
    ["Authorization", "X-TIMESTAMP", "X-SIGNATURE", "X-CLIENT-KEY", "Host", "X-Other"]
)


@settings(deadline=None, max_examples=150)
@given(
    st.text(max_size=8),
    st.text(max_size=40),
    st.dictionaries(_HEADER_NAMES, st.text(max_size=60), max_size=6),
    st.one_of(st.binary(max_size=80), st.text(max_size=40)),
)
def test_any_request_gets_a_diagnosis_or_a_typed_error(
    method: str, target: str, headers: dict[str, str], body: bytes | str
) -> None:
    try:
        diagnosis = diagnose(method, target, headers, body, client_secret=SECRET)
    except (ConfigurationError, InvalidInputError):
        return
    assert isinstance(diagnosis, Diagnosis)
    assert diagnosis.verdict in (Verdict.INVALID, Verdict.UNDETERMINED, Verdict.VALID)
