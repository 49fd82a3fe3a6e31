"""Validation of a Detail frame (CSV, ZIP member or JSON document): raw strings in, a
:class:`~recon.models.statements.DetailStatement` out, every problem a ``data.*`` finding.

Values are checked against the plain Decimal(23,8) pattern *before* any cast, because
fast casts are lenient (polars rounds a 9th decimal and accepts ``1e-05``): one anchored
pattern per row over the whole ``[v1,...,vn]`` text, the array length being the comma
count plus one. A Detail frame may keep the validated text (``value_text``, ``n_values``)
and be cast later (:func:`recon.models.statements.with_values`), so a check that needs few
values casts few. The run header and the frame's shared rules are in
:mod:`recon.sources.validate`.
"""

from __future__ import annotations

import logging
import threading
from datetime import date
from typing import Any

import polars as pl

from recon.errors import InputError
from recon.models import aemo_names as aemo
from recon.models.decimals import DECIMAL_PATTERN, DecimalFormatError, parse_decimal
from recon.models.detail import FindingCollector, dedupe, period_days, source_ref
from recon.models.findings import CheckId
from recon.models.statements import (
    DETAIL_TEXT_SCHEMA,
    ArtefactForm,
    DetailStatement,
    RunHeader,
    with_values,
)
from recon.sources.validate import DATE_RE, HEADER_COLUMNS, header_of
from recon.wem import calendar
from recon.wem.granularity import Granularity, timestamp_problem, values_per_row
from recon.wem.scopes import ScopeError, parse_scope
from recon.wem.variables import VariableNameError, parse_variable

log = logging.getLogger(__name__)

_WS = r"[ \t\r\n\f\v]"
_ROW_RE = rf"^{_WS}*\[{_WS}*{DECIMAL_PATTERN}{_WS}*(?:,{_WS}*{DECIMAL_PATTERN}{_WS}*)*\]{_WS}*$"
"""A whole Value array of plain Decimal(23,8) literals, ASCII white space allowed around
each (the characters :func:`recon.models.statements.value_parts` removes)."""
_DATE_FMT = "%Y-%m-%d"


# --------------------------------------------------------------------------- Detail


def _variable_table(variables: list[str]) -> tuple[pl.DataFrame, dict[str, str]]:
    recs: list[dict[str, Any]] = []
    bad: dict[str, str] = {}
    for v in variables:
        try:
            vn = parse_variable(v)
        except VariableNameError as e:
            bad[v] = str(e)
            continue
        recs.append(
            {
                "variable": v,
                "base": vn.base,
                "scope_code": vn.scope,
                "granularity": vn.granularity.value,
                "expected_len": values_per_row(vn.granularity),
            }
        )
    schema = {
        "variable": pl.String,
        "base": pl.String,
        "scope_code": pl.String,
        "granularity": pl.String,
        "expected_len": pl.Int64,
    }
    return pl.DataFrame(recs, schema=schema), bad


def _first_bad_value(text: str | None) -> tuple[str, int | None, str | None]:
    """Why a Value array does not read, the 1-based position of the bad element, and the
    text to quote as found (the bad element itself where there is one)."""
    if text is None:
        return "the Value is empty", None, None
    s = text.strip()
    if not (s.startswith("[") and s.endswith("]")):
        return f"the Value {s[:40]!r} is not an array like [v1,v2,...]", None, s[:60]
    inner = s[1:-1]
    if not inner.strip():
        return "the Value array is empty", None, s[:60]
    for i, part in enumerate(inner.split(","), start=1):
        try:
            parse_decimal(part)
        except DecimalFormatError as e:
            return f"element {i} of the Value array: {e}", i, part.strip()[:60]
    return "the Value array does not read as Decimal(23,8) numbers", None, s[:60]


def _position(granularity: str | None, day: date | None, position: int | None) -> dict[str, Any]:
    """``position``, ``interval_start``, ``interval_end`` of a Value element (SPEC §5): an
    I or DI element only (a Trading Day or coarser value is named by its Timestamp)."""
    return calendar.position_fields(day, granularity or "", position)


