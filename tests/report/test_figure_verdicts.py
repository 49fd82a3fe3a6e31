"""One verdict per figure: the reports mark as differing exactly the figures the findings name.

Over the scenario weeks (the sample week, the planted week, and a clean week whose invoices
carry prepayments, made by ``fixtures/report_scenarios.py``), a real check is run, both
reports are written and read back (the workbook reopened, the HTML parsed), and the figures
each marks as differing are compared with the figures the findings name. A report never
judges a figure itself, so a clean week with prepayments shows nothing as differing.
"""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import fixture_scripts
import pytest
from openpyxl import load_workbook
from paths import REPO as ROOT

import recon
from recon.models.findings import Severity
from recon.models.results import CheckResult
from recon.report import write_reports

report_scenarios = fixture_scripts.load("report_scenarios.py")

Key = tuple[int, str, str]
"""(RunId, section, figure): a figure as a report names it; a line is ("line", variable)."""

_SECTIONS = {
    "rcti": "Recipient Created Tax Invoice",
    "taxInvoice": "Tax Invoice",
    "paymentSummary": "Payment Summary",
    "adjustmentInformation": "Adjustment Information",
}
_FIELDS = {
    "amount": "Amount",
    "gst": "GST",
    "total": "Total",
    "gstApplicableAmount": "GST Applicable Amount",
    "gstNotApplicableAmount": "GST Not Applicable Amount",
    "totalPayable": "Total Payable",
    "prepaymentApplied": "Prepayment Applied",
    "amountDue": "Amount Due",
    "prepaymentBalance": "Prepayment Balance",
    "rctiDifference": "RCTI Difference",
    "taxInvoiceDifference": "Tax Invoice Difference",
}


def named_by_findings(result: CheckResult) -> set[Key]:
    """The figures the error findings name, read from the findings alone."""
    out: set[Key] = set()
    for f in result.findings:
        if f.severity is not Severity.ERROR or f.run_id is None:
            continue
        if f.check in ("invoice.line", "invoice.line_missing"):
            assert f.variable
            out.add((f.run_id, "line", f.variable))
        elif f.check == "invoice.total":
            src = f.source or ""
            json_path = re.search(r"#/(\w+)/(\w+)$", src)
            pdf_path = re.search(r"#([A-Za-z ]+)/([A-Za-z ]+)$", src)
            if json_path:
                out.add((f.run_id, _SECTIONS[json_path[1]], _FIELDS[json_path[2]]))
            elif pdf_path:
                out.add((f.run_id, pdf_path[1], pdf_path[2]))
            else:
                raise AssertionError(f"an invoice.total finding names no figure: {f}")
        elif f.check == "adjustment.chain" and f.difference is not None:
            if f.variable:
                label = "GST" if "invoiced GST" in f.message else "amount"
                out.add((f.run_id, "chain", f"{f.variable} {label}"))
            else:
                label = "RCTI Total" if "RCTI Totals" in f.message else "Tax Invoice Total"
                out.add((f.run_id, "chain", label))
    return out


def _chain(section: str) -> str:
    return "chain" if section.startswith("Run chain") else section


def differing_in_excel(path: Path) -> set[Key]:
    """Figures the workbook marks as differing: Overview's figure table and Invoice sheet."""
    wb = load_workbook(path)
    out: set[Key] = set()
    ov = wb["Overview"]
    rows = list(ov.iter_rows(values_only=True))
    head = next(
        i
        for i, r in enumerate(rows)
        if r[:6] == ("Participant", "Trading Week", "RunId", "Designation", "Section", "Figure")
    )
    for r in rows[head + 1 :]:
        if r[0] is None:
            break
        if r[9] == "differs":
            out.add((r[2], _chain(r[4]), r[5]))
    inv = list(wb["Invoice"].iter_rows(values_only=True))
    status = inv[0].index("Status")
    for r in inv[1:]:
        if r[status] == "differs":
            out.add((r[2], "line", r[4]))
    return out


