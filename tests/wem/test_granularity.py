"""The seven granularities (SPEC §2): array lengths, Timestamp rules and value spans."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from recon.wem.granularity import (
    RULES,
    Granularity,
    position_interval,
    timestamp_problem,
    values_per_row,
)

AWST = timezone(timedelta(hours=8))


def at(y: int, mo: int, d: int, h: int = 8, mi: int = 0) -> datetime:
    """Return an aware AWST datetime (08:00 unless told).

    Args:
        y: Year.
        mo: Month.
        d: Day.
        h: Hour.
        mi: Minute.
    """
    return datetime(y, mo, d, h, mi, tzinfo=AWST)


@pytest.mark.parametrize(
    ("code", "length"),
    [("D", 1), ("I", 48), ("DI", 288), ("M", 1), ("CY", 1), ("FY", 1), ("X", 1)],
)
def test_values_per_row(code: str, length: int) -> None:
    assert values_per_row(code) == length
    assert values_per_row(Granularity(code)) == length


def test_rules_cover_every_granularity() -> None:
    assert set(RULES) == set(Granularity)
    assert {g.value for g, r in RULES.items() if r.within_period} == {"D", "I", "DI"}
    assert RULES[Granularity.CY].name == "Capacity Year"


@pytest.mark.parametrize("code", ["W", "d", "", "DD"])
def test_bad_granularity_code(code: str) -> None:
    with pytest.raises(ValueError):
        values_per_row(code)
    with pytest.raises(ValueError):
        timestamp_problem(code, date(2024, 12, 1))


@pytest.mark.parametrize(
    ("code", "timestamp"),
    [
        ("M", date(2024, 12, 1)),
        ("M", date(2025, 2, 1)),
        ("CY", date(2024, 10, 1)),
        ("FY", date(2024, 7, 1)),
        ("D", date(2024, 12, 3)),
        ("I", date(2024, 12, 31)),
        ("DI", date(2024, 2, 29)),
        ("X", date(2023, 11, 19)),
    ],
)
def test_timestamp_fits(code: str, timestamp: date) -> None:
    assert timestamp_problem(code, timestamp) is None


@pytest.mark.parametrize(
    ("code", "timestamp", "words"),
    [
        ("M", date(2024, 12, 2), "1st of a month"),
        ("M", date(2024, 11, 30), "1st of a month"),
        ("CY", date(2024, 9, 30), "1 October"),
        ("CY", date(2024, 10, 2), "1 October"),
        ("CY", date(2024, 7, 1), "1 October"),
        ("FY", date(2024, 6, 30), "1 July"),
        ("FY", date(2024, 7, 2), "1 July"),
        ("FY", date(2024, 10, 1), "1 July"),
    ],
)
def test_timestamp_problem(code: str, timestamp: date, words: str) -> None:
    problem = timestamp_problem(code, timestamp)
    assert problem is not None
    assert words in problem
    assert timestamp.isoformat() in problem


@pytest.mark.parametrize(
    ("code", "timestamp", "position", "start", "end"),
    [
        ("D", date(2024, 12, 1), 1, at(2024, 12, 1), at(2024, 12, 2)),
        ("I", date(2024, 12, 1), 1, at(2024, 12, 1), at(2024, 12, 1, 8, 30)),
        ("I", date(2024, 12, 1), 48, at(2024, 12, 2, 7, 30), at(2024, 12, 2)),
        ("DI", date(2024, 12, 1), 1, at(2024, 12, 1), at(2024, 12, 1, 8, 5)),
        ("DI", date(2024, 12, 1), 288, at(2024, 12, 2, 7, 55), at(2024, 12, 2)),
        ("M", date(2024, 12, 1), 1, at(2024, 12, 1), at(2025, 1, 1)),
        ("M", date(2024, 2, 1), 1, at(2024, 2, 1), at(2024, 3, 1)),
        ("CY", date(2024, 10, 1), 1, at(2024, 10, 1), at(2025, 10, 1)),
        ("FY", date(2024, 7, 1), 1, at(2024, 7, 1), at(2025, 7, 1)),
        ("X", date(2024, 11, 3), 1, at(2024, 11, 3), at(2024, 11, 4)),
    ],
)
def test_position_interval(
    code: str, timestamp: date, position: int, start: datetime, end: datetime
) -> None:
    got = position_interval(code, timestamp, position)
    assert got == (start, end)
    assert all(t.utcoffset() == timedelta(hours=8) for t in got)


@pytest.mark.parametrize(("code", "position"), [("I", 0), ("I", 49), ("DI", 0), ("DI", 289)])
def test_position_interval_out_of_range(code: str, position: int) -> None:
    with pytest.raises(ValueError):
        position_interval(code, date(2024, 12, 1), position)
