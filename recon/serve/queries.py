"""What the pages read from the store beyond the audit: a week's latest check (its
coverage and findings), an issue's findings across checks, and the values a finding is
about in every run held.

Read-only SQL over the tables :mod:`recon.store.history` and :mod:`recon.store.ingest`
write. Nothing here decides anything: coverage and findings are shown as the check
recorded them, values as they were stored (a value held in two forms is shown in each;
two forms that differ are both shown, never one chosen).
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from recon.models.findings import Finding
from recon.models.results import RunCoverage
from recon.store.db import Store, from_column
from recon.wem.calendar import trading_day_of
from recon.wem.variables import VariableNameError, parse_variable

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RecordedFinding:
    """A finding as a check recorded it, with the issue it belongs to."""

    finding: Finding
    issue_key: str
    check_id: int
    checked_at: datetime


@dataclass
class RunCovered:
    """One run as a recorded check covered it."""

    coverage: RunCoverage
    artefacts: list[str] = field(default_factory=list)
    published_at: datetime | None = None
    amount_due: Decimal | None = None
    recomputed_total_payable: Decimal | None = None


@dataclass(frozen=True)
class HeldValue:
    """One value held in the store for a finding's variable, scope and time.

    Attributes:
        run_id: The run whose artefact holds it.
        artefact: The artefact kind and form (``summary_csv``, ``detail_zip``, ...).
        value: The value as stored (a Summary value as it was written).
        day: The Settlement Trading Day of a Detail row (None for a Summary value).
    """

    run_id: int
    artefact: str
    value: Decimal
    day: date | None = None


def latest_check(store: Store, participant: str, week: date) -> tuple[int, datetime] | None:
    """The latest recorded check of a week: (check id, when, UTC), or None."""
    row = store.one(
        "SELECT check_id, checked_at_utc FROM checks WHERE participant = ? AND week = ? "
        "ORDER BY checked_at_utc DESC, check_id DESC LIMIT 1",
        [participant, week],
    )
    return (int(row[0]), row[1]) if row else None


def coverage_of(store: Store, check_id: int, participant: str, week: date) -> list[RunCovered]:
    """What one recorded check could check of each run of a week (SPEC §6 coverage)."""
    out = []
    for (
        period,
        run_id,
        designation,
        published,
        artefacts,
        summary,
        detail_days,
        period_days,
        invoice_json,
        invoice_pdf,
        previous_run,
        notes,
        amount_due,
        recomputed,
    ) in store.rows(
        "SELECT period, run_id, designation, published_at, artefacts, summary, detail_days, "
        "period_days, invoice_json, invoice_pdf, previous_run, notes, amount_due, "
        "recomputed_total_payable FROM check_runs WHERE check_id = ? AND participant = ? "
        "AND week = ? ORDER BY published_at NULLS LAST, run_id",
        [check_id, participant, week],
    ):
        out.append(
            RunCovered(
                coverage=RunCoverage(
                    participant=participant,
                    period=period,
                    run_id=run_id,
                    designation=designation,
                    summary=summary,
                    detail_days=detail_days,
                    period_days=period_days,
                    invoice_json=invoice_json,
                    invoice_pdf=invoice_pdf,
                    previous_run=previous_run,
                    notes=list(notes or []),
                ),
                artefacts=sorted(a for a in artefacts or [] if ":" not in a),
                published_at=published,
                amount_due=amount_due,
                recomputed_total_payable=recomputed,
            )
        )
    return out


def _finding(text: str) -> Finding:
    return Finding.model_validate(json.loads(text))


def findings_of(store: Store, check_id: int, participant: str, week: date) -> list[RecordedFinding]:
    """Every finding one recorded check made about a week, in the check's order."""
    return [
        RecordedFinding(_finding(text), key, check_id, at)
        for key, text, at in store.rows(
            "SELECT f.issue_key, f.finding, c.checked_at_utc FROM check_findings f JOIN checks c "
            "ON c.check_id = f.check_id AND c.participant = f.participant AND c.week = f.week "
            "WHERE f.check_id = ? AND f.participant = ? AND f.week = ? ORDER BY f.ord",
            [check_id, participant, week],
        )
    ]


