"""recon.api: the Python API for notebooks: each function runs the job the CLI runs and
raises only ReconErrors.

The store holds ``fixtures/history_adj`` (the fixture generator's) after INITIAL and ADJ1,
each ingested and checked from the store: A resolved by ADJ1, B, C and D open
(``expected_register.json``).
"""

from __future__ import annotations

import json
import shutil
from datetime import date
from decimal import Decimal
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa
import pytest
from paths import FIXTURES

from recon import api
from recon.errors import InputError, ReconError, StoreError, UnknownIssueError, UsageError
from recon.pipeline.check import CheckRequest
from recon.pipeline.check import check as run_check
from recon.store import ingest, open_store

HISTORY_ADJ = FIXTURES / "history_adj" / "SWANGEN_2024-12-15"
REGISTER = json.loads((HISTORY_ADJ.parent / "expected_register.json").read_text("utf-8"))
WEEK = date(2024, 12, 15)
MONEY = pd.ArrowDtype(pa.decimal128(23, 8))


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    store = tmp_path_factory.mktemp("api") / "recon.duckdb"
    for run in ("1_INITIAL", "2_ADJ1"):
        with open_store(store) as st:
            ingest(st, [HISTORY_ADJ / run])
        run_check(CheckRequest.make(store=store, week=WEEK), command="check")
    return store


@pytest.fixture
def store(template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name in ("RECON_STORE", "RECON_CONFIG", "RECON_USER"):
        monkeypatch.delenv(name, raising=False)
    dst = tmp_path / "recon.duckdb"
    shutil.copy2(template, dst)
    return dst


def _commands(store: Path) -> tuple[str, str]:
    """The command and outputs of the check recorded last."""
    with duckdb.connect(str(store), read_only=True) as con:
        rows = con.execute(
            "SELECT DISTINCT check_id, command, outputs FROM checks ORDER BY check_id"
        ).fetchall()
    return rows[-1][1], rows[-1][2]


def test_the_api_names() -> None:
    assert sorted(api.__all__) == [
        "audit", "check", "decode", "decode_to_file", "issues", "load", "set_issue"
    ]  # fmt: skip
    for name in api.__all__:
        assert callable(getattr(api, name))


def test_check_of_files(tmp_path: Path) -> None:
    result = api.check(str(HISTORY_ADJ / "1_INITIAL"))
    errors = [f for f in result.findings if f.severity.value == "error"]
    initial = next(s for s in REGISTER["steps"] if s["after"] == "INITIAL")["issues"]
    assert sorted(f.variable for f in errors) == sorted(i["variable"] for i in initial)
    assert result.exit_code() == 1


def test_check_from_the_store_is_recorded_unless_asked_not_to(store: Path) -> None:
    result = api.check(store=store, week="TW 15 Dec 2024", participant="swangen")
    assert {r.run_id for r in result.runs} == {51958, 54601}
    assert _commands(store) == ("api", "none")
    with duckdb.connect(str(store), read_only=True) as con:
        before = con.execute("SELECT count(*) FROM checks").fetchone()
    api.check(store=store, week=WEEK, record=False)
    with duckdb.connect(str(store), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM checks").fetchone() == before


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"paths": str(HISTORY_ADJ), "week": "2024-12-15"}, UsageError),
        ({}, UsageError),
        ({"paths": "no/such/folder"}, InputError),
        ({"store": True, "week": "2024-12-16"}, UsageError),
    ],
)
def test_check_raises_recon_errors_only(kwargs: dict, error: type[ReconError]) -> None:
    with pytest.raises(error):
        api.check(**kwargs)
    assert issubclass(error, ReconError)


def test_audit_frames_are_exact(store: Path) -> None:
    frames = api.audit(fy="2024-25", participant="swangen", store=store)
    assert sorted(frames) == ["checks", "issues", "runs", "weeks"]
    runs = frames["runs"]
    assert runs["run_id"].tolist() == [51958, 54601]
    assert runs["amount_due"].dtype == MONEY
    arrivals = REGISTER["arrivals"][:2]
    assert runs["amount_due"].tolist() == [Decimal(a["amount_due"]) for a in arrivals]
    assert len(frames["weeks"]) == 1 and len(frames["checks"]) == 2
    assert len(frames["issues"]) == 4


def test_audit_refuses_a_range_it_cannot_read(store: Path) -> None:
    with pytest.raises(UsageError, match="give --from and --to"):
        api.audit(store=store)
    with pytest.raises(StoreError):
        api.audit(fy=2025, store=store.parent / "none.duckdb")


def test_issues_is_the_register_as_a_frame(store: Path) -> None:
    frame = api.issues(store=store, status="open")
    after = next(s for s in REGISTER["steps"] if s["after"] == "ADJ1")["issues"]
    assert sorted(frame["key"]) == sorted(i["key"] for i in after if i["status"] == "open")
    assert {"id", "key", "status", "workflow", "due", "state", "at_stake"} <= set(frame.columns)
    assert frame["at_stake"].dtype == MONEY
    assert set(frame["participant"]) == {"SWANGEN"}
    assert len(api.issues(store=store, participant="OTHERGEN")) == 0
    assert api.issues(store=store, week="2024-12-08").columns.tolist() == frame.columns.tolist()


def test_issues_refuses_an_unknown_status(store: Path) -> None:
    with pytest.raises(UsageError, match="status must be open, resolved or all"):
        api.issues(store=store, status="closed")


def test_set_issue_records_an_event(store: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RECON_USER", "ann")
    issue_id = api.issues(store=store, status="open")["id"].iloc[0]
    issue = api.set_issue(issue_id, workflow="disputed", ref="NOD-0142",
                          lodged="2024-12-31", store=store)  # fmt: skip
    assert issue.id == issue_id and issue.workflow.value == "disputed"
    assert [(e.by, e.ref, e.lodged) for e in issue.events] == [("ann", "NOD-0142",
                                                                date(2024, 12, 31))]  # fmt: skip
    frame = api.issues(store=store, workflow="disputed")
    assert frame["id"].tolist() == [issue_id]


def test_set_issue_refusals(store: Path) -> None:
    issue_id = api.issues(store=store, status="open")["id"].iloc[0]
    with pytest.raises(UsageError):
        api.set_issue(issue_id, workflow="accepted", by="ann", store=store)  # needs a note
    with pytest.raises(UsageError, match="is not a workflow state"):
        api.set_issue(issue_id, workflow="closed", by="ann", store=store)
    with pytest.raises(UnknownIssueError):
        api.set_issue("0123456789", workflow="investigating", by="ann", store=store)
    assert api.issues(store=store, workflow="new")["id"].tolist().count(issue_id) == 1
