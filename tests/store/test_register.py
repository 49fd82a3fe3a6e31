"""store/register: the issue register and the audit, from checks recorded by hand
(``recorded.py``) and from a real check of the planted week."""

from __future__ import annotations

import json
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from builders.results import PERIOD, T0, WEEK, P, make_finding, make_result
from paths import FIXTURES

import recon
from recon.errors import UsageError
from recon.models.findings import Finding
from recon.store.db import Store
from recon.store.history import record_check
from recon.store.register import (
    audit,
    build_register,
    date_range,
    financial_year,
    findings_of,
    issue_changes,
)

PLANTED = FIXTURES / "planted_week"


@pytest.fixture
def store(tmp_path: Path) -> Store:
    with Store.open(tmp_path / "s.duckdb") as s:
        yield s


def test_an_uncovering_run_neither_keeps_open_nor_resolves(store: Store) -> None:
    """B is a CSV-vs-JSON mismatch in INITIAL; ADJ1 comes without a JSON Summary, ADJ2
    with one: B stays open after ADJ1 (last run still INITIAL) and ADJ2 resolves it."""
    b = make_finding("INITIAL", "source.mismatch", "B_P_D", timestamp="2024-12-18")
    no_json = {"ADJ1": ["summary_csv", "detail_zip", "invoice_json"]}
    record_check(store, make_result(["INITIAL"], [b], T0))
    record_check(
        store, make_result(["INITIAL", "ADJ1"], [b], T0 + timedelta(days=60), artefacts=no_json)
    )
    [issue] = build_register(store)
    assert (issue.status, issue.first_run_id, issue.last_run_id) == ("open", 100, 100)
    t2 = T0 + timedelta(days=150)
    record_check(store, make_result(["INITIAL", "ADJ1", "ADJ2"], [b], t2, artefacts=no_json))
    [issue] = build_register(store)
    assert (issue.status, issue.resolved_by_run_id) == ("resolved", 300)
    assert issue.resolved_at == t2.replace(tzinfo=None)
    assert issue.first_seen_at == issue.last_seen_at == T0.replace(tzinfo=None)


def test_a_later_run_yielding_it_again_reopens_and_rechecks_change_nothing(store: Store) -> None:
    a1 = make_finding("INITIAL", "summary_detail.value", "A_P_D", scope=P, timestamp="2024-12-17")
    a3 = make_finding("ADJ2", "summary_detail.value", "A_P_D", scope=P, timestamp="2024-12-17")
    record_check(store, make_result(["INITIAL", "ADJ1"], [a1], T0))
    [issue] = build_register(store)
    assert (issue.status, issue.resolved_by_run_id, issue.resolved_by_designation) == (
        "resolved",
        200,
        "ADJ1",
    )
    t1 = T0 + timedelta(days=1)
    record_check(store, make_result(["INITIAL", "ADJ1", "ADJ2"], [a1, a3], t1))
    [issue] = build_register(store)
    assert (issue.status, issue.last_run_id, issue.last_designation) == ("open", 300, "ADJ2")
    assert issue.last_seen_at == t1.replace(tzinfo=None)
    before = [i.document() for i in build_register(store)]
    record_check(store, make_result(["INITIAL", "ADJ1", "ADJ2"], [a1, a3], T0 + timedelta(days=9)))
    assert [i.document() for i in build_register(store)] == before
    assert store.scalar("SELECT count(DISTINCT check_id) FROM checks") == 3


def test_a_finding_about_no_run_follows_the_checks(store: Store) -> None:
    unread = Finding.make("coverage.unread", "x.csv cannot be read.", participant=P, period=PERIOD)
    record_check(store, make_result(["INITIAL"], [unread], T0))
    [issue] = build_register(store)
    assert issue.is_open and issue.first_run_id is None
    later = T0 + timedelta(days=1)
    record_check(store, make_result(["INITIAL", "ADJ1"], [], later))
    [issue] = build_register(store)
    assert (issue.status, issue.resolved_by_run_id) == ("resolved", 200)
    opened, resolved = issue_changes([issue], T0.replace(tzinfo=None))
    assert (opened, [i.key for i in resolved]) == ([], [issue.key])


def test_audit_reads_chains_and_exit_status(store: Store) -> None:
    d = make_finding("INITIAL", "summary_detail.value", "D_P_D", scope=P, timestamp="2024-12-20")
    w = make_finding("INITIAL", "summary_detail.missing", "W_P_D", scope=P)
    record_check(store, make_result(["INITIAL"], [d, w], T0))
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
    assert date_range(None, None, 2025) == (date(2024, 7, 1), date(2025, 6, 30))
    assert date_range(None, None, "2024-25") == (date(2024, 7, 1), date(2025, 6, 30))
    assert date_range("2024-10-01", "2024-12-31") == (date(2024, 10, 1), date(2024, 12, 31))
    for bad in (("2024-12-31", "2024-10-01", None), (None, None, None), ("x", "2024-12-31", None)):
        with pytest.raises(UsageError):
            date_range(*bad)
    with pytest.raises(UsageError):
        date_range("2024-10-01", "2024-12-31", 2024)


def test_financial_year_is_the_year_ending_30_june_or_a_span() -> None:
    """SPEC §8: ``--fy 2024-25`` and ``--fy 2025`` are the same year, 1 July 2024 to
    30 June 2025 (an Australian reads FY2025 as the year ending June 2025)."""
    want = (date(2024, 7, 1), date(2025, 6, 30))
    for text in ("2024-25", "2024-2025", "2025", "FY2025", " 2024-25 ", 2025):
        assert financial_year(text) == want, text
    assert financial_year("1999-00") == (date(1999, 7, 1), date(2000, 6, 30))
    for bad in ("2024-26", "2024-24", "25", "twenty", "2024-25-26", ""):
        with pytest.raises(UsageError):
            financial_year(bad)


def test_the_planted_week_recorded_gives_its_issues_and_audit(store: Store) -> None:
    expected = json.loads((PLANTED / "expected_findings.json").read_text())
    checked = recon.check(PLANTED, materiality=Decimal(expected["materiality"]))
    record_check(store, checked)
    issues = build_register(store)
    assert {i.check for i in issues} == {f.check for f in checked.findings}
    keys = {(i.check, i.participant, i.variable) for i in issues}
    for f in expected["findings"]:
        assert (f["check"], f["participant"], f["variable"]) in keys, f["id"]
    check_id = store.scalar("SELECT max(check_id) FROM checks")
    recorded = findings_of(store, check_id)
    assert sorted(f.model_dump_json() for f in recorded) == sorted(
        f.model_dump_json() for f in checked.findings
    )
    got = audit(store, date(2024, 11, 1), date(2024, 12, 31))
    assert got.exit_code == 1
    assert sorted((w.participant, w.week) for w in got.weeks) == [
        ("PLANTCO", date(2024, 11, 24)),
        ("PLANTCO", date(2024, 12, 1)),
        ("PLANTCO", date(2024, 12, 8)),
        ("SWANGEN", date(2024, 12, 1)),
    ]
    assert all(i.is_open and i.severity == "error" for i in got.open_errors)
