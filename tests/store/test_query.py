"""recon.store.query: week parsing, the runs held (``recon runs``) and their filters."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest

from recon.errors import UsageError
from recon.store import open_store
from recon.store.query import RunRow, list_runs, weeks_held, where_filters
from recon.wem.calendar import parse_week

WEEK = date(2024, 12, 1)


@pytest.mark.parametrize(
    "value",
    [WEEK, datetime(2024, 12, 1, 13, 5), "2024-12-01", " 2024-12-01 ", "TW 01 Dec 2024"],
)
def test_parse_week_reads_a_sunday_in_every_form(value: object) -> None:
    assert parse_week(value) == WEEK  # type: ignore[arg-type]


def test_parse_week_passes_none() -> None:
    assert parse_week(None) is None


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("2024-12-02", "is a Monday; a Trading Week starts on a Sunday"),
        (date(2024, 12, 7), "is a Saturday"),
        ("next week", "is not a Trading Week"),
        ("2024-13-01", "is not a Trading Week"),
    ],
)
def test_parse_week_refuses_what_is_not_a_trading_week(value: object, message: str) -> None:
    with pytest.raises(UsageError, match=message):
        parse_week(value)  # type: ignore[arg-type]


def test_where_filters() -> None:
    assert where_filters(None, None) == ("", [])
    assert where_filters("SWANGEN", None) == (" AND participant = ?", ["SWANGEN"])
    assert where_filters("SWANGEN", WEEK) == (
        " AND participant = ? AND week = ?",
        ["SWANGEN", WEEK],
    )


def test_weeks_held(week_store: Path) -> None:
    with open_store(week_store) as store:
        assert weeks_held(store) == [("SWANGEN", WEEK)]
        assert weeks_held(store, participant="SWANGEN", week=WEEK) == [("SWANGEN", WEEK)]
        assert weeks_held(store, participant="PLANTCO") == []
        assert weeks_held(store, week=date(2024, 12, 8)) == []


def test_list_runs_of_the_sample_week(week_store: Path) -> None:
    with open_store(week_store) as store:
        runs = list_runs(store)
        assert list_runs(store, participant="PLANTCO") == []
    assert [(r.run_id, r.designation, r.week) for r in runs] == [
        (51230, "INITIAL", WEEK),
        (53874, "ADJ1", WEEK),
        (56492, "ADJ2", WEEK),
    ]
    for r in runs:
        assert r.participant == "SWANGEN" and r.period == "TW 01 Dec 2024"
        assert r.artefacts == {
            "summary_csv": 1,
            "summary_json": 1,
            "detail_zip": 1,
            "detail_json": 7,
            "invoice_json": 1,
            "invoice_pdf": 1,
        }
        assert r.detail_days == {"csv": 7, "json": 7}
        assert r.artefact_text() == ("Summary CSV+JSON; Detail JSON+ZIP: 7 days; Invoice JSON+PDF")
    published = [r.published_at for r in runs]
    assert published == sorted(published)


def test_artefact_text_of_a_partial_run() -> None:
    row = RunRow(
        participant="SWANGEN",
        period="TW 01 Dec 2024",
        week=WEEK,
        run_id=1,
        designation="INITIAL",
        published_at=None,
        first_ingested_at_utc=datetime(2024, 12, 20),
        artefacts={"invoice_json": 1, "detail_csv": 3},
        detail_days={"csv": 3},
    )
    assert row.artefact_text(" | ") == "Detail CSV: 3 days | Invoice JSON"
