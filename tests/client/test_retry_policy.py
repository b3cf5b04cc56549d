"""RetryPolicy: capped exponential backoff with full jitter."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bisnap.retry import RetryPolicy, parse_retry_after


def test_delays_double_up_to_the_cap() -> None:
    policy = RetryPolicy(max_attempts=10, base_delay=0.5, max_delay=3.0, random=lambda: 1.0)
    assert [policy.delay(n) for n in range(1, 6)] == [0.5, 1.0, 2.0, 3.0, 3.0]


def test_retry_after_is_honoured_but_capped() -> None:
    policy = RetryPolicy(max_delay=4.0, random=lambda: 0.0)
    assert policy.delay(1, retry_after=2.5) == 2.5
    assert policy.delay(1, retry_after=60) == 4.0


@given(
    attempt=st.integers(min_value=1, max_value=50),
    fraction=st.floats(min_value=0.0, max_value=1.0),
)
def test_every_delay_is_within_zero_and_the_cap(attempt: int, fraction: float) -> None:
    policy = RetryPolicy(base_delay=0.25, max_delay=4.0, random=lambda: fraction)
    assert 0.0 <= policy.delay(attempt) <= 4.0


def test_attempt_budget() -> None:
    policy = RetryPolicy(max_attempts=2)
    assert policy.can_retry(1)
    assert not policy.can_retry(2)
    assert not RetryPolicy(max_attempts=1).can_retry(1)
    with pytest.raises(ValueError, match="max_attempts"):
        RetryPolicy(max_attempts=0)
    with pytest.raises(ValueError, match="negative"):
        RetryPolicy(base_delay=-1)


@pytest.mark.parametrize(
    ("header", "seconds"),
    [
        ("3", 3.0),
        (" 1.5 ", 1.5),
        (None, None),
        ("Wed, 21 Oct 2015 07:28:00 GMT", None),
        ("-1", None),
    ],
)
def test_retry_after_header(header: str | None, seconds: float | None) -> None:
    assert parse_retry_after(header) == seconds
