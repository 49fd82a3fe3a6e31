"""Adjustment checks (SPEC §4.7, §5): the run chain of a week and each ADJ run's deltas.

* :func:`previous_run` finds the run an ADJ run is the difference to.
* :func:`check_chain` checks the order of a week's runs and that the INITIAL invoice plus
  every ADJ invoice add up to the latest run's full amounts (``adjustment.chain``).
* :func:`adjustment_lines` lists each variable's previous and current full amounts, the
  delta, and the invoiced delta, with ``adjustment.material`` warnings.
* :func:`previous_missing` is the warning for an ADJ run whose previous run is not given.

Choices recorded here (SPEC §4.7 is a **[reading]**):

* A designation *skips* when, ordering a week's runs by designation, the next one present is
  more than one step on (INITIAL then ADJ2). A chain that starts above INITIAL (only ADJ1
  and ADJ2 given) is not a skip: the first run's previous run is simply missing, which is
  :func:`previous_missing`'s warning.
* PublishedAt and RunId must both increase strictly along the designation order; an equal
  value counts as going backwards.
* The add-up check compares amounts signed as in the Payment Summary (Charge +, Payment -)
  so a line that changed from Payment to Charge between runs still adds up; it is reported
  in the latest run's direction. It is exact to the cent (no rounding-order tolerance: each
  ADJ line is a difference of rounded figures, so the chain adds up exactly by
  construction), and it runs only when the week's runs are exactly INITIAL, ADJ1, ... ADJn,
  each with an invoice, and the latest run's full invoice is given.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from itertools import pairwise

from recon.models.findings import CheckId, Finding
from recon.models.invoices import Invoice
from recon.models.results import AdjustmentLine
from recon.models.statements import PaymentOrCharge, RunHeader
from recon.reconcile.invoice_terms import money
from recon.reconcile.recompute import ZERO, LineTotal, in_direction, signed


def previous_run(header: RunHeader, candidates: Iterable[RunHeader]) -> RunHeader | None:
    """Return the run an ADJ run adjusts (SPEC §4.7), or None.

    That is the run of the same participant and Trading Week (Period) with the latest
    PublishedAt strictly before this run's (ties broken by the higher RunId). The run itself
    is never its own previous run.

    Args:
        header: The run.
        candidates: Any run headers (other weeks and participants are ignored).
    """
    best: RunHeader | None = None
    for c in candidates:
        if (
            c.participant != header.participant
            or c.period != header.period
            or c.run_id == header.run_id
            or c.published_at >= header.published_at
        ):
            continue
        if best is None or (c.published_at, c.run_id) > (best.published_at, best.run_id):
            best = c
    return best


def previous_missing(header: RunHeader) -> Finding:
    """The ``adjustment.previous_missing`` warning for an ADJ run without its previous run."""
    return Finding.make(
        CheckId.ADJUSTMENT_PREVIOUS_MISSING,
        f"{header.designation.value} run {header.run_id} adjusts an earlier run of "
        f"{header.period} that is not among the inputs, so its deltas cannot be checked.",
        header=header,
    )


def _describe(h: RunHeader) -> str:
    return f"{h.designation.value} run {h.run_id}"


def check_chain(
    headers: list[RunHeader], full: dict[int, Invoice], invoiced: dict[int, Invoice]
) -> list[Finding]:
    """Check each week's run chain (``adjustment.chain``).

    For each participant and Period among ``headers``, with the runs ordered by designation:
    a designation that skips (INITIAL then ADJ2), two runs with the same designation, and
    PublishedAt or RunId not increasing along the designation order (an ADJ published
    before the INITIAL). Then, when the runs are exactly INITIAL, ADJ1, ... ADJn and each
    has an invoice, that the invoiced INITIAL plus every invoiced ADJ add up, to the cent,
    to the latest run's full amounts: per line, and for the RCTI and Tax Invoice totals.

    Args:
        headers: Run headers (duplicates by RunId are ignored).
        full: RunId -> the run's full recomputed invoice
            (:func:`~recon.reconcile.recompute.full_invoice`).
        invoiced: RunId -> AEMO's invoice for the run.

    Returns:
        The findings, each on the later run of the pair concerned (the sum findings on the
        latest run).
    """
    findings: list[Finding] = []
    for chain in week_chains(headers):
        findings.extend(_check_order(chain))
        if chain_adds_up(chain, full, invoiced):
            findings.extend(_check_sum(chain, full[chain[-1].run_id], invoiced))
    return findings


def week_chains(headers: list[RunHeader]) -> list[list[RunHeader]]:
    """Each week's runs (participant and Period), ordered by designation, PublishedAt, RunId.

    Duplicates by RunId are ignored (the first is kept); weeks come in the order of their
    first header.
    """
    weeks: dict[tuple[str, str], dict[int, RunHeader]] = {}
    for h in headers:
        weeks.setdefault((h.participant, h.period), {}).setdefault(h.run_id, h)
    return [
        sorted(runs.values(), key=lambda h: (h.designation.order, h.published_at, h.run_id))
        for runs in weeks.values()
    ]


def chain_adds_up(
    chain: list[RunHeader], full: dict[int, Invoice], invoiced: dict[int, Invoice]
) -> bool:
    """Whether a week's chain can be added up: exactly INITIAL, ADJ1, ... ADJn (n >= 1), each
    run invoiced, and the latest run's full recomputed invoice known."""
    return (
        [h.designation.order for h in chain] == list(range(len(chain)))
        and len(chain) > 1
        and all(h.run_id in invoiced for h in chain)
        and chain[-1].run_id in full
    )


