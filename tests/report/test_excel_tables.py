"""report.xlsx re-opened: the Invoice, Adjustments, Attribution, Findings and Disagreement
sheets hold the exact figures, and discrepancy rows are filled."""

from __future__ import annotations

from decimal import Decimal as D
from pathlib import Path

from openpyxl.workbook.workbook import Workbook

from recon.models.results import CheckResult
from recon.report.sheet import DISCREPANCY_FILL, EXACT_FORMAT, MONEY_FORMAT

from .conftest import decimal_of, rows_of


def test_planted_discrepancy_holds_the_exact_figures(book: tuple[Workbook, Path]) -> None:
    wb, _ = book
    rows = [
        r
        for r in rows_of(wb["Invoice"])
        if r["RunId"].value == 51000 and r["Variable"].value == "RTMSA_P_D"
    ]
    assert len(rows) == 1
    row = rows[0]
    assert decimal_of(row["Statement amount"]) == D("-12.35")
    assert decimal_of(row["Invoiced amount"]) == D("-21.35")
    assert decimal_of(row["Difference"]) == D("-9.00")
    assert decimal_of(row["GST difference"]) == D("0")
    assert row["Status"].value == "differs"
    assert row["Statement amount"].number_format == MONEY_FORMAT
    assert "[Red]" in MONEY_FORMAT and "$" in MONEY_FORMAT
    assert row["Variable"].fill.fgColor.rgb.endswith(DISCREPANCY_FILL.fgColor.rgb[-6:])
    ok = next(
        r
        for r in rows_of(wb["Invoice"])
        if r["RunId"].value == 50000 and r["Variable"].value == "RTMSA_P_D"
    )
    assert decimal_of(ok["Statement amount"]) == D("125430.55")
    assert ok["Status"].value == "agrees" and ok["Variable"].fill.fill_type is None


def test_adjustments_and_attribution_figures(book: tuple[Workbook, Path]) -> None:
    wb, _ = book
    adj = {r["Variable"].value: r for r in rows_of(wb["Adjustments"])}
    rt = adj["RTMSA_P_D"]
    assert (
        decimal_of(rt["Previous run"]),
        decimal_of(rt["This run"]),
        decimal_of(rt["Delta"]),
        decimal_of(rt["Invoiced delta"]),
        decimal_of(rt["Difference"]),
    ) == (D("125430.55"), D("125418.20"), D("-12.35"), D("-21.35"), D("-9.00"))
    assert rt["Material"].value == "yes" and rt["Delta"].number_format == MONEY_FORMAT
    attr = rows_of(wb["Attribution"])
    assert len(attr) == 7
    detail = next(r for r in attr if r["Kind"].value == "detail" and r["Rank"].value == 1)
    assert decimal_of(detail["Change"]) == D("-8.5")
    assert detail["Change"].number_format == EXACT_FORMAT
    assert detail["Interval start (AWST)"].value.isoformat() == "2023-10-03T16:00:00"
    assert detail["Interval end (AWST)"].value.isoformat() == "2023-10-03T16:30:00"
    assert detail["Trading Day"].number_format == "yyyy-mm-dd"
    small = next(r for r in attr if r["Variable"].value == "MFEERATE_G_D")
    assert decimal_of(small["Change"]) == D("0.00012")


def test_every_finding_is_a_row(book: tuple[Workbook, Path], result: CheckResult) -> None:
    wb, _ = book
    rows = rows_of(wb["Findings"])
    assert [(r["Check"].value, r["Message"].value, r["Severity"].value) for r in rows] == [
        (f.check, f.message, f.severity.value) for f in result.findings
    ]
    line = next(
        r for r in rows if r["Check"].value == "invoice.line" and r["Severity"].value == "error"
    )
    assert (
        decimal_of(line["Expected"]),
        decimal_of(line["Actual"]),
        decimal_of(line["Difference"]),
    ) == (D("-12.35"), D("-21.35"), D("-9.00"))
    errors = [r for r in rows if r["Severity"].value == "error"]
    assert all(r["Check"].fill.fill_type == "solid" for r in errors)


def test_disagreement_sheet_has_every_error(
    book: tuple[Workbook, Path], result: CheckResult
) -> None:
    wb, _ = book
    rows = rows_of(wb["Disagreement"])
    assert len(rows) == result.counts["error"]
    planted = next(r for r in rows if r["Check"].value == "invoice.line")
    assert (
        decimal_of(planted["Disputed figure"]),
        decimal_of(planted["Should match"]),
        decimal_of(planted["Difference"]),
    ) == (D("-21.35"), D("-12.35"), D("-9.00"))
    assert planted["Trading Week"].value == "TW 01 Oct 2023"
    assert planted["Reason"].value.endswith(".")
