"""Prototype of the hot-path changes recommended in ``bench/README.md`` (issue 8).

Nothing in ``recon/`` is changed: this module reuses recon's readers and checks and
replaces only the parts the profile shows are slow, so each change could be measured
(``python bench/run.py --cases floor,check,proto_check,decode,proto_decode``) before it
was ported (``bench/port/*.diff`` are the same changes as patches to ``recon/``):

1. **Members read on worker threads** (:func:`iter_detail_parts_fast`): the first member
   names the run while the second inflates, then two members at a time are inflated,
   parsed and validated on threads (zlib, polars and its regex engine release the GIL),
   yielded in order.
2. **One regex per row instead of split + a regex per value** (:func:`validate_detail_fast`):
   the whole ``"[v1,...,vn]"`` text is matched against one anchored pattern of plain
   Decimal(23,8) literals; the array length is the comma count plus one. A value that is
   not plain (9 decimals, ``1e-05``, ``+1``, ``[]``) fails the row's pattern before any
   cast, exactly as before: the cast that follows can no longer round or accept.
3. **The cast to Decimal(23,8) deferred to the rows that need it** (``cast=False``): the
   row frame keeps the validated ``value_text``; :func:`with_values` casts a (filtered)
   frame when a check needs numbers. ``recon check`` on Summary + Detail then casts only
   the ``*_P_D`` rows (:func:`summary_vs_detail_fast`); CSV-vs-JSON and attribution cast
   the frames they compare.
4. **Scopes parsed once per artefact**, not once per member (the same scopes repeat on
   every Trading Day; bad ones are still reported in every member).
5. **decode builds the long table in Arrow directly** (:func:`long_tables`): values are
   split and cast once, flat; row attributes are dictionary arrays over the day's rows (no
   per-value string copies, no re-hashing in the Parquet writer); interval starts and ends
   are integer arithmetic in UTC (08:00 AWST is 00:00 UTC); ~1M-value slices (bounded
   memory) are written by a **writer thread** while the next is built; the plain Arrow
   schema is stored (``ARROW:schema``) so readers see exactly ``recon decode``'s table.
6. Options to measure what is left: ``string_stats=False`` (no min/max statistics for the
   17 string columns), ``dictionary=False`` (copy strings per value, as recon does),
   ``categorical=True`` (store the dictionary schema), ``**writer_options``.

Correctness: ``tests/perf/test_exactness.py`` runs the same exactness checks on this path
and recon's, and checks that this decode writes the same table as ``recon decode``.
:func:`check` gives the same ``CheckResult`` as :func:`recon.check` (sample, planted and
generated weeks).
"""

from __future__ import annotations

import base64
import importlib
import logging
import queue
import sys
import threading
import types
import zipfile
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from decimal import Decimal
from pathlib import Path
from typing import Any

import polars as pl
import pyarrow as pa

from recon.errors import InputError
from recon.models.decimals import DECIMAL_PATTERN
from recon.models.findings import Finding
from recon.models.statements import (
    DETAIL_SCHEMA,
    ArtefactForm,
    DetailStatement,
    RunHeader,
    SummaryStatement,
)
from recon.sources.csv_table import read_csv_table
from recon.sources.detail_csv import ZIP_MAGIC, _read_member, _zip_members
from recon.sources.files import read_bytes
from recon.sources.limits import DEFAULT_LIMITS, Limits
from recon.sources.validate import (
    DETAIL_COLUMNS,
    HEADER_COLUMNS,
    _Collector,
    _dedupe,
    _first_bad_value,
    _header,
    _header_strings,
    _src,
    _strict_date,
    _timestamp_findings,
    _variable_table,
    combine_details,
    period_days,
)
from recon.wem.scopes import FLAT_FIELDS, ScopeError, parse_scope

log = logging.getLogger(__name__)

_N = DECIMAL_PATTERN
ROW_PATTERN = rf"^\s*\[\s*{_N}\s*(?:,\s*{_N}\s*)*\]\s*$"
"""A whole Value array of plain Decimal(23,8) literals (spaces allowed around each)."""

TEXT_SCHEMA: dict[str, Any] = {k: v for k, v in DETAIL_SCHEMA.items() if k != "values"}
TEXT_SCHEMA = {**{k: TEXT_SCHEMA[k] for k in ("settlement_trading_day", "variable", "scope",
                                               "timestamp")},
               "value_text": pl.String, "n_values": pl.Int64,
               "source_file": pl.String, "source_line": pl.Int64}
