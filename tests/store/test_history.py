"""Recording checks, the migration from schema 1, and what a run covers (its grounds).

The issue register built from the recorded checks is tested in ``test_register.py``."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import duckdb
import pytest
from builders.results import PERIOD, T0, WEEK, P, make_finding, make_result

from recon.errors import StoreError
from recon.models.results import CheckResult, RunInfo
from recon.store import db
from recon.store.db import Store
from recon.store.grounds import RunGrounds, ground_of, run_tokens
from recon.store.history import issue_id, issue_key, record_check


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
        assert s.schema_version == db.SCHEMA_VERSION == 4
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


def _tokens(**kw: object) -> frozenset[str]:
    base: dict[str, object] = {
        "run_id": 1,
        "designation": "ADJ1",
        "published_at": None,
        "kinds": frozenset({"summary_csv", "detail_zip", "invoice_json"}),
        "summary": True,
        "invoice_json": True,
        "invoice_pdf": False,
        "previous_run": True,
        "detail_forms": {"csv": [WEEK + timedelta(days=i) for i in range(7)]},
        "detail_days": 7,
        "period_days": 7,
    }
    base.update(kw)
    return frozenset(run_tokens(RunGrounds(**base), WEEK))  # type: ignore[arg-type]


def _ground(check: str, **kw: object):  # type: ignore[no-untyped-def]
    return ground_of(check, week=WEEK, run_id=1, **kw)  # type: ignore[arg-type]


def test_grounds_decide_what_a_run_covers() -> None:
    day = "2024-12-17"
    one_day = {"csv": [date(2024, 12, 16)]}
    both = frozenset({"summary_csv", "summary_json", "detail_zip", "detail_json"})
    all_days = [WEEK + timedelta(days=i) for i in range(7)]
    two_forms = {"csv": all_days, "json": all_days[:2]}
    mismatch = _ground("source.mismatch", variable="X_P_D", timestamp=day)
    assert not mismatch.covered_by(_tokens())  # no Summary JSON
    assert mismatch.covered_by(_tokens(kinds=both))
    detail_mismatch = _ground(
        "source.mismatch", variable="RTP_G_I", scope="Global", timestamp="2024-12-16"
    )
    assert detail_mismatch.covered_by(_tokens(kinds=both, detail_forms=two_forms))
    later = _ground("source.mismatch", variable="RTP_G_I", scope="Global", timestamp=day)
    assert not later.covered_by(_tokens(kinds=both, detail_forms=two_forms))  # no JSON that day
    sd = _ground("summary_detail.value", variable="X_P_D", scope=P, timestamp=day)
    assert sd.covered_by(_tokens())
    assert not sd.covered_by(_tokens(detail_forms=one_day, detail_days=1))
    assert not sd.covered_by(_tokens(detail_forms=None, detail_days=3))  # which days: unknown
    assert sd.covered_by(_tokens(detail_forms=None, detail_days=7))  # every day, one form
    own = _ground(
        "own.value", variable="MSQ_F_I", scope="X", interval_start="2024-12-18T07:30:00+08:00"
    )
    assert own.needs == {"own:MSQ_F_I:2024-12-17"}  # 07:30 belongs to the Trading Day before
    line = _ground("invoice.line", variable="X_P_D", source="i.json#/data/0/lineItems/3")
    assert line.bound and line.covered_by(_tokens())
    assert not line.covered_by(_tokens(invoice_json=False))
    assert not line.covered_by(_tokens(invoice_json=False, invoice_pdf=True))  # the JSON's
    pdf_json = _ground("invoice.pdf_json")
    assert not pdf_json.covered_by(_tokens())
    assert pdf_json.covered_by(_tokens(invoice_pdf=True))
    chain = _ground("adjustment.chain")
    assert not chain.covered_by(_tokens(previous_run=False))
    assert not chain.covered_by(_tokens(designation="INITIAL"))
    assert _ground("adjustment.previous_missing").covered_by(_tokens(previous_run=False))
    detail_value = _ground("data.value", variable="RTP_G_I", scope="Global", timestamp=day)
    assert not detail_value.covered_by(_tokens(detail_forms={}, detail_days=0))
    assert _ground("data.value", variable="X_P_D", source="s.csv:4").covered_by(
        _tokens(detail_forms={}, detail_days=0)
    )
    assert ground_of("coverage.unread", week=WEEK, run_id=None).runless


def test_issue_keys_name_the_figure_and_ids_are_short_and_stable() -> None:
    rcti = issue_key(P, WEEK, "invoice.total", None, None, None, None, "RCTI Total")
    tax = issue_key(P, WEEK, "invoice.total", None, None, None, None, "Tax Invoice Total")
    assert rcti != tax and rcti.endswith("|RCTI Total")
    assert issue_key(P, WEEK, "x", None, None, None, None).count("|") == 7
    assert issue_id(rcti) == issue_id(rcti) != issue_id(tax)
    assert len(issue_id(rcti)) == 10 and int(issue_id(rcti), 16) >= 0
