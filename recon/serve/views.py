"""What each page shows, read from an open store: the Weeks dashboard, a week, the
Issues register, an issue and an audit. The HTML pages and their JSON twins are both
made from these, so the two always agree.

Every figure is one the store or recon's own functions give: the weeks, run chains,
positions and net adjustments are :func:`recon.store.register.audit`'s, the issues
:func:`recon.store.register.build_register`'s (the register's own issue objects), the
coverage and findings those a recorded check wrote. Nothing is recomputed here.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from markupsafe import Markup

from recon.models.audit import Audit, AuditWeek, CheckRecord, Issue, cash_at_stake, issues_document
from recon.models.findings import Finding
from recon.report.disagreement import when_text
from recon.serve.access import Snapshot
from recon.serve.charts import values_chart, week_charts
from recon.serve.issues import PAGE_SIZE, IssueFilter, run_text
from recon.serve.queries import (
    HeldValue,
    RecordedFinding,
    RunCovered,
    coverage_of,
    findings_of,
    issue_findings,
    latest_check,
    participants,
    values_held,
    week_span,
)
from recon.wem.calendar import week_label

DASHBOARD_WEEKS = 52
"""Trading Weeks the dashboard shows by default, ending with the latest held."""


def money(value: Decimal | None) -> str | None:
    """A money figure for JSON: the decimal string as held (None stays None)."""
    return None if value is None else format(value, "f")


def utc_iso(value: datetime | None) -> str | None:
    """A stored UTC time as ISO 8601 with its offset."""
    if value is None:
        return None
    return (value if value.tzinfo else value.replace(tzinfo=UTC)).isoformat()


# ------------------------------------------------------------------------------ weeks


@dataclass
class WeekRow:
    """One participant's Trading Week on the dashboard."""

    week: AuditWeek
    open_issues: int
    open_errors: int
    """Open error issues that count (an ``accepted`` one does not, SPEC §11)."""
    at_stake: Decimal | None = None
    """The cash at stake over the week's open issues that count (SPEC §10)."""

    @property
    def label(self) -> str:
        """``TW 15 Dec 2024``."""
        return week_label(self.week.week)

    @property
    def latest(self) -> str:
        """The latest run (``ADJ2 57219``)."""
        runs = self.week.runs
        return run_text(runs[-1].run_id, runs[-1].designation) if runs else ""

    def document(self) -> dict[str, Any]:
        """The week for ``GET /api/weeks``: the ``audit.json`` entry, and what the
        dashboard adds (label, position, net adjustments, open issues, money at stake)."""
        doc = self.week.document()
        doc.update(
            {
                "label": self.label,
                "position": money(self.week.position),
                "net_adjustments": money(self.week.adjustment_total),
                "last_checked_at": utc_iso(self.week.last_checked_at),
                "open_issues": self.open_issues,
                "open_errors": self.open_errors,
                "at_stake": money(self.at_stake),
                "url": f"/weeks/{self.week.participant}/{self.week.week.isoformat()}",
            }
        )
        return doc


@dataclass
class ParticipantWeeks:
    """One participant's weeks on the dashboard, newest first, and its two charts."""

    participant: str
    rows: list[WeekRow]
    net_chart: Markup
    position_chart: Markup


@dataclass
class Dashboard:
    """The Weeks page."""

    start: date | None
    end: date | None
    participant: str | None
    held: tuple[date, date] | None
    all_participants: list[str]
    groups: list[ParticipantWeeks] = field(default_factory=list)

    def document(self) -> dict[str, Any]:
        """``GET /api/weeks``."""
        return {
            "from": self.start.isoformat() if self.start else None,
            "to": self.end.isoformat() if self.end else None,
            "participant": self.participant,
            "weeks": [r.document() for g in self.groups for r in reversed(g.rows)],
        }


def default_range(held: tuple[date, date] | None) -> tuple[date | None, date | None]:
    """The dashboard's weeks when none are asked: the last :data:`DASHBOARD_WEEKS` held."""
    if held is None:
        return None, None
    first, last = held
    return max(first, last - timedelta(weeks=DASHBOARD_WEEKS - 1)), last


