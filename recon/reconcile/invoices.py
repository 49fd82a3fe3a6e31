"""Invoice checks (SPEC §4, §5): AEMO's invoice against the one recon recomputes.

:func:`check_invoice` compares an invoice with the invoice
:func:`recon.reconcile.recompute.compute_invoice` makes from the statements: every line
(:func:`check_lines`), then every section and Payment Summary figure
(:func:`check_sections`), which also checks the invoice's own arithmetic
(:mod:`recon.reconcile.invoice_sums`: each section against its own lines, the Payment
Summary against the sections; that check also runs alone where recon cannot recompute the
invoice). Each returns its findings and the figures it compared.
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

from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple

from recon.models.findings import CheckId, Finding, Severity
from recon.models.invoices import Invoice, LineItem
from recon.models.results import FigureComparison, FigureState, LineComparison
from recon.models.statements import RunHeader
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
    line_orders,
    net_form,
    net_line,
    section_totals,
)


class InvoiceCheck(NamedTuple):
    """What checking one invoice gives.

    Attributes:
        findings: The findings, in the order the lines and sections were checked.
        comparisons: One :class:`LineComparison` per variable on either invoice.
        figures: One :class:`FigureComparison` per figure compared (each line's amount and
            GST, every section and Payment Summary figure, the Payment Summary's own rows),
            with the verdict the findings were made from.
    """

    findings: list[Finding]
    comparisons: list[LineComparison]
    figures: list[FigureComparison]


@dataclass(frozen=True)
class _Run:
    """What every line check of one invoice needs to know."""

    header: RunHeader
    invoiced: Invoice
    current: dict[str, LineTotal]
    previous: dict[str, LineTotal] | None
    what: str
    """What recon's line amount is, as a finding says it (``... than {what}``)."""

    @property
    def is_adj(self) -> bool:
        return self.previous is not None


@dataclass
class _LineCheck:
    """One variable's line checked: its findings, comparison and figures.

    ``accepted`` is recon's line with the invoiced figures it accepts as a rounding-order
    difference put in, for the section checks (None when the line has none).
    """

    findings: list[Finding]
    comparisons: list[LineComparison]
    figures: list[FigureComparison]
    accepted: LineItem | None = None


def check_invoice(
    header: RunHeader,
    computed: Invoice,
    invoiced: Invoice,
    *,
    current: dict[str, LineTotal],
    previous: dict[str, LineTotal] | None = None,
) -> InvoiceCheck:
    """Check AEMO's invoice against the recomputed one and against its own arithmetic.

    Every line is checked (:func:`check_lines`), then every section and Payment Summary
    figure (:func:`check_sections`). Findings: ``invoice.line`` (a line's amount or GST
    differs from recon's figure), ``invoice.line_missing`` (a non-zero recomputed line is
    not invoiced, or an invoice line has no statement variable), ``invoice.total`` (a
    section, Payment Summary or Adjustment Information figure differs from recon's, or from
    the sum of the invoice's own lines), ``data.classification`` (an invoice line's
    Payment/Charge or GST flag differs from the statement's) and ``adjustment.chain`` (the
    invoice names another previous run than the one recon's chain found). Differences of at
    most one cent explained by another rounding order are ``info``. Every finding has
    expected (recon's figure), actual (AEMO's) and difference (actual - expected).

    Args:
        header: The run.
        computed: :func:`~recon.reconcile.recompute.compute_invoice` of the run (ADJ: with
            the previous run's totals, when that run is among the inputs).
        invoiced: AEMO's invoice (JSON or PDF).
        current: The run's line totals.
        previous: The previous run's line totals (ADJ, when known); give the same as
            to ``compute_invoice``.

    Returns:
        The findings, the line comparisons and the figures compared.
    """
    # SPEC §4 step 8: a reclassified variable is a reversal and a rebill line; an invoice
    # showing one net line with the same net figures is compared in that form.
    computed, _ = net_form(computed, invoiced)
    lines, accepted = check_lines(header, computed, invoiced, current=current, previous=previous)
    findings, figures = check_sections(header, computed, invoiced, accepted)
    return InvoiceCheck([*lines.findings, *findings], lines.comparisons, [*lines.figures, *figures])


def check_lines(
    header: RunHeader,
    computed: Invoice,
    invoiced: Invoice,
    *,
    current: dict[str, LineTotal],
    previous: dict[str, LineTotal] | None = None,
) -> tuple[InvoiceCheck, dict[str, LineItem]]:
    """Check every line of AEMO's invoice against recon's line of the same variable.

    A reclassified variable invoiced as a reversal and a rebill line is compared line by
    line; any other variable has one line on each side (an ADJ variable recon omitted as
    unchanged is compared as its zero difference line).

    Args:
        header: The run.
        computed: recon's invoice, in the form AEMO's shows (:func:`net_form`).
        invoiced: AEMO's invoice.
        current: The run's line totals.
        previous: The previous run's line totals (ADJ, when known).

    Returns:
        The lines' findings, comparisons and figures, and recon's lines whose invoiced
        figures it accepts as a rounding-order difference (with those figures), by variable.
    """
    out = InvoiceCheck([], [], [])
    comp_lines = {li.variable: li for li in computed.line_items}
    inv_lines: dict[str, list[tuple[int, LineItem]]] = {}
    for i, li in enumerate(invoiced.line_items):
        inv_lines.setdefault(li.variable, []).append((i, li))
    for v, pair in _pairs(computed).items():
        shown = inv_lines.get(v, [])
        if sorted(classification(li) for _, li in shown) == sorted(map(classification, pair)):
            del comp_lines[v], inv_lines[v]
            _add(out, _check_pair(header, invoiced, pair, shown))
        else:
            comp_lines[v] = net_line(pair, pair[-1])
    run = _Run(
        header,
        invoiced,
        current,
        previous,
        f"the change from run {computed.previous_run_id} to run {header.run_id} in the "
        "week's Summary values"
        if previous is not None and computed.previous_run_id is not None
        else "the week's Summary values add up to",
    )
    statement_vars = set(current) | set(previous or {})
    accepted: dict[str, LineItem] = {}
    for v in dict.fromkeys([*comp_lines, *inv_lines]):
        c = comp_lines.get(v)
        if c is None and v in statement_vars and previous is not None:
            c = difference_line(v, current.get(v), previous.get(v))
        line = _check_line(run, v, c, inv_lines.get(v, []))
        _add(out, line)
        if line.accepted is not None:
            accepted[v] = line.accepted
    return out, accepted


def _add(out: InvoiceCheck, line: _LineCheck) -> None:
    out.findings.extend(line.findings)
    out.comparisons.extend(line.comparisons)
    out.figures.extend(line.figures)


def _check_line(
    run: _Run, v: str, c: LineItem | None, entries: list[tuple[int, LineItem]]
) -> _LineCheck:
    """One variable: recon's line (None: not in the statement) against its invoice lines."""
    if not entries:
        return _uninvoiced_line(run, v, c)
    if c is None:
        return _unknown_line(run, v, entries)
    return _compared_line(run, v, c, entries)


def _uninvoiced_line(run: _Run, v: str, c: LineItem | None) -> _LineCheck:
    """recon's line that the invoice does not show: a finding unless it is zero."""
    findings: list[Finding] = []
    status, note = FigureState.AGREES, "a zero line, not invoiced"
    if c is not None and (c.amount != 0 or c.gst != 0):
        status, note = FigureState.DIFFERS, "missing on the invoice"
        findings.append(
            Finding.make(
                CheckId.INVOICE_LINE_MISSING,
                f"The statement gives {v} a line of {money(c.amount)} "
                f"(GST {money(c.gst)}) but the invoice has no line for it.",
                header=run.header,
                variable=v,
                expected=c.amount,
                actual=ZERO,
                difference=-c.amount,
                source=run.invoiced.source,
            )
        )
    lc = _comparison(run.header, v, c, None, status, note)
    return _LineCheck(findings, [lc], line_figures(lc, (status, status), run.invoiced.source))


def _repeated(
    run: _Run, v: str, c: LineItem | None, entries: list[tuple[int, LineItem]], src: str
) -> list[Finding]:
    """A finding when the invoice shows a variable more than once (the first is compared)."""
    if len(entries) < 2:
        return []
    i = entries[0][1]
    return [
        Finding.make(
            CheckId.INVOICE_LINE,
            f"Invoice line {v} appears {len(entries)} times; recon compares the first.",
            header=run.header,
            variable=v,
            expected=c.amount if c else None,
            actual=i.amount,
            difference=i.amount - c.amount if c else None,
            source=src,
        )
    ]


def _unknown_line(run: _Run, v: str, entries: list[tuple[int, LineItem]]) -> _LineCheck:
    """An invoice line whose variable is not in the statement."""
    index, i = entries[0]
    src = line_source(run.invoiced, i, index)
    findings = _repeated(run, v, None, entries, src)
    findings.append(
        Finding.make(
            CheckId.INVOICE_LINE_MISSING,
            f"Invoice line {v} ({money(i.amount)}) has no variable in the statement.",
            header=run.header,
            variable=v,
            expected=ZERO,
            actual=i.amount,
            difference=i.amount,
            source=src,
        )
    )
    lc = _comparison(run.header, v, None, i, FigureState.DIFFERS, "not in the statement")
    figures = line_figures(lc, (FigureState.DIFFERS, FigureState.DIFFERS), src)
    return _LineCheck(findings, [lc], figures)


def _compared_line(
    run: _Run, v: str, c: LineItem, entries: list[tuple[int, LineItem]]
) -> _LineCheck:
    """recon's line against the (first) invoice line of its variable: the classification,
    then the amount and the GST, each to the cent or within a rounding order."""
    index, i = entries[0]
    src = line_source(run.invoiced, i, index)
    findings = _repeated(run, v, c, entries, src)
    notes = [f"appears {len(entries)} times on the invoice"] if len(entries) > 1 else []
    findings += _classification_findings(run.header, v, c, i, src)
    amount_orders, gst_orders = line_orders(v, run.current, run.previous, c.payment_or_charge)
    statuses: list[FigureState] = []
    accepted = {"amount": c.amount, "GST": c.gst}
    for label, exp, act, alts in (
        ("amount", c.amount, i.amount, amount_orders),
        ("GST", c.gst, i.gst, gst_orders),
    ):
        verdict, order = judge(exp, act, alts)
        statuses.append(verdict)
        if verdict is FigureState.ROUNDING and order is not None:
            notes.append(f"{label}: {ORDER_TEXT[order]}")
            accepted[label] = act
        if verdict is not FigureState.AGREES:
            findings.append(_figure_finding(run, v, label, exp, act, order, src))
    line: LineItem | None = None
    if FigureState.DIFFERS in statuses or len(entries) > 1:
        status = FigureState.DIFFERS
    elif FigureState.ROUNDING in statuses:
        status = FigureState.ROUNDING
        line = c.model_copy(update={"amount": accepted["amount"], "gst": accepted["GST"]})
    else:
        status = FigureState.AGREES
    lc = _comparison(run.header, v, c, i, status, "; ".join(notes))
    figures = line_figures(lc, (statuses[0], statuses[1]), src, len(entries) > 1)
    return _LineCheck(findings, [lc], figures, line)


def _classification_findings(
    header: RunHeader, v: str, c: LineItem, i: LineItem, src: str
) -> list[Finding]:
    """An invoice line's Payment/Charge and GST flags against the statement's."""
    findings: list[Finding] = []
    if i.payment_or_charge is not c.payment_or_charge:
        findings.append(
            Finding.make(
                CheckId.DATA_CLASSIFICATION,
                f"Invoice line {v} is shown as a {poc_text(i.payment_or_charge)} but the "
                f"statement has it as a {poc_text(c.payment_or_charge)}.",
                header=header,
                variable=v,
                expected=c.payment_or_charge.value,
                actual=i.payment_or_charge.value,
                source=src,
            )
        )
    if i.gst_applicable != c.gst_applicable:
        findings.append(
            Finding.make(
                CheckId.DATA_CLASSIFICATION,
                f"Invoice line {v} is {gst_text(i.gst_applicable)} but the statement has it "
                f"as {gst_text(c.gst_applicable)}.",
                header=header,
                variable=v,
                expected="Y" if c.gst_applicable else "N",
                actual="Y" if i.gst_applicable else "N",
                source=src,
            )
        )
    return findings


def _figure_finding(
    run: _Run,
    v: str,
    label: str,
    expected: Decimal,
    actual: Decimal,
    order: str | None,
    src: str,
) -> Finding:
    """A line's amount or GST that is not recon's: ``info`` when a rounding order (named)
    explains it, else an error."""
    diff = actual - expected
    if label == "amount":
        subject, against = f"Invoice line {v}", run.what
    else:
        subject = f"The GST on invoice line {v}"
        against = (
            "the change in the recomputed line GST"
            if run.is_adj
            else "10% of the recomputed line amount"
        )
    message = f"{subject} is {more_less(diff)} than {against}"
    if order is not None:
        message += f", which is what {ORDER_TEXT[order]} gives"
    return Finding.make(
        CheckId.INVOICE_LINE,
        message + ".",
        header=run.header,
        severity=Severity.INFO if order is not None else None,
        variable=v,
        expected=expected,
        actual=actual,
        difference=diff,
        source=src,
    )


def check_sections(
    header: RunHeader, computed: Invoice, invoiced: Invoice, accepted: dict[str, LineItem]
) -> tuple[list[Finding], list[FigureComparison]]:
    """Check every section and Payment Summary figure of AEMO's invoice.

    Each figure against recon's recomputed one (with the lines recon accepted as a
    rounding-order difference as one more order) and against the invoice's own arithmetic
    (:func:`~recon.reconcile.invoice_sums.arithmetic_verdicts`).

    Args:
        header: The run.
        computed: recon's invoice, in the form AEMO's shows (:func:`net_form`).
        invoiced: AEMO's invoice.
        accepted: recon's lines with the invoiced figures accepted as a rounding-order
            difference (:func:`check_lines`).

    Returns:
        The findings, and one figure per section and Payment Summary figure and per Payment
        Summary row.
    """
    total_findings, total_verdicts = _check_totals(header, computed, invoiced, accepted)
    own_findings, own_verdicts = arithmetic_verdicts(header, invoiced)
    figures = section_figures(header, invoiced, computed, total_verdicts, own_verdicts)
    return [*total_findings, *own_findings], [*figures, *row_figures(header, invoiced)]


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
) -> _LineCheck:
    """A reclassified variable invoiced as a reversal and a rebill line, each against
    recon's line of the same classification (figures to the cent, one verdict for the
    line's amount and GST)."""
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
    figures = [f for lc in comparisons for f in line_figures(lc, (lc.status, lc.status), None)]
    return _LineCheck(findings, comparisons, figures)


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
    findings = _check_adjustment_information(
        header, computed, invoiced, (expected, actual, alternatives), verdicts
    )
    for key, exp in expected.items():
        act = actual[key]
        alts = {name: figs[key] for name, figs in alternatives.items() if key in figs}
        verdict, order = judge(exp, act, alts)
        verdicts[key] = Verdict(verdict, ORDER_TEXT[order] if order else "", exp, act)
        if verdict is not FigureState.AGREES:
            findings.append(_total_finding(header, invoiced, key, exp, act, order))
    return findings, verdicts


