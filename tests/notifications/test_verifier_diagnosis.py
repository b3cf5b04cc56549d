"""Opt-in diagnosis of refused notification signatures: explained, never accepted."""

from __future__ import annotations

import logging
from datetime import datetime, timezone

import pytest

from bisnap.errors import NotificationError
from bisnap.notifications import NotificationSignatureError, NotificationVerifier
from tests.diagnose import second_impl as ref

GATEWAY = ref.new_rsa_key()
PATH = "/v1.0/debit/notify"
TS = "2024-03-15T10:35:00+07:00"
SIGNED = b'{"originalReferenceNo":"A1","latestTransactionStatus":"00","note":"https://x/y"}'
NOW = datetime(2024, 3, 15, 3, 35, 10, tzinfo=timezone.utc)


def headers(body: bytes, path: str = PATH) -> dict[str, str]:
    text = ref.asymmetric_text("POST", path, ref.digest(body), TS)
    return {
        "X-TIMESTAMP": TS,
        "X-SIGNATURE": ref.rsa_signature(GATEWAY, text),
        "X-EXTERNAL-ID": "77",
    }


def verifier(*, diagnose_failures: bool = False) -> NotificationVerifier:
    return NotificationVerifier(
        ref.public_pem(GATEWAY), clock=lambda: NOW, diagnose_failures=diagnose_failures
    )


def test_re_serialized_body_is_refused_and_explained(caplog: pytest.LogCaptureFixture) -> None:
    received = SIGNED.replace(b"/", b"\\/")  # a framework parsed and re-dumped the body
    with (
        caplog.at_level(logging.WARNING, logger="bisnap.notifications"),
        pytest.raises(NotificationSignatureError) as caught,
    ):
        verifier(diagnose_failures=True).verify("POST", PATH, received, headers(SIGNED))
    error = caught.value
    assert error.step == "signature"
    assert error.diagnosis is not None
    assert error.diagnosis.codes == ("body-escapes-differ",)
    assert "body-escapes-differ" in caplog.text


def test_diagnosis_is_off_by_default() -> None:
    with pytest.raises(NotificationSignatureError) as caught:
        verifier().verify("POST", PATH, SIGNED.replace(b"/", b"\\/"), headers(SIGNED))
    assert caught.value.diagnosis is None
    assert isinstance(caught.value, NotificationError)


def test_verdict_is_not_weakened_for_a_diagnosed_cause() -> None:
    # Signed over the relative path but received under a prefix the verifier was not told of:
    # the diagnosis names the cause, the notification stays refused.
    with pytest.raises(NotificationSignatureError) as caught:
        verifier(diagnose_failures=True).verify("POST", "/hooks" + PATH, SIGNED, headers(SIGNED))
    assert caught.value.diagnosis is not None
    assert caught.value.diagnosis.codes == ("path-prefix",)


def test_correct_notification_still_verifies_with_diagnosis_on() -> None:
    verified = verifier(diagnose_failures=True).verify("POST", PATH, SIGNED, headers(SIGNED))
    assert verified.external_id == "77"
