"""The Notice of Disagreement draft: every error finding in the form AEMO needs.

A participant that disagrees with a Settlement Statement raises a Notice of Disagreement
with AEMO naming the run, the Trading Week, the variable, the Trading Day or interval, the
figure AEMO published and the figure it believes is right. :func:`disagreement_rows`
turns each ``error`` finding of a check into one such row; the Excel and HTML reports
both show these rows, so the two never disagree.

In a finding ``actual`` is AEMO's figure, ``expected`` recon's, and ``difference`` is
AEMO's minus recon's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from recon.models.findings import CHECKS, Finding, Severity
from recon.models.results import CheckResult
from recon.report.formatting import as_figure, to_awst
from recon.wem import calendar
from recon.wem.granularity import RULES, Granularity
from recon.wem.variables import VariableNameError, parse_variable

_LENGTH = {Granularity.I: calendar.TRADING_INTERVAL, Granularity.DI: calendar.DISPATCH_INTERVAL}


@dataclass(frozen=True)
class DisagreementRow:
    """One line of the draft.

    Attributes:
        participant: ParticipantCode.
        period: The Trading Week label.
        run_id: The run disputed.
        designation: INITIAL or ADJn.
        check: The check id that found it.
        variable: The variable (or invoice figure) disputed.
        scope: The raw Scope string, where one applies.
        when: The Trading Day, interval or other time the figure belongs to, in words.
        aemo: AEMO's figure (a Decimal when it is a number).
        recon: recon's figure.
        difference: AEMO's minus recon's.
        reason: One sentence saying why recon disagrees.
        source: Where AEMO's figure was read.
    """

    participant: str
    period: str
    run_id: int | None
    designation: str
    check: str
    variable: str
    scope: str
    when: str
    aemo: Decimal | str | None
    recon: Decimal | str | None
    difference: Decimal | str | None
    reason: str
    source: str


def disagreement_rows(result: CheckResult) -> list[DisagreementRow]:
    """Build the draft from a check's error findings.

    Returns:
        One row per ``error`` finding, by participant, Trading Week and run, the largest
        absolute difference first within a run, then in findings order.
    """
    errors = [f for f in result.findings if f.severity is Severity.ERROR]
    rows = [_row(f) for f in errors]
    order = {id(r): i for i, r in enumerate(rows)}

    def key(r: DisagreementRow) -> tuple[str, str, int, int, Decimal, int]:
        diff = r.difference if isinstance(r.difference, Decimal) else None
        return (
            r.participant,
            r.period,
            r.run_id or 0,
            diff is None,
            -abs(diff) if diff is not None else Decimal(0),
            order[id(r)],
        )

    return sorted(rows, key=key)


def _row(f: Finding) -> DisagreementRow:
    return DisagreementRow(
        participant=f.participant or "",
        period=f.period or "",
        run_id=f.run_id,
        designation=f.designation or "",
        check=f.check,
        variable=f.variable or "",
        scope=f.scope or "",
        when=when_text(f.variable, f.timestamp, f.period),
        aemo=as_figure(f.actual),
        recon=as_figure(f.expected),
        difference=as_figure(f.difference),
        reason=reason_text(f),
        source=f.source or "",
    )


def reason_text(finding: Finding) -> str:
    """The finding's message as one sentence (whitespace collapsed, a full stop at the end).

    A finding without a message falls back to the check's description.
    """
    text = re.sub(r"\s+", " ", finding.message or "").strip()
    if not text:
        text = CHECKS[finding.check][1]
        text = text[:1].upper() + text[1:]
    return text if text.endswith((".", "!", "?")) else text + "."


def when_text(variable: str | None, timestamp: str | None, period: str | None) -> str:
    """Say which Trading Day, interval or period a figure belongs to.

    Args:
        variable: The variable; its granularity says how long an interval is.
        timestamp: A date (``2023-10-03``) or an interval start (ISO 8601, AWST if naive).
        period: The Trading Week, used when there is no timestamp.

    Returns:
        e.g. ``Trading Interval 2023-10-03 16:00–16:30 AWST (Trading Day 2023-10-03)``,
        ``Trading Day 2023-10-03``, or ``Trading Week TW 01 Oct 2023``.
    """
    if not timestamp:
        return f"Trading Week {period}" if period else ""
    granularity = _granularity(variable)
    try:
        instant: datetime | date = (
            datetime.fromisoformat(timestamp) if "T" in timestamp else date.fromisoformat(timestamp)
        )
    except ValueError:
        return timestamp
    if isinstance(instant, datetime):
        start = to_awst(instant)
        day = calendar.trading_day_of(start)
        length: timedelta | None = _LENGTH.get(granularity) if granularity else None
        if length is None:
            return f"{start:%Y-%m-%d %H:%M} AWST (Trading Day {day.isoformat()})"
        name = RULES[granularity].name if granularity else "Interval"
        end = start + length
        return f"{name} {start:%Y-%m-%d %H:%M}–{end:%H:%M} AWST (Trading Day {day.isoformat()})"
    if granularity is None or granularity in (Granularity.D, Granularity.I, Granularity.DI):
        return f"Trading Day {instant.isoformat()}"
    return f"{RULES[granularity].name} {instant.isoformat()}"


def _granularity(variable: str | None) -> Granularity | None:
    if not variable:
        return None
    try:
        return parse_variable(variable).granularity
    except VariableNameError:
        return None
