"""WA Business Days (SPEC §11): the calendar a Notice of Disagreement's due date counts in.

A WA Business Day is a weekday that is not a Western Australian public holiday. The public
holidays come from the ``holidays`` package (country ``AU``, subdivision ``WA``), with the
days it observes in lieu (Christmas Day on a Saturday is observed the Monday after); recon
keeps no list of its own.

>>> from datetime import date
>>> add_business_days(date(2024, 12, 24), 2)   # over Christmas and Boxing Day
datetime.date(2024, 12, 30)
"""

from __future__ import annotations

import functools
from datetime import date, timedelta

import holidays

SUBDIVISION = "WA"


@functools.lru_cache(maxsize=64)
def _holidays(year: int) -> frozenset[date]:
    days = holidays.country_holidays("AU", subdiv=SUBDIVISION, years=year)
    return frozenset(d for d in days if d.year == year)


def wa_public_holidays(year: int) -> dict[date, str]:
    """Western Australia's public holidays of ``year``, by day, with their names."""
    days = holidays.country_holidays("AU", subdiv=SUBDIVISION, years=year)
    return {d: str(name) for d, name in sorted(days.items()) if d.year == year}


def is_business_day(day: date) -> bool:
    """Whether ``day`` is a WA Business Day: Monday to Friday and no WA public holiday."""
    return day.weekday() < 5 and day not in _holidays(day.year)


def add_business_days(start: date, n: int) -> date:
    """The ``n``-th WA Business Day after ``start`` (``start`` itself not counted).

    Raises:
        ValueError: ``n`` is below 1.
    """
    if n < 1:
        raise ValueError(f"a number of Business Days must be at least 1, got {n}")
    day, left = start, n
    while left:
        day += timedelta(days=1)
        if is_business_day(day):
            left -= 1
    return day


def business_days_between(start: date, end: date) -> int:
    """How many WA Business Days come after ``start`` up to and including ``end`` (0 when
    ``end`` is not after ``start``): an issue's age in Business Days."""
    count, day = 0, start
    while day < end:
        day += timedelta(days=1)
        count += is_business_day(day)
    return count