def _check_adjustment_information(
    header: RunHeader,
    computed: Invoice,
    invoiced: Invoice,
    figures: tuple[Figures, Figures, dict[str, Figures]],
    verdicts: Verdicts,
) -> list[Finding]:
    """An ADJ invoice's Adjustment Information: its figures join the ones compared
    (``figures``: recon's, AEMO's and each rounding order's), a missing section is a
    finding (recorded in ``verdicts``), and so is another previous run than recon's."""
    ca, ia = computed.adjustment_information, invoiced.adjustment_information
    if ca is None:
        return []
    expected, actual, alternatives = figures
    findings: list[Finding] = []
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
        for name, section in (
            ("rcti_difference", "rcti"),
            ("tax_invoice_difference", "tax_invoice"),
        ):
            key = ("adjustment_information", name)
            expected[key] = getattr(ca, name)
            actual[key] = getattr(ia, name)
            if LINE_ROUNDING in alternatives:
                alternatives[LINE_ROUNDING][key] = alternatives[LINE_ROUNDING][(section, "total")]
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
    return findings


def _total_finding(
    header: RunHeader,
    invoiced: Invoice,
    key: tuple[str, str],
    expected: Decimal,
    actual: Decimal,
    order: str | None,
) -> Finding:
    """A section figure that is not recon's: ``info`` when a rounding order (named)
    explains it, else an error."""
    diff = actual - expected
    label = figure_label(*key)
    message = f"{label} is {more_less(diff)} than recon's recomputed figure"
    if order is not None:
        message += f", which is what {ORDER_TEXT[order]} gives"
    return Finding.make(
        CheckId.INVOICE_TOTAL,
        message + ".",
        header=header,
        severity=Severity.INFO if order is not None else None,
        expected=expected,
        actual=actual,
        difference=diff,
        source=figure_source(invoiced, *key),
        figure=label,
    )
