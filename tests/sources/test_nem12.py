"""sources/nem12: the NEM12 reader on the sample week's revenue meter file (SPEC §9).

The expected intervals are read from the fixture file with plain Python here, not by recon.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import polars as pl
from paths import FIXTURES

from recon.models.own import OwnSeries
from recon.sources.nem12 import read_nem12
from recon.sources.own_rows import OWN_SCHEMA

NEM12 = FIXTURES / "sample_week" / "own" / "SWANGEN_revenue_meters_NEM12.csv"


def series() -> OwnSeries:
    return OwnSeries(
        name="revenue meters",
        variable="ChannelQty_CH_I",
        format="nem12",
        path=str(NEM12),
        unit="kWh",
        tolerance="0.001",
    )


def _file_intervals() -> dict[tuple[str, datetime], tuple[Decimal, int]]:
    """(NMI-suffix, start) -> (value, line) straight from the 200/300 records."""
    out: dict[tuple[str, datetime], tuple[Decimal, int]] = {}
    scope, minutes, scale = "", 0, Decimal(1)
    for n, line in enumerate(NEM12.read_text().splitlines(), start=1):
        f = line.split(",")
        if f[0] == "200":  # NMI, suffix, unit, interval length
            scope, minutes = f"{f[1]}-{f[4]}", int(f[8])
            scale = {"kWh": Decimal(1), "Wh": Decimal("0.001"), "MWh": Decimal(1000)}[f[7]]
        elif f[0] == "300":  # interval k of the day ends at k x length (period-ending)
            day = datetime.strptime(f[1], "%Y%m%d")
            count = 1440 // minutes
            for i, text in enumerate(f[2 : 2 + count]):
                out[(scope, day + timedelta(minutes=i * minutes))] = (Decimal(text) * scale, n)
    return out


def test_every_interval_of_the_file_is_read_exactly() -> None:
    frame, findings = read_nem12(NEM12, series())
    assert findings == []
    assert frame.schema == OWN_SCHEMA
    expected = _file_intervals()
    assert frame.height == len(expected)
    got = {
        (r["scope"], r["start"]): (r["value"], r["source_line"])
        for r in frame.iter_rows(named=True)
    }
    assert got == expected
    assert set(frame.get_column("minutes").unique()) == {5, 15, 30}


def test_days_keeps_only_those_interval_dates() -> None:
    frame, _ = read_nem12(NEM12, series(), {date(2024, 12, 3)})
    starts = frame.get_column("start").to_list()
    assert starts and {s.date() for s in starts} == {date(2024, 12, 3)}
    assert frame.height == sum(1 for k in _file_intervals() if k[1].date() == date(2024, 12, 3))


def test_a_bad_value_is_a_finding_naming_the_line(tmp_path: Path) -> None:
    lines = NEM12.read_text().splitlines()
    n = next(i for i, line in enumerate(lines) if line.startswith("300,"))
    fields = lines[n].split(",")
    fields[2] = "12x"
    lines[n] = ",".join(fields)
    bad = tmp_path / "meters.csv"
    bad.write_text("\n".join(lines) + "\n")
    frame, findings = read_nem12(bad, series())
    assert findings, "a value that is not a number must be reported"
    assert any(f"{bad}:{n + 1}" in (f.source or "") for f in findings)
    first = frame.filter(pl.col("source_line") == n + 1).sort("start").row(0, named=True)
    assert first["value"] is None  # no value is made up for it


def test_a_file_that_is_not_nem12_gives_findings_not_rows(tmp_path: Path) -> None:
    bad = tmp_path / "other.csv"
    bad.write_text("not a nem12 file\n")
    frame, findings = read_nem12(bad, series())
    assert frame.height == 0
    assert findings and all(str(bad) in (f.source or f.message) for f in findings)
