"""The ordering rule and the delivery key, checked against the documented transitions."""

from __future__ import annotations

import itertools
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bisnap.notifications import (
    PayoutStatus,
    delivery_key,
    moves_payout_forward,
    parse_payouts_payload,
)

from .helpers import COMPLETED, FAILED, PROCESSED, TOPUP

# Written out from the Midtrans notification page (addendum §A.2), not derived from the code.
DOCUMENTED = {
    ("approved", "processed"),
    ("approved", "completed"),
    ("approved", "failed"),
    ("processed", "completed"),
    ("processed", "failed"),
    ("completed", "failed"),
}
STATUSES = ["approved", "rejected", "processed", "completed", "failed"]


@pytest.mark.parametrize(("held", "incoming"), list(itertools.product(STATUSES, STATUSES)))
def test_only_the_documented_moves_go_forward(held: str, incoming: str) -> None:
    assert moves_payout_forward(held, incoming) is ((held, incoming) in DOCUMENTED)
    assert moves_payout_forward(PayoutStatus(held), PayoutStatus(incoming)) is (
        (held, incoming) in DOCUMENTED
    )


def test_completed_can_become_failed_but_never_processed_again() -> None:
    assert moves_payout_forward("completed", "failed")
    assert not moves_payout_forward("completed", "processed")
    assert not moves_payout_forward("failed", "processed")
    assert not moves_payout_forward("failed", "completed")


def test_a_first_notification_is_accepted_and_unknown_statuses_never_are() -> None:
    for status in STATUSES:
        assert moves_payout_forward(None, status)
    assert not moves_payout_forward(None, "queued")
    assert not moves_payout_forward("processed", "queued")
    assert not moves_payout_forward("queued", "completed")


def test_a_status_of_the_wrong_type_is_a_type_error() -> None:
    with pytest.raises(TypeError, match="incoming"):
        moves_payout_forward(None, 3)  # type: ignore[arg-type]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(STATUSES), min_size=1, max_size=12))
def test_applying_the_rule_never_leaves_a_final_state(deliveries: list[str]) -> None:
    held: str | None = None
    for incoming in deliveries:
        if moves_payout_forward(held, incoming):
            assert held not in ("failed", "rejected")
            assert held != incoming
            held = incoming
    assert held == deliveries[0] or held in ("processed", "completed", "failed")


def test_out_of_order_delivery_of_a_reversal_ends_failed() -> None:
    held: str | None = None
    for incoming in ["failed", "completed", "processed", "completed"]:
        if moves_payout_forward(held, incoming):
            held = incoming
    assert held == "failed"


def test_delivery_keys_name_one_delivery() -> None:
    processed = parse_payouts_payload(PROCESSED)
    assert json.loads(delivery_key(processed)) == [
        "payout",
        "PO0001",
        "processed",
        "2024-03-15T03:40:00Z",
    ]
    assert delivery_key(processed) == delivery_key(parse_payouts_payload(PROCESSED))
    assert delivery_key(processed) != delivery_key(parse_payouts_payload(COMPLETED))
    assert delivery_key(parse_payouts_payload(FAILED)) != delivery_key(processed)
    assert json.loads(delivery_key(parse_payouts_payload(TOPUP))) == [
        "topup",
        "6f1c9a52-3d4e",
        "topup",
        "2024-03-15T03:12:28Z",
    ]
    with pytest.raises(TypeError):
        delivery_key("payout")  # type: ignore[arg-type]


@settings(max_examples=100, deadline=None)
@given(a=st.text(max_size=10), b=st.text(max_size=10))
def test_delivery_keys_keep_their_parts_apart(a: str, b: str) -> None:
    def key(reference: str, status: str) -> str:
        body = {"reference_no": reference, "amount": "1", "status": status, "updated_at": "t"}
        return delivery_key(parse_payouts_payload(json.dumps(body).encode()))

    assert key(a + ":" + b, "x") != key(a, b + ":x")
