"""The weekly digest (SPEC §11) as plain data, and how it is built from a weekly run.

For each participant and Trading Week a ``recon weekly`` run checked, the digest says:
the verdict, the issues this run raised, the issues it resolved, the disputed issues still
open, the issues due within 5 Business Days, the total at stake, and where the reports
are. :func:`build_digest` builds it from what the run did
(:class:`~recon.models.weekly.WeeklyDone`) and the issue register of those weeks;
:mod:`recon.notify.render` writes it as text, HTML and the webhook's JSON.

"Raised by this run" and "resolved by this run" are the register's own rule
(:func:`recon.store.register.issue_changes`) applied from the moment the run started:
an issue first seen in a check this run recorded and still open; an issue a check this run
recorded resolved.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from recon.models.audit import Issue, Workflow, cash_at_stake, cash_issues
from recon.models.weekly import WeeklyDone
from recon.store.register import issue_changes
from recon.wem.business_days import add_business_days
from recon.wem.calendar import AWST, week_label

DUE_SOON_BUSINESS_DAYS = 5
"""An open issue is "due soon" when its due date is at most this many WA Business Days
away (or past)."""
ESTIMATE = "estimate"


@dataclass(frozen=True)
class DigestIssue:
    """One issue as the digest shows it.

    Attributes:
        key: The issue key (the register's).
        id: Its short id (10 hex digits), when the register gives one.
        check: The check that raised it (``invoice.total``).
        severity: ``error``, ``warning`` or ``info``.
        participant: The participant.
        week: The Trading Week's first day.
        what: What it is about: the variable, scope, Trading Day and position, or the
            invoice figure.
        message: Its latest finding's message.
        status: ``open`` or ``resolved``.
        workflow: ``new``, ``investigating``, ``disputed`` or ``accepted``, when the
            register gives one.
        ref: The dispute's reference (AEMO's or the team's), when disputed.
        lodged: When the Notice of Disagreement was lodged, when disputed.
        due: The day a Notice of Disagreement is due, when known.
        at_stake: The money at stake, from the participant's side (positive: AEMO owes
            the participant), when known.
        estimate: ``at_stake`` is an estimate (SPEC §10), kept out of the cash total.
        raised_by: The run that first yielded it (``INITIAL 51958``).
        resolved_by: The run that resolved it (``ADJ2 57219``).
    """

    key: str
    id: str | None
    check: str
    severity: str
    participant: str
    week: date
    what: str
    message: str
    status: str
    workflow: str | None = None
    ref: str | None = None
    lodged: date | None = None
    due: date | None = None
    at_stake: Decimal | None = None
    estimate: bool = False
    raised_by: str | None = None
    resolved_by: str | None = None

    @property
    def is_open(self) -> bool:
        """Whether the issue is open."""
        return self.status == "open"

    @property
    def counts_as_open(self) -> bool:
        """Open and not accepted: an accepted issue no longer counts (SPEC §11)."""
        return self.is_open and self.workflow != Workflow.ACCEPTED


@dataclass(frozen=True)
class DigestWeek:
    """One participant's Trading Week, as the run checked it.

    Attributes:
        participant: The participant.
        week: The Trading Week's first day.
        checked: Whether it could be checked (else see the digest's problems).
        verdict: The verdict lines (the same the terminal and the reports show).
        counts: Findings by severity in this check.
        runs: The runs checked (``INITIAL 51958``), in order.
        raised: Issues this run raised.
        resolved: Issues this run resolved.
        disputed_open: Disputed issues still open.
        due_soon: Open issues (not disputed, not accepted) due within 5 Business Days, or
            overdue, earliest first.
        open_issues: Open issues that count (accepted ones left out).
        accepted_open: Open issues the team accepted.
        at_stake: The cash at stake over the open issues that count and carry an amount
            (None when none does).
        priced: How many of the open issues that count carry a cash amount.
        estimated: The sum of estimated amounts (SPEC §10), outside the cash total.
        reports: The folder its reports were written into.
    """

    participant: str
    week: date
    checked: bool
    verdict: list[str]
    counts: Mapping[str, int]
    runs: list[str]
    raised: list[DigestIssue]
    resolved: list[DigestIssue]
    disputed_open: list[DigestIssue]
    due_soon: list[DigestIssue]
    open_issues: int
    accepted_open: int
    at_stake: Decimal | None
    priced: int
    estimated: Decimal | None
    reports: str | None

    @property
    def label(self) -> str:
        """The week as AEMO labels it (``TW 15 Dec 2024``)."""
        return week_label(self.week)


@dataclass(frozen=True)
class Digest:
    """What one ``recon weekly`` run tells the team.

    Attributes:
        generated_at: When the digest was built (aware, UTC).
        today: That day in AWST (due dates count from it).
        store: The store the run used.
        weeks: Each week checked, in the run's order.
        problems: What could not run, one line each.
        exit_code: The run's exit status (0, 1 or 2).
        recorded: Whether the run was recorded (it is not when something could not run,
            so its weeks are checked again next time).
        due_dates: Whether ``[disputes] nod_business_days`` is set (else no issue has a
            due date).
    """

    generated_at: datetime
    today: date
    store: str
    weeks: list[DigestWeek]
    problems: list[str] = field(default_factory=list)
    exit_code: int = 0
    recorded: bool = True
    due_dates: bool = False

    def total(self, name: str) -> int:
        """The number of issues in one list over every week (``raised``, ``resolved``,
        ``disputed_open``, ``due_soon``)."""
        return sum(len(getattr(w, name)) for w in self.weeks)

    @property
    def subject(self) -> str:
        """A one-line summary (the email's subject)."""
        weeks = len(self.weeks)
        found = sum(1 for w in self.weeks if w.counts.get("error"))
        if self.problems:
            head = f"recon weekly: could not finish ({len(self.problems)} problem"
            head += "s)" if len(self.problems) != 1 else ")"
        elif not weeks:
            head = "recon weekly: nothing new to check"
        elif found:
            head = f"recon weekly: discrepancies in {found} of {weeks} week{_s(weeks)}"
        else:
            head = f"recon weekly: no discrepancies in {weeks} week{_s(weeks)} checked"
        raised, resolved = self.total("raised"), self.total("resolved")
        if raised or resolved:
            head += f"; {raised} raised, {resolved} resolved"
        due = self.total("due_soon")
        if due:
            head += f"; {due} due soon"
        return head


def _s(n: int) -> str:
    return "" if n == 1 else "s"


def digest_issue(issue: Issue) -> DigestIssue:
    """Map one register issue to what the digest shows: the one place the digest reads the
    register's :class:`~recon.models.audit.Issue`."""
    ref = lodged = None
    for event in issue.events:
        if event.workflow is Workflow.DISPUTED:
            ref, lodged = event.ref, event.lodged
    what = " ".join(str(x) for x in (issue.variable, issue.scope, issue.timestamp) if x)
    if issue.position:
        what += f" #{issue.position}"
    if issue.figure:
        what = f"{issue.figure}: {what}" if what else issue.figure
    return DigestIssue(
        key=issue.key,
        id=issue.id,
        check=issue.check,
        severity=issue.severity,
        participant=issue.participant,
        week=issue.week,
        what=what,
        message=issue.message,
        status=issue.status,
        workflow=issue.workflow.value,
        ref=ref,
        lodged=lodged,
        due=issue.due,
        at_stake=issue.at_stake,
        estimate=issue.at_stake_basis == ESTIMATE,
        raised_by=_run(issue.first_run_id, issue.first_designation),
        resolved_by=_run(issue.resolved_by_run_id, issue.resolved_by_designation),
    )


def _run(run_id: int | None, designation: str | None) -> str | None:
    if run_id is None:
        return None
    return f"{designation or ''} {run_id}".strip()


def _week(
    participant: str,
    week: date,
    result: Any | None,
    folder: Path | None,
    issues: list[Issue],
    since: datetime,
    soon: date,
) -> DigestWeek:
    opened, resolved = issue_changes(issues, since)
    opened_keys = {i.key for i in opened}
    resolved_keys = {i.key for i in resolved}
    shown = [digest_issue(i) for i in issues]
    counting = [d for d in shown if d.counts_as_open]
    estimates = [d for d in counting if d.at_stake is not None and d.estimate]
    due_soon = sorted(
        (
            d
            for d in counting
            if d.workflow != Workflow.DISPUTED and d.due is not None and d.due <= soon
        ),
        key=lambda d: (d.due, d.key),
    )
    return DigestWeek(
        participant=participant,
        week=week,
        checked=result is not None,
        verdict=(
            list(result.verdict_lines())
            if result is not None
            else ["Could not be checked: see the problems below."]
        ),
        counts=dict(result.counts) if result is not None else {},
        runs=(
            [f"{r.designation} {r.run_id}" for r in result.runs if r.participant == participant]
            if result is not None
            else []
        ),
        raised=[d for d in shown if d.key in opened_keys],
        resolved=[d for d in shown if d.key in resolved_keys],
        disputed_open=[d for d in shown if d.is_open and d.workflow == Workflow.DISPUTED],
        due_soon=due_soon,
        open_issues=len(counting),
        accepted_open=sum(1 for d in shown if d.is_open and d.workflow == Workflow.ACCEPTED),
        at_stake=cash_at_stake(issues),
        priced=len(cash_issues(issues)),
        estimated=_total(estimates),
        reports=str(folder) if folder is not None else None,
    )


def _total(issues: list[DigestIssue]) -> Decimal | None:
    """The exact sum of the issues' amounts; None when there is none to add."""
    if not issues:
        return None
    return sum((d.at_stake or Decimal(0) for d in issues), Decimal(0))


def build_digest(
    done: WeeklyDone,
    issues: Iterable[Issue],
    *,
    store: str,
    due_dates: bool = False,
    now: datetime | None = None,
) -> Digest:
    """Build the digest of one weekly run.

    Args:
        done: What the run did.
        issues: The issue register of (at least) the weeks it checked.
        store: The store it used (shown).
        due_dates: Whether ``[disputes] nod_business_days`` is set.
        now: The time to build it at (aware; default now): "due soon" counts from its day
            in AWST.

    Returns:
        One :class:`DigestWeek` per week the run set out to check, in its order.
    """
    now = now or datetime.now(UTC)
    today = now.astimezone(AWST).date()
    soon = add_business_days(today, DUE_SOON_BUSINESS_DAYS)
    by_week: dict[tuple[str, date], list[Issue]] = {}
    for issue in issues:
        by_week.setdefault((issue.participant, issue.week), []).append(issue)
    weeks = [
        _week(
            w.participant,
            w.week,
            w.result,
            w.folder,
            by_week.get((w.participant, w.week), []),
            done.started_at_utc,
            soon,
        )
        for w in done.weeks
    ]
    return Digest(
        generated_at=now.astimezone(UTC),
        today=today,
        store=store,
        weeks=weeks,
        problems=list(done.problems),
        exit_code=done.exit_code,
        recorded=done.recorded,
        due_dates=due_dates,
    )
