"""Root causes and money at stake (SPEC §10): which findings are one problem, and how much
cash each problem puts at stake.

**Ids.** Every finding gets an ``id`` derived from its content (:func:`finding_id`: the
SHA-256 of the finding's fields, the files in ``source`` reduced to the place in them, so the
same artefacts under other names or in another folder give the same ids), never from the
order findings were made in.

**Cash at stake of a run.** recon's recomputed Amount Due (the recomputed Total Payable
less the invoice's own Prepayment Applied, as :func:`recon.reconcile.invoices.check_invoice`
compares it) against the invoice's: ``at_stake = invoiced - recomputed`` (a positive Amount
Due is owed by the participant, so a positive ``at_stake`` means the participant is owed).

**Root causes and their share.** The invoice's Amount Due differs from recon's exactly by
the sum of

* each invoice line's error (the invoice's line against recon's, signed Charge +,
  Payment -, amount and GST), and
* each invoice figure's own error: the figure less what the invoice's own inputs give
  (the RCTI Amount less the sum of its Payment lines, the RCTI Total less its Amount plus
  GST, Total Payable less Tax Invoice Total less RCTI Total, ...), weighted by how the
  figure flows into Amount Due (+1 for Tax Invoice figures, Total Payable and Amount Due;
  -1 for RCTI figures; 0 for the Payment Summary's GST and GST (Not) Applicable Amounts).

Each error is a *source*. A line error is a root (one per finding about the line: its
amount, its GST, its classification, a line missing or extra, a line shown twice; a GST
that is 10% of the invoice's own wrong amount follows the amount). Figures are then taken
in the order they are built from one another: a figure's own error that is exactly minus
the effect some roots have on it reaches it (the figure is right, its inputs are wrong: a
total that includes a line the listing lacks) is a *consequence* of those roots, and its
error joins theirs; any other own error is a new root, the figure itself being wrong. A
finding that a figure differs from recon's figure is a consequence of the roots whose
effect reaches the figure. A root's ``at_stake`` is its sources' effect on Amount Due:
linear, so a run's roots add up exactly to the run's ``at_stake``, and a line missing from
the listing while the totals include it (its line error and the totals' own errors cancel)
has "0.00".

A run chain total (``adjustment.chain``) that fails by exactly an error of some runs' lines
or figures is a consequence of those roots. ``summary_detail.value`` carries the line
difference the Detail implies, and ``own.value`` (with a priced series) the value of the
quantity difference: estimates, outside the run's sum. Everything else is a root with
``at_stake`` null: recon cannot say which side is right (a CSV-vs-JSON mismatch) or it is
not about money.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from itertools import combinations
from typing import TYPE_CHECKING, TypeVar

import polars as pl

from recon.models.decimals import to_cents
from recon.models.findings import AtStakeBasis, CheckId, Finding, Severity
from recon.models.invoices import Invoice, LineItem
from recon.models.statements import PaymentOrCharge, RunHeader, with_values
from recon.reconcile.invoice_terms import FIELDS, SECTIONS
from recon.reconcile.recompute import ZERO, LineTotal, cents, gst_of, net_form, section_totals
from recon.wem.calendar import capacity_year, financial_year, trading_day_of, trading_month
from recon.wem.granularity import Granularity
from recon.wem.variables import VariableName, parse_variable

if TYPE_CHECKING:
    from recon.models.own import OwnSeries
    from recon.reconcile.own_weeks import WeekView

log = logging.getLogger(__name__)

T = TypeVar("T")

Fig = tuple[str, str]
"""An invoice figure: (section attribute, field attribute), e.g. ``("rcti", "total")``."""

ANNOTATIONS = ("id", "cause", "consequences", "at_stake", "at_stake_basis")
"""The Finding fields this module sets (left out of a finding's content id)."""

ID_LENGTH = 12
"""Hex digits of a finding's id."""

RCTI_AMOUNT, RCTI_GST, RCTI_TOTAL = ("rcti", "amount"), ("rcti", "gst"), ("rcti", "total")
TAX_AMOUNT, TAX_GST, TAX_TOTAL = (
    ("tax_invoice", "amount"),
    ("tax_invoice", "gst"),
    ("tax_invoice", "total"),
)
PS_GST_Y = ("payment_summary", "gst_applicable_amount")
PS_GST_N = ("payment_summary", "gst_not_applicable_amount")
PS_GST = ("payment_summary", "gst")
TOTAL_PAYABLE = ("payment_summary", "total_payable")
AMOUNT_DUE = ("payment_summary", "amount_due")

LINE_FED: tuple[Fig, ...] = (RCTI_AMOUNT, RCTI_GST, TAX_AMOUNT, TAX_GST, PS_GST_Y, PS_GST_N)
"""Figures the invoice builds from its lines."""

DERIVED: tuple[tuple[Fig, tuple[tuple[Fig, int], ...]], ...] = (
    (RCTI_TOTAL, ((RCTI_AMOUNT, 1), (RCTI_GST, 1))),
    (TAX_TOTAL, ((TAX_AMOUNT, 1), (TAX_GST, 1))),
    (PS_GST, ((TAX_GST, 1), (RCTI_GST, -1))),
    (TOTAL_PAYABLE, ((TAX_TOTAL, 1), (RCTI_TOTAL, -1))),
    (AMOUNT_DUE, ((TOTAL_PAYABLE, 1),)),
)
"""Figures the invoice builds from other figures (SPEC §4 steps 3-5), in build order."""

ORDER: tuple[Fig, ...] = LINE_FED + tuple(k for k, _ in DERIVED)

ON_PATH = frozenset({RCTI_AMOUNT, RCTI_GST, RCTI_TOTAL, TAX_AMOUNT, TAX_GST, TAX_TOTAL})
ON_PATH = ON_PATH | {TOTAL_PAYABLE, AMOUNT_DUE}
"""Figures through which an error reaches Amount Due."""

ADJUSTMENT_FIGURES: dict[Fig, Fig] = {
    ("adjustment_information", "rcti_difference"): RCTI_TOTAL,
    ("adjustment_information", "tax_invoice_difference"): TAX_TOTAL,
}
"""Adjustment Information figures, and the section total whose errors they follow."""

LINE_CHECKS = frozenset(
    {CheckId.INVOICE_LINE, CheckId.INVOICE_LINE_MISSING, CheckId.DATA_CLASSIFICATION}
)

SUBSET_LIMIT = 12
"""Up to this many candidate roots every combination is tried; above it, one or all."""

# ---------------------------------------------------------------------------------------------
# Ids
# ---------------------------------------------------------------------------------------------

_DIRECTORIES = re.compile(r"(?:[A-Za-z]:)?(?:[^\s'\"()<>|/\\]*[/\\])+")


def _anchors(source: str | None) -> str | None:
    """A source without its files' names, only where in them: ``a/x.json#/rcti/total`` ->
    ``#/rcti/total``, ``a/x.zip!m.csv:46`` -> ``!m.csv:46``, ``a/x.csv:13`` -> ``:13``, for
    each side of ``A vs B``. The same artefact under another name or folder is the same
    input."""
    if not source:
        return source
    parts = []
    for part in source.split(" vs "):
        m = re.search(r"[#!]|:\d+$", part)
        parts.append(part[m.start() :] if m else "")
    return " vs ".join(parts)


def content_key(f: Finding) -> str:
    """The text a finding's id is the hash of: every field but the annotations, with the
    files' names left out of ``source`` (only the place in them kept) and folders left out of
    ``message``."""
    d = f.model_dump(mode="json", exclude=set(ANNOTATIONS))
    d["source"] = _anchors(d.get("source"))
    d["message"] = _DIRECTORIES.sub("", d.get("message") or "")
    return json.dumps(d, sort_keys=True)


def finding_id(f: Finding) -> str:
    """A finding's id from its content: the first :data:`ID_LENGTH` hex digits of SHA-256."""
    return hashlib.sha256(content_key(f).encode("utf-8")).hexdigest()[:ID_LENGTH]


def with_ids(findings: Sequence[Finding]) -> list[Finding]:
    """Give every finding without an id one (:func:`finding_id`); ids already given are kept.

    Findings with the same content (exact twins) get ``-2``, ``-3`` ... after the first, in
    the order of their whole content, so the same inputs always give the same ids.
    """
    taken = {f.id for f in findings if f.id}
    pending: dict[str, list[int]] = {}
    for i, f in enumerate(findings):
        if not f.id:
            pending.setdefault(finding_id(f), []).append(i)
    ids: list[str | None] = [f.id for f in findings]
    for base in sorted(pending):
        idxs = sorted(pending[base], key=lambda i: json.dumps(findings[i].model_dump(mode="json")))
        n = 1
        for i in idxs:
            candidate = base if n == 1 else f"{base}-{n}"
            while candidate in taken:
                n += 1
                candidate = f"{base}-{n}"
            taken.add(candidate)
            ids[i] = candidate
            n += 1
    return [
        f if f.id == new else f.model_copy(update={"id": new})
        for f, new in zip(findings, ids, strict=True)
    ]


def finish(findings: Sequence[Finding]) -> list[Finding]:
    """Ids for findings that have none, and each root's count of consequences.

    A root (``cause`` None) gets ``consequences``: how many findings name it as their
    cause; a consequence gets None. Idempotent: call it again after adding findings.
    """
    out = with_ids(findings)
    counts: dict[str, int] = {}
    for f in out:
        if f.cause:
            counts[f.cause] = counts.get(f.cause, 0) + 1
    return [
        f.model_copy(update={"consequences": None if f.cause else counts.get(f.id or "", 0)})
        if f.consequences != (None if f.cause else counts.get(f.id or "", 0))
        else f
        for f in out
    ]


def stake_text(value: Decimal) -> str:
    """An amount at stake as a finding holds it: to the cent, ``-0.00`` never shown."""
    return format(to_cents(value) + ZERO, "f")


def root_of(f: Finding) -> str | None:
    """The id of a finding's root cause: its ``cause``, else its own id."""
    return f.cause or f.id


# ---------------------------------------------------------------------------------------------
# The invoice of one run: its figures and the sources of its errors
# ---------------------------------------------------------------------------------------------


def _number(text: str | None) -> Decimal | None:
    if text is None:
        return None
    try:
        d = Decimal(text)
    except (InvalidOperation, ValueError):
        return None
    return d if d.is_finite() else None


def line_figures(lines: Iterable[LineItem]) -> dict[Fig, Decimal]:
    """The figures an invoice builds from these lines (:data:`LINE_FED`)."""
    rcti, tax, ps = section_totals(list(lines))
    return {
        RCTI_AMOUNT: rcti.amount,
        RCTI_GST: rcti.gst,
        TAX_AMOUNT: tax.amount,
        TAX_GST: tax.gst,
        PS_GST_Y: ps.gst_applicable_amount,
        PS_GST_N: ps.gst_not_applicable_amount,
    }


def invoice_figures(inv: Invoice, prepayment_applied: Decimal | None = None) -> dict[Fig, Decimal]:
    """Every figure of :data:`ORDER` as the invoice shows it (Amount Due: Total Payable less
    ``prepayment_applied`` when given, as recon recomputes it)."""
    ps = inv.payment_summary
    out = {
        RCTI_AMOUNT: inv.rcti.amount,
        RCTI_GST: inv.rcti.gst,
        RCTI_TOTAL: inv.rcti.total,
        TAX_AMOUNT: inv.tax_invoice.amount,
        TAX_GST: inv.tax_invoice.gst,
        TAX_TOTAL: inv.tax_invoice.total,
        PS_GST_Y: ps.gst_applicable_amount,
        PS_GST_N: ps.gst_not_applicable_amount,
        PS_GST: ps.gst,
        TOTAL_PAYABLE: ps.total_payable,
        AMOUNT_DUE: ps.amount_due,
    }
    if prepayment_applied is not None:
        out[AMOUNT_DUE] = ps.total_payable - prepayment_applied
    return out


def own_figures(inv: Invoice) -> dict[Fig, Decimal]:
    """What each figure of :data:`ORDER` is by the invoice's own arithmetic: line-fed figures
    from its lines, the others from its own figures they are built from."""
    shown = invoice_figures(inv)
    out = line_figures(inv.line_items)
    for k, inputs in DERIVED:
        out[k] = sum((shown[i] * c for i, c in inputs), ZERO)
    out[AMOUNT_DUE] = shown[TOTAL_PAYABLE] - inv.payment_summary.prepayment_applied
    return out


def _figure_key(source: str | None) -> Fig | None:
    """The figure a source names (``file#/rcti/total``, ``file#Tax Invoice/GST``), else None."""
    if not source or "#" not in source:
        return None
    part, _, name = source.rsplit("#", 1)[1].strip("/").partition("/")
    for section, (json_name, pdf_name, _label) in SECTIONS.items():
        if part in (json_name, pdf_name):
            for fname, (json_field, pdf_field) in FIELDS.items():
                if name in (json_field, pdf_field):
                    return (section, fname)
    return None


@dataclass(eq=False)
class Root:
    """One root cause and what it explains.

    Attributes:
        finding: The root finding (None for an error no finding names: logged).
        consequences: Findings that are consequences of it.
        impact: Its effect on each figure of the invoice (invoiced minus recomputed), as far
            as the figures were followed.
        line_delta: Its effect on the figures built from the lines (:data:`LINE_FED`).
        errors: Its invoice line errors by variable, signed Charge +, Payment -:
            ``[amount, GST]`` (what an ADJ chain total may fail by).
    """

    finding: Finding | None
    consequences: list[Finding] = field(default_factory=list)
    impact: dict[Fig, Decimal] = field(default_factory=dict)
    line_delta: dict[Fig, Decimal] = field(default_factory=dict)
    errors: dict[str, list[Decimal]] = field(default_factory=dict)

    @property
    def at_stake(self) -> Decimal:
        """The change in Amount Due, from the participant's side, were it corrected."""
        return self.impact.get(AMOUNT_DUE, ZERO)


def _subset(
    items: Sequence[tuple[T, Decimal]], target: Decimal, signs: tuple[int, ...] = (1,)
) -> list[T] | None:
    """Candidates whose values add up to exactly ``target`` (or ``-target`` when -1 is in
    ``signs``): all of them first, then one, two, ... (every combination up to
    :data:`SUBSET_LIMIT` candidates; above it only one or all)."""
    items = [(x, v) for x, v in items if v != 0]
    if not items or target == 0:
        return None
    for sign in signs:
        t = target * sign
        if sum((v for _, v in items), ZERO) == t:
            return [x for x, _ in items]
        sizes = range(1, len(items)) if len(items) <= SUBSET_LIMIT else range(1, 2)
        for n in sizes:
            for combo in combinations(items, n):
                if sum((v for _, v in combo), ZERO) == t:
                    return [x for x, _ in combo]
    return None


def _largest(roots: Sequence[Root], fig: Fig) -> Root:
    """The root with the largest effect on a figure (the first of equals): the one a
    consequence names as its cause when several roots explain it together."""
    return max(roots, key=lambda r: abs(r.impact.get(fig, ZERO)))


def _classification(li: LineItem) -> tuple[PaymentOrCharge, bool]:
    return (li.payment_or_charge, li.gst_applicable)


def _signed_parts(lines: Iterable[LineItem]) -> list[Decimal]:
    amount = gst = ZERO
    for li in lines:
        sign = 1 if li.payment_or_charge is PaymentOrCharge.CHARGE else -1
        amount += li.amount * sign
        gst += li.gst * sign
    return [amount, gst]


def _minus(a: dict[Fig, Decimal], b: dict[Fig, Decimal]) -> dict[Fig, Decimal]:
    return {k: a.get(k, ZERO) - b.get(k, ZERO) for k in dict.fromkeys([*a, *b])}


def _line_roots(rec: Invoice, inv: Invoice, findings: Sequence[Finding]) -> list[Root]:
    """One root per finding about an invoice line, each with its share of the line's error.

    The invoice's lines of a variable are corrected towards recon's one finding at a time
    (a missing or extra line, a line shown twice, Payment/Charge, the GST flag, the amount,
    the GST); each finding's share is what its correction changes. What no correction
    reaches is the first finding's. A GST that is 10% of the invoice's own (wrong) amount
    follows the amount (or the GST flag): a consequence, not a root.
    """
    recon_lines: dict[str, list[LineItem]] = {}
    for li in rec.line_items:
        recon_lines.setdefault(li.variable, []).append(li)
    shown: dict[str, list[LineItem]] = {}
    for li in inv.line_items:
        shown.setdefault(li.variable, []).append(li)
    about: dict[str, list[Finding]] = {}
    for f in findings:
        if f.check in LINE_CHECKS and f.variable:
            about.setdefault(f.variable, []).append(f)

    roots: list[Root] = []
    for v in dict.fromkeys([*recon_lines, *shown, *about]):
        cl, il = recon_lines.get(v, []), shown.get(v, [])
        fs = about.get(v, [])
        if not fs:
            total = _minus(line_figures(il), line_figures(cl))
            if any(total.values()):
                log.warning("no finding names the error of invoice line %s", v)
                roots.append(Root(None, line_delta=total, errors={v: _minus_parts(il, cl)}))
            continue
        roots.extend(_corrections(v, cl, il, fs))
    return roots


def _minus_parts(il: list[LineItem], cl: list[LineItem]) -> list[Decimal]:
    a, b = _signed_parts(il), _signed_parts(cl)
    return [a[0] - b[0], a[1] - b[1]]


def _corrections(v: str, cl: list[LineItem], il: list[LineItem], fs: list[Finding]) -> list[Root]:
    """Correct a variable's invoice lines towards recon's, one finding at a time."""
    pair_shaped = len(cl) == 2 and sorted(map(_classification, il)) == sorted(
        map(_classification, cl)
    )

    def phase(f: Finding) -> int:
        if f.check == CheckId.INVOICE_LINE_MISSING:
            return 0
        if f.check == CheckId.DATA_CLASSIFICATION:
            return 2
        return 3

    ordered = sorted(fs, key=phase)  # stable: within a phase, the order they were made in
    duplicate: Finding | None = None
    if not pair_shaped and len(il) > 1:
        duplicate = next((f for f in ordered if f.check == CheckId.INVOICE_LINE), None)
    state = list(il)
    roots: dict[int, Root] = {}
    kinds: dict[int, str] = {}
    for f in ordered:
        before = list(state)
        kind = "other"
        if f.check == CheckId.INVOICE_LINE_MISSING:
            state, kind = list(cl), "whole"
        elif f is duplicate:
            state, kind = state[:1], "duplicate"
        elif f.check == CheckId.DATA_CLASSIFICATION and state and cl:
            if f.expected in {p.value for p in PaymentOrCharge}:
                state[0] = state[0].model_copy(
                    update={"payment_or_charge": cl[0].payment_or_charge}
                )
                kind = "poc"
            else:
                state[0] = state[0].model_copy(update={"gst_applicable": cl[0].gst_applicable})
                kind = "flag"
        elif f.check == CheckId.INVOICE_LINE:
            exp, act = _number(f.expected), _number(f.actual)
            for name in ("amount", "gst"):
                j = next(
                    (i for i, li in enumerate(state) if getattr(li, name) == act and act != exp),
                    None,
                )
                if j is not None and exp is not None:
                    state[j] = state[j].model_copy(update={name: exp})
                    kind = name
                    break
        kinds[id(f)] = kind
        delta = _minus(line_figures(before), line_figures(state))
        parts = _minus_parts(before, state)
        roots[id(f)] = Root(f, line_delta=delta, errors={v: parts})
    rest = _minus(line_figures(state), line_figures(cl))
    first = roots[id(ordered[0])]
    if any(rest.values()):
        first.line_delta = {k: first.line_delta.get(k, ZERO) + rest.get(k, ZERO) for k in LINE_FED}
        extra = _minus_parts(state, cl)
        first.errors[v] = [first.errors[v][0] + extra[0], first.errors[v][1] + extra[1]]
    # A GST that is 10% of the invoice's own amount follows the amount (or the GST flag).
    gst = next((f for f in ordered if kinds[id(f)] == "gst"), None)
    lead = next((f for f in ordered if kinds[id(f)] == "amount"), None) or next(
        (f for f in ordered if kinds[id(f)] == "flag"), None
    )
    if gst is not None and lead is not None and len(il) == 1:
        shown = il[0]
        if shown.gst == gst_of(shown.amount, shown.gst_applicable):
            follower, leader = roots.pop(id(gst)), roots[id(lead)]
            leader.consequences.append(gst)
            leader.line_delta = {
                k: leader.line_delta.get(k, ZERO) + follower.line_delta.get(k, ZERO)
                for k in LINE_FED
            }
            a, b = leader.errors[v], follower.errors[v]
            leader.errors[v] = [a[0] + b[0], a[1] + b[1]]
    return list(roots.values())


@dataclass
class InvoiceCauses:
    """The roots of one invoiced run and the cash at stake.

    Attributes:
        at_stake: The run's cash at stake: invoiced Amount Due less recon's, to the cent.
        roots: Every root about the invoice, each with its consequences and effect.
        unexplained: Findings about an invoice figure on the way to Amount Due that no
            root explains (``at_stake`` null; the run's sum holds without them).
    """

    at_stake: Decimal
    roots: list[Root]
    unexplained: list[Finding] = field(default_factory=list)


def invoice_causes(
    computed: Invoice, invoiced: Invoice, findings: Sequence[Finding]
) -> InvoiceCauses:
    """Group one run's invoice findings into roots and consequences and price each root.

    Args:
        computed: recon's recomputed invoice of the run (as given to ``check_invoice``).
        invoiced: AEMO's invoice.
        findings: What :func:`recon.reconcile.invoices.check_invoice` found, in its order.

    Returns:
        The roots (each with ``impact[AMOUNT_DUE]`` its cash at stake) and the run's
        ``at_stake``; the roots' cash adds up to it exactly.
    """
    rec, _ = net_form(computed, invoiced)
    prepay = invoiced.payment_summary.prepayment_applied
    shown = invoice_figures(invoiced)
    recon = invoice_figures(rec, prepay)
    own = own_figures(invoiced)
    roots = _line_roots(rec, invoiced, findings)
    by_fig: dict[Fig, list[Finding]] = {}
    others: list[Finding] = []
    for f in findings:
        if f.check != CheckId.INVOICE_TOTAL:
            continue
        key = _figure_key(f.source)
        if key in ORDER or key in ADJUSTMENT_FIGURES:
            by_fig.setdefault(key, []).append(f)
        else:
            others.append(f)  # a PDF's Payment Summary row, an absent section
    unexplained: list[Finding] = []
    for k in ORDER:
        for r in roots:
            if k in LINE_FED:
                r.impact[k] = r.line_delta.get(k, ZERO)
            else:
                inputs = dict(DERIVED)[k]
                r.impact[k] = sum((r.impact.get(i, ZERO) * c for i, c in inputs), ZERO)
        own_error = shown[k] - own[k]
        new: Root | None = None
        absorbed: list[Root] = []
        if own_error:
            found = _subset([(r, -r.impact[k]) for r in roots], own_error)
            if found:
                absorbed = found
                for r in found:
                    r.impact[k] = ZERO  # the figure is right: their error stops here
            else:
                new = Root(None, impact={kk: ZERO for kk in ORDER})
                new.impact[k] = own_error
                roots.append(new)
        difference = shown[k] - recon[k]
        about = by_fig.get(k, [])
        if new is not None:  # the figure is wrong on its own: the finding saying so is the root
            new.finding = next((f for f in about if _number(f.difference) == own_error), None)
        for f in about:
            if new is not None and f is new.finding:
                continue
            d = _number(f.difference)
            reaching = [r for r in roots if r.impact.get(k, ZERO) and r.finding is not None]
            if (
                d is not None
                and d == difference
                and reaching
                and sum((r.impact[k] for r in reaching), ZERO) == difference
            ):
                _largest(reaching, k).consequences.append(f)
                continue
            if absorbed and d == own_error and any(r.finding for r in absorbed):
                _largest([r for r in absorbed if r.finding], k).consequences.append(f)
                continue
            found = _subset([(r, r.impact[k]) for r in roots if r.finding is not None], d or ZERO)
            if found:
                _largest(found, k).consequences.append(f)
                continue
            if k in ON_PATH:
                unexplained.append(f)
            else:
                roots.append(Root(f, impact={kk: ZERO for kk in ORDER}))
        if new is not None and new.finding is None:
            log.warning("no finding names the own error of invoice figure %s", k)
    for k, follows in ADJUSTMENT_FIGURES.items():
        for f in by_fig.get(k, []):
            d = _number(f.difference)
            candidates = [(r, r.impact.get(follows, ZERO)) for r in roots if r.finding is not None]
            found = _subset(candidates, d or ZERO)
            if found:
                _largest(found, follows).consequences.append(f)
            else:
                roots.append(Root(f, impact={kk: ZERO for kk in ORDER}))
    roots.extend(Root(f, impact={kk: ZERO for kk in ORDER}) for f in others)
    return InvoiceCauses(
        at_stake=to_cents(shown[AMOUNT_DUE] - recon[AMOUNT_DUE]) + ZERO,
        roots=roots,
        unexplained=unexplained,
    )


# ---------------------------------------------------------------------------------------------
# Estimates: summary_detail.value and own.value
# ---------------------------------------------------------------------------------------------


def summary_detail_estimates(
    findings: Iterable[Finding], totals: dict[str, LineTotal] | None
) -> list[Finding]:
    """``summary_detail.value`` findings with the line difference the Detail implies.

    If the Detail's value were the Summary's on that day, the variable's line would move
    by the rounded change in its amount plus the change in its GST; from the participant's
    side (a Payment line: more is owed to the participant; a Charge: less). Marked
    ``estimate`` (SPEC §10). Other findings pass unchanged.
    """
    out: list[Finding] = []
    for f in findings:
        if f.check == CheckId.SUMMARY_DETAIL_VALUE and totals and f.variable in totals:
            estimate = _line_change(totals[f.variable], f)
            if estimate is not None:
                f = f.model_copy(
                    update={
                        "at_stake": stake_text(estimate),
                        "at_stake_basis": AtStakeBasis.ESTIMATE,
                    }
                )
        out.append(f)
    return out


def _line_change(t: LineTotal, f: Finding) -> Decimal | None:
    detail = _number(f.expected)
    try:
        day = date.fromisoformat((f.timestamp or "")[:10])
    except ValueError:
        return None
    if detail is None or day not in t.by_day:
        return None
    amount = cents(t.exact - t.by_day[day] + detail)
    change = (amount - t.amount) + (gst_of(amount, t.gst_applicable) - t.gst)
    return change if t.payment_or_charge is PaymentOrCharge.PAYMENT else ZERO - change


def own_estimates(
    findings: Iterable[Finding], series: OwnSeries, weeks: Sequence[WeekView]
) -> list[Finding]:
    """``own.value`` errors of a priced series with an estimated ``at_stake`` (SPEC §9).

    The estimate is (your quantity - AEMO's) x the price AEMO's Detail gives for that
    interval, rounded to cents: positive for a ``payment`` series (more quantity, more
    paid to you), negated for a ``charge`` series. The price is the series' ``price``
    variable of the finding's run: scope Global, or the series' scope, at the same or a
    coarser granularity. Without a price for the interval the finding is left as it is.
    """
    findings = list(findings)
    if series.price is None or series.direction is None:
        return findings
    price_var = parse_variable(series.price)
    sign = 1 if series.direction == "payment" else -1
    by_week = {(w.participant, w.period): w for w in weeks}
    out: list[Finding] = []
    for f in findings:
        if (
            f.check == CheckId.OWN_VALUE
            and f.severity is not Severity.INFO  # an ADJ run explained, not a difference
            and f.variable == series.variable
        ):
            w = by_week.get((f.participant or "", f.period or ""))
            price = _price(w, f, series.price, price_var) if w is not None else None
            yours, theirs = _number(f.expected), _number(f.actual)
            if price is not None and yours is not None and theirs is not None:
                value = to_cents((yours - theirs) * price) * sign
                f = f.model_copy(
                    update={"at_stake": stake_text(value), "at_stake_basis": AtStakeBasis.ESTIMATE}
                )
        out.append(f)
    return out


def _price(w: WeekView, f: Finding, name: str, var: VariableName) -> Decimal | None:
    """The price of the finding's interval from its run's Detail (None when not held)."""
    if not f.interval_start or f.run_id is None or not f.position:
        return None
    start = datetime.fromisoformat(f.interval_start)
    day = trading_day_of(start)
    g = var.granularity
    scope = "Global" if var.scope == "G" else f.scope
    stamp = {
        Granularity.M: trading_month(day),
        Granularity.CY: capacity_year(day),
        Granularity.FY: financial_year(day),
    }.get(g, day)
    position = 1
    if g in (Granularity.I, Granularity.DI):
        position = f.position
        quantity = parse_variable(f.variable or "").granularity
        if g is Granularity.I and quantity is Granularity.DI:
            position = (f.position - 1) // 6 + 1  # six Dispatch Intervals to a Trading one
    for part in w.details.get(f.run_id, []):
        rows = part.frame.filter((pl.col("variable") == name) & (pl.col("scope") == scope))
        if g is not Granularity.X:
            rows = rows.filter(pl.col("timestamp") == stamp)
        if "settlement_trading_day" in rows.columns:
            same_day = rows.filter(pl.col("settlement_trading_day") == day)
            rows = same_day if same_day.height else rows
        if rows.height == 0:
            continue
        values = with_values(rows.head(1)).get_column("values")[0]
        if values is not None and 1 <= position <= len(values) and values[position - 1] is not None:
            return Decimal(values[position - 1])
    return None


# ---------------------------------------------------------------------------------------------
# The ledger: what the engine records per run, applied to the findings at the end
# ---------------------------------------------------------------------------------------------

RunId = tuple[str, str, int]


class Ledger:
    """Collects each run's roots and consequences while the engine runs, then writes ids,
    causes and ``at_stake`` into the findings (:meth:`annotate`)."""

    def __init__(self) -> None:
        self._roots: dict[RunId, list[Root]] = {}
        self._cause: dict[int, Finding] = {}
        self._stake: dict[int, Decimal | None] = {}
        self._keep: list[Finding] = []

    def invoice(
        self, header: RunHeader, computed: Invoice, invoiced: Invoice, findings: Sequence[Finding]
    ) -> Decimal:
        """Record one run's invoice findings (recomputed invoice and AEMO's) and return the
        run's cash at stake."""
        found = invoice_causes(computed, invoiced, findings)
        self._roots[(header.participant, header.period, header.run_id)] = found.roots
        for r in found.roots:
            if r.finding is None:
                continue
            self._keep.append(r.finding)
            self._stake[id(r.finding)] = r.at_stake
            for c in r.consequences:
                self._keep.append(c)
                self._cause[id(c)] = r.finding
        for f in found.unexplained:
            self._keep.append(f)
            self._stake[id(f)] = None
        return found.at_stake

    def chain(self, headers: Sequence[RunHeader], findings: Sequence[Finding]) -> None:
        """Record ``adjustment.chain`` findings that fail by exactly some runs' errors."""
        for f in findings:
            d = _number(f.difference)
            if f.check != CheckId.ADJUSTMENT_CHAIN or d is None or not d:
                continue
            runs = [
                self._roots.get((h.participant, h.period, h.run_id), [])
                for h in headers
                if (h.participant, h.period) == (f.participant, f.period)
            ]
            roots = [r for rs in runs for r in rs if r.finding is not None]
            found: list[Root] | None = None
            if f.variable:
                for part in (0, 1):
                    items = [
                        (r, r.errors[f.variable][part]) for r in roots if f.variable in r.errors
                    ]
                    found = _subset(items, d, signs=(1, -1))
                    if found:
                        break
            else:
                for k in (RCTI_TOTAL, TAX_TOTAL, PS_GST_Y, PS_GST_N):
                    found = _subset([(r, r.impact.get(k, ZERO)) for r in roots], d, signs=(1, -1))
                    if found:
                        break
            if found:
                lead = found[0]
                assert lead.finding is not None
                self._keep.append(f)
                self._cause[id(f)] = lead.finding

    def annotate(self, findings: Sequence[Finding]) -> list[Finding]:
        """The findings with ids, causes, consequence counts and ``at_stake`` (same order)."""
        ided = with_ids(findings)
        ids = {id(old): new.id for old, new in zip(findings, ided, strict=True)}
        out: list[Finding] = []
        for old, new in zip(findings, ided, strict=True):
            update: dict[str, object] = {}
            cause = self._cause.get(id(old))
            if cause is not None and id(cause) in ids:
                update["cause"] = ids[id(cause)]
            elif id(old) in self._stake:
                stake = self._stake[id(old)]
                if stake is not None:
                    update["at_stake"] = stake_text(stake)
                    update["at_stake_basis"] = AtStakeBasis.CASH
            out.append(new.model_copy(update=update) if update else new)
        return finish(out)


def error_roots(findings: Iterable[Finding]) -> set[str]:
    """The ids of the root causes of the error findings (a finding without an id is its
    own root)."""
    out: set[str] = set()
    for n, f in enumerate(findings):
        if f.severity is Severity.ERROR:
            out.add(root_of(f) or f"#{n}")
    return out
