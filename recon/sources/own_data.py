"""Your own data (SPEC §9): the ``--own`` mapping, NEM12 meter data and plain CSV series.

Every series is read into one polars frame of *own intervals* (naive AWST datetimes):

``scope`` (String), ``start`` (Datetime), ``minutes`` (Int64, the interval length),
``value`` (Decimal(38,8), exact; null where the data says it has no value), ``quality``
(String, NEM12 quality method, else null), ``source_file``, ``source_line``.

**NEM12.** The structure (100/200/300/400 records) is read with ``nemreader``'s record
parsers (``parse_200_row``, ``parse_400_row``, ``parse_datetime``), one record at a time
so every problem names its line. Its value parser yields floats (and silently turns a
bad value into None, and skips a short 300 record), so the values are taken from the 300
record's *text* here and cast exactly: never through a float. Units come from the 200
record (Wh, kWh, MWh; W, kW, MW) and are converted to the series' unit by a power of ten.
A NEM12 day runs midnight to midnight AWST and its interval *k* ends at *k* x length
(period-ending): :func:`recon.wem.calendar.meter_interval_start_expr` places it.

**CSV.** One row per scope and interval, with the column names of the mapping; a start
without an offset is AWST, one with an offset is converted to AWST.

Malformed own data is a ``data.*`` finding naming the file and line (the rest of the file
is still used); a mapping file that cannot be read is an :class:`~recon.errors.InputError`
(exit 2).
"""

from __future__ import annotations

import csv
import glob
import logging
import tomllib
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import polars as pl
from pydantic import ValidationError

from recon.errors import InputError
from recon.models.findings import Finding
from recon.models.own import OwnMapping, OwnSeries, unit_factor
from recon.wem.calendar import MINUTES_PER_DAY, meter_interval_start_expr
from recon.wem.granularity import Granularity
from recon.wem.variables import VariableNameError, parse_variable

log = logging.getLogger(__name__)

OWN_SCHEMA: dict[str, pl.DataType] = {
    "scope": pl.String(),
    "start": pl.Datetime("us"),
    "minutes": pl.Int64(),
    "value": pl.Decimal(38, 8),
    "quality": pl.String(),
    "source_file": pl.String(),
    "source_line": pl.Int64(),
}
"""Columns of an own-intervals frame (naive datetimes are AWST)."""

NEM12_LENGTHS = (5, 15, 30)
"""Interval lengths a NEM12 200 record may give (minutes)."""

MAX_FINDINGS_PER_FILE = 20
"""Row-level findings reported per file and kind; the rest are counted in the last one."""

_NUMBER = r"^-?[0-9]+(\.[0-9]+)?$"
_WIDE = pl.Decimal(38, 16)


@dataclass
class SeriesData:
    """One series as read: its own intervals, the files read, and the problems met."""

    series: OwnSeries
    frame: pl.DataFrame
    files: list[str] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)


def empty_frame() -> pl.DataFrame:
    """An own-intervals frame with no rows."""
    return pl.DataFrame(schema=OWN_SCHEMA)


def read_mapping(path: str | Path) -> OwnMapping:
    """Read an ``--own`` mapping file (TOML, SPEC §9).

    Raises:
        InputError: If the file cannot be read, is not TOML, or a series is not valid
            (unknown key, missing key, a variable that is not interval data).
    """
    p = Path(path)
    try:
        doc = tomllib.loads(p.read_bytes().decode("utf-8-sig"))
    except OSError as e:
        raise InputError(p, f"cannot be read: {e.strerror or e}") from None
    except UnicodeDecodeError:
        raise InputError(p, "is not UTF-8 text (expected a TOML mapping, SPEC §9)") from None
    except tomllib.TOMLDecodeError as e:
        raise InputError(p, f"is not valid TOML: {e}") from None
    unknown = sorted(set(doc) - {"series"})
    if unknown:
        raise InputError(
            p, f"has unknown top-level key(s) {', '.join(unknown)}; expected [[series]]"
        )
    raw = doc.get("series")
    if not isinstance(raw, list) or not raw:
        raise InputError(p, "has no [[series]] table (SPEC §9)")
    series: list[OwnSeries] = []
    names: set[str] = set()
    for i, item in enumerate(raw, start=1):
        if not isinstance(item, dict):
            raise InputError(p, f"series {i} is not a table")
        try:
            s = OwnSeries(**item, base_dir=str(p.parent))
        except ValidationError as e:
            problems = "; ".join(
                f"{'.'.join(str(x) for x in err['loc']) or 'series'}: {err['msg']}"
                for err in e.errors()
            )
            raise InputError(p, f"series {i} ({item.get('name', '?')}): {problems}") from None
        except TypeError as e:
            raise InputError(p, f"series {i}: {e}") from None
        try:
            v = parse_variable(s.variable)
        except VariableNameError as e:
            raise InputError(p, f"series {i} ({s.name}): variable {s.variable!r}: {e}") from None
        if v.granularity not in (Granularity.I, Granularity.DI):
            raise InputError(
                p,
                f"series {i} ({s.name}): variable {s.variable} has granularity "
                f"{v.granularity.value}; own data ties out Trading (I) or Dispatch (DI) "
                "Interval variables",
            )
        if s.format == "nem12" and v.scope not in ("CH", "N"):
            raise InputError(
                p,
                f"series {i} ({s.name}): NEM12 data gives Channel (CH) or NMI (N) scopes, "
                f"not {v.scope} ({s.variable})",
            )
        if s.format == "nem12" and not s.unit:
            raise InputError(
                p,
                f'series {i} ({s.name}): a NEM12 series needs unit = "..." (the variable\'s '
                'unit, e.g. "kWh" or "MWh"): the files\' values are converted to it',
            )
        if s.name in names:
            raise InputError(p, f"series {i}: the name {s.name!r} is used twice")
        names.add(s.name)
        series.append(s)
    return OwnMapping(path=str(p), series=series)


