"""Every typed SNAP operation, as data: one table, in family order.

Each entry is an :class:`~bisnap.services.operation.Operation`: name, method, path, service
code, request and response models, then its retry and ``X-EXTERNAL-ID`` rules and ``doc``,
the docstring of the service method that sends it (``client.qris.generate``...).
"""

from __future__ import annotations

from bisnap.external_id import ExternalIdForm
from bisnap.models.account_linking import (
    AuthCodeParams,
    BindingInquiryRequest,
    BindingInquiryResponse,
    BindRequest,
    BindResponse,
    UnbindRequest,
    UnbindResponse,
)
from bisnap.models.common import SnapResponse
from bisnap.models.direct_debit import (
    DebitCancelRequest,
    DebitCancelResponse,
    DebitPaymentRequest,
    DebitPaymentResponse,
    DebitRefundRequest,
    DebitRefundResponse,
    DebitStatusRequest,
    DebitStatusResponse,
)
from bisnap.models.payouts import (
    BalanceInquiryRequest,
    BalanceInquiryResponse,
    EmoneyAccountInquiryRequest,
    EmoneyAccountInquiryResponse,
    ExternalAccountInquiryRequest,
    ExternalAccountInquiryResponse,
    InterbankTransferRequest,
    InterbankTransferResponse,
    IntrabankTransferRequest,
    IntrabankTransferResponse,
    TopupRequest,
    TopupResponse,
    TransferStatusRequest,
    TransferStatusResponse,
    VaInquiryIntrabankRequest,
    VaInquiryIntrabankResponse,
    VaPaymentIntrabankRequest,
    VaPaymentIntrabankResponse,
)
from bisnap.models.preauth import (
    AuthorizeRequest,
    AuthorizeResponse,
    CaptureRequest,
    CaptureResponse,
    PreAuthQueryRequest,
    PreAuthQueryResponse,
    PreAuthRefundRequest,
    PreAuthRefundResponse,
    VoidRequest,
    VoidResponse,
)
from bisnap.models.qris import (
    QrisCancelRequest,
    QrisCancelResponse,
    QrisGenerateRequest,
    QrisGenerateResponse,
    QrisQueryRequest,
    QrisQueryResponse,
    QrisRefundRequest,
    QrisRefundResponse,
)
from bisnap.models.reporting import (
    HistoryDetailRequest,
    HistoryDetailResponse,
    HistoryListRequest,
    HistoryListResponse,
)
from bisnap.models.virtual_accounts import (
    CreateVaRequest,
    CreateVaResponse,
    DeleteVaRequest,
    DeleteVaResponse,
    VaStatusRequest,
    VaStatusResponse,
)
from bisnap.services.operation import Operation

_NUMERIC = ExternalIdForm.NUMERIC  # Payouts: X-EXTERNAL-ID is at most 36 digits
_PAYOUT_STATUS = "payouts.transfer_status"
_MONEY = "Moves money: never resent automatically."

# --- virtual accounts ---------------------------------------------------------------------

VA_CREATE = Operation(
    "virtual_accounts.create",
    "POST",
    "/v1.0/transfer-va/create-va",
    "27",
    CreateVaRequest,
    CreateVaResponse,
    status_operation="virtual_accounts.status",
    external_id_field="trx_id",
    doc="Create a VA. ``trxId`` and ``X-EXTERNAL-ID`` are the same value: give either (or "
    "neither, and one is generated). Use ``virtualAccountData.virtualAccountNo`` of the answer "
    "as the VA number.",
)
VA_STATUS = Operation(
    "virtual_accounts.status",
    "POST",
    "/v1.0/transfer-va/status",
    "26",
    VaStatusRequest,
    VaStatusResponse,
    read_only=True,
    doc="Status of a VA; ``inquiryRequestId`` is the create call's ``trxId``. For a multi-use "
    "VA add ``additionalInfo.page`` / ``pageSize``.",
)
VA_DELETE = Operation(
    "virtual_accounts.delete",
    "POST",
    "/v1.0/transfer-va/delete-va",
    "31",
    DeleteVaRequest,
    DeleteVaResponse,
    status_operation="virtual_accounts.status",
    doc="Delete (cancel) an unpaid VA; ``trxId`` is the create call's ``trxId``.",
)

