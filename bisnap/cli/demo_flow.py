"""``bisnap demo``: a whole BI-SNAP flow against the local emulator, over real loopback HTTP.

Nothing needs configuring: throwaway keys are generated, the emulator and a small merchant
notification receiver start on free loopback ports, and bisnap's typed client walks a flow
(token, VA, QRIS, direct debit, payout and its Payouts notification, history), printing each
step with its result and timing. :func:`run_demo` returns 0 only if every step it ran was verified.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, TypeVar

import httpx

from bisnap.credentials import Credentials
from bisnap.emulator import BackgroundServer, Emulator, run_in_thread
from bisnap.gateways import MIDTRANS_SANDBOX, GatewayProfile
from bisnap.keys import IrisMerchantKey, generate_key_pair

__all__ = ["DemoStep", "run_demo"]

_CLIENT_ID = "DEMO-CLIENT"
_PARTNER_ID = "G000DEMO01"
_CHANNEL_ID = "12345"
_MERCHANT_ID = "G000DEMO01"
_PSID = "   70012"
_PAYOUTS_NOTIFY_PATH = "/payouts/notify"

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]


class DemoCheckFailed(Exception):
    """A demo step's answer was not what the spec says it should be."""


class _SkipStep(Exception):
    """A step that cannot run here (its endpoints are not served)."""


@dataclass(frozen=True)
class DemoStep:
    """One step's outcome: ``status`` is ``ok``, ``FAIL`` or ``skip``."""

    number: int
    name: str
    status: str
    detail: str
    milliseconds: float


class _NotificationSite:
    """The merchant's notification endpoint: records each request, answers HTTP 200."""

    def __init__(self) -> None:
        self.received: list[tuple[str, dict[str, str], bytes]] = []
        self._cond = threading.Condition()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
        with self._cond:
            self.received.append((scope["path"], headers, body))
            self._cond.notify_all()
        reply = b'{"responseCode":"2002500","responseMessage":"Successful"}'
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [(b"content-type", b"application/json")],
            }
        )
        await send({"type": "http.response.body", "body": reply})

    def wait_for(
        self,
        path_suffix: str,
        timeout: float,
        accept: Callable[[tuple[str, dict[str, str], bytes]], bool] | None = None,
    ) -> tuple[str, dict[str, str], bytes]:
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                for item in self.received:
                    if item[0].endswith(path_suffix) and (accept is None or accept(item)):
                        return item
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise DemoCheckFailed(f"no notification to {path_suffix} arrived")
                self._cond.wait(remaining)


def _as_json(response: Any) -> dict[str, Any]:
    dumped: dict[str, Any] = response.model_dump(by_alias=True, mode="json", exclude_none=True)
    return dumped


def _expect(condition: bool, message: str) -> None:
    if not condition:
        raise DemoCheckFailed(message)


_STEPS: list[tuple[str, str]] = []
"""The demo's steps in order: (title, name of a :class:`_Flow` method), see :func:`_step`."""

_Step = TypeVar("_Step", bound=Callable[..., str])


def _step(title: str) -> Callable[[_Step], _Step]:
    """Register the decorated :class:`_Flow` method as the demo's next step."""

    def register(method: _Step) -> _Step:
        _STEPS.append((title, method.__name__))
        return method

    return register


