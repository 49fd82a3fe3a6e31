"""``recon weekly`` feeds the history: each week's check recorded, issues opened and resolved
since the last weekly run printed after the verdict; the audit never reads a statement value."""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

import pytest
from isolation import isolate
from paths import FIXTURES

from recon.cli.main import main
from recon.store.db import Store
from recon.store.register import audit

WALK = FIXTURES / "history_adj"


@pytest.fixture(autouse=True)
def _isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    isolate(monkeypatch, tmp_path)


def test_weekly_records_each_check_and_prints_what_changed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    expected = WALK / "expected_register.json"
    steps = json.loads(expected.read_text(encoding="utf-8"))["steps"]
    store = tmp_path / "s.duckdb"
    said = []
    for step in steps:
        inbox = tmp_path / "inbox" / Path(step["folder"]).name
        shutil.copytree(WALK / step["folder"], inbox)
        args = ["weekly", str(inbox), "--store", str(store), "--no-fetch", "--no-progress"]
        args += ["--no-reports", "--out-root", str(tmp_path / "out")]
        capsys.readouterr()
        assert main(args) == 1  # D is an error finding in every step
        said.append(" ".join(capsys.readouterr().err.split()))
    assert "Issues so far: 4 opened, 0 resolved." in said[0]
    assert ": 0 opened, 1 resolved." in said[1]  # A, fixed by ADJ1
    assert ": 0 opened, 2 resolved." in said[2]  # B and C, fixed by ADJ2
    with Store.open(store, read_only=True) as s:
        assert s.rows("SELECT DISTINCT command FROM checks") == [("weekly",)]
        assert s.scalar("SELECT count(*) FROM checks") == 3
        got = audit(s, date(2024, 12, 15), date(2024, 12, 15))

    # the key without its position: recon may give a Trading Day value position 1 or none
    def unpositioned(key: str) -> str:
        parts = key.split("|")
        return "|".join(parts[:6] + parts[7:])

    want = {unpositioned(i["key"]): i["status"] for i in steps[-1]["issues"]}
    assert {unpositioned(i.key): i.status for i in got.issues} == want


def test_the_audit_reads_no_summary_or_detail_value(tmp_path: Path) -> None:
    """The audit reads runs, invoice totals and recorded checks only: with the statement
    value tables gone it reports the same."""
    first = WALK / "SWANGEN_2024-12-15" / "1_INITIAL"
    store = tmp_path / "s.duckdb"
    assert main(["ingest", str(first), "--store", str(store), "--no-progress"]) == 0
    args = ["weekly", "--store", str(store), "--no-fetch", "--no-progress", "--no-reports"]
    assert main([*args, "--out-root", str(tmp_path / "out")]) == 1
    week = date(2024, 12, 15)
    with Store.open(store, read_only=True) as s:
        before = audit(s, week, week).document()
    with Store.open(store) as s:  # emptied, not dropped: a store missing a table is refused
        s.con.execute("DELETE FROM detail_values")
        s.con.execute("DELETE FROM summary_values")
    with Store.open(store, read_only=True) as s:
        after = audit(s, week, week).document()
    for doc in (before, after):
        doc.pop("generated_at")
    assert after == before
    assert len(after["issues"]) == 4 and after["weeks"][0]["runs"][0]["amount_due"]
