"""reconcile/coverage: what could be checked for each run and the coverage findings, on
the sample week loaded whole and in parts."""

from __future__ import annotations

from pathlib import Path

from paths import FIXTURES

from recon.reconcile.coverage import coverage_findings, run_coverage
from recon.reconcile.grouping import group
from recon.sources.loading import load

SAMPLE = FIXTURES / "sample_week"


def _runs(*paths: Path) -> dict:  # type: ignore[type-arg]
    loaded, _, _ = load(list(paths))
    return group(loaded)[0]


def test_the_whole_week_is_fully_covered() -> None:
    runs = _runs(SAMPLE / "csv", SAMPLE / "json", SAMPLE / "pdf")
    for run in runs.values():
        cov = run_coverage(run, None, True)
        assert (cov.summary, cov.detail_days, cov.period_days) == (True, 7, 7)
        assert cov.invoice_json and cov.invoice_pdf
        assert cov.previous_run is (None if run.header.designation.value == "INITIAL" else True)
        assert coverage_findings(run, cov) == []


def test_statements_without_invoices_are_invoice_missing() -> None:
    runs = _runs(SAMPLE / "csv")
    for run in runs.values():
        run.given.update({"Summary", "Detail"})
        cov = run_coverage(run, None, False)
        assert not cov.invoice_json and not cov.invoice_pdf
        [f] = coverage_findings(run, cov)
        assert f.check == "coverage.invoice_missing"
        assert f"Run {run.header.run_id}" in f.message and "Detail and Summary" in f.message


def test_an_invoice_alone_is_statement_missing() -> None:
    runs = _runs(SAMPLE / "json" / "SWANGEN_53874_ADJ1_Invoice.json")
    [run] = runs.values()
    run.given.add("Invoice")
    cov = run_coverage(run, None, False)
    assert (cov.summary, cov.detail_days, cov.previous_run) == (False, 0, False)
    [f] = coverage_findings(run, cov)
    assert f.check == "coverage.statement_missing"
    assert f.source == str(SAMPLE / "json" / "SWANGEN_53874_ADJ1_Invoice.json")
