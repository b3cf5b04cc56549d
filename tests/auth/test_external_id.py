"""X-EXTERNAL-ID: numeric, at most 36 characters, unique, time-ordered prefix."""

from __future__ import annotations

import time

from bisnap.external_id import EXTERNAL_ID_MAX_LENGTH, new_external_id


def test_shape() -> None:
    value = new_external_id()
    assert value.isdigit()
    assert value.isascii()
    assert len(value) == 32 <= EXTERNAL_ID_MAX_LENGTH


def test_time_component_is_the_current_millisecond() -> None:
    before = time.time_ns() // 1_000_000
    value = new_external_id()
    after = time.time_ns() // 1_000_000
    assert before <= int(value[:13]) <= after


def test_unique_over_many_calls() -> None:
    values = [new_external_id() for _ in range(20_000)]
    assert len(set(values)) == len(values)
    # Within one millisecond the random part differs too (not a counter).
    assert len({v[13:] for v in values}) == len(values)
