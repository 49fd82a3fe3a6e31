"""recon.pipeline.decode: a Summary or Detail file as one long table.

The sample week's files and the figures they hold come from the fixture generator
(``fixtures/expected.json``); the ``recon decode`` command itself is tested in
tests/cli/test_decode_cmd.py.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pytest

from recon.errors import InputError, UsageError
from recon.pipeline.decode import decode, decode_to_file, iter_decoded, summary_long
from recon.sources.summary_csv import parse_summary_csv

INITIAL = "SWANGEN_51230_INITIAL"


def _run(expected: dict[str, Any], run_id: int) -> dict[str, Any]:
    return next(r for r in expected["runs"] if r["run_id"] == run_id)


@pytest.mark.parametrize("form", ["csv", "json"])
def test_a_summary_decodes_to_the_generators_rows_and_sum(
    sample_week: Path, expected: dict[str, Any], form: str
) -> None:
    table = decode(sample_week / form / f"{INITIAL}_SettlementStatementSummary.{form}")
    want = _run(expected, 51230)["summary"]
    assert table.num_rows == want["rows"] == 126
    assert table.schema.field("value").type == pa.decimal128(23, 8)
    assert pc.sum(table.column("value")).as_py() == Decimal(want["value_sum"])
    assert set(table.column("variable").to_pylist()) == set(want["variables"])
    rtm = table.filter(pc.equal(table.column("variable"), "RTMSA_P_D"))
    daily = want["variables"]["RTMSA_P_D"]["daily"]
    assert {d.isoformat(): v for d, v in zip(
        rtm.column("timestamp").to_pylist(), rtm.column("value").to_pylist(), strict=True
    )} == {d: Decimal(v) for d, v in daily.items()}  # fmt: skip
    assert set(table.column("run_id").to_pylist()) == {51230}
    assert set(table.column("designation").to_pylist()) == {"INITIAL"}


def test_summary_long_spans_each_trading_day_from_8am_awst(sample_week: Path) -> None:
    path = sample_week / "csv" / f"{INITIAL}_SettlementStatementSummary.csv"
    stmt = parse_summary_csv(path.read_bytes(), str(path))
    frame = summary_long(stmt)
    assert frame.height == len(stmt.rows)
    first = frame.row(0, named=True)
    start, end = first["interval_start"], first["interval_end"]
    assert isinstance(start, datetime) and isinstance(end, datetime)
    assert (start.date(), start.hour, start.minute) == (first["timestamp"], 8, 0)
    assert start.utcoffset() == timedelta(hours=8)
    assert end - start == timedelta(days=1)
    assert first["participant"] == "SWANGEN" and first["period"] == "TW 01 Dec 2024"


def test_a_detail_zip_is_decoded_a_trading_day_at_a_time(
    sample_week: Path, expected: dict[str, Any]
) -> None:
    days = _run(expected, 51230)["detail"]["days"]
    calls: list[tuple[int, int]] = []
    findings: list[Any] = []
    parts = list(
        iter_decoded(
            sample_week / "csv" / f"{INITIAL}_SettlementStatementDetail.zip",
            progress=lambda done, total: calls.append((done, total)),
            findings=findings,
        )
    )
    assert len(parts) == len(days) == 7
    for part, (day, want) in zip(parts, sorted(days.items()), strict=True):
        assert set(part["settlement_trading_day"].to_list()) == {date.fromisoformat(day)}
        assert part.height == want["values"]
        assert sum(part["value"].to_list(), Decimal(0)) == Decimal(want["sum"])
    assert calls and calls[-1] == (7, 7)
    assert findings == []


def test_a_detail_json_day_reports_its_progress_once(sample_week: Path) -> None:
    calls: list[tuple[int, int]] = []
    src = sample_week / "json" / f"{INITIAL}_SettlementStatementDetail_2024-12-03.json"
    parts = list(iter_decoded(src, progress=lambda d, t: calls.append((d, t))))
    assert calls == [(1, 1)]
    assert len(parts) == 1
    assert set(parts[0]["settlement_trading_day"].to_list()) == {date(2024, 12, 3)}


def test_a_bad_value_is_a_finding_and_the_rest_is_decoded(wem_csv: Any, write_file: Any) -> None:
    rows = [wem_csv.summary_row("RTMSA_P_D", "2024-12-01", "1.5"),
            wem_csv.summary_row("RTMSA_P_D", "2024-12-02", "1.5x")]  # fmt: skip
    src = write_file("summary.csv", wem_csv.summary_bytes(rows))
    findings: list[Any] = []
    parts = list(iter_decoded(src, findings=findings))
    assert [(f.check, f.variable, f.timestamp, f.actual, f.source) for f in findings] == [
        ("data.value", "RTMSA_P_D", "2024-12-02", "1.5x", f"{src}:3")
    ]
    assert [p.height for p in parts] == [1]


def test_decode_to_file_streams_a_detail_zip_to_parquet(
    sample_week: Path, expected: dict[str, Any], tmp_path: Path
) -> None:
    out = tmp_path / "long.parquet"
    rows, findings = decode_to_file(
        sample_week / "csv" / f"{INITIAL}_SettlementStatementDetail.zip", out
    )
    assert rows == _run(expected, 51230)["detail"]["week"]["values"]
    assert findings == []
    assert out.is_file()


def test_decode_to_file_refuses_a_suffix_that_names_no_format(
    sample_week: Path, tmp_path: Path
) -> None:
    out = tmp_path / "long.txt"
    with pytest.raises(UsageError) as e:
        decode_to_file(sample_week / "csv" / f"{INITIAL}_SettlementStatementSummary.csv", out)
    assert str(e.value) == f"--out {out}: the file name must end in .parquet, .csv or .xlsx"
    assert list(tmp_path.iterdir()) == []


def test_a_pdf_is_refused_by_name(sample_week: Path) -> None:
    src = sample_week / "pdf" / f"{INITIAL}_Invoice.pdf"
    with pytest.raises(InputError) as e:
        decode(src)
    assert str(e.value) == (
        f"{src}: is a PDF (an Invoice PDF, whole or damaged); recon decode reads a "
        "Settlement Statement Summary or Detail (CSV, ZIP or JSON)"
    )


def test_json_that_is_not_a_statement_is_refused(write_file: Any) -> None:
    src = write_file("x.json", b'{"hello": "world"}')
    with pytest.raises(InputError) as e:
        decode(src)
    assert str(e.value).startswith(f"{src}: is not a Settlement Statement (")
