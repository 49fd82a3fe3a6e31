"""Own intervals (SPEC §9): the frame every own-data reader returns, and what the readers
share: the capped row findings, reading a file as text, casting values exactly."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from recon.models.findings import Finding
from recon.models.own import OwnSeries

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

MAX_FINDINGS_PER_FILE = 20
"""Row-level findings reported per file and kind; the rest are counted in the last one."""

_NUMBER = r"^-?[0-9]+(\.[0-9]+)?$"
WIDE = pl.Decimal(38, 16)
"""Wide enough to hold a value before it is checked for 8 decimals."""


def empty_frame() -> pl.DataFrame:
    """An own-intervals frame with no rows."""
    return pl.DataFrame(schema=OWN_SCHEMA)


def finding(series: OwnSeries, check: str, message: str, **fields: object) -> Finding:
    return Finding.make(check, message, variable=series.variable, **fields)


class Limited:
    """Collects row-level findings, at most :data:`MAX_FINDINGS_PER_FILE` per check."""

    def __init__(self, series: OwnSeries) -> None:
        self.series = series
        self.findings: list[Finding] = []
        self.counts: dict[str, int] = {}

    def add(self, check: str, message: str, source: str, **fields: object) -> None:
        n = self.counts.get(check, 0) + 1
        self.counts[check] = n
        if n <= MAX_FINDINGS_PER_FILE:
            self.findings.append(finding(self.series, check, message, source=source, **fields))

    def done(self, path: Path) -> list[Finding]:
        for check, n in self.counts.items():
            if n > MAX_FINDINGS_PER_FILE:
                self.findings.append(
                    finding(
                        self.series,
                        check,
                        f"{path} has {n} {check} problems in all; the first "
                        f"{MAX_FINDINGS_PER_FILE} are listed.",
                        source=str(path),
                    )
                )
        return self.findings


def read_text(path: Path, series: OwnSeries) -> tuple[str | None, list[Finding]]:
    try:
        return path.read_bytes().decode("utf-8-sig"), []
    except OSError as e:
        msg = f"Your file {path} cannot be read ({e.strerror or e}): series {series.name!r}."
    except UnicodeDecodeError as e:
        msg = f"Your file {path} is not UTF-8 text (byte {e.start}): series {series.name!r}."
    return None, [finding(series, "data.columns", msg, source=str(path))]


def cast_values(
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
    wide = t.cast(WIDE, strict=False)
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
        .when(pl.col("value").cast(WIDE) != pl.col("_wide"))
        .then(pl.lit("more than 8 decimals once converted to the series' unit"))
        .otherwise(None)
        .alias("why")
    )
    problems = df.filter(pl.col("why").is_not_null())
    df = df.with_columns(
        pl.when(pl.col("why").is_null()).then(pl.col("value")).otherwise(None).alias("value")
    )
    return df.drop("_wide", "_empty", "_plain", "_frac"), problems
