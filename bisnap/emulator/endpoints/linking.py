"""GoPay account linking (spec §5.4.1 to §5.4.4): get-auth-code (GET, 10), bind (07),
binding inquiry (08), unbind (09); linking notifications (§7.3, ``registration-account/notify``).

The emulator approves every linking at once: get-auth-code verifies ``seamlessSign`` with the
merchant's public key and redirects straight to ``redirectUrl?authCode=…&state=…&success=true``.
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Any
from urllib.parse import parse_qsl, quote, urlencode

from bisnap.emulator.responses import EmulatorResponse, SnapFailure, dump_json
from bisnap.emulator.routes import Auth, Call, CustomerToken, Endpoint, RouteTable
from bisnap.emulator.state import AuthCodeGrant, Binding, Merchant, secret_key
from bisnap.errors import InvalidSignatureError
from bisnap.signing import verify_rsa

__all__ = ["AUTH_CODE_LIFETIME", "register"]

NOTIFY_PATH = "/v1.0/registration-account/notify"
AUTH_CODE_LIFETIME = timedelta(minutes=10)
"""How long an auth code from get-auth-code can be bound."""
_QUERY_FIELDS = (
    "redirectUrl",
    "scopes",
    "state",
    "merchantId",
    "lang",
    "seamlessData",
    "seamlessSign",
)


def _redirect(location: str, code: str, message: str) -> EmulatorResponse:
    body = dump_json({"responseCode": code, "responseMessage": message})
    return EmulatorResponse(302, {"Content-Type": "application/json", "Location": location}, body)


def _with_query(url: str, params: dict[str, str]) -> str:
    return url + ("&" if "?" in url else "?") + urlencode(params)


def _signed_by(merchant: Merchant, data: str, sign: str) -> bool:
    for candidate in (data, quote(data, safe="")):
        try:
            verify_rsa(merchant.public_key, candidate, sign)
        except InvalidSignatureError:
            continue
        return True
    return False


def get_auth_code(call: Call) -> EmulatorResponse:
    """Start a linking: verify the request, then redirect with a fresh ``authCode``."""
    query = dict(call.query)
    if "redirectUrl" not in query and "redirectURL" in query:
        query["redirectUrl"] = query["redirectURL"]
    redirect = query.get("redirectUrl", "")
    if not redirect:
        raise SnapFailure.missing("redirectUrl")
    for name in _QUERY_FIELDS:
        if not query.get(name):
            return _redirect(
                _with_query(
                    redirect,
                    {
                        "responseCode": "4001002",
                        "responseMessage": f"Invalid Mandatory Field {name}",
                    },
                ),
                "4001002",
                f"Invalid Mandatory Field {name}",
            )
    if query["lang"] not in ("en", "id") or len(query["state"]) > 32:
        field = "lang" if query["lang"] not in ("en", "id") else "state"
        return _redirect(
            _with_query(
                redirect,
                {"responseCode": "4001001", "responseMessage": f"Invalid Field Format {field}"},
            ),
            "4001001",
            f"Invalid Field Format {field}",
        )
    seamless = dict(parse_qsl(query["seamlessData"]))
    phone = seamless.get("mobileNumber", "")
    if not phone.isdigit() or seamless.get("paymentType", "").lower() != "gopay":
        message = "Invalid Mandatory Field mobileNumber"
        return _redirect(
            _with_query(redirect, {"responseCode": "4001002", "responseMessage": message}),
            "4001002",
            message,
        )
    handle = query["merchantId"]
    merchants = [
        m
        for m in call.state.merchants.values()
        if m.payment_handle in (handle, None)
        and _signed_by(m, query["seamlessData"], query["seamlessSign"])
    ]
    if not merchants:
        message = "Unauthorized. seamlessSign"
        return _redirect(
            _with_query(redirect, {"responseCode": "4011000", "responseMessage": message}),
            "4011000",
            message,
        )
    code = secrets.token_urlsafe(24)
    call.state.auth_codes[secret_key(code)] = AuthCodeGrant(
        client_id=merchants[0].client_id,
        phone=phone,
        payment_handle=handle,
        expires=call.now + AUTH_CODE_LIFETIME,
    )
    location = _with_query(redirect, {"authCode": code, "state": query["state"], "success": "true"})
    return _redirect(location, "2001001", "Successful")


def _notify(call: Call, binding: Binding, status: str, message: str) -> None:
    merchant = call.merchant
    assert merchant is not None
    body = {
        "additionalInfo": {
            "accessToken": binding.customer_token,
            "merchantId": merchant.merchant_id or merchant.partner_id,
            "subMerchantId": "default",
            "paymentType": "gopay",
            "accountStatus": status,
            "statusMessage": message,
        }
    }
    call.notify(NOTIFY_PATH, body, linking=True)


def bind(call: Call) -> dict[str, Any]:
    """Exchange an ``authCode`` for the customer token (``accessTokenInfo.accessToken``)."""
    f = call.fields
    handle = f.need_text("merchantId", max_len=64)
    code = f.need_text("authCode", max_len=256)
    f.need_text("grantType", max_len=64, choices=("AUTHORIZATION_CODE",))
    grant = call.state.auth_codes.get(secret_key(code))
    if grant is None or grant.client_id != call.client_id or call.now >= grant.expires:
        raise SnapFailure(404, "11", "Invalid Customer AuthCode")
    if grant.payment_handle != handle:
        raise SnapFailure.unauthorized("Incorrect merchantId value")
    del call.state.auth_codes[secret_key(code)]
    existing = next(
        (
            b
            for b in call.state.bindings.values()
            if b.client_id == call.client_id and b.phone == grant.phone
        ),
        None,
    )
    if existing is not None:
        binding = existing
        binding.status = "ENABLED"
    else:
        binding = Binding(
            client_id=call.client_id,
            customer_token=secrets.token_urlsafe(48),
            phone=grant.phone,
            payment_handle=handle,
            option_tokens={
                "GOPAY_WALLET": secrets.token_hex(16),
                "PAY_LATER": secrets.token_hex(16),
            },
        )
        call.state.bindings[secret_key(binding.customer_token)] = binding
    _notify(call, binding, "ENABLED", "Account linked")
    return {
        "responseMessage": "Request has been processed successfully",
        "referenceNo": call.state.new_reference("LK"),
        "accessTokenInfo": {"accessToken": binding.customer_token},
    }


def inquiry(call: Call) -> dict[str, Any]:
    """The binding's payment options, balances and option tokens."""
    info = call.fields.obj("additionalInfo", required=False)
    account_id = info.text("accountId", required=False) if info is not None else None
    binding = call.binding
    if binding is None:
        if account_id is None:
            raise SnapFailure.missing("Authorization-Customer")
        raise SnapFailure(403, "18", "Inactive Card/Account/Customer")
    return {
        "referenceNo": call.state.new_reference("LK"),
        "additionalInfo": {
            "accessToken": binding.customer_token,
            "paymentType": "gopay",
            "paymentOptions": [
                {
                    "name": name,
                    "active": True,
                    "balance": {"value": int(balance), "currency": "IDR"},
                    "token": binding.option_tokens[name],
                }
                for name, balance in (
                    ("GOPAY_WALLET", binding.wallet_balance),
                    ("PAY_LATER", binding.paylater_balance),
                )
            ],
        },
    }


