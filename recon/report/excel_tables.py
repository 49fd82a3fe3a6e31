"""report.xlsx's sheets of one row per item: Invoice (each line recomputed against the
invoice), Adjustments (each ADJ line against its previous run), Attribution (what moved an
ADJ line), Disagreement (a draft of every error to raise with AEMO), Findings (every
finding) and Inputs (every file read or skipped).
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from recon.models.advice import advice_for
from recon.models.findings import Finding, Severity
from recon.models.labels import artefact_name
from recon.models.results import CheckResult
from recon.report.disagreement import DisagreementRow, disagreement_rows, sides, when_text
from recon.report.formatting import as_figure
from recon.report.sheet import (
    DISCREPANCY_FILL,
    WARNING_FILL,
    Col,
    Sheet,
)
from recon.report.view import (
    difference,
    in_run_order,
    line_discrepant,
    status_text,
)


def invoice_sheet(sheet: Sheet, result: CheckResult) -> None:
    """Write the Invoice sheet: every line recomputed from the statement against the
    invoice."""
    cols = [
        Col("Participant"),
        Col("Trading Week"),
        Col("RunId", "int"),
        Col("Designation"),
        Col("Variable"),
        Col("Description"),
        Col("P or C"),
        Col("GST applicable", "bool"),
        Col("Statement amount", "money"),
        Col("Invoiced amount", "money"),
        Col("Difference", "money"),
        Col("Statement GST", "money"),
        Col("Invoiced GST", "money"),
        Col("GST difference", "money"),
        Col("Status"),
        Col("Why"),
    ]
    lines = in_run_order(result.lines, result)
    sheet.table(
        1,
        cols,
        (
            [
                lc.participant,
                lc.period,
                lc.run_id,
                lc.designation,
                lc.variable,
                lc.description,
                lc.payment_or_charge,
                lc.gst_applicable,
                lc.computed_amount,
                lc.invoiced_amount,
                difference(lc.invoiced_amount, lc.computed_amount),
                lc.computed_gst,
                lc.invoiced_gst,
                difference(lc.invoiced_gst, lc.computed_gst),
                status_text(lc.status),
                lc.note,
            ]
            for lc in lines
        ),
        fills=[DISCREPANCY_FILL if line_discrepant(lc.status) else None for lc in lines],
    )


def adjustments_sheet(sheet: Sheet, result: CheckResult) -> None:
    """Write the Adjustments sheet: every ADJ line, its delta and the invoiced delta."""
    cols = [
        Col("Participant"),
        Col("Trading Week"),
        Col("RunId", "int"),
        Col("Designation"),
        Col("Previous RunId", "int"),
        Col("Variable"),
        Col("P or C"),
        Col("Previous run", "money"),
        Col("This run", "money"),
        Col("Delta", "money"),
        Col("Invoiced delta", "money"),
        Col("Difference", "money"),
        Col("Material", "bool"),
    ]
    adj = in_run_order(result.adjustments, result)
    sheet.table(
        1,
        cols,
        (
            [
                a.participant,
                a.period,
                a.run_id,
                a.designation,
                a.previous_run_id,
                a.variable,
                a.payment_or_charge,
                a.previous,
                a.current,
                a.delta,
                a.invoiced_delta,
                a.difference,
                a.material,
            ]
            for a in adj
        ),
        fills=[
            DISCREPANCY_FILL if a.difference else WARNING_FILL if a.material else None for a in adj
        ],
    )


def attribution_sheet(sheet: Sheet, result: CheckResult) -> None:
    """Write the Attribution sheet: the intervals and variables that moved each ADJ line."""
    cols = [
        Col("Participant"),
        Col("Trading Week"),
        Col("RunId", "int"),
        Col("Previous RunId", "int"),
        Col("Line variable"),
        Col("Kind"),
        Col("Rank", "int"),
        Col("Trading Day", "date"),
        Col("Variable"),
        Col("Scope"),
        Col("Interval start (AWST)", "datetime"),
        Col("Interval end (AWST)", "datetime"),
        Col("Previous run", "exact"),
        Col("This run", "exact"),
        Col("Change", "exact"),
    ]
    sheet.table(
        1,
        cols,
        (
            [
                a.participant,
                a.period,
                a.run_id,
                a.previous_run_id,
                a.line_variable,
                a.kind,
                a.rank,
                a.trading_day,
                a.variable,
                a.scope,
                a.interval_start,
                a.interval_end,
                a.previous,
                a.current,
                a.change,
            ]
            for a in in_run_order(result.attribution, result)
        ),
    )


DISAGREEMENT_COLUMNS = (
    Col("Draft item"),
    Col("Root cause or consequence"),
    Col("Participant"),
    Col("Trading Week"),
    Col("Week (dates)"),
    Col("RunId", "int"),
    Col("Designation"),
    Col("Variable or figure"),
    Col("Description"),
    Col("Scope"),
    Col("Trading Interval or Day (AWST)"),
    Col("Interval start (AWST)", "datetime"),
    Col("Interval end (AWST)", "datetime"),
    Col("Disputed figure", "exact"),
    Col("Disputed figure is from"),
    Col("Should match", "exact"),
    Col("Which is from"),
    Col("Difference", "exact"),
    Col("At stake", "money"),
    Col("At stake means"),
    Col("No amount because"),
    Col("Reason"),
    Col("Check"),
    Col("Source"),
    Col("Finding id"),
)
"""The Disagreement sheet: one item per root cause, its consequences beneath it. Money
columns hold numbers only; who says what is in words. At stake is the cash the item puts
at stake, from the participant's side (positive: AEMO owes you)."""


