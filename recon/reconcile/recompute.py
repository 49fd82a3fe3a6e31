"""Recomputing the invoice (SPEC §4): line amounts, GST, sections and ADJ differences.

Everything here is exact :class:`~decimal.Decimal`; money is rounded only by
:func:`recon.models.decimals.to_cents` (half away from zero), never by ``round()`` and
never through a float.

The order of operations is the one SPEC §4 fixes (*sum-then-round*): a line amount is the
exact sum of a variable's Summary values over the Trading Days of the Period, rounded to
cents once; its GST is 10% of that rounded amount, rounded once. :class:`LineTotal` also
keeps the figures the other order (*round-then-sum*: every day rounded to cents first)
gives, so that :mod:`recon.reconcile.invoices` can tell a one-cent rounding-order
difference (``info``) from a real one (``error``).

Choices recorded here (SPEC §4 is a **[reading]**):

* An ADJ line whose amount difference and GST difference are both zero is **omitted** from
  the computed invoice (AEMO's invoice shows changes); an invoiced zero line is accepted
  without a finding by :func:`recon.reconcile.invoices.check_invoice`. A full (INITIAL)
  invoice keeps every variable of the statement, zero or not.
* A Summary row whose Timestamp lies outside ``PeriodFrom..PeriodTo`` is not counted (the
  readers report it as ``data.period``). Where a variable has the same Trading Day twice
  (``data.duplicate``, reported by the readers) the first row in file order counts.
* When a variable's ``P Or C`` or GST flag differs between the previous and the current
  run (SPEC §4 step 8), the ADJ invoice has two lines for it: the previous run's line
  reversed under its old classification and this run's line under the new one
  (*reversal and rebill*), so that the RCTI, the Tax Invoice and each Payment Summary
  category still telescope across the chain. An invoice that shows one net line instead is
  accepted when its figures net to the same (:func:`net_form`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from recon.models.decimals import to_cents
from recon.models.findings import CheckId, Finding
from recon.models.invoices import (
    AdjustmentInformation,
    Invoice,
    LineItem,
    PaymentSummary,
    SectionTotals,
)
from recon.models.statements import PaymentOrCharge, RunHeader, SummaryRow, SummaryStatement

GST_RATE = Decimal("0.1")
"""GST is 10% of a GST-applicable line amount (SPEC §4 step 2)."""

ZERO = Decimal("0.00")

SUM_THEN_ROUND = "sum-then-round"
ROUND_THEN_SUM = "round-then-sum"
GST_ON_EXACT = "GST on the unrounded week sum"
GST_ON_ROUND_THEN_SUM = "GST on the round-then-sum amount"
GST_ON_SECTION = "GST on the section's summed amounts"
"""Names of the rounding orders, as findings' messages show them."""


def cents(value: Decimal) -> Decimal:
    """Round to cents half away from zero (:func:`to_cents`), never giving ``-0.00``."""
    return to_cents(value) + ZERO


def gst_of(amount: Decimal, gst_applicable: bool) -> Decimal:
    """Return the GST of an amount: 10% rounded to cents half away from zero, or 0.

    Args:
        amount: A line amount (usually already in cents).
        gst_applicable: The line's GST flag.
    """
    return cents(amount * GST_RATE) if gst_applicable else ZERO


def signed(amount: Decimal, payment_or_charge: PaymentOrCharge) -> Decimal:
    """Return an amount signed as in the Payment Summary: Charge +, Payment - (SPEC §4.5)."""
    return amount if payment_or_charge is PaymentOrCharge.CHARGE else ZERO - amount


