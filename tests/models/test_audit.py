"""recon.models.audit: an audit as data (SPEC §8, §11): issues and their workflow state in
words, cash at stake over the issues that count, a week's position over its run chain, the
verdict, ``audit.json`` and the DataFrames. Built here field by field; audits the store
builds from recorded checks are in ``tests/store`` and ``tests/test_audit_*.py``."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pandas as pd
import pytest

from recon.models.audit import (
    Audit,
    AuditRun,
    AuditWeek,
    CheckRecord,
    Issue,
    IssueEvent,
    OutputsState,
    Workflow,
    cash_at_stake,
    cash_issues,
    issues_document,
    range_text,
)

WEEK = date(2024, 12, 1)
SEEN = datetime(2024, 12, 20, 1, 0, tzinfo=UTC)


def _issue(**kw: Any) -> Issue:
    fields: dict[str, Any] = {
        "key": "invoice.line|SWANGEN|2024-12-01|RTMSA_P_D",
        "check": "invoice.line",
        "severity": "error",
        "participant": "SWANGEN",
        "week": WEEK,
        "variable": "RTMSA_P_D",
        "scope": None,
        "timestamp": None,
        "position": None,
        "figure": None,
        "first_run_id": 51230,
        "last_run_id": 51230,
        "status": "open",
        "resolved_by_run_id": None,
        "first_seen_at": SEEN,
        "last_seen_at": SEEN,
    }
    return Issue(**(fields | kw))


def _event(workflow: Workflow, **kw: Any) -> IssueEvent:
    return IssueEvent(at=datetime(2024, 12, 21, 2, 0), by="ana", workflow=workflow, **kw)


DISPUTE = _event(Workflow.DISPUTED, ref="NOD-0142", lodged=date(2024, 12, 23))


# ------------------------------------------------------------------------- events


def test_an_event_document_is_in_utc() -> None:
    assert DISPUTE.document() == {
        "at": "2024-12-21T02:00:00+00:00",  # a naive time is UTC as stored
        "by": "ana",
        "workflow": "disputed",
        "ref": "NOD-0142",
        "lodged": "2024-12-23",
        "note": None,
    }


def test_range_text() -> None:
    assert range_text(date(2024, 7, 1), date(2025, 6, 30)) == "1 Jul 2024 to 30 Jun 2025"


# ------------------------------------------------------------------------- issues


@pytest.mark.parametrize(
    ("events", "status", "text"),
    [
        ([], "open", "new, open"),
        ([], "resolved", "resolved by ADJ2 57219"),
        ([_event(Workflow.INVESTIGATING)], "open", "investigating, open"),
        ([DISPUTE], "open", "disputed NOD-0142, open"),
        ([_event(Workflow.DISPUTED)], "open", "disputed, open"),
        (
            [DISPUTE, _event(Workflow.INVESTIGATING)],
            "open",
            "disputed NOD-0142, investigating, open",
        ),
        ([DISPUTE], "resolved", "disputed NOD-0142, resolved by ADJ2 57219"),
        (
            [_event(Workflow.ACCEPTED, note="within tolerance agreed with AEMO")],
            "open",
            "accepted: within tolerance agreed with AEMO, open",
        ),
        ([_event(Workflow.ACCEPTED)], "open", "accepted, open"),
        ([DISPUTE, _event(Workflow.NEW)], "open", "new, open"),  # set back: the dispute is past
    ],
)
def test_state_text(events: list[IssueEvent], status: str, text: str) -> None:
    resolved = {"resolved_by_run_id": 57219, "resolved_by_designation": "ADJ2"}
    issue = _issue(events=events, status=status, **(resolved if status == "resolved" else {}))
    assert issue.state_text() == text


def test_a_resolved_issue_without_its_run_says_resolved() -> None:
    assert _issue(status="resolved").state_text() == "resolved"


def test_workflow_dispute_and_what_counts() -> None:
    new = _issue()
    assert (new.workflow, new.dispute, new.counts) == (Workflow.NEW, None, True)
    disputed = _issue(events=[DISPUTE, _event(Workflow.INVESTIGATING)])
    assert disputed.workflow is Workflow.INVESTIGATING and disputed.dispute == DISPUTE
    assert disputed.counts
    assert not _issue(events=[_event(Workflow.ACCEPTED, note="ok")]).counts
    assert not _issue(status="resolved").counts


def test_an_issue_id_is_the_start_of_its_keys_sha256() -> None:
    issue = _issue()
    assert issue.id == hashlib.sha256(issue.key.encode()).hexdigest()[:10]
    assert len(issue.id) == 10 and _issue(key="other").id != issue.id


def test_the_issue_document() -> None:
    issue = _issue(
        at_stake=Decimal("-12.345"),
        at_stake_basis=None,
        events=[DISPUTE],
        due=date(2025, 1, 20),
        age_business_days=4,
        first_seen_at=datetime(2024, 12, 20, 1, 0),  # naive: UTC
    )
    doc = issue.document()
    assert doc["at_stake"] == "-12.35"  # to the cent, half away from zero
    assert doc["first_seen_at"] == "2024-12-20T01:00:00+00:00"
    assert doc["week"] == "2024-12-01" and doc["due"] == "2025-01-20"
    assert doc["workflow"] == "disputed" and doc["state"] == "disputed NOD-0142, open"
    assert doc["events"] == [DISPUTE.document()]
    assert doc["id"] == issue.id and doc["age_business_days"] == 4
    assert issues_document([issue, _issue()]) == [doc, _issue().document()]
    assert _issue().document()["at_stake"] is None and _issue().document()["due"] is None


def test_cash_at_stake_sums_the_issues_that_count_and_leaves_estimates_out() -> None:
    counted = _issue(at_stake=Decimal("10.01"))
    also = _issue(at_stake=Decimal("-2.50"))
    issues = [
        counted,
        also,
        _issue(at_stake=Decimal("100"), at_stake_basis="estimate"),
        _issue(at_stake=Decimal("200"), status="resolved"),
        _issue(at_stake=Decimal("300"), events=[_event(Workflow.ACCEPTED, note="n")]),
        _issue(),
    ]
    assert cash_issues(issues) == [counted, also]
    assert cash_at_stake(issues) == Decimal("7.51")
    assert cash_at_stake([_issue()]) is None
    assert cash_at_stake([_issue(at_stake=Decimal("0"))]) == Decimal("0")


# -------------------------------------------------------------------------- weeks


def _chain() -> AuditWeek:
    return AuditWeek(
        participant="SWANGEN",
        week=WEEK,
        runs=[
            AuditRun(
                51230,
                "INITIAL",
                datetime(2024, 12, 19, 15, 30),
                Decimal("1000"),
                Decimal("1000.004"),
                None,
                Decimal("999"),
            ),
            AuditRun(53874, "ADJ1", None, Decimal("5"), None, Decimal("5.5")),
            AuditRun(56492, "ADJ2", None, None, None, None),
        ],
        checked=2,
    )


def test_a_weeks_position_runs_the_chain() -> None:
    week = _chain()
    assert week.latest_run_id == 56492
    assert week.position == Decimal("1005.504")  # recon's INITIAL figure, then each ADJ
    assert week.adjustment_total == Decimal("5.5")
    first = week.runs[0]
    from_invoice = replace(week, runs=[replace(first, recomputed_total_payable=None)])
    assert from_invoice.position == Decimal("999")  # the invoice's, where recon has none
    unknown = replace(
        week, runs=[replace(first, recomputed_total_payable=None, invoice_total_payable=None)]
    )
    assert unknown.position is None
    empty = AuditWeek("SWANGEN", WEEK, [], checked=0)
    assert (empty.latest_run_id, empty.position, empty.adjustment_total) == (
        None,
        Decimal(0),
        Decimal(0),
    )


def test_the_week_document() -> None:
    doc = _chain().document()
    assert doc["latest_run_id"] == 56492 and doc["checked"] == 2
    assert doc["runs"][0] == {
        "run_id": 51230,
        "designation": "INITIAL",
        "published_at": "2024-12-19T15:30:00",
        "amount_due": "1000.00",
        "recomputed_total_payable": "1000.00",
        "net_adjustment": None,
    }
    assert doc["runs"][1]["net_adjustment"] == "5.50"


# ------------------------------------------------------------------------- the audit


def _check(n: int = 1, errors: int = 0) -> CheckRecord:
    return CheckRecord(
        check_id=n,
        checked_at=datetime(2024, 12, 20, 1, n),
        recon_version="9.9",
        command="check",
        participant="SWANGEN",
        week=WEEK,
        run_ids=[51230],
        counts={"error": errors, "warning": 0, "info": 1},
        inputs_sha256=["ab" * 32],
    )


def _audit(**kw: Any) -> Audit:
    fields: dict[str, Any] = {
        "start": date(2024, 7, 1),
        "end": date(2025, 6, 30),
        "participant": "SWANGEN",
        "generated_at": datetime(2025, 7, 1, tzinfo=UTC),
    }
    return Audit(**(fields | kw))


def test_an_empty_audit_says_nothing_was_audited() -> None:
    audit = _audit()
    assert audit.empty and audit.exit_code == 0
    assert audit.verdict() == (
        "No Trading Week of SWANGEN held in the store starts from 1 Jul 2024 to 30 Jun 2025: "
        "nothing to audit."
    )
    assert _audit(participant=None).empty_line().startswith("No Trading Week held")
    assert audit.covered == "Trading Weeks starting 1 Jul 2024 to 30 Jun 2025 (SWANGEN)"
    assert _audit(participant=None).covered == "Trading Weeks starting 1 Jul 2024 to 30 Jun 2025"


def test_the_verdict_counts_open_accepted_and_resolved_issues() -> None:
    accepted = _issue(events=[_event(Workflow.ACCEPTED, note="agreed")])
    audit = _audit(
        weeks=[_chain(), AuditWeek("SWANGEN", date(2024, 12, 8), [], checked=0)],
        issues=[_issue(), accepted, _issue(status="resolved"), _issue(severity="warning")],
        checks=[_check(1), _check(2)],
    )
    assert audit.open_errors == [audit.issues[0]]
    assert audit.accepted == [accepted]
    assert audit.exit_code == 1
    assert audit.verdict() == (
        "1 error issue(s) open: 2 week(s), 2 check(s) recorded, 3 issue(s) open (1 accepted), "
        "1 resolved; 1 week(s) never checked."
    )
    calm = _audit(weeks=[_chain()], issues=[accepted], checks=[_check()])
    assert calm.exit_code == 0
    assert calm.verdict() == (
        "No error issue open: 1 week(s), 1 check(s) recorded, 1 issue(s) open (1 accepted), "
        "0 resolved."
    )


def test_the_audit_document() -> None:
    audit = _audit(weeks=[_chain()], issues=[_issue()], checks=[_check()])
    doc = audit.document()
    assert list(doc) == ["recon_version", "generated_at", "from", "to", "weeks", "issues", "checks"]
    assert (doc["from"], doc["to"]) == ("2024-07-01", "2025-06-30")
    assert doc["generated_at"] == "2025-07-01T00:00:00+00:00"
    assert doc["checks"] == [
        {
            "checked_at": "2024-12-20T01:01:00+00:00",
            "recon_version": "9.9",
            "participant": "SWANGEN",
            "week": "2024-12-01",
            "run_ids": [51230],
            "counts": {"error": 0, "warning": 0, "info": 1},
            "inputs_sha256": ["ab" * 32],
            "outputs": "unknown",
        }
    ]
    assert OutputsState("not written") is OutputsState.NOT_WRITTEN


def test_the_frames_hold_exact_amounts() -> None:
    audit = _audit(
        weeks=[_chain()],
        issues=[_issue(at_stake=Decimal("0.00000001"), events=[DISPUTE])],
        checks=[_check(errors=3)],
    )
    frames = audit.frames()
    assert set(frames) == {"weeks", "runs", "issues", "checks"}
    weeks, runs, issues, checks = (frames[k] for k in ("weeks", "runs", "issues", "checks"))
    assert str(weeks["position"].dtype) == "decimal128(23, 8)[pyarrow]"
    assert weeks["position"].tolist() == [Decimal("1005.50400000")]
    assert runs["run_id"].tolist() == [51230, 53874, 56492]
    assert runs["recomputed_total_payable"].tolist()[0] == Decimal("1000.004")
    assert pd.isna(runs["net_adjustment"].tolist()[0])
    assert issues["at_stake"].tolist() == [Decimal("0.00000001")]
    assert issues[["workflow", "state"]].values.tolist() == [
        ["disputed", "disputed NOD-0142, open"]
    ]
    assert checks[["errors", "warnings", "info"]].values.tolist() == [[3, 0, 1]]
    empty = _audit().frames()
    assert list(empty["issues"].columns) == list(issues.columns) and empty["issues"].empty
