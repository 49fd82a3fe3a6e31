"""WEM time (SPEC §1): AWST, Trading Days, Intervals, Weeks, Months and Years.

WEM time is AWST, a fixed UTC+08:00. A zone database is deliberately not used:
``Australia/Perth`` applies the 2006-2009 daylight-saving trial.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta, timezone

AWST = timezone(timedelta(hours=8), "AWST")
"""Australian Western Standard Time, fixed UTC+08:00."""

TRADING_DAY_START = time(8, 0)
TRADING_INTERVALS_PER_DAY = 48
DISPATCH_INTERVALS_PER_DAY = 288
TRADING_INTERVAL = timedelta(minutes=30)
DISPATCH_INTERVAL = timedelta(minutes=5)
DAYS_PER_TRADING_WEEK = 7

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_WEEK_LABEL = re.compile(r"^TW (\d{2}) ([A-Z][a-z]{2}) (\d{4})$")


def trading_day_start(day: date) -> datetime:
    """Return the instant a Trading Day starts: 08:00 AWST on its calendar date.

    Args:
        day: The Trading Day's name (its calendar date).

    Returns:
        An aware datetime in AWST.
    """
    return datetime.combine(day, TRADING_DAY_START, tzinfo=AWST)


def trading_day_end(day: date) -> datetime:
    """Return the instant a Trading Day ends: 08:00 AWST on the next calendar date."""
    return trading_day_start(day + timedelta(days=1))


def trading_day_of(instant: datetime) -> date:
    """Return the Trading Day an instant falls in (08:00 inclusive to 08:00 exclusive).

    Args:
        instant: An aware datetime (any zone) or a naive one taken as AWST.
    """
    local = instant.replace(tzinfo=AWST) if instant.tzinfo is None else instant.astimezone(AWST)
    day = local.date()
    return day - timedelta(days=1) if local.time() < TRADING_DAY_START else day


def _interval(day: date, k: int, count: int, length: timedelta) -> tuple[datetime, datetime]:
    if not 1 <= k <= count:
        raise ValueError(f"interval {k} is outside 1..{count}")
    start = trading_day_start(day) + (k - 1) * length
    return start, start + length


def trading_interval(day: date, k: int) -> tuple[datetime, datetime]:
    """Return the start and end of Trading Interval ``k`` (1..48) of a Trading Day.

    Raises:
        ValueError: If ``k`` is outside 1..48.
    """
    return _interval(day, k, TRADING_INTERVALS_PER_DAY, TRADING_INTERVAL)


def dispatch_interval(day: date, k: int) -> tuple[datetime, datetime]:
    """Return the start and end of Dispatch Interval ``k`` (1..288) of a Trading Day.

    Raises:
        ValueError: If ``k`` is outside 1..288.
    """
    return _interval(day, k, DISPATCH_INTERVALS_PER_DAY, DISPATCH_INTERVAL)


def trading_week_start(day: date) -> date:
    """Return the Sunday that starts the Trading Week holding ``day``."""
    # date.weekday(): Monday 0 .. Sunday 6
    return day - timedelta(days=(day.weekday() + 1) % 7)


def trading_week_days(start: date) -> list[date]:
    """Return the seven Trading Days of the Trading Week that starts on ``start``."""
    return [start + timedelta(days=i) for i in range(DAYS_PER_TRADING_WEEK)]


def week_label(day: date) -> str:
    """Return the label ``TW dd Mon yyyy`` of the Trading Week holding ``day``."""
    start = trading_week_start(day)
    return f"TW {start.day:02d} {_MONTHS[start.month - 1]} {start.year}"


def parse_week_label(label: str) -> date:
    """Return the first Trading Day named by a label such as ``TW 01 Oct 2023``.

    The label names a date; it is not required to be a Sunday here (a caller that
    cares checks it with :func:`trading_week_start`).

    Raises:
        ValueError: If the label is not of the form ``TW dd Mon yyyy`` or names no date.
    """
    m = _WEEK_LABEL.match(label.strip()) if isinstance(label, str) else None
    if not m or m.group(2) not in _MONTHS:
        raise ValueError(f"expected a Trading Week label like 'TW 01 Oct 2023', got {label!r}")
    return date(int(m.group(3)), _MONTHS.index(m.group(2)) + 1, int(m.group(1)))


def trading_month(day: date) -> date:
    """Return the Trading Month holding ``day``, named by its first Trading Day."""
    return day.replace(day=1)


def capacity_year(day: date) -> date:
    """Return the first Trading Day (1 October) of the Capacity Year holding ``day``."""
    year = day.year if day.month >= 10 else day.year - 1
    return date(year, 10, 1)


def financial_year(day: date) -> date:
    """Return the first Trading Day (1 July) of the Financial Year holding ``day``."""
    year = day.year if day.month >= 7 else day.year - 1
    return date(year, 7, 1)


def week_of(period: str, fallback: date | None = None) -> date | None:
    """The first day of the Trading Week a Period label names (else ``fallback``)."""
    try:
        return parse_week_label(period)
    except ValueError:
        return fallback
