import pandas as pd
import pytest

from clientbase.errors import ProfileError
from clientbase.periods import Period, month_starts, parse_period, quarter_of, window_start


@pytest.mark.parametrize(
    "text, expected",
    [("2026Q3", Period(2026, 3)), ("2026q1", Period(2026, 1)), (" 2025-Q4 ", Period(2025, 4))],
    ids=["plain", "lower", "dash-and-spaces"],
)
def test_quarter_labels_parse(text, expected):
    assert parse_period(text) == expected


@pytest.mark.parametrize("text", ["2026Q5", "Q3 2026", "2026-09", ""], ids=["q5", "reversed", "month", "empty"])
def test_bad_quarter_labels_are_profile_errors(text):
    with pytest.raises(ProfileError, match="expected e.g. '2026Q3'"):
        parse_period(text)


def test_quarter_bounds_and_as_of():
    q = Period(2026, 3)
    assert q.start == pd.Timestamp("2026-07-01")
    assert q.as_of == pd.Timestamp("2026-09-30")
    assert q.label == "2026Q3"
    assert Period(2026, 1).previous() == Period(2025, 4)
    assert Period(2025, 4).next() == Period(2026, 1)
    assert Period(2026, 3).previous(4) == Period(2025, 3)


@pytest.mark.parametrize(
    "last, expected",
    [
        ("2026-11-15", Period(2026, 3)),  # in Q4: Q3 is the last complete one
        ("2026-09-30", Period(2026, 3)),  # the quarter's last day: complete
        ("2026-09-29 23:59", Period(2026, 2)),  # a day short: not complete
        ("2026-01-01", Period(2025, 4)),
    ],
    ids=["mid-quarter", "last-day", "day-short", "first-day"],
)
def test_latest_is_the_last_complete_quarter_in_the_data(last, expected):
    assert parse_period("latest", last_date=pd.Timestamp(last)) == expected


def test_latest_without_data_is_an_error():
    with pytest.raises(ProfileError, match="needs order data"):
        parse_period("latest", last_date=None)


def test_window_is_whole_calendar_months_ending_at_as_of():
    as_of = pd.Timestamp("2026-09-30")
    assert window_start(as_of, 12) == pd.Timestamp("2025-10-01")
    assert window_start(as_of, 1) == pd.Timestamp("2026-09-01")
    assert window_start(as_of, 24) == pd.Timestamp("2024-10-01")
    with pytest.raises(ValueError, match=">= 1"):
        window_start(as_of, 0)


def test_month_starts_and_quarter_of():
    months = month_starts(pd.Timestamp("2026-01-15"), pd.Timestamp("2026-03-31"))
    assert list(months) == [pd.Timestamp("2026-01-01"), pd.Timestamp("2026-02-01"), pd.Timestamp("2026-03-01")]
    assert quarter_of("2026-05-31") == Period(2026, 2)