def _draft_cells(d: DisagreementRow, item: str, role: str, root: bool) -> list[Any]:
    return [
        item,
        role,
        d.participant,
        d.period,
        d.week,
        d.run_id,
        d.designation,
        d.variable,
        d.description,
        d.scope,
        d.when,
        d.interval_start,
        d.interval_end,
        d.disputed,
        d.disputed_by,
        d.against,
        d.against_by,
        d.difference,
        d.at_stake if root else None,
        (d.stake_words or "not stated: recon cannot say") if root else "",
        d.no_amount,
        d.reason,
        d.check,
        d.source,
        d.id,
    ]


def disagreement_cells(result: CheckResult) -> list[list[Any]]:
    """The Disagreement sheet's rows as values (what :func:`disagreement_sheet` writes):
    each root cause, numbered, then its consequences (``3.1``, ``3.2`` ...)."""
    rows: list[list[Any]] = []
    for n, d in enumerate(disagreement_rows(result), start=1):
        count = len(d.consequences)
        role = "root cause" + (f", {count} consequence{'s' if count != 1 else ''}" if count else "")
        rows.append(_draft_cells(d, str(n), role, True))
        for m, c in enumerate(d.consequences, start=1):
            rows.append(_draft_cells(c, f"{n}.{m}", f"consequence of item {n}", False))
    return rows


def disagreement_sheet(sheet: Sheet, result: CheckResult) -> None:
    """Write the Disagreement sheet (:data:`DISAGREEMENT_COLUMNS`)."""
    sheet.table(1, DISAGREEMENT_COLUMNS, disagreement_cells(result))


def _number(text: str | None) -> Decimal | None:
    value = as_figure(text)
    return value if isinstance(value, Decimal) else None


def _words(f: Finding) -> str:
    """A finding's figures that are not numbers (run ids, flags, arrays), in words."""
    parts = [
        f"{label} {text if len(text) <= 60 else text[:57] + '...'}"
        for label, text in (("expected", f.expected), ("found", f.actual))
        if text is not None and _number(text) is None
    ]
    return ", ".join(parts)


def findings_sheet(sheet: Sheet, result: CheckResult) -> None:
    """Write the Findings sheet: every finding, figures as numbers where they are."""
    cols = [
        Col("Severity"),
        Col("Check"),
        Col("Participant"),
        Col("Trading Week"),
        Col("RunId", "int"),
        Col("Designation"),
        Col("Variable"),
        Col("Scope"),
        Col("Timestamp"),
        Col("When (AWST)"),
        Col("Position", "int"),
        Col("Interval start (AWST)", "datetime"),
        Col("Interval end (AWST)", "datetime"),
        Col("Expected", "exact"),
        Col("Expected is from"),
        Col("Actual", "exact"),
        Col("Actual is from"),
        Col("Difference", "exact"),
        Col("Figures in words"),
        Col("Message"),
        Col("Source"),
        Col("What to look at"),
        Col("Notice of Disagreement?"),
    ]
    fs = in_run_order(result.findings, result)
    if result.unlisted:  # long lists are cut: say how many findings are not listed
        total = sum(u.count for u in result.unlisted)
        sheet.put(
            len(fs) + 3,
            1,
            f"{total} more findings are not listed here (findings.json and result.json list "
            "every one): "
            + "; ".join(
                f"{u.count} more {u.check} {u.severity.value}"
                + ("s" if u.count != 1 else "")
                + (f" of run {u.run_id}" if u.run_id else "")
                for u in result.unlisted
            )
            + ".",
        )
    sheet.table(
        1,
        cols,
        (
            [
                f.severity.value,
                f.check,
                f.participant,
                f.period,
                f.run_id,
                f.designation,
                f.variable,
                f.scope,
                f.timestamp,
                when_text(f) if (f.timestamp or f.interval_start) else None,
                f.position,
                _instant(f.interval_start),
                _instant(f.interval_end),
                _number(f.expected),
                sides(f)[1],
                _number(f.actual),
                sides(f)[0],
                _number(f.difference),
                _words(f),
                f.message,
                f.source,
                *_next_steps(f.check),
            ]
            for f in fs
        ),
        fills=[
            DISCREPANCY_FILL
            if f.severity is Severity.ERROR
            else WARNING_FILL
            if f.severity is Severity.WARNING
            else None
            for f in fs
        ],
    )


def _next_steps(check: str) -> tuple[str, str]:
    """A check's advice (:mod:`recon.models.advice`): what to look at, and whether to lodge
    a Notice of Disagreement."""
    advice = advice_for(check)
    return (advice.look_at, advice.disagreement_text) if advice else ("", "")


def _instant(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return None


def inputs_sheet(sheet: Sheet, result: CheckResult) -> None:
    """Write the Inputs sheet: every file used, then every file skipped and why."""
    cols = [
        Col("Path"),
        Col("Kind"),
        Col("Participant"),
        Col("Trading Week"),
        Col("RunId", "int"),
        Col("Designation"),
        Col("SHA-256"),
        Col("Used"),
    ]
    rows: list[list[Any]] = [
        [
            i.path,
            artefact_name(i.kind),
            i.participant,
            i.period,
            i.run_id,
            i.designation,
            i.sha256,
            "yes",
        ]
        for i in result.inputs
    ]
    for s in result.skipped:
        reason = s.get("reason") or "; ".join(f"{k}: {v}" for k, v in s.items() if k != "path")
        used = reason if s.get("own_data") else f"skipped: {reason}"
        rows.append([s.get("path", ""), None, None, None, None, None, s.get("sha256"), used])
    sheet.table(1, cols, rows)
