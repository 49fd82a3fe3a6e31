"""Tie-outs between artefacts of one run (SPEC §5): Summary vs Detail, CSV vs JSON, PDF vs JSON.

Pure functions, vectorised where the data is large (Detail frames are compared with
polars joins, never row by row in Python).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import polars as pl

from recon.models.detail import DETAIL_KEY, period_days
from recon.models.findings import CheckId, Finding
from recon.models.invoices import Invoice
from recon.models.statements import (
    DetailStatement,
    RunHeader,
    SummaryStatement,
    with_values,
)
from recon.reconcile.invoice_terms import figure_label, figure_source, figures_of, gst_text, money
from recon.wem import calendar

MAX_MISMATCH_FINDINGS = 200
"""``source.mismatch`` findings listed per pair of artefacts; the rest are counted."""


def _fmt(value: Decimal | None) -> str | None:
    return (
        None
        if value is None
        else format(value.normalize() if value == value.to_integral() else value, "f")
    )


def summary_vs_detail(summary: SummaryStatement, detail: DetailStatement) -> list[Finding]:
    """Compare each Summary value with the same variable, scope P, Trading Day in the Detail.

    ``summary_detail.value`` (error) where the values differ; ``summary_detail.missing``
    (warning, once per variable) where a Summary variable is absent from the Detail's
    Trading Days. Only days the Detail holds are compared.
    """
    h = summary.header
    findings: list[Finding] = []
    days = set(detail.days)
    if not days:
        return findings
    p_rows = with_values(
        detail.frame.filter(  # cast only the rows compared
            pl.col("variable").str.ends_with("_P_D")
            & (pl.col("scope") == h.participant)
            & pl.col("settlement_trading_day").is_in(list(days))
        )
    ).select("variable", "scope", "timestamp", "values", "source_file", "source_line")
    index: dict[tuple[str, date], tuple[Decimal, str]] = {}
    for var, scope, ts, values, file, line in p_rows.iter_rows():
        if scope == h.participant and values:
            index[(var, ts)] = (values[0], f"{file}:{line}")
    detail_vars = {v for v, _ in index}
    missing: set[str] = set()
    for row in summary.rows:
        if row.timestamp not in days:
            continue
        if row.variable not in detail_vars:
            if row.variable not in missing:
                missing.add(row.variable)
                findings.append(
                    Finding.make(
                        CheckId.SUMMARY_DETAIL_MISSING,
                        f"Summary variable {row.variable} does not appear in the Detail of the "
                        "same run (scope P, granularity D), so its daily values cannot be tied "
                        "out.",
                        header=h,
                        variable=row.variable,
                        scope=h.participant,
                        source=row.source,
                    )
                )
            continue
        got = index.get((row.variable, row.timestamp))
        if got is None:
            findings.append(
                Finding.make(
                    CheckId.SUMMARY_DETAIL_VALUE,
                    f"{row.variable} on {row.timestamp} is in the Summary but the Detail has no "
                    "value for that Trading Day.",
                    header=h,
                    variable=row.variable,
                    scope=h.participant,
                    timestamp=row.timestamp.isoformat(),
                    expected=_fmt(row.value),
                    source=row.source,
                    **position_fields(row.variable, row.timestamp, 1),
                )
            )
            continue
        value, src = got
        if value != row.value:
            findings.append(
                Finding.make(
                    CheckId.SUMMARY_DETAIL_VALUE,
                    f"{row.variable} on {row.timestamp} is {_fmt(row.value)} in the Summary but "
                    f"{_fmt(value)} in the Detail.",
                    header=h,
                    variable=row.variable,
                    scope=h.participant,
                    timestamp=row.timestamp.isoformat(),
                    expected=_fmt(value),
                    actual=_fmt(row.value),
                    difference=_fmt(row.value - value),
                    source=f"{row.source} vs {src}",
                    **position_fields(row.variable, row.timestamp, 1),
                )
            )
    return findings


def summary_mismatch(a: SummaryStatement, b: SummaryStatement) -> list[Finding]:
    """Compare two forms (CSV and JSON) of one run's Summary, whole (``source.mismatch``)."""
    h = a.header
    findings: list[Finding] = []
    for field in (
        "run_id",
        "published_at",
        "designation",
        "period",
        "period_from",
        "period_to",
        "participant",
        "market_service",
    ):
        va, vb = getattr(a.header, field), getattr(b.header, field)
        if va != vb:
            findings.append(
                Finding.make(
                    CheckId.SOURCE_MISMATCH,
                    f"The run header's {field} is {va} in {a.form.upper()} but "
                    f"{vb} in {b.form.upper()}.",
                    header=h,
                    expected=str(va),
                    actual=str(vb),
                    source=f"{a.source} vs {b.source}",
                )
            )
    ra = {(r.variable, r.timestamp): r for r in a.rows}
    rb = {(r.variable, r.timestamp): r for r in b.rows}
    for key in sorted(ra.keys() | rb.keys()):
        x, y = ra.get(key), rb.get(key)
        var, day = key
        common: dict[str, Any] = {"header": h, "variable": var, "timestamp": day.isoformat()}
        if x is None or y is None:
            have, lack = (a, b) if y is None else (b, a)
            findings.append(
                Finding.make(
                    CheckId.SOURCE_MISMATCH,
                    f"{var} on {day} is in the {have.form.upper()} Summary but "
                    f"not in the {lack.form.upper()} one.",
                    source=present.source if (present := x or y) else None,
                    **common,
                )
            )
            continue
        if x.value != y.value:
            findings.append(
                Finding.make(
                    CheckId.SOURCE_MISMATCH,
                    f"{var} on {day} is {_fmt(x.value)} in the "
                    f"{a.form.upper()} Summary but {_fmt(y.value)} in the {b.form.upper()} one.",
                    expected=_fmt(x.value),
                    actual=_fmt(y.value),
                    difference=_fmt(y.value - x.value),
                    source=f"{x.source} vs {y.source}",
                    **common,
                )
            )
        if (x.payment_or_charge, x.gst_applicable) != (y.payment_or_charge, y.gst_applicable):
            findings.append(
                Finding.make(
                    CheckId.SOURCE_MISMATCH,
                    f"{var} on {day} is classed {x.payment_or_charge.value}/"
                    f"GST {'Y' if x.gst_applicable else 'N'} in {a.form.upper()} but "
                    f"{y.payment_or_charge.value}/GST {'Y' if y.gst_applicable else 'N'} in "
                    f"{b.form.upper()}.",
                    source=f"{x.source} vs {y.source}",
                    **common,
                )
            )
    return findings


