"""The engine: run every check the loaded artefacts allow, run by run and week by week.

Pure: models in, a :class:`~recon.models.results.CheckResult` out. The Python API and the
CLI detect and load the artefacts (files or the store) and call :func:`run_checks`.
Grouping into runs is :mod:`recon.reconcile.grouping`; what each run covers,
:mod:`recon.reconcile.coverage`.

For each participant and Trading Week the runs are ordered by PublishedAt; an ADJ run's
previous run is found among them by SPEC §4.7. Per run, the preferred form of each
artefact is used for the arithmetic (Summary: CSV, else JSON; Detail: ZIP/CSV, else JSON;
Invoice: JSON, else PDF), and the other forms are tied out against it.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from datetime import UTC, datetime
from decimal import Decimal

from recon.models.findings import Finding
from recon.models.invoices import Invoice
from recon.models.loaded import Loaded
from recon.models.results import (
    AdjustmentLine,
    AttributionRow,
    CheckResult,
    FigureComparison,
    FigureState,
    LineComparison,
    RunCoverage,
    RunInfo,
)
from recon.models.statements import DetailStatement, RunHeader, SummaryStatement
from recon.reconcile.adjustments import (
    adjustment_lines,
    check_chain,
    previous_missing,
    previous_run,
)
from recon.reconcile.attribution import attribute
from recon.reconcile.causes import Ledger, summary_detail_estimates
from recon.reconcile.coverage import coverage_findings, note_unread, run_coverage
from recon.reconcile.figures import chain_figures, uninvoiced_figures
from recon.reconcile.grouping import Run, RunKey, artefact_kind, group, in_run, run_key
from recon.reconcile.invoice_sums import check_invoice_arithmetic
from recon.reconcile.invoices import check_invoice
from recon.reconcile.recompute import (
    LineTotal,
    compute_invoice,
    expanded_form,
    full_invoice,
    line_totals,
    net_form,
)
from recon.reconcile.tieouts import (
    check_pdf_json,
    detail_coverage,
    detail_mismatch,
    summary_mismatch,
    summary_vs_detail,
)

log = logging.getLogger(__name__)


def _descriptions(runs: list[Run]) -> dict[str, str]:
    out: dict[str, str] = {}
    for run in runs:
        for inv in run.invoices.values():
            for li in inv.line_items:
                if li.description:
                    out.setdefault(li.variable, li.description)
    return out


def run_checks(
    loaded: list[Loaded],
    *,
    materiality: Decimal | None = None,
    findings: list[Finding] | None = None,
    skipped: list[dict[str, str]] | None = None,
    generated_at: datetime | None = None,
) -> CheckResult:
    """Run every check the loaded artefacts allow.

    Args:
        loaded: Artefacts with their input records.
        materiality: ``--materiality`` threshold for ``adjustment.material`` (None: off).
        findings: Findings already made while loading (e.g. ``data.columns``).
        skipped: Inputs not used, with reasons.
        generated_at: The time to stamp (default now, UTC).

    Returns:
        The result with findings sorted as SPEC §6 says.
    """
    out: list[Finding] = list(findings or [])
    runs, grouping = group(loaded)
    out.extend(grouping)

    note_unread(runs, out)  # the run of a file recognised but unread is not fully checked
    run_of: dict[RunKey, Run] = runs
    for item in loaded:
        m = item.model
        if isinstance(m, (SummaryStatement, DetailStatement, Invoice)):
            run = run_of[run_key(m)]
            out.extend(in_run(f, run.header) for f in m.findings)
            run.given.add(artefact_kind(m).split()[0])

    descriptions = _descriptions(list(runs.values()))
    totals: dict[RunKey, dict[str, LineTotal]] = {}
    for run in runs.values():
        s = run.summary
        if s is not None:
            t, f = line_totals(s, descriptions)
            totals[run.key] = t
            out.extend(in_run(x, run.header) for x in f)

    weeks: dict[tuple[str, str], list[Run]] = defaultdict(list)
    for run in runs.values():
        weeks[(run.header.participant, run.header.period)].append(run)

    infos: list[RunInfo] = []
    lines: list[LineComparison] = []
    figures: list[FigureComparison] = []  # every figure compared, with its verdict
    adjustments: list[AdjustmentLine] = []
    attribution: list[AttributionRow] = []
    coverage: list[RunCoverage] = []
    ledger = Ledger()  # root causes and cash at stake (SPEC §10)
    for key in sorted(weeks):
        week = sorted(weeks[key], key=lambda r: (r.header.published_at, r.header.run_id))
        headers = [r.header for r in week]
        by_id = {r.header.run_id: r for r in week}
        full: dict[int, Invoice] = {}
        invoiced: dict[int, Invoice] = {}
        for run in week:
            h = run.header
            cur = totals.get(run.key)
            out.extend(summary_detail_estimates([in_run(f, h) for f in _tieouts(run)], cur))
            at_stake = None
            inv = run.invoice
            if inv is not None:
                invoiced[h.run_id] = inv
            if cur is not None:
                full[h.run_id] = full_invoice(h, cur, descriptions)
            prev_h = previous_run(h, headers) if h.designation.is_adjustment else None
            prev_run = by_id.get(prev_h.run_id) if prev_h else None
            prev = totals.get(prev_run.key) if prev_run else None
            computed: Invoice | None = None
            if cur is not None and not h.designation.is_adjustment:
                computed = compute_invoice(h, cur, None, None, descriptions)
            elif cur is not None and prev is not None and prev_h is not None:
                computed = compute_invoice(h, cur, prev, prev_h.run_id, descriptions)
            elif cur is not None and h.designation.is_adjustment:
                out.append(previous_missing(h))
            if computed is not None and inv is not None:
                # A single net line accepted for a reclassified variable counts in the
                # chain as recon's reversal and rebill (SPEC §4 step 8).
                invoiced[h.run_id] = expanded_form(inv, computed, net_form(computed, inv)[1])
                f, cmp, figs = check_invoice(
                    h,
                    computed,
                    inv,
                    current=cur or {},
                    previous=prev if h.designation.is_adjustment else None,
                )
                at_stake = ledger.invoice(h, computed, inv, f)
                out.extend(f)
                lines.extend(cmp)
                figures.extend(figs)
            elif computed is not None:
                lines.extend(_uninvoiced(h, computed))
                figures.extend(uninvoiced_figures(h, computed))
            elif inv is not None:
                # Nothing to recompute against: still check the invoice's own arithmetic.
                f, figs = check_invoice_arithmetic(h, inv)
                out.extend(f)
                figures.extend(figs)
            if (
                h.designation.is_adjustment
                and prev_h is not None
                and cur is not None
                and prev is not None
            ):
                adj, f = adjustment_lines(h, prev_h, cur, prev, inv, materiality)
                adjustments.extend(adj)
                out.extend(f)
                changed = [a.variable for a in adj if a.delta != 0]
                if changed and prev_run is not None and run.summary and prev_run.summary:
                    attribution.extend(
                        attribute(
                            h,
                            prev_h,
                            run.summary,
                            prev_run.summary,
                            run.detail("csv") or run.detail("json"),
                            prev_run.detail("csv") or prev_run.detail("json"),
                            changed,
                        )
                    )
            cov = run_coverage(run, prev_run, prev is not None)
            cov.at_stake = at_stake
            coverage.append(cov)
            out.extend(coverage_findings(run, cov))
            infos.append(
                RunInfo(
                    participant=h.participant,
                    period=h.period,
                    run_id=h.run_id,
                    designation=h.designation.value,
                    published_at=h.published_at,
                    previous_run_id=prev_h.run_id if prev_h else None,
                    artefacts=sorted(run.kinds),
                    computed=computed,
                    invoiced=inv,
                )
            )
        chain = check_chain(headers, full, invoiced)
        ledger.chain(headers, chain)
        out.extend(chain)
        figures.extend(chain_figures(headers, full, invoiced))

    out.sort(key=Finding.sort_key)
    out = ledger.annotate(out)
    return CheckResult(
        generated_at=generated_at or datetime.now(UTC),
        inputs=[item.record for item in loaded],
        skipped=list(skipped or []),
        findings=out,
        runs=infos,
        lines=lines,
        adjustments=adjustments,
        attribution=attribution,
        materiality=materiality,
        coverage=coverage,
        figures=figures,
    )


def _tieouts(run: Run) -> list[Finding]:
    """Summary vs Detail, CSV vs JSON, PDF vs JSON, and Detail coverage for one run."""
    out: list[Finding] = []
    h = run.header
    s_csv, s_json = run.summaries.get("csv"), run.summaries.get("json")
    if s_csv and s_json:
        out.extend(summary_mismatch(s_csv, s_json))
    d_csv, d_json = run.detail("csv"), run.detail("json")
    if d_csv and d_json:
        out.extend(detail_mismatch(d_csv, d_json))
    primary = d_csv or d_json
    if primary is not None:
        # A Trading Day is missing only when no form of the Detail holds it.
        covered = primary.model_copy(
            update={"days": sorted(set(primary.days) | set(d_json.days if d_json else []))}
        )
        out.extend(detail_coverage(h, covered))
        s = run.summary
        if s is not None:
            if s.header.participant != h.participant:  # scope P is the code, however spelled
                s = s.model_copy(
                    update={"header": s.header.model_copy(update={"participant": h.participant})}
                )
            out.extend(summary_vs_detail(s, primary))
    pdf, js = run.invoices.get("pdf"), run.invoices.get("json")
    if pdf and js:
        out.extend(check_pdf_json(pdf, js))
    return out


def _uninvoiced(h: RunHeader, computed: Invoice) -> list[LineComparison]:
    return [
        LineComparison(
            participant=h.participant,
            period=h.period,
            run_id=h.run_id,
            designation=h.designation.value,
            variable=li.variable,
            description=li.description,
            payment_or_charge=li.payment_or_charge.value,
            gst_applicable=li.gst_applicable,
            computed_amount=li.amount,
            computed_gst=li.gst,
            status=FigureState.NOT_COMPARABLE,
            note="no invoice for this run",
        )
        for li in computed.line_items
    ]
