"""Western Australian Business Days, for the digest's "due within 5 Business Days".

A Business Day is a weekday that is not a public holiday in Western Australia; the
holidays come from the ``holidays`` package (Australia, subdivision ``WA``: New Year's Day,
Australia Day, Labour Day, Good Friday, Easter Monday, ANZAC Day, WA Day, King's Birthday,
Christmas Day, Boxing Day, and the days they move to).
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

import holidays

SUBDIVISION = "WA"


@lru_cache(maxsize=64)
def _holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("AU", subdiv=SUBDIVISION, years=year))


def is_business_day(day: date) -> bool:
    """Whether ``day`` is a WA Business Day (a weekday, not a WA public holiday)."""
    return day.weekday() < 5 and day not in _holidays(day.year)


def business_days_after(day: date, n: int) -> date:
    """The ``n``-th WA Business Day after ``day`` (``day`` itself not counted).

    Args:
        day: The day to count from.
        n: How many Business Days on (0 gives ``day``).
    """
    out = day
    while n > 0:
        out += timedelta(days=1)
        if is_business_day(out):
            n -= 1
    return out
