"""Recording checks (schema 2), the migration from schema 1, and what a run covers.

The issue register built from the recorded checks is tested in ``test_register.py``."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pytest

from recon.errors import StoreError
from recon.models.results import CheckResult, RunInfo
from recon.store import db
from recon.store.db import Store
from recon.store.history import RunCover, covers, issue_key, record_check

from .recorded import PERIOD, T0, WEEK, P, make_finding, make_result


@pytest.fixture
def store(tmp_path: Path) -> Store:
    with Store.open(tmp_path / "s.duckdb") as s:
        yield s


# ------------------------------------------------------------------------------ schema


def test_a_schema_1_store_is_migrated_and_keeps_its_data(tmp_path: Path) -> None:
    path = tmp_path / "v1.duckdb"
    con = duckdb.connect(str(path))
    con.execute(
        "CREATE TABLE schema_version (version INTEGER NOT NULL, description VARCHAR NOT NULL, "
        "applied_at_utc TIMESTAMP NOT NULL)"
    )
    for sql in db.MIGRATIONS[0].statements:
        con.execute(sql)
    con.execute("INSERT INTO schema_version VALUES (1, 'v1', now()::TIMESTAMP)")
    con.execute(
        "INSERT INTO runs VALUES ('SWANGEN', 'TW 15 Dec 2024', DATE '2024-12-15', 100, "
        "'INITIAL', NULL, 'WEM', NULL, NULL, now()::TIMESTAMP)"
    )
    con.close()
    with Store.open(path, read_only=True) as s:  # a reader migrates first
        assert s.schema_version == db.SCHEMA_VERSION == 2
        assert s.scalar("SELECT count(*) FROM runs") == 1
        assert s.counts()["checks"] == 0
    with Store.open(path) as s:
        record_check(s, make_result(["INITIAL"], [], T0))
        assert s.counts()["checks"] == 1


def test_a_check_is_recorded_whole_or_not_at_all(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    from recon.store import history

    good = make_result(["INITIAL"], [make_finding("INITIAL", "summary_detail.value", "A_P_D")], T0)
    real = history._rows

    def broken(result: CheckResult):  # type: ignore[no-untyped-def]
        checks, runs, findings = real(result)
        findings[0][4] = None  # check_name is NOT NULL: the last insert fails
        return checks, runs, findings

    monkeypatch.setattr(history, "_rows", broken)
    with pytest.raises(StoreError, match="cannot record the check"):
        record_check(store, good)
    assert {t: store.counts()[t] for t in ("checks", "check_runs", "check_findings")} == {
        "checks": 0,
        "check_runs": 0,
        "check_findings": 0,
    }
    monkeypatch.setattr(history, "_rows", real)
    cid = record_check(store, good)
    assert store.rows("SELECT check_id, run_ids, errors FROM checks") == [(cid, [100], 1)]
    assert store.scalar("SELECT issue_key FROM check_findings") == issue_key(
        P, WEEK, "summary_detail.value", "A_P_D", None, None, None
    )


def test_every_week_of_a_check_gets_its_row_and_inputs(store: Store) -> None:
    from recon.models.results import InputRecord

    other = "TW 22 Dec 2024"
    result = make_result(["INITIAL"], [], T0)
    result.runs.append(RunInfo(participant=P, period=other, run_id=150, designation="INITIAL"))
    result.inputs = [
        InputRecord(path="a", sha256="a" * 64, kind="summary_csv", participant=P, period=PERIOD),
        InputRecord(path="b", sha256="b" * 64, kind="summary_csv", participant=P, period=other),
    ]
    record_check(store, result)
    rows = store.rows("SELECT week, run_ids, inputs_sha256 FROM checks ORDER BY week")
    assert rows == [
        (WEEK, [100], ["a" * 64]),
        (date(2024, 12, 22), [150], ["b" * 64]),
    ]


# ------------------------------------------------------------------------------ register


def test_coverage_decides_what_can_resolve() -> None:
    def run(**kw: object) -> RunCover:
        base: dict[str, object] = {
            "run_id": 1,
            "designation": "ADJ1",
            "summary": True,
            "detail_days": 7,
            "period_days": 7,
            "invoice_json": True,
            "invoice_pdf": False,
            "previous_run": True,
            "artefacts": frozenset({"summary_csv", "detail_zip", "invoice_json"}),
        }
        base.update(kw)
        return RunCover(**base)  # type: ignore[arg-type]

    both = frozenset({"summary_csv", "summary_json", "detail_zip", "detail_json"})
    assert not covers("source.mismatch", "X_P_D", None, run())  # no Summary JSON
    assert covers("source.mismatch", "X_P_D", None, run(artefacts=both))
    assert covers("source.mismatch", "RTP_G_I", "Global", run(artefacts=both))
    assert not covers("source.mismatch", "RTP_G_I", "Global", run())
    assert not covers("summary_detail.value", "X_P_D", P, run(detail_days=3))
    assert covers("summary_detail.value", "X_P_D", P, run())
    assert not covers("invoice.line", "X_P_D", None, run(invoice_json=False))
    assert not covers("invoice.pdf_json", None, None, run())
    assert covers("invoice.pdf_json", None, None, run(invoice_pdf=True))
    assert not covers("adjustment.chain", None, None, run(previous_run=False))
    assert not covers("adjustment.chain", None, None, run(designation="INITIAL"))
    assert covers("adjustment.previous_missing", None, None, run(previous_run=False))
    assert not covers("data.value", "RTP_G_I", "Global", run(detail_days=0))
    assert covers("data.value", "X_P_D", None, run(detail_days=0))
