"""Invoice checks (SPEC §4, §5): AEMO's invoice against the one recon recomputes.

:func:`check_invoice` compares every line and every section figure of an invoice with the
invoice :func:`recon.reconcile.arithmetic.compute_invoice` makes from the statements, and
runs :func:`check_invoice_arithmetic`: the invoice's own arithmetic (each section against
its own lines, the Payment Summary against the sections), which also runs alone where recon
cannot recompute the invoice. (:func:`recon.reconcile.tieouts.check_pdf_json` compares the
PDF and the JSON of one invoice field by field.)

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

from recon.models import aemo_names as aemo
from recon.models.decimals import CENT
from recon.models.findings import Finding, Severity
from recon.models.invoices import Invoice, LineItem, PaymentSummary, SectionTotals
from recon.models.results import LineComparison
from recon.models.statements import PaymentOrCharge, RunHeader
from recon.reconcile.arithmetic import (
    GST_ON_EXACT,
    GST_ON_ROUND_THEN_SUM,
    GST_ON_SECTION,
    ROUND_THEN_SUM,
    SUM_THEN_ROUND,
    ZERO,
    LineTotal,
    classification,
    difference_line,
    gst_of,
    in_direction,
    net_form,
    net_line,
    section_totals,
    signed,
)

LINE_ROUNDING = "the invoice's rounding-order lines"

_ORDER_TEXT = {
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
_SECTIONS = {
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
_FIELDS = {
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


def _more_less(difference: Decimal) -> str:
    return f"{money(abs(difference))} {'more' if difference > 0 else 'less'}"


def figure_label(section: str, name: str) -> str:
    """The label of a total as an analyst reads it, e.g. ``RCTI GST``."""
    return f"{_SECTIONS[section][2]} {_FIELDS[name][1]}"


def figure_source(invoice: Invoice, section: str, name: str) -> str:
    """Where a total sits: ``file#/rcti/gst`` (JSON) or ``file#Tax Invoice/GST`` (PDF)."""
    src = invoice.source or "invoice"
    if invoice.form == "pdf":
        return f"{src}#{_SECTIONS[section][1]}/{_FIELDS[name][1]}"
    return f"{src}#/{_SECTIONS[section][0]}/{_FIELDS[name][0]}"


def _line_source(invoice: Invoice, line: LineItem, index: int) -> str:
    if line.source:
        return line.source
    src = invoice.source or "invoice"
    if invoice.form == "pdf":
        return f"{src}#line {line.variable}"
    return f"{src}#/{aemo.INV_DATA}/0/{aemo.INV_LINE_ITEMS}/{index}"


def _figures(rcti: SectionTotals, tax: SectionTotals, ps: PaymentSummary) -> Figures:
    out: Figures = {}
    for section, model in (("rcti", rcti), ("tax_invoice", tax), ("payment_summary", ps)):
        for name in type(model).model_fields:
            out[(section, name)] = getattr(model, name)
    return out


def _judge(
    expected: Decimal, actual: Decimal, alternatives: dict[str, Decimal]
) -> tuple[str, str | None]:
    """Return ``("ok" | "rounding" | "differs", order)`` for a figure (SPEC §4 tolerance)."""
    if actual == expected:
        return "ok", None
    if abs(actual - expected) <= CENT:
        for name, alt in alternatives.items():
            if name != SUM_THEN_ROUND and alt == actual:
                return "rounding", name
    return "differs", None


def _poc_text(value: PaymentOrCharge) -> str:
    return value.value


