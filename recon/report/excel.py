"""report.xlsx: the workbook the settlements team works from.

Sheets: Overview, Invoice, Adjustments, Attribution, Disagreement, Findings, Inputs. Money
cells are numbers (the exact Decimal is handed to Excel, which holds it to 15 significant
digits: every cent of a Decimal(23,8) amount below ten trillion) with a currency format
and negatives in red; rows with a discrepancy are filled; header rows are frozen and carry
an autofilter; a native bar chart shows ADJ deltas by variable on the Overview.

No text from an input ever becomes a formula: a string starting with ``=``, ``+``, ``-``
or ``@`` (or a tab or carriage return) is stored as a string cell with Excel's quote
prefix set.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.chart import BarChart, Reference
from openpyxl.chart.data_source import AxDataSource, StrRef
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from recon.atomic import atomic_path
from recon.models.findings import Finding, Severity
from recon.models.results import CheckResult
from recon.report.disagreement import disagreement_rows, sides, when_text
from recon.report.formatting import as_figure, awst_text, exact_text, money_text, naive_awst
from recon.report.own_section import add_own_sheet
from recon.report.view import (
    adjustment_series,
    check_rows,
    difference,
    in_run_order,
    line_discrepant,
    participants,
    run_views,
    status_text,
    verdict,
    weeks,
)
from recon.text import safe_text

log = logging.getLogger(__name__)

SHEETS = (
    "Overview",
    "ADJ chart",
    "Invoice",
    "Adjustments",
    "Attribution",
    "Disagreement",
    "Findings",
    "Inputs",
)
"""The workbook's sheets, in order."""

MONEY_FORMAT = '"$"#,##0.00;[Red]-"$"#,##0.00'
EXACT_FORMAT = "#,##0.00######;[Red]-#,##0.00######"
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
INT_FORMAT = "0"

_FORMULA_LEADS = ("=", "+", "-", "@", "\t", "\r")
_HEADER_FONT = Font(bold=True, color="FFFFFF")
_HEADER_FILL = PatternFill("solid", fgColor="305496")
_TITLE_FONT = Font(bold=True, size=14)
_SECTION_FONT = Font(bold=True, size=12, color="305496")
DISCREPANCY_FILL = PatternFill("solid", fgColor="F8CBAD")
"""Fill of a row holding a discrepancy (or an error finding)."""
WARNING_FILL = PatternFill("solid", fgColor="FFE699")
"""Fill of a warning row (material adjustment, warning finding)."""
_VERDICT_FILLS = {
    "error": DISCREPANCY_FILL,
    "warning": WARNING_FILL,
    "clean": PatternFill("solid", fgColor="C6EFCE"),
}
_MAX_WIDTH = 60
_WRAP = Alignment(wrap_text=True, vertical="top")
_LEFT = Alignment(horizontal="left")


@dataclass(frozen=True)
class Col:
    """A column: its header and the kind of value (``text``, ``money``, ``exact``, ``int``,
    ``date``, ``datetime``, ``bool``, ``figure``: a number when it is one, else text)."""

    header: str
    kind: str = "text"


