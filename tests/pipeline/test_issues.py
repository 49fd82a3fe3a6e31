"""recon.pipeline.issues: the register filtered, and what a weekly run opened and resolved.

The week is ``fixtures/history_adj``; what its register holds after each run is the
generator's ``expected_register.json``.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from recon.errors import StoreError, UsageError
from recon.models.audit import Issue
from recon.models.weekly import WeekPlan
from recon.pipeline.issues import STATUSES, changes_since_last_weekly, register
from recon.store import open_store
from recon.store.history import record_weekly
from recon.store.register import record_event

from .conftest import HISTORY_ADJ, WEEK, arrive

EXPECTED = json.loads((HISTORY_ADJ.parent / "expected_register.json").read_text("utf-8"))
KEY_FIELDS = ("key", "status", "first_run_id", "last_run_id", "resolved_by_run_id")


def _expected(after: str, **only: Any) -> list[tuple[Any, ...]]:
    step = next(s for s in EXPECTED["steps"] if s["after"] == after)
    return sorted(
        tuple(i[f] for f in KEY_FIELDS)
        for i in step["issues"]
        if all(i[k] == v for k, v in only.items())
    )


def _seen(issues: list[Issue]) -> list[tuple[Any, ...]]:
    return sorted(tuple(getattr(i, f) for f in KEY_FIELDS) for i in issues)


def _planted(step: str, issues: list[Issue]) -> list[str]:
    letters = {
        i["key"]: i["planted"] for s in EXPECTED["steps"] if s["after"] == step for i in s["issues"]
    }
    return sorted(letters[i.key] for i in issues)


def test_the_register_after_adj1_is_the_generators(adj1_store: Path) -> None:
    assert _seen(register(adj1_store)) == _expected("ADJ1")
    assert len(_expected("ADJ1")) == 4


@pytest.mark.parametrize("status", ["open", "resolved"])
def test_status_filters(adj1_store: Path, status: str) -> None:
    assert _seen(register(adj1_store, status=status)) == _expected("ADJ1", status=status)


def test_participant_and_week_filter(adj1_store: Path) -> None:
    assert len(register(adj1_store, participant=" swangen ", week="TW 15 Dec 2024")) == 4
    assert len(register(adj1_store, week=WEEK)) == 4
    assert register(adj1_store, participant="OTHERGEN") == []
    assert register(adj1_store, week="2024-12-08") == []


def test_workflow_filters(adj1_store: Path) -> None:
    issues = register(adj1_store, status="open")
    assert {i.workflow.value for i in issues} == {"new"}
    picked = issues[0]
    record_event(adj1_store, picked.id, workflow="investigating", by="tester")
    assert [i.id for i in register(adj1_store, workflow="investigating")] == [picked.id]
    assert picked.id not in {i.id for i in register(adj1_store, workflow="new")}


def test_due_dates_only_with_nod_business_days(adj1_store: Path) -> None:
    assert {i.due for i in register(adj1_store, status="open")} == {None}
    due = register(adj1_store, status="open", nod_business_days=10)
    assert all(i.due is not None and i.due > i.week for i in due)


def test_bad_arguments_are_usage_errors(adj1_store: Path) -> None:
    assert STATUSES == ("open", "resolved", "all")
    with pytest.raises(UsageError) as e:
        register(adj1_store, status="closed")
    assert str(e.value) == "status must be open, resolved or all, not 'closed'"
    with pytest.raises(UsageError) as e:
        register(adj1_store, workflow="done")
    assert str(e.value) == "workflow must be new, investigating, disputed, accepted, not 'done'"
    with pytest.raises(UsageError, match="a Trading Week starts on a Sunday"):
        register(adj1_store, week="2024-12-16")


def test_no_store_is_a_store_error(tmp_path: Path) -> None:
    missing = tmp_path / "none.duckdb"
    with pytest.raises(StoreError):
        register(missing)
    assert not missing.exists()


def test_no_weeks_no_changes(adj1_store: Path) -> None:
    assert changes_since_last_weekly(adj1_store, []) == ([], [], None)


def test_without_a_weekly_run_every_issue_is_a_change(adj1_store: Path) -> None:
    opened, resolved, last = changes_since_last_weekly(adj1_store, [("SWANGEN", WEEK)])
    assert last is None
    assert _planted("ADJ1", opened) == ["B", "C", "D"]
    assert _planted("ADJ1", resolved) == ["A"]


def test_changes_are_those_since_the_last_weekly_run(adj1_store: Path) -> None:
    plan = WeekPlan(weeks=[("SWANGEN", WEEK)], watermark_utc=None, reason="test")
    with open_store(adj1_store) as st:
        record_weekly(st, started_at_utc=datetime.now(UTC).replace(tzinfo=None), plan=plan,
                      out_dir=None, exit_code=1)  # fmt: skip
    arrive(adj1_store, "3_ADJ2")
    opened, resolved, last = changes_since_last_weekly(adj1_store, [("SWANGEN", WEEK)])
    assert isinstance(last, datetime)
    assert opened == []  # D stays open, but it was opened before the last weekly run
    assert _planted("ADJ2", resolved) == ["B", "C"]
    other = changes_since_last_weekly(adj1_store, [("OTHERGEN", WEEK)])
    assert other[:2] == ([], [])