"""The row frame with the cast deferred: ``value_text`` (validated) instead of ``values``."""

AWST_ARROW_TZ = "Etc/GMT-8"
"""The zone polars writes for ``+08:00`` (recon's long table)."""
SLICE_VALUES = 1 << 20
"""Values per Arrow table handed to the Parquet writer (one row group each)."""


def warm_imports() -> None:
    """Import what a run needs (so the benchmark can report import time apart)."""
    import pyarrow.parquet  # noqa: F401

    import recon.api
    import recon.cli.main  # every command registered, as `recon ...` does
    import recon.reconcile.engine  # noqa: F401


def lazy_import(name: str) -> None:
    """Defer ``import name`` until an attribute is used: what a function-level import in
    recon would give (``importlib.util.LazyLoader`` loads on ``import`` in Python 3.11)."""
    if name in sys.modules:
        return

    class _Deferred(types.ModuleType):
        def __getattr__(self, attr: str) -> Any:
            del sys.modules[name]
            real = importlib.import_module(name)
            return getattr(real, attr)

    sys.modules[name] = _Deferred(name)


# --------------------------------------------------------------------------- reading


def iter_member_bytes(path: Path, limits: Limits = DEFAULT_LIMITS, *, ahead: int = 1,
                      ) -> Iterator[tuple[str, bytes]]:
    """Yield (``path!member``, bytes) for each member, inflating ``ahead`` members early.

    The caps of :class:`~recon.sources.limits.Limits` apply as in recon (the same
    ``_read_member``). At most ``ahead + 1`` members are held in memory.
    """
    members = sorted(_zip_members(path, limits), key=lambda m: m.filename)
    with zipfile.ZipFile(path) as zf, ThreadPoolExecutor(max_workers=1) as pool:
        futures = [pool.submit(_read_member, zf, m, path, limits)
                   for m in members[:ahead + 1]]
        for i, info in enumerate(members):
            data = futures[i].result()
            futures[i] = None  # type: ignore[call-overload]
            nxt = i + ahead + 1
            if nxt < len(members):
                futures.append(pool.submit(_read_member, zf, members[nxt], path, limits))
            yield f"{path}!{info.filename}", data


class ScopeCache:
    """(scope code, scope) pairs already found good in this artefact (bad ones are judged
    again in every member, so the findings are recon's). Kept as a polars frame: a set
    of tuples turned into a frame for every member costs more than the parsing saved."""

    def __init__(self) -> None:
        self.good = pl.DataFrame(schema={"scope_code": pl.String, "scope": pl.String})
        self._lock = threading.Lock()

    def new_pairs(self, pairs: pl.DataFrame) -> pl.DataFrame:
        """The rows of ``pairs`` whose (scope_code, scope) has not been found good yet."""
        with self._lock:
            good = self.good
        if good.height == 0:
            return pairs
        return pairs.join(good, on=["scope_code", "scope"], how="anti")

    def add_good(self, pairs: pl.DataFrame) -> None:
        """Remember pairs found good."""
        with self._lock:
            self.good = pl.concat([self.good, pairs.select("scope_code", "scope")])


def _scope_findings_cached(df: pl.DataFrame, out: _Collector, cache: ScopeCache) -> None:
    pairs = cache.new_pairs(
        df.group_by("scope_code", "scope")
        .agg(pl.col("variable").first(), pl.col("source_file").first(),
             pl.col("source_line").min(), pl.len().alias("n")))
    bad: list[tuple[str, str]] = []
    for code, scope, var, file, line, n in pairs.iter_rows():
        try:
            parse_scope(code, scope)
        except ScopeError as e:  # reported again in every member, as recon does
            bad.append((code, scope))
            out.add("data.scope", f"{e} ({n} row(s)); the rows were kept with the raw scope.",
                    variable=var, scope=scope, source=_src(file, line))
    if bad:
        pairs = pairs.join(pl.DataFrame(bad, schema=["scope_code", "scope"], orient="row"),
                           on=["scope_code", "scope"], how="anti")
    cache.add_good(pairs)


