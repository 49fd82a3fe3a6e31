"""The register as a worklist (SPEC §11): workflow events, append-only, and what they do.

Checks are recorded by hand (``recorded.py``); events through
:func:`recon.store.register.record_event`, the function the CLI, the Python API and the
web server call.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import duckdb
import pytest
from builders.results import T0, WEEK, make_finding, make_result
from paths import REPO

from recon.errors import ReconError, StoreError, UsageError
from recon.models.audit import Workflow
from recon.store.db import Store
from recon.store.history import record_check
from recon.store.register import (
    UnknownIssueError,
    audit,
    build_register,
    find_issue,
    person,
    record_event,
)

AT = datetime(2025, 3, 10, 1, 30, tzinfo=UTC)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    """A store with one check of INITIAL: D (an error) and W (a warning) open."""
    with Store.open(tmp_path / "s.duckdb") as s:
        d = make_finding(
            "INITIAL", "summary_detail.value", "D_P_D", scope="SWANGEN", timestamp="2024-12-20"
        )
        w = make_finding("INITIAL", "summary_detail.missing", "W_P_D", scope="SWANGEN")
        record_check(s, make_result(["INITIAL"], [d, w], T0))
        yield s


def _d(store: Store) -> str:
    return next(i.id for i in build_register(store) if i.variable == "D_P_D")


def test_events_set_the_workflow_and_are_kept_in_order(store: Store) -> None:
    issue = _d(store)
    assert find_issue(store, issue).workflow is Workflow.NEW  # type: ignore[union-attr]
    record_event(store, issue, workflow="investigating", by="alice", at=AT)
    got = record_event(
        store,
        issue,
        workflow=Workflow.DISPUTED,
        by="bob",
        ref="NOD-0142",
        lodged="2025-03-10",
        note="lodged through the portal",
        at=AT + timedelta(hours=2),
    )
    assert got.workflow is Workflow.DISPUTED and got.state_text() == "disputed NOD-0142, open"
    assert [(e.by, e.workflow.value, e.ref, e.lodged) for e in got.events] == [
        ("alice", "investigating", None, None),
        ("bob", "disputed", "NOD-0142", date(2025, 3, 10)),
    ]
    assert got.events[0].at == AT
    doc = got.document()
    assert doc["workflow"] == "disputed"
    assert doc["events"][1] == {
        "at": "2025-03-10T03:30:00+00:00",
        "by": "bob",
        "workflow": "disputed",
        "ref": "NOD-0142",
        "lodged": "2025-03-10",
        "note": "lodged through the portal",
    }


@pytest.mark.parametrize(
    ("kw", "message"),
    [
        ({"workflow": "accepted"}, "--note"),
        ({"workflow": "accepted", "note": "   "}, "--note"),
        ({"workflow": "disputed", "ref": "NOD-1"}, "--lodged"),
        ({"workflow": "disputed", "lodged": "2025-03-01"}, "--ref"),
        ({"workflow": "disputed", "ref": "NOD-1", "lodged": "10/03/2025"}, "yyyy-mm-dd"),
        ({"workflow": "disputed", "ref": "NOD-1", "lodged": "2025-03-11"}, "after today"),
        ({"workflow": "investigating", "ref": "NOD-1"}, "go with --set disputed"),
        ({"workflow": "closed"}, "not a workflow state"),
        ({"workflow": "accepted", "note": "x" * 5000}, "longer than"),
        ({"workflow": "accepted", "note": "bad \ud800 text"}, "not valid text"),
        ({"workflow": "accepted", "note": "an \x1b[31mESC"}, "U+001B"),
        ({"workflow": "investigating", "by": "eve\u202egnp.exe"}, "U+202E"),
        ({"workflow": "investigating", "by": " "}, "--by"),
    ],
)
def test_an_invalid_change_is_refused_and_records_nothing(
    store: Store, kw: dict[str, str], message: str
) -> None:
    args = {"by": "alice", **kw}
    with pytest.raises(UsageError, match=re.escape(message)):
        record_event(store, _d(store), at=AT, **args)  # type: ignore[arg-type]
    assert store.scalar("SELECT count(*) FROM issue_events") == 0


def test_an_unknown_id_is_its_own_error(store: Store) -> None:
    for unknown in ("0123456789", "not-an-id", ""):
        assert find_issue(store, unknown) is None
        with pytest.raises(UnknownIssueError) as caught:
            record_event(store, unknown, workflow="investigating", by="alice", at=AT)
        assert isinstance(caught.value, ReconError) and not isinstance(caught.value, UsageError)


def test_accepted_errors_leave_the_exit_status_and_stay_listed(store: Store) -> None:
    issue = _d(store)
    assert audit(store, WEEK, WEEK).exit_code == 1
    record_event(
        store, issue, workflow="accepted", by="carol", note="AEMO's figure is right", at=AT
    )
    got = audit(store, WEEK, WEEK)
    assert got.exit_code == 0  # the warning W is open too, but only errors count
    d = next(i for i in got.issues if i.id == issue)
    assert d.is_open and d.state_text() == "accepted: AEMO's figure is right, open"
    assert "1 issue(s) open" not in got.verdict() and "(1 accepted)" in got.verdict()
    record_event(store, issue, workflow="investigating", by="carol", at=AT)
    assert audit(store, WEEK, WEEK).exit_code == 1  # counted again


def test_a_disputed_issue_resolved_later_shows_both(store: Store) -> None:
    issue = _d(store)
    record_event(
        store, issue, workflow="disputed", by="bob", ref="NOD-0142", lodged=date(2025, 3, 3)
    )
    record_check(store, make_result(["INITIAL", "ADJ1"], [], T0 + timedelta(days=90)))
    got = find_issue(store, issue)
    assert got is not None and not got.is_open
    assert got.state_text() == "disputed NOD-0142, resolved by ADJ1 200"


def test_due_dates_count_wa_business_days_from_the_raising_run(store: Store) -> None:
    """INITIAL was published 2025-01-02 15:30 AWST: ten WA Business Days later is Thursday
    16 January 2025 (no holiday between); without the setting there is no due date, and the
    age is counted in Business Days."""
    today = date(2025, 1, 20)
    with_due = {i.variable: i for i in build_register(store, nod_business_days=10, today=today)}
    assert with_due["D_P_D"].due == date(2025, 1, 16)
    assert with_due["D_P_D"].age_business_days == 12
    without = {i.variable: i for i in build_register(store, today=today)}
    assert without["D_P_D"].due is None and without["D_P_D"].age_business_days == 12
    assert find_issue(store, _d(store), nod_business_days=3).due == date(2025, 1, 7)  # type: ignore[union-attr]


def test_at_stake_is_read_from_the_latest_root_finding(tmp_path: Path) -> None:
    """Another branch adds ``at_stake`` and ``cause`` to findings: the register reads them
    from the recorded JSON, and has None where a finding has none."""
    with Store.open(tmp_path / "s.duckdb") as s:
        f = make_finding("INITIAL", "invoice.line", "X_P_D")
        record_check(s, make_result(["INITIAL"], [f], T0))
        [issue] = build_register(s)
        assert issue.at_stake is None and issue.document()["at_stake"] is None
        s.con.execute(
            "UPDATE check_findings SET finding = json_merge_patch(finding, "
            '\'{"at_stake": "12.345", "cause": null}\')'
        )
        [issue] = build_register(s)
        assert str(issue.at_stake) == "12.345" and issue.document()["at_stake"] == "12.35"
        s.con.execute(
            'UPDATE check_findings SET finding = json_merge_patch(finding, \'{"cause": "abc"}\')'
        )
        [issue] = build_register(s)
        assert issue.at_stake is None  # a consequence: not a root


# ------------------------------------------------------------------------ append-only


def test_no_code_path_of_recon_updates_or_deletes_an_event() -> None:
    edit = re.compile(r"(UPDATE|DELETE\s+FROM|TRUNCATE|DROP\s+TABLE)\s+\"?issue_events", re.I)
    found = [
        f"{p.relative_to(REPO)}:{n}"
        for p in sorted((REPO / "recon").rglob("*.py"))
        for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
        if edit.search(line) and "_EDITS" not in line and "refuse" not in line.lower()
    ]
    assert found == []


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE issue_events SET note = 'rewritten'",
        "DELETE FROM issue_events",
        "delete from main.issue_events where seq = 1",
        "TRUNCATE issue_events",
        "DROP TABLE issue_events",
    ],
)
def test_editing_an_event_through_the_store_is_refused(store: Store, sql: str) -> None:
    record_event(store, _d(store), workflow="investigating", by="alice", at=AT)
    with pytest.raises(StoreError, match="never edited or deleted"):
        store.rows(sql)
    with pytest.raises(StoreError, match="never edited or deleted"):
        store.scalar(sql)
    assert store.scalar("SELECT count(*) FROM issue_events") == 1


@pytest.mark.parametrize(
    "tamper",
    [
        "UPDATE issue_events SET note = 'rewritten' WHERE seq = 1",
        "UPDATE issue_events SET workflow = 'accepted' WHERE seq = 1",
        "UPDATE issue_events SET by_name = 'mallory' WHERE seq = 2",
        "DELETE FROM issue_events WHERE seq = 1",
    ],
)
def test_an_event_edited_behind_recons_back_is_found(store: Store, tamper: str) -> None:
    issue = _d(store)
    record_event(store, issue, workflow="investigating", by="alice", note="looking", at=AT)
    record_event(store, issue, workflow="investigating", by="bob", at=AT)
    record_event(store, issue, workflow="investigating", by="carol", at=AT)
    path = store.path
    store.close()
    con = duckdb.connect(str(path))
    con.execute(tamper)
    con.close()
    with Store.open(path) as again:
        with pytest.raises(StoreError, match=r"event log .* was altered"):
            build_register(again)
        with pytest.raises(StoreError, match="altered"):
            record_event(again, issue, workflow="new", by="dave", at=AT)


def test_who_records_a_change() -> None:
    assert person("alice", env={"RECON_USER": "bob"}) == "alice"
    assert person(None, env={"RECON_USER": "bob"}) == "bob"
    assert person("  ", env={}) != ""  # the login name
