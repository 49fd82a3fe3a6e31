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

from dataclasses import dataclass
from decimal import Decimal

from recon.models import aemo_names as aemo
from recon.models.decimals import CENT
from recon.models.findings import Finding, Severity
from recon.models.invoices import Invoice, LineItem, PaymentSummary, SectionTotals
from recon.models.results import (
    AGREES,
    DIFFERS,
    FROM_INVOICE,
    NOT_COMPARABLE,
    ROUNDING,
    FigureComparison,
    LineComparison,
)
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


def figure_of_source(source: str | None) -> str | None:
    """The figure a source names, e.g. ``RCTI Total`` for ``file#/rcti/total`` or
    ``file#Recipient Created Tax Invoice/Total``; None when it names no section figure."""
    if not source or "#" not in source:
        return None
    anchor = source.rsplit("#", 1)[1].strip("/")
    part, _, field = anchor.partition("/")
    for section, (json_name, pdf_name, _label) in _SECTIONS.items():
        if part in (json_name, pdf_name):
            for name, (json_field, pdf_field) in _FIELDS.items():
                if field in (json_field, pdf_field):
                    return figure_label(section, name)
    return None


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
        computed: :func:`~recon.reconcile.arithmetic.compute_invoice` of the run (ADJ: with
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
                line_figs += _line_figures(lc, (lc.status, lc.status), None)
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
            status, note = AGREES, "a zero line, not invoiced"
            if c is not None and (c.amount != 0 or c.gst != 0):
                status, note = DIFFERS, "missing on the invoice"
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
            comparisons.append(_comparison(header, v, c, None, status, note))
            line_figs += _line_figures(comparisons[-1], (status, status), invoiced.source)
            continue

        index, i = entries[0]
        src = _line_source(invoiced, i, index)
        notes: list[str] = []
        if len(entries) > 1:
            notes.append(f"appears {len(entries)} times on the invoice")
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
            comparisons.append(_comparison(header, v, None, i, DIFFERS, "not in the statement"))
            line_figs += _line_figures(comparisons[-1], (DIFFERS, DIFFERS), src)
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
            if verdict == "rounding" and order is not None:
                notes.append(f"{label}: {_ORDER_TEXT[order]}")
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
        if "differs" in statuses or len(entries) > 1:
            status = DIFFERS
        elif "rounding" in statuses:
            status = ROUNDING
            accepted[v] = c.model_copy(update={"amount": acc_amount, "gst": acc_gst})
        else:
            status = AGREES
        comparisons.append(_comparison(header, v, c, i, status, "; ".join(notes)))
        line_figs += _line_figures(
            comparisons[-1], tuple(_VERDICT_STATUS[x] for x in statuses), src, len(entries) > 1
        )

    total_findings, total_verdicts = _check_totals(header, computed, invoiced, accepted)
    own_findings, own_verdicts = _arithmetic(header, invoiced)
    findings.extend(total_findings)
    findings.extend(own_findings)
    if figures is not None:
        figures.extend(line_figs)
        figures.extend(_section_figures(header, invoiced, computed, total_verdicts, own_verdicts))
        figures.extend(_row_figures(header, invoiced))
    return findings, comparisons


_VERDICT_STATUS = {"ok": AGREES, "rounding": ROUNDING, "differs": DIFFERS}
_WORSE = {AGREES: 0, NOT_COMPARABLE: 1, FROM_INVOICE: 1, ROUNDING: 2, DIFFERS: 3}


def worse(a: str, b: str) -> str:
    """The worse of two figure statuses (differs > rounding > the rest)."""
    return a if _WORSE.get(a, 0) >= _WORSE.get(b, 0) else b


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
    header: RunHeader,
    variable: str,
    c: LineItem | None,
    i: LineItem | None,
    status: str,
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


@dataclass(frozen=True)
class _Verdict:
    """How one section figure was judged: status, why, and the two figures compared."""

    status: str
    note: str
    expected: Decimal | None
    actual: Decimal | None
    source: str | None = None


Verdicts = dict[tuple[str, str], _Verdict]


def _check_totals(
    header: RunHeader, computed: Invoice, invoiced: Invoice, accepted: dict[str, LineItem]
) -> tuple[list[Finding], Verdicts]:
    """Every section figure of the invoice against recon's recomputed figure."""
    findings: list[Finding] = []
    verdicts: Verdicts = {}
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
            for name in ("rcti_difference", "tax_invoice_difference"):
                verdicts[("adjustment_information", name)] = _Verdict(
                    DIFFERS,
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
        verdicts[key] = _Verdict(
            _VERDICT_STATUS[verdict], _ORDER_TEXT[order] if order else "", exp, act
        )
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
    return findings, verdicts


def check_invoice_arithmetic(
    header: RunHeader, inv: Invoice, *, figures: list[FigureComparison] | None = None
) -> list[Finding]:
    """Check an invoice's own arithmetic, without statements (``invoice.total``).

    Each RCTI and Tax Invoice figure against the invoice's own Payment or Charge lines,
    each Payment Summary figure against its lines and sections (Amount Due = Total Payable
    less Prepayment Applied), and, where the artefact shows them (PDF), the Payment
    Summary's own rows against the section lines. :func:`check_invoice` runs it; call it
    alone for an invoice recon cannot recompute (an ADJ run whose previous run is missing).

    Args:
        header: The run (for the findings' header fields).
        inv: AEMO's invoice.
        figures: When given, one :class:`FigureComparison` per section and Payment Summary
            figure is appended (recon's figure being the invoice's own arithmetic).
    """
    findings, verdicts = _arithmetic(header, inv)
    if figures is not None:
        figures.extend(_section_figures(header, inv, None, {}, verdicts))
        figures.extend(_row_figures(header, inv))
    return findings


def _arithmetic(header: RunHeader, inv: Invoice) -> tuple[list[Finding], Verdicts]:
    """The findings of :func:`check_invoice_arithmetic` and each figure's verdict."""
    findings: list[Finding] = []
    verdicts: Verdicts = {}
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
        verdicts[key] = _Verdict(
            _VERDICT_STATUS[verdict],
            f"{what} gives {money(exp)}" + (f" ({_ORDER_TEXT[order]})" if order else "")
            if verdict != "ok"
            else "",
            exp,
            act,
        )
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
        if exp != act and verdicts is not None:
            verdicts[("payment_summary", name)] = _Verdict(
                DIFFERS, f"the Payment Summary's own rows give {money(exp)}", exp, act
            )
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


# --- Figure verdicts (SPEC §6 reports): every figure compared, with its status -------------

_SECTION_ORDER: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "payment_summary",
        (
            "gst_applicable_amount",
            "gst_not_applicable_amount",
            "gst",
            "total_payable",
            "prepayment_applied",
            "amount_due",
            "prepayment_balance",
        ),
    ),
    ("rcti", ("amount", "gst", "total")),
    ("tax_invoice", ("amount", "gst", "total")),
    ("adjustment_information", ("rcti_difference", "tax_invoice_difference")),
)
_PREPAYMENT_NOTE = "recon cannot know prepayments: taken from the invoice, and used for Amount Due"


