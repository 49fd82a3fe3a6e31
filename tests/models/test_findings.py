"""Findings sort as SPEC §6 says, with a Trading Week in date order (issue 15)."""

from __future__ import annotations

from recon.models.findings import Finding


def _f(period: str, run_id: int = 1, position: int | None = None) -> Finding:
    return Finding.make(
        "invoice.line", "x", participant="P", period=period, run_id=run_id, position=position
    )


def test_weeks_sort_by_their_first_day_not_their_label() -> None:
    weeks = ["TW 08 Dec 2024", "TW 24 Nov 2024", "TW 01 Dec 2024", "TW 05 Jan 2025"]
    got = [f.period for f in sorted((_f(w) for w in weeks), key=Finding.sort_key)]
    assert got == ["TW 24 Nov 2024", "TW 01 Dec 2024", "TW 08 Dec 2024", "TW 05 Jan 2025"]


def test_a_label_that_does_not_parse_sorts_first_and_does_not_fail() -> None:
    got = [f.period for f in sorted([_f("TW 01 Dec 2024"), _f("week one")], key=Finding.sort_key)]
    assert got == ["week one", "TW 01 Dec 2024"]


def test_positions_of_one_variable_sort_by_number() -> None:
    got = [
        f.position
        for f in sorted(
            (_f("TW 01 Dec 2024", position=p) for p in (23, 3, 101)), key=Finding.sort_key
        )
    ]
    assert got == [3, 23, 101]