def _gst_text(value: bool) -> str:
    return "GST applicable" if value else "GST not applicable"


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
        computed: :func:`~recon.reconcile.arithmetic.compute_invoice` of the run (ADJ: with
            the previous run's totals, when that run is among the inputs).
        invoiced: AEMO's invoice (JSON or PDF).
        current: The run's line totals.
        previous: The previous run's line totals (ADJ, when known); give the same as
            to ``compute_invoice``.

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
    for v, pair in _pairs(computed).items():
        shown = inv_lines.get(v, [])
        if sorted(classification(li) for _, li in shown) == sorted(map(classification, pair)):
            del comp_lines[v], inv_lines[v]
            f, cmp = _check_pair(header, invoiced, pair, shown)
            findings.extend(f)
            comparisons.extend(cmp)
        else:
            comp_lines[v] = net_line(pair, pair[-1])
    variables = list(dict.fromkeys([*comp_lines, *inv_lines]))
    what = (
        f"the change from run {computed.previous_run_id} to run {header.run_id} in the "
        "week's Summary values"
        if is_adj and computed.previous_run_id is not None
        else "the week's Summary values add up to"
    )

    def add(check: str, message: str, severity: Severity | None = None, **kw: object) -> None:
        findings.append(Finding.make(check, message, header=header, severity=severity, **kw))

    # Lines whose invoiced figure recon accepts as a rounding-order difference.
    accepted: dict[str, LineItem] = {}

    for v in variables:
        c = comp_lines.get(v)
        if c is None and v in statement_vars:
            c = difference_line(v, current.get(v), (previous or {}).get(v)) if is_adj else None
        entries = inv_lines.get(v, [])
        if not entries:
            status = "ok"
            if c is not None and (c.amount != 0 or c.gst != 0):
                status = "missing_on_invoice"
                add(
                    "invoice.line_missing",
                    f"The statement gives {v} a line of {money(c.amount)} "
                    f"(GST {money(c.gst)}) but the invoice has no line for it.",
                    variable=v,
                    expected=c.amount,
                    actual=ZERO,
                    difference=-c.amount,
                    source=invoiced.source,
                )
            comparisons.append(_comparison(header, v, c, None, status))
            continue

        index, i = entries[0]
        src = _line_source(invoiced, i, index)
        if len(entries) > 1:
            add(
                "invoice.line",
                f"Invoice line {v} appears {len(entries)} times; recon compares the first.",
                variable=v,
                expected=c.amount if c else None,
                actual=i.amount,
                difference=i.amount - c.amount if c else None,
                source=src,
            )
        if c is None:
            add(
                "invoice.line_missing",
                f"Invoice line {v} ({money(i.amount)}) has no variable in the statement.",
                variable=v,
                expected=ZERO,
                actual=i.amount,
                difference=i.amount,
                source=src,
            )
            comparisons.append(_comparison(header, v, None, i, "not_in_statement"))
            continue

        if i.payment_or_charge is not c.payment_or_charge:
            add(
                "data.classification",
                f"Invoice line {v} is shown as a {_poc_text(i.payment_or_charge)} but the "
                f"statement has it as a {_poc_text(c.payment_or_charge)}.",
                variable=v,
                expected=c.payment_or_charge.value,
                actual=i.payment_or_charge.value,
                source=src,
            )
        if i.gst_applicable != c.gst_applicable:
            add(
                "data.classification",
                f"Invoice line {v} is {_gst_text(i.gst_applicable)} but the statement has it "
                f"as {_gst_text(c.gst_applicable)}.",
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
            verdict, order = _judge(exp, act, alts)
            statuses.append(verdict)
            if verdict == "ok":
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
            if verdict == "rounding":
                assert order is not None
                if label == "amount":
                    acc_amount = act
                else:
                    acc_gst = act
                add(
                    "invoice.line",
                    f"{subject} is {_more_less(diff)} than {against}, which is what "
                    f"{_ORDER_TEXT[order]} gives.",
                    severity=Severity.INFO,
                    variable=v,
                    expected=exp,
                    actual=act,
                    difference=diff,
                    source=src,
                )
            else:
                add(
                    "invoice.line",
                    f"{subject} is {_more_less(diff)} than {against}.",
                    variable=v,
                    expected=exp,
                    actual=act,
                    difference=diff,
                    source=src,
                )
        if "differs" in statuses:
            status = "differs"
        elif "rounding" in statuses:
            status = "rounding"
            accepted[v] = c.model_copy(update={"amount": acc_amount, "gst": acc_gst})
        else:
            status = "ok"
        comparisons.append(_comparison(header, v, c, i, status))

    findings.extend(_check_totals(header, computed, invoiced, accepted))
    findings.extend(check_invoice_arithmetic(header, invoiced))
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
        status = "ok"
        for label, exp, act in (("amount", c.amount, i.amount), ("GST", c.gst, i.gst)):
            if exp == act:
                continue
            status = "differs"
            kind = "reversal" if c is pair[0] else "rebill"
            findings.append(
                Finding.make(
                    "invoice.line",
                    f"The {label} of the {kind} line of {c.variable} "
                    f"({_poc_text(c.payment_or_charge)}, {_gst_text(c.gst_applicable)}) is "
                    f"{_more_less(act - exp)} than recon's.",
                    header=header,
                    variable=c.variable,
                    expected=exp,
                    actual=act,
                    difference=act - exp,
                    source=_line_source(invoiced, i, index),
                )
            )
        comparisons.append(_comparison(header, c.variable, c, i, status))
    return findings, comparisons


def _comparison(
    header: RunHeader, variable: str, c: LineItem | None, i: LineItem | None, status: str
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
    )


def _gst_on_sections(lines: list[LineItem], prepayment_applied: Decimal) -> Figures:
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


def _check_totals(
    header: RunHeader, computed: Invoice, invoiced: Invoice, accepted: dict[str, LineItem]
) -> list[Finding]:
    """Every section figure of the invoice against recon's recomputed figure."""
    findings: list[Finding] = []
    prepay = invoiced.payment_summary.prepayment_applied
    expected = _figures(computed.rcti, computed.tax_invoice, computed.payment_summary)
    expected[("payment_summary", "amount_due")] = computed.payment_summary.total_payable - prepay
    for unknown in ("prepayment_applied", "prepayment_balance"):  # recon cannot know them
        del expected[("payment_summary", unknown)]
    actual = _figures(invoiced.rcti, invoiced.tax_invoice, invoiced.payment_summary)
    alternatives: dict[str, Figures] = {}
    if accepted:
        lines = [accepted.get(li.variable, li) for li in computed.line_items]
        lines += [li for v, li in accepted.items() if computed.line(v) is None]
        alt = _figures(*section_totals(lines, prepay))
        alternatives[LINE_ROUNDING] = alt
    alternatives[GST_ON_SECTION] = _gst_on_sections(list(computed.line_items), prepay)

    ca, ia = computed.adjustment_information, invoiced.adjustment_information
    if ca is not None:
        if ia is None:
            findings.append(
                Finding.make(
                    "invoice.total",
                    "The invoice has no Adjustment Information section although it adjusts run "
                    f"{ca.previous_run_id}.",
                    header=header,
                    expected=ca.rcti_difference,
                    source=invoiced.source,
                )
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
                    "adjustment.chain",
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
        verdict, order = _judge(exp, act, alts)
        if verdict == "ok":
            continue
        diff = act - exp
        label = figure_label(*key)
        src = figure_source(invoiced, *key)
        if verdict == "rounding":
            assert order is not None
            findings.append(
                Finding.make(
                    "invoice.total",
                    f"{label} is {_more_less(diff)} than recon's recomputed figure, which is what "
                    f"{_ORDER_TEXT[order]} gives.",
                    header=header,
                    severity=Severity.INFO,
                    expected=exp,
                    actual=act,
                    difference=diff,
                    source=src,
                )
            )
        else:
            findings.append(
                Finding.make(
                    "invoice.total",
                    f"{label} is {_more_less(diff)} than recon's recomputed figure.",
                    header=header,
                    expected=exp,
                    actual=act,
                    difference=diff,
                    source=src,
                )
            )
    return findings


def check_invoice_arithmetic(header: RunHeader, inv: Invoice) -> list[Finding]:
    """Check an invoice's own arithmetic, without statements (``invoice.total``).

    Each RCTI and Tax Invoice figure against the invoice's own Payment or Charge lines,
    each Payment Summary figure against its lines and sections (Amount Due = Total Payable
    less Prepayment Applied), and, where the artefact shows them (PDF), the Payment
    Summary's own rows against the section lines. :func:`check_invoice` runs it; call it
    alone for an invoice recon cannot recompute (an ADJ run whose previous run is missing).

    Args:
        header: The run (for the findings' header fields).
        inv: AEMO's invoice.
    """
    findings: list[Finding] = []
    ps, rcti, tax = inv.payment_summary, inv.rcti, inv.tax_invoice
    lines = list(inv.line_items)
    own_rcti, own_tax, own_ps = section_totals(lines)
    gst_alts = _gst_on_sections(lines, ps.prepayment_applied)
    checks: list[tuple[tuple[str, str], Decimal, str]] = [
        (("rcti", "amount"), own_rcti.amount, "the sum of its Payment lines"),
        (("rcti", "gst"), own_rcti.gst, "the sum of its Payment lines' GST"),
        (("rcti", "total"), rcti.amount + rcti.gst, "its RCTI Amount plus GST"),
        (("tax_invoice", "amount"), own_tax.amount, "the sum of its Charge lines"),
        (("tax_invoice", "gst"), own_tax.gst, "the sum of its Charge lines' GST"),
        (("tax_invoice", "total"), tax.amount + tax.gst, "its Tax Invoice Amount plus GST"),
        (
            ("payment_summary", "gst_applicable_amount"),
            own_ps.gst_applicable_amount,
            "the sum of its GST-applicable lines (Charges less Payments)",
        ),
        (
            ("payment_summary", "gst_not_applicable_amount"),
            own_ps.gst_not_applicable_amount,
            "the sum of its GST-free lines (Charges less Payments)",
        ),
        (("payment_summary", "gst"), tax.gst - rcti.gst, "its Tax Invoice GST less RCTI GST"),
        (
            ("payment_summary", "total_payable"),
            tax.total - rcti.total,
            "its Tax Invoice Total less RCTI Total",
        ),
        (
            ("payment_summary", "amount_due"),
            ps.total_payable - ps.prepayment_applied,
            "its Total Payable less Prepayment Applied",
        ),
    ]
    actual = _figures(rcti, tax, ps)
    for key, exp, what in checks:
        act = actual[key]
        alts = (
            {GST_ON_SECTION: gst_alts[key]}
            if key in (("rcti", "gst"), ("tax_invoice", "gst"))
            else {}
        )
        verdict, order = _judge(exp, act, alts)
        if verdict == "ok":
            continue
        diff = act - exp
        label = figure_label(*key)
        message = f"{label} on the invoice is {_more_less(diff)} than {what}"
        if verdict == "rounding":
            assert order is not None
            message += f", which is what {_ORDER_TEXT[order]} gives"
        findings.append(
            Finding.make(
                "invoice.total",
                message + ".",
                header=header,
                severity=Severity.INFO if verdict == "rounding" else None,
                expected=exp,
                actual=act,
                difference=diff,
                source=figure_source(inv, *key),
            )
        )
    if inv.summary_lines is not None:
        findings.extend(_check_summary_lines(header, inv))
    return findings


def _check_summary_lines(header: RunHeader, inv: Invoice) -> list[Finding]:
    """The Payment Summary's own line rows (PDF) against the section lines and sub-totals."""
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
                    "invoice.total",
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
                        "invoice.total",
                        f"The Payment Summary shows {v}'s {label} as {money(act)} but its "
                        f"{_section_name(s.payment_or_charge)}"
                        f" line gives {money(exp)} (signed Charges +, Payments -).",
                        header=header,
                        variable=v,
                        expected=exp,
                        actual=act,
                        difference=act - exp,
                        source=r.source or f"{src}#Payment Summary/{v}",
                    )
                )
    ps = inv.payment_summary
    for name, flag in (("gst_applicable_amount", True), ("gst_not_applicable_amount", False)):
        exp = sum((r.amount for r in inv.summary_lines if r.gst_applicable is flag), ZERO)
        act = getattr(ps, name)
        if exp != act:
            findings.append(
                Finding.make(
                    "invoice.total",
                    f"{figure_label('payment_summary', name)} on the invoice is "
                    f"{_more_less(act - exp)} than the sum of the Payment Summary's own rows.",
                    header=header,
                    expected=exp,
                    actual=act,
                    difference=act - exp,
                    source=figure_source(inv, "payment_summary", name),
                )
            )
    return findings


def _section_name(poc: PaymentOrCharge) -> str:
    """The invoice section a Payment or Charge line belongs to."""
    return "RCTI" if poc is PaymentOrCharge.PAYMENT else "Tax Invoice"
