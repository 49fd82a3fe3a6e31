"""report.xlsx: the workbook the settlements team works from.

Sheets: Overview, ADJ chart, Invoice, Adjustments, Attribution, Disagreement, Findings,
Inputs (and Own data with ``--own``). Money cells are numbers (the exact Decimal is handed
to Excel, which holds it to 15 significant digits: every cent of a Decimal(23,8) amount
below ten trillion) with a currency format and negatives in red; rows with a discrepancy
are filled; header rows are frozen and carry an autofilter; a native bar chart on the ADJ
chart sheet shows ADJ deltas by variable.

No text from an input ever becomes a formula: a string starting with ``=``, ``+``, ``-``
or ``@`` (or a tab or carriage return) is stored as a string cell with Excel's quote
prefix set.

This module assembles the workbook; the sheets are written by
:mod:`recon.report.excel_overview` (Overview, ADJ chart) and
:mod:`recon.report.excel_tables` (the rest) with the cell and table writer of
:mod:`recon.report.sheet`.
"""

from __future__ import annotations

import logging
from pathlib import Path

from openpyxl import Workbook

from recon.atomic import atomic_path
from recon.models.results import CheckResult
from recon.report.excel_overview import adj_chart_sheet, overview_sheet
from recon.report.excel_tables import (
    adjustments_sheet,
    attribution_sheet,
    disagreement_sheet,
    findings_sheet,
    inputs_sheet,
    invoice_sheet,
)
from recon.report.own_section import add_own_sheet
from recon.report.sheet import Sheet

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
        overview_sheet,
        adj_chart_sheet,
        invoice_sheet,
        adjustments_sheet,
        attribution_sheet,
        disagreement_sheet,
        findings_sheet,
        inputs_sheet,
    )
    for name, build in zip(SHEETS, builders, strict=True):
        sheet = Sheet(wb.create_sheet(name))
        build(sheet, result)
        sheet.finish()
    add_own_sheet(wb, result)
    return wb