def dashboard(
    snap: Snapshot, start: date | None, end: date | None, participant: str | None
) -> Dashboard:
    """Each participant's weeks from ``start`` to ``end`` (both None: the default range)."""
    held = week_span(snap.store)
    if start is None and end is None:
        start, end = default_range(held)
    else:
        start = start or (held[0] if held else None)
        end = end or (held[1] if held else None)
    out = Dashboard(start, end, participant, held, participants(snap.store))
    if start is None or end is None:
        return out
    result = snap.audit(start, end, participant)
    of_week: dict[tuple[str, date], list[Issue]] = defaultdict(list)
    for i in result.issues:
        if i.is_open:
            of_week[(i.participant, i.week)].append(i)
    by_participant: dict[str, list[AuditWeek]] = defaultdict(list)
    for w in result.weeks:
        by_participant[w.participant].append(w)
    for p in sorted(by_participant):
        weeks = sorted(by_participant[p], key=lambda w: w.week)
        net, position = week_charts(weeks, start, end)
        rows = []
        for w in reversed(weeks):
            found = of_week.get((p, w.week), [])
            errors = sum(1 for i in found if i.counts and i.severity == "error")
            rows.append(WeekRow(w, len(found), errors, cash_at_stake(found)))
        out.groups.append(ParticipantWeeks(p, rows, net, position))
    return out


# ------------------------------------------------------------------------------ a week


@dataclass
class FindingRow:
    """A finding as the week and issue pages list it."""

    finding: Finding
    issue: Issue | None

    @property
    def when(self) -> str:
        """The Trading Interval, Trading Day or Week it is about, as the reports say it."""
        f = self.finding
        return when_text(f) if (f.timestamp or f.interval_start) else ""

    def document(self) -> dict[str, Any]:
        """The finding as ``findings.json`` holds it, with its issue's id."""
        doc = self.finding.model_dump(mode="json")
        doc["issue_id"] = self.issue.id if self.issue else None
        return doc


@dataclass
class RunFindings:
    """The findings of one run (or of no run: a file that could not be read)."""

    name: str
    run_id: int | None
    rows: list[FindingRow]


@dataclass
class WeekPage:
    """A week: its run chain, what the latest check covered and found, its issues."""

    participant: str
    week: date
    chain: AuditWeek
    checks: list[CheckRecord]
    latest: tuple[int, datetime] | None
    covered: list[RunCovered]
    findings: list[RunFindings]
    issues: list[Issue]

    @property
    def label(self) -> str:
        """``TW 15 Dec 2024``."""
        return week_label(self.week)

    @property
    def last_day(self) -> date:
        """The week's last Trading Day."""
        return self.week + timedelta(days=6)

    @property
    def open_issues(self) -> list[Issue]:
        """The week's open issues."""
        return [i for i in self.issues if i.is_open]

    def document(self) -> dict[str, Any]:
        """``GET /api/weeks/{participant}/{yyyy-mm-dd}``."""
        base = f"/weeks/{self.participant}/{self.week.isoformat()}"
        doc = self.chain.document()
        doc.update(
            {
                "label": self.label,
                "position": money(self.chain.position),
                "net_adjustments": money(self.chain.adjustment_total),
                "latest_check": (
                    {"check_id": self.latest[0], "checked_at": utc_iso(self.latest[1])}
                    if self.latest
                    else None
                ),
                "coverage": [
                    {
                        **c.coverage.document(),
                        "fully_checked": c.coverage.fully_checked,
                        "artefacts": c.artefacts,
                    }
                    for c in self.covered
                ],
                "findings": [row.document() for group in self.findings for row in group.rows],
                "issues": issues_document(self.issues),
                "checks": [c.document() for c in self.checks],
                "reports": {
                    name: f"{base}/{name}"
                    for name in ("report.html", "report.xlsx", "findings.json")
                },
            }
        )
        return doc


def week_page(snap: Snapshot, participant: str, week: date) -> WeekPage | None:
    """The week page, or None when the store holds nothing of that week."""
    store = snap.store
    result = snap.audit(week, week, participant)
    chain = next((w for w in result.weeks if w.participant == participant), None)
    if chain is None:
        return None
    items = result.issues
    by_key = {i.key: i for i in items}
    latest = latest_check(store, participant, week)
    covered: list[RunCovered] = []
    groups: list[RunFindings] = []
    if latest is not None:
        covered = coverage_of(store, latest[0], participant, week)
        names: dict[int | None, str] = {
            r.run_id: run_text(r.run_id, r.designation) for r in chain.runs
        }
        by_run: dict[int | None, list[FindingRow]] = defaultdict(list)
        for rec in findings_of(store, latest[0], participant, week):
            by_run[rec.finding.run_id].append(FindingRow(rec.finding, by_key.get(rec.issue_key)))
        order = [r.run_id for r in chain.runs]
        for run_id in sorted(
            by_run, key=lambda r: (r is None, order.index(r) if r in order else 0)
        ):
            name = names.get(run_id) or (str(run_id) if run_id is not None else "Not about one run")
            groups.append(RunFindings(name, run_id, by_run[run_id]))
    return WeekPage(
        participant=participant,
        week=week,
        chain=chain,
        checks=[c for c in result.checks if c.participant == participant],
        latest=latest,
        covered=covered,
        findings=groups,
        issues=items,
    )


