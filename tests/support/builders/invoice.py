"""Invoices built by hand: JSON documents (SPEC §3.3), PDFs as AEMO lays them out, and
``Invoice`` objects derived from a computed one."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

from recon.models.invoices import Invoice, LineItem
from recon.models.statements import PaymentOrCharge

from .files import json_header

ZERO = "0.00"

PAYMENT_SUMMARY_KEYS = (
    "gstApplicableAmount",
    "gstNotApplicableAmount",
    "gst",
    "totalPayable",
    "prepaymentApplied",
    "amountDue",
    "prepaymentBalance",
)
"""The Payment Summary's figures, in the document's order."""

MARKET_FEES_LINE: dict[str, Any] = {
    "variable": "MFEE_P_D",
    "description": "Market fees",
    "paymentOrCharge": "Charge",
    "gstApplicable": True,
    "amount": ZERO,
    "gst": ZERO,
}
"""An all-zero line item."""


def invoice_document(
    line_items: list[dict[str, Any]] | None = None,
    *,
    payment_summary: dict[str, str] | None = None,
    rcti: tuple[str, str, str] = (ZERO, ZERO, ZERO),
    tax_invoice: tuple[str, str, str] = (ZERO, ZERO, ZERO),
    **header: Any,
) -> dict[str, Any]:
    """A valid Invoice JSON document (SPEC §3.3) of run 51230; all zero by default.

    Args:
        line_items: The line items; by default one all-zero Market fees line.
        payment_summary: The Payment Summary figures; by default all ``0.00``.
        rcti: The RCTI section's amount, GST and total.
        tax_invoice: The Tax Invoice section's amount, GST and total.
        **header: JSON keys to override (``runId=50000``, ``designation="ADJ1"``); the
            invoice number follows the run id and participant unless given.
    """
    head = json_header(**header)
    items = [dict(MARKET_FEES_LINE)] if line_items is None else line_items
    number = f"WEM-INV-{head['runId']}-{head['participantCode']}"
    return {
        "invoiceNumber": header.get("invoiceNumber", number),
        "runId": head["runId"],
        "previousRunId": header.get("previousRunId"),
        "designation": head["designation"],
        "period": head["period"],
        "participantCode": head["participantCode"],
        "issuedAt": header.get("issuedAt", head["publishedAt"]),
        "data": [{"tradeWeek": head["period"], "lineItems": items}],
        "paymentSummary": payment_summary or dict.fromkeys(PAYMENT_SUMMARY_KEYS, ZERO),
        "rcti": dict(zip(("amount", "gst", "total"), rcti, strict=True)),
        "taxInvoice": dict(zip(("amount", "gst", "total"), tax_invoice, strict=True)),
    }


ZERO_PDF_LINES = (
    "Invoice Number: WEM-INV-51230-SWANGEN",
    "Participant: SWANGEN",
    "Run: 51230 (INITIAL)",
    "Trading Week: TW 01 Dec 2024",
    "Issued: 2024-12-19",
    "Payment Summary",
    "GST Applicable",
    "GST Not Applicable",
    "GST Applicable Amount 0.00",
    "GST Not Applicable Amount 0.00",
    "GST 0.00",
    "Total Payable 0.00",
    "Prepayment Applied 0.00",
    "Amount Due 0.00",
    "Prepayment Balance 0.00",
    "Recipient Created Tax Invoice",
    "Amount 0.00",
    "GST 0.00",
    "Total 0.00",
    "Tax Invoice",
    "Amount 0.00",
    "GST 0.00",
    "Total 0.00",
)
"""The text lines of an all-zero Invoice PDF of run 51230."""


def invoice_pdf(lines: tuple[str, ...] | list[str] = ZERO_PDF_LINES) -> bytes:
    """An Invoice PDF (reportlab, invariant so the bytes repeat) showing ``lines``, one text
    line each from the top of one page.

    Args:
        lines: The page's text lines, as AEMO's PDF shows them.
    """
    from reportlab import rl_config
    from reportlab.pdfgen import canvas

    rl_config.invariant = 1
    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    for i, text in enumerate(lines):
        c.drawString(40, 800 - 14 * i, text)
    c.showPage()
    c.save()
    return buf.getvalue()


def line(
    variable: str, poc: PaymentOrCharge, gst_applicable: bool, amount: str, gst: str
) -> LineItem:
    """An invoice line item."""
    return LineItem(
        variable=variable,
        payment_or_charge=poc,
        gst_applicable=gst_applicable,
        amount=Decimal(amount),
        gst=Decimal(gst),
    )


def as_invoiced(computed: Invoice, source: str = "inv.json", **changes: object) -> Invoice:
    """A copy of a computed invoice as if AEMO had sent it (JSON form, with sources)."""
    lines = [
        li.model_copy(update={"source": f"{source}#/data/0/lineItems/{i}"})
        for i, li in enumerate(computed.line_items)
    ]
    update: dict[str, object] = {"line_items": lines, "source": source, "form": "json"}
    update.update(changes)
    return computed.model_copy(update=update)


def replace_line(inv: Invoice, variable: str, **changes: object) -> Invoice:
    """A copy of an invoice with one line changed."""
    lines = [
        li.model_copy(update=changes) if li.variable == variable else li for li in inv.line_items
    ]
    return inv.model_copy(update={"line_items": lines})
