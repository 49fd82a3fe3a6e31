"""The audit of a range of Trading Weeks (SPEC §8), as data: weeks and their run chains,
the issue register and the trail of checks. :mod:`recon.store.register` builds it from the
store; :mod:`recon.report.audit` writes it out.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from enum import Enum, StrEnum
from typing import Any

import pyarrow as pa

from recon.__about__ import __version__
from recon.errors import EXIT_CLEAN, EXIT_FINDINGS
from recon.models.decimals import to_cents


class OutputsState(str, Enum):
    """Whether a recorded check's outputs were written (``checks.outputs``)."""

    WRITTEN = "written"
    """Its whole output set is in place."""
    NOT_WRITTEN = "not written"
    """It was recorded before its outputs, which were then not written (a failure or an
    interruption while writing them)."""
    NONE = "none"
    """It writes no outputs (``recon.check`` from Python)."""
    UNKNOWN = "unknown"
    """Recorded by a recon that did not say (before schema version 3)."""


class Workflow(StrEnum):
    """Where a person has taken an issue (SPEC §11), beside the open/resolved state that
    checks set."""

    NEW = "new"
    """Raised; nobody has acted (set by recon; a person may set it back)."""
    INVESTIGATING = "investigating"
    """Someone is looking at it."""
    DISPUTED = "disputed"
    """A Notice of Disagreement was lodged (with its reference and the day it was lodged)."""
    ACCEPTED = "accepted"
    """The team accepts AEMO's figure (with a note saying why): it no longer counts as open
    for the exit status, and stays listed."""


@dataclass(frozen=True)
class IssueEvent:
    """One change of an issue's workflow, as recorded (never edited or deleted).

    Attributes:
        at: When, UTC.
        by: Who (``--by``, else ``$RECON_USER``, else the login name).
        workflow: The workflow state set.
        ref: AEMO's reference or the team's (a dispute).
        lodged: The day the Notice of Disagreement was lodged (a dispute).
        note: Why (required to accept).
    """

    at: datetime
    by: str
    workflow: Workflow
    ref: str | None = None
    lodged: date | None = None
    note: str | None = None

    def document(self) -> dict[str, Any]:
        """The SPEC §11 event: ``{"at", "by", "workflow", "ref", "lodged", "note"}``."""
        return {
            "at": _iso_utc(self.at),
            "by": self.by,
            "workflow": self.workflow.value,
            "ref": self.ref,
            "lodged": self.lodged.isoformat() if self.lodged else None,
            "note": self.note,
        }


def range_text(start: date, end: date) -> str:
    """``1 Jul 2024 to 30 Jun 2025``: the dates an audit covers."""
    return f"{start.day} {start:%b %Y} to {end.day} {end:%b %Y}"


