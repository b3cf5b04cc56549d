"""Explaining signature refusals: the emulator holds the merchant's keys, so it can say why.

The refusal keeps Midtrans' response body exactly; the diagnosis goes in the
``X-Bisnap-Diagnosis`` response header (cause codes, comma-separated, or ``undetermined``) and
in the emulator's log line. Only the emulator does this: the client library never diagnoses on
its own.
"""

from __future__ import annotations

import logging

from bisnap.diagnose import DiagnosisScheme, diagnose
from bisnap.emulator.responses import SnapFailure
from bisnap.emulator.routes import Call
from bisnap.errors import BisnapError
from bisnap.keys import ClientSecret, PublicKey

__all__ = ["DIAGNOSIS_HEADER", "signature_refusal"]

DIAGNOSIS_HEADER = "X-Bisnap-Diagnosis"

logger = logging.getLogger("bisnap.emulator")


def signature_refusal(
    call: Call,
    target: str,
    scheme: DiagnosisScheme,
    *,
    client_secret: ClientSecret | None = None,
    public_key: PublicKey | None = None,
) -> SnapFailure:
    """``401xx00 Unauthorized. Signature``, with the diagnosis header when it is switched on."""
    failure = SnapFailure.unauthorized("Signature")
    emulator = call.emulator
    if not emulator.diagnose_signatures:
        return failure
    try:
        diagnosis = diagnose(
            call.method,
            target,
            call.headers,
            call.raw_body,
            client_secret=client_secret,
            public_key=public_key,
            scheme=scheme,
            received_at=call.now,
            tolerance=emulator.timestamp_tolerance.total_seconds(),
        )
    except BisnapError as exc:  # the refusal stands; only the explanation is missing
        logger.warning("emulator could not diagnose %s %s: %s", call.method, target, exc)
        return failure
    codes = ",".join(diagnosis.codes) or diagnosis.verdict.value
    failure.headers[DIAGNOSIS_HEADER] = codes
    logger.warning(
        "emulator refused the signature of %s %s: %s (first difference: %s)",
        call.method,
        target.partition("?")[0],
        codes,
        diagnosis.first_difference,
    )
    return failure
