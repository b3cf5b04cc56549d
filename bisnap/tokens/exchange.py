"""The B2B token exchange (spec §3.1): ``POST /v1.0/access-token/b2b`` signed with the
merchant's private key. No cache here: see :class:`bisnap.tokens.TokenManager`."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

import httpx

from bisnap.credentials import Credentials
from bisnap.errors import ProtocolError, ResponseCode, error_for_response
from bisnap.gateways import MIDTRANS_SANDBOX, GatewayProfile
from bisnap.headers import token_request_body, token_request_headers
from bisnap.timestamps import Clock, format_timestamp, system_clock
from bisnap.tokens.types import DEFAULT_LIFETIME, AccessToken

__all__ = ["afetch_token", "build_token_request", "fetch_token", "parse_token_response"]


def build_token_request(
    credentials: Credentials,
    profile: GatewayProfile = MIDTRANS_SANDBOX,
    *,
    now: datetime | None = None,
    clock: Clock | None = None,
) -> httpx.Request:
    """The signed B2B token request (``now`` or the clock's current time as ``X-TIMESTAMP``)."""
    moment = now if now is not None else (clock or system_clock)()
    headers = token_request_headers(
        credentials,
        profile=profile,
        timestamp=format_timestamp(moment, profile.timestamp_style),
    )
    headers["Accept"] = "application/json"
    return httpx.Request(
        "POST", profile.token_url, headers=headers, content=token_request_body(profile)
    )


def parse_token_response(
    status_code: int, content: bytes, *, requested_at: datetime
) -> AccessToken:
    """The token in a token-endpoint answer, or the typed error it carries.

    ``requested_at`` is when the request was made: the token is counted from then, so its
    deadline is never later than the gateway's. A non-success answer raises the
    :class:`~bisnap.errors.SnapAPIError` subclass for its status and ``responseCode``; an answer
    that is not SNAP JSON raises :class:`~bisnap.errors.ProtocolError`.
    """
    try:
        body: Any = json.loads(content.decode("utf-8")) if content else None
    except (UnicodeDecodeError, json.JSONDecodeError):
        body = None
    if not isinstance(body, dict):
        if status_code >= 400:
            raise error_for_response(status_code, None)
        raise ProtocolError(
            f"the token endpoint answered HTTP {status_code} without a JSON object",
            http_status=status_code,
        )
    raw_code = body.get("responseCode")
    code = ResponseCode.parse(raw_code) if isinstance(raw_code, str) else None
    if not 200 <= status_code < 300 or code is None or not code.is_success:
        raise error_for_response(status_code, body)
    value = body.get("accessToken")
    if not isinstance(value, str) or not value.strip():
        raise ProtocolError(
            "the token endpoint answered success without an accessToken", http_status=status_code
        )
    token_type = body.get("tokenType")
    lifetime = _expires_in(body.get("expiresIn"), status_code)
    return AccessToken(
        value=value.strip(),
        token_type=token_type if isinstance(token_type, str) and token_type else "Bearer",
        expires_at=requested_at + timedelta(seconds=lifetime),
        obtained_at=requested_at,
    )


def _expires_in(raw: object, status_code: int) -> int:
    if raw is None:
        return DEFAULT_LIFETIME
    # expiresIn is documented as a string ("900"); a number is accepted too.
    if isinstance(raw, bool):
        raw = None
    elif isinstance(raw, str) and raw.strip().isdigit():
        raw = int(raw.strip())
    if not isinstance(raw, int) or raw <= 0:
        raise ProtocolError(
            "the token endpoint answered an expiresIn that is not a positive number of seconds",
            http_status=status_code,
        )
    return raw


def fetch_token(
    client: httpx.Client,
    credentials: Credentials,
    profile: GatewayProfile = MIDTRANS_SANDBOX,
    *,
    clock: Clock | None = None,
) -> AccessToken:
    """One token exchange over ``client`` (no cache): what ``bisnap token`` runs."""
    requested_at = (clock or system_clock)()
    response = client.send(build_token_request(credentials, profile, now=requested_at))
    try:
        response.read()
    finally:
        response.close()
    return parse_token_response(response.status_code, response.content, requested_at=requested_at)


async def afetch_token(
    client: httpx.AsyncClient,
    credentials: Credentials,
    profile: GatewayProfile = MIDTRANS_SANDBOX,
    *,
    clock: Clock | None = None,
) -> AccessToken:
    """One token exchange over an :class:`httpx.AsyncClient` (no cache)."""
    requested_at = (clock or system_clock)()
    response = await client.send(build_token_request(credentials, profile, now=requested_at))
    try:
        await response.aread()
    finally:
        await response.aclose()
    return parse_token_response(response.status_code, response.content, requested_at=requested_at)