# --- QRIS ---------------------------------------------------------------------------------

QRIS_GENERATE = Operation(
    "qris.generate",
    "POST",
    "/v1.0/qr/qr-mpm-generate",
    "47",
    QrisGenerateRequest,
    QrisGenerateResponse,
    status_operation="qris.query",
    external_id_field="partner_reference_no",
    doc="Generate a QR code. ``partnerReferenceNo`` and ``X-EXTERNAL-ID`` are the same value: "
    "give either (or neither, and one is generated).",
)
QRIS_QUERY = Operation(
    "qris.query",
    "POST",
    "/v1.0/qr/qr-mpm-query",
    "51",
    QrisQueryRequest,
    QrisQueryResponse,
    read_only=True,
    doc="Status of a QRIS payment by ``originalReferenceNo``, ``originalPartnerReferenceNo`` or "
    "``originalExternalId``; ``latestTransactionStatus`` 00 means paid.",
)
QRIS_CANCEL = Operation(
    "qris.cancel",
    "POST",
    "/v1.0/qr/qr-mpm-cancel",
    "77",
    QrisCancelRequest,
    QrisCancelResponse,
    status_operation="qris.query",
    doc="Cancel an unpaid QRIS payment (``merchantId`` and ``reason`` are mandatory).",
)
QRIS_REFUND = Operation(
    "qris.refund",
    "POST",
    "/v1.0/qr/qr-mpm-refund",
    "78",
    QrisRefundRequest,
    QrisRefundResponse,
    money_moving=True,
    status_operation="qris.query",
    external_id_field="partner_refund_no",
    doc=f"Refund a QRIS payment. {_MONEY} ``partnerRefundNo`` and ``X-EXTERNAL-ID`` are the "
    "same value.",
)

# --- direct debit -------------------------------------------------------------------------

DEBIT_PAYMENT = Operation(
    "direct_debit.payment",
    "POST",
    "/v1.0/debit/payment-host-to-host",
    "54",
    DebitPaymentRequest,
    DebitPaymentResponse,
    money_moving=True,
    status_operation="direct_debit.status",
    doc=f"Start a payment; send the customer to ``webRedirectUrl``. {_MONEY} For GoPay "
    "tokenization pass ``customer_token=`` and ``device_id=``.",
)
DEBIT_STATUS = Operation(
    "direct_debit.status",
    "POST",
    "/v1.0/debit/status",
    "55",
    DebitStatusRequest,
    DebitStatusResponse,
    read_only=True,
    doc="Status by ``originalReferenceNo`` or ``originalExternalId`` (the payment's "
    "X-EXTERNAL-ID); ``serviceCode`` defaults to 54 (payment).",
)
DEBIT_CANCEL = Operation(
    "direct_debit.cancel",
    "POST",
    "/v1.0/debit/cancel",
    "57",
    DebitCancelRequest,
    DebitCancelResponse,
    status_operation="direct_debit.status",
    doc="Cancel an unpaid payment.",
)
DEBIT_REFUND = Operation(
    "direct_debit.refund",
    "POST",
    "/v1.0/debit/refund",
    "58",
    DebitRefundRequest,
    DebitRefundResponse,
    money_moving=True,
    status_operation="direct_debit.status",
    default_from_external_id="partner_refund_no",
    doc=f"Refund a payment (whole, or ``refundAmount``). {_MONEY}",
)

# --- account linking ----------------------------------------------------------------------

