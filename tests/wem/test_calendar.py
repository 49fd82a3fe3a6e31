"""WEM time (SPEC §1): AWST, Trading Days, Intervals, Weeks, Months and Years."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from recon.wem import calendar
from recon.wem.calendar import AWST

EIGHT_HOURS = timedelta(hours=8)


def awst(y: int, mo: int, d: int, h: int = 0, mi: int = 0) -> datetime:
    """Return an aware AWST datetime built from its parts.

    Args:
        y: Year.
        mo: Month.
        d: Day.
        h: Hour.
        mi: Minute.
    """
    return datetime(y, mo, d, h, mi, tzinfo=timezone(EIGHT_HOURS))


# --------------------------------------------------------------------------- AWST


def test_awst_is_a_fixed_plus_eight_offset() -> None:
    assert AWST.utcoffset(None) == EIGHT_HOURS
    assert AWST.dst(None) is None
    for day in (date(2024, 1, 15), date(2024, 7, 15)):
        assert calendar.trading_day_start(day).utcoffset() == EIGHT_HOURS


def test_awst_ignores_the_2006_2009_daylight_saving_trial() -> None:
    # 15 January 2007 fell inside WA's DST trial: a zone database says +09:00 for it.
    start = calendar.trading_day_start(date(2007, 1, 15))
    assert start.utcoffset() == EIGHT_HOURS
    assert start.astimezone(UTC) == datetime(2007, 1, 15, 0, 0, tzinfo=UTC)


def test_awst_differs_from_the_zone_database_in_the_dst_trial() -> None:
    zoneinfo = pytest.importorskip("zoneinfo")
    try:
        perth = zoneinfo.ZoneInfo("Australia/Perth")
    except zoneinfo.ZoneInfoNotFoundError:
        pytest.skip("no tz database")
    summer_2007 = datetime(2007, 1, 15, 8, 0)
    assert summer_2007.replace(tzinfo=perth).utcoffset() == timedelta(hours=9)
    assert calendar.trading_day_start(summer_2007.date()).utcoffset() == EIGHT_HOURS


# --------------------------------------------------------------------------- Trading Day


def test_trading_day_runs_0800_to_0800_next_day() -> None:
    day = date(2024, 12, 31)
    assert calendar.trading_day_start(day) == awst(2024, 12, 31, 8)
    assert calendar.trading_day_end(day) == awst(2025, 1, 1, 8)
    assert calendar.trading_day_end(day) - calendar.trading_day_start(day) == timedelta(days=1)


@pytest.mark.parametrize(
    ("instant", "day"),
    [
        (awst(2024, 12, 2, 7, 59), date(2024, 12, 1)),
        (awst(2024, 12, 2, 8, 0), date(2024, 12, 2)),
        (awst(2024, 12, 1, 23, 59), date(2024, 12, 1)),
        (awst(2024, 12, 2, 0, 0), date(2024, 12, 1)),
        (awst(2025, 1, 1, 7, 59), date(2024, 12, 31)),
        (awst(2025, 1, 1, 8, 0), date(2025, 1, 1)),
        # naive instants are taken as AWST
        (datetime(2024, 12, 2, 7, 59), date(2024, 12, 1)),
        (datetime(2024, 12, 2, 8, 0), date(2024, 12, 2)),
        # other zones are converted: 00:00 UTC is 08:00 AWST
        (datetime(2024, 12, 2, 0, 0, tzinfo=UTC), date(2024, 12, 2)),
        (datetime(2024, 12, 1, 23, 59, tzinfo=UTC), date(2024, 12, 1)),
    ],
)
def test_trading_day_of(instant: datetime, day: date) -> None:
    assert calendar.trading_day_of(instant) == day


# --------------------------------------------------------------------------- intervals


def test_trading_interval_1_and_48() -> None:
    day = date(2024, 12, 1)
    assert calendar.trading_interval(day, 1) == (awst(2024, 12, 1, 8), awst(2024, 12, 1, 8, 30))
    assert calendar.trading_interval(day, 2) == (awst(2024, 12, 1, 8, 30), awst(2024, 12, 1, 9))
    assert calendar.trading_interval(day, 32) == (
        awst(2024, 12, 1, 23, 30),
        awst(2024, 12, 2, 0, 0),
    )
    assert calendar.trading_interval(day, 48) == (awst(2024, 12, 2, 7, 30), awst(2024, 12, 2, 8))


def test_dispatch_interval_1_and_288() -> None:
    day = date(2024, 12, 1)
    assert calendar.dispatch_interval(day, 1) == (awst(2024, 12, 1, 8), awst(2024, 12, 1, 8, 5))
    assert calendar.dispatch_interval(day, 13) == (awst(2024, 12, 1, 9), awst(2024, 12, 1, 9, 5))
    assert calendar.dispatch_interval(day, 288) == (awst(2024, 12, 2, 7, 55), awst(2024, 12, 2, 8))


def test_intervals_tile_the_trading_day() -> None:
    day = date(2024, 2, 29)
    for fn, count in ((calendar.trading_interval, 48), (calendar.dispatch_interval, 288)):
        spans = [fn(day, k) for k in range(1, count + 1)]
        assert spans[0][0] == calendar.trading_day_start(day)
        assert spans[-1][1] == calendar.trading_day_end(day)
        assert all(a[1] == b[0] for a, b in itertools.pairwise(spans))
        assert all(calendar.trading_day_of(s) == day for s, _ in spans)


@pytest.mark.parametrize("k", [0, -1, 49, 100])
def test_trading_interval_out_of_range(k: int) -> None:
    with pytest.raises(ValueError, match=r"outside 1\.\.48"):
        calendar.trading_interval(date(2024, 12, 1), k)


@pytest.mark.parametrize("k", [0, 289])
def test_dispatch_interval_out_of_range(k: int) -> None:
    with pytest.raises(ValueError, match=r"outside 1\.\.288"):
        calendar.dispatch_interval(date(2024, 12, 1), k)


# --------------------------------------------------------------------------- Trading Week


@pytest.mark.parametrize(
    ("day", "start"),
    [
        (date(2024, 12, 1), date(2024, 12, 1)),  # a Sunday starts its own week
        (date(2024, 12, 7), date(2024, 12, 1)),  # Saturday ends it
        (date(2024, 12, 8), date(2024, 12, 8)),
        (date(2024, 12, 31), date(2024, 12, 29)),  # across the year end
        (date(2025, 1, 4), date(2024, 12, 29)),
        (date(2025, 1, 5), date(2025, 1, 5)),
        (date(2024, 11, 2), date(2024, 10, 27)),  # across a month end
        (date(2023, 10, 8), date(2023, 10, 8)),
        (date(2023, 10, 7), date(2023, 10, 1)),
    ],
)
def test_trading_week_start(day: date, start: date) -> None:
    assert calendar.trading_week_start(day) == start
    assert start.isoweekday() == 7


def test_trading_week_across_year_end() -> None:
    start = date(2024, 12, 29)
    days = calendar.trading_week_days(start)
    assert days == [
        date(2024, 12, 29),
        date(2024, 12, 30),
        date(2024, 12, 31),
        date(2025, 1, 1),
        date(2025, 1, 2),
        date(2025, 1, 3),
        date(2025, 1, 4),
    ]
    assert {calendar.week_label(d) for d in days} == {"TW 29 Dec 2024"}
    assert calendar.parse_week_label("TW 29 Dec 2024") == start


def test_trading_week_across_month_end() -> None:
    days = calendar.trading_week_days(date(2024, 10, 27))
    assert days[0] == date(2024, 10, 27)
    assert days[-1] == date(2024, 11, 2)
    assert calendar.week_label(date(2024, 11, 1)) == "TW 27 Oct 2024"


@pytest.mark.parametrize(
    ("label", "day"),
    [
        ("TW 01 Oct 2023", date(2023, 10, 1)),
        ("TW 01 Dec 2024", date(2024, 12, 1)),
        ("TW 29 Dec 2024", date(2024, 12, 29)),
        ("TW 05 Jan 2025", date(2025, 1, 5)),
    ],
)
def test_week_label_round_trip(label: str, day: date) -> None:
    assert calendar.week_label(day) == label
    assert calendar.parse_week_label(label) == day
    assert calendar.week_label(calendar.parse_week_label(label)) == label


def test_every_month_abbreviation_round_trips() -> None:
    names = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
    for month, name in enumerate(names, start=1):
        start = calendar.trading_week_start(date(2025, month, 14))  # a Sunday in the month
        assert start.month == month
        label = calendar.week_label(start)
        assert label == f"TW {start.day:02d} {name} 2025"
        assert calendar.parse_week_label(label) == start
    assert calendar.week_label(date(2025, 6, 1)) == "TW 01 Jun 2025"


@pytest.mark.parametrize(
    "label",
    [
        "",
        "TW 1 Oct 2023",
        "TW 01 OCT 2023",
        "TW 01 oct 2023",
        "TW 01 Okt 2023",
        "TW 01 October 2023",
        "TW 01 Oct 23",
        "TW01 Oct 2023",
        "Week 01 Oct 2023",
        "TW 2023-10-01",
        "TW 32 Oct 2023",
        "TW 30 Feb 2024",
        "TW 00 Oct 2023",
        "TW 01 Oct 2023 extra",
    ],
)
def test_parse_week_label_rejects(label: str) -> None:
    with pytest.raises(ValueError):
        calendar.parse_week_label(label)


def test_parse_week_label_rejects_non_text() -> None:
    with pytest.raises(ValueError):
        calendar.parse_week_label(None)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- M, CY, FY


@pytest.mark.parametrize(
    ("day", "month"),
    [
        (date(2024, 12, 1), date(2024, 12, 1)),
        (date(2024, 12, 31), date(2024, 12, 1)),
        (date(2025, 1, 1), date(2025, 1, 1)),
        (date(2024, 2, 29), date(2024, 2, 1)),
    ],
)
def test_trading_month(day: date, month: date) -> None:
    assert calendar.trading_month(day) == month


@pytest.mark.parametrize(
    ("day", "year_start"),
    [
        (date(2024, 9, 30), date(2023, 10, 1)),
        (date(2024, 10, 1), date(2024, 10, 1)),
        (date(2024, 12, 31), date(2024, 10, 1)),
        (date(2025, 1, 1), date(2024, 10, 1)),
        (date(2025, 9, 30), date(2024, 10, 1)),
    ],
)
def test_capacity_year(day: date, year_start: date) -> None:
    assert calendar.capacity_year(day) == year_start


@pytest.mark.parametrize(
    ("day", "year_start"),
    [
        (date(2024, 6, 30), date(2023, 7, 1)),
        (date(2024, 7, 1), date(2024, 7, 1)),
        (date(2024, 12, 31), date(2024, 7, 1)),
        (date(2025, 1, 1), date(2024, 7, 1)),
        (date(2025, 6, 30), date(2024, 7, 1)),
    ],
)
def test_financial_year(day: date, year_start: date) -> None:
    assert calendar.financial_year(day) == year_start
