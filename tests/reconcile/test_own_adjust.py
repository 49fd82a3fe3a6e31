"""ADJ runs explained against your data (SPEC §9): each interval an ADJ run changed, judged
against your figure, as info findings (capped) and rows (every one)."""

from __future__ import annotations

import pytest
from builders.own import ADJ1, DAY, INITIAL, SERIES, detail, own

from recon.reconcile import own_adjust
from recon.reconcile.own_adjust import explain_adjustments
from recon.reconcile.own_weeks import week_views


def test_adjustments_are_judged_against_your_figure() -> None:
    before = ["8.21", "5", "5", "5", "7"] + ["1"] * 43
    after = ["8.22", "5.5", "4", "5", "7.5"] + ["1"] * 43
    week = week_views([detail(INITIAL, before), detail(ADJ1, after)])[0]
    assert week.latest == {DAY: 2}
    mine = own(
        [
            ("F1", DAY, 1, "8.22", 6),  # now agrees
            ("F1", DAY, 2, "6", 6),  # toward
            ("F1", DAY, 3, "5", 6),  # away
            ("F1", DAY, 4, "5", 6),  # unchanged: no row
        ]
    )
    findings, rows = explain_adjustments(SERIES, mine, week)
    assert [(r.position, r.verdict) for r in rows] == [
        (1, "now agrees"),
        (2, "toward"),
        (3, "away"),
        (5, "no figure"),
    ]
    assert all(f.severity.value == "info" and f.check == "own.value" for f in findings)
    first = findings[0].message
    assert first.startswith("ADJ1 changed MSQ_F_I of F1 at 08:00-08:30 on 03 Dec 2024")
    assert "from 8.21 to 8.22 MWh" in first and "now agrees" in first


def test_adjustment_findings_are_capped_and_the_rows_keep_all(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(own_adjust, "MAX_ADJUSTMENT_FINDINGS", 2)
    week = week_views([detail(INITIAL, ["1"] * 48), detail(ADJ1, ["2"] * 48)])[0]
    findings, rows = explain_adjustments(SERIES, own([]), week)
    assert len(rows) == 48
    assert len(findings) == 3 and "48 intervals" in findings[-1].message