def series_files(series: OwnSeries) -> list[Path]:
    """The files a series' glob names (relative to the mapping file), sorted."""
    pattern = series.path
    if not Path(pattern).is_absolute():
        pattern = str(Path(series.base_dir) / pattern)
    return sorted(Path(p) for p in glob.glob(pattern, recursive=True) if Path(p).is_file())


def read_series(series: OwnSeries, days: set[date] | None = None) -> SeriesData:
    """Read every file of one series.

    Args:
        series: The mapping entry.
        days: Calendar days to keep (NEM12 days, or the AWST dates of CSV starts);
            None keeps every day. Rows outside them are still checked for shape but
            their values are not read.

    Returns:
        The series' own intervals, files and findings. No file is a finding, not an error.
    """
    files = series_files(series)
    out = SeriesData(series=series, frame=empty_frame(), files=[str(f) for f in files])
    if not files:
        out.findings.append(
            _finding(
                series,
                "data.columns",
                f"Your series {series.name!r} names {series.path!r}, which matches no file: "
                f"nothing of {series.variable} could be compared.",
                source=str(Path(series.base_dir) / series.path),
            )
        )
        return out
    frames: list[pl.DataFrame] = []
    for f in files:
        if series.format == "nem12":
            frame, found = read_nem12(f, series, days)
        else:
            frame, found = read_csv_series(f, series, days)
        frames.append(frame)
        out.findings.extend(found)
    out.frame = pl.concat(frames, how="vertical") if frames else empty_frame()
    out.findings.extend(_duplicates(series, out.frame))
    # As for AEMO's rows (data.duplicate), the first of a duplicated interval is used.
    out.frame = out.frame.unique(["scope", "start"], keep="first", maintain_order=True)
    return out


def _finding(series: OwnSeries, check: str, message: str, **fields: object) -> Finding:
    return Finding.make(check, message, variable=series.variable, **fields)


def _duplicates(series: OwnSeries, frame: pl.DataFrame) -> list[Finding]:
    """The same scope and interval start twice (in one file or across files)."""
    if frame.height == 0:
        return []
    dup = (
        frame.group_by("scope", "start")
        .agg(pl.len().alias("n"), pl.col("source_file"), pl.col("source_line"))
        .filter(pl.col("n") > 1)
        .sort("scope", "start")
    )
    out: list[Finding] = []
    for rec in dup.head(MAX_FINDINGS_PER_FILE).iter_rows(named=True):
        where = ", ".join(
            f"{f}:{ln}" for f, ln in zip(rec["source_file"], rec["source_line"], strict=True)
        )
        out.append(
            _finding(
                series,
                "data.duplicate",
                f"Your series {series.name!r} gives {rec['scope']} at "
                f"{rec['start']:%Y-%m-%d %H:%M} AWST {rec['n']} times ({where}); "
                "the first is used.",
                scope=rec["scope"],
                source=f"{rec['source_file'][0]}:{rec['source_line'][0]}",
            )
        )
    if dup.height > MAX_FINDINGS_PER_FILE:
        out[-1] = out[-1].model_copy(
            update={"message": out[-1].message + f" ({dup.height} such intervals in all.)"}
        )
    return out