class Sheet:
    """A worksheet with the column widths it needs remembered as it is written.

    Args:
        ws: The openpyxl worksheet written to (``ws`` below).
    """

    def __init__(self, ws: Worksheet) -> None:
        self.ws = ws
        self.widths: dict[int, int] = {}

    def put(self, row: int, col: int, value: Any, kind: str = "text") -> Cell:
        """Write ``value`` to a cell in the format of ``kind`` (see :class:`Col`); return it."""
        cell = self.ws.cell(row=row, column=col)
        shown = _write(cell, value, kind)
        self.widths[col] = max(self.widths.get(col, 0), len(shown))
        return cell

    def table(
        self,
        top: int,
        cols: Sequence[Col],
        rows: Iterable[Sequence[Any]],
        fills: Iterable[PatternFill | None] | None = None,
        filtered: bool = True,
    ) -> int:
        """Write a header row and rows from ``top``; return the next free row."""
        for j, col in enumerate(cols, start=1):
            cell = self.put(top, j, col.header)
            cell.font, cell.fill = _HEADER_FONT, _HEADER_FILL
            cell.alignment = Alignment(vertical="top", wrap_text=True)
        fill_list = list(fills) if fills is not None else None
        r = top
        for i, values in enumerate(rows):
            r = top + 1 + i
            fill = fill_list[i] if fill_list is not None else None
            for j, (col, value) in enumerate(zip(cols, values, strict=True), start=1):
                cell = self.put(r, j, value, col.kind)
                if fill is not None:
                    cell.fill = fill
        if filtered:
            self.ws.auto_filter.ref = f"A{top}:{get_column_letter(len(cols))}{max(r, top)}"
            self.ws.freeze_panes = f"A{top + 1}"
        return max(r, top) + 1

    def fit(self) -> None:
        """Set each written column's width to its longest text (capped)."""
        for col, width in self.widths.items():
            self.ws.column_dimensions[get_column_letter(col)].width = min(width + 3, _MAX_WIDTH)


def _text(value: str) -> str:
    """Cell text: control and bidi characters shown escaped (``\\x1b``, ``U+202E``)."""
    return ILLEGAL_CHARACTERS_RE.sub("\ufffd", safe_text(value, keep_newlines=True))


def _write(cell: Cell, value: Any, kind: str) -> str:
    """Put a value in a cell with its format; return the text it shows (for widths)."""
    if kind == "figure" and isinstance(value, str):
        value = as_figure(value)
        kind = "exact" if isinstance(value, Decimal) else "text"
    elif kind == "figure":
        kind = "exact"
    if value is None:
        return ""
    if isinstance(value, str):
        text = _text(value)
        cell.value = text
        if text.startswith(_FORMULA_LEADS):
            cell.data_type = "s"
            cell.quotePrefix = True
        if len(text) > _MAX_WIDTH:
            cell.alignment = _WRAP
        return text
    if isinstance(value, bool):
        cell.value = "yes" if value else "no"
        return cell.value
    if isinstance(value, Decimal):
        cell.value = value
        if kind == "money":
            cell.number_format = MONEY_FORMAT
            return "$" + money_text(value)
        cell.number_format = EXACT_FORMAT
        return exact_text(value)
    if isinstance(value, datetime):
        cell.value = naive_awst(value)
        cell.number_format = DATETIME_FORMAT
        return "2023-10-01 08:00"
    if isinstance(value, date):
        cell.value = value
        cell.number_format = DATE_FORMAT
        return "2023-10-01"
    if isinstance(value, int):  # RunIds and counts: identifiers, read left to right
        cell.value = value
        cell.number_format = INT_FORMAT
        cell.alignment = _LEFT
        return str(value)
    return _write(cell, str(value), "text")


def write_excel(result: CheckResult, path: str | Path) -> Path:
    """Write report.xlsx for a check, atomically.

    Args:
        result: The check.
        path: The file to write; a previous file there is replaced only once the new
            one is complete.

    Returns:
        The path written.

    Raises:
        OutputError: If the file cannot be written.
    """
    wb = build_workbook(result)
    target = Path(path)
    with atomic_path(target) as tmp:
        wb.save(tmp)
    log.info("wrote %s", target)
    return target


def build_workbook(result: CheckResult) -> Workbook:
    """Build the workbook in memory (see the module docstring for its content)."""
    wb = Workbook()
    wb.remove(wb.active)
    builders = (
        _overview,
        _adj_chart,
        _invoice,
        _adjustments,
        _attribution,
        _disagreement,
        _findings,
        _inputs,
    )
    for name, build in zip(SHEETS, builders, strict=True):
        sheet = Sheet(wb.create_sheet(name))
        build(sheet, result)
        sheet.fit()
        setup = sheet.ws.page_setup
        setup.orientation, setup.paperSize = "landscape", sheet.ws.PAPERSIZE_A4
        sheet.ws.sheet_properties.pageSetUpPr.fitToPage = True
        setup.fitToWidth, setup.fitToHeight = 1, 0
    add_own_sheet(wb, result)
    return wb


