"""recon.notify.digest: what the weekly digest says of each week, built from a weekly run
and the issue register (issues made here as the register makes them)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from recon.models.audit import Issue, IssueEvent, Workflow
from recon.models.results import CheckResult, RunCoverage, RunInfo
from recon.models.weekly import WeekDone, WeeklyDone, WeekPlan
from recon.notify.digest import build_digest, digest_issue
from recon.wem.calendar import AWST

WEEK = date(2024, 12, 15)
STARTED = datetime(2025, 4, 17, 1, 0)  # naive UTC, as the store keeps times
BEFORE = STARTED - timedelta(days=7)
DURING = STARTED + timedelta(minutes=2)
NOW = datetime(2025, 4, 17, 10, 0, tzinfo=AWST)  # Thursday before Easter


def _issue(name: str, *, status: str = "open", seen: datetime = BEFORE, **later: Any) -> Issue:
    """A register issue; ``later`` sets its workflow fields (workflow, due, at_stake,
    events) as the register sets them."""
    issue = Issue(
        key=f"SWANGEN|2024-12-15|invoice.line|{name}||2024-12-15|",
        check="invoice.line",
        severity="error",
        participant="SWANGEN",
        week=WEEK,
        variable=name,
        scope=None,
        timestamp="2024-12-15",
        position=None,
        figure=None,
        first_run_id=51958,
        last_run_id=51958,
        status=status,
        resolved_by_run_id=57219 if status == "resolved" else None,
        first_seen_at=seen,
        last_seen_at=seen,
        resolved_at=later.pop("resolved_at", None),
        message=f"{name} differs.",
        first_designation="INITIAL",
        last_designation="INITIAL",
        resolved_by_designation="ADJ2" if status == "resolved" else None,
    )
    workflow = later.pop("workflow", Workflow.NEW)
    if workflow is not Workflow.NEW and "events" not in later:
        later["events"] = [IssueEvent(at=BEFORE, by="ana", workflow=workflow, note="why")]
    for field, value in later.items():
        setattr(issue, field, value)
    return issue


def _result() -> CheckResult:
    return CheckResult(
        generated_at=datetime(2025, 4, 17, 1, 1, tzinfo=UTC),
        runs=[
            RunInfo(
                participant="SWANGEN", period="TW 15 Dec 2024", run_id=51958, designation="INITIAL"
            ),
            RunInfo(
                participant="SWANGEN", period="TW 15 Dec 2024", run_id=57219, designation="ADJ2"
            ),
        ],
        coverage=[
            RunCoverage(
                participant="SWANGEN", period="TW 15 Dec 2024", run_id=51958, designation="INITIAL"
            )
        ],
    )


def _done(*weeks: WeekDone, problems: list[str] | None = None) -> WeeklyDone:
    plan = WeekPlan(weeks=[(w.participant, w.week) for w in weeks], watermark_utc=None, reason="")
    return WeeklyDone(
        started_at_utc=STARTED,
        today=date(2025, 4, 17),
        out_root=Path("/reports"),
        plan=plan,
        weeks=list(weeks),
        problems=problems or [],
        exit_code=2 if problems else 1,
        recorded=not problems,
    )


def test_raised_and_resolved_are_this_runs() -> None:
    issues = [
        _issue("NEW", seen=DURING),  # first seen by a check this run recorded
        _issue("OLD"),  # open since an earlier run
        _issue("FIXED", status="resolved", resolved_at=DURING),
        _issue("FIXED_BEFORE", status="resolved", resolved_at=BEFORE + timedelta(days=1)),
        _issue("BOTH", status="resolved", seen=DURING, resolved_at=DURING),
    ]
    folder = Path("/reports/2025-04-17/SWANGEN_2024-12-15")
    digest = build_digest(
        _done(WeekDone("SWANGEN", WEEK, _result(), folder)), issues, store="s.duckdb", now=NOW
    )
    (week,) = digest.weeks
    assert [i.what for i in week.raised] == ["NEW 2024-12-15"]
    assert {i.what.split()[0] for i in week.resolved} == {"FIXED", "BOTH"}
    assert week.resolved[0].resolved_by == "ADJ2 57219"
    assert week.open_issues == 2 and week.checked
    assert week.runs == ["INITIAL 51958", "ADJ2 57219"]
    assert week.verdict == _result().verdict_lines()
    assert week.reports == str(folder) and week.label == "TW 15 Dec 2024"
    assert digest.total("raised") == 1 and digest.total("resolved") == 2
    assert digest.today == date(2025, 4, 17) and digest.generated_at.tzinfo is not None
    assert (
        digest.subject == "recon weekly: no discrepancies in 1 week checked; 1 raised, 2 resolved"
    )
    # an issue nobody has acted on: its id, workflow new, no amount (not a guess)
    plain = digest_issue(issues[0])
    assert plain.id == issues[0].id and len(plain.id) == 10
    assert plain.workflow == "new" and plain.at_stake is None
    assert plain.due is None and plain.raised_by == "INITIAL 51958"


def test_disputed_due_soon_and_money_at_stake() -> None:
    issues = [
        _issue(
            "DUE_LAST", workflow=Workflow.NEW, due=date(2025, 4, 29), at_stake=Decimal("100.10")
        ),
        _issue(
            "DUE_LATER",
            workflow=Workflow.INVESTIGATING,
            due=date(2025, 4, 30),
            at_stake=Decimal("-0.10"),
        ),
        _issue("OVERDUE", workflow=Workflow.NEW, due=date(2025, 4, 10)),
        _issue(
            "DISPUTED",
            workflow=Workflow.DISPUTED,
            due=date(2025, 4, 20),
            at_stake=Decimal("0.20"),
            events=[
                IssueEvent(at=BEFORE, by="ana", workflow=Workflow.INVESTIGATING),
                IssueEvent(
                    at=BEFORE,
                    by="ana",
                    workflow=Workflow.DISPUTED,
                    ref="NOD-0142",
                    lodged=date(2025, 4, 1),
                ),
            ],
        ),
        _issue(
            "ACCEPTED", workflow=Workflow.ACCEPTED, due=date(2025, 4, 22), at_stake=Decimal("999")
        ),
        _issue("ESTIMATE", at_stake=Decimal("50.00"), at_stake_basis="estimate"),
        _issue(
            "RESOLVED",
            status="resolved",
            resolved_at=BEFORE,
            workflow=Workflow.DISPUTED,
            due=date(2025, 4, 22),
            at_stake=Decimal("7.00"),
        ),
    ]
    digest = build_digest(
        _done(WeekDone("SWANGEN", WEEK, _result(), None)),
        issues,
        store="s",
        due_dates=True,
        now=NOW,
    )
    (week,) = digest.weeks
    # five Business Days from Thu 17 April 2025: Easter and ANZAC Day skipped -> Tue 29 April
    assert [i.what.split()[0] for i in week.due_soon] == ["OVERDUE", "DUE_LAST"]
    assert week.due_soon[1].id == issues[0].id
    (disputed,) = week.disputed_open
    assert (disputed.ref, disputed.lodged) == ("NOD-0142", date(2025, 4, 1))
    # cash over open issues that count: 100.10 - 0.10 + 0.20, exactly; accepted and
    # estimates left out of it, issues without an amount counted as such
    assert week.at_stake == Decimal("100.20")
    assert week.priced == 3 and week.open_issues == 5 and week.accepted_open == 1
    assert week.estimated == Decimal("50.00")
    assert digest.due_dates


def test_a_week_that_could_not_be_checked_and_an_empty_run() -> None:
    digest = build_digest(
        _done(WeekDone("SWANGEN", WEEK, None, None), problems=["SWANGEN week 2024-12-15: boom"]),
        [],
        store="s",
        now=NOW,
    )
    (week,) = digest.weeks
    assert not week.checked and week.verdict[0].startswith("Could not be checked")
    assert week.at_stake is None and week.open_issues == 0 and week.reports is None
    assert digest.problems == ["SWANGEN week 2024-12-15: boom"] and not digest.recorded
    assert digest.subject == "recon weekly: could not finish (1 problem)"
    empty = build_digest(_done(), [], store="s", now=NOW)
    assert empty.weeks == [] and empty.subject == "recon weekly: nothing new to check"


def test_issues_of_weeks_not_checked_are_left_out() -> None:
    other = _issue("ELSEWHERE", seen=DURING)
    other.week = date(2024, 12, 8)
    digest = build_digest(
        _done(WeekDone("SWANGEN", WEEK, _result(), None)), [other], store="s", now=NOW
    )
    assert digest.total("raised") == 0 and digest.weeks[0].open_issues == 0
