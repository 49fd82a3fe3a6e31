"""The seven granularities (SPEC §2): the array length and Timestamp rule each implies."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum

from recon.wem import calendar


class Granularity(str, Enum):
    """A variable's granularity code (the last token of its name)."""

    D = "D"
    I = "I"  # noqa: E741 - AEMO's code
    DI = "DI"
    M = "M"
    CY = "CY"
    FY = "FY"
    X = "X"


@dataclass(frozen=True)
class GranularityRule:
    """What a granularity implies for a Detail row.

    Attributes:
        code: The granularity.
        name: AEMO's name for it.
        values_per_row: The length of the Value array.
        within_period: Whether the Timestamp must lie inside the Period (D, I, DI).
    """

    code: Granularity
    name: str
    values_per_row: int
    within_period: bool


RULES: dict[Granularity, GranularityRule] = {
    Granularity.D: GranularityRule(Granularity.D, "Trading Day", 1, True),
    Granularity.I: GranularityRule(Granularity.I, "Trading Interval", 48, True),
    Granularity.DI: GranularityRule(Granularity.DI, "Dispatch Interval", 288, True),
    Granularity.M: GranularityRule(Granularity.M, "Trading Month", 1, False),
    Granularity.CY: GranularityRule(Granularity.CY, "Capacity Year", 1, False),
    Granularity.FY: GranularityRule(Granularity.FY, "Financial Year", 1, False),
    Granularity.X: GranularityRule(Granularity.X, "Independent of time", 1, False),
}


def values_per_row(code: Granularity | str) -> int:
    """Return the Value array length a granularity requires."""
    return RULES[Granularity(code)].values_per_row


def timestamp_problem(code: Granularity | str, timestamp: date) -> str | None:
    """Check a Timestamp against its granularity's rule.

    Args:
        code: The granularity.
        timestamp: The row's Timestamp as a date.

    Returns:
        None when the Timestamp fits, else a sentence saying what was expected.
    """
    g = Granularity(code)
    if g is Granularity.M and timestamp.day != 1:
        return f"a Trading Month (M) Timestamp must be the 1st of a month, got {timestamp}"
    if g is Granularity.CY and (timestamp.month, timestamp.day) != (10, 1):
        return f"a Capacity Year (CY) Timestamp must be 1 October, got {timestamp}"
    if g is Granularity.FY and (timestamp.month, timestamp.day) != (7, 1):
        return f"a Financial Year (FY) Timestamp must be 1 July, got {timestamp}"
    return None


def position_interval(
    code: Granularity | str, timestamp: date, position: int
) -> tuple[datetime, datetime]:
    """Return the start and end of the period one Value covers.

    Position k of an I or DI row is interval k of the Trading Day; a D value covers
    the Trading Day; M, CY and FY cover the month or year from their first Trading Day;
    X has no span and covers the named Trading Day.

    Args:
        code: The granularity.
        timestamp: The row's Timestamp.
        position: 1-based position in the Value array.
    """
    g = Granularity(code)
    if g is Granularity.I:
        return calendar.trading_interval(timestamp, position)
    if g is Granularity.DI:
        return calendar.dispatch_interval(timestamp, position)
    start = calendar.trading_day_start(timestamp)
    if g is Granularity.M:
        nxt = date(timestamp.year + timestamp.month // 12, timestamp.month % 12 + 1, 1)
        return start, calendar.trading_day_start(nxt)
    if g in (Granularity.CY, Granularity.FY):
        return start, calendar.trading_day_start(timestamp.replace(year=timestamp.year + 1))
    return start, calendar.trading_day_end(timestamp)