class _Limited:
    """Collects row-level findings, at most :data:`MAX_FINDINGS_PER_FILE` per check."""

    def __init__(self, series: OwnSeries) -> None:
        self.series = series
        self.findings: list[Finding] = []
        self.counts: dict[str, int] = {}

    def add(self, check: str, message: str, source: str, **fields: object) -> None:
        n = self.counts.get(check, 0) + 1
        self.counts[check] = n
        if n <= MAX_FINDINGS_PER_FILE:
            self.findings.append(_finding(self.series, check, message, source=source, **fields))

    def done(self, path: Path) -> list[Finding]:
        for check, n in self.counts.items():
            if n > MAX_FINDINGS_PER_FILE:
                self.findings.append(
                    _finding(
                        self.series,
                        check,
                        f"{path} has {n} {check} problems in all; the first "
                        f"{MAX_FINDINGS_PER_FILE} are listed.",
                        source=str(path),
                    )
                )
        return self.findings


def _read_text(path: Path, series: OwnSeries) -> tuple[str | None, list[Finding]]:
    try:
        return path.read_bytes().decode("utf-8-sig"), []
    except OSError as e:
        msg = f"Your file {path} cannot be read ({e.strerror or e}): series {series.name!r}."
    except UnicodeDecodeError as e:
        msg = f"Your file {path} is not UTF-8 text (byte {e.start}): series {series.name!r}."
    return None, [_finding(series, "data.columns", msg, source=str(path))]


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

    text, found = _read_text(path, series)
    if text is None:
        return empty_frame(), found
    bad = _Limited(series)
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
    frame, problems = _cast_values(long, "text", pl.col("factor").cast(_WIDE))
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