def detail_mismatch(a: DetailStatement, b: DetailStatement) -> list[Finding]:
    """Compare two forms of one run's Detail on the Settlement Trading Days both hold.

    A day present in one form only is not a mismatch (SPEC §5). Rows are matched on
    (variable, scope, Timestamp, Settlement Trading Day) and compared whole (every value),
    one day at a time: memory holds a day of each form and the first differing rows.
    """
    h = a.header
    common_days = sorted(set(a.days) & set(b.days))
    if not common_days:
        return []
    cols = [*DETAIL_KEY, "values", "source_file", "source_line"]
    firsts: list[pl.DataFrame] = []  # each day's first differing rows, in key order
    differing = 0
    for (_, fa), (_, fb) in zip(a.day_frames(common_days), b.day_frames(common_days), strict=True):
        joined = fa.select(cols).join(
            fb.select(cols), on=DETAIL_KEY, how="full", coalesce=True, suffix="_b"
        )
        day_diff = joined.filter(
            pl.col("values").is_null()
            | pl.col("values_b").is_null()
            | (pl.col("values") != pl.col("values_b"))
        )
        differing += day_diff.height
        # Each row listed gives at least one finding: no more rows than findings are listed.
        firsts.append(day_diff.sort(DETAIL_KEY).head(MAX_MISMATCH_FINDINGS))
    diff = pl.concat(firsts, how="vertical").sort(DETAIL_KEY)
    findings: list[Finding] = []
    fa_name, fb_name = a.form.upper(), b.form.upper()
    for n, rec in enumerate(diff.iter_rows(named=True)):
        if len(findings) >= MAX_MISMATCH_FINDINGS:
            findings.append(
                Finding.make(
                    CheckId.SOURCE_MISMATCH,
                    f"{differing - n} more Detail rows differ between the "
                    f"{fa_name} and {fb_name} forms; only the first "
                    f"{len(findings)} differences are listed.",
                    header=h,
                    source=f"{a.source} vs {b.source}",
                )
            )
            break
        common = {
            "header": h,
            "variable": rec["variable"],
            "scope": rec["scope"],
            "timestamp": rec["timestamp"].isoformat(),
        }
        sa = f"{rec['source_file']}:{rec['source_line']}" if rec["source_file"] else None
        sb = f"{rec['source_file_b']}:{rec['source_line_b']}" if rec["source_file_b"] else None
        day = rec["settlement_trading_day"]
        if rec["values"] is None or rec["values_b"] is None:
            have, lack = (fb_name, fa_name) if rec["values"] is None else (fa_name, fb_name)
            findings.append(
                Finding.make(
                    CheckId.SOURCE_MISMATCH,
                    f"{rec['variable']} / {rec['scope']} on Settlement Trading "
                    f"Day {day} is in the {have} Detail but not in the {lack} one.",
                    source=sa or sb,
                    **common,
                )
            )
            continue
        va, vb = rec["values"], rec["values_b"]
        if len(va) != len(vb):
            findings.append(
                Finding.make(
                    CheckId.SOURCE_MISMATCH,
                    f"{rec['variable']} / {rec['scope']} on Settlement Trading Day {day} has "
                    f"{len(va)} values in {fa_name} but {len(vb)} in {fb_name}.",
                    source=f"{sa} vs {sb}",
                    **common,
                )
            )
            continue
        # One finding per position that differs, each naming its interval (SPEC §5).
        for k, (x, y) in enumerate(zip(va, vb, strict=True), start=1):
            if x == y:
                continue
            pos = position_fields(rec["variable"], rec["timestamp"], k)
            when = (
                f" ({pos['interval_start'][:16]} to {pos['interval_end'][11:16]})"
                if (pos.get("interval_start"))
                else ""
            )
            findings.append(
                Finding.make(
                    CheckId.SOURCE_MISMATCH,
                    f"{rec['variable']} / {rec['scope']} on Settlement Trading Day {day} "
                    f"differs at position {k}{when}: {_fmt(x)} in {fa_name}, {_fmt(y)} in "
                    f"{fb_name}.",
                    expected=_fmt(x),
                    actual=_fmt(y),
                    difference=_fmt(y - x),
                    source=f"{sa} vs {sb}",
                    **pos,
                    **common,
                )
            )
    return findings


