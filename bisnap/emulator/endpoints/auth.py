"""``POST /v1.0/access-token/b2b`` (service 73): the B2B access token (spec §3.1)."""

from __future__ import annotations

from typing import Any

from bisnap.diagnose import DiagnosisScheme
from bisnap.emulator.admission import is_json_media_type
from bisnap.emulator.diagnosis import signature_refusal
from bisnap.emulator.responses import SnapFailure
from bisnap.emulator.routes import Auth, Call, Endpoint, RouteTable
from bisnap.errors import InvalidSignatureError, InvalidTimestampError
from bisnap.signing import token_string_to_sign, verify_rsa

__all__ = ["register"]


def access_token(call: Call) -> dict[str, Any]:
    """Verify ``X-SIGNATURE`` = SHA256withRSA(``X-CLIENT-KEY|X-TIMESTAMP``), issue a token."""
    for name in ("Content-Type", "X-CLIENT-KEY", "X-TIMESTAMP", "X-SIGNATURE"):
        if not call.header(name):
            raise SnapFailure.missing(name)
    if not is_json_media_type(call.header("Content-Type") or ""):
        raise SnapFailure.bad_format("Content-Type")
    client_key = call.header("X-CLIENT-KEY") or ""
    timestamp = call.header("X-TIMESTAMP") or ""
    signature = call.header("X-SIGNATURE") or ""
    merchant = call.state.merchants.get(client_key)
    if merchant is None:
        raise SnapFailure.unauthorized("Unknown client")
    try:
        call.emulator.check_timestamp(timestamp, call.now)
    except InvalidTimestampError:
        raise SnapFailure.unauthorized("Invalid X-TIMESTAMP") from None
    try:
        verify_rsa(merchant.public_key, token_string_to_sign(client_key, timestamp), signature)
    except InvalidSignatureError:
        raise signature_refusal(
            call, call.path, DiagnosisScheme.TOKEN, public_key=merchant.public_key
        ) from None
    body = call.body
    grant_key = "grant_type" if "grant_type" in body and "grantType" not in body else "grantType"
    grant = call.fields.text(grant_key)
    if grant != "client_credentials":
        raise SnapFailure.bad_format(grant_key)
    return {
        "accessToken": call.emulator.issue_token(merchant.client_id, call.now),
        "tokenType": "Bearer",
        "expiresIn": str(call.emulator.token_lifetime),
    }


def register(table: RouteTable) -> None:
    """Register the token endpoint."""
    table.add(
        Endpoint(
            "POST",
            "/v1.0/access-token/b2b",
            "73",
            access_token,
            family="auth",
            auth=Auth.NONE,
            summary="B2B access token",
        )
    )
