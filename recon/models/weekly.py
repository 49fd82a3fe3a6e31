"""What a ``recon weekly`` run set out to check and what it did, as plain data.

The store plans the weeks (:func:`recon.store.query.plan_weeks` gives a :class:`WeekPlan`),
the pipeline runs them (:mod:`recon.pipeline.weekly` gives a :class:`WeeklyDone`), and the
digest (:mod:`recon.notify`) and the terminal read what it did. No I/O.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from recon.models.results import CheckResult

WeekKey = tuple[str, date]
"""(participant, the Trading Week's first day)."""


@dataclass
class WeekPlan:
    """The weeks a weekly run checks.

    Attributes:
        weeks: (participant, week) pairs, sorted by week.
        watermark_utc: The latest ``ingested_at_utc`` covered (recorded for the next run).
        reason: How they were chosen, for the log.
    """

    weeks: list[WeekKey]
    watermark_utc: datetime | None
    reason: str


@dataclass
class WeekDone:
    """One week a weekly run checked (or could not).

    Attributes:
        participant, week: The week.
        result: Its :class:`~recon.models.results.CheckResult`, or None when it could not
            be checked.
        folder: Where its reports were written (None when it could not be checked).
    """

    participant: str
    week: date
    result: CheckResult | None
    folder: Path | None


@dataclass
class WeeklyDone:
    """What a finished weekly run did, for what follows it (the digest).

    Attributes:
        started_at_utc: When the run started (naive UTC, as the store keeps times): every
            check it recorded is later.
        today: The day naming its report folder.
        out_root: Where its reports went.
        plan: The weeks it set out to check.
        weeks: Each week checked, in order.
        problems: What could not run, one line each.
        exit_code: Its exit status (0, 1 or 2).
        recorded: Whether the run was recorded (not when something could not run).
    """

    started_at_utc: datetime
    today: date
    out_root: Path
    plan: WeekPlan
    weeks: list[WeekDone]
    problems: list[str]
    exit_code: int
    recorded: bool
