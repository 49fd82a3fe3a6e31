"""A store written by recon at schema version 2 opens, is migrated in one transaction, and
its register is decided again under the rule of SPEC §8 (issue 22); a damaged store or an
older one that cannot be written is refused with one line.

``data/schema2.duckdb.gz`` was written by recon at schema version 2 (commit 622c2f8) from
the fixture generators' weeks (``data/make_schema2_store.py`` says how): the history_adj
walk-through, and a partial week whose ADJ1 holds two days of Detail, checked with your own
data. That recon's register called the partial week's own-data issues of the days ADJ1 does
not hold, its CSV-vs-JSON mismatch and its INITIAL invoice line "resolved by ADJ1", and its
five differing invoice totals one issue.
"""

from __future__ import annotations

import gzip
import json
import os
import shutil
from datetime import date
from pathlib import Path

import duckdb
import pytest
from paths import FIXTURES

from recon.cli.main import main
from recon.errors import StoreError
from recon.store import db
from recon.store.db import Store
from recon.store.register import build_register

DATA = Path(__file__).resolve().parent / "data"
WALK = FIXTURES / "history_adj" / "expected_register.json"
WALK_WEEK = date(2024, 12, 15)
PARTIAL_WEEK = date(2024, 12, 22)
INITIAL, ADJ1 = 52377, 55012
HISTORY_TABLES = ("checks", "check_runs", "check_findings", "files", "runs", "invoices")


@pytest.fixture
def old_store(tmp_path: Path) -> Path:
    """A private copy of the schema-2 store."""
    path = tmp_path / "old" / "recon.duckdb"
    path.parent.mkdir()
    with gzip.open(DATA / "schema2.duckdb.gz", "rb") as src, path.open("wb") as dst:
        shutil.copyfileobj(src, dst)
    return path


def _raw(path: Path, sql: str) -> list[tuple[object, ...]]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def _unpositioned(key: str) -> str:
    parts = key.split("|")
    return "|".join(parts[:6] + parts[7:])


def test_the_schema_2_store_is_what_recon_wrote_then(old_store: Path) -> None:
    assert _raw(old_store, "SELECT max(version) FROM schema_version") == [(2,)]
    keys = [k for (k,) in _raw(old_store, "SELECT issue_key FROM check_findings")]
    assert keys and all(k.count("|") == 6 for k in keys)  # seven parts: no figure


def test_it_is_migrated_and_keeps_every_recorded_check(old_store: Path) -> None:
    before = {t: _raw(old_store, f"SELECT count(*) FROM {t}")[0][0] for t in HISTORY_TABLES}
    checks_before = _raw(old_store, "SELECT * FROM checks ORDER BY check_id, participant")
    with Store.open(old_store) as store:
        assert store.schema_version == db.SCHEMA_VERSION == 4
        assert {t: store.counts()[t] for t in HISTORY_TABLES} == before
        assert [
            r[:11] for r in store.rows("SELECT * FROM checks ORDER BY check_id, participant")
        ] == [tuple(r) for r in checks_before]  # every column recorded before, as it was
        assert store.rows("SELECT DISTINCT outputs FROM checks") == [("unknown",)]
        keys = store.rows("SELECT issue_key, figure, check_name FROM check_findings")
        assert all(k.count("|") == 7 for k, _, _ in keys)  # eight parts: with the figure
        figures = {f for _, f, c in keys if c == "invoice.total"}
        assert None not in figures and len(figures) >= 5
        assert store.scalar("SELECT count(*) FROM check_runs WHERE grounds IS NULL") == 0
        adj1 = store.one(
            "SELECT grounds FROM check_runs WHERE run_id = ? ORDER BY check_id DESC", [ADJ1]
        )
        assert adj1 is not None
        grounds = set(adj1[0])  # the Detail days by form, from the files that check read
        assert {"detail:csv:2024-12-22", "detail:csv:2024-12-24", "detail:json:2024-12-22"} <= (
            grounds
        )
        assert "detail:json:2024-12-24" not in grounds and "detail:2024-12-23" not in grounds
        assert "own:MSQ_F_I:2024-12-22" in grounds and "own:MSQ_F_I:2024-12-23" not in grounds
        # opening again applies nothing
        assert store.scalar("SELECT count(*) FROM schema_version") == 4


