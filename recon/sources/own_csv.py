"""Reading own data from plain CSV series (SPEC §9) into own intervals: one row per scope
and interval, with the column names of the mapping; a start without an offset is AWST, one
with an offset is converted to AWST."""

from __future__ import annotations

import logging
from datetime import date, timedelta
from pathlib import Path

import polars as pl

from recon.models.findings import CheckId, Finding
from recon.models.own import OwnSeries
from recon.sources.limits import DEFAULT_LIMITS, Limits
from recon.sources.own_rows import (
    MAX_FINDINGS_PER_FILE,
    OWN_SCHEMA,
    Limited,
    OwnFile,
    Unusable,
    cast_values,
    empty_frame,
    finding,
    unusable_finding,
)

log = logging.getLogger(__name__)

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
    path: Path,
    series: OwnSeries,
    days: set[date] | None = None,
    *,
    limits: Limits = DEFAULT_LIMITS,
    hashes: dict[str, str] | None = None,
) -> tuple[pl.DataFrame, list[Finding]]:
    """Read one CSV of (scope, interval start, value) rows into own intervals.

    The file is first read once in blocks within the caps of AEMO's files
    (``--max-member-mb``, ``--max-line-mb``), which gives its SHA-256; polars then reads
    it by its path, streamed, and the file must be the same one afterwards.

    Args:
        path: The file.
        series: Its series (column names, interval length).
        days: AWST calendar dates of starts to keep (with the day after each Trading
            Day: pass :func:`recon.wem.calendar.meter_days_for`); None keeps all.
        limits: The caps.
        hashes: Filled with ``{str(path): SHA-256}`` of the bytes read.

    Raises:
        InputError: The file is over a cap (recon stops with one line naming the option).
    """
    try:
        with OwnFile(path, limits) as own:
            own.scan()
            sha = own.finish()
            frame, found = _read_csv(path, series, days)
            if not own.unchanged():
                raise Unusable("changed while it was being read")
    except Unusable as e:
        return empty_frame(), [unusable_finding(path, series, str(e))]
    if hashes is not None:
        hashes[str(path)] = sha
    return frame, found


def _read_csv(
    path: Path, series: OwnSeries, days: set[date] | None
) -> tuple[pl.DataFrame, list[Finding]]:
    """:func:`read_csv_series` once the file has passed its caps."""
    cols = (series.scope, series.start, series.value)

    def unreadable(why: str) -> tuple[pl.DataFrame, list[Finding]]:
        return empty_frame(), [
            finding(
                series,
                CheckId.DATA_COLUMNS,
                f"Your file {path} cannot be read as a CSV ({why}): series {series.name!r}.",
                source=str(path),
            )
        ]

    try:
        # glob=False: the name is literal ("SCADA export [wk 49].csv" is one file).
        lf = pl.scan_csv(path, infer_schema=False, encoding="utf8", glob=False)
        names = lf.collect_schema().names()
    except OSError as e:
        return unreadable(str(e.strerror or e))
    except Exception as e:  # polars raises several kinds for a file that is not a CSV
        return unreadable(_first_line(e))
    clean = {c.strip().lstrip("\ufeff"): c for c in names}
    missing = [c for c in cols if c not in clean]
    if missing:
        return empty_frame(), [
            finding(
                series,
                CheckId.DATA_COLUMNS,
                f"Your file {path} lacks column(s) {', '.join(missing)} named by series "
                f"{series.name!r} (it has {', '.join(clean) or 'none'}); it is not used.",
                source=f"{path}:1",
            )
        ]
    bad = Limited(series)
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
        df = lf.collect(engine="streaming")
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
            CheckId.DATA_TIMESTAMP,
            f"{path} line {rec['source_line']}: {what}; the row is not used.",
            f"{path}:{rec['source_line']}",
            scope=rec["scope"] or None,
        )
    df = df.filter(pl.col("start").is_not_null() & (pl.col("scope").fill_null("") != ""))
    if days is not None:
        df = df.filter(pl.col("start").dt.date().is_in(sorted(days)))
    minutes = series.interval or _common_gap(df)
    frame, problems = cast_values(df, "text", None)
    for rec in problems.head(MAX_FINDINGS_PER_FILE * 2).iter_rows(named=True):
        bad.add(
            CheckId.DATA_VALUE,
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
    return frame.select(list(OWN_SCHEMA)).cast(pl.Schema(OWN_SCHEMA)), bad.done(path)


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
