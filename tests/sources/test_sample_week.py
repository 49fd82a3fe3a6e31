"""The generated sample week read back against ``fixtures/expected.json``.

The generator is an independent implementation (it does not import recon), so exact
agreement of row counts, value counts and sums is a cross-check of the readers.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import polars as pl
import pyarrow as pa
import pytest

from recon.api import decode
from recon.models.findings import Severity
from recon.sources.detail_csv import read_detail
from recon.sources.summary_csv import read_summary_csv


def runs_of(expected: dict[str, Any]) -> list[dict[str, Any]]:
    """Return the runs recorded in expected.json (asserting there are some).

    Args:
        expected: expected.json, parsed.
    """
    runs = expected["runs"]
    assert runs, "expected.json records no run"
    return runs


def errors(findings: list[Any]) -> list[str]:
    """Return the messages of the error findings in a list.

    Args:
        findings: Findings of a statement.
    """
    return [f"{f.check} {f.source}: {f.message}" for f in findings if f.severity is Severity.ERROR]


def test_sample_week_summaries(sample_week: Path, expected: dict[str, Any]) -> None:
    period = expected["period"]
    for run in runs_of(expected):
        stmt = read_summary_csv(sample_week / run["files"]["summary_csv"])
        assert errors(stmt.findings) == []
        h = stmt.header
        assert (h.run_id, h.designation.value, h.published_at, h.participant) == (
            run["run_id"],
            run["designation"],
            datetime.fromisoformat(run["published_at"]),
            expected["participant"]["code"],
        )
        assert (h.period, h.period_from.isoformat(), h.period_to.isoformat()) == (
            period["label"],
            period["from"],
            period["to"],
        )
        want = run["summary"]
        assert len(stmt.rows) == want["rows"]
        assert len({r.variable for r in stmt.rows}) == want["variables_count"]
        assert sum((r.value for r in stmt.rows), Decimal(0)) == Decimal(want["value_sum"])
        got: dict[str, dict[str, Decimal]] = defaultdict(dict)
        for r in stmt.rows:
            got[r.variable][r.timestamp.isoformat()] = r.value
            var = want["variables"][r.variable]
            assert r.payment_or_charge.value == var["payment_or_charge"]
            assert r.gst_applicable == (var["gst_applicable"] == "Y")
        assert set(got) == set(want["variables"])
        for name, var in want["variables"].items():
            assert got[name] == {d: Decimal(v) for d, v in var["daily"].items()}, name
            assert sum(got[name].values(), Decimal(0)) == Decimal(var["weekly_sum"]), name


def test_sample_week_detail_zips(sample_week: Path, expected: dict[str, Any]) -> None:
    days = [date.fromisoformat(d) for d in expected["period"]["days"]]
    for run in runs_of(expected):
        path = sample_week / run["files"]["detail_zip"]
        stmt = read_detail(path)
        assert errors(stmt.findings) == []
        assert stmt.header.run_id == run["run_id"]
        assert stmt.days == days
        want = run["detail"]
        assert len(stmt.frame) == want["week"]["rows"]
        assert stmt.value_count == want["week"]["values"]
        per_day = (
            stmt.frame.with_columns(pl.col("values").list.len().alias("n"))
            .group_by("settlement_trading_day")
            .agg(pl.len().alias("rows"), pl.col("n").sum().alias("values"))
        )
        counts = {d.isoformat(): (rows, values) for d, rows, values in per_day.iter_rows()}
        assert counts == {d: (v["rows"], v["values"]) for d, v in want["days"].items()}
        sums: dict[str, Decimal] = defaultdict(Decimal)
        for day, values in stmt.frame.select("settlement_trading_day", "values").iter_rows():
            sums[day.isoformat()] += sum(values, Decimal(0))
        assert sums == {d: Decimal(v["sum"]) for d, v in want["days"].items()}
        assert sum(sums.values(), Decimal(0)) == Decimal(want["week"]["sum"])
        members = {f.split("!", 1)[1] for f in stmt.frame.get_column("source_file").unique()}
        assert members == set(run["files"]["detail_zip_members"])


@pytest.fixture(scope="module")
def initial_long(sample_week: Path, expected: dict[str, Any]) -> pa.Table:
    """The first run's Detail ZIP decoded to the long table (decoded once per module)."""
    return decode(sample_week / runs_of(expected)[0]["files"]["detail_zip"])


def test_sample_week_decode_long_form(initial_long: pa.Table, expected: dict[str, Any]) -> None:
    run = runs_of(expected)[0]
    table = initial_long
    assert table.num_rows == run["detail"]["week"]["values"]
    values = table.column("value").to_pylist()
    assert all(isinstance(v, Decimal) for v in values[:100])
    assert sum(values, Decimal(0)) == Decimal(run["detail"]["week"]["sum"])


def test_sample_week_planted_values(initial_long: pa.Table, expected: dict[str, Any]) -> None:
    planted = expected["planted"]
    df = pl.from_arrow(initial_long)
    assert isinstance(df, pl.DataFrame)
    for key in ("float_trap", "eight_decimals"):
        spec = planted[key]
        rows = df.filter(pl.col("variable") == spec["variable"])
        if "timestamp" in spec:
            rows = rows.filter(pl.col("timestamp") == date.fromisoformat(spec["timestamp"]))
        if rows.height == 0:
            pytest.fail(f"{spec['variable']} is missing from the decoded Detail")
        assert set(rows.get_column("value").to_list()) == {Decimal(spec["value"])}, key