def validate_detail_fast(raw: pl.DataFrame, source: str, form: ArtefactForm,
                         header: RunHeader | None = None, *, cast: bool = True,
                         scopes: ScopeCache | None = None) -> DetailStatement:
    """:func:`recon.sources.validate.validate_detail` with one regex per row.

    Args:
        raw: All columns as strings; ``Value`` is the array text.
        source: The file path.
        form: ``csv``, ``zip`` or ``json``.
        header: The run header already known (from an earlier member).
        cast: Cast the values to ``List(Decimal(23,8))`` now (recon's frame); False keeps
            ``value_text`` and ``n_values`` (:data:`TEXT_SCHEMA`) for :func:`with_values`.
        scopes: Scopes already judged in this artefact (skipped here).

    Returns:
        The statement, with the same findings recon makes.
    """
    if raw.height == 0:
        raise InputError(source, "holds a header row but no Detail rows")
    out = _Collector(header)
    if header is None:
        header = _header(raw, source, out)
    else:
        for col, want in zip(HEADER_COLUMNS, _header_strings(header), strict=True):
            other = raw.filter(pl.col(col).is_null() | (pl.col(col) != want))
            if other.height:
                first = other.row(0, named=True)
                out.add("data.header", f"{col} is {first[col]!r} on {other.height} row(s) but "
                        f"{want!r} elsewhere in the artefact; one artefact must hold one run.",
                        expected=want, actual=first[col],
                        source=_src(first["__file"], first["__line"]))
    period = period_days(header)
    vt = pl.col("value_text")
    df = raw.select(
        pl.col("Settlement Trading Day").str.strip_chars().alias("std_text"),
        pl.col("Variable").str.strip_chars().fill_null("").alias("variable"),
        pl.col("Scope").fill_null("").alias("scope"),
        pl.col("Timestamp").str.strip_chars().alias("ts_text"),
        pl.col("Value").alias("value_text"),
        pl.col("__file").alias("source_file"),
        pl.col("__line").cast(pl.Int64).alias("source_line"),
    ).with_columns(
        _strict_date("std_text").alias("settlement_trading_day"),
        _strict_date("ts_text").alias("timestamp"),
        vt.str.contains(ROW_PATTERN).fill_null(False).alias("values_ok"),
    ).with_columns(
        pl.when(pl.col("values_ok"))
        .then(vt.str.count_matches(",", literal=True).cast(pl.Int64) + 1).alias("n_values"),
    )
    vtable, bad_vars = _variable_table(df.get_column("variable").unique().to_list())
    df = df.join(vtable, on="variable", how="left")

    problems = df.filter(
        pl.col("settlement_trading_day").is_null() | pl.col("timestamp").is_null()
        | pl.col("granularity").is_null() | ~pl.col("values_ok")
        | (pl.col("n_values") != pl.col("expected_len"))
    )
    for rec in problems.iter_rows(named=True):
        where = _src(rec["source_file"], rec["source_line"])
        var = rec["variable"]
        common = {"variable": var, "scope": rec["scope"], "source": where}
        if rec["settlement_trading_day"] is None:
            out.add("data.timestamp", f"Settlement Trading Day {rec['std_text']!r} is not a "
                    "date (yyyy-mm-dd); the row was not used.", **common)
            continue
        if rec["timestamp"] is None:
            out.add("data.timestamp", f"Timestamp {rec['ts_text']!r} is not a date "
                    "(yyyy-mm-dd); the row was not used.", timestamp=rec["ts_text"], **common)
            continue
        if rec["granularity"] is None:
            msg = bad_vars.get(var, f"variable {var!r} does not decode")
            out.add("data.variable", f"{msg}; the row was not used.",
                    timestamp=rec["timestamp"].isoformat(), **common)
            continue
        if not rec["values_ok"]:
            out.add("data.value", f"{_first_bad_value(rec['value_text'])}; the row was not "
                    "used.", timestamp=rec["timestamp"].isoformat(),
                    actual=(rec["value_text"] or "")[:60], **common)
            continue
        n, want = rec["n_values"], rec["expected_len"]
        out.add("data.array_length", f"{var} has {n} values but granularity "
                f"{rec['granularity']} needs {want}; the row was not used.",
                timestamp=rec["timestamp"].isoformat(), expected=str(want), actual=str(n),
                **common)
    if problems.height:
        df = df.join(problems.select("source_file", "source_line"),
                     on=["source_file", "source_line"], how="anti")

    _scope_findings_cached(df, out, scopes if scopes is not None else ScopeCache())
    _timestamp_findings(df, header, period, out)
    df = _dedupe(df, out)

    frame = df.select(list(TEXT_SCHEMA)).cast(TEXT_SCHEMA)  # type: ignore[arg-type]
    if cast:
        frame = with_values(frame)
    days = sorted(frame.get_column("settlement_trading_day").unique().to_list())
    files = sorted({f.split("!")[0].split("#")[0] for f in
                    raw.get_column("__file").unique().to_list()})
    return DetailStatement(header=header, days=days, frame=frame, source=source, sources=files,
                           form=form, findings=out.close())


