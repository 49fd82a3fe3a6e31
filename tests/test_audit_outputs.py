"""Outputs and the history agree (issue 22): a check is recorded only together with its
written output set, or as "outputs not written"; ``recon audit`` replaces audit.json,
audit.xlsx and audit.html as one set, so an interrupted audit leaves the earlier set whole.

The week is ``fixtures/history_adj``'s INITIAL (written by the fixture generator).
"""

from __future__ import annotations

import json
import os
import signal
import time
from pathlib import Path
from typing import Any

import pytest
from paths import FIXTURES, REPO

from recon.cli.main import main
from recon.errors import OutputError
from recon.store.db import Store

INITIAL = FIXTURES / "history_adj" / "SWANGEN_2024-12-15" / "1_INITIAL"
ADJ1 = REPO / "fixtures" / "history_adj" / "SWANGEN_2024-12-15" / "2_ADJ1"
WEEK = "2024-12-15"
AUDIT_SET = ("audit.html", "audit.json", "audit.xlsx")


@pytest.fixture
def store(tmp_path: Path) -> Path:
    path = tmp_path / "s.duckdb"
    assert main(["ingest", str(INITIAL), "--store", str(path), "--no-progress"]) == 0
    return path


def _check(store: Path, out: Path) -> int:
    return main(
        ["check", "--store", str(store), "--week", WEEK, "--out", str(out), "--no-progress"]
    )


def _recorded(store: Path) -> list[tuple[Any, ...]]:
    with Store.open(store, read_only=True) as s:
        return s.rows("SELECT check_id, outputs, out_dir FROM checks ORDER BY check_id")


def test_a_check_whose_reports_cannot_be_written_is_recorded_as_outputs_not_written(
    store: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    good, bad = tmp_path / "good", tmp_path / "bad"
    assert _check(store, good) == 1
    import recon.report.html as html

    def broken(result: object, path: Path) -> Path:  # a crash while writing the reports
        raise OutputError(f"cannot write {path}: No space left on device")

    monkeypatch.setattr(html, "write_html", broken)
    assert _check(store, bad) == 2
    assert not bad.exists()  # nothing of the set was written
    rows = _recorded(store)
    assert [r[1] for r in rows] == ["written", "not written"]
    assert rows[0][2] == str(good.absolute()) and rows[1][2] == str(bad.absolute())
    out = tmp_path / "audit"
    assert main(["audit", "--store", str(store), "--from", WEEK, "--to", WEEK, "--out", str(out)])
    doc = json.loads((out / "audit.json").read_text())
    assert [c["outputs"] for c in doc["checks"]] == ["written", "not written"]


def test_recon_check_from_python_is_recorded_as_writing_no_outputs(store: Path) -> None:
    import recon

    recon.check(store=store, week=WEEK)
    assert [r[1:] for r in _recorded(store)] == [("none", None)]


def _audit(store: Path, out: Path) -> int:
    return main(["audit", "--store", str(store), "--from", WEEK, "--to", WEEK, "--out", str(out)])


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_a_signal_mid_audit_leaves_the_earlier_set_whole(
    store: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    sig: signal.Signals,
) -> None:
    out = tmp_path / "audit"
    assert _check(store, tmp_path / "c1") == 1
    assert _audit(store, out) == 1
    before = _snapshot(out)
    assert sorted(before) == list(AUDIT_SET)
    assert main(["ingest", str(ADJ1), "--store", str(store), "--no-progress"]) == 0
    assert _check(store, tmp_path / "c2") == 1  # the next audit differs from the first
    import recon.report.audit as report_audit

    real = report_audit.write_audit_html

    def interrupted(audit: object, path: Path) -> Path:  # the workbook is written by then
        assert (Path(path).parent / "audit.xlsx").is_file()
        real(audit, path)
        os.kill(os.getpid(), sig)
        time.sleep(1)
        raise AssertionError("the signal should have interrupted")

    monkeypatch.setattr(report_audit, "write_audit_html", interrupted)
    capsys.readouterr()
    code = _audit(store, out)
    err = capsys.readouterr().err
    assert code == (143 if sig == signal.SIGTERM else 130), err
    assert "Traceback" not in err
    assert _snapshot(out) == before  # not one new file beside the old ones
    assert sorted(os.listdir(tmp_path)) == ["audit", "c1", "c2", "s.duckdb"]  # no staging left
    monkeypatch.setattr(report_audit, "write_audit_html", real)
    assert _audit(store, out) == 1
    after = _snapshot(out)
    assert sorted(after) == list(AUDIT_SET)
    assert all(after[n] != before[n] for n in AUDIT_SET)  # the new set, whole


def test_audit_without_reports_replaces_the_set_with_audit_json_alone(
    store: Path, tmp_path: Path
) -> None:
    out = tmp_path / "audit"
    assert _check(store, tmp_path / "c1") == 1
    assert _audit(store, out) == 1
    (out / "notes.txt").write_text("mine")
    args = ["audit", "--store", str(store), "--from", WEEK, "--to", WEEK, "--out", str(out)]
    assert main([*args, "--no-reports"]) == 1
    assert sorted(os.listdir(out)) == ["audit.json", "notes.txt"]
