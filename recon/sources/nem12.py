"""Reading NEM12 meter data (SPEC §9) into own intervals.

The structure (100/200/300/400 records) is read with ``nemreader``'s record parsers
(``parse_200_row``, ``parse_400_row``, ``parse_datetime``), one record at a time so every
problem names its line. Its value parser yields floats (and silently turns a bad value
into None, and skips a short 300 record), so the values are taken from the 300 record's
*text* here and cast exactly: never through a float. Units come from the 200 record (Wh,
kWh, MWh; W, kW, MW) and are converted to the series' unit by a power of ten. A NEM12 day
runs midnight to midnight AWST and its interval *k* ends at *k* x length (period-ending):
:func:`recon.wem.calendar.meter_interval_start_expr` places it.
"""

from __future__ import annotations

import csv
import logging
from datetime import date
from decimal import Decimal
from pathlib import Path

import polars as pl

from recon.models.findings import Finding
from recon.models.own import OwnSeries, unit_factor
from recon.sources.own_rows import (
    MAX_FINDINGS_PER_FILE,
    OWN_SCHEMA,
    WIDE,
    Limited,
    cast_values,
    empty_frame,
    read_text,
)
from recon.wem.calendar import MINUTES_PER_DAY, meter_interval_start_expr
from recon.wem.variables import parse_variable

log = logging.getLogger(__name__)


NEM12_LENGTHS = (5, 15, 30)
"""Interval lengths a NEM12 200 record may give (minutes)."""