def differing_in_html(path: Path) -> set[Key]:
    """Figures the page marks as differing, read per run section from ``data-status``."""
    html = path.read_text(encoding="utf-8")
    out: set[Key] = set()
    for part in html.split('<section class="run" id="run-')[1:]:
        run_id = int(part.split('"', 1)[0].rsplit("-", 1)[1])
        for row in re.findall(r'<tr data-status="differs"[^>]*>(.*?)</tr>', part, flags=re.S):
            cells = re.findall(r"<td[^>]*>(.*?)</td>", row, flags=re.S)
            if cells[0].startswith("<code>"):
                out.add((run_id, "line", re.sub(r"</?code>", "", cells[0])))
            else:
                out.add((run_id, _chain(cells[0]), cells[1].split("<br>")[0]))
    return out


def _weeks(tmp: Path) -> dict[str, Path]:
    return {
        "sample_week": ROOT / "fixtures" / "sample_week",
        "planted_week": ROOT / "fixtures" / "planted_week",
        "prepayment_week": report_scenarios.prepayment_week(tmp / "prepayment_week"),
    }


@pytest.fixture(scope="module")
def checked(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[CheckResult, Path]]:
    tmp = tmp_path_factory.mktemp("weeks")
    out = {}
    for name, folder in _weeks(tmp).items():
        result = recon.check(folder)
        write_reports(result, tmp / f"{name}-out")
        out[name] = (result, tmp / f"{name}-out")
    return out


@pytest.mark.parametrize("week", ["sample_week", "planted_week", "prepayment_week"])
def test_reports_mark_differing_exactly_what_the_findings_name(
    checked: dict[str, tuple[CheckResult, Path]], week: str
) -> None:
    result, out = checked[week]
    named = named_by_findings(result)
    assert differing_in_excel(out / "report.xlsx") == named
    assert differing_in_html(out / "report.html") == named
    differing = {
        (
            f.run_id,
            _chain(f.section) if f.kind != "line_amount" and f.kind != "line_gst" else "line",
            f.variable if f.kind.startswith("line") else f.figure,
        )
        for f in result.figures
        if f.status == "differs"
    }
    assert differing == named
    if week == "planted_week":
        assert len(named) >= 10


def test_clean_week_with_prepayments_shows_nothing_differing(
    checked: dict[str, tuple[CheckResult, Path]],
) -> None:
    result, out = checked["prepayment_week"]
    assert result.counts == {"error": 0, "warning": 0, "info": 0}
    prepay = [f for f in result.figures if f.figure.startswith("Prepayment")]
    assert len(prepay) == 6 and {f.status for f in prepay} == {"from_invoice"}
    due = [f for f in result.figures if f.figure == "Amount Due"]
    assert {f.status for f in due} == {"agrees"}
    assert Decimal("100.00") in {f.invoiced for f in prepay}
    html = (out / "report.html").read_text(encoding="utf-8")
    assert 'data-status="differs"' not in html and 'class="bad"' not in html
    assert "taken from the invoice" in html
    wb = load_workbook(out / "report.xlsx")
    for ws in wb.worksheets:
        for row in ws.iter_rows(values_only=True):
            assert "differs" not in row, (ws.title, row)


def test_rounding_order_is_info_not_differs(checked: dict[str, tuple[CheckResult, Path]]) -> None:
    for result, _ in checked.values():
        for f in result.figures:
            if f.status == "rounding":
                assert any(
                    x.severity is Severity.INFO and x.run_id == f.run_id for x in result.findings
                )


