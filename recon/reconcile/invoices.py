"""Invoice checks (SPEC §4, §5): AEMO's invoice against the one recon recomputes.

:func:`check_invoice` compares every line and every section figure of an invoice with the
invoice :func:`recon.reconcile.recompute.compute_invoice` makes from the statements, and
runs :func:`recon.reconcile.invoice_sums.check_invoice_arithmetic`: the invoice's own
arithmetic (each section against its own lines, the Payment Summary against the sections),
which also runs alone where recon cannot recompute the invoice.
(:func:`recon.reconcile.tieouts.check_pdf_json` compares the PDF and the JSON of one invoice
field by field; :mod:`recon.reconcile.figures` makes the figure verdicts.)

Tolerance (SPEC §4): two amounts agree when they are equal to the cent. A difference of one
cent or less that disappears under another rounding order is ``info``, with the order named
in the message, not an ``error``. The orders tried are:

* for a line amount: round-then-sum (each Trading Day's value rounded to cents, then
  added) instead of sum-then-round;
* for a line GST: each day's GST rounded then added; 10% of the unrounded week sum; 10% of
  the round-then-sum amount;
* for an ADJ line: the same orders applied to both runs, then subtracted;
* for a section or Payment Summary figure: the figure the invoice's own rounding-order
  lines give, and GST taken on the section's summed GST-applicable amounts instead of
  adding each line's GST.

An ADJ line whose amount and GST differences are both zero is not on the computed invoice;
AEMO's invoice may omit it or show it as zero, and neither gives a finding. Prepayment
Applied and Prepayment Balance are unknown to recon: Amount Due is checked as the
recomputed Total Payable less the invoice's own Prepayment Applied.
"""

from __future__ import annotations

from decimal import Decimal

from recon.models.findings import CheckId, Finding, Severity
from recon.models.invoices import Invoice, LineItem
from recon.models.results import FigureComparison, FigureState, LineComparison
from recon.models.statements import PaymentOrCharge, RunHeader
from recon.reconcile.figures import (
    line_figures,
    row_figures,
    section_figures,
)
from recon.reconcile.invoice_sums import (
    arithmetic_verdicts,
)
from recon.reconcile.invoice_terms import (
    LINE_ROUNDING,
    ORDER_TEXT,
    Figures,
    Verdict,
    Verdicts,
    figure_label,
    figure_source,
    figures_of,
    gst_on_sections,
    gst_text,
    judge,
    line_source,
    money,
    more_less,
    poc_text,
)
from recon.reconcile.recompute import (
    GST_ON_SECTION,
    ZERO,
    LineTotal,
    classification,
    difference_line,
    in_direction,
    net_form,
    net_line,
    section_totals,
)


def _line_alternatives(
    variable: str,
    current: dict[str, LineTotal],
    previous: dict[str, LineTotal] | None,
    poc: PaymentOrCharge,
) -> tuple[dict[str, Decimal], dict[str, Decimal]]:
    """The line's amount and GST under each rounding order (ADJ: current minus previous)."""
    cur = current.get(variable)
    if previous is None:
        if cur is None:
            return {}, {}
        return cur.amount_orders(), cur.gst_orders()
    prev = previous.get(variable)

    def orders(t: LineTotal | None, gst: bool) -> dict[str, Decimal]:
        if t is None:
            return {}
        return t.gst_orders() if gst else t.amount_orders()

    out: list[dict[str, Decimal]] = []
    for gst in (False, True):
        c, p = orders(cur, gst), orders(prev, gst)
        names = list(dict.fromkeys([*c, *p]))
        out.append(
            {
                n: in_direction(cur, poc, c.get(n, ZERO)) - in_direction(prev, poc, p.get(n, ZERO))
                for n in names
            }
        )
    return out[0], out[1]


