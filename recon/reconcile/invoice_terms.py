"""What the invoice checks share (SPEC §4, §6): the invoice's sections and figures by name,
where a figure sits in its file, the money format, and the one-cent rounding-order tolerance.

Used by :mod:`recon.reconcile.invoices` (AEMO's invoice against the recomputed one),
:mod:`recon.reconcile.invoice_sums` (the invoice's own arithmetic),
:mod:`recon.reconcile.figures` (the figure verdicts) and :mod:`recon.reconcile.tieouts`.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from recon.models import aemo_names as aemo
from recon.models.decimals import CENT
from recon.models.invoices import Invoice, LineItem, PaymentSummary, SectionTotals
from recon.models.results import FigureState
from recon.models.statements import PaymentOrCharge
from recon.reconcile.recompute import (
    GST_ON_EXACT,
    GST_ON_ROUND_THEN_SUM,
    GST_ON_SECTION,
    ROUND_THEN_SUM,
    SUM_THEN_ROUND,
    ZERO,
    gst_of,
    section_totals,
)

LINE_ROUNDING = "the invoice's rounding-order lines"

ORDER_TEXT = {
    ROUND_THEN_SUM: "rounding each Trading Day to cents before adding (round-then-sum "
    "rather than sum-then-round)",
    GST_ON_EXACT: "taking 10% of the unrounded week sum rather than of the rounded line amount",
    GST_ON_ROUND_THEN_SUM: "taking 10% of the round-then-sum line amount (rounding each "
    "Trading Day before adding)",
    GST_ON_SECTION: "taking 10% of the section's summed GST-applicable amounts rather than "
    "adding each line's rounded GST",
    LINE_ROUNDING: "adding up the invoice's lines (whose one-cent differences come from "
    "rounding order)",
}


_JS, _JF = aemo.INVOICE_SECTIONS, aemo.INVOICE_FIGURES  # the JSON names
SECTIONS = {
    "rcti": (_JS["rcti"], "Recipient Created Tax Invoice", "RCTI"),
    "tax_invoice": (_JS["tax_invoice"], "Tax Invoice", "Tax Invoice"),
    "payment_summary": (
        _JS["payment_summary"],
        "Payment Summary",
        "Payment Summary",
    ),
    "adjustment_information": (
        _JS["adjustment_information"],
        "Adjustment Information",
        "Adjustment Information",
    ),
}
FIELDS = {
    "amount": (_JF["amount"], "Amount"),
    "gst": (_JF["gst"], "GST"),
    "total": (_JF["total"], "Total"),
    "gst_applicable_amount": (
        _JF["gst_applicable_amount"],
        "GST Applicable Amount",
    ),
    "gst_not_applicable_amount": (
        _JF["gst_not_applicable_amount"],
        "GST Not Applicable Amount",
    ),
    "total_payable": (_JF["total_payable"], "Total Payable"),
    "prepayment_applied": (_JF["prepayment_applied"], "Prepayment Applied"),
    "amount_due": (_JF["amount_due"], "Amount Due"),
    "prepayment_balance": (_JF["prepayment_balance"], "Prepayment Balance"),
    "previous_run_id": (_JF["previous_run_id"], "Previous Run"),
    "rcti_difference": (_JF["rcti_difference"], "RCTI Difference"),
    "tax_invoice_difference": (
        _JF["tax_invoice_difference"],
        "Tax Invoice Difference",
    ),
}

Figures = dict[tuple[str, str], Decimal]
"""(section attribute, field attribute) -> figure."""


def money(value: Decimal) -> str:
    """Format an amount for a message: ``$1,234.56`` or ``-$1,234.56``."""
    return f"{'-' if value < 0 else ''}${abs(value):,.2f}"


def more_less(difference: Decimal) -> str:
    return f"{money(abs(difference))} {'more' if difference > 0 else 'less'}"


def figure_label(section: str, name: str) -> str:
    """The label of a total as an analyst reads it, e.g. ``RCTI GST``."""
    return f"{SECTIONS[section][2]} {FIELDS[name][1]}"


def figure_source(invoice: Invoice, section: str, name: str) -> str:
    """Where a total sits: ``file#/rcti/gst`` (JSON) or ``file#Tax Invoice/GST`` (PDF)."""
    src = invoice.source or "invoice"
    if invoice.form == "pdf":
        return f"{src}#{SECTIONS[section][1]}/{FIELDS[name][1]}"
    return f"{src}#/{SECTIONS[section][0]}/{FIELDS[name][0]}"