class _Flow:
    """The demo's steps, sharing the client, the admin API and what earlier steps created."""

    def __init__(
        self,
        client: Any,
        admin: httpx.Client,
        credentials: Credentials,
        profile: GatewayProfile,
        site: _NotificationSite,
        emulator: Emulator,
        timeout: float,
    ) -> None:
        self.client = client
        self.admin = admin
        self.credentials = credentials
        self.profile = profile
        self.site = site
        self.emulator = emulator
        self.timeout = timeout
        self.values: dict[str, Any] = {}

    def _admin(self, path: str, payload: dict[str, Any]) -> dict[str, Any]:
        answer = self.admin.post(path, json=payload)
        _expect(answer.status_code == 200, f"{path}: {answer.text}")
        body: dict[str, Any] = answer.json()
        return body

    def _pay(self, product: str, reference: str) -> None:
        """The customer pays ``reference`` (a VA or QRIS) through the emulator's admin API."""
        paid = self._admin(f"/_emulator/{product.lower()}/pay", {"reference": reference})
        _expect(paid["status"] == "00", f"{product} status {paid['status']} after paying")

    @_step("access token")
    def token(self) -> str:
        from bisnap.tokens import fetch_token

        token = fetch_token(self.admin, self.credentials, self.profile)
        _expect(round(token.lifetime) == 900, f"token lifetime {token.lifetime} s, not 900")
        return f"{token.token_type} token, valid {round(token.lifetime)} s"

    @_step("create VA")
    def create_va(self) -> str:
        trx = uuid.uuid4().hex
        answer = _as_json(
            self.client.virtual_accounts.create(
                partner_service_id=_PSID,
                customer_no="6280123456",
                virtual_account_no=_PSID + "6280123456",
                virtual_account_name="Demo Customer",
                trx_id=trx,
                total_amount={"value": "150000.00", "currency": "IDR"},
                additional_info={"merchantId": _MERCHANT_ID, "bank": "bca"},
            )
        )
        _expect(answer["responseCode"] == "2002700", f"responseCode {answer['responseCode']}")
        data = answer["virtualAccountData"]
        _expect(data["trxId"] == trx, "trxId not echoed")
        self.values["va"] = data
        return f"VA {data['virtualAccountNo'].strip()} for IDR 150000.00 (2002700)"

    @_step("pay the VA")
    def pay_va(self) -> str:
        self._pay("VA", self.values["va"]["trxId"])
        return "customer paid at the bank (simulated)"

    @_step("receive + verify notification")
    def va_notification(self) -> str:
        from bisnap.notifications import NotificationVerifier

        path, headers, body = self.site.wait_for("/v1.0/transfer-va/payment", self.timeout)
        verifier = NotificationVerifier(self.credentials.gateway_public_key)  # type: ignore[arg-type]
        verified = verifier.verify("POST", path, body, headers)
        payload = _as_json(verified.payload)
        _expect(payload.get("trxId") == self.values["va"]["trxId"], "notification trxId differs")
        return f"{path} RSA signature verified, trxId matches"

    @_step("VA status")
    def va_status(self) -> str:
        va = self.values["va"]
        answer = _as_json(
            self.client.virtual_accounts.status(
                partner_service_id=va["partnerServiceId"],
                customer_no=va["customerNo"],
                virtual_account_no=va["virtualAccountNo"],
                inquiry_request_id=va["trxId"],
                additional_info={"merchantId": _MERCHANT_ID},
            )
        )
        flag = answer["virtualAccountData"]["paymentFlagStatus"]
        _expect(flag == "00", f"paymentFlagStatus {flag}, expected 00")
        return "paymentFlagStatus 00 (paid)"

    @_step("QRIS generate")
    def qris_generate(self) -> str:
        answer = _as_json(
            self.client.qris.generate(
                amount={"value": "75000.00", "currency": "IDR"}, merchant_id=_MERCHANT_ID
            )
        )
        _expect(answer["responseCode"] == "2004700", f"responseCode {answer['responseCode']}")
        _expect(bool(answer.get("qrContent")), "no qrContent")
        self.values["qr"] = answer
        return f"QR {answer['referenceNo']} for IDR 75000.00 (2004700)"

    @_step("QRIS pay")
    def qris_pay(self) -> str:
        self._pay("QRIS", self.values["qr"]["referenceNo"])
        self.site.wait_for("/v1.0/qr/qr-mpm-notify", self.timeout)
        return "customer scanned and paid; notification received"

    @_step("QRIS refund")
    def qris_refund(self) -> str:
        qr = self.values["qr"]
        answer = _as_json(
            self.client.qris.refund(
                merchant_id=_MERCHANT_ID,
                original_partner_reference_no=qr["partnerReferenceNo"],
                original_reference_no=qr["referenceNo"],
                refund_amount={"value": "25000.00", "currency": "IDR"},
                reason="demo refund",
            )
        )
        _expect(answer["responseCode"] == "2007800", f"responseCode {answer['responseCode']}")
        _expect(answer["refundAmount"]["value"] == "25000.00", "refund amount differs")
        return "refunded IDR 25000.00 of 75000.00 (2007800)"

    @_step("direct debit payment")
    def debit_payment(self) -> str:
        answer = _as_json(
            self.client.direct_debit.payment(
                partner_reference_no=f"order-{uuid.uuid4().hex[:12]}",
                charge_token="",
                merchant_id=_MERCHANT_ID,
                pay_option_details=[
                    {
                        "payMethod": "GOPAY",
                        "payOption": "GOPAY",
                        "transAmount": {"value": "42000.00", "currency": "IDR"},
                    }
                ],
            )
        )
        _expect(answer["responseCode"] == "2005400", f"responseCode {answer['responseCode']}")
        self.values["debit"] = answer
        approved = self.admin.get(answer["webRedirectUrl"])
        _expect(approved.status_code == 200, "the payment page did not approve the payment")
        return f"GoPay payment {answer['referenceNo']} approved in the (simulated) app"

    @_step("direct debit status")
    def debit_status(self) -> str:
        answer = _as_json(
            self.client.direct_debit.status(
                original_reference_no=self.values["debit"]["referenceNo"], service_code="54"
            )
        )
        status = answer["latestTransactionStatus"]
        _expect(status == "00", f"latestTransactionStatus {status}, expected 00")
        self.site.wait_for("/v1.0/debit/notify", self.timeout)
        return "latestTransactionStatus 00; notification received"

    @_step("payout + status")
    def payout(self) -> str:
        if "payouts" not in self.emulator.families:
            raise _SkipStep("the emulator serves no Payouts endpoints yet")
        reference = f"payout-{uuid.uuid4().hex[:12]}"
        answer = _as_json(
            self.client.payouts.intrabank_transfer(
                partner_reference_no=reference,
                amount={"value": "50000.00", "currency": "IDR"},
                beneficiary_account_no="1234567890",
                source_account_no="0000000000",
                remark="demo payout",
                additional_info={
                    "beneficiaryAccountName": "BUDI SANTOSO",
                    "beneficiaryBankCode": "014",
                },
            )
        )
        _expect(answer["responseCode"] == "2001700", f"responseCode {answer['responseCode']}")
        status = _as_json(
            self.client.payouts.transfer_status(
                original_partner_reference_no=reference, service_code="17"
            )
        )
        _expect(status["responseCode"] == "2003600", f"status {status['responseCode']}")
        self.values["payout"] = reference
        return f"intrabank transfer IDR 50000.00; status {status.get('latestTransactionStatus')}"

    @_step("receive + verify payout notif.")
    def payout_notification(self) -> str:
        from bisnap.notifications import PayoutNotification, PayoutsNotificationVerifier

        reference = self.values.get("payout")
        if reference is None:
            raise _SkipStep("no payout was made")
        verifier = PayoutsNotificationVerifier(self.values["iris_key"])

        def completed(item: tuple[str, dict[str, str], bytes]) -> bool:
            payload = verifier.verify(item[2], item[1]).payload
            return (
                isinstance(payload, PayoutNotification)
                and payload.partner_reference_no == reference
                and payload.status == "completed"
            )

        path, _, _ = self.site.wait_for(_PAYOUTS_NOTIFY_PATH, self.timeout, completed)
        return f"{path} Iris-Signature verified; payout {reference} completed"

    @_step("transaction history page")
    def history(self) -> str:
        if "reporting" not in self.emulator.families:
            raise _SkipStep("the emulator serves no Reporting endpoints yet")
        answer = _as_json(self.client.reporting.history_page(page_size=10))
        _expect(answer["responseCode"] == "2001200", f"responseCode {answer['responseCode']}")
        rows = answer.get("detailData", [])
        _expect(len(rows) >= 3, f"{len(rows)} transactions listed, expected at least 3")
        return f"{len(rows)} transactions on the first page (2001200)"