def _value_parts(frame: pl.DataFrame) -> pl.Expr:
    """``value_text`` to a list of element strings (validated text: brackets, commas)."""
    vt = pl.col("value_text")
    spaced = frame.height > 0 and bool(frame.select(vt.str.contains(r"\s").any()).item())
    if spaced:
        return (vt.str.replace_all(r"\s", "").str.strip_prefix("[").str.strip_suffix("]")
                .str.split(","))
    return vt.str.slice(1, vt.str.len_bytes() - 2).str.split(",")


def with_values(frame: pl.DataFrame) -> pl.DataFrame:
    """Give a validated text frame its ``values`` column (recon's :data:`DETAIL_SCHEMA`).

    Exact: every element already matched :data:`ROW_PATTERN`, so the cast to
    Decimal(23,8) neither rounds nor accepts anything lenient.
    """
    if "values" in frame.columns:
        return frame
    values = _value_parts(frame).list.eval(pl.element().cast(pl.Decimal(23, 8))).alias("values")
    return frame.with_columns(values).select(list(DETAIL_SCHEMA)).cast(
        DETAIL_SCHEMA)  # type: ignore[arg-type]


def flat_values(frame: pl.DataFrame) -> pl.Series:
    """Every value of a validated text frame, in row order, as one Decimal(23,8) Series."""
    return frame.select(_value_parts(frame).explode().cast(pl.Decimal(23, 8))).to_series()


def parse_detail_fast(data: bytes, source: str, *, form: ArtefactForm = "csv",
                      header: RunHeader | None = None, limits: Limits = DEFAULT_LIMITS,
                      cast: bool = True, scopes: ScopeCache | None = None) -> DetailStatement:
    """:func:`recon.sources.detail_csv.parse_detail_csv` through :func:`validate_detail_fast`."""
    raw, findings = read_csv_table(data, source, DETAIL_COLUMNS, array_column="Value",
                                   limits=limits)
    stmt = validate_detail_fast(raw, source, form, header=header, cast=cast, scopes=scopes)
    if findings:
        h = stmt.header
        run = {"participant": h.participant, "period": h.period, "run_id": h.run_id,
               "designation": h.designation.value}
        stmt.findings[:0] = [f.model_copy(update=run) for f in findings]
    return stmt


def iter_detail_parts_fast(path: str | Path, *, limits: Limits = DEFAULT_LIMITS,
                           cast: bool = True, workers: int = 2) -> Iterator[DetailStatement]:
    """:func:`recon.sources.detail_csv.iter_detail_parts`, members read on worker threads.

    The first member is read (and the next inflated meanwhile) to learn the run header;
    the rest are inflated, parsed and validated ``workers`` at a time on threads (zlib,
    polars and the regex engine release the GIL), and yielded in member order. At most
    ``workers + 1`` members are in memory.
    """
    p = Path(path)
    try:
        with open(p, "rb") as f:
            magic = f.read(4)
    except OSError as e:
        raise InputError(p, f"cannot be read: {e.strerror or e}") from None
    scopes = ScopeCache()
    if magic != ZIP_MAGIC:
        yield parse_detail_fast(read_bytes(p, limits), str(p), limits=limits, cast=cast,
                                scopes=scopes)
        return
    members = sorted(_zip_members(p, limits), key=lambda m: m.filename)
    local = threading.local()

    def read(info: zipfile.ZipInfo) -> bytes:
        if not hasattr(local, "zf"):
            local.zf = zipfile.ZipFile(p)  # one handle per thread
            handles.append(local.zf)
        return _read_member(local.zf, info, p, limits)

    def job(info: zipfile.ZipInfo, header: RunHeader,
            data: Future[bytes] | None = None) -> DetailStatement:
        raw = data.result() if data is not None else read(info)
        return parse_detail_fast(raw, f"{p}!{info.filename}", form="zip", header=header,
                                 limits=limits, cast=cast, scopes=scopes)

    handles: list[zipfile.ZipFile] = []
    try:
        with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
            first = pool.submit(read, members[0])
            ahead = pool.submit(read, members[1]) if len(members) > 1 else None
            stmt = parse_detail_fast(first.result(), f"{p}!{members[0].filename}",
                                     form="zip", limits=limits, cast=cast, scopes=scopes)
            header = stmt.header
            yield stmt
            pending: deque[Future[DetailStatement]] = deque()
            rest = iter(members[1:])
            if ahead is not None:
                pending.append(pool.submit(job, next(rest), header, ahead))
            for info in rest:
                pending.append(pool.submit(job, info, header))
                if len(pending) > workers:
                    yield pending.popleft().result()
            while pending:
                yield pending.popleft().result()
    finally:
        for zf in handles:
            zf.close()