def _section(sheet: Sheet, row: int, title: str) -> int:
    cell = sheet.ws.cell(row=row, column=1, value=title)
    cell.font = _SECTION_FONT
    return row + 1


def _overview(sheet: Sheet, result: CheckResult) -> None:
    ws = sheet.ws
    v = verdict(result)
    ws.cell(row=1, column=1, value="recon check report").font = _TITLE_FONT
    facts = [
        ("Participant", ", ".join(participants(result))),
        ("Trading Week", ", ".join(weeks(result))),
        ("Verdict", v.headline),
        (
            "Findings",
            f"{v.counts['error']} errors, {v.counts['warning']} warnings, {v.counts['info']} info",
        ),
        (
            "Materiality",
            f"${money_text(result.materiality)}" if result.materiality is not None else "off",
        ),
        ("Checked at", awst_text(result.generated_at, seconds=True)),
        ("recon version", result.recon_version),
    ]
    facts[3:3] = [("Coverage", line) for line in v.coverage]
    names, _ = adjustment_series(result)
    facts.append(
        ("ADJ chart", "ADJ deltas by variable, one chart per participant: sheet 'ADJ chart'")
        if names
        else ("ADJ chart", "No ADJ run changed any line.")
    )
    for i, (label, value) in enumerate(facts, start=2):
        sheet.put(i, 1, label).font = Font(bold=True)
        cell = ws.cell(row=i, column=2)  # long texts run on into the empty cells beside
        _write(cell, value, "text")
        if label == "Verdict":
            cell.fill = _VERDICT_FILLS[v.level]
            cell.font = Font(bold=True)
    ws.freeze_panes = "A2"
    row = _section(sheet, len(facts) + 3, "Runs")
    run_cols = [
        Col("Participant"),
        Col("Trading Week"),
        Col("RunId", "int"),
        Col("Designation"),
        Col("PublishedAt (AWST)", "datetime"),
        Col("Previous RunId", "int"),
        Col("Artefacts"),
        Col("Errors", "int"),
        Col("Warnings", "int"),
    ]
    views = run_views(result)
    row = sheet.table(
        row,
        run_cols,
        (
            [
                rv.run.participant,
                rv.run.period,
                rv.run.run_id,
                rv.run.designation,
                rv.run.published_at,
                rv.run.previous_run_id,
                ", ".join(rv.run.artefacts),
                rv.counts["error"],
                rv.counts["warning"],
            ]
            for rv in views
        ),
        fills=[DISCREPANCY_FILL if rv.counts["error"] else None for rv in views],
        filtered=False,
    )
    row = _section(sheet, row + 1, "Checks")
    checks = check_rows(result)
    row = sheet.table(
        row,
        [
            Col("Check"),
            Col("Description"),
            Col("Errors", "int"),
            Col("Warnings", "int"),
            Col("Info", "int"),
            Col("Result"),
        ],
        ([c.check, c.description, c.errors, c.warnings, c.info, c.result] for c in checks),
        fills=[
            DISCREPANCY_FILL if c.errors else WARNING_FILL if c.warnings else None for c in checks
        ],
        filtered=False,
    )
    row = _section(sheet, row + 1, "Payment Summary and sections: recomputed vs invoiced")
    figure_cols = [
        Col("Participant"),
        Col("Trading Week"),
        Col("RunId", "int"),
        Col("Designation"),
        Col("Section"),
        Col("Figure"),
        Col("Recomputed", "money"),
        Col("Invoiced", "money"),
        Col("Difference", "money"),
        Col("Status"),
        Col("Why"),
    ]
    figures = [(rv.run, f) for rv in views for f in rv.figures]
    row = sheet.table(
        row,
        figure_cols,
        (
            [
                run.participant,
                run.period,
                run.run_id,
                run.designation,
                f.section,
                f.figure,
                f.computed,
                f.invoiced,
                f.difference,
                f.status_text,
                f.note,
            ]
            for run, f in figures
        ),
        fills=[DISCREPANCY_FILL if f.differs else None for _, f in figures],
        filtered=False,
    )


