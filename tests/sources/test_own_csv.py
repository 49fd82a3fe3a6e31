"""sources/own_csv: a CSV series of (scope, interval start, value) rows (SPEC §9), read from
the sample week's SCADA file; the expected rows come from the csv module, not from recon."""

from __future__ import annotations

import csv
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import polars as pl
from paths import FIXTURES

from recon.models.own import OwnSeries
from recon.sources.own_csv import parse_starts, read_csv_series
from recon.sources.own_rows import OWN_SCHEMA

SCADA = FIXTURES / "sample_week" / "own" / "SWANGEN_scada_msq.csv"


def series() -> OwnSeries:
    return OwnSeries(
        name="SCADA",
        variable="MSQ_F_I",
        format="csv",
        path=str(SCADA),
        scope="facility",
        start="interval_start",
        value="mwh",
        unit="MWh",
        tolerance="0.0005",
    )


AWST = timezone(timedelta(hours=8))


def _awst(text: str) -> datetime:
    """An interval start as naive AWST: no offset is AWST; an offset (``Z``) is converted."""
    dt = datetime.fromisoformat(text)
    return dt.astimezone(AWST).replace(tzinfo=None) if dt.tzinfo else dt


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="") as f:
        return list(csv.DictReader(f))


def test_every_row_is_read_exactly_with_its_line() -> None:
    frame, findings = read_csv_series(SCADA, series())
    assert findings == []
    assert frame.schema == OWN_SCHEMA
    rows = _rows(SCADA)
    assert frame.height == len(rows)
    got = {
        (r["scope"], r["start"]): (r["value"], r["source_line"])
        for r in frame.iter_rows(named=True)
    }
    expected = {
        (r["facility"], _awst(r["interval_start"])): (Decimal(r["mwh"]), n)
        for n, r in enumerate(rows, start=2)
    }
    assert got == expected
    assert set(frame.get_column("minutes").unique()) == {5}  # the file's common gap


def test_days_keep_only_starts_on_those_dates() -> None:
    frame, _ = read_csv_series(SCADA, series(), {date(2024, 12, 2)})
    days = {s.date() for s in frame.get_column("start").to_list()}
    assert days == {date(2024, 12, 2)}


def test_a_bad_value_and_a_bad_start_are_findings_naming_their_lines(tmp_path: Path) -> None:
    lines = SCADA.read_text().splitlines()
    head, first, second = lines[0], lines[1].split(","), lines[2].split(",")
    first[2] = "lots"
    second[1] = "yesterday"
    bad = tmp_path / "scada.csv"
    bad.write_text("\n".join([head, ",".join(first), ",".join(second), *lines[3:]]) + "\n")
    _, findings = read_csv_series(bad, series())
    sources = {f.source for f in findings}
    assert f"{bad}:2" in sources and f"{bad}:3" in sources


def test_a_missing_column_is_a_finding(tmp_path: Path) -> None:
    bad = tmp_path / "scada.csv"
    bad.write_text("facility,start,mwh\nSWANGEN_ESR1,2024-12-01T00:00:00,1\n")
    frame, findings = read_csv_series(bad, series())
    assert frame.height == 0
    assert findings and "interval_start" in findings[0].message


def test_parse_starts_takes_awst_and_converts_offsets() -> None:
    texts = [
        "2024-12-01T00:00:00",
        "2024-12-01 00:00",
        "2024-12-01T00:00:00+00:00",
        "2024-12-01T08:00:00+08:00",
        "2024-12-01 08:00Z",
        "01/12/2024 00:00",
    ]
    got = pl.DataFrame({"s": texts}).select(parse_starts("s")).get_column("s").to_list()
    midnight = datetime(2024, 12, 1)
    assert got == [
        midnight,
        midnight,
        midnight + timedelta(hours=8),
        midnight + timedelta(hours=8),
        midnight + timedelta(hours=16),
        None,
    ]
