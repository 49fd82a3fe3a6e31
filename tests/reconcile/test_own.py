"""The own-data tie-out (SPEC §9): own.value, own.missing ranges, adjustments explained."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

import polars as pl
import pytest

from recon.models.own import OwnSeries
from recon.models.statements import DETAIL_SCHEMA, Designation, DetailStatement, RunHeader
from recon.reconcile.own import explain_adjustments, tie_out, week_views

D = Decimal
DAY = date(2024, 12, 3)
NEXT = DAY + timedelta(days=1)
SERIES = OwnSeries(
    name="SCADA", variable="MSQ_F_I", format="csv", path="x", unit="MWh", tolerance="0.001"
)


def header(run_id: int, designation: str, published: str) -> RunHeader:
    return RunHeader(
        run_id=run_id,
        published_at=datetime.fromisoformat(published),
        designation=Designation(designation),
        period="TW 01 Dec 2024",
        period_from=date(2024, 12, 1),
        period_to=date(2024, 12, 7),
        participant="SWANGEN",
    )


INITIAL = header(1, "INITIAL", "2024-12-19T15:30:45")
ADJ1 = header(2, "ADJ1", "2025-02-20T15:30:45")


def aemo(rows: list[tuple[str, date, int, str]], run_id: int = 1) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "scope": [r[0] for r in rows],
            "trading_day": [r[1] for r in rows],
            "position": [r[2] for r in rows],
            "aemo": pl.Series([D(r[3]) for r in rows], dtype=pl.Decimal(38, 8)),
            "aemo_source": ["detail.csv:2"] * len(rows),
            "run_id": [run_id] * len(rows),
        },
        schema_overrides={"trading_day": pl.Date, "position": pl.Int64, "run_id": pl.Int64},
    )


def own(rows: list[tuple[str, date, int, str | None, int]]) -> pl.DataFrame:
    """Aligned own values: (scope, day, position, value, count of 6)."""
    return pl.DataFrame(
        {
            "scope": [r[0] for r in rows],
            "trading_day": [r[1] for r in rows],
            "position": [r[2] for r in rows],
            "value": pl.Series([None if r[3] is None else D(r[3]) for r in rows]).cast(
                pl.Decimal(38, 8)
            ),
            "count": [r[4] for r in rows],
            "expected": [6] * len(rows),
            "source_file": ["scada.csv"] * len(rows),
            "source_line": list(range(2, 2 + len(rows))),
            "quality": [""] * len(rows),
        },
        schema_overrides={
            "scope": pl.String,
            "trading_day": pl.Date,
            "position": pl.Int64,
            "count": pl.Int64,
            "expected": pl.Int64,
            "source_file": pl.String,
            "source_line": pl.Int64,
            "quality": pl.String,
        },
    )


def run(theirs: pl.DataFrame, mine: pl.DataFrame) -> tuple[list, object]:
    return tie_out(
        SERIES,
        mine,
        theirs,
        {1: INITIAL},
        participant="SWANGEN",
        period="TW 01 Dec 2024",
        days=[DAY, NEXT],
    )


def test_a_difference_beyond_tolerance_is_own_value_and_at_tolerance_is_not() -> None:
    theirs = aemo([("F1", DAY, 1, "10.000"), ("F1", DAY, 2, "10.000"), ("F1", DAY, 48, "5")])
    mine = own([("F1", DAY, 1, "10.001", 6), ("F1", DAY, 2, "10.0011", 6), ("F1", DAY, 48, "5", 6)])
    found, summary = run(theirs, mine)
    (f,) = found
    assert f.check == "own.value" and f.severity.value == "error"
    assert (f.position, f.scope, f.timestamp) == (2, "F1", "2024-12-03T08:30:00+08:00")
    assert f.interval_start == "2024-12-03T08:30:00+08:00"
    assert f.interval_end == "2024-12-03T09:00:00+08:00"
    assert D(f.expected) == D("10.0011") and D(f.actual) == D(10)
    assert D(f.difference) == D("-0.0011")
    assert (f.run_id, f.designation, f.participant) == (1, "INITIAL", "SWANGEN")
    assert f.source == "scada.csv:3"
    assert summary.intervals_compared == 3 and summary.within_tolerance == 2
    assert summary.largest[0].position == 2 and summary.worst_scope == "F1"


def test_missing_intervals_become_one_finding_per_contiguous_range_and_scope() -> None:
    # AEMO has F1 and F2 over TI 46..48 of DAY and 1..2 of NEXT; you have none of F1's,
    # and F2 except TI 47 (a gap in the middle: two ranges).
    slots = [(DAY, 46), (DAY, 47), (DAY, 48), (NEXT, 1), (NEXT, 2)]
    theirs = aemo([(s, d, k, "1") for s in ("F1", "F2") for d, k in slots])
    mine = own([("F2", d, k, "1", 6) for d, k in slots if (d, k) != (DAY, 47)])
    found, summary = run(theirs, mine)
    missing = sorted((f.scope, f.interval_start, f.interval_end, f.position) for f in found)
    assert missing == [
        ("F1", "2024-12-04T06:30:00+08:00", "2024-12-04T09:00:00+08:00", None),
        ("F2", "2024-12-04T07:00:00+08:00", "2024-12-04T07:30:00+08:00", 47),
    ]
    assert all(f.check == "own.missing" and f.severity.value == "warning" for f in found)
    assert summary.missing_yours == 6 and summary.intervals_compared == 4


def test_an_incomplete_interval_of_yours_is_missing_not_compared() -> None:
    theirs = aemo([("F1", DAY, 5, "3")])
    found, summary = run(theirs, own([("F1", DAY, 5, "2.5", 5)]))
    (f,) = found
    assert f.check == "own.missing" and "only part" in f.message
    assert summary.intervals_compared == 0


def test_intervals_aemo_lacks_are_missing_and_other_days_are_left_out() -> None:
    theirs = aemo([("F1", DAY, 1, "1")])
    mine = own(
        [
            ("F1", DAY, 1, "1", 6),
            ("F9", DAY, 1, "4", 6),  # a scope AEMO has not
            ("F1", DAY - timedelta(days=1), 1, "99", 6),  # a day not being checked
        ]
    )
    found, summary = run(theirs, mine)
    (f,) = found
    assert (f.check, f.scope) == ("own.missing", "F9") and "AEMO's Detail has no" in f.message
    assert summary.missing_aemo == 1 and summary.intervals_compared == 1


def detail(h: RunHeader, values: list[str]) -> DetailStatement:
    frame = pl.DataFrame(
        {
            "settlement_trading_day": [DAY],
            "variable": ["MSQ_F_I"],
            "scope": ["F1"],
            "timestamp": [DAY],
            "values": [[D(v) for v in values]],
            "source_file": ["d.csv"],
            "source_line": [2],
        },
        schema=DETAIL_SCHEMA,
    )
    return DetailStatement(header=h, days=[DAY], frame=frame, source="d.csv", form="csv")


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
    import recon.reconcile.own as own_mod

    monkeypatch.setattr(own_mod, "MAX_ADJUSTMENT_FINDINGS", 2)
    week = week_views([detail(INITIAL, ["1"] * 48), detail(ADJ1, ["2"] * 48)])[0]
    findings, rows = explain_adjustments(SERIES, own([]), week)
    assert len(rows) == 48
    assert len(findings) == 3 and "48 intervals" in findings[-1].message
