"""report.xlsx re-opened with openpyxl: sheets, headers, formats, figures, no formulas."""

from __future__ import annotations

import zipfile
from decimal import Decimal as D
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.workbook.workbook import Workbook

from recon.models.results import CheckResult
from recon.report.excel import (
    DISCREPANCY_FILL,
    EXACT_FORMAT,
    MONEY_FORMAT,
    SHEETS,
    write_excel,
)

from .conftest import FORMULA_VARIABLE

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
        "No amount because",
        "Reason",
        "Check",
        "Source",
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


@pytest.fixture
def book(result: CheckResult, tmp_path: Path) -> tuple[Workbook, Path]:
    path = write_excel(result, tmp_path / "report.xlsx")
    return load_workbook(path), path


def _rows(ws) -> list[dict[str, object]]:  # type: ignore[no-untyped-def]
    header = [c.value for c in ws[1]]
    return [dict(zip(header, (c for c in row), strict=True)) for row in ws.iter_rows(min_row=2)]


def _num(cell) -> D:  # type: ignore[no-untyped-def]
    """The exact decimal Excel holds (openpyxl reads numbers back as float or int)."""
    assert cell.data_type == "n", cell.coordinate
    return D(str(cell.value))


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


def test_planted_discrepancy_holds_the_exact_figures(book: tuple[Workbook, Path]) -> None:
    wb, _ = book
    rows = [
        r
        for r in _rows(wb["Invoice"])
        if r["RunId"].value == 51000 and r["Variable"].value == "RTMSA_P_D"
    ]
    assert len(rows) == 1
    row = rows[0]
    assert _num(row["Statement amount"]) == D("-12.35")
    assert _num(row["Invoiced amount"]) == D("-21.35")
    assert _num(row["Difference"]) == D("-9.00")
    assert _num(row["GST difference"]) == D("0")
    assert row["Status"].value == "differs"
    assert row["Statement amount"].number_format == MONEY_FORMAT
    assert "[Red]" in MONEY_FORMAT and "$" in MONEY_FORMAT
    assert row["Variable"].fill.fgColor.rgb.endswith(DISCREPANCY_FILL.fgColor.rgb[-6:])
    ok = next(
        r
        for r in _rows(wb["Invoice"])
        if r["RunId"].value == 50000 and r["Variable"].value == "RTMSA_P_D"
    )
    assert _num(ok["Statement amount"]) == D("125430.55")
    assert ok["Status"].value == "agrees" and ok["Variable"].fill.fill_type is None


def test_adjustments_and_attribution_figures(book: tuple[Workbook, Path]) -> None:
    wb, _ = book
    adj = {r["Variable"].value: r for r in _rows(wb["Adjustments"])}
    rt = adj["RTMSA_P_D"]
    assert (
        _num(rt["Previous run"]),
        _num(rt["This run"]),
        _num(rt["Delta"]),
        _num(rt["Invoiced delta"]),
        _num(rt["Difference"]),
    ) == (D("125430.55"), D("125418.20"), D("-12.35"), D("-21.35"), D("-9.00"))
    assert rt["Material"].value == "yes" and rt["Delta"].number_format == MONEY_FORMAT
    attr = _rows(wb["Attribution"])
    assert len(attr) == 7
    detail = next(r for r in attr if r["Kind"].value == "detail" and r["Rank"].value == 1)
    assert _num(detail["Change"]) == D("-8.5")
    assert detail["Change"].number_format == EXACT_FORMAT
    assert detail["Interval start (AWST)"].value.isoformat() == "2023-10-03T16:00:00"
    assert detail["Interval end (AWST)"].value.isoformat() == "2023-10-03T16:30:00"
    assert detail["Trading Day"].number_format == "yyyy-mm-dd"
    small = next(r for r in attr if r["Variable"].value == "MFEERATE_G_D")
    assert _num(small["Change"]) == D("0.00012")


def test_every_finding_is_a_row(book: tuple[Workbook, Path], result: CheckResult) -> None:
    wb, _ = book
    rows = _rows(wb["Findings"])
    assert [(r["Check"].value, r["Message"].value, r["Severity"].value) for r in rows] == [
        (f.check, f.message, f.severity.value) for f in result.findings
    ]
    line = next(
        r for r in rows if r["Check"].value == "invoice.line" and r["Severity"].value == "error"
    )
    assert (
        _num(line["Expected"]),
        _num(line["Actual"]),
        _num(line["Difference"]),
    ) == (D("-12.35"), D("-21.35"), D("-9.00"))
    errors = [r for r in rows if r["Severity"].value == "error"]
    assert all(r["Check"].fill.fill_type == "solid" for r in errors)