def chain_line_sums(
    chain: list[RunHeader], latest_full: Invoice, invoiced: dict[int, Invoice]
) -> list[tuple[str, PaymentOrCharge, str, Decimal, Decimal]]:
    """Per line, the latest run's full figure against the invoiced runs added up.

    Returns:
        ``(variable, direction, "amount" | "GST", expected, got)`` for each line on the
        latest run's full invoice or on any invoiced run (in that order), amount then GST.
        ``expected`` and ``got`` are signed (Charge +, Payment -); ``signed(x, direction)``
        turns them back into the statement's direction.
    """
    # Signed sums (Charge +, Payment -) of every invoiced line across the chain.
    sums: dict[str, list[Decimal]] = {}
    direction: dict[str, PaymentOrCharge] = {}
    for h in chain:
        for li in invoiced[h.run_id].line_items:
            s = sums.setdefault(li.variable, [ZERO, ZERO])
            s[0] += signed(li.amount, li.payment_or_charge)
            s[1] += signed(li.gst, li.payment_or_charge)
            direction[li.variable] = li.payment_or_charge
    expected: dict[str, tuple[Decimal, Decimal]] = {}
    for li in latest_full.line_items:
        expected[li.variable] = (
            signed(li.amount, li.payment_or_charge),
            signed(li.gst, li.payment_or_charge),
        )
        direction[li.variable] = li.payment_or_charge
    out: list[tuple[str, PaymentOrCharge, str, Decimal, Decimal]] = []
    for v in dict.fromkeys([*expected, *sums]):
        exp = expected.get(v, (ZERO, ZERO))
        got = sums.get(v, [ZERO, ZERO])
        for label, e, g in (("amount", exp[0], got[0]), ("GST", exp[1], got[1])):
            out.append((v, direction[v], label, e, g))
    return out


def chain_total(
    chain: list[RunHeader],
    latest_full: Invoice,
    invoiced: dict[int, Invoice],
    name: str,
    field: str,
) -> tuple[Decimal, Decimal]:
    """A section figure: the latest run's full figure and the invoiced runs' figures added up."""
    e = getattr(getattr(latest_full, name), field)
    g = sum((getattr(getattr(invoiced[h.run_id], name), field) for h in chain), ZERO)
    return e, g


def _check_order(chain: list[RunHeader]) -> list[Finding]:
    findings: list[Finding] = []
    for a, b in pairwise(chain):
        if a.designation is b.designation:
            findings.append(
                Finding.make(
                    CheckId.ADJUSTMENT_CHAIN,
                    f"{b.period} has two {b.designation.value} runs, {a.run_id} and {b.run_id}.",
                    header=b,
                    expected=str(a.run_id),
                    actual=str(b.run_id),
                )
            )
            continue
        if b.designation.order > a.designation.order + 1:
            missing = ", ".join(
                "INITIAL" if n == 0 else f"ADJ{n}"
                for n in range(a.designation.order + 1, b.designation.order)
            )
            findings.append(
                Finding.make(
                    CheckId.ADJUSTMENT_CHAIN,
                    f"{_describe(b)} follows {_describe(a)} with no {missing} among the inputs: "
                    "the designations skip.",
                    header=b,
                    expected=missing,
                    actual=b.designation.value,
                )
            )
        if b.published_at <= a.published_at:
            findings.append(
                Finding.make(
                    CheckId.ADJUSTMENT_CHAIN,
                    f"{_describe(b)} was published at {b.published_at.isoformat(sep=' ')}, not "
                    f"after {_describe(a)} ({a.published_at.isoformat(sep=' ')}).",
                    header=b,
                    expected=f"after {a.published_at.isoformat()}",
                    actual=b.published_at.isoformat(),
                )
            )
        if b.run_id <= a.run_id:
            findings.append(
                Finding.make(
                    CheckId.ADJUSTMENT_CHAIN,
                    f"{_describe(b)} has a RunId not above that of {_describe(a)}.",
                    header=b,
                    expected=f"above {a.run_id}",
                    actual=str(b.run_id),
                )
            )
    return findings


