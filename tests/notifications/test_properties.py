"""Whatever arrives, the verifier answers with bisnap's own typed errors and nothing else."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from bisnap.errors import InvalidJSONError, NotificationError
from bisnap.keys import load_private_key
from bisnap.notifications import (
    MemoryReplayStore,
    NotificationKind,
    NotificationVerifier,
    ack_for_error,
)

from .helpers import SAMPLE_PATHS, SAMPLES, fixed_clock, sign_headers, vector

# The published demo key: module-level, because hypothesis tests cannot take function fixtures.
_KEY = load_private_key(vector("midtrans-demo-notification-generation")["key"]["private_key_pem"])  # type: ignore[index]
VERIFIER = NotificationVerifier(
    _KEY.public_key(), clock=fixed_clock(), replay_store=MemoryReplayStore(), path_prefix="/snap"
)

HEADER_NAMES = st.sampled_from(
    ["X-TIMESTAMP", "x-signature", "X-External-Id", "X-PARTNER-ID", "CHANNEL-ID", "Content-Type"]
) | st.text(max_size=12)
HEADER_VALUES = (
    st.text(max_size=40)
    | st.binary(max_size=40)
    | st.sampled_from(["2026-01-15T10:00:00+07:00", "2026-01-15T03:00:00Z", "", "   ", "=="])
)
HEADERS = st.one_of(
    st.dictionaries(HEADER_NAMES, HEADER_VALUES, max_size=7),
    st.lists(st.tuples(HEADER_NAMES, HEADER_VALUES), max_size=7),
    st.none(),
    st.integers(),
    st.text(max_size=5),
    st.lists(st.integers() | st.tuples(st.integers()), max_size=3),
)
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=10),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=15,
)
BODIES = st.one_of(
    st.binary(max_size=200),
    JSON.map(lambda value: json.dumps(value).encode()),
    st.sampled_from(list(SAMPLES.values())),
    st.text(max_size=20),
    st.none(),
    st.integers(),
)
PATHS = st.sampled_from([*SAMPLE_PATHS.values(), "/snap/v1.0/debit/notify", "/", ""]) | st.text(
    max_size=30
)
METHODS = st.sampled_from(["POST", "post", "GET", "", "P O S T", "ÄÖ"]) | st.text(max_size=6)


def _try(method: Any, path: Any, body: Any, headers: Any) -> None:
    try:
        VERIFIER.verify(method, path, body, headers)
    except NotificationError as exc:
        # Every refusal maps to a well-formed SNAP error answer.
        ack = ack_for_error(exc, None)
        assert 400 <= ack.status_code < 600
        assert json.loads(ack.body)["responseCode"].startswith(str(ack.status_code))


@settings(max_examples=300, deadline=None)
@given(method=METHODS, path=PATHS, body=BODIES, headers=HEADERS)
def test_arbitrary_requests_raise_only_notification_errors(
    method: Any, path: Any, body: Any, headers: Any
) -> None:
    _try(method, path, body, headers)


@settings(max_examples=150, deadline=None)
@given(
    kind=st.sampled_from(list(NotificationKind)),
    body=BODIES,
    extra=st.dictionaries(HEADER_NAMES, HEADER_VALUES, max_size=3),
    external_id=st.text(min_size=1, max_size=40),
)
def test_correctly_signed_arbitrary_bodies_raise_only_notification_errors(
    kind: NotificationKind, body: Any, extra: dict[str, Any], external_id: str
) -> None:
    # Signed with the right key: the checks reach the payload step with arbitrary content.
    path = SAMPLE_PATHS[kind]
    raw = body if isinstance(body, bytes) else b"{}"
    try:
        headers: dict[str, Any] = sign_headers(_KEY, raw, path=path, external_id=external_id)
    except InvalidJSONError:  # the gateway itself could not have signed it (not JSON)
        headers = sign_headers(_KEY, b"{}", path=path, external_id=external_id)
    _try("POST", path, body, {**extra, **headers})