def issue_findings(store: Store, participant: str, week: date, key: str) -> list[RecordedFinding]:
    """Every recorded finding of one issue, oldest check first."""
    return [
        RecordedFinding(_finding(text), key, int(cid), at)
        for cid, at, text in store.rows(
            "SELECT f.check_id, c.checked_at_utc, f.finding FROM check_findings f JOIN checks c "
            "ON c.check_id = f.check_id AND c.participant = f.participant AND c.week = f.week "
            "WHERE f.participant = ? AND f.week = ? AND f.issue_key = ? "
            "ORDER BY c.checked_at_utc, f.check_id, f.ord",
            [participant, week, key],
        )
    ]


def trading_day_named(text: str | None) -> date | None:
    """The Trading Day a finding's timestamp names: a date, or the day an interval's start
    falls in (an interval after midnight belongs to the day before)."""
    if not text:
        return None
    try:
        if "T" in text:
            return trading_day_of(datetime.fromisoformat(text))
        return date.fromisoformat(text[:10])
    except ValueError:
        return None


def values_held(
    store: Store,
    participant: str,
    week: date,
    variable: str | None,
    scope: str | None,
    timestamp: str | None,
    position: int | None,
) -> list[HeldValue]:
    """The values a finding is about, in every run of the week held, in every form held.

    A Summary variable (scope P, granularity D) gives its Summary values of the day and
    the Detail's copy of it (scope: the finding's, else the participant); any other
    variable its Detail value at ``position`` (an interval variable: nothing without one;
    a Trading Day or coarser value: its only element).
    Nothing when the finding names no variable or no Trading Day, or the variable does
    not decode.
    """
    day = trading_day_named(timestamp)
    if not variable or day is None:
        return []
    try:
        name = parse_variable(variable)
    except VariableNameError:
        return []
    out: list[HeldValue] = []
    summary = name.scope == "P" and name.granularity.value == "D"
    if summary:
        out.extend(
            HeldValue(run_id, kind, from_column(value, form))
            for run_id, kind, value, form in store.rows(
                "SELECT s.run_id, f.kind, s.value, s.value_form FROM summary_values s "
                "JOIN files f ON f.sha256 = s.sha256 WHERE s.participant = ? AND s.week = ? "
                'AND s.variable = ? AND s."timestamp" = ? ORDER BY s.run_id, f.kind',
                [participant, week, variable, day],
            )
        )
    where_scope = scope if scope is not None else (participant if summary else None)
    if where_scope is None:
        return out
    if name.granularity.value in ("I", "DI") and not position:
        return out  # a finding about several intervals names none of them
    index = position if name.granularity.value in ("I", "DI") else 1
    out.extend(
        HeldValue(run_id, kind, value, settlement_day)
        for run_id, kind, settlement_day, value in store.rows(
            "SELECT d.run_id, f.kind, d.settlement_trading_day, list_extract(d.value, ?) "
            "FROM detail_values d JOIN files f ON f.sha256 = d.sha256 WHERE d.participant = ? "
            'AND d.week = ? AND d.variable = ? AND d.scope = ? AND d."timestamp" = ? '
            "ORDER BY d.run_id, f.kind, d.settlement_trading_day",
            [index, participant, week, variable, where_scope, day],
        )
        if value is not None
    )
    return out


def week_span(store: Store) -> tuple[date, date] | None:
    """The first and last Trading Week held (runs or checks), or None for an empty store."""
    row = store.one(
        "SELECT min(week), max(week) FROM (SELECT week FROM runs UNION ALL SELECT week FROM checks)"
    )
    if not row or row[0] is None:
        return None
    return row[0], row[1]


def participants(store: Store) -> list[str]:
    """Every participant held (runs or checks), sorted."""
    return [
        r[0]
        for r in store.rows(
            "SELECT DISTINCT participant FROM (SELECT participant FROM runs UNION ALL "
            "SELECT participant FROM checks) ORDER BY participant"
        )
    ]