def _cast_values(
    frame: pl.DataFrame, column: str, factor: pl.Expr | None
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Cast a text column to exact Decimal(38,8) ``value`` (times ``factor``).

    An empty text is a null value (no reading). A text that is not a plain decimal
    number, or whose converted value has more than 8 decimals, is a problem row (with
    ``why``) and its value is null.
    """
    t = pl.col(column)
    empty = t.is_null() | (t == "")
    plain = t.str.contains(_NUMBER)
    frac = t.str.split(".").list.get(1, null_on_oob=True).str.len_chars().fill_null(0)
    wide = t.cast(_WIDE, strict=False)
    if factor is not None:
        wide = wide * factor
    df = frame.with_columns(wide.alias("_wide"), empty.alias("_empty"), plain.alias("_plain"))
    df = df.with_columns(frac.alias("_frac"))
    narrow = pl.col("_wide").cast(pl.Decimal(38, 8), strict=False)
    df = df.with_columns(narrow.alias("value")).with_columns(
        pl.when(pl.col("_empty"))
        .then(None)
        .when(~pl.col("_plain"))
        .then(pl.lit("not a plain decimal number"))
        .when(pl.col("_frac") > 8)
        .then(pl.lit("more than 8 decimals"))
        .when(pl.col("_wide").is_null() | pl.col("value").is_null())
        .then(pl.lit("too large"))
        .when(pl.col("value").cast(_WIDE) != pl.col("_wide"))
        .then(pl.lit("more than 8 decimals once converted to the series' unit"))
        .otherwise(None)
        .alias("why")
    )
    problems = df.filter(pl.col("why").is_not_null())
    df = df.with_columns(
        pl.when(pl.col("why").is_null()).then(pl.col("value")).otherwise(None).alias("value")
    )
    return df.drop("_wide", "_empty", "_plain", "_frac"), problems


_NAIVE_FORMATS = ("%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M")
_OFFSET_FORMATS = tuple(f + "%z" for f in _NAIVE_FORMATS)


def parse_starts(column: str) -> pl.Expr:
    """ISO 8601 interval starts as naive AWST datetimes (SPEC §9).

    Without an offset a start is AWST; with one (``+08:00``, ``Z``, ``+0000``) it is
    converted to AWST. Anything else is null.
    """
    t = pl.col(column).str.strip_chars().str.replace(r"Z$", "+00:00")
    naive = pl.coalesce(
        [t.str.to_datetime(f, strict=False, time_unit="us") for f in _NAIVE_FORMATS]
    )
    aware = pl.coalesce(
        [
            t.str.to_datetime(f, strict=False, time_unit="us", time_zone="UTC")
            for f in _OFFSET_FORMATS
        ]
    )
    local = aware.dt.convert_time_zone("Etc/GMT-8").dt.replace_time_zone(None)
    return pl.coalesce([naive, local])


def read_csv_series(
    path: Path, series: OwnSeries, days: set[date] | None = None
) -> tuple[pl.DataFrame, list[Finding]]:
    """Read one CSV of (scope, interval start, value) rows into own intervals.

    Args:
        path: The file.
        series: Its series (column names, interval length).
        days: AWST calendar dates of starts to keep (with the day after each Trading
            Day: pass :func:`recon.wem.calendar.meter_days_for`); None keeps all.
    """
    cols = (series.scope, series.start, series.value)

    def unreadable(why: str) -> tuple[pl.DataFrame, list[Finding]]:
        return empty_frame(), [
            _finding(
                series,
                "data.columns",
                f"Your file {path} cannot be read as a CSV ({why}): series {series.name!r}.",
                source=str(path),
            )
        ]

    try:
        lf = pl.scan_csv(path, infer_schema=False, encoding="utf8")
        names = lf.collect_schema().names()
    except OSError as e:
        return unreadable(str(e.strerror or e))
    except Exception as e:  # polars raises several kinds for a file that is not a CSV
        return unreadable(_first_line(e))
    clean = {c.strip().lstrip("\ufeff"): c for c in names}
    missing = [c for c in cols if c not in clean]
    if missing:
        return empty_frame(), [
            _finding(
                series,
                "data.columns",
                f"Your file {path} lacks column(s) {', '.join(missing)} named by series "
                f"{series.name!r} (it has {', '.join(clean) or 'none'}); it is not used.",
                source=f"{path}:1",
            )
        ]
    bad = _Limited(series)
    lf = lf.select(
        pl.col(clean[series.scope]).str.strip_chars().alias("scope"),
        pl.col(clean[series.start]).alias("start_text"),
        pl.col(clean[series.value]).str.strip_chars().alias("text"),
    ).with_row_index("source_line", offset=2)
    if days is not None:
        # Keep rows whose date text is within a day of the days asked for (an offset moves
        # a start by less than a day) before parsing: a year of 5-minute rows reads fast.
        # Text that does not start with a date is kept, to be reported as a bad start.
        near = sorted({(d + timedelta(days=k)).isoformat() for d in days for k in (-1, 0, 1)})
        head = pl.col("start_text").str.strip_chars().str.slice(0, 10)
        lf = lf.filter(
            head.is_in(near) | ~head.str.contains(r"^\d{4}-\d{2}-\d{2}$").fill_null(False)
        )
    try:
        df = lf.collect()
    except Exception as e:  # a ragged or undecodable row
        return unreadable(_first_line(e))
    df = df.with_columns(parse_starts("start_text").alias("start"))
    for rec in (
        df.filter(pl.col("start").is_null() | pl.col("scope").is_null() | (pl.col("scope") == ""))
        .head(MAX_FINDINGS_PER_FILE * 2)
        .iter_rows(named=True)
    ):
        what = (
            "no scope"
            if not rec["scope"]
            else f"interval start {rec['start_text']!r} is not ISO 8601"
        )
        bad.add(
            "data.timestamp",
            f"{path} line {rec['source_line']}: {what}; the row is not used.",
            f"{path}:{rec['source_line']}",
            scope=rec["scope"] or None,
        )
    df = df.filter(pl.col("start").is_not_null() & (pl.col("scope").fill_null("") != ""))
    if days is not None:
        df = df.filter(pl.col("start").dt.date().is_in(sorted(days)))
    minutes = series.interval or _common_gap(df)
    frame, problems = _cast_values(df, "text", None)
    for rec in problems.head(MAX_FINDINGS_PER_FILE * 2).iter_rows(named=True):
        bad.add(
            "data.value",
            f"{path} line {rec['source_line']}: the value of {rec['scope']} at "
            f"{rec['start']:%Y-%m-%d %H:%M} is {rec['text']!r}: {rec['why']}.",
            f"{path}:{rec['source_line']}",
            scope=rec["scope"],
        )
    frame = frame.with_columns(
        pl.lit(minutes, dtype=pl.Int64).alias("minutes"),
        pl.lit(None, dtype=pl.String).alias("quality"),
        pl.lit(str(path)).alias("source_file"),
        pl.col("source_line").cast(pl.Int64),
    )
    return frame.select(list(OWN_SCHEMA)).cast(OWN_SCHEMA), bad.done(path)  # type: ignore[arg-type]


def _first_line(e: Exception) -> str:
    text = str(e).strip()
    return text.splitlines()[0] if text else type(e).__name__


def _common_gap(df: pl.DataFrame) -> int:
    """The most common gap in minutes between a scope's consecutive starts (default 30)."""
    if df.height < 2:
        return 30
    gaps = (
        df.select("scope", "start")
        .unique()
        .sort("scope", "start")
        .with_columns(pl.col("start").diff().over("scope").dt.total_minutes().alias("gap"))
        .filter(pl.col("gap") > 0)
        .get_column("gap")
    )
    if gaps.len() == 0:
        return 30
    return int(gaps.mode().sort()[0])
