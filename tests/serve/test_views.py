"""recon.serve.views: what each page shows, read from the walk-through store (SWANGEN's TW
15 Dec 2024 after INITIAL, ADJ1 and ADJ2; ``fixtures/history_adj/expected_register.json``
says what its register holds), the functions called directly. The pages over a running
server are in test_pages.py."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from paths import FIXTURES

from recon.serve import views
from recon.serve.access import Snapshot, reading
from recon.serve.config import ServeConfig
from recon.serve.issues import PAGE_SIZE, IssueFilter
from recon.store.db import Store

WEEK = date(2024, 12, 15)
EXPECTED = json.loads((FIXTURES / "history_adj" / "expected_register.json").read_text())
FINAL = {i["planted"]: i for i in EXPECTED["steps"][-1]["issues"]}


@pytest.fixture
def snap(walk_store: Path) -> Iterator[Snapshot]:
    with reading(ServeConfig(store=walk_store)) as s:
        yield s


def test_money_and_times_for_json() -> None:
    assert views.money(Decimal("-3154832.97000000")) == "-3154832.97000000"
    assert views.money(Decimal("1E+2")) == "100"
    assert views.money(None) is None
    assert views.utc_iso(datetime(2025, 1, 2, 3, 4, 5)) == "2025-01-02T03:04:05+00:00"
    eight = timezone(timedelta(hours=8))
    assert views.utc_iso(datetime(2025, 1, 2, 11, 4, tzinfo=eight)) == "2025-01-02T11:04:00+08:00"
    assert views.utc_iso(None) is None


def test_the_default_range_is_the_last_52_weeks_held() -> None:
    first, last = date(2023, 1, 1), date(2024, 12, 15)
    assert views.default_range((first, last)) == (date(2023, 12, 24), last)
    assert views.default_range((date(2024, 12, 1), last)) == (date(2024, 12, 1), last)
    assert views.default_range(None) == (None, None)


def test_the_dashboard_shows_the_weeks_chain_position_and_open_issues(snap: Snapshot) -> None:
    board = views.dashboard(snap, None, None, None)
    assert (board.start, board.end, board.held) == (WEEK, WEEK, (WEEK, WEEK))
    assert board.all_participants == ["SWANGEN"]
    (group,) = board.groups
    assert group.participant == "SWANGEN"
    (row,) = group.rows
    totals = [Decimal(a["total_payable"]) for a in EXPECTED["arrivals"]]
    assert row.week.position == sum(totals)  # INITIAL plus each adjustment
    assert row.week.adjustment_total == sum(totals[1:])
    assert (row.open_issues, row.open_errors) == (1, 1)  # D alone stays open
    assert (row.label, row.latest) == ("TW 15 Dec 2024", "ADJ2 57219")
    doc = board.document()
    (week,) = doc["weeks"]
    assert week["url"] == "/weeks/SWANGEN/2024-12-15"
    assert Decimal(week["position"]) == sum(totals)
    assert week["position"] == "-3154832.97000000"  # as the store holds it
    assert doc["from"] == doc["to"] == "2024-12-15"
    assert str(group.net_chart).startswith("<svg") and str(group.position_chart).startswith("<svg")


def test_a_range_given_on_one_side_is_closed_by_the_weeks_held(snap: Snapshot) -> None:
    board = views.dashboard(snap, date(2024, 12, 1), None, None)
    assert (board.start, board.end) == (date(2024, 12, 1), WEEK)
    assert len(board.groups) == 1
    later = views.dashboard(snap, None, date(2024, 12, 8), None)
    assert (later.start, later.end) == (WEEK, date(2024, 12, 8))
    assert later.groups == []
    other = views.dashboard(snap, None, None, "PLANTCO")
    assert other.groups == [] and other.document()["weeks"] == []


def test_an_empty_store_has_no_range_and_no_weeks(tmp_path: Path) -> None:
    path = tmp_path / "empty.duckdb"
    Store.open(path).close()
    with reading(ServeConfig(store=path)) as s:
        board = views.dashboard(s, None, None, None)
        assert (board.start, board.end, board.held, board.groups) == (None, None, None, [])
        assert board.all_participants == []
        assert views.week_page(s, "SWANGEN", WEEK) is None
        assert not views.holds_runs(s, "SWANGEN", WEEK)


def test_a_week_page_groups_the_latest_checks_findings_by_run(snap: Snapshot) -> None:
    page = views.week_page(snap, "SWANGEN", WEEK)
    assert page is not None
    assert (page.label, page.last_day) == ("TW 15 Dec 2024", date(2024, 12, 21))
    assert [r.run_id for r in page.chain.runs] == [a["run_id"] for a in EXPECTED["arrivals"]]
    assert [(g.name, len(g.rows)) for g in page.findings] == [
        ("INITIAL 51958", 4),
        ("ADJ1 54601", 2),
        ("ADJ2 57219", 1),
    ]
    keys = {row.issue.key for g in page.findings for row in g.rows if row.issue}
    assert keys == {i["key"] for i in FINAL.values()}
    assert [i.key for i in page.open_issues] == [FINAL["D"]["key"]]
    assert page.latest is not None and page.latest[0] == max(c.check_id for c in page.checks)
    assert [c.coverage.run_id for c in page.covered] == [51958, 54601, 57219]
    assert all(c.coverage.fully_checked for c in page.covered)
    row = page.findings[0].rows[0]
    assert row.issue is not None and row.when
    assert row.document()["issue_id"] == row.issue.id
    doc = page.document()
    assert doc["reports"]["findings.json"] == "/weeks/SWANGEN/2024-12-15/findings.json"
    assert len(doc["findings"]) == 7


@pytest.mark.parametrize(("participant", "week"), [("SWANGEN", date(2024, 12, 8)), ("X", WEEK)])
def test_a_week_not_held_has_no_page(snap: Snapshot, participant: str, week: date) -> None:
    assert views.week_page(snap, participant, week) is None
    assert not views.holds_runs(snap, participant, week)


def test_holds_runs_of_a_week_held(snap: Snapshot) -> None:
    assert views.holds_runs(snap, "SWANGEN", WEEK)


def test_the_issues_page_filters_the_register(snap: Snapshot) -> None:
    page = views.issues_page(snap, IssueFilter())
    assert page.total == 4
    assert [i.key for i in page.matched] == [FINAL["D"]["key"]]
    assert page.all_participants == ["SWANGEN"]
    every = views.issues_page(snap, IssueFilter(status="all"))
    assert sorted(i.key for i in every.matched) == sorted(i["key"] for i in FINAL.values())
    assert len(every.document()) == 4
    none = views.issues_page(snap, IssueFilter(participant="PLANTCO", status="all"))
    assert (none.total, none.matched) == (0, [])


def test_a_long_register_is_shown_a_page_at_a_time(snap: Snapshot) -> None:
    issues = snap.register("SWANGEN")
    many = [issues[k % 4] for k in range(2 * PAGE_SIZE + 5)]
    page = views.IssuesPage(IssueFilter(page=2), many, ["SWANGEN"], len(many))
    assert page.pages == 3
    assert page.shown == many[PAGE_SIZE : 2 * PAGE_SIZE]
    past = views.IssuesPage(IssueFilter(page=9), many, ["SWANGEN"], len(many))
    assert past.shown == many[2 * PAGE_SIZE :]  # past the end: the last page
    assert len(past.document()) == len(many)  # the JSON lists every match
    empty = views.IssuesPage(IssueFilter(), [], [], 0)
    assert (empty.pages, empty.shown) == (1, [])


def test_an_issue_page_shows_its_finding_in_each_run_and_the_values(snap: Snapshot) -> None:
    (d,) = [i for i in snap.register("SWANGEN") if i.key == FINAL["D"]["key"]]
    page = views.issue_page(snap, d.id)
    assert page is not None
    assert page.issue.key == d.key and page.label == "TW 15 Dec 2024"
    assert [(r.name, r.run_id) for r in page.runs] == [
        ("INITIAL 51958", 51958),
        ("ADJ1 54601", 54601),
        ("ADJ2 57219", 57219),
    ]
    assert all(r.checks >= 1 and r.first_at <= r.last_at for r in page.runs)
    assert page.values and {page.value_name(v) for v in page.values} <= set(page.run_names.values())
    assert "REGFEE_P_D SWANGEN 2024-12-20" in str(page.chart)
    doc: dict[str, Any] = page.document()
    assert [f["run_id"] for f in doc["findings"]] == [51958, 54601, 57219]
    assert {v["designation"] for v in doc["values"]} <= {"INITIAL", "ADJ1", "ADJ2"}
    assert all(isinstance(v["value"], str) for v in doc["values"])


def test_an_unknown_issue_has_no_page(snap: Snapshot) -> None:
    assert views.issue_page(snap, "0123456789") is None


def test_audit_of_is_the_snapshots_audit(snap: Snapshot) -> None:
    audit = views.audit_of(snap, WEEK, WEEK, None)
    assert audit is snap.audit(WEEK, WEEK, None)
    assert [w.latest_run_id for w in audit.weeks] == [57219]
    assert audit.generated_at.tzinfo is UTC