def _check_sum(
    chain: list[RunHeader], latest_full: Invoice, invoiced: dict[int, Invoice]
) -> list[Finding]:
    findings: list[Finding] = []
    latest = chain[-1]
    runs = ", ".join(_describe(h) for h in chain)
    for v, poc, label, e, g in chain_line_sums(chain, latest_full, invoiced):
        if e == g:
            continue
        e_dir, g_dir = signed(e, poc), signed(g, poc)  # back into the statement's direction
        findings.append(
            Finding.make(
                CheckId.ADJUSTMENT_CHAIN,
                f"The invoiced {label} of {v} across {runs} adds up to {money(g_dir)}, "
                f"{money(abs(g_dir - e_dir))} {'more' if g_dir > e_dir else 'less'} than "
                f"the latest run's full {label} of {money(e_dir)}.",
                header=latest,
                variable=v,
                expected=e_dir,
                actual=g_dir,
                difference=g_dir - e_dir,
            )
        )
    # Section by section (SPEC §4 step 8): a classification change must telescope too.
    for name, field, label in (
        ("rcti", "total", "RCTI Total"),
        ("tax_invoice", "total", "Tax Invoice Total"),
        ("payment_summary", "gst_applicable_amount", "Payment Summary GST Applicable Amount"),
        (
            "payment_summary",
            "gst_not_applicable_amount",
            "Payment Summary GST Not Applicable Amount",
        ),
    ):
        e, g = chain_total(chain, latest_full, invoiced, name, field)
        if e != g:
            findings.append(
                Finding.make(
                    CheckId.ADJUSTMENT_CHAIN,
                    f"The invoiced {label}s across {runs} add up to {money(g)}, "
                    f"{money(abs(g - e))} {'more' if g > e else 'less'} than the latest run's "
                    f"full {label} of {money(e)}.",
                    header=latest,
                    expected=e,
                    actual=g,
                    difference=g - e,
                    figure=label,
                )
            )
    return findings


def adjustment_lines(
    header: RunHeader,
    previous_header: RunHeader,
    current: dict[str, LineTotal],
    previous: dict[str, LineTotal],
    invoiced: Invoice | None,
    materiality: Decimal | None,
) -> tuple[list[AdjustmentLine], list[Finding]]:
    """List each variable's change between the previous run and this one.

    One :class:`AdjustmentLine` per variable in either run (this run's order, then
    variables only in the previous run): both runs' full line amounts (0 where absent),
    the delta (current - previous, in the current run's direction), the invoiced delta (the
    invoice line's amount; 0 for a line the invoice omits; None without an invoice) and
    the difference (invoiced - delta). A line is *material* when ``|delta| >= materiality``
    and then yields an ``adjustment.material`` warning (expected = previous full amount,
    actual = current full amount, difference = delta). No warnings when ``materiality`` is
    None.

    Args:
        header: The ADJ run.
        previous_header: Its previous run.
        current: This run's line totals.
        previous: The previous run's line totals.
        invoiced: AEMO's invoice for this run, if given.
        materiality: The ``--materiality`` threshold, or None.
    """
    lines: list[AdjustmentLine] = []
    findings: list[Finding] = []
    for v in dict.fromkeys([*current, *previous]):
        cur, prev = current.get(v), previous.get(v)
        base = cur if cur is not None else prev
        assert base is not None
        poc = base.payment_or_charge
        cur_amount = in_direction(cur, poc)
        prev_amount = in_direction(prev, poc)
        delta = cur_amount - prev_amount
        invoiced_delta: Decimal | None = None
        if invoiced is not None:
            li = invoiced.line(v)
            invoiced_delta = ZERO if li is None else li.amount
        material = materiality is not None and abs(delta) >= materiality
        lines.append(
            AdjustmentLine(
                participant=header.participant,
                period=header.period,
                run_id=header.run_id,
                designation=header.designation.value,
                previous_run_id=previous_header.run_id,
                variable=v,
                payment_or_charge=poc.value,
                previous=prev_amount,
                current=cur_amount,
                delta=delta,
                invoiced_delta=invoiced_delta,
                difference=None if invoiced_delta is None else invoiced_delta - delta,
                material=material,
            )
        )
        if material:
            assert materiality is not None
            findings.append(
                Finding.make(
                    CheckId.ADJUSTMENT_MATERIAL,
                    f"{header.designation.value} changes {v} by {money(delta)} (from "
                    f"{money(prev_amount)} in run {previous_header.run_id} to "
                    f"{money(cur_amount)}), "
                    f"at or above the materiality threshold of {money(materiality)}.",
                    header=header,
                    variable=v,
                    expected=prev_amount,
                    actual=cur_amount,
                    difference=delta,
                )
            )
    return lines, findings
