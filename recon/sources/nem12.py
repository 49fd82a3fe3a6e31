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
import re
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, cast

import polars as pl

from recon.models.findings import CheckId, Finding
from recon.models.own import OwnSeries, unit_factor
from recon.sources.limits import DEFAULT_LIMITS, Limits
from recon.sources.own_rows import (
    MAX_FINDINGS_PER_FILE,
    OWN_SCHEMA,
    WIDE,
    Limited,
    OwnFile,
    Unusable,
    cast_values,
    empty_frame,
    unusable_finding,
)
from recon.wem.calendar import MINUTES_PER_DAY, meter_interval_start_expr
from recon.wem.variables import parse_variable

if TYPE_CHECKING:
    from nemreader.nem_objects import EventRecord

log = logging.getLogger(__name__)


NEM12_LENGTHS = (5, 15, 30)
"""Interval lengths a NEM12 200 record may give (minutes)."""

TRAILING_FIELDS = 4
"""Fields a 300 record may carry after its quality method: ReasonCode, ReasonDescription,
UpdateDateTime, MSATSLoadDateTime (each may be left out from the end)."""

_QUALITY = re.compile(r"^[A-Za-z][0-9]{0,2}$")
"""A QualityMethod: a quality flag (A, E, F, N, S, V) and, for some, a two-digit method."""


def _value_count(fields: list[str]) -> int | None:
    """How many values a 300 record holds: the fields between its date and its first
    quality method (None when it has no quality method at all)."""
    for i in range(2, len(fields)):
        if _QUALITY.match(fields[i].strip()):
            return i - 2
    return None


def record_fits(line: str, n: int) -> bool:
    """Whether a 300 record holds exactly ``n`` values and its quality method (then at
    most :data:`TRAILING_FIELDS` more fields), judged without splitting every value."""
    fields = line.count(",") + 1
    tail = fields - (2 + n)  # the quality method and what follows it
    if not 1 <= tail <= 1 + TRAILING_FIELDS:
        return False
    return _QUALITY.match(line.rsplit(",", tail)[1].strip()) is not None


def read_nem12(
    path: Path,
    series: OwnSeries,
    days: set[date] | None = None,
    *,
    limits: Limits = DEFAULT_LIMITS,
    hashes: dict[str, str] | None = None,
) -> tuple[pl.DataFrame, list[Finding]]:
    """Read one NEM12 file into own intervals (see the module docstring).

    The file is read line by line, within the caps of AEMO's files (``--max-member-mb``,
    ``--max-line-mb``). A 300 record must hold exactly the values its 200 record's interval
    length gives a day (288, 96 or 48) and then its quality method: any other count is a
    ``data.array_length`` finding naming file and line, and the record is not used.

    Args:
        path: The file.
        series: Its series (variable, unit).
        days: NEM12 IntervalDates to keep; None keeps all. Records of other days are still
            checked for their length.
        limits: The caps.
        hashes: Filled with ``{str(path): SHA-256}`` of the bytes read.

    Returns:
        (own intervals, findings naming file and line).

    Raises:
        InputError: The file is over a cap (recon stops with one line naming the option).
    """
    bad = Limited(series)
    try:
        own = OwnFile(path, limits)
    except Unusable as e:
        return empty_frame(), [unusable_finding(path, series, str(e))]
    with own:
        try:
            rows, saw_header = _records(own, path, series, days, bad)
            sha = own.finish()
        except Unusable as e:
            return empty_frame(), [unusable_finding(path, series, str(e))]
    if hashes is not None:
        hashes[str(path)] = sha
    if rows is None:
        return empty_frame(), bad.done(path)
    return _frame(path, rows, bad, saw_header)


_Rows = dict[str, list]


