"""Invoice models (SPEC §3.3, §3.4, Guide §4): line items and the four sections."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from recon.models.decimals import Money
from recon.models.findings import Finding
from recon.models.statements import Designation, PaymentOrCharge


class LineItem(BaseModel):
    """One invoice line, in the statement's direction (SPEC §4 step 6).

    Attributes:
        variable: The Summary variable (``..._P_D``) the line totals.
        description: AEMO's description.
        payment_or_charge: Payment or Charge.
        gst_applicable: Whether GST applies.
        amount: The line amount (for ADJ runs, the difference to the previous run).
        gst: The line GST (likewise).
        source: Where it was read (file and JSON path or PDF page).
    """

    model_config = ConfigDict(frozen=True)

    variable: str
    description: str = ""
    payment_or_charge: PaymentOrCharge
    gst_applicable: bool
    amount: Money
    gst: Money
    source: str | None = None


class PaymentSummary(BaseModel):
    """The Payment Summary totals (SPEC §4 step 5). Positive total: the participant pays."""

    model_config = ConfigDict(frozen=True)

    gst_applicable_amount: Money
    gst_not_applicable_amount: Money
    gst: Money
    total_payable: Money
    prepayment_applied: Money
    amount_due: Money
    prepayment_balance: Money


class SectionTotals(BaseModel):
    """Totals of the RCTI or the Tax Invoice section."""

    model_config = ConfigDict(frozen=True)

    amount: Money
    gst: Money
    total: Money


class AdjustmentInformation(BaseModel):
    """Adjustment Information (ADJ invoices only)."""

    model_config = ConfigDict(frozen=True)

    previous_run_id: int
    rcti_difference: Money
    tax_invoice_difference: Money


INVOICE_TOTALS: dict[str, tuple[str, ...]] = {
    "payment_summary": (
        "gst_applicable_amount",
        "gst_not_applicable_amount",
        "gst",
        "total_payable",
        "prepayment_applied",
        "amount_due",
        "prepayment_balance",
    ),
    "rcti": ("amount", "gst", "total"),
    "tax_invoice": ("amount", "gst", "total"),
    "adjustment_information": ("rcti_difference", "tax_invoice_difference"),
}
"""The money figures of each invoice section, in the order reports list them:
:class:`Invoice` attribute -> the fields of its section (stored in ``invoice_totals``)."""


class Invoice(BaseModel):
    """An invoice for one participant, Trading Week and run.

    Attributes:
        invoice_number: e.g. ``WEM-INV-50000-IMOWA``.
        run_id: The run invoiced.
        previous_run_id: The previous published run (ADJ only).
        designation: INITIAL or ADJn.
        period: The Trading Week label.
        participant: ParticipantCode.
        issued_at: When issued (a date from the PDF is read as midnight).
        trade_week: The ``tradeWeek`` the lines are keyed by.
        line_items: Every line, in the statement's direction.
        payment_summary: The Payment Summary totals.
        rcti: Recipient Created Tax Invoice totals.
        tax_invoice: Tax Invoice totals.
        adjustment_information: ADJ only.
        summary_lines: The Payment Summary's own line rows, signed Charge + / Payment -,
            where the artefact shows them (the PDF); None otherwise.
        source: The file read.
        form: ``json`` or ``pdf``.
        findings: ``data.*`` findings met reading it: a line item that could not be read
            (an amount that is not a number, an unknown Payment/Charge) is left out and
            reported here, and the rest of the invoice is still checked.
    """

    invoice_number: str
    run_id: int
    previous_run_id: int | None = None
    designation: Designation
    period: str
    participant: str
    issued_at: datetime | None = None
    trade_week: str | None = None
    line_items: list[LineItem]
    payment_summary: PaymentSummary
    rcti: SectionTotals
    tax_invoice: SectionTotals
    adjustment_information: AdjustmentInformation | None = None
    summary_lines: list[LineItem] | None = None
    source: str | None = None
    form: str = Field(default="json")
    findings: list[Finding] = Field(default_factory=list)

    def line(self, variable: str) -> LineItem | None:
        """Return the line for a variable, or None."""
        return next((li for li in self.line_items if li.variable == variable), None)