@dataclass
class Issue:
    """One issue of the register (SPEC §8 ``issues`` entry, plus what reports show).

    Attributes:
        key: The issue key as a string (:func:`~recon.store.history.issue_key`).
        id: Its short stable id: the first 10 hex digits of the key's SHA-256 (SPEC §11).
        check, severity, participant, week, variable, scope, timestamp, position, figure:
            Its key and severity (the severity of its latest finding).
        first_run_id, last_run_id: The first and last run that yielded it (None for a
            finding about no run).
        status: ``open`` or ``resolved``.
        resolved_by_run_id: The run that resolved it.
        first_seen_at, last_seen_at: The first check that yielded it; the first check that
            yielded it in its last run (UTC).
        resolved_at: The first check that covered the resolving run (UTC).
        message: The latest finding's message.
        first_designation, last_designation, resolved_by_designation: Those runs'
            designations, for the reports.
        at_stake: The ``at_stake`` of its latest root finding (SPEC §10), None when that
            finding carries none.
        at_stake_basis: ``"estimate"`` when that amount is an estimate (SPEC §10: a
            Summary/Detail or own-data difference), kept out of cash sums; else None.
        events: Its workflow changes, oldest first (SPEC §11).
        due: When a Notice of Disagreement is due: the Nth WA Business Day after the day
            (AWST) of the raising run's PublishedAt, with ``nod_business_days`` set; None
            without it, for a resolved issue, or when that PublishedAt is unknown.
        age_business_days: WA Business Days from that day to today (to its resolution, once
            resolved); None when the PublishedAt is unknown.
        raised_published_at: The raising run's PublishedAt (AWST).
    """

    key: str
    check: str
    severity: str
    participant: str
    week: date
    variable: str | None
    scope: str | None
    timestamp: str | None
    position: int | None
    figure: str | None
    first_run_id: int | None
    last_run_id: int | None
    status: str
    resolved_by_run_id: int | None
    first_seen_at: datetime
    last_seen_at: datetime
    resolved_at: datetime | None = None
    message: str = ""
    first_designation: str | None = None
    last_designation: str | None = None
    resolved_by_designation: str | None = None
    at_stake: Decimal | None = None
    at_stake_basis: str | None = None
    events: list[IssueEvent] = field(default_factory=list)
    due: date | None = None
    age_business_days: int | None = None
    raised_published_at: datetime | None = None

    @property
    def workflow(self) -> Workflow:
        """Its workflow state: the latest event's, else ``new``."""
        return self.events[-1].workflow if self.events else Workflow.NEW

    @property
    def dispute(self) -> IssueEvent | None:
        """The latest event that disputed it, if any."""
        return next((e for e in reversed(self.events) if e.workflow is Workflow.DISPUTED), None)

    @property
    def counts(self) -> bool:
        """Whether it counts for the exit status: open, and not accepted (SPEC §11)."""
        return self.is_open and self.workflow is not Workflow.ACCEPTED

    def state_text(self) -> str:
        """Its whole state in words: ``disputed NOD-0142, resolved by ADJ2 57219``,
        ``accepted: within tolerance agreed with AEMO``, ``investigating, open``."""
        parts = []
        wf = self.workflow
        if wf is Workflow.DISPUTED or (self.dispute is not None and wf is not Workflow.NEW):
            d = self.dispute
            assert d is not None
            parts.append(f"disputed {d.ref}" if d.ref else "disputed")
        if wf is Workflow.ACCEPTED:
            note = self.events[-1].note or ""
            parts.append(f"accepted: {note}" if note else "accepted")
        elif wf is Workflow.INVESTIGATING:
            parts.append("investigating")
        if self.is_open:
            parts.append("open")
        else:
            by = " ".join(
                str(x) for x in (self.resolved_by_designation, self.resolved_by_run_id) if x
            )
            parts.append(f"resolved by {by}" if by else "resolved")
        if wf is Workflow.NEW and self.is_open:
            parts[-1] = "new, open"
        return ", ".join(parts)

    @property
    def id(self) -> str:
        """The short stable id (SPEC §11)."""
        return hashlib.sha256(self.key.encode("utf-8")).hexdigest()[:10]

    @property
    def is_open(self) -> bool:
        """Whether the issue is open."""
        return self.status == "open"

    def document(self) -> dict[str, Any]:
        """The SPEC §8 ``issues`` entry."""
        return {
            "id": self.id,
            "key": self.key,
            "check": self.check,
            "severity": self.severity,
            "participant": self.participant,
            "week": self.week.isoformat(),
            "variable": self.variable,
            "scope": self.scope,
            "timestamp": self.timestamp,
            "position": self.position,
            "figure": self.figure,
            "first_run_id": self.first_run_id,
            "last_run_id": self.last_run_id,
            "status": self.status,
            "resolved_by_run_id": self.resolved_by_run_id,
            "first_seen_at": _iso_utc(self.first_seen_at),
            "last_seen_at": _iso_utc(self.last_seen_at),
            "at_stake": _money(self.at_stake),
            "at_stake_basis": self.at_stake_basis,
            "workflow": self.workflow.value,
            "due": self.due.isoformat() if self.due else None,
            "age_business_days": self.age_business_days,
            "state": self.state_text(),
            "events": [e.document() for e in self.events],
        }


