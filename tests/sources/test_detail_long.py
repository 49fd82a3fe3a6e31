"""The fast long-table path (``recon decode`` to Parquet) equals the reference long table.

``recon.decode()`` builds the long table with :func:`recon.sources.detail_long.long_frame`
(one polars explode, easy to read); ``recon decode ... --out X.parquet`` streams Arrow
slices from :func:`long_tables` to a writer thread with Parquet-level settings of its own.
Both must give the same rows, in the same order, with the same values and types, whatever
reads the file back.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from recon.api import decode, decode_to_file
from recon.sources.detail_long import LONG_ARROW_SCHEMA, LONG_COLUMNS

SAMPLE_DETAILS = ("SWANGEN_51230_INITIAL", "SWANGEN_53874_ADJ1", "SWANGEN_56492_ADJ2")


def _reference(path: Path) -> pa.Table:
    return decode(path).cast(LONG_ARROW_SCHEMA)


@pytest.mark.parametrize("run", SAMPLE_DETAILS)
def test_parquet_equals_reference_on_the_sample_week(
    sample_week: Path, tmp_path: Path, run: str
) -> None:
    src = sample_week / "csv" / f"{run}_SettlementStatementDetail.zip"
    out = tmp_path / "long.parquet"
    rows, findings = decode_to_file(src, out)
    ref = _reference(src)
    assert findings == []
    assert rows == ref.num_rows > 0
    got = pq.read_table(out)
    assert got.column_names == list(LONG_COLUMNS)
    assert [f.type for f in got.schema] == [f.type for f in LONG_ARROW_SCHEMA]
    for name in LONG_COLUMNS:
        assert got.column(name).combine_chunks().equals(ref.column(name).combine_chunks()), name


def test_parquet_reads_the_same_in_polars_pandas_and_duckdb(
    sample_week: Path, tmp_path: Path
) -> None:
    src = sample_week / "csv" / f"{SAMPLE_DETAILS[1]}_SettlementStatementDetail.zip"
    out = tmp_path / "long.parquet"
    decode_to_file(src, out)
    ref = pl.from_arrow(_reference(src))
    assert isinstance(ref, pl.DataFrame)
    got = pl.read_parquet(out)
    assert got.schema == ref.schema
    assert got.equals(ref)
    pdf = pq.read_table(out).to_pandas()
    assert list(pdf.columns) == list(LONG_COLUMNS)
    assert str(pdf["interval_start"].dt.tz) in ("Etc/GMT-8", "UTC+08:00")
    assert sum(pdf["value"], Decimal(0)) == ref.get_column("value").sum()
    import duckdb

    con = duckdb.connect()
    total, n, nulls = con.execute(
        "SELECT sum(value), count(*), count(*) - count(scope_facility) "
        f"FROM read_parquet('{out.as_posix()}')"
    ).fetchone()
    assert total == ref.get_column("value").sum()
    assert n == ref.height
    assert nulls == ref.get_column("scope_facility").null_count()


def test_parquet_equals_reference_across_slices(
    wem_csv: SimpleNamespace,
    write_file,  # type: ignore[no-untyped-def]
    tmp_path: Path,
) -> None:
    """Rows of every granularity and scope grammar, cut into slices of a few values."""
    from recon.report.long_table import write_parquet_tables
    from recon.sources.detail_csv import iter_detail_parts
    from recon.sources.detail_long import RowAttributes, long_tables

    w = wem_csv
    i48 = [f"{k}.0000000{k % 10}" for k in range(1, 49)]
    di = [f"-{k}.5" for k in range(1, 289)]
    rows = [
        w.detail_row("RTMSA_P_D", "SWANGEN", "2024-12-01", ["-1234.56789012"]),
        w.detail_row("MSQ_F_I", "SWANGEN_WF1", "2024-12-01", i48),
        w.detail_row("ESSQ_F_DI", "SWANGEN_BESS1", "2024-12-01", di),
        w.detail_row("MFRATE_G_FY", "Global", "2024-07-01", ["0.00071234"]),
        w.detail_row("MSQ_F_I", "SWANGEN_WF2", "2024-12-01", i48[::-1]),
    ]
    src = write_file("detail.csv", w.detail_bytes(rows))
    ref = _reference(src)
    for slice_values in (1, 7, 48, 400, 1 << 20):
        out = tmp_path / f"s{slice_values}.parquet"

        def tables(n: int = slice_values):  # type: ignore[no-untyped-def]
            attrs = RowAttributes()
            for part in iter_detail_parts(src, cast=False):
                yield from long_tables(part, attrs, slice_values=n)

        assert write_parquet_tables(tables(), out, read_as=LONG_ARROW_SCHEMA) == ref.num_rows
        got = pq.read_table(out)
        for name in LONG_COLUMNS:
            assert got.column(name).combine_chunks().equals(ref.column(name).combine_chunks()), (
                slice_values,
                name,
            )