def _figure(header: RunHeader, **fields: object) -> FigureComparison:
    designation = header.designation
    return FigureComparison(
        participant=header.participant,
        period=header.period,
        run_id=header.run_id,
        designation=getattr(designation, "value", designation),
        **fields,
    )


def _line_figures(
    lc: LineComparison, statuses: tuple[str, ...], source: str | None, duplicate: bool = False
) -> list[FigureComparison]:
    """A line's amount and GST as two figures, each with its own verdict."""
    amount_status, gst_status = (*statuses, AGREES, AGREES)[:2]
    if duplicate:
        amount_status = DIFFERS
    out = []
    for kind, label, status, comp, inv in (
        ("line_amount", "amount", amount_status, lc.computed_amount, lc.invoiced_amount),
        ("line_gst", "GST", gst_status, lc.computed_gst, lc.invoiced_gst),
    ):
        out.append(
            FigureComparison(
                participant=lc.participant,
                period=lc.period,
                run_id=lc.run_id,
                designation=lc.designation,
                kind=kind,
                section="Invoice line",
                figure=f"{lc.variable} {label}",
                variable=lc.variable,
                computed=comp,
                invoiced=inv,
                status=status,
                note=lc.note if status != AGREES else "",
                source=source,
            )
        )
    return out


def _section_figures(
    header: RunHeader,
    invoiced: Invoice,
    computed: Invoice | None,
    against_recomputed: Verdicts,
    own: Verdicts,
) -> list[FigureComparison]:
    """Every section and Payment Summary figure: the worse of its two verdicts.

    ``against_recomputed`` holds the verdicts against recon's recomputed invoice (empty when
    there is none), ``own`` those against the invoice's own arithmetic. The figure shows
    recon's recomputed figure where there is one, else the invoice's own arithmetic.
    """
    out: list[FigureComparison] = []
    for section, names in _SECTION_ORDER:
        if section == "adjustment_information" and not any(
            (section, n) in against_recomputed for n in names
        ):
            if invoiced.adjustment_information is None:
                continue
        for name in names:
            key = (section, name)
            holder = getattr(invoiced, section)
            act = getattr(holder, name) if holder is not None else None
            src = figure_source(invoiced, *key)
            if name in ("prepayment_applied", "prepayment_balance"):
                out.append(
                    _figure(
                        header,
                        kind="section",
                        section=_SECTIONS[section][1],
                        figure=_FIELDS[name][1],
                        invoiced=act,
                        status=FROM_INVOICE,
                        note=_PREPAYMENT_NOTE,
                        source=src,
                    )
                )
                continue
            rec, mine = against_recomputed.get(key), own.get(key)
            if rec is None and mine is None:
                status, note, exp = NOT_COMPARABLE, "not compared", None
            elif rec is None:
                assert mine is not None
                status, note, exp = mine.status, mine.note, mine.expected
                if computed is None:
                    note = "compared with the invoice's own arithmetic" + (
                        f": {note}" if note else ""
                    )
            else:
                status, note, exp = rec.status, rec.note, rec.expected
                if mine is not None and worse(mine.status, status) != status:
                    status, note = mine.status, mine.note
                if rec.actual is None and rec.source:
                    src = rec.source
            out.append(
                _figure(
                    header,
                    kind="section",
                    section=_SECTIONS[section][1],
                    figure=_FIELDS[name][1],
                    computed=exp,
                    invoiced=act,
                    status=status,
                    note=note,
                    source=src,
                )
            )
    return out


