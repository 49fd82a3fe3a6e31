"""``recon decode PATH --out FILE``: outputs, exit status and messages (SPEC §6)."""

from __future__ import annotations

import csv
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

import click
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from builders.detail import I48, fifty_value_zip

from recon.cli.decode_cmd import decode as decode_command
from recon.cli.main import main

Writer = Callable[[str, bytes], Path]
EXPECTED_COUNT = 1 + 48 + 1
EXPECTED_SUM = Decimal("-1234.56789012") + sum(Decimal(v) for v in I48) + Decimal("0.00071234")


def stderr_lines(capsys: pytest.CaptureFixture[str]) -> list[str]:
    """Return the non-empty lines written to stderr so far.

    Args:
        capsys: pytest's capture fixture.
    """
    return [line for line in capsys.readouterr().err.splitlines() if line.strip()]


@pytest.fixture
def w(wem_csv: SimpleNamespace) -> SimpleNamespace:
    """Short alias of the ``wem_csv`` writers."""
    return wem_csv


@pytest.mark.parametrize("progress", [[], ["--no-progress"]])
def test_decode_to_parquet(
    w: SimpleNamespace,
    write_file: Writer,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    progress: list[str],
) -> None:
    src = write_file("detail.zip", fifty_value_zip())
    out = tmp_path / "out" / "long.parquet"
    out.parent.mkdir()
    assert main(["decode", str(src), "--out", str(out), *progress]) == 0
    captured = capsys.readouterr()
    assert f"Wrote {EXPECTED_COUNT} values" in captured.out
    table = pq.read_table(out)
    assert table.num_rows == EXPECTED_COUNT
    assert table.schema.field("value").type == pa.decimal128(23, 8)
    values = table.column("value").to_pylist()
    assert sum(values, Decimal(0)) == EXPECTED_SUM
    assert values[0] == Decimal("-1234.56789012")
    assert table.column("position").to_pylist()[1:49] == list(range(1, 49))
    assert sorted(p.name for p in out.parent.iterdir()) == ["long.parquet"]


