"""The fresh / refresh-early / must-refresh decision is one pure function of token and time."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bisnap.tokens.refresh import Freshness, freshness
from bisnap.tokens.types import AccessToken

T0 = datetime(2026, 1, 1, tzinfo=timezone.utc)


def _token(lifetime: float) -> AccessToken:
    return AccessToken(
        value="t",
        token_type="Bearer",
        expires_at=T0 + timedelta(seconds=lifetime),
        obtained_at=T0,
    )


@pytest.mark.parametrize(
    ("elapsed", "expected"),
    [
        (0, Freshness.FRESH),
        (779, Freshness.FRESH),  # 121 s left: before the 120 s advisory window
        (780, Freshness.ADVISORY),  # 120 s left
        (839, Freshness.ADVISORY),  # 61 s left
        (840, Freshness.MANDATORY),  # 60 s left: the mandatory window
        (900, Freshness.MANDATORY),
        (1000, Freshness.MANDATORY),  # expired
    ],
)
def test_a_900_s_token_with_the_default_windows(elapsed: int, expected: Freshness) -> None:
    now = T0 + timedelta(seconds=elapsed)
    assert freshness(_token(900), now, leeway=60, advisory_leeway=120) is expected


def test_no_token_must_be_fetched() -> None:
    assert freshness(None, T0, leeway=60, advisory_leeway=120) is Freshness.MANDATORY


def test_windows_shrink_for_short_lived_tokens() -> None:
    # 100 s token: mandatory from 25 s left (a quarter), advisory from 50 s left (a half).
    token = _token(100)
    at = {
        s: freshness(token, T0 + timedelta(seconds=s), leeway=60, advisory_leeway=120)
        for s in (49, 50, 74, 75)
    }
    assert at == {
        49: Freshness.FRESH,
        50: Freshness.ADVISORY,
        74: Freshness.ADVISORY,
        75: Freshness.MANDATORY,
    }


@settings(max_examples=200, deadline=None)
@given(
    lifetime=st.floats(min_value=1, max_value=86_400),
    leeway=st.floats(min_value=0, max_value=600),
    extra=st.floats(min_value=0, max_value=600),
    steps=st.lists(st.floats(min_value=0, max_value=100_000), min_size=2, max_size=10),
)
def test_freshness_only_gets_worse_as_time_passes(
    lifetime: float, leeway: float, extra: float, steps: list[float]
) -> None:
    order = [Freshness.FRESH, Freshness.ADVISORY, Freshness.MANDATORY]
    token = _token(lifetime)
    seen = [
        order.index(
            freshness(
                token, T0 + timedelta(seconds=s), leeway=leeway, advisory_leeway=leeway + extra
            )
        )
        for s in sorted(steps)
    ]
    assert seen == sorted(seen)
    past_expiry = T0 + timedelta(seconds=lifetime)
    assert freshness(token, past_expiry, leeway=leeway, advisory_leeway=leeway + extra) is (
        Freshness.MANDATORY
    )
