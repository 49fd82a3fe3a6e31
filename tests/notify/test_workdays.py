"""WA Business Days: weekends and Western Australia's public holidays are not counted."""

from __future__ import annotations

from datetime import date

import pytest

from recon.notify.workdays import business_days_after, is_business_day


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
def test_not_business_days(day: date, name: str) -> None:
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
def test_business_days(day: date) -> None:
    assert is_business_day(day)


def test_counting_skips_weekends_and_holidays() -> None:
    # Thursday before Easter 2025: Fri 18 and Mon 21 are holidays, Fri 25 is ANZAC Day
    assert business_days_after(date(2025, 4, 17), 1) == date(2025, 4, 22)
    assert business_days_after(date(2025, 4, 17), 5) == date(2025, 4, 29)
    # Christmas 2024 falls on a Wednesday: Mon 23, Tue 24, Fri 27, Mon 30, Tue 31
    assert business_days_after(date(2024, 12, 20), 5) == date(2024, 12, 31)
    # over New Year's Day 2025 (a Wednesday)
    assert business_days_after(date(2024, 12, 31), 1) == date(2025, 1, 2)
    # WA Day 2025 is Monday 2 June
    assert business_days_after(date(2025, 5, 30), 1) == date(2025, 6, 3)
    # a weekend day counts from itself: the next Business Day is the Monday
    assert business_days_after(date(2025, 3, 1), 1) == date(2025, 3, 4)  # Mon 3 is Labour Day
    assert business_days_after(date(2025, 3, 5), 0) == date(2025, 3, 5)
