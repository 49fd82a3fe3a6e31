"""reconcile/invoice_sums: an invoice's own arithmetic (``invoice.total``), on the
sample week's JSON and PDF invoices (clean) and on one with a planted figure."""

from __future__ import annotations

from decimal import Decimal

import pytest
from paths import FIXTURES

from recon.models.invoices import Invoice
from recon.models.results import FigureState
from recon.models.statements import RunHeader
from recon.reconcile.invoice_sums import check_invoice_arithmetic
from recon.sources.invoice_json import read_invoice_json
from recon.sources.invoice_pdf import read_invoice_pdf
from recon.sources.summary_csv import read_summary_csv

SAMPLE = FIXTURES / "sample_week"
RUNS = ["51230_INITIAL", "53874_ADJ1", "56492_ADJ2"]


def _header(run: str) -> RunHeader:
    return read_summary_csv(SAMPLE / "csv" / f"SWANGEN_{run}_SettlementStatementSummary.csv").header


def _invoice(run: str, form: str) -> Invoice:
    if form == "json":
        return read_invoice_json(SAMPLE / "json" / f"SWANGEN_{run}_Invoice.json")
    return read_invoice_pdf(SAMPLE / "pdf" / f"SWANGEN_{run}_Invoice.pdf")


@pytest.mark.parametrize("form", ["json", "pdf"])
@pytest.mark.parametrize("run", RUNS)
def test_the_sample_invoices_add_up(run: str, form: str) -> None:
    findings, figures = check_invoice_arithmetic(_header(run), _invoice(run, form))
    assert findings == []
    statuses = {(f.section, f.figure): f.status for f in figures if f.kind == "section"}
    assert statuses[("Payment Summary", "Prepayment Applied")] == FigureState.FROM_INVOICE
    own = {
        s
        for (section, name), s in statuses.items()
        if not name.startswith("Prepayment") and section != "Adjustment Information"
    }
    assert own == {FigureState.AGREES}
    rows = [f for f in figures if f.kind == "summary_row"]
    assert bool(rows) is (form == "pdf")  # only the PDF shows the Payment Summary's rows


def test_a_planted_section_total_is_found_with_its_figures() -> None:
    run = RUNS[0]
    inv = _invoice(run, "json")
    bad_total = inv.rcti.total + Decimal("10.00")
    planted = inv.model_copy(update={"rcti": inv.rcti.model_copy(update={"total": bad_total})})
    findings, figures = check_invoice_arithmetic(_header(run), planted)
    totals = [f for f in findings if f.expected is not None and "RCTI Total" in f.message]
    assert totals, [f.message for f in findings]
    rcti_total = totals[0]
    assert rcti_total.check == "invoice.total" and rcti_total.severity.value == "error"
    assert Decimal(rcti_total.actual) - Decimal(rcti_total.expected) == Decimal("10.00")
    assert (rcti_total.source or "").endswith("#/rcti/total")
    by_name = {(f.section, f.figure): f for f in figures}
    assert by_name[("Recipient Created Tax Invoice", "Total")].status == FigureState.DIFFERS
    assert by_name[("Recipient Created Tax Invoice", "GST")].status == FigureState.AGREES


def test_a_cent_no_rounding_order_explains_is_an_error_on_each_figure_it_touches() -> None:
    run = RUNS[0]
    inv = _invoice(run, "json")
    bumped = inv.tax_invoice.gst + Decimal("0.01")
    planted = inv.model_copy(
        update={"tax_invoice": inv.tax_invoice.model_copy(update={"gst": bumped})}
    )
    findings, _ = check_invoice_arithmetic(_header(run), planted)
    assert {f.severity.value for f in findings} == {"error"}
    assert [f.message for f in findings] == [
        "Tax Invoice GST on the invoice is $0.01 more than the sum of its Charge lines' GST.",
        "Tax Invoice Total on the invoice is $0.01 less than its Tax Invoice Amount plus GST.",
        "Payment Summary GST on the invoice is $0.01 less than its Tax Invoice GST less RCTI GST.",
    ]