def read_detail_fast(path: str | Path, *, limits: Limits = DEFAULT_LIMITS,
                     cast: bool = False) -> DetailStatement:
    """:func:`recon.sources.detail_csv.read_detail`; by default the cast is deferred."""
    parts = list(iter_detail_parts_fast(path, limits=limits, cast=cast))
    stmt = combine_details(parts, str(path))
    stmt.source = str(path)
    stmt.sources = [str(path)]
    return stmt


# --------------------------------------------------------------------------- check


def _with_values_stmt(d: DetailStatement | None) -> DetailStatement | None:
    if d is None or "values" in d.frame.columns:
        return d
    return d.model_copy(update={"frame": with_values(d.frame)})


def summary_vs_detail_fast(summary: SummaryStatement, detail: DetailStatement,
                           ) -> list[Finding]:
    """recon's ``summary_vs_detail``, casting only the Detail's ``*_P_D`` rows."""
    from recon.reconcile import tieouts

    if "values" not in detail.frame.columns:
        p_rows = detail.frame.filter(pl.col("variable").str.ends_with("_P_D")
                                     & (pl.col("scope") == summary.header.participant))
        detail = detail.model_copy(update={"frame": with_values(p_rows)})
    return tieouts.summary_vs_detail(summary, detail)


def _patch_engine() -> None:
    """Point the engine at the deferred-cast versions (this process only)."""
    from recon.reconcile import engine, tieouts
    from recon.reconcile.attribution import attribute

    engine.summary_vs_detail = summary_vs_detail_fast  # type: ignore[assignment]

    def detail_mismatch(a: DetailStatement, b: DetailStatement) -> list[Finding]:
        return tieouts.detail_mismatch(_with_values_stmt(a), _with_values_stmt(b))  # type: ignore[arg-type]

    def attribute_cast(h: Any, prev_h: Any, s: Any, ps: Any, d: Any, pd_: Any,
                       changed: Any) -> Any:
        return attribute(h, prev_h, s, ps, _with_values_stmt(d), _with_values_stmt(pd_),
                         changed)

    engine.detail_mismatch = detail_mismatch  # type: ignore[assignment]
    engine.attribute = attribute_cast  # type: ignore[assignment]


def check(paths: Iterable[str | Path], *, materiality: Decimal | None = None,
          limits: Limits = DEFAULT_LIMITS) -> Any:
    """:func:`recon.api.check` with the fast Detail reader and the deferred cast."""
    from recon import api
    from recon.reconcile.engine import run_checks

    _patch_engine()

    def _load(artefact: Any, lim: Limits, _progress: Any) -> object:
        from recon.sources import detect

        if artefact.kind in ("detail_zip", "detail_csv"):
            return read_detail_fast(artefact.path, limits=lim)
        return detect.load(artefact)

    api._load = _load  # type: ignore[assignment]
    loaded, findings, skipped = api.load(list(paths), limits=limits)
    return run_checks(loaded, materiality=materiality, findings=findings, skipped=skipped)


