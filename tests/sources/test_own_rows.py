"""sources/own_rows: the own-intervals frame and what the own-data readers share."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import polars as pl

from recon.models.own import OwnSeries
from recon.sources.own_rows import (
    MAX_FINDINGS_PER_FILE,
    OWN_SCHEMA,
    Limited,
    cast_values,
    empty_frame,
    read_text,
)

SERIES = OwnSeries(
    name="SCADA",
    variable="MSQ_F_I",
    format="csv",
    path="x.csv",
    unit="MWh",
    tolerance="0.0005",
)


def test_empty_frame_has_the_schema() -> None:
    frame = empty_frame()
    assert frame.height == 0 and frame.schema == OWN_SCHEMA


def test_cast_values_is_exact_and_names_each_problem() -> None:
    frame = pl.DataFrame({"v": ["1.5", "", "abc", "0.123456789", "-2.00000001"]})
    out, bad = cast_values(frame, "v", None)
    assert out.get_column("value").to_list() == [
        Decimal("1.5"),
        None,  # empty: no reading
        None,
        None,
        Decimal("-2.00000001"),
    ]
    assert bad.get_column("v").to_list() == ["abc", "0.123456789"]
    assert bad.get_column("why").to_list() == ["not a plain decimal number", "more than 8 decimals"]


def test_cast_values_scales_by_the_factor_exactly() -> None:
    frame = pl.DataFrame({"v": ["1234.5", "0.001"]})
    out, bad = cast_values(frame, "v", pl.lit(Decimal("0.001"), pl.Decimal(38, 16)))
    assert bad.height == 0
    assert out.get_column("value").to_list() == [Decimal("1.2345"), Decimal("0.000001")]


def test_limited_caps_each_check_and_says_how_many() -> None:
    lim = Limited(SERIES)
    for n in range(MAX_FINDINGS_PER_FILE + 5):
        lim.add("data.value", f"bad value {n}", source=f"x.csv:{n + 2}")
    lim.add("data.timestamp", "bad start", source="x.csv:99")
    findings = lim.done(Path("x.csv"))
    values = [f for f in findings if f.check == "data.value"]
    assert len(values) == MAX_FINDINGS_PER_FILE + 1
    assert f"{MAX_FINDINGS_PER_FILE + 5} data.value problems" in values[-1].message
    assert [f.source for f in findings if f.check == "data.timestamp"] == ["x.csv:99"]


def test_read_text_reads_or_says_why_not(tmp_path: Path) -> None:
    good = tmp_path / "ok.csv"
    good.write_text("a,b\n1,2\n")
    text, findings = read_text(good, SERIES)
    assert text == "a,b\n1,2\n" and findings == []
    text, findings = read_text(tmp_path / "absent.csv", SERIES)
    assert text is None
    assert findings and "absent.csv" in (findings[0].source or findings[0].message)
