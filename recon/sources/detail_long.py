"""The long form of a Detail statement: one row per value, typed and timestamped.

Columns (:data:`LONG_COLUMNS`): run, Settlement Trading Day, variable, base, scope code,
raw scope, the decoded scope fields of :data:`recon.wem.scopes.FLAT_FIELDS`, granularity,
Timestamp, position, interval start and end (AWST, UTC+08:00), and the exact value as
Decimal(23,8). Built vectorised in polars: Python decodes each distinct variable and
scope once, never each value.
"""

from __future__ import annotations

from typing import Any

import polars as pl
import pyarrow as pa

from recon.models.statements import DetailStatement, RunHeader
from recon.wem.scopes import FLAT_FIELDS, ScopeError, parse_scope
from recon.wem.variables import VariableNameError, parse_variable

AWST_TZ = "+08:00"
"""Polars stores it as the fixed zone ``Etc/GMT-8``: never ``Australia/Perth`` (SPEC §1)."""

LONG_COLUMNS = (
    "run_id", "participant", "period", "designation", "settlement_trading_day", "variable",
    "base", "scope_code", "scope", *(f"scope_{f}" for f in FLAT_FIELDS), "granularity",
    "timestamp", "position", "interval_start", "interval_end", "value",
)


def _variable_frame(names: list[str]) -> pl.DataFrame:
    recs = []
    for n in names:
        try:
            v = parse_variable(n)
        except VariableNameError:
            continue
        recs.append({"variable": n, "base": v.base, "scope_code": v.scope,
                     "granularity": v.granularity.value})
    return pl.DataFrame(recs, schema={"variable": pl.String, "base": pl.String,
                                      "scope_code": pl.String, "granularity": pl.String})


def _scope_frame(pairs: pl.DataFrame) -> pl.DataFrame:
    recs: list[dict[str, Any]] = []
    for code, raw in pairs.iter_rows():
        try:
            flat = parse_scope(code, raw).flat()
        except ScopeError:
            flat = dict.fromkeys(FLAT_FIELDS)
        recs.append({"scope_code": code, "scope": raw,
                     **{f"scope_{k}": v for k, v in flat.items()}})
    schema = {"scope_code": pl.String, "scope": pl.String,
              **{f"scope_{k}": pl.String for k in FLAT_FIELDS}}
    return pl.DataFrame(recs, schema=schema)


def long_frame(frame: pl.DataFrame, header: RunHeader) -> pl.DataFrame:
    """Explode a row-form Detail frame into the long form (a polars DataFrame).

    Args:
        frame: Row-form frame (:data:`recon.models.statements.DETAIL_SCHEMA`).
        header: The run it belongs to.
    """
    vars_ = _variable_frame(frame.get_column("variable").unique().to_list())
    df = frame.drop("source_file", "source_line").join(vars_, on="variable", how="inner",
                                                       maintain_order="left")
    scopes = _scope_frame(df.select("scope_code", "scope").unique())
    df = df.join(scopes, on=["scope_code", "scope"], how="left", maintain_order="left")
    df = df.with_columns(
        pl.int_ranges(1, pl.col("values").list.len() + 1, dtype=pl.Int16).alias("position")
    ).explode(["values", "position"]).rename({"values": "value"})
    g = pl.col("granularity")
    day_start = (pl.col("timestamp").cast(pl.Datetime("us")) + pl.duration(hours=8))
    pos0 = pl.col("position").cast(pl.Int64) - 1
    start = (pl.when(g == "I").then(day_start + pl.duration(minutes=30) * pos0)
             .when(g == "DI").then(day_start + pl.duration(minutes=5) * pos0)
             .otherwise(day_start))
    end = (pl.when(g == "I").then(pl.duration(minutes=30))
           .when(g == "DI").then(pl.duration(minutes=5))
           .otherwise(None))
    nxt = (pl.when(g == "M").then(pl.col("timestamp").dt.offset_by("1mo"))
           .when(g.is_in(["CY", "FY"])).then(pl.col("timestamp").dt.offset_by("1y"))
           .otherwise(pl.col("timestamp").dt.offset_by("1d")))
    df = df.with_columns(start.alias("interval_start")).with_columns(
        pl.when(end.is_not_null()).then(pl.col("interval_start") + end)
        .otherwise(nxt.cast(pl.Datetime("us")) + pl.duration(hours=8)).alias("interval_end"),
    ).with_columns(
        pl.col("interval_start").dt.replace_time_zone(AWST_TZ),
        pl.col("interval_end").dt.replace_time_zone(AWST_TZ),
        pl.lit(header.run_id, dtype=pl.Int64).alias("run_id"),
        pl.lit(header.participant).alias("participant"),
        pl.lit(header.period).alias("period"),
        pl.lit(header.designation.value).alias("designation"),
    )
    return df.select(LONG_COLUMNS)


def to_long(stmt: DetailStatement) -> pa.Table:
    """The long form of a Detail statement as an Arrow table (value: decimal128(23,8))."""
    return long_frame(stmt.frame, stmt.header).to_arrow()