def _adj_chart(sheet: Sheet, result: CheckResult) -> None:
    """One table and bar chart of ADJ deltas by variable per participant, at the top."""
    row = 1
    drawn = False
    for who in participants(result):
        names, rows = adjustment_series(result, who)
        if not rows:
            continue
        drawn = True
        row = _chart(
            sheet, who, names, rows, _section(sheet, row, f"{who}: ADJ deltas by variable")
        )
    if not drawn:
        sheet.put(1, 1, "No ADJ run changed any line.")


def _chart(
    sheet: Sheet,
    who: str,
    names: list[str],
    rows: list[tuple[str, list[Decimal]]],
    row: int,
) -> int:
    """Write one participant's delta table from ``row`` with its chart beside it.

    Returns:
        The first free row below both the table and the chart.
    """
    cols = [Col("Variable")] + [Col(n, "money") for n in names]
    end = sheet.table(row, cols, ([var, *vals] for var, vals in rows), filtered=False)
    chart = BarChart()
    chart.type = "bar"
    chart.style = 10
    chart.title = f"{who}: ADJ deltas by variable"
    chart.y_axis.title = "Delta ($)"
    chart.y_axis.numFmt = '"$"#,##0.00'
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    data = Reference(sheet.ws, min_col=2, max_col=len(cols), min_row=row, max_row=end - 1)
    cats = Reference(sheet.ws, min_col=1, min_row=row + 1, max_row=end - 1)
    chart.add_data(data, titles_from_data=True)
    for series in chart.series:  # variable names are text: a string reference, not numRef
        series.cat = AxDataSource(strRef=StrRef(f=str(cats)))
    chart.x_axis.tickLblPos = "low"  # variable names left of the plot, clear of the bars
    chart.x_axis.scaling.orientation = "maxMin"  # first variable on top, as in the table
    if len(names) == 1:
        chart.legend = None
    chart.width = 18
    chart.height = max(7.5, 2.5 + 0.8 * len(rows) * max(1, len(names)))
    sheet.ws.add_chart(chart, f"{get_column_letter(len(cols) + 2)}{row}")
    chart_rows = int(chart.height / 0.5) + 2  # a default row is about 0.5 cm high
    return max(end, row + chart_rows) + 1


def _invoice(sheet: Sheet, result: CheckResult) -> None:
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


def _adjustments(sheet: Sheet, result: CheckResult) -> None:
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


def _attribution(sheet: Sheet, result: CheckResult) -> None:
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
    Col("No amount because"),
    Col("Reason"),
    Col("Check"),
    Col("Source"),
)
"""The Disagreement sheet: money columns hold numbers only; who says what is in words."""


def disagreement_cells(result: CheckResult) -> list[list[Any]]:
    """The Disagreement sheet's rows as values (what :func:`_disagreement` writes)."""
    return [
        [
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
            d.no_amount,
            d.reason,
            d.check,
            d.source,
        ]
        for d in disagreement_rows(result)
    ]


def _disagreement(sheet: Sheet, result: CheckResult) -> None:
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


def _findings(sheet: Sheet, result: CheckResult) -> None:
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
    ]
    fs = in_run_order(result.findings, result)
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


def _instant(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return None


def _inputs(sheet: Sheet, result: CheckResult) -> None:
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
        [i.path, i.kind, i.participant, i.period, i.run_id, i.designation, i.sha256, "yes"]
        for i in result.inputs
    ]
    for s in result.skipped:
        reason = s.get("reason") or "; ".join(f"{k}: {v}" for k, v in s.items() if k != "path")
        rows.append(
            [s.get("path", ""), None, None, None, None, None, s.get("sha256"), f"skipped: {reason}"]
        )
    sheet.table(1, cols, rows)
