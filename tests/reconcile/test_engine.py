"""reconcile/engine: run_checks on the sample week (clean, every run fully checked) and the
planted week (the error and warning counts of its expected_findings.json)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal

from paths import FIXTURES

from recon.models.findings import Finding
from recon.reconcile.causes import ANNOTATIONS
from recon.reconcile.engine import run_checks
from recon.sources.loading import load

SAMPLE = FIXTURES / "sample_week"
PLANTED = FIXTURES / "planted_week"


def test_the_sample_week_is_clean_and_fully_checked() -> None:
    loaded, findings, skipped = load([SAMPLE / "csv", SAMPLE / "json", SAMPLE / "pdf"])
    at = datetime(2025, 1, 1, tzinfo=UTC)
    result = run_checks(loaded, findings=findings, skipped=skipped, generated_at=at)
    assert result.generated_at == at
    assert result.counts["error"] == 0 and result.counts["warning"] == 0
    assert [r.run_id for r in result.runs] == [51230, 53874, 56492]
    assert all(c.fully_checked for c in result.coverage)
    assert {f.kind for f in result.figures} >= {"line_amount", "section", "chain"}


def test_the_planted_week_counts() -> None:
    expected = json.loads((PLANTED / "expected_findings.json").read_text())
    loaded, findings, skipped = load([PLANTED])
    result = run_checks(
        loaded,
        materiality=Decimal(expected["materiality"]),
        findings=findings,
        skipped=skipped,
    )
    assert {k: result.counts[k] for k in ("error", "warning")} == expected["counts"]
    assert result.findings == sorted(result.findings, key=Finding.sort_key)


def test_findings_made_while_loading_are_kept() -> None:
    loaded, _, _ = load([SAMPLE / "csv"])
    earlier = Finding.make("data.columns", "x.csv has an extra column.", source="x.csv")
    result = run_checks(loaded, findings=[earlier])
    unannotated = [f.model_copy(update=dict.fromkeys(ANNOTATIONS)) for f in result.findings]
    assert earlier in unannotated