@dataclass(frozen=True)
class LineTotal:
    """One variable's week total in one run (SPEC §4 steps 1-2).

    Attributes:
        variable: The Summary variable, e.g. ``RTMSA_P_D``.
        payment_or_charge: ``P Or C`` (of the first Trading Day, if the days disagree).
        gst_applicable: ``GST Applicable`` (likewise).
        exact: The exact, unrounded sum of the values over the Period's days.
        amount: ``exact`` rounded to cents, half away from zero (the line amount).
        gst: 10% of ``amount`` rounded to cents if GST applies, else 0 (the line GST).
        by_day: The value of each Trading Day counted.
        round_then_sum: The sum of each day's value rounded to cents (the other order).
        round_then_sum_gst: The sum of each day's GST (10% of the day's rounded value,
            rounded), 0 when GST does not apply: the GST under the other order.
        description: The line's description, where known.
    """

    variable: str
    payment_or_charge: PaymentOrCharge
    gst_applicable: bool
    exact: Decimal
    amount: Decimal
    gst: Decimal
    by_day: dict[date, Decimal] = field(default_factory=dict, hash=False)
    round_then_sum: Decimal = ZERO
    round_then_sum_gst: Decimal = ZERO
    description: str = ""

    def amount_orders(self) -> dict[str, Decimal]:
        """The line amount under each rounding order, SPEC's order first."""
        return {SUM_THEN_ROUND: self.amount, ROUND_THEN_SUM: self.round_then_sum}

    def gst_orders(self) -> dict[str, Decimal]:
        """The line GST under each rounding order, SPEC's order first.

        Besides SPEC's (10% of the rounded amount): each day's GST rounded then added,
        10% of the exact unrounded sum, and 10% of the round-then-sum amount.
        """
        return {
            SUM_THEN_ROUND: self.gst,
            ROUND_THEN_SUM: self.round_then_sum_gst,
            GST_ON_EXACT: gst_of(self.exact, self.gst_applicable),
            GST_ON_ROUND_THEN_SUM: gst_of(self.round_then_sum, self.gst_applicable),
        }


def make_line_total(
    variable: str,
    payment_or_charge: PaymentOrCharge,
    gst_applicable: bool,
    by_day: Mapping[date, Decimal],
    description: str = "",
) -> LineTotal:
    """Build a :class:`LineTotal` from a variable's daily values.

    Args:
        variable: The variable name.
        payment_or_charge: Its ``P Or C``.
        gst_applicable: Its GST flag.
        by_day: Trading Day -> exact value.
        description: The line description.
    """
    days = dict(sorted(by_day.items()))
    exact = sum(days.values(), Decimal(0))
    amount = cents(exact)
    rts = sum((cents(v) for v in days.values()), ZERO)
    rts_gst = sum((gst_of(cents(v), gst_applicable) for v in days.values()), ZERO)
    return LineTotal(
        variable=variable,
        payment_or_charge=payment_or_charge,
        gst_applicable=gst_applicable,
        exact=exact,
        amount=amount,
        gst=gst_of(amount, gst_applicable),
        by_day=days,
        round_then_sum=rts,
        round_then_sum_gst=rts_gst if gst_applicable else ZERO,
        description=description,
    )


def _flag(value: bool) -> str:
    return "GST applicable" if value else "GST not applicable"