def _steps(flow: _Flow) -> list[tuple[str, Callable[[], str]]]:
    return [(title, getattr(flow, name)) for title, name in _STEPS]


def _run_steps(flow: _Flow, echo: Callable[[str], None]) -> list[DemoStep]:
    results: list[DemoStep] = []
    for number, (name, step) in enumerate(_steps(flow), start=1):
        started = time.perf_counter()
        try:
            detail, status = step(), "ok"
        except _SkipStep as skip:
            detail, status = str(skip), "skip"
        except Exception as exc:  # every failure is reported, then the demo goes on
            detail, status = f"{type(exc).__name__}: {exc}", "FAIL"
        elapsed = (time.perf_counter() - started) * 1000
        result = DemoStep(number, name, status, detail, elapsed)
        results.append(result)
        echo(f"{number:>3}. {name:<30} {status:<4} {elapsed:8.1f} ms  {detail}")
    return results


def run_demo(
    *,
    echo: Callable[[str], None] = print,
    host: str = "127.0.0.1",
    timeout: float = 10.0,
) -> int:
    """Run the demo flow; return 0 if every step that ran was verified, else 1.

    A set-up failure (a port that cannot be bound, a client that cannot be built) is
    reported on one line and also returns 1.
    """
    echo("bisnap demo: a BI-SNAP flow against a local Midtrans emulator (throwaway keys)")
    try:
        results = _run_on_loopback(echo, host, timeout)
    except Exception as exc:  # set-up failures: one line, not a traceback
        echo(f"DEMO FAILED: could not set up the demo: {type(exc).__name__}: {exc}")
        return 1
    failed = [r for r in results if r.status == "FAIL"]
    skipped = [r for r in results if r.status == "skip"]
    verified = len(results) - len(failed) - len(skipped)
    summary = f"{verified} verified, {len(failed)} failed, {len(skipped)} skipped"
    echo(("all steps verified: " if not failed else "DEMO FAILED: ") + summary)
    return 0 if not failed else 1


