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
values casts few. This module holds the columns, the run header and the Summary;
:mod:`recon.sources.validate_detail` the Detail.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Mapping
from datetime import date, datetime

import polars as pl

from recon.errors import InputError
from recon.models import aemo_names as aemo
from recon.models.decimals import DecimalFormatError, parse_decimal
from recon.models.detail import FindingCollector, source_ref
from recon.models.findings import CheckId, Finding
from recon.models.statements import (
    ArtefactForm,
    PaymentOrCharge,
    RunHeader,
    SummaryRow,
    SummaryStatement,
)
from recon.wem import calendar
from recon.wem.granularity import Granularity
from recon.wem.variables import VariableNameError, parse_variable

log = logging.getLogger(__name__)
HEADER_COLUMNS = aemo.CSV_HEADER_COLUMNS
SUMMARY_COLUMNS = aemo.SUMMARY_CSV_COLUMNS
DETAIL_COLUMNS = aemo.DETAIL_CSV_COLUMNS

DATE_RE = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
"""A Trading Day as the Guide writes it, ``yyyy-mm-dd``: no time, week or basic form."""


class ColumnsError(InputError):
    """A CSV whose columns are not the Guide's: the file is not used (``data.columns``).

    Attributes:
        finding: The ``data.columns`` finding to report.
    """

    def __init__(self, path: object, problem: str) -> None:
        super().__init__(path, problem, line=1)
        self.finding = Finding.make(
            CheckId.DATA_COLUMNS, f"{problem}; the file was not used.", source=f"{path}:1"
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


def parse_header(values: Mapping[str, str | None], source: str) -> RunHeader:
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
        run_id = int(need(aemo.C_RUN_ID))
    except ValueError:
        raise InputError(source, f"RunId {values.get(aemo.C_RUN_ID)!r} is not an integer") from None
    try:
        published = datetime.fromisoformat(need(aemo.C_PUBLISHED_AT))
    except ValueError:
        raise InputError(
            source,
            f"PublishedAt {values.get(aemo.C_PUBLISHED_AT)!r} is not of the form "
            "yyyy-MM-ddTHH:mm:ss",
        ) from None
    try:
        return RunHeader(
            run_id=run_id,
            published_at=published.replace(tzinfo=None),
            market_service=need(aemo.C_MARKET_SERVICE),
            designation=need(aemo.C_DESIGNATION),
            period=need(aemo.C_PERIOD),
            period_from=date.fromisoformat(need(aemo.C_PERIOD_FROM)),
            period_to=date.fromisoformat(need(aemo.C_PERIOD_TO)),
            participant=need(aemo.C_PARTICIPANT),
        )
    except ValueError as e:
        first = str(e).splitlines()
        raise InputError(
            source,
            "the run header is malformed: " + (first[2].strip() if len(first) > 2 else first[0]),
        ) from None


def header_of(raw: pl.DataFrame, source: str, out: FindingCollector) -> RunHeader:
    """Header from the most common value of each column; differing rows are findings."""
    values = {c: _most_common(raw, c) for c in HEADER_COLUMNS}
    header = parse_header(values, source)
    out.header = header
    for col in HEADER_COLUMNS:
        other = raw.filter(pl.col(col).is_null() | (pl.col(col) != values[col]))
        if other.height:
            first = other.row(0, named=True)
            out.add(
                CheckId.DATA_HEADER,
                f"{col} is {first[col]!r} on {other.height} row(s) but {values[col]!r} "
                "on the rest of the file; one artefact must hold one run.",
                expected=values[col],
                actual=first[col],
                source=source_ref(first["__file"], first["__line"]),
            )
    period_findings(header, out, source)
    return header


def period_findings(header: RunHeader, out: FindingCollector, source: str) -> None:
    """The ``data.period`` findings of a run header (its Period label, start and span)."""
    try:
        label_day = calendar.parse_week_label(header.period)
    except ValueError as e:
        out.add(
            CheckId.DATA_PERIOD,
            f"Period {header.period!r} is not a Trading Week label: {e}.",
            source=source,
        )
        return
    if label_day != header.period_from:
        out.add(
            CheckId.DATA_PERIOD,
            f"Period {header.period!r} names {label_day} but PeriodFrom is {header.period_from}.",
            expected=str(label_day),
            actual=str(header.period_from),
            source=source,
        )
    if header.period_from.weekday() != SUNDAY:  # not via trading_week_start: 0001-01-01
        out.add(
            CheckId.DATA_PERIOD,
            f"PeriodFrom {header.period_from} is not a Sunday, so it does "
            "not start a Trading Week.",
            source=source,
        )
    span = (header.period_to - header.period_from).days + 1
    if span != calendar.DAYS_PER_TRADING_WEEK:
        out.add(
            CheckId.DATA_PERIOD,
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
    out = FindingCollector(None)
    header = header_of(raw, source, out)
    rows: list[SummaryRow] = []
    seen: dict[tuple[str, date], str] = {}
    for rec in raw.select(
        aemo.C_VARIABLE,
        aemo.C_TIMESTAMP,
        aemo.C_P_OR_C,
        aemo.C_GST_APPLICABLE,
        aemo.C_VALUE,
        "__file",
        "__line",
    ).iter_rows():
        var, ts, poc, gst, val, file, line = rec
        where = source_ref(file, line)
        var = (var or "").strip()
        try:
            vn = parse_variable(var)
        except VariableNameError as e:
            out.add(
                CheckId.DATA_VARIABLE, f"{e}; the row was not used.", variable=var, source=where
            )
            continue
        if (vn.scope, vn.granularity) != ("P", Granularity.D):
            out.add(
                CheckId.DATA_VARIABLE,
                f"Summary variable {var!r} is not of scope P and "
                "granularity D as the Guide says; the row was not used.",
                variable=var,
                source=where,
            )
            continue
        try:
            ts_s = (ts or "").strip()
            if not re.match(DATE_RE, ts_s):
                raise ValueError(ts_s)
            day = date.fromisoformat(ts_s)
        except ValueError:
            out.add(
                CheckId.DATA_TIMESTAMP,
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
                CheckId.DATA_VALUE,
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
                CheckId.DATA_CLASSIFICATION,
                f"P Or C {poc!r} / GST Applicable {gst!r} must be "
                "Payment or Charge / Y or N; the row was not used.",
                variable=var,
                timestamp=day.isoformat(),
                source=where,
            )
            continue
        if not header.period_from <= day <= header.period_to:
            out.add(
                CheckId.DATA_PERIOD,
                f"{var} has a Timestamp {day} outside the Period "
                f"{header.period_from} to {header.period_to}.",
                variable=var,
                timestamp=day.isoformat(),
                source=where,
            )
        key = (var, day)
        if key in seen:
            out.add(
                CheckId.DATA_DUPLICATE,
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
