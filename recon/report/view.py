"""What the reports show, computed once for both the workbook and the HTML page.

Each function here turns a :class:`~recon.models.results.CheckResult` into plain rows;
:mod:`recon.report.excel` and :mod:`recon.report.html` only lay them out, so the two files
always carry the same figures. Differences are always AEMO's (invoiced) figure minus
recon's (recomputed) one, as in a finding.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Protocol, TypeVar

from recon.models.advice import Advice, advice_for
from recon.models.findings import CHECKS, Finding, Severity
from recon.models.results import (
    AdjustmentLine,
    AttributionRow,
    CheckResult,
    FigureComparison,
    FigureState,
    LineComparison,
    RunInfo,
)
from recon.report.formatting import as_figure, who_pays_text
from recon.wem.calendar import parse_week_label

RunKey = tuple[str, str, int]


class OfRun(Protocol):
    """Anything that belongs to a run: it names the run's participant, period and run id."""

    @property
    def participant(self) -> str | None: ...

    @property
    def period(self) -> str | None: ...

    @property
    def run_id(self) -> int | None: ...


T = TypeVar("T", bound=OfRun)


def status_text(status: FigureState) -> str:
    """How every report (HTML, Excel, terminal) says a figure's verdict."""
    return FigureState(status).text


def line_discrepant(status: FigureState) -> bool:
    """True for a figure the reconciler judged to differ (nothing else is)."""
    return FigureState(status) is FigureState.DIFFERS


def week_start(period: str | None) -> date:
    """The first day of a Trading Week label (``TW 01 Dec 2024``), for sorting by date.

    A label that does not parse sorts last (``date.max``).
    """
    try:
        return parse_week_label(period or "")
    except ValueError:
        return date.max


def week_order(period: str | None) -> tuple[date, str]:
    """Sort key of a Trading Week: its first day, then the label."""
    return (week_start(period), period or "")


def run_order(run: RunInfo) -> tuple[str, date, str, int, int]:
    """Sort key of a run: participant, week (by date), designation order, RunId."""
    return (
        run.participant,
        week_start(run.period),
        run.period,
        designation_order(run.designation),
        run.run_id,
    )


def designation_order(designation: str | None) -> int:
    """0 for INITIAL, n for ADJn, 999 for anything else."""
    des = designation or ""
    if des == "INITIAL":
        return 0
    return int(des[3:]) if des.startswith("ADJ") and des[3:].isdigit() else 999


def in_run_order(items: list[T], result: CheckResult) -> list[T]:
    """Items that belong to runs (lines, findings, ...) sorted as the runs are: participant,
    Trading Week by date, designation; within a run their own order is kept."""
    rank = {run_key(r): i for i, r in enumerate(sorted(result.runs, key=run_order))}

    def key(pair: tuple[int, T]) -> tuple[str, date, str, int, int, int]:
        i, obj = pair
        k = run_key(obj)
        des = designation_order(getattr(obj, "designation", None))
        return (k[0], week_start(k[1] or None), k[1], rank.get(k, 10**9), des, i)

    return [obj for _, obj in sorted(enumerate(items), key=key)]


def difference(invoiced: Decimal | None, computed: Decimal | None) -> Decimal | None:
    """AEMO's figure minus recon's, or None unless both are there."""
    if invoiced is None or computed is None:
        return None
    return invoiced - computed


def run_key(obj: OfRun) -> RunKey:
    """(participant, period, run_id) of anything that belongs to a run."""
    return (obj.participant or "", obj.period or "", obj.run_id or 0)


