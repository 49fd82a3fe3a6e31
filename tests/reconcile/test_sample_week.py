"""recon's invoice arithmetic against fixtures/sample_week, whose invoices an independent
implementation (fixtures/generate.py) computed. Skipped while the fixtures are absent."""

from __future__ import annotations

import json
from decimal import Decimal as D
from typing import Any

from paths import FIXTURES

from recon.models.invoices import Invoice
from recon.reconcile.adjustments import check_chain, previous_run
from recon.reconcile.invoices import check_invoice
from recon.reconcile.recompute import LineTotal, compute_invoice, full_invoice, line_totals
from recon.reconcile.tieouts import check_pdf_json

EXPECTED = FIXTURES / "expected.json"
WEEK = FIXTURES / "sample_week"


_PS = {
    "gstApplicableAmount": "gst_applicable_amount",
    "gstNotApplicableAmount": "gst_not_applicable_amount",
    "gst": "gst",
    "totalPayable": "total_payable",
    "prepaymentApplied": "prepayment_applied",
    "amountDue": "amount_due",
    "prepaymentBalance": "prepayment_balance",
}


def _expected() -> dict[str, Any]:
    return json.loads(EXPECTED.read_text(encoding="utf-8"), parse_float=D)


def _runs() -> list[tuple[dict[str, Any], Any, dict[str, LineTotal]]]:
    from recon.sources import summary_csv

    out = []
    for run in _expected()["runs"]:
        stmt = summary_csv.read_summary_csv(WEEK / run["files"]["summary_csv"])
        totals, findings = line_totals(stmt)
        assert findings == []
        out.append((run, stmt.header, totals))
    return out


def _section(inv: Invoice, key: str) -> dict[str, D]:
    if key == "paymentSummary":
        return {k: getattr(inv.payment_summary, v) for k, v in _PS.items()}
    model = inv.rcti if key == "rcti" else inv.tax_invoice
    return {"amount": model.amount, "gst": model.gst, "total": model.total}


def _dec(section: dict[str, Any]) -> dict[str, D]:
    return {k: D(str(v)) for k, v in section.items()}


def test_compute_invoice_reproduces_the_generators_invoices() -> None:
    runs = _runs()
    headers = [h for _, h, _ in runs]
    by_id = {h.run_id: (h, t) for _, h, t in runs}
    for run, h, totals in runs:
        prev_header = previous_run(h, headers)
        assert (prev_header.run_id if prev_header else None) == run["previous_run_id"]
        prev = by_id[prev_header.run_id][1] if prev_header else None
        computed = compute_invoice(h, totals, prev, run["previous_run_id"])
        want = run["invoice"]
        for key in ("rcti", "taxInvoice", "paymentSummary"):
            assert _section(computed, key) == _dec(want[key]), (run["designation"], key)
            assert _section(full_invoice(h, totals), key) == _dec(run["full_sections"][key])
        lines = [li for block in want["data"] for li in block["lineItems"]]
        assert [(li.variable, li.amount, li.gst) for li in computed.line_items] == [
            (li["variable"], D(str(li["amount"])), D(str(li["gst"]))) for li in lines
        ]
        if run["previous_run_id"] is not None:
            ai = computed.adjustment_information
            assert ai is not None
            want_ai = want["adjustmentInformation"]
            assert (ai.previous_run_id, ai.rcti_difference, ai.tax_invoice_difference) == (
                want_ai["previousRunId"],
                D(str(want_ai["rctiDifference"])),
                D(str(want_ai["taxInvoiceDifference"])),
            )
            omitted = {v for v in [*totals, *prev] if computed.line(v) is None}
            assert omitted == set(run["invoice_omitted_zero_lines"])


def test_sample_week_invoices_check_clean() -> None:
    from recon.sources import invoice_json

    runs = _runs()
    headers = [h for _, h, _ in runs]
    by_id = {h.run_id: t for _, h, t in runs}
    full: dict[int, Invoice] = {}
    invoiced: dict[int, Invoice] = {}
    for run, h, totals in runs:
        prev_header = previous_run(h, headers)
        prev = by_id[prev_header.run_id] if prev_header else None
        computed = compute_invoice(h, totals, prev, prev_header.run_id if prev_header else None)
        inv = invoice_json.read_invoice_json(WEEK / run["files"]["invoice_json"])
        findings, comparisons, _ = check_invoice(h, computed, inv, current=totals, previous=prev)
        assert findings == [], [f.message for f in findings]
        assert all(c.status == "agrees" for c in comparisons)
        full[h.run_id] = full_invoice(h, totals)
        invoiced[h.run_id] = inv
    assert check_chain(headers, full, invoiced) == []


def test_sample_week_pdf_and_json_agree() -> None:
    from recon.sources import invoice_json, invoice_pdf

    checked = 0
    for run in _expected()["runs"]:
        files = run["files"]
        if "invoice_pdf" not in files:
            continue
        pdf = invoice_pdf.read_invoice_pdf(WEEK / files["invoice_pdf"])
        js = invoice_json.read_invoice_json(WEEK / files["invoice_json"])
        findings = check_pdf_json(pdf, js)
        assert findings == [], [f.message for f in findings]
        checked += 1
    assert checked
