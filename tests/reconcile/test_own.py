"""The own-data tie-out (SPEC §9): own.value and own.missing ranges (the ADJ explanations:
test_own_adjust.py)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal as D

import polars as pl
from builders.own import DAY, INITIAL, NEXT, SERIES, aemo, own

from recon.reconcile.own import tie_out


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
