"""An invoice's own arithmetic (SPEC §5 ``invoice.total``), without statements.

Each RCTI and Tax Invoice figure against the invoice's own lines, each Payment Summary
figure against its lines and sections, and (PDF) the Payment Summary's own rows against the
section lines. :func:`recon.reconcile.invoices.check_invoice` runs it; it also runs alone
where recon cannot recompute the invoice.
"""

from __future__ import annotations

from decimal import Decimal

from recon.models.findings import CheckId, Finding, Severity
from recon.models.invoices import Invoice
from recon.models.results import FigureComparison, FigureState
from recon.models.statements import RunHeader
from recon.reconcile.figures import (
    row_figures,
    section_figures,
)
from recon.reconcile.invoice_terms import (
    ORDER_TEXT,
    Verdict,
    Verdicts,
    figure_label,
    figure_source,
    figures_of,
    gst_on_sections,
    judge,
    money,
    more_less,
    section_name,
)
from recon.reconcile.recompute import (
    GST_ON_SECTION,
    ZERO,
    section_totals,
    signed,
)


def check_invoice_arithmetic(
    header: RunHeader, inv: Invoice
) -> tuple[list[Finding], list[FigureComparison]]:
    """Check an invoice's own arithmetic, without statements (``invoice.total``).

    Each RCTI and Tax Invoice figure against the invoice's own Payment or Charge lines,
    each Payment Summary figure against its lines and sections (Amount Due = Total Payable
    less Prepayment Applied), and, where the artefact shows them (PDF), the Payment
    Summary's own rows against the section lines.
    :func:`~recon.reconcile.invoices.check_invoice` runs it; call it alone for an invoice
    recon cannot recompute (an ADJ run whose previous run is missing).

    Args:
        header: The run (for the findings' header fields).
        inv: AEMO's invoice.

    Returns:
        The findings, and one :class:`FigureComparison` per section and Payment Summary
        figure and per Payment Summary row (recon's figure being the invoice's own
        arithmetic).
    """
    findings, verdicts = arithmetic_verdicts(header, inv)
    figures = section_figures(header, inv, None, {}, verdicts)
    return findings, [*figures, *row_figures(header, inv)]


def arithmetic_verdicts(header: RunHeader, inv: Invoice) -> tuple[list[Finding], Verdicts]:
    """The findings of :func:`check_invoice_arithmetic` and each figure's verdict."""
    findings: list[Finding] = []
    verdicts: Verdicts = {}
    ps, rcti, tax = inv.payment_summary, inv.rcti, inv.tax_invoice
    lines = list(inv.line_items)
    own_rcti, own_tax, own_ps = section_totals(lines)
    gst_alts = gst_on_sections(lines, ps.prepayment_applied)
    # Each figure, what the invoice's own arithmetic gives for it, how a finding says that
    # ("... less than {what}") and how the figure's verdict says it ("... add up to $X").
    checks: list[tuple[tuple[str, str], Decimal, str, str]] = [
        (
            ("rcti", "amount"),
            own_rcti.amount,
            "the sum of its Payment lines",
            "the invoice's own Payment lines add up to",
        ),
        (
            ("rcti", "gst"),
            own_rcti.gst,
            "the sum of its Payment lines' GST",
            "the GST of the invoice's own Payment lines adds up to",
        ),
        (
            ("rcti", "total"),
            rcti.amount + rcti.gst,
            "its RCTI Amount plus GST",
            "the invoice's RCTI Amount plus GST is",
        ),
        (
            ("tax_invoice", "amount"),
            own_tax.amount,
            "the sum of its Charge lines",
            "the invoice's own Charge lines add up to",
        ),
        (
            ("tax_invoice", "gst"),
            own_tax.gst,
            "the sum of its Charge lines' GST",
            "the GST of the invoice's own Charge lines adds up to",
        ),
        (
            ("tax_invoice", "total"),
            tax.amount + tax.gst,
            "its Tax Invoice Amount plus GST",
            "the invoice's Tax Invoice Amount plus GST is",
        ),
        (
            ("payment_summary", "gst_applicable_amount"),
            own_ps.gst_applicable_amount,
            "the sum of its GST-applicable lines (Charges less Payments)",
            "the invoice's own GST-applicable lines (Charges less Payments) add up to",
        ),
        (
            ("payment_summary", "gst_not_applicable_amount"),
            own_ps.gst_not_applicable_amount,
            "the sum of its GST-free lines (Charges less Payments)",
            "the invoice's own GST-free lines (Charges less Payments) add up to",
        ),
        (
            ("payment_summary", "gst"),
            tax.gst - rcti.gst,
            "its Tax Invoice GST less RCTI GST",
            "the invoice's Tax Invoice GST less RCTI GST is",
        ),
        (
            ("payment_summary", "total_payable"),
            tax.total - rcti.total,
            "its Tax Invoice Total less RCTI Total",
            "the invoice's Tax Invoice Total less RCTI Total is",
        ),
        (
            ("payment_summary", "amount_due"),
            ps.total_payable - ps.prepayment_applied,
            "its Total Payable less Prepayment Applied",
            "the invoice's Total Payable less Prepayment Applied is",
        ),
    ]
    actual = figures_of(rcti, tax, ps)
    for key, exp, what, says in checks:
        act = actual[key]
        alts = (
            {GST_ON_SECTION: gst_alts[key]}
            if key in (("rcti", "gst"), ("tax_invoice", "gst"))
            else {}
        )
        verdict, order = judge(exp, act, alts)
        verdicts[key] = Verdict(
            verdict,
            f"{says} {money(exp)}" + (f" ({ORDER_TEXT[order]})" if order else "")
            if verdict is not FigureState.AGREES
            else "",
            exp,
            act,
        )
        if verdict is FigureState.AGREES:
            continue
        diff = act - exp
        label = figure_label(*key)
        message = f"{label} on the invoice is {more_less(diff)} than {what}"
        if verdict is FigureState.ROUNDING:
            assert order is not None
            message += f", which is what {ORDER_TEXT[order]} gives"
        findings.append(
            Finding.make(
                CheckId.INVOICE_TOTAL,
                message + ".",
                header=header,
                severity=Severity.INFO if verdict is FigureState.ROUNDING else None,
                expected=exp,
                actual=act,
                difference=diff,
                source=figure_source(inv, *key),
                figure=label,
            )
        )
    if inv.summary_lines is not None:
        findings.extend(_check_summary_lines(header, inv, verdicts))
    return findings, verdicts