def issues_document(issues: Iterable[Issue]) -> list[dict[str, Any]]:
    """Issues as ``audit.json`` holds them under ``issues`` (SPEC §8, §11): what ``recon
    issues --json`` prints and ``recon serve``'s ``GET /api/issues`` answers."""
    return [i.document() for i in issues]


def cash_issues(issues: Iterable[Issue]) -> list[Issue]:
    """The issues that count (open, not accepted) and carry a cash amount at stake
    (estimates left out, SPEC §10)."""
    return [
        i for i in issues if i.counts and i.at_stake is not None and i.at_stake_basis != "estimate"
    ]


def cash_at_stake(issues: Iterable[Issue]) -> Decimal | None:
    """The cash at stake over the issues that count (open, not accepted) and carry a cash
    amount: the exact sum of their ``at_stake``, estimates left out (SPEC §10); None when
    none carries one."""
    amounts = [i.at_stake for i in cash_issues(issues) if i.at_stake is not None]
    return sum(amounts, Decimal(0)) if amounts else None


def _iso_utc(value: datetime | None) -> str | None:
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.isoformat()


@dataclass
class AuditRun:
    """One run of a week's chain (SPEC §8 ``weeks[].runs`` entry)."""

    run_id: int
    designation: str
    published_at: datetime | None
    amount_due: Decimal | None
    recomputed_total_payable: Decimal | None
    net_adjustment: Decimal | None
    invoice_total_payable: Decimal | None = None

    def document(self) -> dict[str, Any]:
        """The SPEC §8 entry (amounts as decimal strings)."""
        return {
            "run_id": self.run_id,
            "designation": self.designation,
            "published_at": self.published_at.isoformat() if self.published_at else None,
            "amount_due": _money(self.amount_due),
            "recomputed_total_payable": _money(self.recomputed_total_payable),
            "net_adjustment": _money(self.net_adjustment),
        }


def _money(value: Decimal | None) -> str | None:
    return None if value is None else format(_cents(value), "f")


def _cents(value: Decimal) -> Decimal:
    return to_cents(value)


@dataclass
class AuditWeek:
    """One participant's Trading Week: its run chain and how often it was checked."""

    participant: str
    week: date
    runs: list[AuditRun]
    checked: int
    last_checked_at: datetime | None = None

    @property
    def latest_run_id(self) -> int | None:
        """The latest run of the chain."""
        return self.runs[-1].run_id if self.runs else None

    @property
    def position(self) -> Decimal | None:
        """Total Payable after the latest run: INITIAL plus every ADJ's net adjustment
        (recon's figures where it recomputed them, else the invoice's); None if the
        INITIAL figure is unknown."""
        total = Decimal(0)
        for i, r in enumerate(self.runs):
            figure = (
                r.net_adjustment
                if i and r.designation.upper().startswith("ADJ")
                else (
                    r.recomputed_total_payable
                    if r.recomputed_total_payable is not None
                    else r.invoice_total_payable
                )
            )
            if figure is None:
                if i == 0:
                    return None
                continue
            total += figure
        return total

    @property
    def adjustment_total(self) -> Decimal:
        """The sum of the ADJ runs' net adjustments."""
        return sum((r.net_adjustment or Decimal(0) for r in self.runs[1:]), Decimal(0))

    def document(self) -> dict[str, Any]:
        """The SPEC §8 ``weeks`` entry."""
        return {
            "participant": self.participant,
            "week": self.week.isoformat(),
            "runs": [r.document() for r in self.runs],
            "latest_run_id": self.latest_run_id,
            "checked": self.checked,
        }


