"""What the reports show, computed once for both the workbook and the HTML page.

Each function here turns a :class:`~recon.models.results.CheckResult` into plain rows;
:mod:`recon.report.excel` and :mod:`recon.report.html` only lay them out, so the two files
always carry the same figures. Differences are always AEMO's (invoiced) figure minus
recon's (recomputed) one, as in a finding.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from recon.models.findings import CHECKS, Finding, Severity
from recon.models.invoices import Invoice
from recon.models.results import (
    AdjustmentLine,
    AttributionRow,
    CheckResult,
    LineComparison,
    RunInfo,
)
from recon.report.formatting import as_figure

RunKey = tuple[str, str, int]

LINE_STATUS_TEXT = {
    "ok": "ok",
    "rounding": "rounding only",
    "differs": "differs",
    "missing_on_invoice": "missing on invoice",
    "not_in_statement": "not in statement",
}
"""How a :class:`LineComparison` status reads in the reports."""


def line_discrepant(status: str) -> bool:
    """True for a line status that is a discrepancy (not ``ok``, not ``rounding``)."""
    return status not in ("ok", "rounding")


def difference(invoiced: Decimal | None, computed: Decimal | None) -> Decimal | None:
    """AEMO's figure minus recon's, or None unless both are there."""
    if invoiced is None or computed is None:
        return None
    return invoiced - computed


def run_key(obj: RunInfo | LineComparison | AdjustmentLine | AttributionRow | Finding) -> RunKey:
    """(participant, period, run_id) of anything that belongs to a run."""
    return (obj.participant or "", obj.period or "", obj.run_id or 0)


@dataclass(frozen=True)
class Verdict:
    """What a reader must see first.

    Attributes:
        level: ``error``, ``warning`` or ``clean`` (info findings only, or none).
        counts: Findings by severity.
        headline: One sentence.
        worst: The worst findings, errors first, largest difference first.
        more: How many errors and warnings ``worst`` leaves out.
    """

    level: str
    counts: dict[str, int]
    headline: str
    worst: list[Finding]
    more: int


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def verdict(result: CheckResult, limit: int = 8) -> Verdict:
    """The verdict banner: counts and the worst findings.

    Args:
        result: The check.
        limit: How many findings to name.
    """
    c = result.counts
    if c["error"]:
        level = "error"
        headline = (
            f"{_plural(c['error'], 'error')} found: the statements and invoices do "
            "not tie out. Do not accept them as they are."
        )
    elif c["warning"]:
        level = "warning"
        headline = (
            f"No errors, {_plural(c['warning'], 'warning')}: the figures tie out; "
            "read the warnings before accepting."
        )
    else:
        level = "clean"
        headline = "No errors and no warnings: every figure checked ties out."
    serious = [f for f in result.findings if f.severity is not Severity.INFO]
    serious.sort(key=_worst_key)
    return Verdict(
        level=level,
        counts=c,
        headline=headline,
        worst=serious[:limit],
        more=max(0, len(serious) - limit),
    )


def _worst_key(f: Finding) -> tuple[int, int, Decimal, tuple[str, ...]]:
    diff = as_figure(f.difference)
    size = abs(diff) if isinstance(diff, Decimal) else None
    return (
        f.severity.rank,
        size is None,
        -(size or Decimal(0)),
        tuple(str(x) for x in f.sort_key()),
    )


@dataclass(frozen=True)
class CheckRow:
    """One check's outcome: counts of its findings by severity and a one-word result."""

    check: str
    description: str
    errors: int
    warnings: int
    info: int

    @property
    def result(self) -> str:
        """``fail``, ``warning``, ``info`` or ``no findings``."""
        if self.errors:
            return "fail"
        if self.warnings:
            return "warning"
        return "info" if self.info else "no findings"


def check_rows(result: CheckResult) -> list[CheckRow]:
    """Every check of SPEC §5 with its findings counted (checks with findings first).

    A check with no finding either passed or had nothing to look at (no invoice, no
    previous run); the reports say ``no findings`` rather than claim a pass.
    """
    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for f in result.findings:
        counts[f.check][f.severity.value] += 1
    rows = [
        CheckRow(
            check, desc, counts[check]["error"], counts[check]["warning"], counts[check]["info"]
        )
        for check, (_, desc) in CHECKS.items()
    ]
    return sorted(rows, key=lambda r: (not r.errors, not r.warnings, not r.info))


@dataclass(frozen=True)
class FigureRow:
    """One invoice total: recomputed vs invoiced (the Payment Summary and sections)."""

    section: str
    figure: str
    computed: Decimal | None
    invoiced: Decimal | None

    @property
    def difference(self) -> Decimal | None:
        """Invoiced minus recomputed."""
        return difference(self.invoiced, self.computed)

    @property
    def status(self) -> str:
        """``ok``, ``differs``, ``not invoiced`` or ``not recomputed``."""
        if self.computed is None:
            return "not recomputed"
        if self.invoiced is None:
            return "not invoiced"
        return "ok" if self.computed == self.invoiced else "differs"


