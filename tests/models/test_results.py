"""recon.models.results: what a check result says of itself: counts, exit codes, the
verdict qualified by coverage (SPEC §6), root causes and cash at stake (SPEC §10), and the
``findings.json`` head. The results are built here, field by field; what whole scenario
weeks give is in ``tests/test_scenarios.py``. ``to_frame`` is in ``tests/test_package.py``
and the figure verdicts' vocabulary in ``test_vocabularies.py``."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest

from recon.errors import EXIT_CLEAN, EXIT_FINDINGS
from recon.models.findings import CheckId, Finding, Severity
from recon.models.invoices import Invoice
from recon.models.results import (
    CheckResult,
    FigureComparison,
    InputRecord,
    RunCoverage,
    RunInfo,
    UnlistedFindings,
)

WEEK = "TW 01 Dec 2024"
AT = datetime(2024, 12, 20, 7, 30, tzinfo=UTC)


def _run(run_id: int = 51230, **kw: Any) -> RunCoverage:
    full: dict[str, Any] = {
        "participant": "SWANGEN",
        "period": WEEK,
        "run_id": run_id,
        "designation": "INITIAL",
        "summary": True,
        "detail_days": 7,
        "invoice_json": True,
    }
    return RunCoverage(**(full | kw))


def _result(
    *findings: Finding, coverage: list[RunCoverage] | None = None, **kw: Any
) -> CheckResult:
    return CheckResult(
        generated_at=AT,
        findings=list(findings),
        coverage=[_run()] if coverage is None else coverage,
        **kw,
    )


def _f(check: CheckId, **kw: Any) -> Finding:
    return Finding.make(check, "x", participant="SWANGEN", period=WEEK, run_id=51230, **kw)


# ------------------------------------------------------------------------- coverage


@pytest.mark.parametrize(
    ("gap", "fully"),
    [
        ({}, True),
        ({"summary": False}, False),
        ({"detail_days": 6}, False),
        ({"invoice_json": False}, False),
        ({"invoice_json": False, "invoice_pdf": True}, True),
        ({"designation": "ADJ1", "previous_run": False}, False),
        ({"designation": "ADJ1", "previous_run": True}, True),
        ({"notes": ["a source.conflict kept its Summary out"]}, False),
    ],
)
def test_a_run_is_fully_checked_only_with_everything(gap: dict[str, Any], fully: bool) -> None:
    assert bool(_run(**gap).fully_checked) is fully


def test_the_coverage_entry_leaves_out_notes_and_days_by_form() -> None:
    doc = _run(notes=["n"], at_stake=Decimal("1.5")).document()
    assert "notes" not in doc and "detail_forms" not in doc
    assert doc["at_stake"] == "1.5" and doc["detail_days"] == 7


# --------------------------------------------------------------- counts, exit codes


def test_counts_include_the_unlisted_findings() -> None:
    r = _result(
        _f(CheckId.DATA_VALUE),
        _f(CheckId.DATA_PERIOD),
        unlisted=[
            UnlistedFindings(
                participant="SWANGEN",
                period=WEEK,
                run_id=51230,
                check=CheckId.OWN_MISSING,
                severity=Severity.WARNING,
                count=40,
            )
        ],
    )
    assert r.counts == {"error": 1, "warning": 41, "info": 0}
    assert "unlisted" not in r.model_dump()  # a saved check holds every finding


def test_exit_codes_plain_and_strict() -> None:
    assert _result().exit_code() == EXIT_CLEAN == 0
    assert _result(_f(CheckId.INVOICE_LINE)).exit_code() == EXIT_FINDINGS == 1
    warned = _result(_f(CheckId.DATA_PERIOD))
    assert (warned.exit_code(), warned.exit_code(strict=True)) == (0, 1)
    partial = _result(coverage=[_run(detail_days=3)])
    assert (partial.exit_code(), partial.exit_code(strict=True)) == (0, 1)
    info = _result(_f(CheckId.COVERAGE_INVOICE_MISSING))
    assert info.exit_code(strict=True) == 0


def test_an_unread_file_means_not_fully_checked() -> None:
    r = _result(Finding.make(CheckId.COVERAGE_UNREAD, "cannot use it"))
    assert _result().fully_checked and not r.fully_checked


# ---------------------------------------------------------------------- the verdict


def test_a_clean_verdict_says_what_was_checked() -> None:
    assert _result(coverage=[_run(), _run(53874)]).verdict_lines() == [
        "No discrepancies.",
        "2 runs fully checked.",
    ]


def test_a_clean_verdict_with_warnings_asks_for_a_review() -> None:
    assert _result(_f(CheckId.DATA_PERIOD)).verdict_lines() == [
        "No discrepancies; 0 errors, 1 warning, 0 info to review.",
        "1 run fully checked.",
    ]


def test_a_verdict_over_part_of_a_run_is_qualified() -> None:
    r = _result(
        Finding.make(CheckId.COVERAGE_UNREAD, "cannot use it"),
        coverage=[
            _run(),
            _run(53874, designation="ADJ1", detail_days=5, invoice_json=False, previous_run=False),
            _run(56492, summary=False, detail_days=0),
            _run(60000, notes=["two Summaries disagree"]),
        ],
    )
    assert r.verdict_lines() == [
        "Discrepancies found: 1 error; "
        "cash at stake unknown: no invoice could be recomputed; 0 warnings, 0 info.",
        "1 run fully checked; run 53874 has no Detail for 2 days and no invoice and "
        "no previous run among the inputs; the invoice of run 56492 has no statement; "
        "run 60000: two Summaries disagree; "
        "1 file recognisable as settlement artefact could not be read.",
    ]


def test_a_partial_check_without_errors_says_not_everything_was_checked() -> None:
    r = _result(coverage=[_run(detail_days=6, participant="A"), _run(2, participant="B")])
    assert r.verdict_lines() == [
        "No discrepancies in what was checked, but not everything was: "
        "0 errors, 0 warnings, 0 info.",
        "1 run fully checked; run 51230 of A has no Detail for 1 day.",
    ]
    assert _result(coverage=[]).verdict_lines() == [
        "No discrepancies in what was checked, but not everything was: "
        "0 errors, 0 warnings, 0 info.",
        "0 runs fully checked.",
    ]


def test_errors_are_counted_by_root_cause_with_the_cash_at_stake() -> None:
    root = _f(CheckId.INVOICE_LINE, id="a1", consequences=1)
    consequence = _f(CheckId.INVOICE_TOTAL, id="b2", cause="a1")
    other = _f(CheckId.SUMMARY_DETAIL_VALUE, id="c3")
    r = _result(root, consequence, other, coverage=[_run(at_stake=Decimal("-12.5"))])
    assert r.error_root_count() == 2
    assert r.causes_phrase() == "3 errors in 2 root causes"
    assert r.verdict_lines()[0] == (
        "Discrepancies found: 3 errors in 2 root causes; $12.50 at stake: you owe AEMO; "
        "0 warnings, 0 info."
    )


def test_a_check_saved_without_ids_counts_errors_only() -> None:
    r = _result(_f(CheckId.INVOICE_LINE))
    assert r.error_root_count() is None
    assert r.causes_phrase() == "1 error"
    one = _result(_f(CheckId.INVOICE_LINE, id="a"))
    assert one.causes_phrase() == "1 error in 1 root cause"


# --------------------------------------------------------------------- cash at stake


def test_stake_of_one_participant() -> None:
    owed = _result(coverage=[_run(at_stake=Decimal("1000")), _run(2, at_stake=Decimal("234.56"))])
    assert owed.at_stake_by_participant() == {"SWANGEN": Decimal("1234.56")}
    assert owed.stake_phrase() == "$1,234.56 at stake: AEMO owes you"
    assert _result(coverage=[_run(at_stake=Decimal(0))]).stake_phrase() == "$0.00 at stake"


def test_cents_at_stake_without_errors_are_said_in_the_verdict() -> None:
    r = _result(
        _f(CheckId.INVOICE_LINE, severity=Severity.INFO),
        coverage=[_run(at_stake=Decimal("0.01"))],
    )
    assert r.verdict_lines()[0] == ("No discrepancies; $0.01 at stake: AEMO owes you.")


def test_stake_of_several_participants_is_said_for_each() -> None:
    r = _result(
        coverage=[
            _run(participant="SWANGEN", at_stake=Decimal("12.34")),
            _run(participant="PLANTCO", at_stake=Decimal("0")),
            _run(participant="ZEDCO", at_stake=Decimal("-5")),
            _run(participant="NOINV", invoice_json=False),
        ]
    )
    assert (
        r.stake_phrase()
        == "at stake: PLANTCO $0.00; AEMO owes SWANGEN $12.34; ZEDCO owes AEMO $5.00"
    )
    nothing = _result(
        coverage=[
            _run(participant="A", at_stake=Decimal("0")),
            _run(participant="B", at_stake=Decimal("0")),
        ]
    )
    assert nothing.stake_phrase() == "$0.00 at stake"


def test_stake_says_what_it_could_not_recompute() -> None:
    some = _result(coverage=[_run(at_stake=Decimal("2")), _run(2), _run(3)])
    assert some.stake_phrase() == "$2.00 at stake: AEMO owes you (2 invoices not recomputed)"
    none = _result(coverage=[_run()])
    assert none.stake_phrase() == "cash at stake unknown: no invoice could be recomputed"
    no_invoice = _result(coverage=[_run(invoice_json=False)])
    assert no_invoice.stake_phrase() is None


def test_a_check_saved_before_cash_at_stake_says_nothing_of_it() -> None:
    invoice = Invoice.model_construct()
    run = RunInfo(
        participant="SWANGEN",
        period=WEEK,
        run_id=51230,
        designation="INITIAL",
        computed=invoice,
        invoiced=invoice,
    )
    assert _result(runs=[run]).stake_phrase() is None
    stated = _result(runs=[run], coverage=[_run(at_stake=Decimal("0"))])
    assert stated.stake_phrase() == "$0.00 at stake"


# ----------------------------------------------------------------- findings.json head


def test_the_findings_document() -> None:
    r = _result(
        _f(CheckId.DATA_PERIOD, expected=Decimal("1.10")),
        inputs=[InputRecord(path="w/s.csv", sha256="0" * 64, kind="summary_csv", run_id=51230)],
        coverage=[_run(notes=["n"])],
    )
    doc = r.findings_document()
    assert list(doc) == [
        "recon_version",
        "generated_at",
        "inputs",
        "counts",
        "coverage",
        "findings",
    ]
    assert doc["generated_at"] == "2024-12-20T07:30:00+00:00"
    assert doc["inputs"][0]["kind"] == "summary_csv"
    assert doc["counts"] == {"error": 0, "warning": 1, "info": 0}
    assert "notes" not in doc["coverage"][0]
    assert doc["findings"][0]["expected"] == "1.10"
    assert doc["findings"][0]["check"] == "data.period"


def test_a_figures_difference_is_aemos_minus_recons() -> None:
    base: dict[str, Any] = {
        "participant": "P",
        "period": WEEK,
        "run_id": 1,
        "designation": "INITIAL",
        "kind": "section",
        "section": "Payment Summary",
        "figure": "Total Payable",
    }
    fig = FigureComparison(**base, computed=Decimal("10.00"), invoiced=Decimal("10.05"))
    assert fig.difference == Decimal("0.05")
    assert FigureComparison(**base, computed=Decimal("1")).difference is None
    assert FigureComparison(**base, invoiced=Decimal("1")).difference is None
