"""reconcile/figures: one verdict per figure compared, on real checks of the sample week
(every figure agrees) and the planted week (figures differ where its findings are)."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from paths import FIXTURES

import recon
from recon.models.results import FigureState
from recon.models.statements import RunHeader
from recon.reconcile.figures import uninvoiced_figures, worse
from recon.sources.invoice_json import read_invoice_json
from recon.sources.summary_csv import read_summary_csv

SAMPLE = FIXTURES / "sample_week"
PLANTED = FIXTURES / "planted_week"


def test_worse() -> None:
    assert worse(FigureState.AGREES, FigureState.DIFFERS) == FigureState.DIFFERS
    assert worse(FigureState.ROUNDING, FigureState.AGREES) == FigureState.ROUNDING
    assert worse(FigureState.DIFFERS, FigureState.ROUNDING) == FigureState.DIFFERS
    assert worse(FigureState.NOT_COMPARABLE, FigureState.AGREES) == FigureState.NOT_COMPARABLE
    assert worse(FigureState.FROM_INVOICE, FigureState.ROUNDING) == FigureState.ROUNDING


def test_the_sample_week_agrees_figure_by_figure() -> None:
    figures = recon.check(SAMPLE).figures
    kinds = {f.kind for f in figures}
    assert {"line_amount", "line_gst", "section", "chain"} <= kinds  # JSON invoices: no rows
    assert {f.status for f in figures} <= {
        FigureState.AGREES,
        FigureState.FROM_INVOICE,
        FigureState.NOT_COMPARABLE,
    }
    chain = [f for f in figures if f.kind == "chain"]
    assert chain and all(f.run_id == 56492 for f in chain)  # on the latest run
    assert {f.figure for f in chain if f.variable is None} == {"RCTI Total", "Tax Invoice Total"}


def test_the_planted_week_differs_where_its_findings_are() -> None:
    expected = json.loads((PLANTED / "expected_findings.json").read_text())
    checked = recon.check(PLANTED, materiality=Decimal(expected["materiality"]))
    differs = {(f.run_id, f.variable) for f in checked.figures if f.status == FigureState.DIFFERS}
    for f in expected["findings"]:
        if f["check"] == "invoice.line":
            assert (f["run_id"], f["variable"]) in differs, f["id"]
    # A figure differs only where a finding was made on the same run.
    runs_with_findings = {f.run_id for f in checked.findings if f.severity.value == "error"}
    assert {run for run, _ in differs} <= runs_with_findings


def test_a_run_without_invoice_has_every_line_not_comparable() -> None:
    header: RunHeader = read_summary_csv(
        SAMPLE / "csv" / "SWANGEN_51230_INITIAL_SettlementStatementSummary.csv"
    ).header
    computed = read_invoice_json(SAMPLE / "json" / "SWANGEN_51230_INITIAL_Invoice.json")
    figures = uninvoiced_figures(header, computed)
    assert len(figures) == 2 * len(computed.line_items)
    assert {f.status for f in figures} == {FigureState.NOT_COMPARABLE}
    amounts = {f.variable: f.computed for f in figures if f.kind == "line_amount"}
    assert amounts == {li.variable: li.amount for li in computed.line_items}
    assert all(f.invoiced is None and f.run_id == header.run_id for f in figures)


@pytest.mark.parametrize("kind", ["line_amount", "line_gst"])
def test_line_figures_differ_only_with_a_line_finding(kind: str) -> None:
    checked = recon.check(PLANTED / "SWANGEN_2024-12-01")
    lines = {(f.run_id, f.variable) for f in checked.findings if f.check.startswith("invoice.line")}
    for f in checked.figures:
        if f.kind == kind and f.status == FigureState.DIFFERS:
            assert (f.run_id, f.variable) in lines