def position_fields(variable: str, day: date | None, position: int) -> dict[str, Any]:
    """``position``, ``interval_start`` and ``interval_end`` of one position of a Value
    array (SPEC §5), the granularity read from the variable name's last token: only an I
    or DI variable's positions are intervals; other findings name their day by Timestamp."""
    granularity = variable.rsplit("_", 1)[-1] if "_" in variable else ""
    return calendar.position_fields(day, granularity, position)


def detail_coverage(header: RunHeader, detail: DetailStatement) -> list[Finding]:
    """``data.period`` warnings for Trading Days of the Period with no Detail file."""
    missing = [d for d in period_days(header) if d not in set(detail.days)]
    if not missing:
        return []
    return [
        Finding.make(
            CheckId.DATA_PERIOD,
            f"The Detail ({detail.form.upper()}) has no file for Trading Day(s) "
            + ", ".join(d.isoformat() for d in missing)
            + " of the Period.",
            header=header,
            timestamp=missing[0].isoformat(),
            source=detail.source,
        )
    ]


# --------------------------------------------------------------------------- PDF vs JSON


def _txt(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(getattr(value, "value", value))


def check_pdf_json(pdf: Invoice, json: Invoice) -> list[Finding]:
    """Compare the PDF and the JSON of one invoice (``invoice.pdf_json``).

    One finding per field that differs: header fields (invoice number, run, previous run,
    designation, period, participant, issue date, trade week), each line's amount, GST,
    Payment/Charge and GST flags, each section and Payment Summary figure, the Adjustment
    Information, and every line present on one side only. ``expected`` is the JSON's value,
    ``actual`` the PDF's and ``difference`` PDF - JSON. The issue time is compared by date
    (the PDF shows a date); a trade week or issue date missing from either side is not
    compared; line descriptions are not compared (the PDF wraps and truncates them).
    """
    findings: list[Finding] = []
    src = pdf.source or "invoice.pdf"

    def add(
        message: str,
        exp: object,
        act: object,
        *,
        variable: str | None = None,
        source: str | None = None,
        numeric: bool = False,
        figure: str | None = None,
    ) -> None:
        diff = None
        if numeric and isinstance(exp, Decimal) and isinstance(act, Decimal):
            diff = act - exp
        findings.append(
            Finding.make(
                CheckId.INVOICE_PDF_JSON,
                message,
                header=json,
                variable=variable,
                expected=_txt(exp),
                actual=_txt(act),
                difference=diff,
                source=source or src,
                figure=figure,
            )
        )

    header_fields: list[tuple[str, Callable[[Invoice], object]]] = [
        ("invoice number", lambda x: x.invoice_number),
        ("run", lambda x: x.run_id),
        ("previous run", lambda x: x.previous_run_id),
        ("designation", lambda x: x.designation.value),
        ("Trading Week", lambda x: x.period),
        ("participant", lambda x: x.participant),
    ]
    for label, get in header_fields:
        if get(pdf) != get(json):
            add(
                f"The PDF shows the {label} as {_txt(get(pdf))} but the JSON as {_txt(get(json))}.",
                get(json),
                get(pdf),
                figure=label,
            )
    if pdf.issued_at and json.issued_at and pdf.issued_at.date() != json.issued_at.date():
        add(
            f"The PDF shows the issue date as {pdf.issued_at.date()} but the JSON as "
            f"{json.issued_at.date()}.",
            json.issued_at.date(),
            pdf.issued_at.date(),
            figure="issue date",
        )
    if pdf.trade_week and json.trade_week and pdf.trade_week != json.trade_week:
        add(
            f"The PDF shows the trade week as {pdf.trade_week} but the JSON as {json.trade_week}.",
            json.trade_week,
            pdf.trade_week,
            figure="trade week",
        )

    pdf_lines = {li.variable: li for li in pdf.line_items}
    json_lines = {li.variable: li for li in json.line_items}
    for v in dict.fromkeys([*json_lines, *pdf_lines]):
        p, j = pdf_lines.get(v), json_lines.get(v)
        if p is None or j is None:
            side, other = ("JSON", "PDF") if p is None else ("PDF", "JSON")
            present = j if p is None else p
            assert present is not None
            add(
                f"Line {v} ({money(present.amount)}) is in the {side} but not in the {other}.",
                j.amount if j else None,
                p.amount if p else None,
                variable=v,
                source=p.source if p else src,
            )
            continue
        psrc = p.source or src
        for label, exp, act, numeric in (
            ("amount", j.amount, p.amount, True),
            ("GST", j.gst, p.gst, True),
        ):
            if exp != act:
                add(
                    f"The PDF shows line {v}'s {label} as {money(act)} but the JSON as "
                    f"{money(exp)}.",
                    exp,
                    act,
                    variable=v,
                    source=psrc,
                    numeric=numeric,
                )
        if p.payment_or_charge is not j.payment_or_charge:
            add(
                f"The PDF shows line {v} as a {p.payment_or_charge.value} but the JSON as a "
                f"{j.payment_or_charge.value}.",
                j.payment_or_charge,
                p.payment_or_charge,
                variable=v,
                source=psrc,
            )
        if p.gst_applicable != j.gst_applicable:
            add(
                f"The PDF shows line {v} as {gst_text(p.gst_applicable)} but the JSON as "
                f"{gst_text(j.gst_applicable)}.",
                "Y" if j.gst_applicable else "N",
                "Y" if p.gst_applicable else "N",
                variable=v,
                source=psrc,
            )

    pf = figures_of(pdf.rcti, pdf.tax_invoice, pdf.payment_summary)
    jf = figures_of(json.rcti, json.tax_invoice, json.payment_summary)
    for key, exp in jf.items():
        act = pf[key]
        if exp != act:
            add(
                f"The PDF shows {figure_label(*key)} as {money(act)} but the JSON as {money(exp)}.",
                exp,
                act,
                source=figure_source(pdf, *key),
                numeric=True,
                figure=figure_label(*key),
            )

    pa, ja = pdf.adjustment_information, json.adjustment_information
    if (pa is None) != (ja is None):
        side = "PDF" if pa is not None else "JSON"
        other = "JSON" if pa is not None else "PDF"
        add(
            f"The {side} has an Adjustment Information section but the {other} has none.",
            "present" if ja is not None else None,
            "present" if pa is not None else None,
            figure="Adjustment Information",
        )
    elif pa is not None and ja is not None:
        if pa.previous_run_id != ja.previous_run_id:
            add(
                f"The PDF's Adjustment Information names previous run {pa.previous_run_id} but "
                f"the JSON's run {ja.previous_run_id}.",
                ja.previous_run_id,
                pa.previous_run_id,
                source=figure_source(pdf, "adjustment_information", "previous_run_id"),
                figure="Adjustment Information previous run",
            )
        for name in ("rcti_difference", "tax_invoice_difference"):
            exp, act = getattr(ja, name), getattr(pa, name)
            if exp != act:
                add(
                    f"The PDF shows {figure_label('adjustment_information', name)} as "
                    f"{money(act)} but the JSON as {money(exp)}.",
                    exp,
                    act,
                    source=figure_source(pdf, "adjustment_information", name),
                    numeric=True,
                    figure=figure_label("adjustment_information", name),
                )
    return findings