LINK_AUTH_CODE = Operation(
    "account_linking.auth_code_url",
    "GET",
    "/v1.0/get-auth-code",
    "10",
    AuthCodeParams,
    SnapResponse,
    read_only=True,
    host="app",
)
LINK_BIND = Operation(
    "account_linking.bind",
    "POST",
    "/v1.0/registration-account-binding",
    "07",
    BindRequest,
    BindResponse,
    status_operation="account_linking.auth_code_url (link the same phone again: the gateway "
    "returns the same customer token)",
    doc="Swap the ``authCode`` from the redirect for the customer token "
    "(``response.customer_token``). A repeated X-EXTERNAL-ID within 24 h is a conflict.",
)
LINK_INQUIRY = Operation(
    "account_linking.inquiry",
    "POST",
    "/v1.0/registration-account-inquiry",
    "08",
    BindingInquiryRequest,
    BindingInquiryResponse,
    read_only=True,
    needs_device_id=True,
    doc="The binding's state and payment options (call it before each payment).",
)
LINK_UNBIND = Operation(
    "account_linking.unbind",
    "POST",
    "/v1.0/registration-account-unbinding",
    "09",
    UnbindRequest,
    UnbindResponse,
    status_operation="account_linking.inquiry",
    needs_customer_token=True,
    needs_device_id=True,
    doc="End the link (needs ``customer_token=`` and ``device_id=``).",
)

# --- GoPay pre-authorization --------------------------------------------------------------

PREAUTH_AUTHORIZE = Operation(
    "preauth.authorize",
    "POST",
    "/v1.0/auth/payment",
    "63",
    AuthorizeRequest,
    AuthorizeResponse,
    money_moving=True,
    status_operation="preauth.query",
    needs_customer_token=True,
    needs_device_id=True,
    doc=f"Reserve an amount on the customer's GoPay (needs ``customer_token=`` and "
    f"``device_id=``). {_MONEY}",
)
PREAUTH_QUERY = Operation(
    "preauth.query",
    "POST",
    "/v1.0/auth/query",
    "64",
    PreAuthQueryRequest,
    PreAuthQueryResponse,
    read_only=True,
    doc="Status of an authorization: ``latestTransactionStatus`` 01 authorized, 00 captured.",
)
PREAUTH_CAPTURE = Operation(
    "preauth.capture",
    "POST",
    "/v1.0/auth/capture",
    "65",
    CaptureRequest,
    CaptureResponse,
    money_moving=True,
    status_operation="preauth.query",
    default_from_external_id="partner_capture_no",
    doc=f"Capture an authorization in full. {_MONEY}",
)
PREAUTH_VOID = Operation(
    "preauth.void",
    "POST",
    "/v1.0/auth/void",
    "67",
    VoidRequest,
    VoidResponse,
    status_operation="preauth.query",
    default_from_external_id="partner_void_no",
    doc="Release an authorization that was not captured.",
)
PREAUTH_REFUND = Operation(
    "preauth.refund",
    "POST",
    "/v1.0/auth/refund",
    "69",
    PreAuthRefundRequest,
    PreAuthRefundResponse,
    money_moving=True,
    status_operation="preauth.query",
    default_from_external_id="partner_refund_no",
    doc=f"Refund a captured payment. {_MONEY}",
)

# --- payouts (numeric X-EXTERNAL-ID; money-moving calls are settled by transfer_status) ---