def figure_of_source(source: str | None) -> str | None:
    """The figure a source names, e.g. ``RCTI Total`` for ``file#/rcti/total`` or
    ``file#Recipient Created Tax Invoice/Total``; None when it names no section figure."""
    if not source or "#" not in source:
        return None
    anchor = source.rsplit("#", 1)[1].strip("/")
    part, _, field = anchor.partition("/")
    for section, (json_name, pdf_name, _label) in SECTIONS.items():
        if part in (json_name, pdf_name):
            for name, (json_field, pdf_field) in FIELDS.items():
                if field in (json_field, pdf_field):
                    return figure_label(section, name)
    return None


def line_source(invoice: Invoice, line: LineItem, index: int) -> str:
    if line.source:
        return line.source
    src = invoice.source or "invoice"
    if invoice.form == "pdf":
        return f"{src}#line {line.variable}"
    return f"{src}#/{aemo.INV_DATA}/0/{aemo.INV_LINE_ITEMS}/{index}"


def figures_of(rcti: SectionTotals, tax: SectionTotals, ps: PaymentSummary) -> Figures:
    out: Figures = {}
    for section, model in (("rcti", rcti), ("tax_invoice", tax), ("payment_summary", ps)):
        for name in type(model).model_fields:
            out[(section, name)] = getattr(model, name)
    return out


def judge(
    expected: Decimal, actual: Decimal, alternatives: dict[str, Decimal]
) -> tuple[FigureState, str | None]:
    """A figure's verdict (SPEC §4 tolerance) and the rounding order that explains a
    one-cent difference (None unless the verdict is ``rounding``)."""
    if actual == expected:
        return FigureState.AGREES, None
    if abs(actual - expected) <= CENT:
        for name, alt in alternatives.items():
            if name != SUM_THEN_ROUND and alt == actual:
                return FigureState.ROUNDING, name
    return FigureState.DIFFERS, None


def poc_text(value: PaymentOrCharge) -> str:
    return value.value


def gst_text(value: bool) -> str:
    return "GST applicable" if value else "GST not applicable"


def gst_on_sections(lines: list[LineItem], prepayment_applied: Decimal) -> Figures:
    """The section figures with GST taken on each section's summed GST-applicable amounts."""
    rcti, tax, _ = section_totals(lines)

    def section_gst(poc: PaymentOrCharge) -> Decimal:
        base = sum(
            (li.amount for li in lines if li.payment_or_charge is poc and li.gst_applicable), ZERO
        )
        return gst_of(base, True)

    rgst, tgst = section_gst(PaymentOrCharge.PAYMENT), section_gst(PaymentOrCharge.CHARGE)
    out = {
        ("rcti", "gst"): rgst,
        ("rcti", "total"): rcti.amount + rgst,
        ("tax_invoice", "gst"): tgst,
        ("tax_invoice", "total"): tax.amount + tgst,
        ("payment_summary", "gst"): tgst - rgst,
    }
    payable = (tax.amount + tgst) - (rcti.amount + rgst)
    out[("payment_summary", "total_payable")] = payable
    out[("payment_summary", "amount_due")] = payable - prepayment_applied
    return out


@dataclass(frozen=True)
class Verdict:
    """How one section figure was judged: status, why, and the two figures compared."""

    status: FigureState
    note: str
    expected: Decimal | None
    actual: Decimal | None
    source: str | None = None


Verdicts = dict[tuple[str, str], Verdict]


def section_name(poc: PaymentOrCharge) -> str:
    """The invoice section a Payment or Charge line belongs to."""
    return "RCTI" if poc is PaymentOrCharge.PAYMENT else "Tax Invoice"
