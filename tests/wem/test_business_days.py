"""WA Business Days (SPEC §11): weekdays that are not Western Australian public holidays,
from the ``holidays`` package (subdivision WA). The holidays below are written out here,
from the WA public holiday gazette, not read from the package."""

from __future__ import annotations

from datetime import date

import pytest

from recon.wem.business_days import (
    add_business_days,
    business_days_between,
    is_business_day,
    wa_public_holidays,
)

WA_2025 = {
    date(2025, 1, 1): "New Year's Day",
    date(2025, 1, 27): "Australia Day",  # 26 Jan was a Sunday
    date(2025, 3, 3): "Labour Day",  # first Monday in March in WA
    date(2025, 4, 18): "Good Friday",
    date(2025, 4, 21): "Easter Monday",
    date(2025, 4, 25): "ANZAC Day",
    date(2025, 6, 2): "Western Australia Day",  # first Monday in June
    date(2025, 9, 29): "King's Birthday",  # WA's own, late September
    date(2025, 12, 25): "Christmas Day",
    date(2025, 12, 26): "Boxing Day",
}


def test_every_wa_weekday_holiday_of_2025_is_no_business_day() -> None:
    for day, name in WA_2025.items():
        assert not is_business_day(day), (day, name)
    held = wa_public_holidays(2025)
    assert set(WA_2025) <= set(held)
    # the neighbouring weekdays are business days
    assert is_business_day(date(2025, 4, 17)) and is_business_day(date(2025, 4, 22))
    assert is_business_day(date(2025, 6, 3)) and is_business_day(date(2025, 9, 30))


def test_monday_holidays_of_other_states_are_business_days_in_wa() -> None:
    assert is_business_day(date(2025, 6, 9))  # King's Birthday in the eastern states
    assert is_business_day(date(2025, 3, 10))  # Labour Day in Victoria


@pytest.mark.parametrize(
    ("start", "n", "due", "why"),
    [
        (date(2025, 4, 16), 1, date(2025, 4, 17), "Wednesday to Thursday"),
        (date(2025, 4, 17), 1, date(2025, 4, 22), "over Easter: Good Friday to Easter Monday"),
        (date(2025, 4, 17), 5, date(2025, 4, 29), "Easter, then ANZAC Day on a Friday"),
        (date(2024, 12, 24), 1, date(2024, 12, 27), "Christmas and Boxing Day"),
        (date(2027, 12, 24), 1, date(2027, 12, 29), "both observed on Mon 27, Tue 28 Dec"),
        (date(2025, 5, 30), 1, date(2025, 6, 3), "a weekend, then WA Day"),
        (date(2025, 9, 26), 1, date(2025, 9, 30), "a weekend, then King's Birthday"),
        (date(2025, 1, 2), 10, date(2025, 1, 16), "ten business days in January"),
        (date(2025, 1, 4), 1, date(2025, 1, 6), "from a Saturday"),
    ],
)
def test_add_business_days(start: date, n: int, due: date, why: str) -> None:
    assert add_business_days(start, n) == due, why


def test_business_days_between_counts_the_days_after_the_start() -> None:
    assert business_days_between(date(2025, 4, 17), date(2025, 4, 22)) == 1
    assert business_days_between(date(2025, 1, 2), date(2025, 1, 16)) == 10
    assert business_days_between(date(2025, 1, 2), date(2025, 1, 2)) == 0
    assert business_days_between(date(2025, 1, 9), date(2025, 1, 2)) == 0
    with pytest.raises(ValueError):
        add_business_days(date(2025, 1, 2), 0)


@pytest.mark.parametrize(
    ("day", "name"),
    [
        (date(2025, 4, 18), "Good Friday"),
        (date(2025, 4, 21), "Easter Monday"),
        (date(2024, 12, 25), "Christmas Day"),
        (date(2024, 12, 26), "Boxing Day"),
        (date(2025, 6, 2), "WA Day (first Monday of June)"),
        (date(2025, 9, 29), "King's Birthday (WA's, not the eastern states' June one)"),
        (date(2025, 4, 25), "ANZAC Day"),
        (date(2025, 3, 1), "a Saturday"),
        (date(2025, 3, 2), "a Sunday"),
    ],
)
def test_not_business_days_listed(day: date, name: str) -> None:
    assert not is_business_day(day), name


@pytest.mark.parametrize(
    "day",
    [
        date(2025, 6, 9),  # the eastern states' King's Birthday: a WA working day
        date(2025, 4, 22),  # the Tuesday after Easter
        date(2024, 12, 27),  # the Friday after Boxing Day
        date(2025, 3, 4),
    ],
)
def test_business_days_listed(day: date) -> None:
    assert is_business_day(day)


def test_counting_skips_weekends_and_holidays() -> None:
    # Thursday before Easter 2025: Fri 18 and Mon 21 are holidays, Fri 25 is ANZAC Day
    assert add_business_days(date(2025, 4, 17), 1) == date(2025, 4, 22)
    assert add_business_days(date(2025, 4, 17), 5) == date(2025, 4, 29)
    # Christmas 2024 falls on a Wednesday: Mon 23, Tue 24, Fri 27, Mon 30, Tue 31
    assert add_business_days(date(2024, 12, 20), 5) == date(2024, 12, 31)
    # over New Year's Day 2025 (a Wednesday)
    assert add_business_days(date(2024, 12, 31), 1) == date(2025, 1, 2)
    # WA Day 2025 is Monday 2 June
    assert add_business_days(date(2025, 5, 30), 1) == date(2025, 6, 3)
    # a weekend day counts from itself: the next Business Day is the Monday
    assert add_business_days(date(2025, 3, 1), 1) == date(2025, 3, 4)  # Mon 3 is Labour Day
