"""The operation catalog the CLI uses to tie X-EXTERNAL-ID to a body field."""

from __future__ import annotations

import pytest

from bisnap.models.common import SnapRequest
from bisnap.models.qris import QrisGenerateRequest, QrisRefundRequest
from bisnap.models.virtual_accounts import CreateVaRequest
from bisnap.services.catalog import all_operations, find_operation, tied_external_id_field


def test_catalog_holds_every_family_once() -> None:
    names = [operation.name for operation in all_operations()]
    assert len(names) == len(set(names))
    families = {name.split(".")[0] for name in names}
    assert families == {
        "virtual_accounts", "qris", "direct_debit", "account_linking", "preauth", "payouts",
        "reporting",
    }  # fmt: skip


@pytest.mark.parametrize(
    ("path", "model", "wire"),
    [
        ("/v1.0/transfer-va/create-va", CreateVaRequest, "trxId"),
        ("/v1.0/qr/qr-mpm-generate", QrisGenerateRequest, "partnerReferenceNo"),
        ("/v1.0/qr/qr-mpm-refund", QrisRefundRequest, "partnerRefundNo"),
    ],
)
def test_tied_field_is_the_models_wire_name(path: str, model: type[SnapRequest], wire: str) -> None:
    operation = find_operation("post", path + "?x=1")
    assert operation is not None
    assert operation.external_id_field is not None
    assert model.model_fields[operation.external_id_field].alias == wire
    assert tied_external_id_field("POST", path) == wire


def test_untied_and_unknown_paths() -> None:
    assert tied_external_id_field("POST", "/v1.0/debit/status") is None
    assert tied_external_id_field("POST", "/v1.0/nowhere") is None
    assert find_operation("GET", "/v1.0/transfer-va/create-va") is None