def validate_detail(
    raw: pl.DataFrame,
    source: str,
    form: ArtefactForm,
    header: RunHeader | None = None,
    *,
    cast: bool = True,
    scopes: ScopeCache | None = None,
) -> DetailStatement:
    """Validate a raw Detail frame (columns :data:`DETAIL_COLUMNS`, ``__file``, ``__line``).

    Vectorised: the per-row work (value pattern, cast, array length, timestamps) runs in
    polars; Python only decodes each distinct variable and scope once.

    Args:
        raw: All columns as strings (nulls allowed); ``Value`` is the array text.
        source: The file path.
        form: ``csv``, ``zip`` or ``json``.
        header: The run header when the caller already knows it (e.g. from an earlier
            member of the same ZIP); header findings are then judged against it.
        cast: Cast the values now (:data:`DETAIL_SCHEMA`); False keeps the validated text
            (:data:`DETAIL_TEXT_SCHEMA`) for :func:`with_values`.
        scopes: Scopes already found good in this artefact (not parsed again).

    Returns:
        The statement: rows that could be read, with exact Decimal(23,8) values (or their
        validated text).

    Raises:
        InputError: If there is no row or the run header cannot be read.
    """
    if raw.height == 0:
        raise InputError(source, "holds a header row but no Detail rows")
    out = FindingCollector(header)
    if header is None:
        header = header_of(raw, source, out)
    else:
        for col, want in zip(HEADER_COLUMNS, _header_strings(header), strict=True):
            other = raw.filter(pl.col(col).is_null() | (pl.col(col) != want))
            if other.height:
                first = other.row(0, named=True)
                out.add(
                    CheckId.DATA_HEADER,
                    f"{col} is {first[col]!r} on {other.height} row(s) but "
                    f"{want!r} elsewhere in the artefact; one artefact must hold one run.",
                    expected=want,
                    actual=first[col],
                    source=source_ref(first["__file"], first["__line"]),
                )
    period = period_days(header)

    df = raw.select(
        pl.col(aemo.C_SETTLEMENT_DAY).str.strip_chars().alias("std_text"),
        pl.col(aemo.C_VARIABLE).str.strip_chars().fill_null("").alias("variable"),
        pl.col(aemo.C_SCOPE).fill_null("").alias("scope"),
        pl.col(aemo.C_TIMESTAMP).str.strip_chars().alias("ts_text"),
        pl.col(aemo.C_VALUE).alias("value_text"),
        pl.col("__file").alias("source_file"),
        pl.col("__line").cast(pl.Int64).alias("source_line"),
        pl.int_range(pl.len(), dtype=pl.Int64).alias("__ord"),  # file / document order
    ).with_columns(
        _strict_date("std_text").alias("settlement_trading_day"),
        _strict_date("ts_text").alias("timestamp"),
    )

    # Variables: decode each distinct name once.
    vtable, bad_vars = _variable_table(df.get_column("variable").unique().to_list())
    df = df.join(vtable, on="variable", how="left")

    # Values: one pattern per row first (no silent rounding), the exact cast later.
    vt = pl.col("value_text")
    df = df.with_columns(
        vt.str.contains(_ROW_RE).fill_null(False).alias("values_ok"),
    ).with_columns(
        pl.when(pl.col("values_ok"))
        .then(vt.str.count_matches(",", literal=True).cast(pl.Int64) + 1)
        .alias("n_values"),
    )

    problems = df.filter(
        pl.col("settlement_trading_day").is_null()
        | pl.col("timestamp").is_null()
        | pl.col("granularity").is_null()
        | ~pl.col("values_ok")
        | (pl.col("n_values") != pl.col("expected_len"))
    )
    drop_lines: set[tuple[str, int]] = set()
    for rec in problems.iter_rows(named=True):
        where = source_ref(rec["source_file"], rec["source_line"])
        var = rec["variable"]
        common = {"variable": var, "scope": rec["scope"], "source": where}
        drop_lines.add((rec["source_file"], rec["source_line"]))
        if rec["settlement_trading_day"] is None:
            out.add(
                CheckId.DATA_TIMESTAMP,
                f"Settlement Trading Day {rec['std_text']!r} is not a "
                "date (yyyy-mm-dd); the row was not used.",
                **common,
            )
            continue
        if rec["timestamp"] is None:
            out.add(
                CheckId.DATA_TIMESTAMP,
                f"Timestamp {rec['ts_text']!r} is not a date (yyyy-mm-dd); the row was not used.",
                timestamp=rec["ts_text"],
                **common,
            )
            continue
        if rec["granularity"] is None:
            msg = bad_vars.get(var, f"variable {var!r} does not decode")
            out.add(
                CheckId.DATA_VARIABLE,
                f"{msg}; the row was not used.",
                timestamp=rec["timestamp"].isoformat(),
                **common,
            )
            continue
        if not rec["values_ok"]:
            why, k, found = _first_bad_value(rec["value_text"])
            out.add(
                CheckId.DATA_VALUE,
                f"{why}; the row was not used.",
                timestamp=rec["timestamp"].isoformat(),
                actual=found,
                **_position(rec["granularity"], rec["timestamp"], k),
                **common,
            )
            continue
        n, want = rec["n_values"], rec["expected_len"]
        out.add(
            CheckId.DATA_ARRAY_LENGTH,
            f"{var} has {n} values but granularity "
            f"{rec['granularity']} needs {want}; the row was not used.",
            timestamp=rec["timestamp"].isoformat(),
            expected=str(want),
            actual=str(n),
            **common,
        )

    if problems.height:
        bad = problems.select("source_file", "source_line")
        df = df.join(bad, on=["source_file", "source_line"], how="anti")

    _scope_findings(df, out, scopes)
    _timestamp_findings(df, header, period, out)
    df = dedupe(df, out)

    frame = df.select(list(DETAIL_TEXT_SCHEMA)).cast(DETAIL_TEXT_SCHEMA)  # type: ignore[arg-type]
    if cast:
        frame = with_values(frame)
    days = sorted(frame.get_column("settlement_trading_day").unique().to_list())
    files = sorted(
        {f.split("!")[0].split("#")[0] for f in raw.get_column("__file").unique().to_list()}
    )
    return DetailStatement(
        header=header,
        days=days,
        frame=frame,
        source=source,
        sources=files,
        form=form,
        findings=out.close(),
    )