def test_trading_day_findings_lose_the_position_recon_gave_them_then(old_store: Path) -> None:
    """Schema 2's recon gave a Trading Day finding (summary_detail.value on a _P_D
    variable) position 1 and a day-long interval; SPEC §5 keeps those for I and DI values,
    so the migrated finding, and its issue key, have none: a new check yields the same
    issue, never a new one beside an old one "resolved"."""
    before = _raw(
        old_store,
        "SELECT count(*) FROM check_findings WHERE variable LIKE '%!_D' ESCAPE '!' "
        "AND position IS NOT NULL",
    )
    assert before[0][0] > 0  # what the schema-2 store holds (this test is not vacuous)
    with Store.open(old_store) as store:
        rows = store.rows(
            "SELECT position, issue_key, finding FROM check_findings "
            "WHERE variable LIKE '%!_D' ESCAPE '!'"
        )
        interval = store.rows(
            "SELECT count(*) FROM check_findings WHERE variable LIKE '%!_I' ESCAPE '!' "
            "AND position IS NOT NULL"
        )
    assert rows
    for position, key, text in rows:
        doc = json.loads(text)
        assert position is None and key.split("|")[6] == ""
        assert (doc["position"], doc["interval_start"], doc["interval_end"]) == (None,) * 3
    assert interval[0][0] > 0  # Trading Interval findings keep theirs


def test_the_walk_through_register_is_unchanged(old_store: Path) -> None:
    expected = json.loads(WALK.read_text(encoding="utf-8"))["steps"][-1]["issues"]
    with Store.open(old_store) as store:
        got = build_register(store, start=WALK_WEEK, end=WALK_WEEK)
    want = {
        _unpositioned(i["key"]): (i["status"], i["first_run_id"], i["resolved_by_run_id"])
        for i in expected
    }
    assert {
        _unpositioned(i.key): (i.status, i.first_run_id, i.resolved_by_run_id) for i in got
    } == want


def test_the_partial_week_is_decided_again_under_the_new_rule(old_store: Path) -> None:
    with Store.open(old_store) as store:
        issues = build_register(store, start=PARTIAL_WEEK, end=PARTIAL_WEEK)
    own = {i.timestamp[:10]: i for i in issues if i.check == "own.value" and i.timestamp}
    assert (own["2024-12-22"].status, own["2024-12-22"].resolved_by_run_id) == ("resolved", ADJ1)
    for day in ("2024-12-23", "2024-12-25", "2024-12-26", "2024-12-27", "2024-12-28"):
        assert (own[day].status, own[day].last_run_id) == ("open", INITIAL), day
    assert (own["2024-12-24"].status, own["2024-12-24"].last_run_id) == ("open", ADJ1)
    [mismatch] = [i for i in issues if i.check == "source.mismatch"]
    [line] = [i for i in issues if i.check == "invoice.line"]
    assert mismatch.is_open and line.is_open
    totals = [i for i in issues if i.check == "invoice.total"]
    assert len(totals) >= 5 and len({i.figure for i in totals}) == len(totals)


def test_a_store_missing_a_table_is_one_line(
    old_store: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    Store.open(old_store).close()
    con = duckdb.connect(str(old_store))
    con.execute("DROP TABLE checks")
    con.close()
    with pytest.raises(StoreError, match=r"damaged: its table checks is missing"):
        Store.open(old_store, read_only=True)
    capsys.readouterr()
    code = main(["audit", "--store", str(old_store), "--fy", "2025", "--out", str(tmp_path / "a")])
    err = capsys.readouterr().err
    assert code == 2
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1 and str(old_store) in err and "checks" in err, err
    assert "internal error" not in err and "Catalog" not in err
    assert not (tmp_path / "a").exists()


def test_an_older_store_that_cannot_be_written_says_it_needs_migrating(
    old_store: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A read-only file (here: DuckDB refuses to open it for writing, as it does for a
    0444 file and a user who is not root) is not "Permission denied": it needs migrating,
    and the line says how. The store is left as it was."""
    real = duckdb.connect

    def connect(database: str, read_only: bool = False, **kw: object) -> duckdb.DuckDBPyConnection:
        if not read_only:
            raise duckdb.IOException(f'IO Error: Cannot open file "{database}": Permission denied')
        return real(database, read_only=read_only, **kw)

    monkeypatch.setattr(db.duckdb, "connect", connect)
    with pytest.raises(StoreError, match="needs migrating") as caught:
        Store.open(old_store, read_only=True)
    assert "schema version 2" in str(caught.value) and "recon runs --store" in str(caught.value)
    capsys.readouterr()
    code = main(["audit", "--store", str(old_store), "--fy", "2025", "--out", str(tmp_path / "a")])
    err = capsys.readouterr().err
    assert code == 2 and "needs migrating" in err and "Traceback" not in err, err
    monkeypatch.setattr(db.duckdb, "connect", real)
    assert _raw(old_store, "SELECT max(version) FROM schema_version") == [(2,)]


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write a read-only file")
def test_a_read_only_older_store_file_says_it_needs_migrating(old_store: Path) -> None:
    old_store.chmod(0o444)
    try:
        with pytest.raises(StoreError, match="needs migrating"):
            Store.open(old_store, read_only=True)
    finally:
        old_store.chmod(0o644)


def test_os_access_refusal_is_reported_before_opening(
    old_store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(db.os, "access", lambda path, mode: mode != os.W_OK)
    with pytest.raises(StoreError, match="needs migrating, which writes to it"):
        Store.open(old_store, read_only=True)