def _row_figures(header: RunHeader, inv: Invoice) -> list[FigureComparison]:
    """The Payment Summary's own line rows (PDF) against the section lines, as figures."""
    if inv.summary_lines is None:
        return []
    src = inv.source or "invoice"
    sections = {li.variable: li for li in inv.line_items}
    rows = {li.variable: li for li in inv.summary_lines}
    out: list[FigureComparison] = []
    for v in dict.fromkeys([*sections, *rows]):
        s, r = sections.get(v), rows.get(v)
        source = (r.source if r is not None else None) or (
            s.source if r is None and s is not None else None
        )
        source = source or f"{src}#Payment Summary/{v}"
        if s is None or r is None:
            out.append(
                _figure(
                    header,
                    kind="summary_row",
                    section="Payment Summary row",
                    figure=f"{v} amount",
                    variable=v,
                    invoiced=(r or s).amount if (r or s) is not None else None,  # type: ignore[union-attr]
                    status=DIFFERS,
                    note="in only one of the Payment Summary and the RCTI or Tax Invoice",
                    source=source,
                )
            )
            continue
        for label, exp, act in (
            ("amount", signed(s.amount, s.payment_or_charge), r.amount),
            ("GST", signed(s.gst, s.payment_or_charge), r.gst),
        ):
            out.append(
                _figure(
                    header,
                    kind="summary_row",
                    section="Payment Summary row",
                    figure=f"{v} {label}",
                    variable=v,
                    computed=exp,
                    invoiced=act,
                    status=AGREES if exp == act else DIFFERS,
                    note=""
                    if exp == act
                    else f"its {_section_name(s.payment_or_charge)} line gives {money(exp)}",
                    source=source,
                )
            )
    return out


