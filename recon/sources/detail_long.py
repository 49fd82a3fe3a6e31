"""The long form of a Detail statement: one row per value, typed and timestamped.

Columns (:data:`LONG_COLUMNS`): run, Settlement Trading Day, variable, base, scope code,
raw scope, the decoded scope fields of :data:`recon.wem.scopes.FLAT_FIELDS`, granularity,
Timestamp, position, interval start and end (AWST, UTC+08:00), and the exact value as
Decimal(23,8). Built vectorised in polars: Python decodes each distinct variable and
scope once, never each value.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, NamedTuple

import numpy as np
import polars as pl
import pyarrow as pa

from recon.models.statements import DetailStatement, RunHeader, value_parts
from recon.wem.scopes import FLAT_FIELDS, ScopeError, parse_scope
from recon.wem.variables import VariableNameError, parse_variable

AWST_TZ = "+08:00"
"""Polars stores it as the fixed zone ``Etc/GMT-8``: never ``Australia/Perth`` (SPEC §1)."""

LONG_COLUMNS = (
    "run_id",
    "participant",
    "period",
    "designation",
    "settlement_trading_day",
    "variable",
    "base",
    "scope_code",
    "scope",
    *(f"scope_{f}" for f in FLAT_FIELDS),
    "granularity",
    "timestamp",
    "position",
    "interval_start",
    "interval_end",
    "value",
)


def _variable_frame(names: list[str]) -> pl.DataFrame:
    recs = []
    for n in names:
        try:
            v = parse_variable(n)
        except VariableNameError:
            continue
        recs.append(
            {
                "variable": n,
                "base": v.base,
                "scope_code": v.scope,
                "granularity": v.granularity.value,
            }
        )
    return pl.DataFrame(
        recs,
        schema={
            "variable": pl.String,
            "base": pl.String,
            "scope_code": pl.String,
            "granularity": pl.String,
        },
    )


def _scope_frame(pairs: pl.DataFrame) -> pl.DataFrame:
    recs: list[dict[str, Any]] = []
    for code, raw in pairs.iter_rows():
        try:
            flat = parse_scope(code, raw).flat()
        except ScopeError:
            flat = dict.fromkeys(FLAT_FIELDS)
        recs.append(
            {"scope_code": code, "scope": raw, **{f"scope_{k}": v for k, v in flat.items()}}
        )
    schema = {
        "scope_code": pl.String,
        "scope": pl.String,
        **{f"scope_{k}": pl.String for k in FLAT_FIELDS},
    }
    return pl.DataFrame(recs, schema=schema)


def long_frame(frame: pl.DataFrame, header: RunHeader) -> pl.DataFrame:
    """Explode a row-form Detail frame into the long form (a polars DataFrame).

    Args:
        frame: Row-form frame (:data:`recon.models.statements.DETAIL_SCHEMA`).
        header: The run it belongs to.
    """
    vars_ = _variable_frame(frame.get_column("variable").unique().to_list())
    df = frame.drop("source_file", "source_line").join(
        vars_, on="variable", how="inner", maintain_order="left"
    )
    scopes = _scope_frame(df.select("scope_code", "scope").unique())
    df = df.join(scopes, on=["scope_code", "scope"], how="left", maintain_order="left")
    df = (
        df.with_columns(
            pl.int_ranges(1, pl.col("values").list.len() + 1, dtype=pl.Int16).alias("position")
        )
        .explode(["values", "position"])
        .rename({"values": "value"})
    )
    g = pl.col("granularity")
    day_start = pl.col("timestamp").cast(pl.Datetime("us")) + pl.duration(hours=8)
    pos0 = pl.col("position").cast(pl.Int64) - 1
    start = (
        pl.when(g == "I")
        .then(day_start + pl.duration(minutes=30) * pos0)
        .when(g == "DI")
        .then(day_start + pl.duration(minutes=5) * pos0)
        .otherwise(day_start)
    )
    end = (
        pl.when(g == "I")
        .then(pl.duration(minutes=30))
        .when(g == "DI")
        .then(pl.duration(minutes=5))
        .otherwise(None)
    )
    nxt = (
        pl.when(g == "M")
        .then(pl.col("timestamp").dt.offset_by("1mo"))
        .when(g.is_in(["CY", "FY"]))
        .then(pl.col("timestamp").dt.offset_by("1y"))
        .otherwise(pl.col("timestamp").dt.offset_by("1d"))
    )
    df = (
        df.with_columns(start.alias("interval_start"))
        .with_columns(
            pl.when(end.is_not_null())
            .then(pl.col("interval_start") + end)
            .otherwise(nxt.cast(pl.Datetime("us")) + pl.duration(hours=8))
            .alias("interval_end"),
        )
        .with_columns(
            pl.col("interval_start").dt.replace_time_zone(AWST_TZ),
            pl.col("interval_end").dt.replace_time_zone(AWST_TZ),
            pl.lit(header.run_id, dtype=pl.Int64).alias("run_id"),
            pl.lit(header.participant).alias("participant"),
            pl.lit(header.period).alias("period"),
            pl.lit(header.designation.value).alias("designation"),
        )
    )
    return df.select(LONG_COLUMNS)


STRING_COLUMNS = (
    "participant",
    "period",
    "designation",
    "variable",
    "base",
    "scope_code",
    "scope",
    *(f"scope_{f}" for f in FLAT_FIELDS),
    "granularity",
)
ARROW_TZ = "Etc/GMT-8"
"""The zone polars records for ``+08:00`` (:data:`AWST_TZ`) in Arrow."""
LONG_ARROW_SCHEMA = pa.schema(
    [
        (
            c,
            pa.large_string()
            if c in STRING_COLUMNS
            else {
                "run_id": pa.int64(),
                "settlement_trading_day": pa.date32(),
                "timestamp": pa.date32(),
                "position": pa.int16(),
                "interval_start": pa.timestamp("us", tz=ARROW_TZ),
                "interval_end": pa.timestamp("us", tz=ARROW_TZ),
                "value": pa.decimal128(23, 8),
            }[c],
        )
        for c in LONG_COLUMNS
    ]
)
"""The Arrow schema of the long table (``long_frame(...).to_arrow()``)."""
NULLABLE_COLUMNS = frozenset(f"scope_{f}" for f in FLAT_FIELDS)
"""The only columns that hold nulls (a scope field its grammar does not have)."""
LONG_DICT_SCHEMA = pa.schema(
    [
        pa.field(
            f.name,
            pa.dictionary(pa.int32(), f.type) if f.name in STRING_COLUMNS else f.type,
            nullable=f.name in NULLABLE_COLUMNS,
        )
        for f in LONG_ARROW_SCHEMA
    ]
)
"""The same, the string columns as dictionaries (:func:`long_tables`), and required
(non-nullable) where a column never holds a null: Parquet then stores no definition level
per value for them."""
SLICE_VALUES = 1 << 20
"""Values per table :func:`long_tables` yields (one Parquet row group each)."""
_US_PER_DAY = 86_400_000_000


class RowAttributes:
    """Decoded variables and scopes of one artefact, kept across its Trading Days."""

    def __init__(self) -> None:
        self.variables = _variable_frame([])
        self.scopes = _scope_frame(
            pl.DataFrame(schema={"scope_code": pl.String, "scope": pl.String})
        )

    def join(self, frame: pl.DataFrame) -> pl.DataFrame:
        """``frame`` with base, scope code, granularity and the decoded scope fields."""
        new = frame.select("variable").unique().join(self.variables, on="variable", how="anti")
        if new.height:
            self.variables = pl.concat([self.variables, _variable_frame(new.to_series().to_list())])
        df = frame.join(self.variables, on="variable", how="inner", maintain_order="left")
        pairs = (
            df.select("scope_code", "scope")
            .unique()
            .join(self.scopes, on=["scope_code", "scope"], how="anti")
        )
        if pairs.height:
            self.scopes = pl.concat([self.scopes, _scope_frame(pairs)])
        return df.join(self.scopes, on=["scope_code", "scope"], how="left", maintain_order="left")


class DayValues(NamedTuple):
    """A day's statement with its values split and cast, flat, in row order."""

    stmt: DetailStatement
    values: pa.Array


