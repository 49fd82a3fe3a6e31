"""Coverage (SPEC §6 "Coverage"): what could be checked for each run, and the
``coverage.statement_missing`` / ``coverage.invoice_missing`` findings."""

from __future__ import annotations

from recon.models.detail import period_days
from recon.models.findings import CheckId, Finding
from recon.models.results import (
    RunCoverage,
)
from recon.reconcile.grouping import Run, RunKey, participant_code


def run_coverage(run: Run, prev_run: Run | None, previous_used: bool) -> RunCoverage:
    """What could be checked for one run (SPEC §6 "Coverage").

    Args:
        run: The run.
        prev_run: Its previous run among the inputs (ADJ), if any.
        previous_used: Whether the previous run's Summary was there to compute deltas.
    """
    h = run.header
    days = period_days(h)
    held = run.detail_days
    return RunCoverage(
        participant=h.participant,
        period=h.period,
        run_id=h.run_id,
        designation=h.designation.value,
        summary=run.summary is not None,
        detail_days=sum(1 for d in days if d in held),
        period_days=len(days),
        detail_forms={
            form: sorted({d for p in parts for d in p.days})
            for form, parts in run.details.items()
            if parts
        },
        invoice_json="json" in run.invoices,
        invoice_pdf="pdf" in run.invoices,
        previous_run=(previous_used if run.summary is not None else prev_run is not None)
        if h.designation.is_adjustment
        else None,
        notes=list(run.notes),
    )


def coverage_findings(run: Run, cov: RunCoverage) -> list[Finding]:
    """``coverage.statement_missing`` and ``coverage.invoice_missing`` for one run."""
    h = run.header
    out: list[Finding] = []
    if "Invoice" in run.given and "Summary" not in run.given:
        inv = run.invoice
        out.append(
            Finding.make(
                CheckId.COVERAGE_STATEMENT_MISSING,
                f"The invoice of run {h.run_id} ({h.designation.value}) has no Summary of its "
                "run among the inputs: its lines cannot be recomputed, only its own "
                "arithmetic was checked.",
                header=h,
                source=inv.source if inv is not None else None,
            )
        )
    if "Invoice" not in run.given and run.given & {"Summary", "Detail"}:
        what = " and ".join(sorted(run.given & {"Summary", "Detail"}))
        out.append(
            Finding.make(
                CheckId.COVERAGE_INVOICE_MISSING,
                f"Run {h.run_id} ({h.designation.value}) has a {what} but no invoice among "
                "the inputs: the statements were checked, no invoice was.",
                header=h,
                source=run.summary.source if run.summary is not None else None,
            )
        )
    return out


def note_unread(runs: dict[RunKey, Run], findings: list[Finding]) -> None:
    """Name each run a ``coverage.unread`` file belongs to as not fully checked.

    The file's run is what its content or name said (participant and RunId, or the RunId
    alone when it names one run among the inputs); a file whose run is not known leaves
    the runs as they are (the verdict still counts it as unread).
    """
    for f in findings:
        if f.check != CheckId.COVERAGE_UNREAD or f.run_id is None:
            continue
        if f.participant:
            run = runs.get((participant_code(f.participant), f.run_id))
        else:
            same = [r for k, r in runs.items() if k[1] == f.run_id]
            run = same[0] if len(same) == 1 else None
        if run is None:
            continue
        note = f"{f.source} could not be read"
        if note not in run.notes:
            run.notes.append(note)
