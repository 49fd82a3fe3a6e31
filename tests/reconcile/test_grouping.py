"""reconcile/grouping: loaded artefacts into runs (participant code, RunId), header
spellings, and copies of one artefact that agree (used once) or differ (source.conflict);
on the sample week's files and copies of them."""

from __future__ import annotations

import shutil
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from paths import FIXTURES

from recon.reconcile.grouping import (
    canonical_label,
    group,
    group_runs,
    loose_week,
    participant_code,
)
from recon.sources.loading import load

SAMPLE = FIXTURES / "sample_week"
SUMMARY = SAMPLE / "csv" / "SWANGEN_51230_INITIAL_SettlementStatementSummary.csv"
RUN_IDS = [51230, 53874, 56492]


def test_participant_code_has_one_spelling() -> None:
    assert participant_code(" swan gen\t") == "SWANGEN"


@pytest.mark.parametrize(
    ("label", "day"),
    [
        ("TW 01 Dec 2024", date(2024, 12, 1)),
        ("TW 1 dec 2024 ", date(2024, 12, 1)),
        ("TW 24 Nov. 2024", date(2024, 11, 24)),
        ("TW 31 Feb 2024", None),
        ("week 1", None),
        (None, None),
    ],
)
def test_loose_week(label: str | None, day: date | None) -> None:
    assert loose_week(label) == day


def test_canonical_label() -> None:
    assert canonical_label("TW 1 dec 2024") == "TW 01 Dec 2024"
    assert canonical_label("no week") == "no week"


def test_the_sample_week_groups_into_its_three_runs() -> None:
    loaded, _, _ = load([SAMPLE / "csv", SAMPLE / "json", SAMPLE / "pdf"])
    runs, findings = group(loaded)
    assert findings == []
    assert sorted(runs) == [("SWANGEN", r) for r in RUN_IDS]
    for run in runs.values():
        assert set(run.summaries) == {"csv", "json"}
        assert set(run.invoices) == {"json", "pdf"}
        assert run.summary is run.summaries["csv"] and run.invoice is run.invoices["json"]
        assert run.header.period == "TW 01 Dec 2024"
    initial = runs[("SWANGEN", 51230)]
    assert initial.detail_days == {date(2024, 12, d) for d in range(1, 8)}
    assert group_runs(loaded).keys() == runs.keys()


def test_an_identical_copy_is_used_once(tmp_path: Path) -> None:
    shutil.copy(SUMMARY, tmp_path / "copy.csv")
    loaded, _, _ = load([SUMMARY, tmp_path / "copy.csv"])
    runs, findings = group(loaded)
    assert [f.check for f in findings if f.check == "source.conflict"] == []
    assert list(runs) == [("SWANGEN", 51230)]
    assert runs[("SWANGEN", 51230)].summary is not None


def test_copies_that_differ_are_a_conflict_and_neither_is_used(tmp_path: Path) -> None:
    lines = SUMMARY.read_text().splitlines()
    fields = lines[1].split(",")
    original, fields[-1] = fields[-1], "1.00000001"
    other = tmp_path / "other.csv"
    other.write_text("\n".join([lines[0], ",".join(fields), *lines[2:]]) + "\n")
    loaded, _, _ = load([SUMMARY, other])
    runs, findings = group(loaded)
    [conflict] = [f for f in findings if f.check == "source.conflict"]
    assert str(other) in (conflict.source or "") and str(SUMMARY) in (conflict.source or "")
    figures = {Decimal(conflict.expected or "0"), Decimal(conflict.actual or "0")}
    assert figures == {Decimal(original), Decimal("1.00000001")}
    run = runs[("SWANGEN", 51230)]
    assert run.summary is None
    assert any("conflict" in note for note in run.notes)


def test_a_participant_spelled_otherwise_is_the_same_run_with_a_finding(tmp_path: Path) -> None:
    text = SUMMARY.read_text().replace(",SWANGEN,", ",swangen,")
    lower = tmp_path / "lower.csv"
    lower.write_text(text)
    loaded, _, _ = load([lower, SAMPLE / "json" / "SWANGEN_51230_INITIAL_Invoice.json"])
    runs, findings = group(loaded)
    assert list(runs) == [("SWANGEN", 51230)]
    assert any(f.check == "data.header" and "'swangen'" in f.message for f in findings)