_SUMMARY_FIGURES = (
    ("gst_applicable_amount", "GST Applicable Amount"),
    ("gst_not_applicable_amount", "GST Not Applicable Amount"),
    ("gst", "GST"),
    ("total_payable", "Total Payable"),
    ("prepayment_applied", "Prepayment Applied"),
    ("amount_due", "Amount Due"),
    ("prepayment_balance", "Prepayment Balance"),
)
_SECTION_FIGURES = (("amount", "Amount"), ("gst", "GST"), ("total", "Total"))


def figure_rows(run: RunInfo) -> list[FigureRow]:
    """The Payment Summary, RCTI, Tax Invoice and Adjustment Information of a run.

    Returns:
        One row per figure held by either invoice; empty when neither is there.
    """
    comp, inv = run.computed, run.invoiced
    if comp is None and inv is None:
        return []

    def pick(invoice: Invoice | None, part: str, name: str) -> Decimal | None:
        holder = getattr(invoice, part, None) if invoice is not None else None
        return getattr(holder, name) if holder is not None else None

    rows = [
        FigureRow(
            "Payment Summary",
            label,
            pick(comp, "payment_summary", name),
            pick(inv, "payment_summary", name),
        )
        for name, label in _SUMMARY_FIGURES
    ]
    for part, section in (
        ("rcti", "Recipient Created Tax Invoice"),
        ("tax_invoice", "Tax Invoice"),
    ):
        rows += [
            FigureRow(section, label, pick(comp, part, name), pick(inv, part, name))
            for name, label in _SECTION_FIGURES
        ]
    if any(i is not None and i.adjustment_information is not None for i in (comp, inv)):
        rows += [
            FigureRow(
                "Adjustment Information",
                label,
                pick(comp, "adjustment_information", name),
                pick(inv, "adjustment_information", name),
            )
            for name, label in (
                ("rcti_difference", "RCTI Difference"),
                ("tax_invoice_difference", "Tax Invoice Difference"),
            )
        ]
    return rows


@dataclass
class RunView:
    """Everything the reports show about one run."""

    run: RunInfo
    figures: list[FigureRow]
    lines: list[LineComparison]
    adjustments: list[AdjustmentLine]
    attribution: dict[str, list[AttributionRow]]
    findings: list[Finding]
    counts: dict[str, int] = field(default_factory=dict)


def run_views(result: CheckResult) -> list[RunView]:
    """One :class:`RunView` per run, in the result's run order."""
    lines: dict[RunKey, list[LineComparison]] = defaultdict(list)
    adjustments: dict[RunKey, list[AdjustmentLine]] = defaultdict(list)
    attribution: dict[RunKey, dict[str, list[AttributionRow]]] = defaultdict(
        lambda: defaultdict(list)
    )
    findings: dict[RunKey, list[Finding]] = defaultdict(list)
    for lc in result.lines:
        lines[run_key(lc)].append(lc)
    for adj in result.adjustments:
        adjustments[run_key(adj)].append(adj)
    for row in result.attribution:
        attribution[run_key(row)][row.line_variable].append(row)
    for f in result.findings:
        findings[run_key(f)].append(f)
    views = []
    for run in result.runs:
        key = run_key(run)
        fs = findings.get(key, [])
        counts = {s.value: sum(1 for f in fs if f.severity is s) for s in Severity}
        views.append(
            RunView(
                run,
                figure_rows(run),
                lines.get(key, []),
                adjustments.get(key, []),
                dict(attribution.get(key, {})),
                fs,
                counts,
            )
        )
    return views


def adjustment_series(result: CheckResult) -> tuple[list[str], list[tuple[str, list[Decimal]]]]:
    """ADJ deltas by variable, one series per ADJ run (the chart's data).

    Returns:
        ``(series_names, rows)``: a name per ADJ run, and per variable whose delta is not
        zero in some run, its delta in each run (0 where the run has no such line); the
        largest absolute delta first.
    """
    runs: list[RunKey] = []
    names: dict[RunKey, str] = {}
    several = len({(a.participant, a.period) for a in result.adjustments}) > 1
    values: dict[str, dict[RunKey, Decimal]] = defaultdict(dict)
    for adj in result.adjustments:
        key = run_key(adj)
        if key not in names:
            runs.append(key)
            prefix = f"{adj.participant} {adj.period} " if several else ""
            names[key] = f"{prefix}{adj.designation} ({adj.run_id})"
        if adj.delta != 0:
            values[adj.variable][key] = values[adj.variable].get(key, Decimal(0)) + adj.delta
    rows = [(var, [by_run.get(k, Decimal(0)) for k in runs]) for var, by_run in values.items()]
    rows.sort(key=lambda r: -max(abs(v) for v in r[1]))
    return [names[k] for k in runs], rows


def participants(result: CheckResult) -> list[str]:
    """The participants of the check, in run order."""
    return list(
        dict.fromkeys(
            [r.participant for r in result.runs]
            + [i.participant for i in result.inputs if i.participant]
        )
    )


def weeks(result: CheckResult) -> list[str]:
    """The Trading Weeks of the check, in run order."""
    return list(
        dict.fromkeys(
            [r.period for r in result.runs] + [i.period for i in result.inputs if i.period]
        )
    )