def check_invoice(
    header: RunHeader,
    computed: Invoice,
    invoiced: Invoice,
    *,
    current: dict[str, LineTotal],
    previous: dict[str, LineTotal] | None = None,
    figures: list[FigureComparison] | None = None,
) -> tuple[list[Finding], list[LineComparison]]:
    """Check AEMO's invoice against the recomputed one and against its own arithmetic.

    Findings: ``invoice.line`` (a line's amount or GST differs from recon's figure),
    ``invoice.line_missing`` (a non-zero recomputed line is not invoiced, or an invoice line
    has no statement variable), ``invoice.total`` (a section, Payment Summary or Adjustment
    Information figure differs from recon's, or from the sum of the invoice's own lines),
    ``data.classification`` (an invoice line's Payment/Charge or GST flag differs from the
    statement's) and ``adjustment.chain`` (the invoice names another previous run than the
    one recon's chain found). Differences of at most one cent explained by another rounding
    order are ``info``. Every finding has expected (recon's figure), actual (AEMO's) and
    difference (actual - expected).

    Args:
        header: The run.
        computed: :func:`~recon.reconcile.recompute.compute_invoice` of the run (ADJ: with
            the previous run's totals, when that run is among the inputs).
        invoiced: AEMO's invoice (JSON or PDF).
        current: The run's line totals.
        previous: The previous run's line totals (ADJ, when known); give the same as
            to ``compute_invoice``.
        figures: When given, one :class:`FigureComparison` per figure compared (each
            line's amount and GST, every section and Payment Summary figure) is appended,
            with the verdict the findings were made from.

    Returns:
        The findings, and one :class:`LineComparison` per variable on either invoice.
    """
    findings: list[Finding] = []
    comparisons: list[LineComparison] = []
    is_adj = previous is not None
    statement_vars = set(current) | set(previous or {})
    # SPEC §4 step 8: a reclassified variable is a reversal and a rebill line; an invoice
    # showing one net line with the same net figures is compared in that form.
    computed, _ = net_form(computed, invoiced)
    comp_lines = {li.variable: li for li in computed.line_items}
    inv_lines: dict[str, list[tuple[int, LineItem]]] = {}
    for i, li in enumerate(invoiced.line_items):
        inv_lines.setdefault(li.variable, []).append((i, li))
    line_figs: list[FigureComparison] = []
    for v, pair in _pairs(computed).items():
        shown = inv_lines.get(v, [])
        if sorted(classification(li) for _, li in shown) == sorted(map(classification, pair)):
            del comp_lines[v], inv_lines[v]
            f, cmp = _check_pair(header, invoiced, pair, shown)
            findings.extend(f)
            comparisons.extend(cmp)
            for lc in cmp:  # one verdict for the line's amount and GST
                line_figs += line_figures(lc, (lc.status, lc.status), None)
        else:
            comp_lines[v] = net_line(pair, pair[-1])
    variables = list(dict.fromkeys([*comp_lines, *inv_lines]))
    what = (
        f"the change from run {computed.previous_run_id} to run {header.run_id} in the "
        "week's Summary values"
        if is_adj and computed.previous_run_id is not None
        else "the week's Summary values add up to"
    )

    def add(check: CheckId, message: str, severity: Severity | None = None, **kw: object) -> None:
        findings.append(Finding.make(check, message, header=header, severity=severity, **kw))

    # Lines whose invoiced figure recon accepts as a rounding-order difference.
    accepted: dict[str, LineItem] = {}

    for v in variables:
        c = comp_lines.get(v)
        if c is None and v in statement_vars:
            c = difference_line(v, current.get(v), (previous or {}).get(v)) if is_adj else None
        entries = inv_lines.get(v, [])
        if not entries:
            status, note = FigureState.AGREES, "a zero line, not invoiced"
            if c is not None and (c.amount != 0 or c.gst != 0):
                status, note = FigureState.DIFFERS, "missing on the invoice"
                add(
                    CheckId.INVOICE_LINE_MISSING,
                    f"The statement gives {v} a line of {money(c.amount)} "
                    f"(GST {money(c.gst)}) but the invoice has no line for it.",
                    variable=v,
                    expected=c.amount,
                    actual=ZERO,
                    difference=-c.amount,
                    source=invoiced.source,
                )
            comparisons.append(_comparison(header, v, c, None, status, note))
            line_figs += line_figures(comparisons[-1], (status, status), invoiced.source)
            continue

        index, i = entries[0]
        src = line_source(invoiced, i, index)
        notes: list[str] = []
        if len(entries) > 1:
            notes.append(f"appears {len(entries)} times on the invoice")
            add(
                CheckId.INVOICE_LINE,
                f"Invoice line {v} appears {len(entries)} times; recon compares the first.",
                variable=v,
                expected=c.amount if c else None,
                actual=i.amount,
                difference=i.amount - c.amount if c else None,
                source=src,
            )
        if c is None:
            add(
                CheckId.INVOICE_LINE_MISSING,
                f"Invoice line {v} ({money(i.amount)}) has no variable in the statement.",
                variable=v,
                expected=ZERO,
                actual=i.amount,
                difference=i.amount,
                source=src,
            )
            comparisons.append(
                _comparison(header, v, None, i, FigureState.DIFFERS, "not in the statement")
            )
            line_figs += line_figures(
                comparisons[-1], (FigureState.DIFFERS, FigureState.DIFFERS), src
            )
            continue

        if i.payment_or_charge is not c.payment_or_charge:
            add(
                CheckId.DATA_CLASSIFICATION,
                f"Invoice line {v} is shown as a {poc_text(i.payment_or_charge)} but the "
                f"statement has it as a {poc_text(c.payment_or_charge)}.",
                variable=v,
                expected=c.payment_or_charge.value,
                actual=i.payment_or_charge.value,
                source=src,
            )
        if i.gst_applicable != c.gst_applicable:
            add(
                CheckId.DATA_CLASSIFICATION,
                f"Invoice line {v} is {gst_text(i.gst_applicable)} but the statement has it "
                f"as {gst_text(c.gst_applicable)}.",
                variable=v,
                expected="Y" if c.gst_applicable else "N",
                actual="Y" if i.gst_applicable else "N",
                source=src,
            )

        amount_alts, gst_alts = _line_alternatives(v, current, previous, c.payment_or_charge)
        statuses = []
        acc_amount, acc_gst = c.amount, c.gst
        for label, exp, act, alts in (
            ("amount", c.amount, i.amount, amount_alts),
            ("GST", c.gst, i.gst, gst_alts),
        ):
            verdict, order = judge(exp, act, alts)
            statuses.append(verdict)
            if verdict is FigureState.ROUNDING and order is not None:
                notes.append(f"{label}: {ORDER_TEXT[order]}")
            if verdict is FigureState.AGREES:
                continue
            diff = act - exp
            subject = f"Invoice line {v}" if label == "amount" else f"The GST on invoice line {v}"
            against = (
                what
                if label == "amount"
                else (
                    "10% of the recomputed line amount"
                    if not is_adj
                    else "the change in the recomputed line GST"
                )
            )
            if verdict is FigureState.ROUNDING:
                assert order is not None
                if label == "amount":
                    acc_amount = act
                else:
                    acc_gst = act
                add(
                    CheckId.INVOICE_LINE,
                    f"{subject} is {more_less(diff)} than {against}, which is what "
                    f"{ORDER_TEXT[order]} gives.",
                    severity=Severity.INFO,
                    variable=v,
                    expected=exp,
                    actual=act,
                    difference=diff,
                    source=src,
                )
            else:
                add(
                    CheckId.INVOICE_LINE,
                    f"{subject} is {more_less(diff)} than {against}.",
                    variable=v,
                    expected=exp,
                    actual=act,
                    difference=diff,
                    source=src,
                )
        if FigureState.DIFFERS in statuses or len(entries) > 1:
            status = FigureState.DIFFERS
        elif FigureState.ROUNDING in statuses:
            status = FigureState.ROUNDING
            accepted[v] = c.model_copy(update={"amount": acc_amount, "gst": acc_gst})
        else:
            status = FigureState.AGREES
        comparisons.append(_comparison(header, v, c, i, status, "; ".join(notes)))
        line_figs += line_figures(comparisons[-1], tuple(statuses), src, len(entries) > 1)

    total_findings, total_verdicts = _check_totals(header, computed, invoiced, accepted)
    own_findings, own_verdicts = arithmetic_verdicts(header, invoiced)
    findings.extend(total_findings)
    findings.extend(own_findings)
    if figures is not None:
        figures.extend(line_figs)
        figures.extend(section_figures(header, invoiced, computed, total_verdicts, own_verdicts))
        figures.extend(row_figures(header, invoiced))
    return findings, comparisons


