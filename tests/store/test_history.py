"""Recording checks (schema 2), the migration from schema 1, and the issue register's rules."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import duckdb
import pytest

from recon.errors import StoreError
from recon.models.findings import Finding
from recon.models.results import CheckResult, RunCoverage, RunInfo
from recon.store import db
from recon.store.db import Store
from recon.store.history import RunCover, covers, issue_key, record_check
from recon.store.register import audit, build_register, date_range, issue_changes

P = "SWANGEN"
WEEK = date(2024, 12, 15)
PERIOD = "TW 15 Dec 2024"
RUNS = {"INITIAL": 100, "ADJ1": 200, "ADJ2": 300}
PUBLISHED = {
    100: datetime(2025, 1, 2, 15, 30),
    200: datetime(2025, 3, 6),
    300: datetime(2025, 6, 5),
}
T0 = datetime(2025, 1, 3, tzinfo=UTC)


def _cov(designation: str, **kw: object) -> RunCoverage:
    base: dict[str, object] = {
        "participant": P,
        "period": PERIOD,
        "run_id": RUNS[designation],
        "designation": designation,
        "summary": True,
        "detail_days": 7,
        "invoice_json": True,
        "previous_run": None if designation == "INITIAL" else True,
    }
    base.update(kw)
    return RunCoverage(**base)  # type: ignore[arg-type]


def _info(designation: str, artefacts: list[str] | None = None) -> RunInfo:
    run_id = RUNS[designation]
    return RunInfo(
        participant=P,
        period=PERIOD,
        run_id=run_id,
        designation=designation,
        published_at=PUBLISHED[run_id],
        artefacts=artefacts or ["summary_csv", "summary_json", "detail_zip", "invoice_json"],
    )


def _finding(designation: str | None, check: str, variable: str, **kw: object) -> Finding:
    fields: dict[str, object] = {"participant": P, "period": PERIOD, "variable": variable}
    if designation:
        fields.update(run_id=RUNS[designation], designation=designation)
    fields.update(kw)
    return Finding.make(check, f"{variable} differs.", **fields)


def _result(
    runs: list[str],
    findings: list[Finding],
    at: datetime,
    *,
    artefacts: dict[str, list[str]] | None = None,
    coverage: dict[str, RunCoverage] | None = None,
) -> CheckResult:
    artefacts = artefacts or {}
    coverage = coverage or {}
    return CheckResult(
        generated_at=at,
        runs=[_info(d, artefacts.get(d)) for d in runs],
        coverage=[coverage.get(d) or _cov(d) for d in runs],
        findings=findings,
    )


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
        record_check(s, _result(["INITIAL"], [], T0))
        assert s.counts()["checks"] == 1


def test_a_check_is_recorded_whole_or_not_at_all(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    from recon.store import history

    good = _result(["INITIAL"], [_finding("INITIAL", "summary_detail.value", "A_P_D")], T0)
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
    result = _result(["INITIAL"], [], T0)
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


def test_an_uncovering_run_neither_keeps_open_nor_resolves(store: Store) -> None:
    """B is a CSV-vs-JSON mismatch in INITIAL; ADJ1 comes without a JSON Summary, ADJ2
    with one: B stays open after ADJ1 (last run still INITIAL) and ADJ2 resolves it."""
    b = _finding("INITIAL", "source.mismatch", "B_P_D", timestamp="2024-12-18")
    no_json = {"ADJ1": ["summary_csv", "detail_zip", "invoice_json"]}
    record_check(store, _result(["INITIAL"], [b], T0))
    record_check(
        store, _result(["INITIAL", "ADJ1"], [b], T0 + timedelta(days=60), artefacts=no_json)
    )
    [issue] = build_register(store)
    assert (issue.status, issue.first_run_id, issue.last_run_id) == ("open", 100, 100)
    t2 = T0 + timedelta(days=150)
    record_check(store, _result(["INITIAL", "ADJ1", "ADJ2"], [b], t2, artefacts=no_json))
    [issue] = build_register(store)
    assert (issue.status, issue.resolved_by_run_id) == ("resolved", 300)
    assert issue.resolved_at == t2.replace(tzinfo=None)
    assert issue.first_seen_at == issue.last_seen_at == T0.replace(tzinfo=None)


def test_a_later_run_yielding_it_again_reopens_and_rechecks_change_nothing(store: Store) -> None:
    a1 = _finding("INITIAL", "summary_detail.value", "A_P_D", scope=P, timestamp="2024-12-17")
    a3 = _finding("ADJ2", "summary_detail.value", "A_P_D", scope=P, timestamp="2024-12-17")
    record_check(store, _result(["INITIAL", "ADJ1"], [a1], T0))
    [issue] = build_register(store)
    assert (issue.status, issue.resolved_by_run_id, issue.resolved_by_designation) == (
        "resolved",
        200,
        "ADJ1",
    )
    t1 = T0 + timedelta(days=1)
    record_check(store, _result(["INITIAL", "ADJ1", "ADJ2"], [a1, a3], t1))
    [issue] = build_register(store)
    assert (issue.status, issue.last_run_id, issue.last_designation) == ("open", 300, "ADJ2")
    assert issue.last_seen_at == t1.replace(tzinfo=None)
    before = [i.document() for i in build_register(store)]
    record_check(store, _result(["INITIAL", "ADJ1", "ADJ2"], [a1, a3], T0 + timedelta(days=9)))
    assert [i.document() for i in build_register(store)] == before
    assert store.scalar("SELECT count(DISTINCT check_id) FROM checks") == 3


def test_a_finding_about_no_run_follows_the_checks(store: Store) -> None:
    unread = Finding.make("coverage.unread", "x.csv cannot be read.", participant=P, period=PERIOD)
    record_check(store, _result(["INITIAL"], [unread], T0))
    [issue] = build_register(store)
    assert issue.is_open and issue.first_run_id is None
    later = T0 + timedelta(days=1)
    record_check(store, _result(["INITIAL", "ADJ1"], [], later))
    [issue] = build_register(store)
    assert (issue.status, issue.resolved_by_run_id) == ("resolved", 200)
    opened, resolved = issue_changes([issue], T0.replace(tzinfo=None))
    assert (opened, [i.key for i in resolved]) == ([], [issue.key])


def test_audit_reads_chains_and_exit_status(store: Store) -> None:
    d = _finding("INITIAL", "summary_detail.value", "D_P_D", scope=P, timestamp="2024-12-20")
    w = _finding("INITIAL", "summary_detail.missing", "W_P_D", scope=P)
    record_check(store, _result(["INITIAL"], [d, w], T0))
    got = audit(store, date(2024, 12, 1), date(2024, 12, 31))
    assert [(x.participant, x.week, x.checked) for x in got.weeks] == [(P, WEEK, 1)]
    assert [r.run_id for r in got.weeks[0].runs] == [100]
    assert got.exit_code == 1 and [i.variable for i in got.open_errors] == ["D_P_D"]
    assert audit(store, date(2024, 12, 1), date(2024, 12, 14)).exit_code == 0
    assert audit(store, WEEK, WEEK, participant="OTHER").weeks == []
    frames = got.frames()
    assert list(frames) == ["weeks", "runs", "issues", "checks"]
    assert str(frames["runs"]["amount_due"].dtype).startswith("decimal128(23, 8)")
    assert frames["issues"]["status"].tolist() == ["open", "open"]


def test_date_range() -> None:
    from recon.errors import UsageError

    assert date_range(None, None, 2025) == (date(2025, 7, 1), date(2026, 6, 30))
    assert date_range("2024-10-01", "2024-12-31") == (date(2024, 10, 1), date(2024, 12, 31))
    for bad in (("2024-12-31", "2024-10-01", None), (None, None, None), ("x", "2024-12-31", None)):
        with pytest.raises(UsageError):
            date_range(*bad)
    with pytest.raises(UsageError):
        date_range("2024-10-01", "2024-12-31", 2024)
