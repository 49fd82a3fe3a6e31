"""Figure verdicts (SPEC §6 reports): every invoice figure recon compared, with its status.

:class:`~recon.models.results.FigureComparison` rows for each line's amount and GST, each
section and Payment Summary figure (the worse of its verdict against the recomputed invoice
and against the invoice's own arithmetic), the Payment Summary's own rows (PDF), a
recomputed invoice with no invoice to compare, and a run chain's totals.
"""

from __future__ import annotations

from recon.models.decimals import Money
from recon.models.invoices import INVOICE_TOTALS, Invoice
from recon.models.results import FigureComparison, FigureState, LineComparison
from recon.models.statements import RunHeader
from recon.reconcile.adjustments import chain_adds_up, chain_line_sums, chain_total, week_chains
from recon.reconcile.invoice_terms import (
    FIELDS,
    SECTIONS,
    Verdict,
    Verdicts,
    figure_source,
    money,
    section_name,
)
from recon.reconcile.recompute import (
    signed,
)


def worse(a: FigureState, b: FigureState) -> FigureState:
    """The worse of two verdicts (differs > rounding > the rest; the first of two as bad)."""
    return a if a.rank >= b.rank else b


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


def line_figures(
    lc: LineComparison,
    statuses: tuple[FigureState, ...],
    source: str | None,
    duplicate: bool = False,
) -> list[FigureComparison]:
    """A line's amount and GST as two figures, each with its own verdict."""
    amount_status, gst_status = (*statuses, FigureState.AGREES, FigureState.AGREES)[:2]
    if duplicate:
        amount_status = FigureState.DIFFERS
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
                note=lc.note if status != FigureState.AGREES else "",
                source=source,
            )
        )
    return out


def section_figures(
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
    for section, names in INVOICE_TOTALS.items():
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
            rec, mine = against_recomputed.get(key), own.get(key)
            if name in ("prepayment_applied", "prepayment_balance"):
                status, note, exp = FigureState.FROM_INVOICE, _PREPAYMENT_NOTE, None
            elif rec is None and mine is None:
                status, note, exp = FigureState.NOT_COMPARABLE, "not compared", None
            elif rec is None:
                assert mine is not None
                status, note, exp = mine.status, mine.note, mine.expected
                if computed is None:
                    note = "compared with the invoice's own arithmetic" + (
                        f": {note}" if note else ""
                    )
            else:
                status, note, exp = _both(rec, mine)
                if rec.actual is None and rec.source:
                    src = rec.source
            out.append(
                _figure(
                    header,
                    kind="section",
                    section=SECTIONS[section][1],
                    figure=FIELDS[name][1],
                    computed=exp,
                    invoiced=act,
                    status=status,
                    note=note,
                    source=src,
                )
            )
    return out


def _both(rec: Verdict, mine: Verdict | None) -> tuple[FigureState, str, Money | None]:
    """One figure judged two ways: against recon's figure recomputed from the statement
    (``rec``) and against the invoice's own arithmetic (``mine``).

    The verdict and the difference tell the same story: the figure shown beside AEMO's is
    the one of the comparison that makes the verdict (a total that matches recon's figure
    but not the sum of the invoice's own lines shows the difference to that sum), and the
    note says which comparison failed.

    Returns:
        ``(status, note, recon's figure)``.
    """
    own_fails = mine is not None and mine.status != FigureState.AGREES
    if mine is not None and own_fails and worse(mine.status, rec.status) != rec.status:
        recomputed = f" ({money(rec.expected)})" if rec.expected is not None else ""
        verdict = (
            "agrees with the invoice"
            if rec.status == FigureState.AGREES
            else "differs from it by the rounding order only"
        )
        return (
            mine.status,
            f"against the invoice's own arithmetic: {mine.note}; recon's figure recomputed "
            f"from the statement{recomputed} {verdict}",
            mine.expected,
        )
    if rec.status != FigureState.DIFFERS:
        return rec.status, rec.note, rec.expected
    note = "against recon's figure recomputed from the statement"
    if rec.note:
        note += f": {rec.note}"
    if mine is not None and own_fails:
        note += f"; also against the invoice's own arithmetic: {mine.note}"
    return rec.status, note, rec.expected


def row_figures(header: RunHeader, inv: Invoice) -> list[FigureComparison]:
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
                    invoiced=present.amount if (present := r or s) is not None else None,
                    status=FigureState.DIFFERS,
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
                    status=FigureState.AGREES if exp == act else FigureState.DIFFERS,
                    note=""
                    if exp == act
                    else f"its {section_name(s.payment_or_charge)} line gives {money(exp)}",
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
                    status=FigureState.NOT_COMPARABLE,
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
    for chain in week_chains(headers):
        if not chain_adds_up(chain, full, invoiced):
            continue
        latest, latest_full = chain[-1], full[chain[-1].run_id]
        section = "Run chain: " + " + ".join(f"{h.designation.value} {h.run_id}" for h in chain)
        for v, poc, label, e, g in chain_line_sums(chain, latest_full, invoiced):
            out.append(
                _figure(
                    latest,
                    kind="chain",
                    section=section,
                    figure=f"{v} {label}",
                    variable=v,
                    computed=signed(e, poc),
                    invoiced=signed(g, poc),
                    status=FigureState.AGREES if e == g else FigureState.DIFFERS,
                    note="the invoiced runs added up, against the latest run's full figure",
                )
            )
        for name, label in (("rcti", "RCTI Total"), ("tax_invoice", "Tax Invoice Total")):
            e, g = chain_total(chain, latest_full, invoiced, name, "total")
            out.append(
                _figure(
                    latest,
                    kind="chain",
                    section=section,
                    figure=label,
                    computed=e,
                    invoiced=g,
                    status=FigureState.AGREES if e == g else FigureState.DIFFERS,
                    note="the invoiced runs added up, against the latest run's full figure",
                )
            )
    return out
