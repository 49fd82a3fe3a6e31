"""recon.sources.validate: the Guide's columns, the run header and a Summary frame's rows,
on the sample week's Summary CSV read as raw strings (polars, no recon reader)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import polars as pl
import pytest
from paths import FIXTURES

from recon.errors import InputError
from recon.sources.validate import (
    DETAIL_COLUMNS,
    HEADER_COLUMNS,
    SUMMARY_COLUMNS,
    ColumnsError,
    check_columns,
    parse_header,
    validate_summary,
)

SAMPLE = FIXTURES / "sample_week"
SUMMARY_CSV = SAMPLE / "csv" / "SWANGEN_51230_INITIAL_SettlementStatementSummary.csv"


def _planted(raw: pl.DataFrame, line: int, col: str, value: str) -> pl.DataFrame:
    """``raw`` with the field ``col`` of CSV line ``line`` replaced."""
    at = pl.col("__line") == line
    return raw.with_columns(pl.when(at).then(pl.lit(value)).otherwise(pl.col(col)).alias(col))


def _raw(path: Path = SUMMARY_CSV) -> pl.DataFrame:
    """The CSV as raw strings with ``__file`` and ``__line`` (line 1 is the header row)."""
    raw = pl.read_csv(path, infer_schema=False)
    return raw.with_columns(
        pl.lit(str(path)).alias("__file"), (pl.int_range(pl.len()) + 2).alias("__line")
    )


def test_the_sample_csv_has_the_guides_columns() -> None:
    columns = list(pl.read_csv(SUMMARY_CSV, n_rows=0).columns)
    check_columns(columns, SUMMARY_COLUMNS, str(SUMMARY_CSV))
    assert set(HEADER_COLUMNS) <= set(SUMMARY_COLUMNS) and set(HEADER_COLUMNS) <= set(
        DETAIL_COLUMNS
    )


@pytest.mark.parametrize(
    ("columns", "problem"),
    [
        (SUMMARY_COLUMNS[:-1], "lacks column(s) 'Value'"),
        ((*SUMMARY_COLUMNS, "Notes"), "has unknown column(s) 'Notes'"),
        ((*SUMMARY_COLUMNS, "Value"), "repeats column(s) 'Value'"),
        (DETAIL_COLUMNS, "lacks column(s) 'P Or C', 'GST Applicable'"),
    ],
)
def test_other_columns_are_a_data_columns_finding(columns: tuple[str, ...], problem: str) -> None:
    with pytest.raises(ColumnsError) as err:
        check_columns(columns, SUMMARY_COLUMNS, "x.csv")
    assert problem in str(err.value)
    assert err.value.finding.check == "data.columns"
    assert err.value.finding.source == "x.csv:1"


def test_parse_header_of_the_sample_row() -> None:
    row = _raw().row(0, named=True)
    h = parse_header({c: row[c] for c in HEADER_COLUMNS}, "x.csv")
    assert (h.participant, h.run_id, h.designation.value) == ("SWANGEN", 51230, "INITIAL")
    assert (h.period_from.isoformat(), h.period_to.isoformat()) == ("2024-12-01", "2024-12-07")


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("RunId", "51230a", "RunId '51230a' is not an integer"),
        ("PublishedAt", "19/12/2024", "PublishedAt '19/12/2024' is not of the form"),
        ("ParticipantCode", "  ", "the ParticipantCode field is empty"),
        ("PeriodFrom", "2024-02-30", "the run header is malformed"),
    ],
)
def test_parse_header_refuses_a_header_it_cannot_name(field: str, value: str, message: str) -> None:
    row = _raw().row(0, named=True)
    values = {c: row[c] for c in HEADER_COLUMNS} | {field: value}
    with pytest.raises(InputError, match=message):
        parse_header(values, "x.csv")


def test_validate_summary_of_the_sample_is_clean() -> None:
    raw = _raw()
    stmt = validate_summary(raw, str(SUMMARY_CSV), "csv")
    assert stmt.findings == []
    assert len(stmt.rows) == raw.height
    assert stmt.form == "csv" and stmt.header.run_id == 51230
    first = raw.row(0, named=True)
    assert stmt.rows[0].variable == first["Variable"]
    assert stmt.rows[0].value == Decimal(first["Value"])


def test_a_bad_value_is_a_finding_naming_its_line_and_the_rest_is_read() -> None:
    raw = _raw().with_columns(
        pl.when(pl.col("__line") == 5)
        .then(pl.lit("1.5e3"))
        .otherwise(pl.col("Value"))
        .alias("Value")
    )
    stmt = validate_summary(raw, str(SUMMARY_CSV), "csv")
    assert [(f.check, f.source) for f in stmt.findings] == [("data.value", f"{SUMMARY_CSV}:5")]
    assert len(stmt.rows) == raw.height - 1


def test_a_row_of_another_run_is_a_finding() -> None:
    raw = _raw().with_columns(
        pl.when(pl.col("__line") == 3)
        .then(pl.lit("99999"))
        .otherwise(pl.col("RunId"))
        .alias("RunId")
    )
    stmt = validate_summary(raw, str(SUMMARY_CSV), "csv")
    assert stmt.header.run_id == 51230  # the most common value names the run
    assert [f.source for f in stmt.findings] == [f"{SUMMARY_CSV}:3"]


def test_no_rows_is_an_input_error() -> None:
    with pytest.raises(InputError, match="no Summary rows"):
        validate_summary(_raw().head(0), "x.csv", "csv")
