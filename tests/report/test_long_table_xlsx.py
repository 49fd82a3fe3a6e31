"""``recon decode ... --out x.xlsx``: a streamed, typed sheet named for what it holds.

Workbooks are reopened with openpyxl. The row limit is exercised with a lowered limit (a
real 1,048,576-row table would take minutes to make): the refusal comes before anything
is written, exit 2, naming Parquet and CSV.
"""

from __future__ import annotations

import zipfile
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

import pyarrow.parquet as pq
import pytest
from builders.detail import fifty_value_zip
from openpyxl import load_workbook
from paths import REPO as ROOT

from recon.cli.main import main
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
