"""Row validation shared by every reader (CSV, ZIP and JSON): raw strings in, models out.

Readers turn their bytes into a polars frame of *raw string* columns named as in the
Guide's Tables 4 and 5, plus ``__file`` (file, or ``zip!member``, or ``file#/json/path``)
and ``__line`` (CSV line, or JSON index). The functions here validate those strings by
one code path, so CSV and JSON are judged alike: every problem a row has becomes a
``data.*`` finding naming file and line, and the rest of the file is still read.

Values are checked against the plain Decimal(23,8) pattern *before* any cast, because
fast casts are lenient (polars rounds a 9th decimal and accepts ``1e-05``): one anchored
pattern per row over the whole ``[v1,...,vn]`` text, the array length being the comma
count plus one. A Detail frame may keep the validated text (``value_text``, ``n_values``)
and be cast later (:func:`recon.models.statements.with_values`), so a check that needs few
values casts few.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

import polars as pl

from recon.errors import InputError
from recon.models.decimals import DECIMAL_PATTERN, DecimalFormatError, parse_decimal
from recon.models.detail import FindingCollector as _Collector
from recon.models.detail import dedupe as _dedupe
from recon.models.detail import period_days
from recon.models.detail import source_ref as _src
from recon.models.findings import Finding
from recon.models.statements import (
    DETAIL_TEXT_SCHEMA,
    ArtefactForm,
    DetailStatement,
    PaymentOrCharge,
    RunHeader,
    SummaryRow,
    SummaryStatement,
    with_values,
)
from recon.wem import calendar
from recon.wem.granularity import Granularity, timestamp_problem, values_per_row
from recon.wem.scopes import ScopeError, parse_scope
from recon.wem.variables import VariableNameError, parse_variable

log = logging.getLogger(__name__)

HEADER_COLUMNS = (
    "RunId",
    "PublishedAt",
    "MarketService",
    "Designation",
    "Period",
    "PeriodFrom",
    "PeriodTo",
    "ParticipantCode",
)
SUMMARY_COLUMNS = (*HEADER_COLUMNS, "Variable", "Timestamp", "P Or C", "GST Applicable", "Value")
DETAIL_COLUMNS = (
    *HEADER_COLUMNS,
    "Settlement Trading Day",
    "Variable",
    "Scope",
    "Timestamp",
    "Value",
)

_WS = r"[ \t\r\n\f\v]"
_ROW_RE = rf"^{_WS}*\[{_WS}*{DECIMAL_PATTERN}{_WS}*(?:,{_WS}*{DECIMAL_PATTERN}{_WS}*)*\]{_WS}*$"
"""A whole Value array of plain Decimal(23,8) literals, ASCII white space allowed around
each (the characters :func:`recon.models.statements.value_parts` removes)."""
_DATE_FMT = "%Y-%m-%d"
_DATE_RE = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
"""A Trading Day as the Guide writes it, ``yyyy-mm-dd``: no time, week or basic form."""


class ColumnsError(InputError):
    """A CSV whose columns are not the Guide's: the file is not used (``data.columns``).

    Attributes:
        finding: The ``data.columns`` finding to report.
    """

    def __init__(self, path: object, problem: str) -> None:
        super().__init__(path, problem, line=1)
        self.finding = Finding.make(
            "data.columns", f"{problem}; the file was not used.", source=f"{path}:1"
        )


def check_columns(found: Iterable[str], required: tuple[str, ...], source: str) -> None:
    """Raise :class:`ColumnsError` unless the header row holds exactly ``required``.

    Args:
        found: Column names as read (BOM and surrounding spaces already stripped).
        required: The Guide's columns.
        source: The file, for the message.
    """
    names = list(found)
    missing = [c for c in required if c not in names]
    unknown = [c for c in names if c not in required]
    dupes = sorted({c for c in names if names.count(c) > 1})
    parts = []
    if missing:
        parts.append("lacks column(s) " + ", ".join(repr(c) for c in missing))
    if unknown:
        parts.append("has unknown column(s) " + ", ".join(repr(c) for c in unknown))
    if dupes:
        parts.append("repeats column(s) " + ", ".join(repr(c) for c in dupes))
    if parts:
        raise ColumnsError(source, "the header row " + " and ".join(parts))


def _most_common(raw: pl.DataFrame, col: str) -> str | None:
    vc = raw.get_column(col).drop_nulls().value_counts(sort=True)
    return None if vc.height == 0 else vc.row(0)[0]


def parse_header(values: dict[str, str | None], source: str) -> RunHeader:
    """Build a :class:`RunHeader` from the header columns of one row.

    Raises:
        InputError: If a header field is absent or malformed (the file cannot be used).
    """

    def need(col: str) -> str:
        v = values.get(col)
        if v is None or not str(v).strip():
            raise InputError(source, f"the {col} field is empty, so the run cannot be named")
        return str(v).strip()

    try:
        run_id = int(need("RunId"))
    except ValueError:
        raise InputError(source, f"RunId {values.get('RunId')!r} is not an integer") from None
    try:
        published = datetime.fromisoformat(need("PublishedAt"))
    except ValueError:
        raise InputError(
            source,
            f"PublishedAt {values.get('PublishedAt')!r} is not of the form yyyy-MM-ddTHH:mm:ss",
        ) from None
    try:
        return RunHeader(
            run_id=run_id,
            published_at=published.replace(tzinfo=None),
            market_service=need("MarketService"),
            designation=need("Designation"),
            period=need("Period"),
            period_from=date.fromisoformat(need("PeriodFrom")),
            period_to=date.fromisoformat(need("PeriodTo")),
            participant=need("ParticipantCode"),
        )
    except ValueError as e:
        first = str(e).splitlines()
        raise InputError(
            source,
            "the run header is malformed: " + (first[2].strip() if len(first) > 2 else first[0]),
        ) from None


def _header(raw: pl.DataFrame, source: str, out: _Collector) -> RunHeader:
    """Header from the most common value of each column; differing rows are findings."""
    values = {c: _most_common(raw, c) for c in HEADER_COLUMNS}
    header = parse_header(values, source)
    out.header = header
    for col in HEADER_COLUMNS:
        other = raw.filter(pl.col(col).is_null() | (pl.col(col) != values[col]))
        if other.height:
            first = other.row(0, named=True)
            out.add(
                "data.header",
                f"{col} is {first[col]!r} on {other.height} row(s) but {values[col]!r} "
                "on the rest of the file; one artefact must hold one run.",
                expected=values[col],
                actual=first[col],
                source=_src(first["__file"], first["__line"]),
            )
    _period_findings(header, out, source)
    return header


def _period_findings(header: RunHeader, out: _Collector, source: str) -> None:
    try:
        label_day = calendar.parse_week_label(header.period)
    except ValueError as e:
        out.add(
            "data.period",
            f"Period {header.period!r} is not a Trading Week label: {e}.",
            source=source,
        )
        return
    if label_day != header.period_from:
        out.add(
            "data.period",
            f"Period {header.period!r} names {label_day} but PeriodFrom is {header.period_from}.",
            expected=str(label_day),
            actual=str(header.period_from),
            source=source,
        )
    if header.period_from.weekday() != SUNDAY:  # not via trading_week_start: 0001-01-01
        out.add(
            "data.period",
            f"PeriodFrom {header.period_from} is not a Sunday, so it does "
            "not start a Trading Week.",
            source=source,
        )
    span = (header.period_to - header.period_from).days + 1
    if span != calendar.DAYS_PER_TRADING_WEEK:
        out.add(
            "data.period",
            f"Period {header.period_from} to {header.period_to} spans "
            f"{span} days, not 7; recon reads the file as it is.",
            expected="7",
            actual=str(span),
            source=source,
        )


SUNDAY = 6
"""``date.weekday()`` of a Sunday, the first day of a Trading Week."""


# --------------------------------------------------------------------------- Summary


def validate_summary(raw: pl.DataFrame, source: str, form: ArtefactForm) -> SummaryStatement:
    """Validate a raw Summary frame (columns :data:`SUMMARY_COLUMNS`, ``__file``, ``__line``).

    Args:
        raw: All columns as strings (nulls allowed).
        source: The file path.
        form: ``csv`` or ``json``.

    Returns:
        The statement with every readable row and the findings.

    Raises:
        InputError: If there is no row or the run header cannot be read.
    """
    if raw.height == 0:
        raise InputError(source, "holds a header row but no Summary rows")
    out = _Collector(None)
    header = _header(raw, source, out)
    rows: list[SummaryRow] = []
    seen: dict[tuple[str, date], str] = {}
    for rec in raw.select(
        "Variable", "Timestamp", "P Or C", "GST Applicable", "Value", "__file", "__line"
    ).iter_rows():
        var, ts, poc, gst, val, file, line = rec
        where = _src(file, line)
        var = (var or "").strip()
        try:
            vn = parse_variable(var)
        except VariableNameError as e:
            out.add("data.variable", f"{e}; the row was not used.", variable=var, source=where)
            continue
        if (vn.scope, vn.granularity) != ("P", Granularity.D):
            out.add(
                "data.variable",
                f"Summary variable {var!r} is not of scope P and "
                "granularity D as the Guide says; the row was not used.",
                variable=var,
                source=where,
            )
            continue
        try:
            ts_s = (ts or "").strip()
            if not re.match(_DATE_RE, ts_s):
                raise ValueError(ts_s)
            day = date.fromisoformat(ts_s)
        except ValueError:
            out.add(
                "data.timestamp",
                f"Timestamp {ts!r} is not a date (yyyy-mm-dd); the row was not used.",
                variable=var,
                timestamp=ts,
                source=where,
            )
            continue
        try:
            value = parse_decimal(val or "")
        except DecimalFormatError as e:
            out.add(
                "data.value",
                f"Value {e}; the row was not used.",
                variable=var,
                timestamp=day.isoformat(),
                actual=val,
                source=where,
            )
            continue
        poc_s = (poc or "").strip()
        gst_s = (gst or "").strip().upper()
        if poc_s not in ("Payment", "Charge") or gst_s not in ("Y", "N"):
            out.add(
                "data.classification",
                f"P Or C {poc!r} / GST Applicable {gst!r} must be "
                "Payment or Charge / Y or N; the row was not used.",
                variable=var,
                timestamp=day.isoformat(),
                source=where,
            )
            continue
        if not header.period_from <= day <= header.period_to:
            out.add(
                "data.period",
                f"{var} has a Timestamp {day} outside the Period "
                f"{header.period_from} to {header.period_to}.",
                variable=var,
                timestamp=day.isoformat(),
                source=where,
            )
        key = (var, day)
        if key in seen:
            out.add(
                "data.duplicate",
                f"{var} on {day} appears twice in one Summary (first at "
                f"{seen[key]}); the second row was not used.",
                variable=var,
                timestamp=day.isoformat(),
                source=where,
            )
            continue
        seen[key] = where
        rows.append(
            SummaryRow(
                variable=var,
                timestamp=day,
                payment_or_charge=PaymentOrCharge(poc_s),
                gst_applicable=gst_s == "Y",
                value=value,
                source=where,
            )
        )
    return SummaryStatement(
        header=header, rows=rows, source=source, form=form, findings=out.close()
    )


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


def _first_bad_value(text: str | None) -> tuple[str, int | None]:
    """Why a Value array does not read, and the 1-based position of the bad element."""
    if text is None:
        return "the Value is empty", None
    s = text.strip()
    if not (s.startswith("[") and s.endswith("]")):
        return f"the Value {s[:40]!r} is not an array like [v1,v2,...]", None
    inner = s[1:-1]
    if not inner.strip():
        return "the Value array is empty", None
    for i, part in enumerate(inner.split(","), start=1):
        try:
            parse_decimal(part)
        except DecimalFormatError as e:
            return f"element {i} of the Value array: {e}", i
    return "the Value array does not read as Decimal(23,8) numbers", None


def _position(granularity: str | None, day: date | None, position: int | None) -> dict[str, Any]:
    """``position``, ``interval_start``, ``interval_end`` of a Value element (SPEC §5)."""
    if position is None:
        return {}
    out: dict[str, Any] = {"position": position}
    span = calendar.value_interval(day, granularity or "", position) if day else None
    if span is not None:
        out["interval_start"], out["interval_end"] = span[0].isoformat(), span[1].isoformat()
    return out


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
    out = _Collector(header)
    if header is None:
        header = _header(raw, source, out)
    else:
        for col, want in zip(HEADER_COLUMNS, _header_strings(header), strict=True):
            other = raw.filter(pl.col(col).is_null() | (pl.col(col) != want))
            if other.height:
                first = other.row(0, named=True)
                out.add(
                    "data.header",
                    f"{col} is {first[col]!r} on {other.height} row(s) but "
                    f"{want!r} elsewhere in the artefact; one artefact must hold one run.",
                    expected=want,
                    actual=first[col],
                    source=_src(first["__file"], first["__line"]),
                )
    period = period_days(header)

    df = raw.select(
        pl.col("Settlement Trading Day").str.strip_chars().alias("std_text"),
        pl.col("Variable").str.strip_chars().fill_null("").alias("variable"),
        pl.col("Scope").fill_null("").alias("scope"),
        pl.col("Timestamp").str.strip_chars().alias("ts_text"),
        pl.col("Value").alias("value_text"),
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
        where = _src(rec["source_file"], rec["source_line"])
        var = rec["variable"]
        common = {"variable": var, "scope": rec["scope"], "source": where}
        drop_lines.add((rec["source_file"], rec["source_line"]))
        if rec["settlement_trading_day"] is None:
            out.add(
                "data.timestamp",
                f"Settlement Trading Day {rec['std_text']!r} is not a "
                "date (yyyy-mm-dd); the row was not used.",
                **common,
            )
            continue
        if rec["timestamp"] is None:
            out.add(
                "data.timestamp",
                f"Timestamp {rec['ts_text']!r} is not a date (yyyy-mm-dd); the row was not used.",
                timestamp=rec["ts_text"],
                **common,
            )
            continue
        if rec["granularity"] is None:
            msg = bad_vars.get(var, f"variable {var!r} does not decode")
            out.add(
                "data.variable",
                f"{msg}; the row was not used.",
                timestamp=rec["timestamp"].isoformat(),
                **common,
            )
            continue
        if not rec["values_ok"]:
            why, k = _first_bad_value(rec["value_text"])
            out.add(
                "data.value",
                f"{why}; the row was not used.",
                timestamp=rec["timestamp"].isoformat(),
                actual=(rec["value_text"] or "")[:60],
                **_position(rec["granularity"], rec["timestamp"], k),
                **common,
            )
            continue
        n, want = rec["n_values"], rec["expected_len"]
        out.add(
            "data.array_length",
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
    df = _dedupe(df, out)

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
    return pl.when(c.str.contains(_DATE_RE)).then(c.str.strptime(pl.Date, _DATE_FMT, strict=False))


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
    out: _Collector,
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
                "data.scope",
                f"{e} ({n} row(s)); the rows were kept with the raw scope.",
                variable=var,
                scope=scope,
                source=_src(file, line),
            )
    if bad:
        pairs = pairs.join(
            pl.DataFrame(bad, schema=["scope_code", "scope"], orient="row"),
            on=["scope_code", "scope"],
            how="anti",
        )
    cache.add(pairs)


def _timestamp_findings(
    df: pl.DataFrame, header: RunHeader, period: list[date], out: _Collector
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
            "data.timestamp",
            f"Settlement Trading Day {day} lies outside the Period {lo} to {hi} ({n} row(s)).",
            timestamp=day.isoformat(),
            source=_src(file, line),
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
            "data.timestamp",
            f"{var}: {msg}.",
            variable=var,
            timestamp=day.isoformat(),
            source=_src(file, line),
        )
    outside = df.filter(g.is_in(["D", "I", "DI"]) & ((ts < lo) | (ts > hi)))
    for rec in (
        outside.group_by("variable", "timestamp")
        .agg(pl.col("source_file").first(), pl.col("source_line").min(), pl.len())
        .iter_rows()
    ):
        var, day, file, line, n = rec
        out.add(
            "data.period",
            f"{var} has a Timestamp {day} outside the Period {lo} to {hi} ({n} row(s)).",
            variable=var,
            timestamp=day.isoformat(),
            source=_src(file, line),
        )