def line_totals(
    summary: SummaryStatement, descriptions: dict[str, str] | None = None
) -> tuple[dict[str, LineTotal], list[Finding]]:
    """Total every Summary variable over the Period (SPEC §4 steps 1-2).

    Only rows whose Timestamp lies in ``PeriodFrom..PeriodTo`` count. A variable whose
    ``P Or C`` or GST flag differs between days yields a ``data.classification`` finding
    (one per variable and flag) and keeps the classification of its first Trading Day.

    Args:
        summary: A Summary statement.
        descriptions: Variable -> description for the invoice lines, where known.

    Returns:
        The line totals by variable, in the order variables first appear in the file,
        and the ``data.classification`` findings.
    """
    header = summary.header
    descriptions = descriptions or {}
    rows = [r for r in summary.rows if header.period_from <= r.timestamp <= header.period_to]
    order = list(dict.fromkeys(r.variable for r in rows))
    first: dict[str, SummaryRow] = {}
    by_day: dict[str, dict[date, Decimal]] = {v: {} for v in order}
    odd_poc: dict[str, SummaryRow] = {}
    odd_gst: dict[str, SummaryRow] = {}
    for row in sorted(rows, key=lambda r: r.timestamp):  # stable: file order within a day
        f = first.setdefault(row.variable, row)
        if row.payment_or_charge is not f.payment_or_charge:
            odd_poc.setdefault(row.variable, row)
        if row.gst_applicable != f.gst_applicable:
            odd_gst.setdefault(row.variable, row)
        by_day[row.variable].setdefault(row.timestamp, row.value)

    findings: list[Finding] = []
    for variable in order:
        f = first[variable]
        if (odd := odd_poc.get(variable)) is not None:
            findings.append(
                Finding.make(
                    CheckId.DATA_CLASSIFICATION,
                    f"{variable} is a {f.payment_or_charge.value} on "
                    f"{f.timestamp.isoformat()} but a "
                    f"{odd.payment_or_charge.value} on {odd.timestamp.isoformat()}; recon treats "
                    f"the whole week as a {f.payment_or_charge.value}.",
                    header=header,
                    variable=variable,
                    timestamp=odd.timestamp.isoformat(),
                    expected=f.payment_or_charge.value,
                    actual=odd.payment_or_charge.value,
                    source=odd.source or summary.source,
                )
            )
        if (odd := odd_gst.get(variable)) is not None:
            findings.append(
                Finding.make(
                    CheckId.DATA_CLASSIFICATION,
                    f"{variable} is {_flag(f.gst_applicable)} on {f.timestamp.isoformat()} but "
                    f"{_flag(odd.gst_applicable)} on {odd.timestamp.isoformat()}; recon treats "
                    f"the whole week as {_flag(f.gst_applicable)}.",
                    header=header,
                    variable=variable,
                    timestamp=odd.timestamp.isoformat(),
                    expected="Y" if f.gst_applicable else "N",
                    actual="Y" if odd.gst_applicable else "N",
                    source=odd.source or summary.source,
                )
            )

    totals = {
        v: make_line_total(
            v,
            first[v].payment_or_charge,
            first[v].gst_applicable,
            by_day[v],
            descriptions.get(v, ""),
        )
        for v in order
    }
    return totals, findings


def section_totals(
    lines: Iterable[LineItem],
    prepayment_applied: Decimal = ZERO,
    prepayment_balance: Decimal = ZERO,
) -> tuple[SectionTotals, SectionTotals, PaymentSummary]:
    """Sum invoice lines into the RCTI, the Tax Invoice and the Payment Summary (SPEC §4.3-5).

    Args:
        lines: Invoice lines in the statement's direction.
        prepayment_applied: The Payment Summary's Prepayment Applied (recon cannot know it;
            a computed invoice uses 0).
        prepayment_balance: Likewise for Prepayment Balance.

    Returns:
        ``(rcti, tax_invoice, payment_summary)``.
    """
    lines = list(lines)
    pay = [li for li in lines if li.payment_or_charge is PaymentOrCharge.PAYMENT]
    chg = [li for li in lines if li.payment_or_charge is PaymentOrCharge.CHARGE]

    def section(items: list[LineItem]) -> SectionTotals:
        amount = sum((li.amount for li in items), ZERO)
        gst = sum((li.gst for li in items), ZERO)
        return SectionTotals(amount=amount, gst=gst, total=amount + gst)

    rcti, tax = section(pay), section(chg)
    total_payable = tax.total - rcti.total
    summary = PaymentSummary(
        gst_applicable_amount=sum(
            (signed(li.amount, li.payment_or_charge) for li in lines if li.gst_applicable), ZERO
        ),
        gst_not_applicable_amount=sum(
            (signed(li.amount, li.payment_or_charge) for li in lines if not li.gst_applicable),
            ZERO,
        ),
        gst=tax.gst - rcti.gst,
        total_payable=total_payable,
        prepayment_applied=prepayment_applied,
        amount_due=total_payable - prepayment_applied,
        prepayment_balance=prepayment_balance,
    )
    return rcti, tax, summary


