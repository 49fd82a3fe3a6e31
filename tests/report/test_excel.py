"""report.xlsx re-opened with openpyxl: sheets, headers, formats, figures, no formulas."""

from __future__ import annotations

import zipfile
from pathlib import Path

from builders.report_result import FORMULA_VARIABLE
from openpyxl import load_workbook
from openpyxl.workbook.workbook import Workbook

from recon.models.results import CheckResult
from recon.report.excel import SHEETS, write_excel

from .conftest import rows_of

HEADERS = {
    "Invoice": [
        "Participant",
        "Trading Week",
        "RunId",
        "Designation",
        "Variable",
        "Description",
        "P or C",
        "GST applicable",
        "Statement amount",
        "Invoiced amount",
        "Difference",
        "Statement GST",
        "Invoiced GST",
        "GST difference",
        "Status",
        "Why",
    ],
    "Adjustments": [
        "Participant",
        "Trading Week",
        "RunId",
        "Designation",
        "Previous RunId",
        "Variable",
        "P or C",
        "Previous run",
        "This run",
        "Delta",
        "Invoiced delta",
        "Difference",
        "Material",
    ],
    "Attribution": [
        "Participant",
        "Trading Week",
        "RunId",
        "Previous RunId",
        "Line variable",
        "Kind",
        "Rank",
        "Trading Day",
        "Variable",
        "Scope",
        "Interval start (AWST)",
        "Interval end (AWST)",
        "Previous run",
        "This run",
        "Change",
    ],
    "Disagreement": [
        "Draft item",
        "Root cause or consequence",
        "Participant",
        "Trading Week",
        "Week (dates)",
        "RunId",
        "Designation",
        "Variable or figure",
        "Description",
        "Scope",
        "Trading Interval or Day (AWST)",
        "Interval start (AWST)",
        "Interval end (AWST)",
        "Disputed figure",
        "Disputed figure is from",
        "Should match",
        "Which is from",
        "Difference",
        "At stake",
        "At stake means",
        "No amount because",
        "Reason",
        "Check",
        "Source",
        "Finding id",
    ],
    "Findings": [
        "Severity",
        "Check",
        "Participant",
        "Trading Week",
        "RunId",
        "Designation",
        "Variable",
        "Scope",
        "Timestamp",
        "When (AWST)",
        "Position",
        "Interval start (AWST)",
        "Interval end (AWST)",
        "Expected",
        "Expected is from",
        "Actual",
        "Actual is from",
        "Difference",
        "Figures in words",
        "Message",
        "Source",
        "What to look at",
        "Notice of Disagreement?",
    ],
    "Inputs": [
        "Path",
        "Kind",
        "Participant",
        "Trading Week",
        "RunId",
        "Designation",
        "SHA-256",
        "Used",
    ],
}


def test_sheets_and_headers(book: tuple[Workbook, Path]) -> None:
    wb, _ = book
    assert wb.sheetnames == list(SHEETS)
    assert set(HEADERS) == set(SHEETS) - {"Overview", "ADJ chart"}
    for name, header in HEADERS.items():
        ws = wb[name]
        assert [c.value for c in ws[1]] == header, name
        assert ws.freeze_panes == "A2", name
        assert ws.auto_filter.ref is not None and ws.auto_filter.ref.startswith("A1:"), name
        assert all(c.font.bold for c in ws[1]), name
        assert ws.column_dimensions["A"].width > 8, name
    assert wb["Overview"]["A1"].value == "recon check report"


def test_input_text_is_never_a_formula(book: tuple[Workbook, Path]) -> None:
    wb, path = book
    var = next(
        r["Variable"] for r in rows_of(wb["Findings"]) if r["Check"].value == "data.variable"
    )
    assert var.value == FORMULA_VARIABLE and var.data_type == "s" and var.quotePrefix
    paths = {r["Path"].value: r["Path"] for r in rows_of(wb["Inputs"])}
    for text in ("=cmd|' /C calc'!A0.csv", "+notes.txt", "@README.md"):
        assert paths[text].data_type == "s" and paths[text].quotePrefix, text
    dis = next(
        r["Variable or figure"]
        for r in rows_of(wb["Disagreement"])
        if r["Check"].value == "data.variable"
    )
    assert dis.value == FORMULA_VARIABLE and dis.data_type == "s"
    with zipfile.ZipFile(path) as zf:
        sheets = [n for n in zf.namelist() if n.startswith("xl/worksheets/sheet")]
        assert len(sheets) == len(SHEETS)
        for name in sheets:
            assert b"<f>" not in zf.read(name) and b"<f " not in zf.read(name), name


def test_write_is_atomic_and_replaces(result: CheckResult, tmp_path: Path) -> None:
    path = tmp_path / "report.xlsx"
    path.write_bytes(b"old")
    write_excel(result, path)
    assert load_workbook(path).sheetnames == list(SHEETS)
    assert [p.name for p in tmp_path.iterdir()] == ["report.xlsx"]