def day_values(stmt: DetailStatement) -> DayValues:
    """Split and cast a day's values once, flat (thread-safe: run it on reader threads,
    e.g. as ``then`` of :func:`recon.sources.detail_csv.map_detail_parts`)."""
    return DayValues(stmt, _flat_values(stmt.frame))


def _flat_values(frame: pl.DataFrame) -> pa.Array:
    """The values of a row-form frame, flat, as one decimal128(23,8) Arrow array."""
    if "values" in frame.columns:
        values = frame.select(pl.col("values").explode()).to_series()
    else:
        values = frame.select(value_parts(frame).explode().cast(pl.Decimal(23, 8))).to_series()
    flat = values.to_arrow()
    return flat.combine_chunks() if isinstance(flat, pa.ChunkedArray) else flat


def long_tables(
    stmt: DetailStatement | DayValues,
    attrs: RowAttributes | None = None,
    *,
    slice_values: int = SLICE_VALUES,
) -> Iterator[pa.Table]:
    """The long form of a Detail statement as Arrow tables of about ``slice_values`` rows.

    The same rows, order and values as :func:`long_frame`, built without exploding every
    column: values are split and cast once, flat; the row attributes are dictionary arrays
    over the statement's rows (:data:`LONG_DICT_SCHEMA`: no per-value string copies);
    interval starts and ends are integer arithmetic in UTC (08:00 AWST is 00:00 UTC).

    Args:
        stmt: A Detail statement, values cast or not, or a :class:`DayValues` whose values
            were already split and cast (on a reader thread).
        attrs: Decoded variables and scopes kept across the days of one artefact.
        slice_values: Values per table.
    """
    day: DayValues | None = None
    if isinstance(stmt, DayValues):
        day, stmt = stmt, stmt.stmt
    h = stmt.header
    rows = (attrs or RowAttributes()).join(stmt.frame)
    if rows.height == 0:
        return
    if "values" in rows.columns:
        lengths = rows.select(pl.col("values").list.len()).to_series().to_numpy()
    else:
        lengths = rows.get_column("n_values").to_numpy()
    # Values split and cast on a reader thread are used when every row of the day kept its
    # variable (always, for a validated statement: a row whose variable does not decode
    # was already left out with a data.variable finding).
    flat = (
        day.values if day is not None and rows.height == stmt.frame.height else _flat_values(rows)
    )
    starts = np.zeros(len(lengths) + 1, dtype=np.int64)
    np.cumsum(lengths, out=starts[1:])
    g, ts = pl.col("granularity"), pl.col("timestamp")
    nxt = (
        pl.when(g == "M")
        .then(ts.dt.offset_by("1mo"))
        .when(g.is_in(["CY", "FY"]))
        .then(ts.dt.offset_by("1y"))
        .otherwise(ts.dt.offset_by("1d"))
    )
    times = rows.select(
        (ts.cast(pl.Int64) * _US_PER_DAY).alias("start"),
        (nxt.cast(pl.Int64) * _US_PER_DAY).alias("end"),
        pl.when(g == "I")
        .then(30 * 60 * 1_000_000)
        .when(g == "DI")
        .then(5 * 60 * 1_000_000)
        .otherwise(0)
        .cast(pl.Int64)
        .alias("step"),
    )
    r_start, r_end, r_step = (times.get_column(c).to_numpy() for c in ("start", "end", "step"))
    per_row = rows.select(
        "settlement_trading_day",
        "variable",
        "base",
        "scope_code",
        "scope",
        *(f"scope_{f}" for f in FLAT_FIELDS),
        "granularity",
        "timestamp",
    ).to_arrow()
    # Per-row attributes as numpy arrays over the day's rows: each slice repeats them
    # by row length (np.repeat on sorted, contiguous rows; no Arrow ``take`` per column).
    columns: dict[str, tuple[np.ndarray, np.ndarray | None, pa.Array | None]] = {}
    for name in per_row.column_names:
        col = per_row.column(name).combine_chunks()
        if name in STRING_COLUMNS:
            col = col.cast(pa.large_string()).dictionary_encode()
            codes, dictionary = col.indices, col.dictionary
        else:
            codes, dictionary = col.view(pa.int32()), None  # date32: int32 days
        raw = np.frombuffer(codes.buffers()[1], dtype=np.int32, count=codes.offset + len(codes))[
            codes.offset :
        ]
        valid = None
        if codes.null_count:
            bits = np.frombuffer(codes.buffers()[0], dtype=np.uint8)
            valid = np.unpackbits(bits, bitorder="little")[
                codes.offset : codes.offset + len(codes)
            ].astype(bool)
            raw = np.where(valid, raw, 0).astype(np.int32)
        columns[name] = (raw, valid, dictionary)
    consts = {
        c: _one_string(v)
        for c, v in (
            ("participant", h.participant),
            ("period", h.period),
            ("designation", h.designation.value),
        )
    }
    types = {f.name: f.type for f in LONG_ARROW_SCHEMA}
    stamp = pa.timestamp("us", tz=ARROW_TZ)
    lo = 0
    while lo < rows.height:
        hi = int(np.searchsorted(starts, starts[lo] + slice_values, side="right")) - 1
        hi = min(max(hi, lo + 1), rows.height)
        v0, v1 = int(starts[lo]), int(starts[hi])
        n = v1 - v0
        lens = lengths[lo:hi]
        pos0 = np.arange(v0, v1, dtype=np.int64) - np.repeat(starts[lo:hi], lens)
        step = np.repeat(r_step[lo:hi], lens)
        start = np.repeat(r_start[lo:hi], lens) + pos0 * step
        out: dict[str, pa.Array] = {
            "run_id": _array(pa.int64(), np.full(n, h.run_id, dtype=np.int64))
        }
        zeros = _array(pa.int32(), np.zeros(n, dtype=np.int32))
        for name, dictionary in consts.items():
            out[name] = pa.DictionaryArray.from_arrays(zeros, dictionary, safe=False)
        for name, (codes, valid, dictionary) in columns.items():
            arr = _array(
                pa.int32(),
                np.repeat(codes[lo:hi], lens),
                None if valid is None else np.repeat(valid[lo:hi], lens),
            )
            out[name] = (
                arr.view(types[name])
                if dictionary is None
                else pa.DictionaryArray.from_arrays(arr, dictionary, safe=False)
            )
        out["position"] = _array(pa.int16(), (pos0 + 1).astype(np.int16))
        out["interval_start"] = _array(stamp, start)
        out["interval_end"] = _array(
            stamp, np.where(step > 0, start + step, np.repeat(r_end[lo:hi], lens))
        )
        out["value"] = flat.slice(v0, n)
        yield pa.table([out[c] for c in LONG_COLUMNS], schema=LONG_DICT_SCHEMA)
        lo = hi


def _array(type_: pa.DataType, data: Any, valid: Any = None) -> pa.Array:
    """A fixed-width Arrow array over a numpy array's memory (no copy), ``valid`` a bool
    mask (True = a value). Unlike ``pa.array`` it never imports pandas (~0.25 s)."""
    data = np.ascontiguousarray(data)
    bitmap = None if valid is None else pa.py_buffer(np.packbits(valid, bitorder="little"))
    return pa.Array.from_buffers(type_, len(data), [bitmap, pa.py_buffer(data)])


def _one_string(text: str) -> pa.Array:
    """A ``large_string`` array holding ``text`` once (without ``pa.array``: see
    :func:`_array`)."""
    data = text.encode()
    offsets = np.array([0, len(data)], dtype=np.int64)
    return pa.Array.from_buffers(
        pa.large_string(), 1, [None, pa.py_buffer(offsets), pa.py_buffer(data)]
    )