def holds_runs(snap: Snapshot, participant: str, week: date) -> bool:
    """Whether the store holds a run of the participant's week (its reports can be made)."""
    return bool(
        snap.store.one(
            "SELECT 1 FROM runs WHERE participant = ? AND week = ? LIMIT 1", [participant, week]
        )
    )


# ------------------------------------------------------------------------------ issues


@dataclass
class IssuesPage:
    """The register, filtered, one page of it."""

    filter: IssueFilter
    matched: list[Issue]
    all_participants: list[str]
    total: int

    @property
    def pages(self) -> int:
        """How many pages the matches fill."""
        return max(1, -(-len(self.matched) // PAGE_SIZE))

    @property
    def shown(self) -> list[Issue]:
        """The issues of the page asked."""
        first = (min(self.filter.page, self.pages) - 1) * PAGE_SIZE
        return self.matched[first : first + PAGE_SIZE]

    def document(self) -> list[dict[str, Any]]:
        """``GET /api/issues``: every issue matched (not only this page's), as ``recon
        issues --json`` prints them."""
        return issues_document(self.matched)


def issues_page(snap: Snapshot, filt: IssueFilter) -> IssuesPage:
    """The register under ``filt``."""
    items = snap.register(filt.participant or None, filt.week, filt.week)
    return IssuesPage(filt, filt.select(items), participants(snap.store), len(items))


# ------------------------------------------------------------------------------ an issue


@dataclass
class RunSeen:
    """One run in which an issue's finding was recorded: the latest check's finding of it
    and how many checks recorded it."""

    name: str
    run_id: int | None
    finding: Finding
    checks: int
    first_at: datetime
    last_at: datetime


@dataclass
class IssuePage:
    """An issue: its findings across runs, its events, the values behind it."""

    issue: Issue
    chain: AuditWeek | None
    runs: list[RunSeen]
    values: list[HeldValue]
    run_names: dict[int, str]
    chart: Markup

    @property
    def label(self) -> str:
        """The week's label."""
        return week_label(self.issue.week)

    def value_name(self, value: HeldValue) -> str:
        """``ADJ1 54601``: the run a value belongs to."""
        return self.run_names.get(value.run_id, str(value.run_id))

    def document(self) -> dict[str, Any]:
        """``GET /api/issues/{id}``."""
        doc = self.issue.document()
        doc["findings"] = [
            {
                **r.finding.model_dump(mode="json"),
                "checks": r.checks,
                "first_recorded_at": utc_iso(r.first_at),
                "last_recorded_at": utc_iso(r.last_at),
            }
            for r in self.runs
        ]
        doc["values"] = [
            {
                "run_id": v.run_id,
                "designation": self.run_names.get(v.run_id, "").split(" ")[0] or None,
                "artefact": v.artefact,
                "trading_day": v.day.isoformat() if v.day else None,
                "value": format(v.value, "f"),
            }
            for v in self.values
        ]
        return doc


def issue_page(snap: Snapshot, issue_id: str) -> IssuePage | None:
    """The issue page, or None for an unknown id."""
    store = snap.store
    i = snap.issue(issue_id)
    if i is None:
        return None
    result = snap.audit(i.week, i.week, i.participant)
    chain = next((w for w in result.weeks if w.participant == i.participant), None)
    runs = chain.runs if chain else []
    names = {r.run_id: run_text(r.run_id, r.designation) for r in runs}
    seen: dict[int | None, list[RecordedFinding]] = defaultdict(list)
    for rec in issue_findings(store, i.participant, i.week, i.key):
        seen[rec.finding.run_id].append(rec)
    order = [r.run_id for r in runs]
    rows = []
    for run_id in sorted(seen, key=lambda r: (r is None, order.index(r) if r in order else 0)):
        recs = seen[run_id]
        rows.append(
            RunSeen(
                name=(names.get(run_id) if run_id is not None else None)
                or (str(run_id) if run_id is not None else "no run"),
                run_id=run_id,
                finding=recs[-1].finding,
                checks=len({r.check_id for r in recs}),
                first_at=recs[0].checked_at,
                last_at=recs[-1].checked_at,
            )
        )
    values = values_held(store, i.participant, i.week, i.variable, i.scope, i.timestamp, i.position)
    labels = {r.run_id: r.designation for r in runs}
    title = " ".join(
        x for x in (i.variable, i.scope, i.timestamp, f"#{i.position}" if i.position else None) if x
    )
    chart = (
        values_chart(values, labels, f"{title}: the values held in each run")
        if values
        else Markup("")
    )
    return IssuePage(i, chain, rows, values, names, chart)


# ------------------------------------------------------------------------------ audit


def audit_of(snap: Snapshot, start: date, end: date, participant: str | None) -> Audit:
    """The audit ``recon audit`` makes of the range."""
    return snap.audit(start, end, participant)
