"""report/view: what the terminal, HTML and Excel reports show, built from real checks of
the sample week (clean) and the planted week (its expected_findings.json)."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest
from paths import FIXTURES

import recon
from recon.models.results import CheckResult
from recon.report import view

PLANTED = FIXTURES / "planted_week"
EXPECTED = json.loads((PLANTED / "expected_findings.json").read_text())


@pytest.fixture(scope="module")
def planted() -> CheckResult:
    return recon.check(PLANTED, materiality=Decimal(EXPECTED["materiality"]))


@pytest.fixture(scope="module")
def sample() -> CheckResult:
    return recon.check(FIXTURES / "sample_week")


def test_the_planted_verdict_counts_and_names_the_worst(planted: CheckResult) -> None:
    v = view.verdict(planted, limit=5)
    assert v.level == "error"
    assert {k: v.counts[k] for k in ("error", "warning")} == EXPECTED["counts"]
    assert v.headline.startswith(f"{EXPECTED['counts']['error']} errors found")
    assert len(v.worst) == 5
    assert v.more == sum(EXPECTED["counts"].values()) - 5
    assert all(f.severity.value != "info" for f in v.worst)
    assert v.worst[0].severity.value == "error"


def test_the_sample_verdict_is_clean(sample: CheckResult) -> None:
    v = view.verdict(sample)
    assert v.level == "clean" and v.worst == [] and v.more == 0
    assert v.headline == sample.verdict_lines()[0]


def test_check_rows_add_up_to_the_counts(planted: CheckResult) -> None:
    rows = view.check_rows(planted)
    assert sum(r.errors for r in rows) == EXPECTED["counts"]["error"]
    assert sum(r.warnings for r in rows) == EXPECTED["counts"]["warning"]
    assert {r.check for r in rows if r.errors} == {
        f["check"] for f in EXPECTED["findings"] if f["severity"] == "error"
    }


def test_run_views_in_participant_week_and_designation_order(planted: CheckResult) -> None:
    runs = [
        (v.run.participant, view.week_start(v.run.period), v.run.run_id)
        for v in view.run_views(planted)
    ]
    assert runs == sorted(runs)
    assert len(runs) == len(planted.runs)
    assert view.participants(planted) == sorted({r[0] for r in runs})
    assert view.weeks(planted) == ["TW 24 Nov 2024", "TW 01 Dec 2024", "TW 08 Dec 2024"]


def test_figure_rows_show_the_section_summary_and_chain_figures(planted: CheckResult) -> None:
    rows = view.figure_rows(planted.figures)
    shown = [
        f
        for f in planted.figures
        if f.kind in ("section", "summary_row")
        or (f.kind == "chain" and (f.variable is None or f.status == "differs"))
    ]  # chain lines only where they differ
    assert [(r.section, r.figure, r.status) for r in rows] == [
        (f.section, f.figure, f.status) for f in shown
    ]
    assert any(r.section.startswith("Run chain") for r in rows)
    for row in rows:
        if row.computed is not None and row.invoiced is not None:
            assert row.difference == row.invoiced - row.computed


@pytest.mark.parametrize(
    ("period", "start"),
    [("TW 01 Dec 2024", date(2024, 12, 1)), ("TW 24 Nov 2024", date(2024, 11, 24))],
)
def test_week_start(period: str, start: date) -> None:
    assert view.week_start(period) == start
    assert view.week_order(period) == (start, period)


def test_unknown_weeks_and_designations_sort_last() -> None:
    assert view.week_start(None) == date.max
    assert view.designation_order("INITIAL") < view.designation_order("ADJ2")
    assert view.designation_order(None) == view.designation_order("junk") > 100


def test_difference_and_statuses() -> None:
    assert view.difference(Decimal("2"), Decimal("1.5")) == Decimal("0.5")
    assert view.difference(None, Decimal("1")) is None
    assert view.line_discrepant("differs") and not view.line_discrepant("agrees")
    assert not view.line_discrepant("rounding")
    assert view.status_text("differs")
