"""``recon decode ... --out x.xlsx``: a streamed, typed sheet named for what it holds.

Workbooks are reopened with openpyxl. The row limit is exercised with a lowered limit (a
real 1,048,576-row table would take minutes to make): the refusal comes before anything
is written, exit 2, naming Parquet and CSV.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from builders.detail import fifty_value_zip
from openpyxl import load_workbook
from paths import REPO as ROOT

from recon.cli.main import main
from recon.errors import UsageError
from recon.report import long_table


def test_detail_sheet_is_typed_frozen_and_sized(
    wem_csv: SimpleNamespace, write_file: object, tmp_path: Path
) -> None:
    src = write_file("detail.zip", fifty_value_zip())  # type: ignore[operator]
    xlsx, parquet = tmp_path / "long.xlsx", tmp_path / "long.parquet"
    assert main(["decode", str(src), "--out", str(xlsx), "--no-progress"]) == 0
    assert main(["decode", str(src), "--out", str(parquet), "--no-progress"]) == 0
    expected = pq.read_table(parquet).to_pylist()
    wb = load_workbook(xlsx)
    assert wb.sheetnames == ["Detail"]
    ws = wb["Detail"]
    assert ws.freeze_panes == "A2"
    assert all(c.font.bold for c in ws[1])
    header = [c.value for c in ws[1]]
    assert header == list(expected[0])
    for i, name in enumerate(header):
        width = ws.column_dimensions[ws.cell(1, i + 1).column_letter].width
        assert width >= len(name), name
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    assert len(rows) == len(expected) == 50
    for got, want in zip(rows, expected, strict=True):
        for name, g in zip(header, got, strict=True):
            v = want[name]
            if isinstance(v, Decimal):
                assert isinstance(g, float) and Decimal(str(g)) == v.normalize(), name
            elif isinstance(v, datetime):
                wall = v.astimezone(v.tzinfo).replace(tzinfo=None)
                assert abs((g - wall).total_seconds()) < 0.001, (name, g, wall)
            elif isinstance(v, date):
                assert g == datetime(v.year, v.month, v.day), name
            else:
                assert g == v, (name, g, v)
    cell = next(c for c in ws["Y"][1:] if c.value is not None)  # interval_start
    assert cell.number_format == "yyyy-mm-dd hh:mm"


def test_summary_sheet_is_named_summary(tmp_path: Path) -> None:
    src = ROOT / "fixtures/sample_week/csv/SWANGEN_51230_INITIAL_SettlementStatementSummary.csv"
    out = tmp_path / "summary.xlsx"
    assert main(["decode", str(src), "--out", str(out), "--no-progress"]) == 0
    wb = load_workbook(out, read_only=True)
    assert wb.sheetnames == ["Summary"]
    rows = list(wb["Summary"].iter_rows(values_only=True))
    assert "payment_or_charge" in rows[0] and len(rows) > 10


def test_text_is_never_a_formula(
    wem_csv: SimpleNamespace, write_file: object, tmp_path: Path
) -> None:
    rows = [wem_csv.detail_row("RTMSA_F_D", "=cmd|' /C calc'!A0", "2024-12-01", ["1.5"])]
    src = write_file("detail.csv", wem_csv.detail_bytes(rows))  # type: ignore[operator]
    out = tmp_path / "long.xlsx"
    main(["decode", str(src), "--out", str(out), "--no-progress"])
    ws = load_workbook(out)["Detail"]
    texts = [c for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    hostile = [c for c in texts if c.value.startswith("=")]
    assert hostile and all(c.data_type == "s" for c in hostile)
    with zipfile.ZipFile(out) as zf:
        assert all(b"<f>" not in zf.read(n) for n in zf.namelist())


def test_a_table_over_the_row_limit_is_refused_up_front(
    wem_csv: SimpleNamespace,
    write_file: object,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setattr(long_table, "XLSX_MAX_ROWS", 10)
    src = write_file("detail.zip", fifty_value_zip())  # type: ignore[operator]
    out = tmp_path / "long.xlsx"
    assert main(["decode", str(src), "--out", str(out), "--no-progress"]) == 2
    err = capsys.readouterr().err
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, lines
    assert ".parquet" in lines[0] and ".csv" in lines[0] and "Excel" in lines[0]
    assert not out.exists() and list(tmp_path.glob("*.xlsx")) == []


# The module's functions called directly, on frames built here.


def _frame(day: int, values: list[str], scope: str = "SWANGEN") -> pl.DataFrame:
    return pl.DataFrame(
        {
            "variable": ["RTMSA_P_D"] * len(values),
            "scope": [scope] * len(values),
            "trading_day": [date(2024, 12, day)] * len(values),
            "position": list(range(1, len(values) + 1)),
            "value": [Decimal(v) for v in values],
        },
        schema_overrides={"value": pl.Decimal(23, 8)},
    )


@pytest.mark.parametrize(
    ("name", "fmt"),
    [("a.parquet", "parquet"), ("a.CSV", "csv"), ("dir.x/a.Xlsx", "xlsx")],
)
def test_the_format_is_the_suffix(name: str, fmt: str) -> None:
    assert long_table.output_format(name) == fmt


@pytest.mark.parametrize("name", ["a.txt", "a", "a.parquet.gz", "xlsx"])
def test_any_other_suffix_is_a_usage_error(name: str) -> None:
    with pytest.raises(UsageError) as e:
        long_table.output_format(name)
    assert str(e.value) == f"--out {name}: the file name must end in .parquet, .csv or .xlsx"


def test_an_unknown_suffix_writes_nothing(tmp_path: Path) -> None:
    with pytest.raises(UsageError):
        long_table.write_long_table([_frame(1, ["1"])], tmp_path / "long.txt")
    assert list(tmp_path.iterdir()) == []


def test_parquet_keeps_every_day_and_exact_decimals(tmp_path: Path) -> None:
    out = tmp_path / "long.parquet"
    parts = [_frame(1, ["-1234.56789012", "0.00000001"]), _frame(2, ["99999999999999.5"])]
    assert long_table.write_long_table(iter(parts), out) == 3
    table = pq.read_table(out)
    assert str(table.schema.field("value").type) == "decimal128(23, 8)"
    assert table.column("value").to_pylist() == [
        Decimal("-1234.56789012"),
        Decimal("0.00000001"),
        Decimal("99999999999999.50000000"),
    ]
    assert table.column("trading_day").to_pylist() == [date(2024, 12, 1)] * 2 + [date(2024, 12, 2)]


def test_csv_has_one_header_and_every_row(tmp_path: Path) -> None:
    out = tmp_path / "long.csv"
    assert long_table.write_long_table([_frame(1, ["1.5"]), _frame(2, ["-2.25"])], out) == 2
    assert out.read_text(encoding="utf-8").splitlines() == [
        "variable,scope,trading_day,position,value",
        "RTMSA_P_D,SWANGEN,2024-12-01,1,1.50000000",
        "RTMSA_P_D,SWANGEN,2024-12-02,1,-2.25000000",
    ]


@pytest.mark.parametrize("suffix", [".parquet", ".csv", ".xlsx"])
def test_no_day_writes_an_empty_table(tmp_path: Path, suffix: str) -> None:
    out = tmp_path / f"long{suffix}"
    assert long_table.write_long_table([], out) == 0
    assert out.is_file()
    if suffix == ".parquet":
        assert pq.read_table(out).num_rows == 0
    elif suffix == ".csv":
        assert out.read_bytes() == b""
    else:
        wb = load_workbook(out)
        assert wb.sheetnames == ["Detail"]
        assert wb["Detail"].max_row == 1 and wb["Detail"]["A1"].value is None


@pytest.mark.parametrize("suffix", [".parquet", ".csv", ".xlsx"])
def test_a_failure_midway_leaves_the_earlier_file(tmp_path: Path, suffix: str) -> None:
    out = tmp_path / f"long{suffix}"
    out.write_bytes(b"earlier")

    def parts() -> Iterator[pl.DataFrame]:
        yield _frame(1, ["1"])
        raise OSError("the source went away")

    with pytest.raises(OSError, match="the source went away"):
        long_table.write_long_table(parts(), out)
    assert out.read_bytes() == b"earlier"
    assert [p.name for p in tmp_path.iterdir()] == [out.name]


def test_xlsx_cells_across_chunks_and_texts_shown_safely(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(long_table, "XLSX_CHUNK", 2)
    out = tmp_path / "long.xlsx"
    parts = [_frame(1, ["1", "2", "3"], scope="bad\x1b[2J\u202e"), _frame(2, ["-4.5"])]
    assert long_table.write_long_table(parts, out) == 4
    ws = load_workbook(out)["Detail"]
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0] == ("variable", "scope", "trading_day", "position", "value")
    assert [r[1] for r in rows[1:]] == ["bad\\x1b[2JU+202E"] * 3 + ["SWANGEN"]
    assert [r[3] for r in rows[1:]] == [1, 2, 3, 1]
    assert [Decimal(str(r[4])) for r in rows[1:]] == [
        Decimal(1),
        Decimal(2),
        Decimal(3),
        Decimal("-4.5"),
    ]
    assert rows[4][2] == datetime(2024, 12, 2)


def test_xlsx_nulls_are_empty_cells_and_booleans_are_booleans(tmp_path: Path) -> None:
    frame = pl.DataFrame({"flag": [True, None], "note": [None, "x"]})
    out = tmp_path / "long.xlsx"
    assert long_table.write_long_table([frame], out) == 2
    rows = list(load_workbook(out)["Detail"].iter_rows(values_only=True))
    assert rows == [("flag", "note"), (True, None), (None, "x")]


def test_the_row_limit_message_names_the_other_formats() -> None:
    assert str(long_table.too_many_rows(2_000_000)) == (
        "the long table has more than 1,048,575 rows (2,000,000 so far), more than an Excel "
        "sheet holds (1,048,576 with the header): write .parquet (exact decimals) or .csv "
        "instead"
    )


def test_the_sheet_is_named_for_what_it_holds() -> None:
    assert long_table.sheet_name(["variable", "payment_or_charge"]) == "Summary"
    assert long_table.sheet_name(["variable", "value"]) == "Detail"
    assert long_table.sheet_name([]) == "Detail"


def test_parquet_tables_are_written_with_dictionaries_read_back_plain(tmp_path: Path) -> None:
    plain = pa.schema([("scope", pa.string()), ("value", pa.decimal128(23, 8))])
    coded = pa.schema([("scope", pa.dictionary(pa.int32(), pa.string())), plain.field(1)])

    def table(scopes: list[str], values: list[str]) -> pa.Table:
        return pa.table(
            {"scope": pa.array(scopes).dictionary_encode(), "value": [Decimal(v) for v in values]},
            schema=coded,
        )

    out = tmp_path / "t.parquet"
    tables = [table(["A", "B"], ["1.5", "-2"]), table(["A"], ["0.00000001"])]
    assert long_table.write_parquet_tables(tables, out, read_as=plain) == 3
    back = pq.read_table(out)
    assert back.schema == plain
    assert back.to_pylist() == [
        {"scope": "A", "value": Decimal("1.50000000")},
        {"scope": "B", "value": Decimal("-2.00000000")},
        {"scope": "A", "value": Decimal("0.00000001")},
    ]


def test_parquet_tables_without_a_table_write_an_empty_file(tmp_path: Path) -> None:
    out = tmp_path / "t.parquet"
    assert long_table.write_parquet_tables([], out) == 0
    assert pq.read_table(out).num_rows == 0