@dataclass
class CheckRecord:
    """One recorded check of one week (SPEC §8 ``checks`` entry)."""

    check_id: int
    checked_at: datetime
    recon_version: str
    command: str
    participant: str
    week: date
    run_ids: list[int]
    counts: dict[str, int]
    inputs_sha256: list[str]
    outputs: OutputsState = OutputsState.UNKNOWN

    def document(self) -> dict[str, Any]:
        """The SPEC §8 entry (and ``outputs``: whether its outputs were written)."""
        return {
            "checked_at": _iso_utc(self.checked_at),
            "recon_version": self.recon_version,
            "participant": self.participant,
            "week": self.week.isoformat(),
            "run_ids": self.run_ids,
            "counts": self.counts,
            "inputs_sha256": self.inputs_sha256,
            "outputs": self.outputs.value,
        }


@dataclass
class Audit:
    """What ``recon audit`` reports for a range of Trading Weeks (SPEC §8)."""

    start: date
    end: date
    participant: str | None
    weeks: list[AuditWeek] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    checks: list[CheckRecord] = field(default_factory=list)
    generated_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    recon_version: str = __version__

    @property
    def open_errors(self) -> list[Issue]:
        """Open issues of severity error that count (an ``accepted`` one does not)."""
        return [i for i in self.issues if i.counts and i.severity == "error"]

    @property
    def accepted(self) -> list[Issue]:
        """Open issues the team accepted (listed, not counted)."""
        return [i for i in self.issues if i.is_open and i.workflow is Workflow.ACCEPTED]

    @property
    def exit_code(self) -> int:
        """0 when no error issue is open in the range, 1 when one is (SPEC §8)."""
        return EXIT_FINDINGS if self.open_errors else EXIT_CLEAN

    @property
    def empty(self) -> bool:
        """Whether the range holds no week of the store (nothing was audited)."""
        return not self.weeks

    @property
    def covered(self) -> str:
        """The dates covered: ``Trading Weeks starting 1 Jul 2024 to 30 Jun 2025``."""
        who = f" ({self.participant})" if self.participant else ""
        return f"Trading Weeks starting {range_text(self.start, self.end)}{who}"

    def empty_line(self) -> str:
        """What an audit of a range with no week held says (instead of a verdict)."""
        who = f" of {self.participant}" if self.participant else ""
        return (
            f"No Trading Week{who} held in the store starts from "
            f"{range_text(self.start, self.end)}: nothing to audit."
        )

    def verdict(self) -> str:
        """One sentence for the terminal and the reports."""
        if self.empty:
            return self.empty_line()
        n_open = sum(1 for i in self.issues if i.is_open)
        n_res = len(self.issues) - n_open
        weeks = len(self.weeks)
        unchecked = sum(1 for w in self.weeks if not w.checked)
        head = (
            f"{len(self.open_errors)} error issue(s) open"
            if self.open_errors
            else "No error issue open"
        )
        tail = f"; {unchecked} week(s) never checked" if unchecked else ""
        accepted = len(self.accepted)
        held = f" ({accepted} accepted)" if accepted else ""
        return (
            f"{head}: {weeks} week(s), {len(self.checks)} check(s) recorded, "
            f"{n_open} issue(s) open{held}, {n_res} resolved{tail}."
        )

    def frames(self) -> dict[str, Any]:
        """The audit as pandas DataFrames: ``weeks`` (one row per week), ``runs`` (one row
        per run of each week's chain), ``issues`` and ``checks``.

        Amounts are exact ``decimal128(23, 8)`` (pandas ``ArrowDtype``), never floats.
        """
        # start-up: pandas costs 600 ms to import (python -X importtime, 2026-12-05); only
        # frames() needs it
        import pandas as pd

        money = pa.decimal128(23, 8)

        def table(rows: list[dict[str, Any]], schema: pa.Schema) -> pd.DataFrame:
            return pa.Table.from_pylist(rows, schema=schema).to_pandas(types_mapper=pd.ArrowDtype)

        weeks = table(
            [
                {
                    "participant": w.participant,
                    "week": w.week,
                    "latest_run_id": w.latest_run_id,
                    "runs": len(w.runs),
                    "position": w.position,
                    "net_adjustments": w.adjustment_total,
                    "checked": w.checked,
                    "last_checked_at": w.last_checked_at,
                }
                for w in self.weeks
            ],
            pa.schema(
                [
                    ("participant", pa.string()),
                    ("week", pa.date32()),
                    ("latest_run_id", pa.int64()),
                    ("runs", pa.int64()),
                    ("position", money),
                    ("net_adjustments", money),
                    ("checked", pa.int64()),
                    ("last_checked_at", pa.timestamp("us")),
                ]
            ),
        )
        runs = table(
            [
                {
                    "participant": w.participant,
                    "week": w.week,
                    "run_id": r.run_id,
                    "designation": r.designation,
                    "published_at": r.published_at,
                    "amount_due": r.amount_due,
                    "recomputed_total_payable": r.recomputed_total_payable,
                    "net_adjustment": r.net_adjustment,
                }
                for w in self.weeks
                for r in w.runs
            ],
            pa.schema(
                [
                    ("participant", pa.string()),
                    ("week", pa.date32()),
                    ("run_id", pa.int64()),
                    ("designation", pa.string()),
                    ("published_at", pa.timestamp("us")),
                    ("amount_due", money),
                    ("recomputed_total_payable", money),
                    ("net_adjustment", money),
                ]
            ),
        )
        issue_cols = [
            ("id", pa.string()),
            ("key", pa.string()),
            ("check", pa.string()),
            ("severity", pa.string()),
            ("participant", pa.string()),
            ("week", pa.date32()),
            ("variable", pa.string()),
            ("scope", pa.string()),
            ("timestamp", pa.string()),
            ("position", pa.int64()),
            ("figure", pa.string()),
            ("first_run_id", pa.int64()),
            ("last_run_id", pa.int64()),
            ("status", pa.string()),
            ("resolved_by_run_id", pa.int64()),
            ("first_seen_at", pa.timestamp("us")),
            ("last_seen_at", pa.timestamp("us")),
            ("resolved_at", pa.timestamp("us")),
            ("message", pa.string()),
            ("at_stake", money),
            ("at_stake_basis", pa.string()),
            ("workflow", pa.string()),
            ("due", pa.date32()),
            ("age_business_days", pa.int64()),
            ("state", pa.string()),
        ]
        issues = table(
            [
                {
                    **{c: getattr(i, c) for c, _ in issue_cols[:-4]},
                    "workflow": i.workflow.value,
                    "due": i.due,
                    "age_business_days": i.age_business_days,
                    "state": i.state_text(),
                }
                for i in self.issues
            ],
            pa.schema(issue_cols),
        )
        checks = table(
            [
                {
                    "check_id": c.check_id,
                    "checked_at": c.checked_at,
                    "recon_version": c.recon_version,
                    "command": c.command,
                    "participant": c.participant,
                    "week": c.week,
                    "run_ids": c.run_ids,
                    "errors": c.counts["error"],
                    "warnings": c.counts["warning"],
                    "info": c.counts["info"],
                    "inputs_sha256": c.inputs_sha256,
                    "outputs": c.outputs.value,
                }
                for c in self.checks
            ],
            pa.schema(
                [
                    ("check_id", pa.int64()),
                    ("checked_at", pa.timestamp("us")),
                    ("recon_version", pa.string()),
                    ("command", pa.string()),
                    ("participant", pa.string()),
                    ("week", pa.date32()),
                    ("run_ids", pa.list_(pa.int64())),
                    ("errors", pa.int64()),
                    ("warnings", pa.int64()),
                    ("info", pa.int64()),
                    ("inputs_sha256", pa.list_(pa.string())),
                    ("outputs", pa.string()),
                ]
            ),
        )
        return {"weeks": weeks, "runs": runs, "issues": issues, "checks": checks}

    def document(self) -> dict[str, Any]:
        """``audit.json`` (SPEC §8)."""
        return {
            "recon_version": self.recon_version,
            "generated_at": self.generated_at.isoformat(),
            "from": self.start.isoformat(),
            "to": self.end.isoformat(),
            "weeks": [w.document() for w in self.weeks],
            "issues": issues_document(self.issues),
            "checks": [c.document() for c in self.checks],
        }