def _check_summary_lines(
    header: RunHeader, inv: Invoice, verdicts: Verdicts | None = None
) -> list[Finding]:
    """The Payment Summary's own line rows (PDF) against the section lines and sub-totals.

    A sub-total that differs is recorded in ``verdicts`` as well (when given).
    """
    findings: list[Finding] = []
    assert inv.summary_lines is not None
    src = inv.source or "invoice"
    sections = {li.variable: li for li in inv.line_items}
    rows = {li.variable: li for li in inv.summary_lines}
    for v in dict.fromkeys([*sections, *rows]):
        s, r = sections.get(v), rows.get(v)
        if s is None or r is None:
            where = "Payment Summary" if r is not None else "RCTI or Tax Invoice"
            other = "RCTI or Tax Invoice" if r is not None else "Payment Summary"
            present = r if r is not None else s
            assert present is not None
            findings.append(
                Finding.make(
                    CheckId.INVOICE_TOTAL,
                    f"Line {v} is in the invoice's {where} but not in its {other}.",
                    header=header,
                    variable=v,
                    expected=None,
                    actual=present.amount,
                    source=present.source or f"{src}#Payment Summary/{v}",
                )
            )
            continue
        for label, exp, act in (
            ("amount", signed(s.amount, s.payment_or_charge), r.amount),
            ("GST", signed(s.gst, s.payment_or_charge), r.gst),
        ):
            if exp != act:
                findings.append(
                    Finding.make(
                        CheckId.INVOICE_TOTAL,
                        f"The Payment Summary shows {v}'s {label} as {money(act)} but its "
                        f"{section_name(s.payment_or_charge)}"
                        f" line gives {money(exp)} (signed Charges +, Payments -).",
                        header=header,
                        variable=v,
                        expected=exp,
                        actual=act,
                        difference=act - exp,
                        source=r.source or f"{src}#Payment Summary/{v}",
                        figure=f"Payment Summary {label}",
                    )
                )
    ps = inv.payment_summary
    for name, flag in (("gst_applicable_amount", True), ("gst_not_applicable_amount", False)):
        exp = sum((r.amount for r in inv.summary_lines if r.gst_applicable is flag), ZERO)
        act = getattr(ps, name)
        if exp != act and verdicts is not None:
            verdicts[("payment_summary", name)] = Verdict(
                FigureState.DIFFERS,
                f"the Payment Summary's own rows add up to {money(exp)}",
                exp,
                act,
            )
        if exp != act:
            findings.append(
                Finding.make(
                    CheckId.INVOICE_TOTAL,
                    f"{figure_label('payment_summary', name)} on the invoice is "
                    f"{more_less(act - exp)} than the sum of the Payment Summary's own rows.",
                    header=header,
                    expected=exp,
                    actual=act,
                    difference=act - exp,
                    source=figure_source(inv, "payment_summary", name),
                    figure=figure_label("payment_summary", name),
                )
            )
    return findings
