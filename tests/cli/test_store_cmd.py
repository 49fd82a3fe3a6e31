"""recon.cli.store_cmd: ``recon ingest``, ``recon runs`` and ``recon export``: what each
prints, its exit status and its refusals.

Artefacts are ``fixtures/history_adj``'s INITIAL (written by the fixture generator). The
end-to-end store workflow (ingest, check --store, export) is in tests/store/test_cli.py.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import click
import pytest
from cli_runs import run_recon as _recon
from paths import FIXTURES

from recon.cli import store_cmd
from recon.cli.main import main
from recon.store import open_store

INITIAL = FIXTURES / "history_adj" / "SWANGEN_2024-12-15" / "1_INITIAL"
SUMMARY = INITIAL / "csv" / "SWANGEN_51958_INITIAL_SettlementStatementSummary.csv"


def _without_column(src: Path, column: str, dst: Path) -> Path:
    rows = list(csv.reader(src.open(newline="", encoding="utf-8")))
    i = rows[0].index(column)
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(r[:i] + r[i + 1 :] for r in rows)
    dst.write_text(buf.getvalue(), encoding="utf-8")
    return dst


def test_ingest_counts_what_it_did_and_again_is_a_no_op(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = tmp_path / "s.duckdb"
    code, out, err = _recon(["ingest", str(INITIAL), "--store", str(store), "--no-progress"],
                            capsys)  # fmt: skip
    assert (code, out) == (0, "")
    assert err.strip() == (
        f"Ingested into {store}: 4 new, 0 unchanged, 0 duplicate (same content as a file "
        "held), 0 unusable, 0 refused"
    )
    code, _, err = _recon(["ingest", str(INITIAL), "--store", str(store), "--no-progress"],
                          capsys)  # fmt: skip
    assert code == 0
    assert f"Ingested into {store}: 0 new, 4 unchanged," in err


def test_an_unusable_file_is_recorded_named_and_exits_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cut = _without_column(SUMMARY, "GST Applicable", tmp_path / "cut.csv")
    store = tmp_path / "s.duckdb"
    code, _, err = _recon(["ingest", str(cut), "--store", str(store), "--no-progress"], capsys)
    assert code == 1
    problem = f"{cut}, line 1: the header row lacks column(s) 'GST Applicable'"
    assert "0 new, 0 unchanged, 0 duplicate (same content as a file held), 1 unusable" in err
    assert f"  unusable {cut}: {problem}" in err.splitlines()


def test_a_path_that_holds_no_artefact_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    notes = tmp_path / "notes.csv"
    notes.write_text("a,b\n1,2\n")
    code, _, err = _recon(["ingest", str(notes), "--store", str(tmp_path / "s.duckdb"),
                           "--no-progress"], capsys)  # fmt: skip
    assert code == 2
    assert err.strip() == f"recon: {notes}: holds no settlement artefact"


def test_ingest_needs_a_path(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _recon(["ingest", "--store", str(tmp_path / "s.duckdb")], capsys)
    assert code == 2
    assert "Missing argument 'PATHS...'" in err
    assert not (tmp_path / "s.duckdb").exists()


def test_runs_lists_each_run_with_what_is_held(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = tmp_path / "s.duckdb"
    assert main(["ingest", str(INITIAL), "--store", str(store), "--no-progress"]) == 0
    code, out, err = _recon(["runs", "--store", str(store), "--participant", "swangen",
                             "--week", "TW 15 Dec 2024"], capsys)  # fmt: skip
    assert (code, err) == (0, "")
    heading = out[: out.index("┏")]  # wrapped to the width: read it squeezed
    assert "".join(heading.split()) == f"Runsheldin{store}"
    cells = [[c.strip() for c in ln.split("│")[1:-1]] for ln in out.splitlines() if "│" in ln]
    assert cells == [
        ["SWANGEN", "TW 15 Dec 2024", "51958", "2025-01-02", "Summary CSV+JSON"],
        ["", "", "INITIAL", "15:30 AWST", "Detail ZIP: 7 days"],
        ["", "", "", "", "Invoice JSON"],
    ]


@pytest.mark.parametrize(
    ("filters", "line"),
    [([], "No run held."), (["--participant", "OTHER"], "No run held for these filters.")],
)
def test_runs_of_nothing_says_so(
    filters: list[str], line: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = tmp_path / "s.duckdb"
    if filters:
        assert main(["ingest", str(INITIAL), "--store", str(store), "--no-progress"]) == 0
    else:
        with open_store(store):  # an empty store
            pass
    code, _, err = _recon(["runs", "--store", str(store), *filters], capsys)
    assert (code, err.strip()) == (0, line)


def test_runs_refuses_a_week_that_is_not_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = _recon(["runs", "--store", str(tmp_path / "s.duckdb"), "--week",
                           "2024-12-16"], capsys)  # fmt: skip
    assert code == 2
    assert err.strip() == "recon: 2024-12-16 is a Monday; a Trading Week starts on a Sunday"


def test_export_writes_then_skips_what_is_unchanged(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = tmp_path / "s.duckdb"
    lake = tmp_path / "lake"
    assert main(["ingest", str(INITIAL), "--store", str(store), "--no-progress"]) == 0
    args = ["export", "--to", str(lake), "--store", str(store), "--no-progress"]
    code, _, err = _recon(args, capsys)
    assert code == 0
    assert err.strip() == (
        f"Exported 1 partition(s) (7 file(s)) into {lake}; 0 unchanged since the last export"
    )
    assert (lake / "runs" / "participant=SWANGEN" / "week=2024-12-15" / "part-0.parquet").is_file()
    code, _, err = _recon(args, capsys)
    assert err.strip() == (
        f"Exported 0 partition(s) (0 file(s)) into {lake}; 1 unchanged since the last export"
    )
    code, _, err = _recon([*args, "--full"], capsys)
    assert "Exported 1 partition(s) (7 file(s))" in err


def test_no_store_exits_2_and_creates_none(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    absent = tmp_path / "absent.duckdb"
    for args in (["runs"], ["export", "--to", str(tmp_path / "lake")]):
        code, _, err = _recon([*args, "--store", str(absent)], capsys)
        assert code == 2 and err.startswith("recon: ") and len(err.splitlines()) == 1
    assert not absent.exists() and not (tmp_path / "lake").exists()


def test_every_option_is_explained() -> None:
    for command in (store_cmd.ingest, store_cmd.runs, store_cmd.export):
        assert command.help
        for param in command.params:
            if isinstance(param, click.Option):
                assert param.help, (command.name, param.opts)