def uninvoiced_figures(header: RunHeader, computed: Invoice) -> list[FigureComparison]:
    """A recomputed invoice with no invoice to compare: every figure is not comparable."""
    out = []
    for li in computed.line_items:
        for kind, label, value in (
            ("line_amount", "amount", li.amount),
            ("line_gst", "GST", li.gst),
        ):
            out.append(
                _figure(
                    header,
                    kind=kind,
                    section="Invoice line",
                    figure=f"{li.variable} {label}",
                    variable=li.variable,
                    computed=value,
                    status=NOT_COMPARABLE,
                    note="no invoice for this run",
                )
            )
    return out


def chain_figures(
    headers: list[RunHeader], full: dict[int, Invoice], invoiced: dict[int, Invoice]
) -> list[FigureComparison]:
    """The run chain's totals as figures, on the latest run (as ``adjustment.chain`` judges).

    For a week whose runs are exactly INITIAL, ADJ1, ... ADJn, each with an invoice: per
    line, the invoiced amount and GST added up across the chain against the latest run's
    full figure, and the same for the RCTI and Tax Invoice Totals. Equal to the cent agrees,
    else differs (SPEC §4). Weeks whose chain cannot be added up give no figures.
    """
    out: list[FigureComparison] = []
    weeks: dict[tuple[str, str], dict[int, RunHeader]] = {}
    for h in headers:
        weeks.setdefault((h.participant, h.period), {}).setdefault(h.run_id, h)
    for runs in weeks.values():
        chain = sorted(runs.values(), key=lambda h: (h.designation.order, h.published_at, h.run_id))
        if not (
            [h.designation.order for h in chain] == list(range(len(chain)))
            and len(chain) > 1
            and all(h.run_id in invoiced for h in chain)
            and chain[-1].run_id in full
        ):
            continue
        latest, latest_full = chain[-1], full[chain[-1].run_id]
        section = "Run chain: " + " + ".join(f"{h.designation.value} {h.run_id}" for h in chain)
        sums: dict[str, list[Decimal]] = {}
        direction: dict[str, PaymentOrCharge] = {}
        for h in chain:
            for li in invoiced[h.run_id].line_items:
                acc = sums.setdefault(li.variable, [ZERO, ZERO])
                acc[0] += signed(li.amount, li.payment_or_charge)
                acc[1] += signed(li.gst, li.payment_or_charge)
                direction[li.variable] = li.payment_or_charge
        expected: dict[str, tuple[Decimal, Decimal]] = {}
        for li in latest_full.line_items:
            expected[li.variable] = (
                signed(li.amount, li.payment_or_charge),
                signed(li.gst, li.payment_or_charge),
            )
            direction[li.variable] = li.payment_or_charge
        for v in dict.fromkeys([*expected, *sums]):
            poc = direction[v]
            exp = expected.get(v, (ZERO, ZERO))
            got = sums.get(v, [ZERO, ZERO])
            for label, e, g in (("amount", exp[0], got[0]), ("GST", exp[1], got[1])):
                out.append(
                    _figure(
                        latest,
                        kind="chain",
                        section=section,
                        figure=f"{v} {label}",
                        variable=v,
                        computed=signed(e, poc),
                        invoiced=signed(g, poc),
                        status=AGREES if e == g else DIFFERS,
                        note="the invoiced runs added up, against the latest run's full figure",
                    )
                )
        for name, label in (("rcti", "RCTI Total"), ("tax_invoice", "Tax Invoice Total")):
            e = getattr(latest_full, name).total
            g = sum((getattr(invoiced[h.run_id], name).total for h in chain), ZERO)
            out.append(
                _figure(
                    latest,
                    kind="chain",
                    section=section,
                    figure=label,
                    computed=e,
                    invoiced=g,
                    status=AGREES if e == g else DIFFERS,
                    note="the invoiced runs added up, against the latest run's full figure",
                )
            )
    return out