def check_cli(paths: Iterable[str | Path], out: Path) -> int:
    """``recon check PATHS --out OUT --no-reports`` through :func:`check` (exit status)."""
    from recon.cli.check_cmd import print_summary, write_outputs

    result = check(paths)
    write_outputs(result, out, reports=False)
    print_summary(result)
    return result.exit_code(False)


# --------------------------------------------------------------------------- decode


class _RowAttributes:
    """Per-artefact caches of decoded variables and scopes (the same every day)."""

    def __init__(self) -> None:
        self.variables = pl.DataFrame(schema={"variable": pl.String, "base": pl.String,
                                              "scope_code": pl.String,
                                              "granularity": pl.String})
        self.scopes = pl.DataFrame(schema={"scope_code": pl.String, "scope": pl.String,
                                           **{f"scope_{k}": pl.String for k in FLAT_FIELDS}})

    def join(self, frame: pl.DataFrame) -> pl.DataFrame:
        from recon.sources.detail_long import _scope_frame, _variable_frame

        new_vars = (frame.select("variable").unique()
                    .join(self.variables, on="variable", how="anti"))
        if new_vars.height:
            self.variables = pl.concat([self.variables,
                                        _variable_frame(new_vars.to_series().to_list())])
        df = frame.join(self.variables, on="variable", how="inner", maintain_order="left")
        new_scopes = (df.select("scope_code", "scope").unique()
                      .join(self.scopes, on=["scope_code", "scope"], how="anti"))
        if new_scopes.height:
            self.scopes = pl.concat([self.scopes, _scope_frame(new_scopes)])
        return df.join(self.scopes, on=["scope_code", "scope"], how="left",
                       maintain_order="left")


_US_PER_DAY = 86_400_000_000
_STEP_US = {"I": 30 * 60 * 1_000_000, "DI": 5 * 60 * 1_000_000}
STRING_COLUMNS = ("participant", "period", "designation", "variable", "base", "scope_code",
                  "scope", *(f"scope_{f}" for f in FLAT_FIELDS), "granularity")


def long_schema() -> pa.Schema:
    """The Arrow schema of recon's long table (``long_frame(...).to_arrow()``)."""
    from recon.sources.detail_long import LONG_COLUMNS

    types: dict[str, pa.DataType] = {c: pa.large_string() for c in STRING_COLUMNS}
    types |= {"run_id": pa.int64(), "settlement_trading_day": pa.date32(),
              "timestamp": pa.date32(), "position": pa.int16(),
              "interval_start": pa.timestamp("us", tz=AWST_ARROW_TZ),
              "interval_end": pa.timestamp("us", tz=AWST_ARROW_TZ),
              "value": pa.decimal128(23, 8)}
    return pa.schema([(c, types[c]) for c in LONG_COLUMNS])