def _run_on_loopback(echo: Callable[[str], None], host: str, timeout: float) -> list[DemoStep]:
    """Start the receiver and the emulator, build the client, run the steps, stop it all."""
    from bisnap.client import SnapClient

    merchant_keys = generate_key_pair()
    gateway_keys = generate_key_pair()
    iris_key = IrisMerchantKey(f"IRIS-demo-{uuid.uuid4()}")
    site = _NotificationSite()
    with BackgroundServer(site, host=host) as receiver:
        emulator = Emulator(
            gateway_private_key=gateway_keys.private_key(), notification_retry_scale=0
        )
        try:
            emulator.register_merchant(
                client_id=_CLIENT_ID,
                client_secret=uuid.uuid4().hex,
                partner_id=_PARTNER_ID,
                merchant_public_key=merchant_keys.public_key(),
                channel_id=_CHANNEL_ID,
                notify_url=receiver.base_url,
                balance=Decimal("10000000.00"),
                merchant_id=_MERCHANT_ID,
                iris_merchant_key=iris_key,
                payouts_notify_url=receiver.base_url + _PAYOUTS_NOTIFY_PATH,
            )
            secret = emulator.merchant(_CLIENT_ID).client_secret
            with run_in_thread(emulator, host=host) as server:
                echo(f"emulator at {server.base_url}; notifications to {receiver.base_url}")
                profile = MIDTRANS_SANDBOX.with_base_url(server.base_url)
                credentials = Credentials(
                    _CLIENT_ID,
                    secret,
                    merchant_keys.private_key(),
                    _PARTNER_ID,
                    _CHANNEL_ID,
                    gateway_keys.public_key(),
                )
                with (
                    # The demo's own emulator: plain http, loopback unless --host says otherwise.
                    SnapClient(
                        profile, credentials, timeout=timeout, allow_insecure_http=True
                    ) as client,
                    httpx.Client(
                        base_url=server.base_url, timeout=timeout, trust_env=False
                    ) as admin,
                ):
                    flow = _Flow(client, admin, credentials, profile, site, emulator, timeout)
                    flow.values["iris_key"] = iris_key
                    return _run_steps(flow, echo)
        finally:
            emulator.close()
