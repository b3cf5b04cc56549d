"""X-TIMESTAMP formatting (styles, injectable clock) and lenient parsing of gateway timestamps."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bisnap.errors import InvalidTimestampError
from bisnap.timestamps import (
    JAKARTA,
    TimestampStyle,
    format_timestamp,
    now_timestamp,
    parse_timestamp,
    system_clock,
)

# 2024-03-15 03:35:00.123456 UTC == 10:35:00.123456 in Jakarta
MOMENT = datetime(2024, 3, 15, 3, 35, 0, 123456, tzinfo=timezone.utc)


def fixed_clock() -> datetime:
    return MOMENT


@pytest.mark.parametrize(
    ("style", "expected"),
    [
        (TimestampStyle.JAKARTA, "2024-03-15T10:35:00+07:00"),
        (TimestampStyle.JAKARTA_MILLIS, "2024-03-15T10:35:00.123+07:00"),
        (TimestampStyle.UTC_Z, "2024-03-15T03:35:00Z"),
        (TimestampStyle.UTC_Z_MILLIS, "2024-03-15T03:35:00.123Z"),
    ],
)
def test_format_styles(style: TimestampStyle, expected: str) -> None:
    assert format_timestamp(MOMENT, style) == expected
    assert now_timestamp(fixed_clock, style) == expected


def test_default_is_jakarta_without_millis() -> None:
    assert now_timestamp(fixed_clock) == "2024-03-15T10:35:00+07:00"
    assert format_timestamp(MOMENT) == "2024-03-15T10:35:00+07:00"


def test_style_may_be_given_by_value() -> None:
    assert format_timestamp(MOMENT, "utc-z") == "2024-03-15T03:35:00Z"  # type: ignore[arg-type]


def test_an_unknown_style_is_refused() -> None:
    with pytest.raises(InvalidTimestampError, match="unknown timestamp style"):
        format_timestamp(MOMENT, "iso")  # type: ignore[arg-type]


def test_jakarta_conversion_crosses_the_date_line() -> None:
    late_utc = datetime(2023, 12, 31, 20, 0, tzinfo=timezone.utc)
    assert format_timestamp(late_utc) == "2024-01-01T03:00:00+07:00"
    other_zone = datetime(2024, 1, 1, 0, 0, tzinfo=timezone(timedelta(hours=-5)))
    assert format_timestamp(other_zone) == "2024-01-01T12:00:00+07:00"


def test_milliseconds_truncate_not_round() -> None:
    moment = datetime(2024, 1, 1, 0, 0, 59, 999999, tzinfo=JAKARTA)
    assert (
        format_timestamp(moment, TimestampStyle.JAKARTA_MILLIS) == "2024-01-01T00:00:59.999+07:00"
    )


def test_small_years_are_zero_padded() -> None:
    moment = datetime(999, 1, 1, 12, 0, tzinfo=timezone.utc)
    assert format_timestamp(moment, TimestampStyle.UTC_Z) == "0999-01-01T12:00:00Z"


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(InvalidTimestampError, match="timezone-aware"):
        format_timestamp(datetime(2024, 1, 1))


@pytest.mark.parametrize("bad", ["2024-01-01", date(2024, 1, 1), 1700000000, None], ids=repr)
def test_non_datetimes_are_refused(bad: object) -> None:
    with pytest.raises(InvalidTimestampError, match="must be a datetime"):
        format_timestamp(bad)  # type: ignore[arg-type]


def test_out_of_range_is_a_typed_error() -> None:
    with pytest.raises(InvalidTimestampError, match="range"):
        format_timestamp(datetime.max.replace(tzinfo=timezone.utc))


def test_a_clock_returning_a_naive_datetime_is_refused() -> None:
    with pytest.raises(InvalidTimestampError, match="clock"):
        now_timestamp(lambda: datetime(2024, 1, 1))


def test_system_clock_is_aware_and_current() -> None:
    before = datetime.now(timezone.utc)
    now = system_clock()
    after = datetime.now(timezone.utc)
    assert now.utcoffset() == timedelta(0)
    assert before <= now <= after
    parsed = parse_timestamp(now_timestamp(), require_offset=True)
    assert before.replace(microsecond=0) <= parsed <= after


# --- parsing ------------------------------------------------------------------------------------

UTC = timezone.utc
J = JAKARTA


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-03-15T10:35:00+07:00", datetime(2024, 3, 15, 10, 35, tzinfo=J)),
        ("2024-03-15T10:35:00+0700", datetime(2024, 3, 15, 10, 35, tzinfo=J)),
        ("2024-03-15T03:35:00Z", datetime(2024, 3, 15, 3, 35, tzinfo=UTC)),
        ("2024-03-15T03:35:00z", datetime(2024, 3, 15, 3, 35, tzinfo=UTC)),
        ("2024-03-01T08:27:49.024Z", datetime(2024, 3, 1, 8, 27, 49, 24000, tzinfo=UTC)),
        ("2024-03-15T10:35:00.5+07:00", datetime(2024, 3, 15, 10, 35, 0, 500000, tzinfo=J)),
        ("2024-03-15T10:35:00,25+07:00", datetime(2024, 3, 15, 10, 35, 0, 250000, tzinfo=J)),
        (
            "2024-03-15T10:35:00.123456789+07:00",
            datetime(2024, 3, 15, 10, 35, 0, 123456, tzinfo=J),
        ),
        (
            "2009-07-03T12:08:56-07:00",
            datetime(2009, 7, 3, 12, 8, 56, tzinfo=timezone(timedelta(hours=-7))),
        ),
        (
            "2024-03-15T10:35:00+05:30",
            datetime(2024, 3, 15, 10, 35, tzinfo=timezone(timedelta(hours=5, minutes=30))),
        ),
        # Forms seen in gateway responses (spec §8): no offset, a space, yyyyMMddHHmmss.
        ("2020-10-20T17:56:57", datetime(2020, 10, 20, 17, 56, 57, tzinfo=J)),
        ("2020-10-20 17:56:57", datetime(2020, 10, 20, 17, 56, 57, tzinfo=J)),
        ("20201020175657", datetime(2020, 10, 20, 17, 56, 57, tzinfo=J)),
    ],
)
def test_parse_accepts(text: str, expected: datetime) -> None:
    parsed = parse_timestamp(text)
    assert parsed == expected
    assert parsed.utcoffset() == expected.utcoffset()


@pytest.mark.parametrize("text", ["2020-10-20T17:56:57", "2020-10-20 17:56:57", "20201020175657"])
def test_require_offset_refuses_zoneless_forms(text: str) -> None:
    with pytest.raises(InvalidTimestampError, match="no timezone offset"):
        parse_timestamp(text, require_offset=True)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "2024-03-15",
        "2024-03-15T10:35+07:00",
        "2024-13-15T10:35:00+07:00",
        "2024-02-30T10:35:00+07:00",
        "2024-03-15T24:00:00+07:00",
        "2024-03-15T10:35:60+07:00",
        "2024-03-15T10:35:00+24:00",
        "2024-03-15T10:35:00+07:60",
        "2024-03-15T10:35:00+7:00",
        "2024-03-15T10:35:00 +07:00",
        " 2024-03-15T10:35:00+07:00",
        "2024-03-15T10:35:00+07:00\n",
        "2024-03-15T10:35:00.+07:00",
        "2024-03-15T10:35:00.1234567890+07:00",
        "2024-03-15T10:35:00UTC",
        "1710473700",
        "\u0662\u0660\u0662\u0664-03-15T10:35:00Z",
        "2024-03-15T10:35:00+07:00" + "0" * 200,
    ],
)
def test_parse_refuses(text: str) -> None:
    with pytest.raises(InvalidTimestampError):
        parse_timestamp(text)


def test_parse_error_message_is_bounded() -> None:
    with pytest.raises(InvalidTimestampError) as info:
        parse_timestamp("x" * 10_000)
    assert len(str(info.value)) < 200


@pytest.mark.parametrize("bad", [None, 1710473700, b"2024-03-15T10:35:00Z"], ids=repr)
def test_parse_refuses_non_strings(bad: object) -> None:
    with pytest.raises(InvalidTimestampError, match="must be a str"):
        parse_timestamp(bad)  # type: ignore[arg-type]


@settings(deadline=None)
@given(
    st.datetimes(
        min_value=datetime(1000, 1, 2),
        max_value=datetime(9998, 12, 30),
        timezones=st.just(timezone.utc),
    ),
    st.sampled_from(list(TimestampStyle)),
)
def test_format_then_parse_round_trips(moment: datetime, style: TimestampStyle) -> None:
    text = format_timestamp(moment, style)
    parsed = parse_timestamp(text, require_offset=True)
    millis = style in (TimestampStyle.JAKARTA_MILLIS, TimestampStyle.UTC_Z_MILLIS)
    wanted = moment.replace(microsecond=(moment.microsecond // 1000) * 1000 if millis else 0)
    assert parsed == wanted
    assert format_timestamp(parsed, style) == text


@settings(deadline=None)
@given(st.text(max_size=40))
def test_parse_raises_only_typed_errors(text: str) -> None:
    try:
        parsed = parse_timestamp(text)
    except InvalidTimestampError:
        return
    assert parsed.utcoffset() is not None