@dataclass(frozen=True)
class Verdict:
    """What a reader must see first.

    Attributes:
        level: ``error``, ``warning`` or ``clean`` (info findings only, or none).
        counts: Findings by severity.
        headline: One sentence.
        worst: The worst findings: root causes before their consequences, errors first,
            largest difference first.
        more: How many errors and warnings ``worst`` leaves out.
        coverage: The runs not fully checked and why (``CheckResult.verdict_lines``
            after its first line); empty when every run was fully checked.
    """

    level: str
    counts: dict[str, int]
    headline: str
    worst: list[Finding]
    more: int
    coverage: list[str] = field(default_factory=list)


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
        stake = result.stake_phrase()
        roots = result.error_root_count()
        headline = (
            f"{_plural(c['error'], 'error')} found"
            + (f" in {_plural(roots, 'root cause')}" if roots is not None else "")
            + (f"; {stake}" if stake else "")
            + ": the statements and invoices do not tie out. Do not accept them as they are."
        )
    elif c["warning"] and result.fully_checked:
        level = "warning"
        headline = (
            f"No errors, {_plural(c['warning'], 'warning')}: the figures tie out; "
            "read the warnings before accepting."
        )
    elif c["warning"]:
        # Say no more than was checked (SPEC §6 "Coverage"): the lines below name the gaps.
        level = "warning"
        headline = (
            f"No errors, {_plural(c['warning'], 'warning')} in what was checked, but not "
            "everything was: read the warnings and what was not checked before accepting."
        )
    lines = result.verdict_lines()
    if not c["error"] and not c["warning"]:
        level = "clean" if result.fully_checked else "warning"
        headline = lines[0]  # "No discrepancies" said only as coverage allows
    serious = [f for f in result.findings if f.severity is not Severity.INFO]
    serious.sort(key=lambda f: (f.cause is not None, _worst_key(f)))  # root causes first
    unlisted = sum(u.count for u in result.unlisted if u.severity is not Severity.INFO)
    return Verdict(
        level=level,
        counts=c,
        headline=headline,
        worst=serious[:limit],
        more=max(0, len(serious) - limit) + unlisted,
        coverage=lines[1:],
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
    def advice(self) -> Advice | None:
        """The next steps for this check's findings (:mod:`recon.models.advice`)."""
        return advice_for(self.check)

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
    for u in result.unlisted:  # findings the report counts but does not list
        counts[u.check][u.severity.value] += u.count
    rows = [
        CheckRow(
            check, desc, counts[check]["error"], counts[check]["warning"], counts[check]["info"]
        )
        for check, (_, desc) in CHECKS.items()
    ]
    return sorted(rows, key=lambda r: (not r.errors, not r.warnings, not r.info))


@dataclass(frozen=True)
class FigureRow:
    """One compared figure as the reports show it: the reconciler's verdict, not their own.

    Attributes:
        section: Where the figure sits (``Payment Summary``, ``Run chain: ...``).
        figure: Its name.
        computed: recon's figure.
        invoiced: AEMO's figure.
        difference: AEMO's minus recon's (None unless both are there).
        status: The reconciler's verdict.
        note: Why, in words.
    """

    section: str
    figure: str
    computed: Decimal | None
    invoiced: Decimal | None
    difference: Decimal | None
    status: FigureState
    note: str = ""

    @property
    def status_text(self) -> str:
        """The status in words."""
        return status_text(self.status)

    @property
    def differs(self) -> bool:
        """True when the reconciler judged the figure to differ."""
        return FigureState(self.status) is FigureState.DIFFERS

    @property
    def payable(self) -> bool:
        """True for a total that is money paid (its sign says who pays: see :func:`who_pays`)."""
        return bool(who_pays(self.section, self.figure, Decimal(0)))

    @property
    def who_pays(self) -> str:
        """Who pays whom this total, by AEMO's figure (recon's where AEMO gives none)."""
        amount = self.invoiced if self.invoiced is not None else self.computed
        return who_pays(self.section, self.figure, amount)


PAYABLE: dict[str, bool] = {
    "Payment Summary/Total Payable": True,
    "Payment Summary/Amount Due": True,
    "Tax Invoice/Total": True,
    "Recipient Created Tax Invoice/Total": False,
    "chain/Tax Invoice Total": True,
    "chain/RCTI Total": False,
}
"""The totals that say who pays whom (``section/figure``, a run chain's as ``chain/...``):
True where a positive figure is paid by the participant to AEMO (SPEC §4: Total Payable
positive, the participant pays AEMO), False where AEMO pays the participant (RCTI)."""


def who_pays(section: str, figure: str, amount: Decimal | None) -> str:
    """For a total that is money paid, who pays whom (``AEMO pays you $263,625.42``), else ''.

    The reports say this in words instead of leaving a reader to decode a red sign.
    """
    key = f"{'chain' if section.startswith('Run chain') else section}/{figure}"
    if key not in PAYABLE:
        return ""
    return who_pays_text(amount, PAYABLE[key])


SHOWN_KINDS = ("section", "summary_row", "chain")
"""Figure kinds shown in the figure tables (line figures are shown in the line tables)."""


def _row(f: FigureComparison) -> FigureRow:
    return FigureRow(f.section, f.figure, f.computed, f.invoiced, f.difference, f.status, f.note)


def figure_rows(figures: list[FigureComparison]) -> list[FigureRow]:
    """The figure table of one run: section and Payment Summary figures, PDF Payment
    Summary rows, and the run chain's totals (chain lines only where not agreeing).

    Returns:
        One row per figure, in the reconciler's order.
    """
    return [
        _row(f)
        for f in figures
        if f.kind in SHOWN_KINDS
        and not (
            f.kind == "chain" and f.variable is not None and f.status is not FigureState.DIFFERS
        )
    ]


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

    @property
    def amount_due(self) -> str:
        """The run's Amount Due in words: ``Amount Due on the invoice: AEMO pays you
        $2,833,719.98`` (recon's recomputed one when there is no invoice; '' with neither).
        For an ADJ run it is the ADJ invoice's: what this adjustment pays."""
        for inv, whose in (
            (self.run.invoiced, "on the invoice"),
            (self.run.computed, "recomputed (no invoice)"),
        ):
            if inv is not None:
                return f"Amount Due {whose}: {who_pays_text(inv.payment_summary.amount_due)}"
        return ""


def run_views(result: CheckResult) -> list[RunView]:
    """One :class:`RunView` per run: by participant, Trading Week (by date), designation."""
    lines: dict[RunKey, list[LineComparison]] = defaultdict(list)
    adjustments: dict[RunKey, list[AdjustmentLine]] = defaultdict(list)
    attribution: dict[RunKey, dict[str, list[AttributionRow]]] = defaultdict(
        lambda: defaultdict(list)
    )
    findings: dict[RunKey, list[Finding]] = defaultdict(list)
    figures: dict[RunKey, list[FigureComparison]] = defaultdict(list)
    for fc in result.figures:
        figures[run_key(fc)].append(fc)
    for lc in result.lines:
        lines[run_key(lc)].append(lc)
    for adj in result.adjustments:
        adjustments[run_key(adj)].append(adj)
    for row in result.attribution:
        attribution[run_key(row)][row.line_variable].append(row)
    for f in result.findings:
        findings[run_key(f)].append(f)
    unlisted: dict[RunKey, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for u in result.unlisted:
        unlisted[run_key(u)][u.severity.value] += u.count
    views = []
    for run in sorted(result.runs, key=run_order):
        key = run_key(run)
        fs = findings.get(key, [])
        counts = {
            s.value: sum(1 for f in fs if f.severity is s) + unlisted[key][s.value]
            for s in Severity
        }
        views.append(
            RunView(
                run,
                figure_rows(figures.get(key, [])),
                lines.get(key, []),
                adjustments.get(key, []),
                dict(attribution.get(key, {})),
                fs,
                counts,
            )
        )
    return views


def adjustment_series(
    result: CheckResult, participant: str | None = None
) -> tuple[list[str], list[tuple[str, list[Decimal]]]]:
    """ADJ deltas by variable, one series per ADJ run (the chart's data).

    Args:
        result: The check.
        participant: Only this participant's ADJ runs (None: all).

    Returns:
        ``(series_names, rows)``: a name per ADJ run, and per variable whose delta is not
        zero in some run, its delta in each run (0 where the run has no such line); the
        largest absolute delta first.
    """
    runs: list[RunKey] = []
    names: dict[RunKey, str] = {}
    adjs = in_run_order(
        [a for a in result.adjustments if participant in (None, a.participant)], result
    )
    several = len({(a.participant, a.period) for a in adjs}) > 1
    values: dict[str, dict[RunKey, Decimal]] = defaultdict(dict)
    for adj in adjs:
        key = run_key(adj)
        if key not in names:
            runs.append(key)
            prefix = (
                f"{adj.period} "
                if several and participant
                else f"{adj.participant} {adj.period} "
                if several
                else ""
            )
            names[key] = f"{prefix}{adj.designation} ({adj.run_id})"
        if adj.delta != 0:
            values[adj.variable][key] = values[adj.variable].get(key, Decimal(0)) + adj.delta
    rows = [(var, [by_run.get(k, Decimal(0)) for k in runs]) for var, by_run in values.items()]
    rows.sort(key=lambda r: -max(abs(v) for v in r[1]))
    return [names[k] for k in runs], rows


def participants(result: CheckResult) -> list[str]:
    """The participants of the check, in alphabetical order."""
    return sorted(
        set(
            [r.participant for r in result.runs]
            + [i.participant for i in result.inputs if i.participant]
        )
    )


def weeks(result: CheckResult) -> list[str]:
    """The Trading Weeks of the check, in date order (a week sorts by its first day)."""
    return sorted(
        set([r.period for r in result.runs] + [i.period for i in result.inputs if i.period]),
        key=week_order,
    )