def test_disagreement_sheet_has_every_error(
    book: tuple[Workbook, Path], result: CheckResult
) -> None:
    wb, _ = book
    rows = _rows(wb["Disagreement"])
    assert len(rows) == result.counts["error"]
    planted = next(r for r in rows if r["Check"].value == "invoice.line")
    assert (
        _num(planted["Disputed figure"]),
        _num(planted["Should match"]),
        _num(planted["Difference"]),
    ) == (D("-21.35"), D("-12.35"), D("-9.00"))
    assert planted["Trading Week"].value == "TW 01 Oct 2023"
    assert planted["Reason"].value.endswith(".")


def test_input_text_is_never_a_formula(book: tuple[Workbook, Path]) -> None:
    wb, path = book
    var = next(r["Variable"] for r in _rows(wb["Findings"]) if r["Check"].value == "data.variable")
    assert var.value == FORMULA_VARIABLE and var.data_type == "s" and var.quotePrefix
    paths = {r["Path"].value: r["Path"] for r in _rows(wb["Inputs"])}
    for text in ("=cmd|' /C calc'!A0.csv", "+notes.txt", "@README.md"):
        assert paths[text].data_type == "s" and paths[text].quotePrefix, text
    dis = next(
        r["Variable or figure"]
        for r in _rows(wb["Disagreement"])
        if r["Check"].value == "data.variable"
    )
    assert dis.value == FORMULA_VARIABLE and dis.data_type == "s"
    with zipfile.ZipFile(path) as zf:
        sheets = [n for n in zf.namelist() if n.startswith("xl/worksheets/sheet")]
        assert len(sheets) == len(SHEETS)
        for name in sheets:
            assert b"<f>" not in zf.read(name) and b"<f " not in zf.read(name), name


def test_overview_verdict_figures_and_chart(book: tuple[Workbook, Path]) -> None:
    wb, path = book
    ws = wb["Overview"]
    cells = {c.value: c for row in ws.iter_rows() for c in row if isinstance(c.value, str)}
    assert cells["Verdict"].offset(column=1).value.startswith("5 errors found")
    assert cells["Findings"].offset(column=1).value == "5 errors, 2 warnings, 1 info"
    total = [
        row for row in ws.iter_rows() if row[5].value == "Total Payable" and row[2].value == 51000
    ]
    assert len(total) == 1
    assert [_num(c) for c in total[0][6:9]] == [D("18.74"), D("27.74"), D("9.00")]
    assert total[0][9].value == "differs"
    head = cells["PublishedAt (AWST)"].row
    runs = [[c.value for c in row[:6]] for row in ws.iter_rows(min_row=head + 1, max_row=head + 2)]
    assert [r[2:4] for r in runs] == [[50000, "INITIAL"], [51000, "ADJ1"]]
    assert runs[1][4].isoformat() == "2024-01-16T09:45:00" and runs[1][5] == 50000
    with zipfile.ZipFile(path) as zf:
        charts = [n for n in zf.namelist() if n.startswith("xl/charts/chart")]
        assert len(charts) == 1
        xml = zf.read(charts[0]).decode()
    assert "<barChart>" in xml and '<barDir val="bar"/>' in xml
    assert cells["ADJ chart"].offset(column=1).value.startswith("ADJ deltas by variable")
    ch = wb["ADJ chart"]
    assert ch["A1"].value == "IMOWA: ADJ deltas by variable"
    head = 2
    assert [c.value for c in ch[head][:2]] == ["Variable", "ADJ1 (51000)"]
    assert [(r[0].value, _num(r[1])) for r in ch.iter_rows(min_row=head + 1, max_row=head + 2)] == [
        ("RTMSA_P_D", D("-12.35")),
        ("MFEE_P_D", D("4.68")),
    ]
    assert f"<strRef><f>'ADJ chart'!$A${head + 1}:$A${head + 2}</f></strRef>" in xml
    assert f"<numRef><f>'ADJ chart'!$B${head + 1}:$B${head + 2}</f></numRef>" in xml
    assert "IMOWA: ADJ deltas by variable" in xml


def test_write_is_atomic_and_replaces(result: CheckResult, tmp_path: Path) -> None:
    path = tmp_path / "report.xlsx"
    path.write_bytes(b"old")
    write_excel(result, path)
    assert load_workbook(path).sheetnames == list(SHEETS)
    assert [p.name for p in tmp_path.iterdir()] == ["report.xlsx"]