def _full_line(t: LineTotal, descriptions: Mapping[str, str]) -> LineItem:
    return LineItem(
        variable=t.variable,
        description=descriptions.get(t.variable, t.description),
        payment_or_charge=t.payment_or_charge,
        gst_applicable=t.gst_applicable,
        amount=t.amount,
        gst=t.gst,
    )


def in_direction(
    t: LineTotal | None, payment_or_charge: PaymentOrCharge, value: Decimal | None = None
) -> Decimal:
    """Return a line figure turned into the given direction (0 for a missing line).

    Args:
        t: The line total (None: the variable is not in that run).
        payment_or_charge: The direction wanted.
        value: The figure of ``t`` to turn (default: its amount).
    """
    if t is None:
        return ZERO
    v = t.amount if value is None else value
    return v if t.payment_or_charge is payment_or_charge else ZERO - v


def change(
    current: LineTotal | None,
    previous: LineTotal | None,
    payment_or_charge: PaymentOrCharge,
    figure: Callable[[LineTotal], Decimal],
) -> Decimal:
    """Return the change in one figure of a line: this run's minus the previous run's.

    The one difference rule of an ADJ line (SPEC §4.7): both runs' figures are turned into
    the line's direction (:func:`in_direction`) and a run without the variable counts as 0.

    Args:
        current: The variable's line total in this run (None: not in it).
        previous: Its line total in the previous run (None: not in it).
        payment_or_charge: The ADJ line's direction.
        figure: Which figure of a line total, e.g. its amount or its GST.
    """

    def turned(t: LineTotal | None) -> Decimal:
        return ZERO if t is None else in_direction(t, payment_or_charge, figure(t))

    return turned(current) - turned(previous)


def difference_line(
    variable: str, current: LineTotal | None, previous: LineTotal | None, description: str = ""
) -> LineItem:
    """Return the ADJ line of a variable: this run's line minus the previous run's (§4.7).

    Amount and GST are :func:`change` of the two runs' rounded line figures, in the current
    run's direction (the previous run's if the variable has gone).
    """
    base = current if current is not None else previous
    assert base is not None, "a variable must be in one run at least"
    poc = base.payment_or_charge
    return LineItem(
        variable=variable,
        description=description or base.description,
        payment_or_charge=poc,
        gst_applicable=base.gst_applicable,
        amount=change(current, previous, poc, lambda t: t.amount),
        gst=change(current, previous, poc, lambda t: t.gst),
    )


def line_orders(
    variable: str,
    current: Mapping[str, LineTotal],
    previous: Mapping[str, LineTotal] | None,
    payment_or_charge: PaymentOrCharge,
) -> tuple[dict[str, Decimal], dict[str, Decimal]]:
    """Return a line's amount and GST under each rounding order, by the order's name.

    Without ``previous`` (a full invoice) the figures of this run's line total; with it (an
    ADJ invoice) the :func:`change` of each order's figure from the previous run, in the
    direction given. Empty when the variable is in neither run.

    Args:
        variable: The variable of the line.
        current: This run's line totals.
        previous: The previous run's line totals (ADJ), or None.
        payment_or_charge: The line's direction (ADJ).
    """
    cur = current.get(variable)
    prev = previous.get(variable) if previous is not None else None
    if previous is None or (cur is None and prev is None):
        return (cur.amount_orders(), cur.gst_orders()) if cur is not None else ({}, {})
    base = cur if cur is not None else prev
    assert base is not None

    def amount_of(name: str) -> Callable[[LineTotal], Decimal]:
        return lambda t: t.amount_orders()[name]

    def gst_of(name: str) -> Callable[[LineTotal], Decimal]:
        return lambda t: t.gst_orders()[name]

    amounts = {
        name: change(cur, prev, payment_or_charge, amount_of(name)) for name in base.amount_orders()
    }
    gsts = {name: change(cur, prev, payment_or_charge, gst_of(name)) for name in base.gst_orders()}
    return amounts, gsts


def classification(t: LineTotal | LineItem) -> tuple[PaymentOrCharge, bool]:
    """(P Or C, GST Applicable) of a line."""
    return (t.payment_or_charge, t.gst_applicable)


