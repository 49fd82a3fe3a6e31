"""Adjustment attribution: where an ADJ line's delta came from (pure, no I/O).

For every ADJ line variable with a non-zero delta, :func:`attribute` gives two kinds of
:class:`~recon.models.results.AttributionRow`:

``day``
    The line's delta by Trading Day, from the two Summaries (this run's value minus the
    previous run's, a day missing from one run counting as 0). Only days whose delta is not
    zero are listed, largest absolute change first.

``detail``
    Where both runs' Detail is present, the Detail values that changed (variable, scope,
    Settlement Trading Day, position in the Value array and the interval it covers),
    largest absolute change first, at most ``top`` per line.

**Which Detail values belong to a line [reading].** AEMO's Summary variables (scope P,
granularity D, e.g. ``RTMSA_P_D``) are built from Detail variables the Guide does not map
one to one. recon relates them by name: a changed Detail value belongs to a line when its
variable's *base* starts with the line variable's base (``RTMSA_F_I``, ``RTMSAQty_F_I``
and ``RTMSA_P_D`` all belong to ``RTMSA_P_D``); the line variable's own Detail copy
(scope P, which repeats the ``day`` rows) is left out when other related values changed.
When no changed Detail value relates to a line by name, the line gets
the largest changed Detail values of the Settlement Trading Days on which its Summary delta
is not zero (every changed value when there is none), so the analyst still sees what moved
on the days that moved. Detail variables whose name does not decode relate to no line by name.

The comparison runs in polars, one Settlement Trading Day at a time
(:func:`changed_by_day`): the two runs' row-form frames of the day are first joined on the
row key to drop the rows whose whole Value array is unchanged; what remains is exploded to
one row per value with its 1-based position (``int_ranges``), the two are full-outer
joined on (variable, scope, timestamp, settlement trading day, position), unchanged
values are dropped and the rest sorted by absolute change. Of each day only the ``top``
largest changes of each variable are kept (the most any line can list), so memory holds a
day, never the week. Only the ranked top rows reach Python, where their intervals are
computed with :mod:`recon.wem.granularity`. Rows that appear twice in one run under the
same key (a ``data.duplicate`` finding elsewhere) are summed before the join. Every figure
stays an exact Decimal.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal

import polars as pl

from recon.models.results import AttributionRow
from recon.models.statements import (
    DETAIL_SCHEMA,
    DetailStatement,
    RunHeader,
    SummaryStatement,
    with_values,
)
from recon.wem.granularity import position_interval
from recon.wem.variables import VariableNameError, parse_variable

log = logging.getLogger(__name__)

KIND_DAY = "day"
KIND_DETAIL = "detail"
DEFAULT_TOP = 20

_ROW_KEYS = ["variable", "scope", "timestamp", "settlement_trading_day"]
_KEYS = [*_ROW_KEYS, "position"]
_ZERO = Decimal(0)


def attribute(
    header: RunHeader,
    previous_header: RunHeader,
    current_summary: SummaryStatement,
    previous_summary: SummaryStatement,
    current_detail: DetailStatement | None,
    previous_detail: DetailStatement | None,
    lines: list[str],
    top: int = DEFAULT_TOP,
) -> list[AttributionRow]:
    """Attribute each ADJ line's delta to Trading Days and to changed Detail values.

    Args:
        header: The ADJ run's header.
        previous_header: The previous run's header.
        current_summary: The ADJ run's Summary.
        previous_summary: The previous run's Summary.
        current_detail: The ADJ run's Detail, if held.
        previous_detail: The previous run's Detail, if held.
        lines: The ADJ line variables whose delta is not zero, in report order.
        top: At most this many ``detail`` rows per line.

    Returns:
        For each line in ``lines`` order: its ``day`` rows, then its ``detail`` rows, each
        kind ranked 1.. by absolute change (ties by day, variable, scope, position).
    """
    lines = list(dict.fromkeys(lines))
    day_deltas = _day_deltas(current_summary, previous_summary, set(lines))
    detail: dict[str, list[AttributionRow]] = {}
    if current_detail is not None and previous_detail is not None and lines:
        changed = changed_by_day(current_detail, previous_detail, top)
        if changed.height:
            nonzero_days = {
                line: {day for day, (_, _, change) in days.items() if change != 0}
                for line, days in day_deltas.items()
            }
            detail = _detail_rows(header, previous_header, changed, lines, nonzero_days, top)
    out: list[AttributionRow] = []
    for line in lines:
        out.extend(_day_rows(header, previous_header, line, day_deltas.get(line, {})))
        out.extend(detail.get(line, []))
    log.debug("attribution of run %s: %d rows for %d lines", header.run_id, len(out), len(lines))
    return out


_RANK = ["abs_change", "settlement_trading_day", "variable", "scope", "timestamp", "position"]
"""How changed values are ranked (``abs_change`` descending, the rest ascending)."""
_CHANGED_SCHEMA = {
    "variable": pl.String,
    "scope": pl.String,
    "timestamp": pl.Date,
    "settlement_trading_day": pl.Date,
    "position": pl.Int64,
    "current": pl.Decimal(38, 8),
    "previous": pl.Decimal(38, 8),
    "change": pl.Decimal(38, 8),
    "abs_change": pl.Decimal(38, 8),
}
"""The columns of :func:`changed_values`."""


def changed_by_day(
    current: DetailStatement, previous: DetailStatement, top: int = DEFAULT_TOP
) -> pl.DataFrame:
    """:func:`changed_values` of two runs' Details, one Settlement Trading Day at a time.

    Of each day only the ``top`` largest changes of each variable are kept: every row
    :func:`attribute` can rank (at most ``top`` per line, each line drawn from whole
    variables or whole days) is among them, and every variable and day that changed is
    still present, so the attribution is the one of the whole weeks compared at once. A
    reader that compares two Details itself (the store's, in SQL) is asked to: it returns
    the same rows.

    Returns:
        As :func:`changed_values`, sorted the same way.
    """
    days = sorted(set(current.days) | set(previous.days))
    # Two Details of one settlement history store are compared in SQL by the store.
    in_sql = getattr(current.reread, "changed_values", None)
    if in_sql is not None and current.kept is not None and previous.kept is not None:
        found = in_sql(previous.reread, days, top)
        if found is not None:
            return found.cast(_CHANGED_SCHEMA).sort(
                _RANK, descending=[True, False, False, False, False, False], nulls_last=True
            )
    parts = []
    # Each day's rows as validated text: only the arrays whose text differs are cast.
    for _, cur, prev in _paired_days(current, previous, days):
        changed = changed_values(cur, prev)
        if changed.height:
            parts.append(changed.group_by("variable", maintain_order=True).head(top))
    if not parts:
        empty = pl.DataFrame(schema=DETAIL_SCHEMA)
        return changed_values(empty, empty)
    return pl.concat(parts, how="vertical").sort(
        _RANK, descending=[True, False, False, False, False, False], nulls_last=True
    )


def _paired_days(
    a: DetailStatement, b: DetailStatement, days: list[date]
) -> Iterator[tuple[date, pl.DataFrame, pl.DataFrame]]:
    """``(day, a's rows of the day, b's)`` for each day, empty where one does not hold it."""
    empty = pl.DataFrame(schema=DETAIL_SCHEMA)
    ia, ib = a.day_frames(days, cast=False), b.day_frames(days, cast=False)
    na, nb = next(ia, None), next(ib, None)
    for day in days:
        fa = fb = empty
        if na is not None and na[0] == day:
            fa, na = na[1], next(ia, None)
        if nb is not None and nb[0] == day:
            fb, nb = nb[1], next(ib, None)
        yield day, fa, fb


def changed_values(current: pl.DataFrame, previous: pl.DataFrame) -> pl.DataFrame:
    """Compare two runs' Detail frames value by value.

    Args:
        current: Row-form frame (``DETAIL_SCHEMA``) of the later run.
        previous: Row-form frame of the earlier run.

    Returns:
        One row per changed value with the key columns (``variable``, ``scope``,
        ``timestamp``, ``settlement_trading_day``, ``position``), ``previous`` and
        ``current`` (null where the value is absent from that run), ``change`` (current
        minus previous, an absent value counting as 0) and ``abs_change``; sorted by
        ``abs_change`` descending, then by the keys.
    """
    current, previous = _differing_rows(current, previous)
    cur = _long(current).rename({"value": "current"})
    prev = _long(previous).rename({"value": "previous"})
    joined = cur.join(prev, on=_KEYS, how="full", coalesce=True, nulls_equal=True)
    change = pl.col("current").fill_null(_ZERO) - pl.col("previous").fill_null(_ZERO)
    return (
        joined.with_columns(change.alias("change"))
        .filter(pl.col("change") != 0)
        .with_columns(pl.col("change").abs().alias("abs_change"))
        .sort(_RANK, descending=[True, False, False, False, False, False], nulls_last=True)
    )


def _differing_rows(
    current: pl.DataFrame, previous: pl.DataFrame
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Keep only the rows whose Value array differs, or that one run lacks.

    A row-level join on the row key is cheap (one row per array, not per value), so only
    the rows that changed are exploded. With a duplicated row key in either run the
    frames are returned whole, and :func:`_long` sums the duplicates value by value.
    """
    if current.select(_ROW_KEYS).is_duplicated().any() or (
        previous.select(_ROW_KEYS).is_duplicated().any()
    ):
        return _cast_rows(current), _cast_rows(previous)
    texts = "value_text" in current.columns and "value_text" in previous.columns
    col = "value_text" if texts else "values"
    if not texts:  # compared as exact values
        current, previous = _cast_rows(current), _cast_rows(previous)
    cols = [*_ROW_KEYS, col]
    cur, prev = current.select(cols), previous.select(cols)
    joined = cur.join(
        prev, on=_ROW_KEYS, how="full", coalesce=True, nulls_equal=True, suffix="_previous"
    )
    # Arrays of the same text hold the same values: only the rest are cast and compared
    # (an array written another way, "1.5" for "1.50", is cast and found unchanged later).
    differ = joined.filter(pl.col(col).ne_missing(pl.col(f"{col}_previous")))
    keys = differ.select(_ROW_KEYS)
    return (
        _cast_rows(current.join(keys, on=_ROW_KEYS, how="semi", nulls_equal=True)),
        _cast_rows(previous.join(keys, on=_ROW_KEYS, how="semi", nulls_equal=True)),
    )


def _cast_rows(frame: pl.DataFrame) -> pl.DataFrame:
    """The row key and the exact values of a Detail frame (cast from its text if need be)."""
    return with_values(frame).select(*_ROW_KEYS, "values")


def _long(frame: pl.DataFrame) -> pl.DataFrame:
    """One row per value: the key columns, ``position`` (1-based) and ``value``."""
    return (
        frame.select(
            "variable",
            "scope",
            "timestamp",
            "settlement_trading_day",
            pl.col("values").alias("value"),
            pl.int_ranges(1, pl.col("values").list.len() + 1).alias("position"),
        )
        .explode(["value", "position"])
        .filter(pl.col("position").is_not_null())
        .group_by(_KEYS)
        .agg(pl.col("value").sum())
    )


def _day_deltas(
    current: SummaryStatement, previous: SummaryStatement, lines: set[str]
) -> dict[str, dict[date, tuple[Decimal | None, Decimal | None, Decimal]]]:
    """Per line and Trading Day: (previous, current, change) from the two Summaries."""
    cur = _sum_by_day(current, lines)
    prev = _sum_by_day(previous, lines)
    out: dict[str, dict[date, tuple[Decimal | None, Decimal | None, Decimal]]] = {}
    for line in lines:
        c, p = cur.get(line, {}), prev.get(line, {})
        out[line] = {
            day: (p.get(day), c.get(day), c.get(day, _ZERO) - p.get(day, _ZERO))
            for day in sorted(set(c) | set(p))
        }
    return out


def _sum_by_day(summary: SummaryStatement, lines: set[str]) -> dict[str, dict[date, Decimal]]:
    out: dict[str, dict[date, Decimal]] = defaultdict(dict)
    for row in summary.rows:
        if row.variable in lines:
            days = out[row.variable]
            days[row.timestamp] = days.get(row.timestamp, _ZERO) + row.value
    return out


def _day_rows(
    header: RunHeader,
    previous_header: RunHeader,
    line: str,
    days: dict[date, tuple[Decimal | None, Decimal | None, Decimal]],
) -> list[AttributionRow]:
    ranked = sorted(
        ((day, p, c, ch) for day, (p, c, ch) in days.items() if ch != 0),
        key=lambda t: (-abs(t[3]), t[0]),
    )
    return [
        _row(
            header,
            previous_header,
            line,
            KIND_DAY,
            rank,
            trading_day=day,
            variable=line,
            previous=p,
            current=c,
            change=ch,
        )
        for rank, (day, p, c, ch) in enumerate(ranked, start=1)
    ]


def _base(variable: str) -> str | None:
    try:
        return parse_variable(variable).base
    except VariableNameError:
        return None


def _detail_rows(
    header: RunHeader,
    previous_header: RunHeader,
    changed: pl.DataFrame,
    lines: list[str],
    nonzero_days: dict[str, set[date]],
    top: int,
) -> dict[str, list[AttributionRow]]:
    """Pick and rank the changed Detail values of each line (see the module docstring)."""
    variables = changed.get_column("variable").unique().to_list()
    bases = {v: _base(v) for v in variables}
    related: list[tuple[str, str]] = []
    fallback: list[tuple[str, date]] = []
    all_days = changed.get_column("settlement_trading_day").unique().to_list()
    for line in lines:
        line_base = _base(line)
        matches = [
            v for v in variables if line_base is not None and (bases[v] or "").startswith(line_base)
        ]
        if len(matches) > 1 and line in matches:
            matches.remove(line)  # its own Detail copy repeats the day rows
        if matches:
            related.extend((line, v) for v in matches)
        else:
            days = nonzero_days.get(line) or set(all_days)
            fallback.extend((line, d) for d in sorted(days))
    parts = []
    if related:
        by_name = pl.DataFrame(
            related, schema={"line_variable": pl.String, "variable": pl.String}, orient="row"
        )
        parts.append(changed.join(by_name, on="variable", how="inner"))
    if fallback:
        by_day = pl.DataFrame(
            fallback,
            schema={"line_variable": pl.String, "settlement_trading_day": pl.Date},
            orient="row",
        )
        parts.append(changed.join(by_day, on="settlement_trading_day", how="inner"))
    if not parts:
        return {}
    picked = (
        pl.concat(parts, how="diagonal_relaxed")
        .sort(
            [
                "line_variable",
                "abs_change",
                "settlement_trading_day",
                "variable",
                "scope",
                "timestamp",
                "position",
            ],
            descending=[False, True, False, False, False, False, False],
            nulls_last=True,
        )
        .group_by("line_variable", maintain_order=True)
        .head(top)
    )
    out: dict[str, list[AttributionRow]] = defaultdict(list)
    for rec in picked.iter_rows(named=True):
        line = rec["line_variable"]
        start, end = _interval(rec["variable"], rec["timestamp"], rec["position"])
        out[line].append(
            _row(
                header,
                previous_header,
                line,
                KIND_DETAIL,
                len(out[line]) + 1,
                trading_day=rec["settlement_trading_day"],
                variable=rec["variable"],
                scope=rec["scope"],
                interval_start=start,
                interval_end=end,
                previous=rec["previous"],
                current=rec["current"],
                change=rec["change"],
            )
        )
    return out


def _interval(
    variable: str, timestamp: date | None, position: int
) -> tuple[datetime | None, datetime | None]:
    """The interval one value covers, or (None, None) when the name or position won't say."""
    if timestamp is None:
        return None, None
    try:
        return position_interval(parse_variable(variable).granularity, timestamp, position)
    except ValueError:  # VariableNameError, or a position outside the day
        return None, None


def _row(
    header: RunHeader, previous_header: RunHeader, line: str, kind: str, rank: int, **fields: object
) -> AttributionRow:
    return AttributionRow(
        participant=header.participant,
        period=header.period,
        run_id=header.run_id,
        previous_run_id=previous_header.run_id,
        line_variable=line,
        kind=kind,
        rank=rank,
        **fields,
    )