def long_tables(stmt: DetailStatement, attrs: _RowAttributes | None = None, *,
                dictionary: bool = False, slice_values: int = SLICE_VALUES,
                ) -> Iterator[pa.Table]:
    """The long table of one validated text frame, built in Arrow, in ~1M-value slices.

    Same rows, order and columns as ``recon.sources.detail_long.long_frame`` (with
    ``dictionary=True`` the string columns are dictionary arrays: same values, less
    memory and a faster Parquet write, but a reader sees categoricals).
    """
    import numpy as np

    h = stmt.header
    rows = (attrs or _RowAttributes()).join(stmt.frame)
    if rows.height == 0:
        return
    if "n_values" not in rows.columns:
        rows = rows.with_columns(pl.col("values").list.len().cast(pl.Int64).alias("n_values"))
    values = (rows.select(pl.col("values").explode()).to_series() if "values" in rows.columns
              else flat_values(rows)).to_arrow()
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    lengths = rows.get_column("n_values").to_numpy()
    starts = np.zeros(len(lengths) + 1, dtype=np.int64)
    np.cumsum(lengths, out=starts[1:])
    g = pl.col("granularity")
    ts = pl.col("timestamp")
    nxt = (pl.when(g == "M").then(ts.dt.offset_by("1mo"))
           .when(g.is_in(["CY", "FY"])).then(ts.dt.offset_by("1y"))
           .otherwise(ts.dt.offset_by("1d")))
    row_times = rows.select(
        (ts.cast(pl.Int64) * _US_PER_DAY).alias("start"),
        (nxt.cast(pl.Int64) * _US_PER_DAY).alias("end"),
        pl.when(g == "I").then(_STEP_US["I"]).when(g == "DI").then(_STEP_US["DI"])
        .otherwise(0).cast(pl.Int64).alias("step"),
    )
    r_start = row_times.get_column("start").to_numpy()
    r_end = row_times.get_column("end").to_numpy()
    r_step = row_times.get_column("step").to_numpy()
    row_cols = rows.select(
        "settlement_trading_day", "variable", "base", "scope_code", "scope",
        *(f"scope_{f}" for f in FLAT_FIELDS), "granularity", "timestamp").to_arrow()
    row_cols = pa.table([c.combine_chunks() for c in row_cols.columns],
                        names=row_cols.column_names)
    if dictionary:
        encoded = {n: row_cols.column(n).dictionary_encode() if n in STRING_COLUMNS
                   else row_cols.column(n) for n in row_cols.column_names}
    schema = long_schema()
    consts = {"run_id": (h.run_id, pa.int64()), "participant": (h.participant, None),
              "period": (h.period, None), "designation": (h.designation.value, None)}
    n_rows = rows.height
    lo = 0
    while lo < n_rows:
        hi = int(np.searchsorted(starts, starts[lo] + slice_values, side="right")) - 1
        hi = max(hi, lo + 1)
        hi = min(hi, n_rows)
        v0, v1 = int(starts[lo]), int(starts[hi])
        n = v1 - v0
        row_idx = np.repeat(np.arange(lo, hi, dtype=np.int32), lengths[lo:hi])
        pos0 = np.arange(v0, v1, dtype=np.int64) - starts[:-1][row_idx]
        step = r_step[row_idx]
        start = r_start[row_idx] + pos0 * step
        end = np.where(step > 0, start + step, r_end[row_idx])
        idx = pa.array(row_idx)
        cols: dict[str, pa.Array] = {}
        for name, (val, typ) in consts.items():
            if typ is not None:
                cols[name] = pa.array(np.full(n, val, dtype=np.int64))
            elif dictionary:
                cols[name] = pa.DictionaryArray.from_arrays(
                    pa.array(np.zeros(n, dtype=np.int32)), pa.array([val], pa.large_string()))
            else:
                cols[name] = _repeat_string(val, n)
        for name in row_cols.column_names:
            if dictionary and name in STRING_COLUMNS:
                enc = encoded[name].chunk(0) if isinstance(encoded[name], pa.ChunkedArray) \
                    else encoded[name]
                cols[name] = pa.DictionaryArray.from_arrays(enc.indices.take(idx),
                                                            enc.dictionary)
            else:
                cols[name] = row_cols.column(name).chunk(0).take(idx)
        cols["position"] = pa.array((pos0 + 1).astype(np.int16))
        cols["interval_start"] = pa.array(start, type=pa.timestamp("us", tz=AWST_ARROW_TZ))
        cols["interval_end"] = pa.array(end, type=pa.timestamp("us", tz=AWST_ARROW_TZ))
        cols["value"] = values.slice(v0, n)
        names = schema.names
        if dictionary:
            yield pa.table([cols[c] for c in names], names=names)
        else:
            yield pa.table([cols[c] for c in names], schema=schema)
        lo = hi


def _repeat_string(value: str, n: int) -> pa.Array:
    """A large_string array of ``n`` copies of ``value``, built without Python objects."""
    import numpy as np

    raw = value.encode()
    offsets = np.arange(n + 1, dtype=np.int64) * len(raw)
    data = np.frombuffer(raw * n, dtype=np.uint8) if n else np.zeros(0, dtype=np.uint8)
    return pa.LargeStringArray.from_buffers(n, pa.py_buffer(offsets), pa.py_buffer(data))