def _pairs(inv: Invoice) -> dict[str, list[LineItem]]:
    """Variables with a reversal and a rebill line (SPEC §4 step 8), and the two lines."""
    by_var: dict[str, list[LineItem]] = {}
    for li in inv.line_items:
        by_var.setdefault(li.variable, []).append(li)
    return {v: ls for v, ls in by_var.items() if len(ls) == 2}


def _check_pair(
    header: RunHeader,
    invoiced: Invoice,
    pair: list[LineItem],
    shown: list[tuple[int, LineItem]],
) -> tuple[list[Finding], list[LineComparison]]:
    """A reclassified variable invoiced as a reversal and a rebill line, each against
    recon's line of the same classification (figures to the cent)."""
    findings: list[Finding] = []
    comparisons: list[LineComparison] = []
    for c in pair:
        index, i = next((n, li) for n, li in shown if classification(li) == classification(c))
        status = FigureState.AGREES
        for label, exp, act in (("amount", c.amount, i.amount), ("GST", c.gst, i.gst)):
            if exp == act:
                continue
            status = FigureState.DIFFERS
            kind = "reversal" if c is pair[0] else "rebill"
            findings.append(
                Finding.make(
                    CheckId.INVOICE_LINE,
                    f"The {label} of the {kind} line of {c.variable} "
                    f"({poc_text(c.payment_or_charge)}, {gst_text(c.gst_applicable)}) is "
                    f"{more_less(act - exp)} than recon's.",
                    header=header,
                    variable=c.variable,
                    expected=exp,
                    actual=act,
                    difference=act - exp,
                    source=line_source(invoiced, i, index),
                )
            )
        comparisons.append(_comparison(header, c.variable, c, i, status))
    return findings, comparisons