def read_nem12(
    path: Path, series: OwnSeries, days: set[date] | None = None
) -> tuple[pl.DataFrame, list[Finding]]:
    """Read one NEM12 file into own intervals (see the module docstring).

    Args:
        path: The file.
        series: Its series (variable, unit).
        days: NEM12 IntervalDates to keep; None keeps all.

    Returns:
        (own intervals, findings naming file and line).
    """
    from nemreader.nem_reader import parse_200_row, parse_400_row, parse_datetime

    text, found = read_text(path, series)
    if text is None:
        return empty_frame(), found
    bad = Limited(series)
    scope_code = parse_variable(series.variable).scope
    scopes: list[str] = []
    dates: list[date] = []
    minutes: list[int] = []
    factors: list[str] = []
    texts: list[list[str]] = []
    qualities: list[list[str]] = []
    lines: list[int] = []
    block: tuple[str, int, Decimal] | None = None  # scope, minutes, unit factor
    block_line = 0
    saw_header = False
    last_kept = False
    keep = {d.strftime("%Y%m%d") for d in days} if days is not None else None
    for lineno, line in enumerate(text.splitlines(), start=1):
        if (
            keep is not None
            and block is not None
            and line.startswith("300,")
            and line[4:12].isdigit()
            and line[12:13] == ","
            and line[4:12] not in keep
            and line.count(",") >= MINUTES_PER_DAY // block[1] + 2
        ):
            last_kept = False  # a well-formed day outside those asked for: not read
            continue
        row = next(csv.reader([line]), [])
        if not row or not "".join(row).strip():
            continue
        where = f"{path}:{lineno}"
        rec = row[0].strip()
        if rec == "100":
            saw_header = True
            if len(row) < 2 or row[1].strip().upper() != "NEM12":
                got = row[1].strip() if len(row) > 1 else ""
                bad.add(
                    "data.columns",
                    f"{path} line {lineno}: the 100 header names {got or 'no'} format; recon "
                    "reads NEM12 interval data (a NEM13 file holds no intervals).",
                    where,
                )
                return empty_frame(), bad.done(path)
        elif rec == "200":
            block, last_kept = None, False
            try:
                d = parse_200_row(row)
            except (ValueError, IndexError):
                bad.add(
                    "data.columns",
                    f"{path} line {lineno}: a 200 (NMI data details) record needs NMI, "
                    "configuration, register, suffix, stream, meter, unit and interval "
                    "length (10 fields).",
                    where,
                )
                continue
            block_line = lineno
            nmi, suffix = d.nmi.strip(), d.nmi_suffix.strip()
            if d.interval_length not in NEM12_LENGTHS:
                bad.add(
                    "data.columns",
                    f"{path} line {lineno}: NMI {nmi} suffix {suffix} has interval length "
                    f"{d.interval_length}; NEM12 gives 5, 15 or 30 minutes.",
                    where,
                )
                continue
            target = series.unit or d.uom
            factor = unit_factor(d.uom, target)
            if factor is None:
                bad.add(
                    "data.columns",
                    f"{path} line {lineno}: NMI {nmi} suffix {suffix} is in {d.uom!r}, which "
                    f"does not convert to the series' unit {target!r}.",
                    where,
                )
                continue
            scope = f"{nmi}-{suffix}" if scope_code == "CH" else nmi
            block = (scope, d.interval_length, factor)
        elif rec == "300":
            last_kept = False
            if block is None:
                bad.add(
                    "data.columns",
                    f"{path} line {lineno}: a 300 (interval data) record with no usable 200 "
                    "record before it.",
                    where,
                )
                continue
            scope, length, factor = block
            n = MINUTES_PER_DAY // length
            if len(row) < n + 3:
                bad.add(
                    "data.array_length",
                    f"{path} line {lineno}: a 300 record of {scope} needs the date, {n} "
                    f"values ({length}-minute intervals, line {block_line}) and a quality "
                    f"method; it has {len(row)} fields.",
                    where,
                    scope=scope,
                )
                continue
            when = parse_datetime(row[1].strip()) if len(row[1].strip()) == 8 else None
            if when is None:
                bad.add(
                    "data.timestamp",
                    f"{path} line {lineno}: the IntervalDate {row[1]!r} of {scope} is not a "
                    "date (YYYYMMDD).",
                    where,
                    scope=scope,
                )
                continue
            day = when.date()
            if days is not None and day not in days:
                continue
            quality = row[2 + n].strip()
            scopes.append(scope)
            dates.append(day)
            minutes.append(length)
            factors.append(str(factor))
            texts.append(row[2 : 2 + n])
            qualities.append([quality] * n)
            lines.append(lineno)
            last_kept = True
        elif rec == "400":
            if block is None or not last_kept:
                continue
            try:
                ev = parse_400_row(row, block[1])
            except (ValueError, IndexError):
                bad.add(
                    "data.columns",
                    f"{path} line {lineno}: a 400 (interval event) record needs a start and "
                    "end interval within the day and a quality method.",
                    where,
                )
                continue
            q = qualities[-1]
            for i in range(ev.start_interval - 1, ev.end_interval):
                q[i] = ev.quality_method.strip()
        elif rec in ("500", "900"):
            continue
        else:
            bad.add(
                "data.columns",
                f"{path} line {lineno}: record indicator {rec!r} is not one of NEM12's "
                "(100, 200, 300, 400, 500, 900); the line is not used.",
                where,
            )
    if not saw_header:
        log.info("%s: no 100 header record; read as NEM12", path)
    if not scopes:
        return empty_frame(), bad.done(path)
    rows = pl.DataFrame(
        {
            "scope": scopes,
            "day": dates,
            "minutes": minutes,
            "factor": factors,
            "text": texts,
            "quality": qualities,
            "source_line": lines,
        },
        schema_overrides={"day": pl.Date, "minutes": pl.Int64, "source_line": pl.Int64},
    )
    long = (
        rows.with_columns(pl.int_ranges(1, pl.col("text").list.len() + 1).alias("k"))
        .explode("text", "quality", "k")
        .with_columns(pl.col("text").str.strip_chars(), pl.col("k").cast(pl.Int64))
    )
    frame, problems = cast_values(long, "text", pl.col("factor").cast(WIDE))
    for rec in problems.head(MAX_FINDINGS_PER_FILE * 2).iter_rows(named=True):
        bad.add(
            "data.value",
            f"{path} line {rec['source_line']}: interval {rec['k']} of {rec['scope']} on "
            f"{rec['day']} is {rec['text']!r}: {rec['why']}.",
            f"{path}:{rec['source_line']}",
            scope=rec["scope"],
        )
    frame = frame.with_columns(
        meter_interval_start_expr("day", "k", "minutes").alias("start"),
        pl.lit(str(path)).alias("source_file"),
        # Quality N is null data: no value (SPEC §9, NEM12).
        pl.when(pl.col("quality").str.to_uppercase() == "N")
        .then(None)
        .otherwise(pl.col("value"))
        .alias("value"),
    )
    return frame.select(list(OWN_SCHEMA)).cast(OWN_SCHEMA), bad.done(path)  # type: ignore[arg-type]
