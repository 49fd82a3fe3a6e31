"""sources/validate_detail: a raw Detail frame validated (values, arrays, scopes,
timestamps), on a member of the sample week's Detail ZIP read as raw strings by polars
(no recon reader), with one field planted per test."""

from __future__ import annotations

import io
import zipfile
from decimal import Decimal
from pathlib import Path

import polars as pl
import pytest

from recon.errors import InputError
from recon.sources.validate_detail import ScopeCache, validate_detail

ZIP = (
    Path(__file__).resolve().parents[2]
    / "fixtures"
    / "sample_week"
    / "csv"
    / "SWANGEN_51230_INITIAL_SettlementStatementDetail.zip"
)


@pytest.fixture(scope="module")
def raw() -> pl.DataFrame:
    """The first member (1 Dec 2024) as raw strings with ``__file`` and ``__line``."""
    with zipfile.ZipFile(ZIP) as z:
        name = sorted(z.namelist())[0]
        data = z.read(name)
    frame = pl.read_csv(io.BytesIO(data), infer_schema=False)
    return frame.with_columns(
        pl.lit(name).alias("__file"), (pl.int_range(pl.len()) + 2).alias("__line")
    )


def _planted(raw: pl.DataFrame, line: int, col: str, value: str) -> pl.DataFrame:
    at = pl.col("__line") == line
    return raw.with_columns(pl.when(at).then(pl.lit(value)).otherwise(pl.col(col)).alias(col))


def test_the_member_validates_clean_with_exact_values(raw: pl.DataFrame) -> None:
    d = validate_detail(raw, "member.csv", "zip")
    assert d.findings == []
    assert d.frame.height == raw.height
    first = raw.row(0, named=True)
    row = d.frame.row(0, named=True)
    assert row["variable"] == first["Variable"] and row["source_line"] == 2
    assert row["values"] == [Decimal(x) for x in first["Value"].strip("[]").split(",")]
    assert d.header.run_id == 51230 and d.header.participant == "SWANGEN"


def test_uncast_keeps_the_validated_text(raw: pl.DataFrame) -> None:
    d = validate_detail(raw, "member.csv", "zip", cast=False)
    assert d.frame.get_column("value_text").to_list() == raw.get_column("Value").to_list()
    assert d.frame.get_column("n_values").to_list()[0] == raw.get_column("Value")[0].count(",") + 1


@pytest.mark.parametrize(
    ("line", "col", "value", "check", "kept"),
    [
        (5, "Value", "[1, x]", "data.value", False),
        (9, "Value", "[1,2]", "data.array_length", False),  # an FY variable holds 1 value
        (8, "Variable", "NOT_A_VAR", "data.variable", False),
        (6, "Timestamp", "2024-12-09", "data.period", True),
        (7, "Scope", "Nowhere", "data.scope", True),
    ],
)
def test_a_planted_problem_is_a_finding_naming_its_line(
    raw: pl.DataFrame, line: int, col: str, value: str, check: str, kept: bool
) -> None:
    d = validate_detail(_planted(raw, line, col, value), "member.csv", "zip")
    assert [f.check for f in d.findings] == [check]
    assert d.findings[0].source.endswith(f".csv:{line}")  # type: ignore[union-attr]
    assert d.frame.height == raw.height - (0 if kept else 1)
    assert (line in d.frame.get_column("source_line").to_list()) is kept


def test_a_frame_without_rows_is_refused(raw: pl.DataFrame) -> None:
    with pytest.raises(InputError, match="no Detail rows"):
        validate_detail(raw.head(0), "member.csv", "zip")


def test_scope_cache_remembers_good_scopes(raw: pl.DataFrame) -> None:
    cache = ScopeCache()
    validate_detail(raw, "member.csv", "zip", scopes=cache)
    pairs = raw.select(pl.col("Scope").alias("scope")).unique()
    assert cache.good.height > 0
    assert set(cache.good.get_column("scope")) >= set(pairs.get_column("scope"))
    known = cache.good.unique()
    assert cache.new(known).height == 0
    other = pl.DataFrame({"scope_code": ["F"], "scope": ["ELSEWHERE_X"]})
    assert cache.new(other).height == 1