def test_decode_to_csv(w: SimpleNamespace, write_file: Writer, tmp_path: Path) -> None:
    src = write_file("detail.zip", fifty_value_zip())
    out = tmp_path / "long.csv"
    assert main(["decode", str(src), "--out", str(out), "--no-progress"]) == 0
    with out.open(newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == EXPECTED_COUNT
    assert sum((Decimal(r["value"]) for r in rows), Decimal(0)) == EXPECTED_SUM
    last = [r for r in rows if r["variable"] == "MSQ_F_I"][-1]
    assert (last["position"], last["scope_facility"]) == ("48", "SWANGEN_WF1")
    assert last["interval_start"].startswith("2024-12-02T07:30:00")
    assert last["interval_end"].startswith("2024-12-02T08:00:00")


def test_decode_to_xlsx(w: SimpleNamespace, write_file: Writer, tmp_path: Path) -> None:
    import openpyxl

    src = write_file("detail.zip", fifty_value_zip())
    out = tmp_path / "long.xlsx"
    assert main(["decode", str(src), "--out", str(out), "--no-progress"]) == 0
    sheet = openpyxl.load_workbook(out, read_only=True).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    header, body = rows[0], rows[1:]
    assert len(body) == EXPECTED_COUNT
    col = header.index("value")
    assert sum(Decimal(str(r[col])) for r in body) == EXPECTED_SUM
    assert header.index("interval_start") < header.index("interval_end")


def test_decode_bad_row_exits_1(
    w: SimpleNamespace, write_file: Writer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = [
        w.detail_row("RTMSA_P_D", "SWANGEN", "2024-12-01", ["1.5"]),
        w.detail_row("MSQ_F_I", "SWANGEN_WF1", "2024-12-01", ["1e-05"] * 48),
    ]
    src = write_file("detail.csv", w.detail_bytes(rows))
    out = tmp_path / "long.parquet"
    assert main(["decode", str(src), "--out", str(out), "--no-progress"]) == 1
    captured = capsys.readouterr()
    assert "data.value" in captured.err
    assert f"{src}:3" in captured.err.replace("\n", "")
    assert pq.read_table(out).column("value").to_pylist() == [Decimal("1.5")]


def test_decode_missing_file_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "no_such_detail.zip"
    out = tmp_path / "long.parquet"
    assert main(["decode", str(src), "--out", str(out)]) == 2
    lines = stderr_lines(capsys)
    assert len(lines) == 1, lines
    assert str(src) in lines[0]
    assert "Traceback" not in lines[0]
    assert not out.exists()


@pytest.mark.parametrize("name", ["long.txt", "long", "long.parquet.bak", "long.json"])
def test_decode_bad_out_suffix_exits_2(
    w: SimpleNamespace,
    write_file: Writer,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    name: str,
) -> None:
    src = write_file("detail.zip", fifty_value_zip())
    out = tmp_path / name
    assert main(["decode", str(src), "--out", str(out), "--no-progress"]) == 2
    lines = stderr_lines(capsys)
    assert len(lines) == 1, lines
    assert str(out) in lines[0]
    assert ".parquet" in lines[0]
    assert not out.exists()


def test_decode_unreadable_file_exits_2(
    write_file: Writer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = write_file("empty.csv", b"")
    assert main(["decode", str(src), "--out", str(tmp_path / "o.parquet")]) == 2
    lines = stderr_lines(capsys)
    assert len(lines) == 1, lines
    assert str(src) in lines[0]


def test_decode_without_out_exits_2(
    w: SimpleNamespace, write_file: Writer, capsys: pytest.CaptureFixture[str]
) -> None:
    src = write_file("detail.zip", fifty_value_zip())
    assert main(["decode", str(src)]) == 2
    assert "--out" in capsys.readouterr().err


def test_decode_help_lists_every_option(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["decode", "--help"]) == 0
    text = capsys.readouterr().out
    assert "Usage: recon decode [OPTIONS] PATH" in text
    options = [o for p in decode_command.params if isinstance(p, click.Option) for o in p.opts]
    assert {
        "--out",
        "--no-progress",
        "--max-member-mb",
        "--max-ratio",
        "--max-members",
        "--max-line-mb",
    } <= set(options)
    for opt in [*options, "--help"]:
        assert opt in text, opt


def test_recon_help_lists_decode(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--help"]) == 0
    assert "decode" in capsys.readouterr().out


def test_decode_summary_csv(w: SimpleNamespace, write_file: Writer, tmp_path: Path) -> None:
    rows = [w.summary_row("RTMSA_P_D", f"2024-12-0{d}", f"{d}.5") for d in range(1, 8)]
    src = write_file("summary.csv", w.summary_bytes(rows))
    out = tmp_path / "long.parquet"
    assert main(["decode", str(src), "--out", str(out), "--no-progress"]) == 0
    values = pq.read_table(out).column("value").to_pylist()
    assert sum(values, Decimal(0)) == Decimal("31.5")


def test_decode_sample_week_zip_to_parquet_matches_the_generator(
    sample_week: Path, expected: dict, tmp_path: Path
) -> None:
    """Issue 2's 'done when': the sample Detail ZIP decoded by the CLI to Parquet holds the
    generator's value count and exact sum, per Trading Day and for the week."""
    import pyarrow.compute as pc

    for run in expected["runs"]:
        out = tmp_path / f"{run['run_id']}.parquet"
        assert (
            main(
                [
                    "decode",
                    str(sample_week / run["files"]["detail_zip"]),
                    "--out",
                    str(out),
                    "--no-progress",
                ]
            )
            == 0
        )
        table = pq.read_table(out)
        assert table.schema.field("value").type == pa.decimal128(23, 8)
        assert table.num_rows == run["detail"]["week"]["values"]
        assert pc.sum(table.column("value")).as_py() == Decimal(run["detail"]["week"]["sum"])
        for day, want in run["detail"]["days"].items():
            mask = pc.equal(
                table.column("settlement_trading_day"), pa.scalar(date.fromisoformat(day))
            )
            part = table.filter(mask)
            assert part.num_rows == want["values"]
            assert pc.sum(part.column("value")).as_py() == Decimal(want["sum"])


def _sorted(table: pa.Table) -> pa.Table:
    return table.sort_by(
        [
            ("variable", "ascending"),
            ("scope", "ascending"),
            ("timestamp", "ascending"),
            ("position", "ascending"),
        ]
    )


def test_decode_detail_json_day_equals_the_zip_member(sample_week: Path, tmp_path: Path) -> None:
    """A Detail JSON day (PaSS API) decodes to the same rows as that day of the ZIP."""
    import pyarrow.compute as pc

    day = "2024-12-03"
    js = sample_week / "json" / f"SWANGEN_51230_INITIAL_SettlementStatementDetail_{day}.json"
    zp = sample_week / "csv" / "SWANGEN_51230_INITIAL_SettlementStatementDetail.zip"
    assert main(["decode", str(js), "--out", str(tmp_path / "j.parquet"), "--no-progress"]) == 0
    assert main(["decode", str(zp), "--out", str(tmp_path / "z.parquet"), "--no-progress"]) == 0
    got = pq.read_table(tmp_path / "j.parquet")
    whole = pq.read_table(tmp_path / "z.parquet")
    want = whole.filter(
        pc.equal(whole.column("settlement_trading_day"), pa.scalar(date.fromisoformat(day)))
    )
    assert got.num_rows == want.num_rows > 0
    got, want = _sorted(got), _sorted(want.cast(got.schema))
    for name in got.column_names:
        assert got.column(name).equals(want.column(name)), name


def test_decode_summary_json_equals_the_csv(sample_week: Path, tmp_path: Path) -> None:
    base = "SWANGEN_53874_ADJ1_SettlementStatementSummary"
    for form, suffix in (("json", ".json"), ("csv", ".csv")):
        out = tmp_path / f"{form}.parquet"
        assert (
            main(
                [
                    "decode",
                    str(sample_week / form / f"{base}{suffix}"),
                    "--out",
                    str(out),
                    "--no-progress",
                ]
            )
            == 0
        )
    got, want = pq.read_table(tmp_path / "json.parquet"), pq.read_table(tmp_path / "csv.parquet")
    assert got.num_rows == want.num_rows > 0
    assert got.equals(want)


def test_decode_an_invoice_exits_2(
    sample_week: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = sample_week / "json" / "SWANGEN_51230_INITIAL_Invoice.json"
    assert main(["decode", str(src), "--out", str(tmp_path / "x.parquet"), "--no-progress"]) == 2
    err = stderr_lines(capsys)
    assert len(err) == 1
    assert str(src) in err[0] and "is an Invoice JSON" in err[0]
    assert not (tmp_path / "x.parquet").exists()