def reclassified(current: Mapping[str, LineTotal], previous: Mapping[str, LineTotal]) -> set[str]:
    """Variables in both runs whose P Or C or GST flag differs between them (§4 step 8)."""
    return {
        v
        for v, t in current.items()
        if v in previous and classification(t) != classification(previous[v])
    }


def reversal_and_rebill(
    current: LineTotal, previous: LineTotal, descriptions: Mapping[str, str] | None = None
) -> list[LineItem]:
    """The two ADJ lines of a variable whose classification changed (SPEC §4 step 8): the
    previous run's line reversed under its old classification, then this run's line under
    the new one. Each section and Payment Summary category then telescopes."""
    descriptions = descriptions or {}
    reversal = _full_line(previous, descriptions)
    reversal = reversal.model_copy(update={"amount": -previous.amount, "gst": -previous.gst})
    return [reversal, _full_line(current, descriptions)]


def net_line(lines: list[LineItem], like: LineItem) -> LineItem:
    """One line netting ``lines`` in the classification of ``like``: amounts and GST turned
    into its direction (a Payment of 100 is a Charge of -100) and added."""

    def turned(li: LineItem, value: Decimal) -> Decimal:
        return value if li.payment_or_charge is like.payment_or_charge else ZERO - value

    return lines[-1].model_copy(
        update={
            "payment_or_charge": like.payment_or_charge,
            "gst_applicable": like.gst_applicable,
            "amount": sum((turned(li, li.amount) for li in lines), ZERO),
            "gst": sum((turned(li, li.gst) for li in lines), ZERO),
        }
    )


def with_lines(inv: Invoice, lines: list[LineItem]) -> Invoice:
    """An invoice with other lines and its sections summed from them (prepayments kept)."""
    ps = inv.payment_summary
    rcti, tax, summary = section_totals(lines, ps.prepayment_applied, ps.prepayment_balance)
    return inv.model_copy(
        update={"line_items": lines, "rcti": rcti, "tax_invoice": tax, "payment_summary": summary}
    )


def net_form(computed: Invoice, invoiced: Invoice) -> tuple[Invoice, set[str]]:
    """The computed invoice in the form the invoice shows a reclassified variable.

    Where recon computes a reversal and a rebill line for a variable (SPEC §4 step 8) and
    the invoice shows a single line for it, the pair is replaced by one net line in the
    invoice line's classification, and the sections are summed again: an invoice whose net
    line has the same figures then checks clean. A pair the invoice shows as two lines
    (or not at all) is kept.

    Returns:
        (the computed invoice to compare with, the variables netted).
    """
    pairs: dict[str, list[LineItem]] = {}
    for li in computed.line_items:
        pairs.setdefault(li.variable, []).append(li)
    shown: dict[str, list[LineItem]] = {}
    for li in invoiced.line_items:
        shown.setdefault(li.variable, []).append(li)
    netted = {v for v, ls in pairs.items() if len(ls) == 2 and len(shown.get(v, [])) == 1}
    if not netted:
        return computed, netted
    lines: list[LineItem] = []
    for li in computed.line_items:
        if li.variable not in netted:
            lines.append(li)
        elif li is pairs[li.variable][-1]:
            lines.append(net_line(pairs[li.variable], shown[li.variable][0]))
    return with_lines(computed, lines), netted


