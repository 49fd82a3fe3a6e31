"""WEM time (SPEC §1): AWST, Trading Days, Intervals, Weeks, Months and Years.

WEM time is AWST, a fixed UTC+08:00. A zone database is deliberately not used:
``Australia/Perth`` applies the 2006-2009 daylight-saving trial.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta, timezone

from recon.errors import UsageError

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


def value_interval(day: date, granularity: str, position: int) -> tuple[datetime, datetime] | None:
    """Return the start and end of one position (1-based) of a Value array (SPEC §1, §5).

    ``I`` and ``DI``: Trading or Dispatch Interval ``position`` of Trading Day ``day``;
    ``D``: the Trading Day; ``M``, ``CY``, ``FY``: the month or year ``day`` starts, from
    08:00 on its first day to 08:00 on the first day of the next. None for ``X`` (no
    time), an unknown granularity, or a position outside the array.

    >>> value_interval(date(2025, 3, 15), "DI", 201)[0].isoformat()
    '2025-03-16T00:40:00+08:00'
    """
    try:
        if granularity == "I":
            return trading_interval(day, position)
        if granularity == "DI":
            return dispatch_interval(day, position)
    except ValueError:
        return None
    if position != 1:
        return None
    if granularity == "D":
        return trading_day_start(day), trading_day_end(day)
    if granularity == "M":
        nxt = date(day.year + day.month // 12, day.month % 12 + 1, 1)
        return trading_day_start(day), trading_day_start(nxt)
    if granularity in ("CY", "FY"):
        try:
            return trading_day_start(day), trading_day_start(day.replace(year=day.year + 1))
        except ValueError:  # 29 February
            return trading_day_start(day), trading_day_start(date(day.year + 1, 3, 1))
    return None


INTERVAL_GRANULARITIES = ("I", "DI")
"""The granularities whose Value positions are intervals (Trading, Dispatch)."""


def position_fields(day: date | None, granularity: str, position: int | None) -> dict[str, object]:
    """``position``, ``interval_start`` and ``interval_end`` of one element of a Value array
    (SPEC §5), for a finding about it.

    Only a Trading Interval (``I``) or Dispatch Interval (``DI``) array has them: a finding
    about a Trading Day (``D``) or a coarser value names its day or period by its
    Timestamp, never an interval, so it gets none (an empty dict). The times are ISO 8601
    with ``+08:00``.

    >>> position_fields(date(2025, 3, 15), "DI", 201)["interval_start"]
    '2025-03-16T00:40:00+08:00'
    >>> position_fields(date(2025, 3, 15), "D", 1)
    {}
    """
    if position is None or granularity not in INTERVAL_GRANULARITIES:
        return {}
    out: dict[str, object] = {"position": position}
    span = value_interval(day, granularity, position) if day is not None else None
    if span is not None:
        out["interval_start"], out["interval_end"] = span[0].isoformat(), span[1].isoformat()
    return out


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


def parse_week(value: date | datetime | str | None) -> date | None:
    """A Trading Week given as a date, ``yyyy-mm-dd`` or ``TW dd Mon yyyy``; None passes.

    Raises:
        UsageError: Not a date, or not a Sunday (a Trading Week starts on a Sunday).
    """
    if value is None:
        return None
    if isinstance(value, datetime):
        day = value.date()
    elif isinstance(value, date):
        day = value
    else:
        text = str(value).strip()
        try:
            day = date.fromisoformat(text)
        except ValueError:
            try:
                day = parse_week_label(text)
            except ValueError:
                raise UsageError(
                    f"{text!r} is not a Trading Week: give its first day as "
                    "yyyy-mm-dd (a Sunday) or its label 'TW 01 Dec 2024'"
                ) from None
    if day.weekday() != 6:
        raise UsageError(
            f"{day.isoformat()} is a {day.strftime('%A')}; a Trading Week starts on a Sunday"
        )
    return day


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


# ---------------------------------------------------------------------------------------------
# Meter data alignment (SPEC §9): period-ending meter intervals onto Trading/Dispatch Intervals.
# Naive datetimes in these functions and frames are AWST wall-clock time (no zone attached).
# ---------------------------------------------------------------------------------------------

from collections.abc import Callable, Iterable  # noqa: E402
from decimal import Decimal  # noqa: E402

import polars as pl  # noqa: E402

MINUTES_PER_DAY = 24 * 60


def meter_interval(day: date, k: int, minutes: int) -> tuple[datetime, datetime]:
    """Return the AWST start and end of interval ``k`` of a NEM12 (MDFF) day.

    A NEM12 day runs from midnight to midnight (AWST for a WEM meter) and labels its
    intervals by their end: interval ``k`` ends ``k * minutes`` after midnight (SPEC §9,
    ``seeds/004``). Interval 17 of day *d* at 30 minutes is 08:00-08:30 on *d*, Trading
    Interval 1 of Trading Day *d*; interval 16 (ending 08:00) is Trading Interval 48 of
    Trading Day *d* - 1.

    Args:
        day: The NEM12 IntervalDate.
        k: 1-based interval number (1..1440/minutes).
        minutes: The interval length (a divisor of 1440: 5, 15, 30 ...).

    Raises:
        ValueError: If ``minutes`` does not divide a day or ``k`` is out of range.
    """
    if minutes <= 0 or MINUTES_PER_DAY % minutes:
        raise ValueError(f"an interval length of {minutes} minutes does not divide a day")
    count = MINUTES_PER_DAY // minutes
    if not 1 <= k <= count:
        raise ValueError(f"interval {k} is outside 1..{count}")
    end = datetime.combine(day, time(0), tzinfo=AWST) + k * timedelta(minutes=minutes)
    return end - timedelta(minutes=minutes), end


def meter_interval_start_expr(day: str, k: str, minutes: str) -> pl.Expr:
    """Polars expression: the naive AWST start of NEM12 interval ``k`` of ``day``.

    The vectorised form of :func:`meter_interval` (start = midnight + (k - 1) * minutes).

    Args:
        day: Name of a Date column (the IntervalDate).
        k: Name of an integer column (1-based interval number).
        minutes: Name of an integer column (interval length in minutes).
    """
    return pl.col(day).cast(pl.Datetime("us")) + pl.duration(
        minutes=(pl.col(k) - 1) * pl.col(minutes)
    )


def meter_days_for(trading_days: Iterable[date]) -> set[date]:
    """Return the NEM12 (calendar) days that hold some part of the given Trading Days.

    Trading Day *d* runs 08:00 *d* to 08:00 *d* + 1, so it needs the meter days *d* and
    *d* + 1.
    """
    out: set[date] = set()
    for d in trading_days:
        out.update((d, d + timedelta(days=1)))
    return out


def align_intervals(
    frame: pl.DataFrame,
    interval: timedelta,
    how: str = "sum",
    mean: Callable[[Decimal, int], Decimal] | None = None,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Place naive-AWST intervals onto Trading or Dispatch Intervals and aggregate them.

    Input columns: ``scope`` (String), ``start`` (naive AWST Datetime), ``minutes``
    (Int, the interval's length), ``value`` (Decimal), and any of ``source_line`` (Int),
    ``source_file`` (String), ``quality`` (String), which are carried (first of each group).

    An input interval must lie inside one target interval: its length divides the
    target's and it starts on its own grid counted from 08:00. Finer intervals are
    aggregated exactly: ``sum`` (energy) adds the Decimals; ``mean`` (power) is
    ``mean(exact sum, count)``, which the caller gives so that recon's one rounding rule
    (``models.decimals``, a layer above this one) rounds it. A target interval
    is complete when it holds ``target / minutes`` distinct input intervals.

    Args:
        frame: The input intervals.
        interval: The target length: 30 minutes (Trading) or 5 minutes (Dispatch).
        how: ``sum`` or ``mean``.
        mean: For ``mean``: the mean of an exact sum and a count, rounded to 8 places.

    Returns:
        (aligned, misfits). ``aligned`` has ``scope``, ``trading_day`` (Date), ``position``
        (1-based), ``value`` (Decimal(23,8)), ``count``, ``expected`` (the count a complete
        interval holds), ``source_file``, ``source_line``, ``quality``. ``misfits`` holds
        the input rows that fit no target interval (with a ``problem`` column).
    """
    if how not in ("sum", "mean"):
        raise ValueError(f"aggregate must be 'sum' or 'mean', got {how!r}")
    target = int(interval.total_seconds() // 60)
    df = frame
    for col, dtype in (("source_file", pl.String), ("source_line", pl.Int64)):
        if col not in df.columns:
            df = df.with_columns(pl.lit(None, dtype=dtype).alias(col))
    if "quality" not in df.columns:
        df = df.with_columns(pl.lit(None, dtype=pl.String).alias("quality"))
    offset = (pl.col("start") - pl.duration(hours=8)).alias("_shifted")
    df = df.with_columns(offset).with_columns(
        pl.col("_shifted").dt.date().alias("trading_day"),
        ((pl.col("_shifted") - pl.col("_shifted").dt.truncate("1d")).dt.total_minutes()).alias(
            "_minute"
        ),
    )
    fits = (
        (pl.col("minutes") > 0)
        & (pl.lit(target) % pl.col("minutes") == 0)
        & (pl.col("_minute") % pl.col("minutes") == 0)
    )
    misfits = df.filter(~fits).with_columns(
        pl.format(
            "an interval of {} minutes starting at {} does not fit the {}-minute intervals",
            pl.col("minutes"),
            pl.col("start").dt.strftime("%Y-%m-%d %H:%M"),
            pl.lit(target),
        ).alias("problem")
    )
    ok = df.filter(fits).with_columns(
        (pl.col("_minute") // target + 1).cast(pl.Int64).alias("position"),
        (pl.lit(target) // pl.col("minutes")).cast(pl.Int64).alias("expected"),
    )
    keys = ["scope", "trading_day", "position"]
    grouped = (
        ok.sort([*keys, "start"])
        .group_by(keys, maintain_order=True)
        .agg(
            pl.col("value").sum().alias("total"),
            pl.col("start").filter(pl.col("value").is_not_null()).n_unique().alias("count"),
            pl.len().alias("_rows"),
            pl.col("value").null_count().alias("_nulls"),
            pl.col("expected").max(),
            pl.col("minutes").n_unique().alias("_lengths"),
            pl.col("source_file").first(),
            pl.col("source_line").first(),
            pl.col("quality").drop_nulls().unique().sort().str.join("/").alias("quality"),
        )
        .with_columns(pl.col("count").cast(pl.Int64), pl.col("_rows").cast(pl.Int64))
    )
    if how == "mean":
        if mean is None:
            raise ValueError("align_intervals(how='mean') needs the mean function")
        totals = grouped.get_column("total").to_list()
        counts = grouped.get_column("_rows").to_list()
        means = [
            None if t is None or not n else mean(t, n) for t, n in zip(totals, counts, strict=True)
        ]
        value = pl.Series("value", means, dtype=pl.Decimal(38, 8))
        grouped = grouped.with_columns(value)
    else:
        grouped = grouped.rename({"total": "value"})
    aligned = grouped.with_columns(
        pl.when(pl.col("_nulls") > 0).then(None).otherwise(pl.col("value")).alias("value"),
        pl.when(pl.col("_lengths") > 1).then(0).otherwise(pl.col("count")).alias("count"),
    ).select(
        "scope",
        "trading_day",
        "position",
        pl.col("value").cast(pl.Decimal(38, 8)),
        "count",
        "expected",
        "source_file",
        "source_line",
        "quality",
    )
    return aligned, misfits.drop("_shifted", "_minute")


def week_of(period: str, fallback: date | None = None) -> date | None:
    """The first day of the Trading Week a Period label names (else ``fallback``)."""
    try:
        return parse_week_label(period)
    except ValueError:
        return fallback