PAYOUT_BALANCE = Operation(
    "payouts.balance",
    "POST",
    "/v1.0/balance-inquiry",
    "11",
    BalanceInquiryRequest,
    BalanceInquiryResponse,
    read_only=True,
    external_id_form=_NUMERIC,
    doc="The payouts balance; ``accountNo`` is ``AGGREGATOR_ACCOUNT_NO`` for aggregators.",
)
PAYOUT_ACCOUNT_INQUIRY = Operation(
    "payouts.account_inquiry",
    "POST",
    "/v1.0/account-inquiry-external",
    "16",
    ExternalAccountInquiryRequest,
    ExternalAccountInquiryResponse,
    read_only=True,
    external_id_form=_NUMERIC,
    doc="The name behind a bank account (``beneficiaryBankCode`` + ``beneficiaryAccountNo``).",
)
PAYOUT_INTRABANK_TRANSFER = Operation(
    "payouts.intrabank_transfer",
    "POST",
    "/v1.0/transfer-intrabank",
    "17",
    IntrabankTransferRequest,
    IntrabankTransferResponse,
    money_moving=True,
    status_operation=_PAYOUT_STATUS,
    external_id_form=_NUMERIC,
    doc="Transfer to a BCA, BRI, BNI, Mandiri, CIMB, Danamon, Permata or Jago account.\n\n"
    "Amount 1 to 9.999.999.999 IDR (CIMB from 10.000, recognised by "
    "``additionalInfo.beneficiaryBankCode``), checked before sending. Money-moving: see the "
    "module docstring for what a timeout means.",
)
PAYOUT_INTERBANK_TRANSFER = Operation(
    "payouts.interbank_transfer",
    "POST",
    "/v1.0/transfer-interbank",
    "18",
    InterbankTransferRequest,
    InterbankTransferResponse,
    money_moving=True,
    status_operation=_PAYOUT_STATUS,
    external_id_form=_NUMERIC,
    doc="Transfer to any other bank. The amount is checked against ``route``'s maximum "
    "(default BI Fast, 250.000.000 IDR, the most the automatic route allows); ``route`` is "
    "not sent.",
)
PAYOUT_VA_INQUIRY = Operation(
    "payouts.va_inquiry",
    "POST",
    "/v1.0/transfer-va/inquiry-intrabank",
    "32",
    VaInquiryIntrabankRequest,
    VaInquiryIntrabankResponse,
    read_only=True,
    external_id_form=_NUMERIC,
    doc="Look up a virtual account before paying it (gives ``inquiryRequestId``).",
)
PAYOUT_VA_PAYMENT = Operation(
    "payouts.va_payment",
    "POST",
    "/v1.0/transfer-va/payment-intrabank",
    "33",
    VaPaymentIntrabankRequest,
    VaPaymentIntrabankResponse,
    money_moving=True,
    status_operation=_PAYOUT_STATUS,
    external_id_form=_NUMERIC,
    doc="Pay a virtual account from the payouts balance (money-moving).",
)
PAYOUT_TRANSFER_STATUS = Operation(
    _PAYOUT_STATUS,
    "POST",
    "/v1.0/transfer/status",
    "36",
    TransferStatusRequest,
    TransferStatusResponse,
    read_only=True,
    doc="Status of a transfer by its ``partnerReferenceNo`` and original ``serviceCode`` "
    "(17, 18, 33 or 38). Ask no sooner than 10 minutes after the transfer.",
)
PAYOUT_EMONEY_ACCOUNT_INQUIRY = Operation(
    "payouts.emoney_account_inquiry",
    "POST",
    "/v1.0/emoney/account-inquiry",
    "37",
    EmoneyAccountInquiryRequest,
    EmoneyAccountInquiryResponse,
    read_only=True,
    external_id_form=_NUMERIC,
    doc="The name behind an e-wallet (``customerNumber`` at ``beneficiaryProvider``).",
)
PAYOUT_TOPUP = Operation(
    "payouts.topup",
    "POST",
    "/v1.0/emoney/topup",
    "38",
    TopupRequest,
    TopupResponse,
    money_moving=True,
    status_operation=_PAYOUT_STATUS,
    external_id_form=_NUMERIC,
    doc="Top up a customer's e-wallet from the payouts balance (money-moving).",
)

# --- reporting ----------------------------------------------------------------------------

HISTORY_PAGE = Operation(
    "reporting.history_page",
    "POST",
    "/v1.0/transaction-history-list",
    "12",
    HistoryListRequest,
    HistoryListResponse,
    read_only=True,
    doc="One page of the history (``pageSize`` 1-50, default 10; ``pageNumber`` from 0).",
)
HISTORY_DETAIL = Operation(
    "reporting.history_detail",
    "POST",
    "/v1.0/transaction-history-detail",
    "13",
    HistoryDetailRequest,
    HistoryDetailResponse,
    read_only=True,
    doc="One transaction: ``originalPartnerReferenceNo`` and ``additionalInfo.referenceNo`` "
    "(both from a history entry).",
)