class _WriterThread:
    """Writes Arrow tables to one Parquet file on its own thread (pyarrow drops the GIL)."""

    def __init__(self, path: Path, schema: pa.Schema, *, string_stats: bool,
                 read_as: pa.Schema | None = None, **options: Any) -> None:
        import pyarrow.parquet as pq

        stats: bool | list[str] = True
        if not string_stats:
            stats = [n for n in schema.names if n not in STRING_COLUMNS]
        self._read_as = read_as
        kwargs: dict[str, Any] = {"compression": "zstd", "write_statistics": stats,
                                  "use_dictionary": list(STRING_COLUMNS)} | options
        self._writer = pq.ParquetWriter(path, schema, store_schema=read_as is None, **kwargs)
        self._queue: queue.Queue[pa.Table | None] = queue.Queue(maxsize=1)
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="parquet-writer", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            while (table := self._queue.get()) is not None:
                self._writer.write_table(table)
        except BaseException as e:  # re-raised on the caller's thread
            self._error = e
            while self._queue.get() is not None:
                pass

    def put(self, table: pa.Table) -> None:
        if self._error:
            raise self._error
        self._queue.put(table)

    def close(self) -> None:
        self._queue.put(None)
        self._thread.join()
        if self._read_as is not None:
            # The Arrow schema readers restore (pyarrow, polars, pandas): plain strings,
            # the AWST zone; what ``store_schema`` would have written for a plain table.
            self._writer.add_key_value_metadata({"ARROW:schema": base64.b64encode(
                self._read_as.serialize().to_pybytes()).decode()})
        self._writer.close()
        if self._error:
            raise self._error


def decode_to_parquet(path: str | Path, out: str | Path, *, limits: Limits = DEFAULT_LIMITS,
                      dictionary: bool = True, string_stats: bool = True,
                      categorical: bool = False, **writer_options: Any,
                      ) -> tuple[int, list[Finding]]:
    """``recon decode DETAIL --out FILE.parquet`` through the prototype (Detail only).

    With the defaults the file reads back (pyarrow, polars, pandas, DuckDB) exactly as
    ``recon decode``'s: the string columns are handed to the writer as dictionary arrays
    (no per-value string copies, no re-hashing: Parquet stores them dictionary-encoded
    either way) and the plain Arrow schema is stored for readers.

    Args:
        path: Detail ZIP or CSV.
        out: The Parquet file (written atomically).
        limits: Input caps.
        dictionary: Hand the string columns to the writer as dictionary arrays; False
            materialises every string per value, as recon does today.
        string_stats: Keep Parquet min/max statistics for the string columns.
        categorical: With ``dictionary``, store the dictionary schema instead, so readers
            get categoricals.
        **writer_options: Passed to ``pyarrow.parquet.ParquetWriter`` (``compression``,
            ``data_page_size``, ...).

    Returns:
        (values written, findings met while reading).
    """
    from recon.atomic import atomic_path

    findings: list[Finding] = []
    rows = 0
    attrs = _RowAttributes()
    schema = long_schema()
    if dictionary:
        schema = pa.schema([pa.field(f.name, pa.dictionary(pa.int32(), f.type))
                            if f.name in STRING_COLUMNS else f for f in schema])
    read_as = long_schema() if dictionary and not categorical else None
    with atomic_path(out) as tmp:
        writer = _WriterThread(tmp, schema, string_stats=string_stats, read_as=read_as,
                               **writer_options)
        try:
            for part in iter_detail_parts_fast(path, limits=limits, cast=False):
                findings.extend(part.findings)
                for table in long_tables(part, attrs, dictionary=dictionary):
                    writer.put(table)
                    rows += table.num_rows
        finally:
            writer.close()
    return rows, findings


def main(argv: list[str] | None = None) -> int:
    """``python bench/fastpath_proto.py decode|check ...`` (for profiling)."""
    import argparse

    ap = argparse.ArgumentParser(description="Run the prototype fast path.")
    sub = ap.add_subparsers(dest="cmd", required=True)
    d = sub.add_parser("decode")
    d.add_argument("detail", type=Path)
    d.add_argument("--out", type=Path, required=True)
    d.add_argument("--materialise", action="store_true",
                   help="copy every string per value (recon's way) instead of dictionaries")
    d.add_argument("--no-string-stats", action="store_true")
    c = sub.add_parser("check")
    c.add_argument("paths", type=Path, nargs="+")
    c.add_argument("--out", type=Path, required=True)
    args = ap.parse_args(argv)
    if args.cmd == "decode":
        n, findings = decode_to_parquet(args.detail, args.out, dictionary=not args.materialise,
                                        string_stats=not args.no_string_stats)
        print(f"wrote {n} values, {len(findings)} findings", file=sys.stderr)
        return 1 if findings else 0
    return check_cli(args.paths, args.out)


if __name__ == "__main__":
    raise SystemExit(main())