def _records(
    own: OwnFile, path: Path, series: OwnSeries, days: set[date] | None, bad: Limited
) -> tuple[_Rows | None, bool]:
    """Read the records of one NEM12 file (None: the file is not NEM12 and not used)."""
    # start-up: nemreader costs 190 ms to import (python -X importtime, 2026-12-05); only a NEM12
    # file of your own data needs it, not every `recon check`
    from nemreader.nem_reader import parse_200_row, parse_400_row, parse_datetime

    scope_code = parse_variable(series.variable).scope
    rows: _Rows = {k: [] for k in ("scope", "day", "minutes", "factor", "text", "quality", "line")}
    block: tuple[str, int, Decimal] | None = None  # scope, minutes, unit factor
    block_line = 0
    saw_header = False
    last_kept = False
    keep = {d.strftime("%Y%m%d") for d in days} if days is not None else None
    for lineno, line in own.lines():
        if (
            keep is not None
            and block is not None
            and line.startswith("300,")
            and line[4:12].isdigit()
            and line[12:13] == ","
            and line[4:12] not in keep
            and record_fits(line, MINUTES_PER_DAY // block[1])
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
                    CheckId.DATA_COLUMNS,
                    f"{path} line {lineno}: the 100 header names {got or 'no'} format; recon "
                    "reads NEM12 interval data (a NEM13 file holds no intervals).",
                    where,
                )
                return None, saw_header
        elif rec == "200":
            block, last_kept = None, False
            try:
                d = parse_200_row(row)
            except (ValueError, IndexError):
                bad.add(
                    CheckId.DATA_COLUMNS,
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
                    CheckId.DATA_COLUMNS,
                    f"{path} line {lineno}: NMI {nmi} suffix {suffix} has interval length "
                    f"{d.interval_length}; NEM12 gives 5, 15 or 30 minutes.",
                    where,
                )
                continue
            target = series.unit or d.uom
            factor = unit_factor(d.uom, target)
            if factor is None:
                bad.add(
                    CheckId.DATA_COLUMNS,
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
                    CheckId.DATA_COLUMNS,
                    f"{path} line {lineno}: a 300 (interval data) record with no usable 200 "
                    "record before it.",
                    where,
                )
                continue
            scope, length, factor = block
            n = MINUTES_PER_DAY // length
            tail = len(row) - (2 + n)
            if not (1 <= tail <= 1 + TRAILING_FIELDS and _QUALITY.match(row[2 + n].strip())):
                count = _value_count(row)
                holds = (
                    f"holds {count} value{'s' if count != 1 else ''} before its quality method"
                    if count is not None
                    else f"has {len(row)} fields and no quality method"
                )
                bad.add(
                    CheckId.DATA_ARRAY_LENGTH,
                    f"{path} line {lineno}: a 300 record of {scope} {holds}; its 200 record "
                    f"(line {block_line}) gives {length}-minute intervals, so {n} values a "
                    "day and then the quality method. The record is not used.",
                    where,
                    scope=scope,
                )
                continue
            when = parse_datetime(row[1].strip()) if len(row[1].strip()) == 8 else None
            if when is None:
                bad.add(
                    CheckId.DATA_TIMESTAMP,
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
            rows["scope"].append(scope)
            rows["day"].append(day)
            rows["minutes"].append(length)
            rows["factor"].append(str(factor))
            rows["text"].append(row[2 : 2 + n])
            rows["quality"].append([quality] * n)
            rows["line"].append(lineno)
            last_kept = True
        elif rec == "400":
            if block is None or not last_kept:
                continue
            try:
                # nemreader annotates the result as a bare tuple; it is an EventRecord.
                ev = cast("EventRecord", parse_400_row(row, block[1]))
            except (ValueError, IndexError):
                bad.add(
                    CheckId.DATA_COLUMNS,
                    f"{path} line {lineno}: a 400 (interval event) record needs a start and "
                    "end interval within the day and a quality method.",
                    where,
                )
                continue
            q = rows["quality"][-1]
            for i in range(ev.start_interval - 1, ev.end_interval):
                q[i] = ev.quality_method.strip()
        elif rec in ("500", "900"):
            continue
        else:
            bad.add(
                CheckId.DATA_COLUMNS,
                f"{path} line {lineno}: record indicator {rec!r} is not one of NEM12's "
                "(100, 200, 300, 400, 500, 900); the line is not used.",
                where,
            )
    return rows, saw_header


def _frame(
    path: Path, rows: _Rows, bad: Limited, saw_header: bool
) -> tuple[pl.DataFrame, list[Finding]]:
    """The own intervals of the records kept."""
    if not saw_header:
        log.info("%s: no 100 header record; read as NEM12", path)
    if not rows["scope"]:
        return empty_frame(), bad.done(path)
    records = pl.DataFrame(
        {
            "scope": rows["scope"],
            "day": rows["day"],
            "minutes": rows["minutes"],
            "factor": rows["factor"],
            "text": rows["text"],
            "quality": rows["quality"],
            "source_line": rows["line"],
        },
        schema_overrides={"day": pl.Date, "minutes": pl.Int64, "source_line": pl.Int64},
    )
    long = (
        records.with_columns(pl.int_ranges(1, pl.col("text").list.len() + 1).alias("k"))
        .explode("text", "quality", "k")
        .with_columns(pl.col("text").str.strip_chars(), pl.col("k").cast(pl.Int64))
    )
    frame, problems = cast_values(long, "text", pl.col("factor").cast(WIDE))
    for rec in problems.head(MAX_FINDINGS_PER_FILE * 2).iter_rows(named=True):
        bad.add(
            CheckId.DATA_VALUE,
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
    return frame.select(list(OWN_SCHEMA)).cast(pl.Schema(OWN_SCHEMA)), bad.done(path)
