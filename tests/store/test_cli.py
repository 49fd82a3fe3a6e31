"""The store's commands through ``recon.cli.main.main``: exit status and what they write."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click
import pytest
from isolation import isolate

from recon.cli.main import cli, main
from recon.store import open_store
from recon.store.db import default_store_path


@pytest.fixture(autouse=True)
def _no_pass(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No PaSS configuration and no user store leak into these tests."""
    isolate(monkeypatch, tmp_path)


@pytest.mark.parametrize("command", ["ingest", "runs", "weekly", "export", "check"])
def test_help_explains_every_option(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([command, "--help"]) == 0
    assert "--store" in capsys.readouterr().out
    cmd = cli.get_command(click.Context(cli), command)
    assert cmd is not None
    assert cmd.help
    for param in cmd.params:
        if isinstance(param, click.Option):
            assert param.help, f"{command} {param.opts} has no help text"


def test_ingest_runs_check_export(
    tmp_path: Path, sample_files: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    store = tmp_path / "s.duckdb"
    initial_adj1 = [str(p) for p in sample_files("51230", "53874")]
    assert main(["ingest", *initial_adj1, "--store", str(store), "--no-progress"]) == 0
    assert main(["ingest", *initial_adj1, "--store", str(store), "--no-progress"]) == 0
    assert "0 new, 4 unchanged" in capsys.readouterr().err.replace("\n", " ")

    assert main(["runs", "--store", str(store)]) == 0
    out = capsys.readouterr().out
    assert "51230" in out and "53874" in out and "INITIAL" in out
    assert main(["runs", "--store", str(store), "--week", "2024-12-08"]) == 0
    assert main(["runs", "--store", str(store), "--week", "2024-12-02"]) == 2

    out_dir = tmp_path / "out"
    adj2 = [str(p) for p in sample_files("56492")]
    assert (
        main(
            [
                "check",
                *adj2,
                "--store",
                str(store),
                "--out",
                str(out_dir),
                "--no-reports",
                "--no-progress",
            ]
        )
        == 0
    )
    doc = json.loads((out_dir / "findings.json").read_text())
    assert doc["counts"]["warning"] == 0 and len(doc["inputs"]) == 6

    assert (
        main(
            [
                "check",
                "--store",
                str(store),
                "--week",
                "2024-12-01",
                "--participant",
                "swangen",
                "--out",
                str(out_dir),
                "--no-reports",
                "--no-progress",
            ]
        )
        == 0
    )
    assert main(["check", "--week", "2024-12-01", "--out", str(out_dir), *adj2]) == 2
    assert (
        main(
            [
                "check",
                "--store",
                str(store),
                "--week",
                "2024-12-08",
                "--out",
                str(out_dir),
            ]
        )
        == 2
    )
    assert main(["check", "--store", str(store)]) == 2  # --out is required

    lake = tmp_path / "lake"
    assert main(["export", "--to", str(lake), "--store", str(store), "--no-progress"]) == 0
    assert (lake / "runs" / "participant=SWANGEN" / "week=2024-12-01" / "part-0.parquet").is_file()


def test_refused_ingest_exits_2(
    week_store: Path, sample: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = sample / "json" / "SWANGEN_56492_ADJ2_Invoice.json"
    changed = tmp_path / src.name
    doc = json.loads(src.read_text())
    doc["invoiceNumber"] = doc["invoiceNumber"] + "-X"
    changed.write_text(json.dumps(doc))
    with open_store(week_store, read_only=True) as s:
        before = s.counts()
    assert main(["ingest", str(changed), "--store", str(week_store), "--no-progress"]) == 2
    err = capsys.readouterr().err
    assert "refused" in err and "56492" in err
    with open_store(week_store, read_only=True) as s:
        assert s.counts() == before


def test_store_errors_exit_2(tmp_path: Path) -> None:
    assert main(["runs", "--store", str(tmp_path / "absent.duckdb")]) == 2
    assert (
        main(["export", "--to", str(tmp_path / "x"), "--store", str(tmp_path / "absent.duckdb")])
        == 2
    )
    (tmp_path / "notes.txt").write_text("not an artefact")
    assert main(["ingest", str(tmp_path / "notes.txt"), "--store", str(tmp_path / "s.duckdb")]) == 2


def test_weekly_checks_changed_weeks_then_nothing(
    week_store: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = tmp_path / "reports"
    args = [
        "weekly",
        "--store",
        str(week_store),
        "--out-root",
        str(root),
        "--no-reports",
        "--no-progress",
    ]
    assert main(args) == 0
    folders = list(root.glob("*/SWANGEN_2024-12-01"))
    assert len(folders) == 1
    doc = json.loads((folders[0] / "findings.json").read_text())
    assert doc["counts"] == {"error": 0, "warning": 0, "info": 0}
    capsys.readouterr()
    assert main(args) == 0  # nothing ingested since: nothing to check
    assert "Nothing to check" in capsys.readouterr().err
    assert main([*args, "--week", "2024-12-01"]) == 0
    assert main([*args, "--week", "2024-12-01", "--since", "2024-12-01"]) == 2
    with open_store(week_store, read_only=True) as s:
        assert s.scalar("SELECT count(*) FROM weekly_runs") == 3


def test_weekly_ingests_an_inbox_and_reports_errors(
    tmp_path: Path, sample: Path, sample_files: Any
) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    src = sample / "csv" / "SWANGEN_51230_INITIAL_SettlementStatementSummary.csv"
    (inbox / src.name).write_bytes(src.read_bytes())
    inv = json.loads((sample / "json" / "SWANGEN_51230_INITIAL_Invoice.json").read_text())
    inv["data"]["data"][0]["lineItems"][0]["amount"] = "1.00"
    (inbox / "invoice.json").write_text(json.dumps(inv))
    store = tmp_path / "s.duckdb"
    root = tmp_path / "reports"
    assert (
        main(
            [
                "weekly",
                str(inbox),
                "--store",
                str(store),
                "--out-root",
                str(root),
                "--no-reports",
                "--no-progress",
            ]
        )
        == 1
    )
    doc = json.loads(next(root.glob("*/SWANGEN_2024-12-01/findings.json")).read_text())
    assert doc["counts"]["error"] > 0


def test_weekly_fetches_from_pass_ingests_and_checks(
    tmp_path: Path,
    sample: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """With PaSS configured, weekly downloads the new run over mutual TLS, ingests it and
    checks its week; the next weekly finds the run held and downloads nothing."""
    from emulator_testing import write_test_pki

    from recon.emulator import PassEmulator

    pki = write_test_pki(tmp_path / "pki")
    served = tmp_path / "served"
    served.mkdir()
    for name in (
        "csv/SWANGEN_51230_INITIAL_SettlementStatementSummary.csv",
        "csv/SWANGEN_51230_INITIAL_SettlementStatementDetail.zip",
        "json/SWANGEN_51230_INITIAL_Invoice.json",
    ):
        (served / Path(name).name).write_bytes((sample / name).read_bytes())
    store = tmp_path / "s.duckdb"
    args = [
        "weekly",
        "--store",
        str(store),
        "--out-root",
        str(tmp_path / "reports"),
        "--download-dir",
        str(tmp_path / "pass"),
        "--week",
        "2024-12-01",
        "--no-reports",
        "--no-progress",
    ]
    with PassEmulator(served, pki.server_cert, pki.server_key, pki.ca) as emu:
        for name, value in (
            ("RECON_PASS_URL", emu.url),
            ("RECON_PASS_CERT", pki.client_cert),
            ("RECON_PASS_KEY", pki.client_key),
            ("RECON_PASS_CA", pki.ca),
            ("RECON_PARTICIPANT", "SWANGEN"),
        ):
            monkeypatch.setenv(name, str(value))
        assert main(args) == 0
        first = len(emu.requests)
        assert main(args) == 0
        assert len(emu.requests) == first + 1  # the timeline only: the run is held
    assert "1 run(s) fetched" in capsys.readouterr().err
    fetched = list((tmp_path / "pass" / "SWANGEN" / "2024-12-01").iterdir())
    assert any(p.name.startswith("51230_summary_") for p in fetched)
    with open_store(store, read_only=True) as s:
        assert s.rows("SELECT run_id, designation FROM runs") == [(51230, "INITIAL")]
        kinds = {r[0] for r in s.rows("SELECT kind FROM files")}
    assert kinds == {"summary_json", "detail_json", "invoice_json"}
    assert list((tmp_path / "reports").glob("*/SWANGEN_2024-12-01/findings.json"))


def _check_args(out: Path, *extra: str) -> list[str]:
    return ["check", *extra, "--out", str(out), "--no-reports", "--no-progress"]


def test_check_store_spelling(
    week_store: Path,
    sample_files: Any,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """``recon check --store PATH`` as every command spells it (SPEC §6); ``--store`` alone
    means $RECON_STORE, else the default; the old ``--store-path`` is gone (a usage error)."""
    out = tmp_path / "out"
    adj2 = [str(p) for p in sample_files("56492")]

    def runs_checked() -> list[int]:
        doc = json.loads((out / "result.json").read_text())
        return sorted(r["run_id"] for r in doc["runs"])

    assert main(_check_args(out, "--store", str(week_store), "--week", "2024-12-01")) == 0
    assert runs_checked() == [51230, 53874, 56492]
    assert main(_check_args(out, *adj2, "--store", str(week_store))) == 0
    assert runs_checked() == [51230, 53874, 56492]
    assert main(_check_args(out, f"--store={week_store}", *adj2)) == 0
    assert main(_check_args(out, "--store-path", str(week_store), "--week", "2024-12-01")) == 2

    # --store without PATH: $RECON_STORE, else the default store (here: none there yet)
    monkeypatch.setenv("RECON_STORE", str(week_store))
    assert main(_check_args(out, "--store", "--week", "2024-12-01")) == 0
    assert runs_checked() == [51230, 53874, 56492]
    assert main(_check_args(out, *adj2, "--store")) == 0
    monkeypatch.delenv("RECON_STORE")
    capsys.readouterr()
    assert main(_check_args(out, *adj2, "--store")) == 2
    err = capsys.readouterr().err
    assert f"no store at {default_store_path()}" in err

    # without --store, $RECON_STORE is not read: the files alone are checked
    monkeypatch.setenv("RECON_STORE", str(week_store))
    assert main(_check_args(out, *adj2)) == 0
    assert runs_checked() == [56492]


@pytest.mark.parametrize(
    ("name", "content", "says"),
    [
        ("s.sqlite", None, "is a SQLite database, not a recon store"),
        ("garbage.duckdb", b"\x00garbage\xff" * 500, "not a DuckDB database"),
        ("empty.duckdb", b"", "not a DuckDB database"),
        ("other.duckdb", None, "without recon's schema"),
        ("newer.duckdb", None, "newer than this recon's"),
    ],
)
@pytest.mark.parametrize("command", ["check", "ingest", "runs", "export"])
def test_a_file_that_is_not_a_recon_store_is_refused(
    name: str,
    content: bytes | None,
    says: str,
    command: str,
    tmp_path: Path,
    sample: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    import sqlite3

    import duckdb

    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    elif name.endswith(".sqlite"):
        con = sqlite3.connect(path)
        con.execute("CREATE TABLE t (x)")
        con.commit()
        con.close()
    elif name == "other.duckdb":
        with duckdb.connect(str(path)) as con:
            con.execute("CREATE TABLE t (x INTEGER)")
    else:
        with open_store(path) as store:
            store.con.execute("INSERT INTO schema_version VALUES (999, 'future', now())")
    before = path.read_bytes()
    summary = str(next((sample / "csv").glob("*_51230_*Summary.csv")))
    args = {
        "check": _check_args(tmp_path / "out", summary, "--store", str(path)),
        "ingest": ["ingest", summary, "--store", str(path), "--no-progress"],
        "runs": ["runs", "--store", str(path)],
        "export": ["export", "--to", str(tmp_path / "lake"), "--store", str(path)],
    }[command]
    capsys.readouterr()
    assert main(args) == 2
    err = capsys.readouterr().err
    assert says in err.replace("\n", " ")
    assert len(err.strip().splitlines()) == 1, err
    assert path.read_bytes() == before
    assert not (tmp_path / "out" / "findings.json").exists()


def test_duckdb_never_loads_an_extension(tmp_path: Path) -> None:
    with open_store(tmp_path / "s.duckdb") as store:
        settings = store.rows(
            "SELECT current_setting('autoinstall_known_extensions'), "
            "current_setting('autoload_known_extensions')"
        )
        assert settings == [(False, False)]