def expanded_form(invoiced: Invoice, computed: Invoice, netted: set[str]) -> Invoice:
    """An invoice whose single net lines (accepted by :func:`net_form`) are shown as recon's
    reversal and rebill pair, each section moved by the pair less the net line: what the
    chain check adds up section by section."""
    if not netted:
        return invoiced
    pairs = [li for li in computed.line_items if li.variable in netted]
    nets = [li for li in invoiced.line_items if li.variable in netted]
    r_pair, t_pair, s_pair = section_totals(pairs)
    r_net, t_net, s_net = section_totals(nets)

    def moved(section: Any, plus: Any, minus: Any) -> Any:
        fields = {
            k: getattr(section, k) + getattr(plus, k) - getattr(minus, k)
            for k in type(section).model_fields
            if isinstance(getattr(section, k), Decimal)
        }
        return section.model_copy(update=fields)

    lines = [li for li in invoiced.line_items if li.variable not in netted] + pairs
    return invoiced.model_copy(
        update={
            "line_items": lines,
            "rcti": moved(invoiced.rcti, r_pair, r_net),
            "tax_invoice": moved(invoiced.tax_invoice, t_pair, t_net),
            "payment_summary": moved(invoiced.payment_summary, s_pair, s_net),
        }
    )


def compute_invoice(
    header: RunHeader,
    current: dict[str, LineTotal],
    previous: dict[str, LineTotal] | None = None,
    previous_run_id: int | None = None,
    descriptions: dict[str, str] | None = None,
) -> Invoice:
    """Recompute a run's invoice from its line totals (SPEC §4 steps 1-7).

    Without ``previous`` the invoice is the full one (every variable's week total: what an
    INITIAL invoice shows). With ``previous`` (the previous published run's totals, §4.7)
    each line is this run's line minus the previous run's (a variable missing from one run
    counts as 0 there; GST likewise as the difference of line GSTs); a line whose amount
    and GST differences are both zero is **omitted**. The sections are summed from the
    lines; ``adjustment_information`` holds the difference of the two runs' *full* RCTI and
    Tax Invoice totals. Prepayments are unknown to recon and are 0.

    Args:
        header: The run invoiced (its designation is kept as given).
        current: This run's line totals (:func:`line_totals`).
        previous: The previous published run's line totals, for an ADJ invoice.
        previous_run_id: That run's RunId (required with ``previous``).
        descriptions: Variable -> description, overriding the line totals' own.

    Returns:
        The computed invoice (``form="computed"``, no source, lines without source).

    Raises:
        ValueError: If ``previous`` is given without ``previous_run_id``.
    """
    descriptions = descriptions or {}
    full = [_full_line(t, descriptions) for t in current.values()]
    adjustment: AdjustmentInformation | None = None
    if previous is None:
        lines = full
    else:
        if previous_run_id is None:
            raise ValueError("previous_run_id is required when previous totals are given")
        variables = list(dict.fromkeys([*current, *previous]))
        changed = reclassified(current, previous)
        lines = []
        for v in variables:
            if v in changed:
                lines.extend(reversal_and_rebill(current[v], previous[v], descriptions))
                continue
            li = difference_line(v, current.get(v), previous.get(v), descriptions.get(v, ""))
            if li.amount != 0 or li.gst != 0:
                lines.append(li)
        cur_rcti, cur_tax, _ = section_totals(full)
        prev_rcti, prev_tax, _ = section_totals(
            _full_line(t, descriptions) for t in previous.values()
        )
        adjustment = AdjustmentInformation(
            previous_run_id=previous_run_id,
            rcti_difference=cur_rcti.total - prev_rcti.total,
            tax_invoice_difference=cur_tax.total - prev_tax.total,
        )
    rcti, tax, summary = section_totals(lines)
    return Invoice(
        invoice_number=f"WEM-INV-{header.run_id}-{header.participant}",
        run_id=header.run_id,
        previous_run_id=previous_run_id if previous is not None else None,
        designation=header.designation,
        period=header.period,
        participant=header.participant,
        trade_week=header.period,
        line_items=lines,
        payment_summary=summary,
        rcti=rcti,
        tax_invoice=tax,
        adjustment_information=adjustment,
        form="computed",
    )


def full_invoice(
    header: RunHeader, totals: dict[str, LineTotal], descriptions: dict[str, str] | None = None
) -> Invoice:
    """Return a run's full invoice (every line at its week total), designation kept.

    This is what the INITIAL invoice shows and what the INITIAL plus every ADJ invoice of a
    week add up to for the latest run.
    """
    return compute_invoice(header, totals, None, None, descriptions)