@pytest.mark.parametrize("week", ["sample_week", "planted_week", "prepayment_week"])
def test_a_differing_figure_shows_the_difference_that_makes_it_differ(
    checked: dict[str, tuple[CheckResult, Path]], week: str
) -> None:
    """A figure's verdict and its difference tell the same story: never "differs" beside a
    zero, and the difference shown is one a finding about that figure gives."""
    result, out = checked[week]
    found: dict[Key, set[Decimal]] = {}
    for f in result.findings:
        if f.check == "invoice.total" and f.difference is not None and f.run_id is not None:
            m = re.search(r"#/(\w+)/(\w+)$", f.source or "")
            if m:
                key = (f.run_id, _SECTIONS[m[1]], _FIELDS[m[2]])
                found.setdefault(key, set()).add(Decimal(f.difference))
    for fig in result.figures:
        if fig.status != "differs" or fig.kind != "section" or fig.difference is None:
            continue
        assert fig.difference != 0, fig
        assert fig.difference in found[(fig.run_id, fig.section, fig.figure)], fig
        assert fig.note.startswith("against "), fig  # which comparison failed
    html = (out / "report.html").read_text(encoding="utf-8")
    for row in re.findall(r'<tr data-status="differs"[^>]*>(.*?)</tr>', html, flags=re.S):
        cells = re.findall(r'<td class="num[^"]*">([^<]*)</td>', row)
        if len(cells) == 3 and cells[0] and cells[1]:
            assert cells[2] not in ("0.00", "-0.00"), row


def test_a_total_that_matches_recon_but_not_its_own_lines_says_so(
    checked: dict[str, tuple[CheckResult, Path]],
) -> None:
    result, out = checked["planted_week"]
    figs = {
        (f.run_id, f.figure): f
        for f in result.figures
        if f.participant == "PLANTCO" and f.kind == "section"
    }
    payable = figs[(50871, "Total Payable")]
    assert payable.status == "differs" and payable.difference == Decimal("-263625.42")
    assert payable.note.startswith("against the invoice's own arithmetic: the invoice's Tax")
    assert "agrees with the invoice" in payable.note
    free = figs[(50871, "GST Not Applicable Amount")]
    assert free.difference == Decimal("1280.91")
    assert "the invoice's own GST-free lines (Charges less Payments) add up to -$187.31" in (
        free.note
    )
    wb = load_workbook(out / "report.xlsx")
    rows = list(wb["Overview"].iter_rows(values_only=True))
    (row,) = [r for r in rows if r[2] == 50871 and r[5] == "Total Payable"]
    assert Decimal(str(row[8])) == Decimal("-263625.42")


def test_totals_say_who_pays_whom_instead_of_a_red_sign(
    checked: dict[str, tuple[CheckResult, Path]],
) -> None:
    """PLANTCO's INITIAL run 50871: AEMO pays the participant (Total Payable is negative)."""
    _, out = checked["planted_week"]
    html = (out / "report.html").read_text(encoding="utf-8")
    section = html.split('<section class="run" id="run-PLANTCO-50871">')[1].split("</section>")[0]
    assert "Amount Due on the invoice: AEMO pays you $2,833,719.98" in section
    (row,) = re.findall(r"<tr[^>]*><td>Payment Summary</td><td>Total Payable.*?</tr>", section)
    assert "AEMO pays you $2,833,719.98" in row
    assert 'class="num neg"' not in row.split("</td>", 4)[2]  # the totals are not red
    assert re.search(r'<td class="num">-2,833,719.98</td>', row)
    charges = re.findall(r"<tr[^>]*><td>Tax Invoice</td><td>Total.*?</tr>", section)
    assert charges and "you pay AEMO $" in charges[0]
    wb = load_workbook(out / "report.xlsx")
    ov = wb["Overview"]
    head = next(r for r in ov.iter_rows() if r[0].value == "Participant" and r[5].value == "Figure")
    who = [c.value for c in head].index("Who pays whom")
    for r in ov.iter_rows(min_row=head[0].row + 1):
        if r[2].value == 50871 and r[5].value == "Total Payable":
            assert r[who].value == "AEMO pays you $2,833,719.98"
            assert "[Red]" not in r[7].number_format
            break
    else:
        raise AssertionError("no Total Payable row for run 50871 on the Overview")