def _strict_date(col: str) -> pl.Expr:
    """Parse ``yyyy-mm-dd`` text to a date; anything else (``2024-12-01junk``) is null."""
    c = pl.col(col)
    return pl.when(c.str.contains(DATE_RE)).then(c.str.strptime(pl.Date, _DATE_FMT, strict=False))


def _header_strings(h: RunHeader) -> tuple[str, ...]:
    return (
        str(h.run_id),
        h.published_at.isoformat(),
        h.market_service,
        h.designation.value,
        h.period,
        h.period_from.isoformat(),
        h.period_to.isoformat(),
        h.participant,
    )


class ScopeCache:
    """(scope code, scope) pairs already found good in one artefact: the same scopes repeat
    on every Trading Day, so each is parsed once. Bad ones are judged again in every member,
    so each member still reports them. Thread-safe."""

    def __init__(self) -> None:
        self.good = pl.DataFrame(schema={"scope_code": pl.String, "scope": pl.String})
        self._lock = threading.Lock()

    def new(self, pairs: pl.DataFrame) -> pl.DataFrame:
        """The rows of ``pairs`` whose (scope_code, scope) is not known to be good."""
        with self._lock:
            good = self.good
        return (
            pairs if good.height == 0 else pairs.join(good, on=["scope_code", "scope"], how="anti")
        )

    def add(self, pairs: pl.DataFrame) -> None:
        """Remember pairs found good."""
        with self._lock:
            self.good = pl.concat([self.good, pairs.select("scope_code", "scope")])


def _scope_findings(
    df: pl.DataFrame,
    out: FindingCollector,
    cache: ScopeCache | None = None,
) -> None:
    cache = cache or ScopeCache()
    pairs = cache.new(
        df.group_by("scope_code", "scope").agg(
            pl.col("variable").first(),
            pl.col("source_file").first(),
            pl.col("source_line").min(),
            pl.len().alias("n"),
        )
    )
    bad: list[tuple[str, str]] = []
    for code, scope, var, file, line, n in pairs.iter_rows():
        try:
            parse_scope(code, scope)
        except ScopeError as e:
            bad.append((code, scope))
            out.add(
                CheckId.DATA_SCOPE,
                f"{e} ({n} row(s)); the rows were kept with the raw scope.",
                variable=var,
                scope=scope,
                source=source_ref(file, line),
            )
    if bad:
        pairs = pairs.join(
            pl.DataFrame(bad, schema=["scope_code", "scope"], orient="row"),
            on=["scope_code", "scope"],
            how="anti",
        )
    cache.add(pairs)


def _timestamp_findings(
    df: pl.DataFrame, header: RunHeader, period: list[date], out: FindingCollector
) -> None:
    lo, hi = header.period_from, header.period_to
    std_out = df.filter(
        (pl.col("settlement_trading_day") < lo) | (pl.col("settlement_trading_day") > hi)
    )
    for rec in (
        std_out.group_by("settlement_trading_day")
        .agg(pl.col("source_file").first(), pl.col("source_line").min(), pl.len())
        .iter_rows()
    ):
        day, file, line, n = rec
        out.add(
            CheckId.DATA_TIMESTAMP,
            f"Settlement Trading Day {day} lies outside the Period {lo} to {hi} ({n} row(s)).",
            timestamp=day.isoformat(),
            source=source_ref(file, line),
        )
    g, ts = pl.col("granularity"), pl.col("timestamp")
    rule = df.filter(
        ((g == "M") & (ts.dt.day() != 1))
        | ((g == "CY") & ((ts.dt.month() != 10) | (ts.dt.day() != 1)))
        | ((g == "FY") & ((ts.dt.month() != 7) | (ts.dt.day() != 1)))
    )
    for rec in (
        rule.group_by("variable", "granularity", "timestamp")
        .agg(pl.col("source_file").first(), pl.col("source_line").min())
        .iter_rows()
    ):
        var, gran, day, file, line = rec
        msg = timestamp_problem(Granularity(gran), day) or "Timestamp does not fit"
        out.add(
            CheckId.DATA_TIMESTAMP,
            f"{var}: {msg}.",
            variable=var,
            timestamp=day.isoformat(),
            source=source_ref(file, line),
        )
    outside = df.filter(g.is_in(["D", "I", "DI"]) & ((ts < lo) | (ts > hi)))
    for rec in (
        outside.group_by("variable", "timestamp")
        .agg(pl.col("source_file").first(), pl.col("source_line").min(), pl.len())
        .iter_rows()
    ):
        var, day, file, line, n = rec
        out.add(
            CheckId.DATA_PERIOD,
            f"{var} has a Timestamp {day} outside the Period {lo} to {hi} ({n} row(s)).",
            variable=var,
            timestamp=day.isoformat(),
            source=source_ref(file, line),
        )
