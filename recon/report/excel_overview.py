"""report.xlsx's summary sheets: Overview (the verdict, coverage, runs, checks, and the
Payment Summary and section figures recomputed against the invoice) and ADJ chart (a table
and native bar chart of ADJ deltas by variable per participant).
"""

from __future__ import annotations

from decimal import Decimal

from openpyxl.chart import BarChart, Reference
from openpyxl.chart.data_source import AxDataSource, StrRef
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from recon.models.labels import artefacts_text
from recon.models.results import CheckResult
from recon.report.formatting import awst_text, money_text
from recon.report.sheet import (
    DISCREPANCY_FILL,
    TITLE_FONT,
    UNSIGNED_MONEY_FORMAT,
    VERDICT_FILLS,
    WARNING_FILL,
    Col,
    Sheet,
    section,
    write_cell,
    xl_text,
)
from recon.report.view import (
    adjustment_series,
    check_rows,
    participants,
    run_views,
    verdict,
    weeks,
)


def overview_sheet(sheet: Sheet, result: CheckResult) -> None:
    """Write the Overview: the facts and verdict, then the Runs, Checks, and Payment
    Summary and section figures tables."""
    ws = sheet.ws
    v = verdict(result)
    ws.cell(row=1, column=1, value="recon check report").font = TITLE_FONT
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
        write_cell(cell, value, "text")
        if label == "Verdict":
            cell.fill = VERDICT_FILLS[v.level]
            cell.font = Font(bold=True)
    ws.freeze_panes = "A2"
    row = section(sheet, len(facts) + 3, "Runs")
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
                artefacts_text(rv.run.artefacts),
                rv.counts["error"],
                rv.counts["warning"],
            ]
            for rv in views
        ),
        fills=[DISCREPANCY_FILL if rv.counts["error"] else None for rv in views],
        filtered=False,
    )
    row = section(sheet, row + 1, "Checks")
    checks = check_rows(result)
    row = sheet.table(
        row,
        [
            Col("Check"),
            Col("What it means"),
            Col("Errors", "int"),
            Col("Warnings", "int"),
            Col("Info", "int"),
            Col("Result"),
            Col("What to look at"),
            Col("Notice of Disagreement?"),
        ],
        (
            [
                c.check,
                c.advice.meaning if c.advice else c.description,
                c.errors,
                c.warnings,
                c.info,
                c.result,
                c.advice.look_at if c.advice else "",
                c.advice.disagreement_text if c.advice else "",
            ]
            for c in checks
        ),
        fills=[
            DISCREPANCY_FILL if c.errors else WARNING_FILL if c.warnings else None for c in checks
        ],
        filtered=False,
    )
    row = section(sheet, row + 1, "Payment Summary and sections: recomputed vs invoiced")
    figure_cols = [
        Col("Participant"),
        Col("Trading Week"),
        Col("RunId", "int"),
        Col("Designation"),
        Col("Section"),
        Col("Figure"),
        Col("recon's figure", "money"),
        Col("Invoiced", "money"),
        Col("Difference", "money"),
        Col("Status"),
        Col("Why (which comparison)"),
        Col("Who pays whom"),
    ]
    figures = [(rv.run, f) for rv in views for f in rv.figures]
    top = row
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
                f.who_pays,
            ]
            for run, f in figures
        ),
        fills=[DISCREPANCY_FILL if f.differs else None for _, f in figures],
        filtered=False,
    )
    # A total's sign says who pays whom, and "Who pays whom" says it in words: no red.
    for i, (_, f) in enumerate(figures, start=top + 1):
        if f.payable:
            for col in (7, 8):
                ws.cell(row=i, column=col).number_format = UNSIGNED_MONEY_FORMAT


def adj_chart_sheet(sheet: Sheet, result: CheckResult) -> None:
    """One table and bar chart of ADJ deltas by variable per participant, at the top."""
    row = 1
    drawn = False
    for who in participants(result):
        names, rows = adjustment_series(result, who)
        if not rows:
            continue
        drawn = True
        row = _chart(sheet, who, names, rows, section(sheet, row, f"{who}: ADJ deltas by variable"))
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
    chart.title = xl_text(f"{who}: ADJ deltas by variable")
    chart.y_axis.title = xl_text("Delta ($)")
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