def _comparison(
    header: RunHeader,
    variable: str,
    c: LineItem | None,
    i: LineItem | None,
    status: FigureState,
    note: str = "",
    source: str | None = None,
) -> LineComparison:
    base = c if c is not None else i
    assert base is not None
    return LineComparison(
        participant=header.participant,
        period=header.period,
        run_id=header.run_id,
        designation=header.designation.value,
        variable=variable,
        description=(i.description if i is not None and i.description else base.description),
        payment_or_charge=base.payment_or_charge.value,
        gst_applicable=base.gst_applicable,
        computed_amount=c.amount if c else None,
        computed_gst=c.gst if c else None,
        invoiced_amount=i.amount if i else None,
        invoiced_gst=i.gst if i else None,
        status=status,
        note=note,
    )


def _check_totals(
    header: RunHeader, computed: Invoice, invoiced: Invoice, accepted: dict[str, LineItem]
) -> tuple[list[Finding], Verdicts]:
    """Every section figure of the invoice against recon's recomputed figure."""
    findings: list[Finding] = []
    verdicts: Verdicts = {}
    prepay = invoiced.payment_summary.prepayment_applied
    expected = figures_of(computed.rcti, computed.tax_invoice, computed.payment_summary)
    expected[("payment_summary", "amount_due")] = computed.payment_summary.total_payable - prepay
    for unknown in ("prepayment_applied", "prepayment_balance"):  # recon cannot know them
        del expected[("payment_summary", unknown)]
    actual = figures_of(invoiced.rcti, invoiced.tax_invoice, invoiced.payment_summary)
    alternatives: dict[str, Figures] = {}
    if accepted:
        lines = [accepted.get(li.variable, li) for li in computed.line_items]
        lines += [li for v, li in accepted.items() if computed.line(v) is None]
        alt = figures_of(*section_totals(lines, prepay))
        alternatives[LINE_ROUNDING] = alt
    alternatives[GST_ON_SECTION] = gst_on_sections(list(computed.line_items), prepay)

    ca, ia = computed.adjustment_information, invoiced.adjustment_information
    if ca is not None:
        if ia is None:
            findings.append(
                Finding.make(
                    CheckId.INVOICE_TOTAL,
                    "The invoice has no Adjustment Information section although it adjusts run "
                    f"{ca.previous_run_id}.",
                    header=header,
                    expected=ca.rcti_difference,
                    source=invoiced.source,
                    figure="Adjustment Information",
                )
            )
            for name in ("rcti_difference", "tax_invoice_difference"):
                verdicts[("adjustment_information", name)] = Verdict(
                    FigureState.DIFFERS,
                    "the invoice has no Adjustment Information section",
                    getattr(ca, name),
                    None,
                    invoiced.source,
                )
        else:
            expected[("adjustment_information", "rcti_difference")] = ca.rcti_difference
            expected[("adjustment_information", "tax_invoice_difference")] = (
                ca.tax_invoice_difference
            )
            actual[("adjustment_information", "rcti_difference")] = ia.rcti_difference
            actual[("adjustment_information", "tax_invoice_difference")] = ia.tax_invoice_difference
            if LINE_ROUNDING in alternatives:
                alternatives[LINE_ROUNDING][("adjustment_information", "rcti_difference")] = (
                    alternatives[LINE_ROUNDING][("rcti", "total")]
                )
                alternatives[LINE_ROUNDING][
                    ("adjustment_information", "tax_invoice_difference")
                ] = alternatives[LINE_ROUNDING][("tax_invoice", "total")]
        named = ia.previous_run_id if ia is not None else invoiced.previous_run_id
        if named is not None and named != ca.previous_run_id:
            findings.append(
                Finding.make(
                    CheckId.ADJUSTMENT_CHAIN,
                    f"The invoice adjusts run {named} but the previous published run of this "
                    f"week among the inputs is run {ca.previous_run_id}.",
                    header=header,
                    expected=str(ca.previous_run_id),
                    actual=str(named),
                    source=figure_source(invoiced, "adjustment_information", "previous_run_id"),
                )
            )

    for key, exp in expected.items():
        act = actual[key]
        alts = {name: figs[key] for name, figs in alternatives.items() if key in figs}
        verdict, order = judge(exp, act, alts)
        verdicts[key] = Verdict(verdict, ORDER_TEXT[order] if order else "", exp, act)
        if verdict is FigureState.AGREES:
            continue
        diff = act - exp
        label = figure_label(*key)
        src = figure_source(invoiced, *key)
        if verdict is FigureState.ROUNDING:
            assert order is not None
            findings.append(
                Finding.make(
                    CheckId.INVOICE_TOTAL,
                    f"{label} is {more_less(diff)} than recon's recomputed figure, which is what "
                    f"{ORDER_TEXT[order]} gives.",
                    header=header,
                    severity=Severity.INFO,
                    expected=exp,
                    actual=act,
                    difference=diff,
                    source=src,
                    figure=label,
                )
            )
        else:
            findings.append(
                Finding.make(
                    CheckId.INVOICE_TOTAL,
                    f"{label} is {more_less(diff)} than recon's recomputed figure.",
                    header=header,
                    expected=exp,
                    actual=act,
                    difference=diff,
                    source=src,
                    figure=label,
                )
            )
    return findings, verdicts