def unbind(call: Call) -> dict[str, Any]:
    """Unlink: the customer token stops working; a linking notification says so."""
    handle = call.fields.need_text("merchantId", max_len=64)
    binding = call.binding
    assert binding is not None
    if binding.payment_handle != handle:
        raise SnapFailure.unauthorized("Incorrect merchantId value")
    binding.status = "DISABLED"
    _notify(call, binding, "DISABLED", "Account unlinked")
    return {
        "responseMessage": "Request has been processed successfully",
        "referenceNo": call.state.new_reference("LK"),
    }


def register(table: RouteTable) -> None:
    """Register the account-linking endpoints."""
    table.add(
        Endpoint(
            "GET",
            "/v1.0/get-auth-code",
            "10",
            get_auth_code,
            "linking",
            auth=Auth.NONE,
            summary="Get auth code (redirect)",
        )
    )
    table.add(
        Endpoint(
            "POST", "/v1.0/registration-account-binding", "07", bind, "linking", summary="Bind"
        )
    )
    table.add(
        Endpoint(
            "POST",
            "/v1.0/registration-account-inquiry",
            "08",
            inquiry,
            "linking",
            customer_token=CustomerToken.OPTIONAL,
            device_id=True,
            summary="Binding inquiry",
        )
    )
    table.add(
        Endpoint(
            "POST",
            "/v1.0/registration-account-unbinding",
            "09",
            unbind,
            "linking",
            customer_token=CustomerToken.REQUIRED,
            device_id=True,
            summary="Unbind",
        )
    )
