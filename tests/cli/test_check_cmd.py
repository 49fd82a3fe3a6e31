"""recon.cli.check_cmd: ``recon check``'s options reach the check, its exit status, the
files it writes and its one-line refusals.

Weeks from the fixture generator: ``fixtures/history`` (TW 24 Nov 2024 checks clean; its
ADJ invoices' lines are in ``fixtures/history/expected.json``) and ``fixtures/history_adj``
(its INITIAL holds planted errors).
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import click
import duckdb
import pytest
from paths import FIXTURES

from recon.cli.check_cmd import check as check_command
from recon.cli.main import main
from recon.pipeline.outputs import OUTPUT_SET

CLEAN = FIXTURES / "history" / "SWANGEN_2024-11-24"
PLANTED = FIXTURES / "history_adj" / "SWANGEN_2024-12-15" / "1_INITIAL"
HISTORY = json.loads((FIXTURES / "history" / "expected.json").read_text("utf-8"))


def _recon(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    capsys.readouterr()
    code = main([*args, "--no-progress"])
    return code, capsys.readouterr().err


def _one_line(err: str) -> str:
    lines = [ln for ln in err.splitlines() if ln.strip()]
    assert len(lines) == 1, err
    assert "Traceback" not in err
    return lines[0]


def _findings(out: Path) -> list[dict[str, Any]]:
    findings: list[dict[str, Any]] = json.loads((out / "findings.json").read_text("utf-8"))[
        "findings"
    ]
    return findings


def test_a_clean_week_exits_0_and_writes_the_whole_set(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    code, err = _recon(["check", str(CLEAN), "--out", str(out)], capsys)
    assert code == 0
    assert sorted(p.name for p in out.iterdir()) == sorted(OUTPUT_SET)
    assert _findings(out) == []
    assert "No discrepancies." in err and "3 runs fully checked." in err


def test_no_reports_writes_the_json_files_only(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    code, err = _recon(["check", str(CLEAN), "--out", str(out), "--no-reports"], capsys)
    assert code == 0
    assert sorted(p.name for p in out.iterdir()) == ["findings.json", "result.json"]
    assert "Wrote 2 files" in err


def test_planted_errors_exit_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    code, _ = _recon(["check", str(PLANTED), "--out", str(out), "--no-reports"], capsys)
    assert code == 1
    assert any(f["severity"] == "error" for f in _findings(out))


def test_materiality_warnings_exit_1_only_with_strict(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    adj_lines = [
        li
        for run in HISTORY["weeks"][0]["runs"]
        if run["designation"] != "INITIAL"
        for part in run["invoice"]["data"]
        for li in part["lineItems"]
        if abs(Decimal(li["amount"])) >= Decimal("0.01")
    ]
    args = ["check", str(CLEAN), "--no-reports", "--materiality", "$0.01"]
    code, _ = _recon([*args, "--out", str(tmp_path / "a")], capsys)
    assert code == 0
    found = _findings(tmp_path / "a")
    assert (
        [f["check"] for f in found]
        == ["adjustment.material"] * len(adj_lines)
        == ["adjustment.material"] * 10
    )
    assert {f["severity"] for f in found} == {"warning"}
    code, _ = _recon([*args, "--strict", "--out", str(tmp_path / "b")], capsys)
    assert code == 1


def test_store_records_the_check_with_its_outputs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = tmp_path / "recon.duckdb"
    assert main(["ingest", str(PLANTED), "--store", str(store), "--no-progress"]) == 0
    out = tmp_path / "out"
    code, _ = _recon(
        ["check", "--store", str(store), "--week", "TW 15 Dec 2024", "--participant",
         "swangen", "--out", str(out), "--no-reports"],
        capsys,
    )  # fmt: skip
    assert code == 1
    with duckdb.connect(str(store), read_only=True) as con:
        rows = con.execute("SELECT command, participant, outputs, out_dir FROM checks").fetchall()
    assert rows == [("check", "SWANGEN", "written", str(out.absolute()))]


def test_store_without_a_path_is_recon_store(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    store = tmp_path / "env.duckdb"
    assert main(["ingest", str(PLANTED), "--store", str(store), "--no-progress"]) == 0
    monkeypatch.setenv("RECON_STORE", str(store))
    code, _ = _recon(["check", "--store", "--out", str(tmp_path / "out"), "--no-reports"], capsys)
    assert code == 1
    assert _findings(tmp_path / "out")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--week", "2024-12-15", str(CLEAN)],
         "recon: week and participant select runs from the store: add --store (store= in "
         "Python)"),
        ([], "recon: give at least one file or folder to check"),
        (["--materiality", "lots", str(CLEAN)],
         "recon: --materiality 'lots' is not an amount such as 10000 or 2500.50"),
    ],
)  # fmt: skip
def test_bad_arguments_exit_2_with_one_line_and_write_nothing(
    args: list[str], message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    code, err = _recon(["check", *args, "--out", str(out)], capsys)
    assert code == 2
    assert _one_line(err) == message
    assert not out.exists()


def test_a_mistyped_path_exits_2_naming_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "typo"
    code, err = _recon(["check", str(CLEAN), str(missing), "--out", str(tmp_path / "o")], capsys)
    assert code == 2
    assert _one_line(err) == f"recon: {missing}: no such file or folder"


def test_out_is_required(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, err = _recon(["check", str(CLEAN)], capsys)
    assert code == 2
    assert "Missing option '--out'" in err
    assert "Traceback" not in err


def test_out_that_is_a_file_exits_2_and_keeps_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    out.write_text("mine")
    code, err = _recon(["check", str(CLEAN), "--out", str(out)], capsys)
    assert code == 2
    assert out.read_text() == "mine"
    assert f"Error: Invalid value for '--out': Directory '{out}' is a file." in err
    assert "Traceback" not in err


def test_every_option_is_explained() -> None:
    names = set()
    for param in check_command.params:
        if isinstance(param, click.Option):
            assert param.help, param.opts
            names.update(param.opts)
    assert {"--out", "--materiality", "--strict", "--no-reports", "--no-progress", "--store",
            "--week", "--participant", "--own", "--max-member-mb"} <= names  # fmt: skip
