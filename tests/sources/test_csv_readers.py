"""Summary CSV and Detail CSV/ZIP readers side by side (SPEC §3.1, §3.2): a missing file
is one clear error for each, and ``recon.decode`` gives their long form.

Each reader's own tests are in ``test_summary_csv.py`` and ``test_detail_csv.py``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

import polars as pl
import pyarrow as pa
import pytest

from recon.api import decode
from recon.errors import InputError
from recon.sources.detail_csv import read_detail
from recon.sources.summary_csv import read_summary_csv

AWST = timezone(timedelta(hours=8))
Writer = Callable[[str, bytes], Path]

I48 = [str(k) for k in range(1, 49)]
DI288 = ["0.5"] * 288


@pytest.fixture
def w(wem_csv: SimpleNamespace) -> SimpleNamespace:
    """Short alias of the ``wem_csv`` writers."""
    return wem_csv


# =========================================================================== unreadable


def test_missing_file_raises_input_error(tmp_path: Path) -> None:
    path = tmp_path / "nowhere" / "d.zip"
    for reader in (read_detail, read_summary_csv, decode):
        with pytest.raises(InputError) as info:
            reader(path)
        assert str(path) in str(info.value)
        assert "cannot be read" in str(info.value)


# =========================================================================== long form


def test_decode_detail_long_form(w: SimpleNamespace, write_file: Writer) -> None:
    rows = [
        w.detail_row("RTMSA_P_D", "SWANGEN", "2024-12-01", ["-999999999999999.99999999"]),
        w.detail_row("MSQ_F_I", "SWANGEN_WF1", "2024-12-01", [f"{k}.00000001" for k in I48]),
        w.detail_row("ESSEnab_FE_DI", "SWANGEN_ESR1 REGULATION_RAISE", "2024-12-01", DI288),
        w.detail_row("MFRATE_G_FY", "Global", "2024-07-01", ["0.00071234"]),
        w.detail_row("CCAlloc_F_M", "SWANGEN_WF1", "2024-11-01", ["12.5"]),
    ]
    path = write_file("d.zip", w.zip_bytes({"day1.csv": w.detail_bytes(rows)}))
    table = decode(path)
    assert isinstance(table, pa.Table)
    assert table.num_rows == 1 + 48 + 288 + 1 + 1
    assert table.schema.field("value").type == pa.decimal128(23, 8)
    df = pl.from_arrow(table)
    assert isinstance(df, pl.DataFrame)
    assert set(df.get_column("run_id").to_list()) == {51230}
    assert set(df.get_column("designation").to_list()) == {"INITIAL"}

    def positions(var: str) -> list[int]:
        return df.filter(pl.col("variable") == var).get_column("position").to_list()

    assert positions("MSQ_F_I") == list(range(1, 49))
    assert positions("ESSEnab_FE_DI") == list(range(1, 289))
    assert positions("RTMSA_P_D") == [1]

    def span(var: str, pos: int) -> tuple[datetime, datetime]:
        rec = df.filter((pl.col("variable") == var) & (pl.col("position") == pos)).row(
            0, named=True
        )
        return rec["interval_start"], rec["interval_end"]

    at = lambda *a: datetime(*a, tzinfo=AWST)  # noqa: E731
    assert span("MSQ_F_I", 1) == (at(2024, 12, 1, 8, 0), at(2024, 12, 1, 8, 30))
    assert span("MSQ_F_I", 48) == (at(2024, 12, 2, 7, 30), at(2024, 12, 2, 8, 0))
    assert span("ESSEnab_FE_DI", 288) == (at(2024, 12, 2, 7, 55), at(2024, 12, 2, 8, 0))
    assert span("RTMSA_P_D", 1) == (at(2024, 12, 1, 8), at(2024, 12, 2, 8))
    assert span("MFRATE_G_FY", 1) == (at(2024, 7, 1, 8), at(2025, 7, 1, 8))
    assert span("CCAlloc_F_M", 1) == (at(2024, 11, 1, 8), at(2024, 12, 1, 8))
    start = span("MSQ_F_I", 48)[0]
    assert start.utcoffset() == timedelta(hours=8)

    values = table.column("value").to_pylist()
    assert values[0] == Decimal("-999999999999999.99999999")
    msq = df.filter(pl.col("variable") == "MSQ_F_I").get_column("value").to_list()
    assert msq[47] == Decimal("48.00000001")
    assert sum(msq) == Decimal(sum(range(1, 49))) + Decimal("0.00000048")
    assert sum(table.column("value").to_pylist()) == (
        Decimal("-999999999999999.99999999")
        + sum(msq)
        + Decimal("144")
        + Decimal("0.00071234")
        + Decimal("12.5")
    )
    ess = df.filter(pl.col("variable") == "ESSEnab_FE_DI").row(0, named=True)
    assert (ess["scope_code"], ess["scope_facility"], ess["scope_service"]) == (
        "FE",
        "SWANGEN_ESR1",
        "REGULATION_RAISE",
    )


def test_decode_summary_long_form(w: SimpleNamespace, write_file: Writer) -> None:
    rows = [
        w.summary_row("RTMSA_P_D", "2024-12-01", "1.25"),
        w.summary_row("RTMSA_P_D", "2024-12-02", "-0.00000001"),
    ]
    table = decode(write_file("s.csv", w.summary_bytes(rows)))
    assert table.num_rows == 2
    assert table.schema.field("value").type == pa.decimal128(23, 8)
    assert table.column("value").to_pylist() == [Decimal("1.25"), Decimal("-0.00000001")]
    assert table.column("interval_start").to_pylist()[1] == datetime(2024, 12, 2, 8, tzinfo=AWST)
