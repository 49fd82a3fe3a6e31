"""The Notice of Disagreement draft: one item per root cause, in the form AEMO needs.

A participant that disagrees with a Settlement Statement raises a Notice of Disagreement
with AEMO naming the run, the Trading Week, the variable, the Trading Day or Trading
Interval, the figure published and the figure it should match. :func:`disagreement_rows`
turns the ``error`` findings of a check into such items, one per root cause (SPEC §10):
the root's row, with the cash it puts at stake and the rows of its consequences beneath it
(a total that differs because a line does is one problem, disputed once). The Excel and
HTML reports show the items; :func:`write_disagreement_csv` writes ``disagreement.csv``,
one row per item, to paste into AEMO's form.

Each side of a row says who gives the figure and in which form: ``AEMO, Invoice JSON``,
``AEMO, Detail ZIP``, ``recon, recomputed from the Summary``. Where AEMO's two forms of one
artefact disagree (JSON vs ZIP, Summary vs Detail, PDF vs JSON), both sides are AEMO's. The
money columns hold amounts only; a finding without an amount leaves them empty and says
why in words.

In a finding ``actual`` is the figure disputed, ``expected`` the one it should match, and
``difference`` is ``actual - expected``.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from recon.atomic import atomic_write_bytes
from recon.models.findings import CHECKS, AtStakeBasis, CheckId, Finding, Severity
from recon.models.labels import ARTEFACT_KINDS, artefact_name
from recon.models.results import CheckResult
from recon.reconcile.invoice_terms import figure_of_source
from recon.report.formatting import as_figure, to_awst
from recon.report.view import week_start
from recon.text import safe_text
from recon.wem import calendar
from recon.wem.granularity import RULES, Granularity
from recon.wem.variables import VariableNameError, parse_variable

_LENGTH = {Granularity.I: calendar.TRADING_INTERVAL, Granularity.DI: calendar.DISPATCH_INTERVAL}
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_TEXT_SHOWN = 40
"""Longest non-numeric figure quoted in the words of a row without an amount."""


@dataclass(frozen=True)
class DisagreementRow:
    """One line of the draft.

    Attributes:
        participant: ParticipantCode.
        period: The Trading Week label.
        week: The Trading Week in words, with its dates (``TW 01 Dec 2024, 1–7 Dec 2024``).
        run_id: The run disputed.
        designation: INITIAL or ADJn.
        check: The check id(s) that found it (``; ``-joined when two found one figure).
        variable: The variable (or invoice figure) disputed.
        description: What the variable is, where recon knows (an invoice line's text).
        scope: The raw Scope string, where one applies.
        when: The Trading Interval (number, AWST start–end, date), Trading Day or Week.
        interval_start: The interval's start (AWST), for a finding about one interval.
        interval_end: The interval's end (AWST).
        disputed: The figure disputed (the finding's ``actual``): an amount, or None.
        disputed_by: Who gives it and in which form (``AEMO, Invoice JSON``).
        against: The figure it should match (the finding's ``expected``), or None.
        against_by: Who gives that one and in which form.
        difference: ``disputed - against``, or None.
        no_amount: Why a money column is empty, in words ('' when both amounts are there).
        reason: One sentence saying why recon disagrees.
        source: Where the disputed figure was read.
        id: The finding's id (SPEC §10), '' for a check saved without ids.
        at_stake: For a root cause, the cash at stake (the change in the invoice's Amount
            Due its correction makes, from the participant's side: positive, AEMO owes the
            participant) or an estimate (``at_stake_basis``); None when recon cannot say.
        at_stake_basis: ``cash``, ``estimate`` or ''.
        consequences: For a root cause, the rows of the findings it explains (beneath it
            in the draft); empty for a consequence.
    """

    participant: str
    period: str
    week: str
    run_id: int | None
    designation: str
    check: str
    variable: str
    description: str
    scope: str
    when: str
    interval_start: datetime | None
    interval_end: datetime | None
    disputed: Decimal | None
    disputed_by: str
    against: Decimal | None
    against_by: str
    difference: Decimal | None
    no_amount: str
    reason: str
    source: str
    id: str = ""
    at_stake: Decimal | None = None
    at_stake_basis: str = ""
    consequences: tuple[DisagreementRow, ...] = ()

    @property
    def stake_words(self) -> str:
        """Who owes whom, in words: ``AEMO owes you``, ``you owe AEMO``, ``no cash at
        stake``, ``estimate: AEMO would owe you``; '' when nothing is stated."""
        return stake_words(self.at_stake, self.at_stake_basis)

    @property
    def run(self) -> str:
        """``ADJ1, run 53874``."""
        return f"{self.designation}, run {self.run_id}" if self.run_id else self.designation


def stake_words(at_stake: Decimal | None, basis: str) -> str:
    """An amount at stake in words, from the participant's side (see
    :attr:`DisagreementRow.stake_words`)."""
    if at_stake is None:
        return ""
    if basis == AtStakeBasis.ESTIMATE.value:
        if at_stake == 0:
            return "estimate: no change"
        return "estimate: AEMO would owe you" if at_stake > 0 else "estimate: you would owe AEMO"
    if at_stake == 0:
        return "no cash at stake"
    return "AEMO owes you" if at_stake > 0 else "you owe AEMO"


def root_findings(result: CheckResult) -> list[tuple[Finding, list[Finding]]]:
    """The root causes of the error findings, each with its consequences, in findings
    order (a finding saved without an id is its own root, with none)."""
    by_id = {f.id: f for f in result.findings if f.id}
    beneath: dict[str, list[Finding]] = {}
    for f in result.findings:
        if f.cause:
            beneath.setdefault(f.cause, []).append(f)
    out: list[tuple[Finding, list[Finding]]] = []
    seen: set[int] = set()
    for f in result.findings:
        if f.severity is not Severity.ERROR:
            continue
        root = by_id.get(f.cause, f) if f.cause else f
        if id(root) not in seen:
            seen.add(id(root))
            out.append((root, beneath.get(root.id, []) if root.id else []))
    return out


def disagreement_rows(result: CheckResult) -> list[DisagreementRow]:
    """Build the draft from a check's error findings: one item per root cause.

    Returns:
        One row per root cause of the error findings, with its ``at_stake`` and the rows of
        its consequences (``consequences``); two findings saved without ids about the same
        figure with the same two amounts are one row. By participant, Trading Week (by
        date) and run; within a run the largest cash at stake first, then the largest
        absolute difference, then in findings order.
    """
    descriptions = _descriptions(result)
    rows: list[DisagreementRow] = []
    seen: dict[tuple[object, ...], int] = {}
    for f, consequences in root_findings(result):
        stake = as_figure(f.at_stake)
        row = _replace(
            _row(f, descriptions),
            id=f.id or "",
            at_stake=stake if isinstance(stake, Decimal) else None,
            at_stake_basis=f.at_stake_basis.value if f.at_stake_basis else "",
            consequences=tuple(_row(c, descriptions) for c in consequences),
        )
        key = (
            row.participant,
            row.period,
            row.run_id,
            row.variable,
            row.scope,
            row.when,
            row.disputed,
            row.against,
            row.source,
        )
        if key in seen and not f.id:  # a check saved without root causes
            first = rows[seen[key]]
            if f.check not in first.check.split("; "):
                rows[seen[key]] = _replace(first, check=f"{first.check}; {f.check}")
            continue
        seen[key] = len(rows)
        rows.append(row)
    order = {id(r): i for i, r in enumerate(rows)}
    designation_order = {"INITIAL": 0}

    def sort_key(r: DisagreementRow) -> tuple[object, ...]:
        des = designation_order.get(r.designation)
        if des is None:
            des = int(r.designation[3:]) if r.designation[3:].isdigit() else 999
        return (
            r.participant,
            week_start(r.period),
            r.period,
            des,
            r.run_id or 0,
            r.at_stake is None,
            -abs(r.at_stake) if r.at_stake is not None else Decimal(0),
            r.difference is None,
            -abs(r.difference) if r.difference is not None else Decimal(0),
            order[id(r)],
        )

    return sorted(rows, key=sort_key)


def _replace(row: DisagreementRow, **changes: Any) -> DisagreementRow:
    return replace(row, **changes)


def _descriptions(result: CheckResult) -> dict[str, str]:
    """Variable -> description, from the invoice lines recon holds."""
    out: dict[str, str] = {}
    for lc in result.lines:
        if lc.description:
            out.setdefault(lc.variable, lc.description)
    for run in result.runs:
        for inv in (run.invoiced, run.computed):
            for li in inv.line_items if inv is not None else []:
                if li.description:
                    out.setdefault(li.variable, li.description)
    return out


def _row(f: Finding, descriptions: dict[str, str]) -> DisagreementRow:
    disputed_by, against_by = sides(f)
    actual, expected = as_figure(f.actual), as_figure(f.expected)
    disputed = actual if isinstance(actual, Decimal) else None
    against = expected if isinstance(expected, Decimal) else None
    diff = as_figure(f.difference)
    difference = diff if isinstance(diff, Decimal) and disputed is not None else None
    if difference is None and disputed is not None and against is not None:
        difference = disputed - against
    start, end = _interval(f)
    return DisagreementRow(
        participant=f.participant or "",
        period=f.period or "",
        week=week_text(f.period),
        run_id=f.run_id,
        designation=f.designation or "",
        check=f.check,
        variable=f.variable or figure_of_source(f.source) or "",
        description=descriptions.get(f.variable or "", ""),
        scope=f.scope or "",
        when=when_text(f),
        interval_start=start,
        interval_end=end,
        disputed=disputed,
        disputed_by=disputed_by,
        against=against,
        against_by=against_by,
        difference=difference,
        no_amount=no_amount_text(f, disputed, against, disputed_by, against_by),
        reason=reason_text(f),
        source=f.source or "",
        id=f.id or "",
    )


def _form(path: str) -> str:
    """``Invoice JSON``, ``Detail ZIP``, ``Summary CSV`` ... from a source reference."""
    p = path.strip()
    name = re.split(r"[#!]", p, maxsplit=1)[0]
    lower = name.lower()
    ext = lower.rsplit(".", 1)[-1].split(":")[0] if "." in lower else ""
    if "!" in p or ext == "zip":
        ext = "zip"
    fmt = {"zip": "ZIP", "csv": "CSV", "json": "JSON", "pdf": "PDF"}.get(ext, ext.upper())
    if "invoice" in lower or ext == "pdf":
        kind = "invoice"
    elif "detail" in lower or ext == "zip":
        kind = "detail"
    elif "summary" in lower:
        kind = "summary"
    else:
        return f"file {fmt}".strip()
    named = f"{kind}_{ext}"
    if named in ARTEFACT_KINDS:
        return artefact_name(named)  # the one name of the kind (Invoice JSON, Detail ZIP)
    return f"{kind.capitalize()} {fmt}".strip()


def sides(f: Finding) -> tuple[str, str]:
    """Who gives the disputed figure and who the one it should match, and in which form.

    Returns:
        ``(disputed_by, against_by)``, e.g. ``("AEMO, Invoice JSON", "recon, recomputed
        from the Summary")``.
    """
    src = f.source or ""
    first, _, second = src.partition(" vs ")
    form = _form(first) if first else "settlement files"
    if f.check in (CheckId.INVOICE_LINE, CheckId.INVOICE_LINE_MISSING):
        return f"AEMO, {form}", "recon, recomputed from the Summary"
    if f.check == CheckId.INVOICE_TOTAL:
        if "recon's recomputed figure" in f.message:
            return f"AEMO, {form}", "recon, recomputed from the Summary"
        if "no Adjustment Information" in f.message:
            return f"AEMO, {form}", "recon, recomputed from the Summaries"
        return f"AEMO, {form}", f"recon, added up from the same {form}"
    if f.check == CheckId.INVOICE_PDF_JSON:
        return "AEMO, Invoice PDF", "AEMO, Invoice JSON"
    if f.check == CheckId.ADJUSTMENT_CHAIN:
        if f.difference is not None:
            return "AEMO, the run chain's invoices added up", (
                "recon, the latest run recomputed from its Summary"
            )
        return "AEMO, run headers", "recon, the run chain expected"
    if f.check == CheckId.SUMMARY_DETAIL_VALUE:  # "Summary vs Detail": actual is the Summary's
        return (
            f"AEMO, {_form(first) if second else 'Summary'}",
            f"AEMO, {_form(second) if second else 'Detail'}",
        )
    if second:  # two forms of AEMO's: expected is read from the first, actual from the second
        if f.check == CheckId.OWN_VALUE:
            return f"AEMO, {_form(second)}", "you, your own data"
        return f"AEMO, {_form(second)}", f"AEMO, {_form(first)}"
    if f.check == CheckId.OWN_VALUE:
        return f"AEMO, {form}", "you, your own data"
    return f"AEMO, {form}", "recon, what the Guide requires"


def no_amount_text(
    f: Finding,
    disputed: Decimal | None,
    against: Decimal | None,
    disputed_by: str,
    against_by: str,
) -> str:
    """Why a money column is empty, in words ('' when both amounts are there)."""
    if disputed is not None and against is not None:
        return ""
    if disputed is None and against is None:
        text = f"No amount: {CHECKS[f.check][1]}"
        quoted = [
            f"{word} {value}"
            for word, value in (("expected", f.expected), ("found", f.actual))
            if value and len(value) <= _TEXT_SHOWN and "[" not in value
        ]
        if quoted:
            text += f" ({', '.join(quoted)})"
    elif disputed is None:
        text = f"No amount from {disputed_by}: the figure is absent or not a number"
    else:
        text = f"No amount from {against_by}: there is none to compare with"
    return text + "."


def reason_text(finding: Finding) -> str:
    """The finding's message as one sentence (whitespace collapsed, a full stop at the end).

    A finding without a message falls back to the check's description.
    """
    text = re.sub(r"\s+", " ", finding.message or "").strip()
    if not text:
        text = CHECKS[finding.check][1]
        text = text[:1].upper() + text[1:]
    return text if text.endswith((".", "!", "?")) else text + "."


def day_text(day: date) -> str:
    """``4 Dec 2024`` (English month names whatever the locale)."""
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


def week_text(period: str | None) -> str:
    """``TW 01 Dec 2024, 1–7 Dec 2024``; the label as is when it does not parse."""
    if not period:
        return ""
    start = week_start(period)
    if start == date.max:
        return period
    end = start + timedelta(days=calendar.DAYS_PER_TRADING_WEEK - 1)
    if (start.year, start.month) == (end.year, end.month):
        span = f"{start.day}–{day_text(end)}"
    elif start.year == end.year:
        span = f"{start.day} {_MONTHS[start.month - 1]} – {day_text(end)}"
    else:
        span = f"{day_text(start)} – {day_text(end)}"
    return f"{period}, {span}"


def _granularity(variable: str | None) -> Granularity | None:
    if not variable:
        return None
    try:
        return parse_variable(variable).granularity
    except VariableNameError:
        return None


def _instant(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        return to_awst(datetime.fromisoformat(text))
    except ValueError:
        return None


def _interval(f: Finding) -> tuple[datetime | None, datetime | None]:
    """The AWST start and end of the interval a finding is about (SPEC §5 fields)."""
    start, end = _instant(f.interval_start), _instant(f.interval_end)
    if start is not None and end is None:
        g = _granularity(f.variable)
        length = _LENGTH.get(g) if g else None
        end = start + length if length else None
    return start, end


def _number(start: datetime, length: timedelta) -> int | None:
    """The 1-based number of the interval of ``length`` starting at ``start`` in its
    Trading Day, or None when ``start`` is not on an interval boundary."""
    offset = start - calendar.trading_day_start(calendar.trading_day_of(start))
    k, rest = divmod(offset, length)
    return None if rest else k + 1


def _interval_text(
    g: Granularity, start: datetime, end: datetime | None, position: int | None
) -> str:
    """``Trading Interval 23, 19:00–19:30 AWST, 4 Dec 2024`` (I or DI); a range of several
    intervals reads ``Trading Intervals 5–7, 10:00–11:30 AWST, 2 Dec 2024``."""
    length = _LENGTH[g]
    end = end if end is not None else start + length
    first = position or _number(start, length)
    count = (end - start) // length
    name = RULES[g].name
    if count > 1 and first is not None:
        label = f"{name}s {first}–{first + count - 1}"
    else:
        label = f"{name} {first}" if first is not None else name
    day = calendar.trading_day_of(start)
    text = f"{label}, {start:%H:%M}–{end:%H:%M} AWST, {day_text(start.date())}"
    if day != start.date():
        text += f" (Trading Day {day_text(day)})"
    return text


def period_text(g: Granularity | None, day: date) -> str:
    """The day or period a value of granularity ``g`` dated ``day`` is about, in words.

    ``Trading Day 5 Dec 2024`` (D, and when the granularity is unknown); ``Trading Month
    Dec 2024``; ``Capacity Year 2024 (from 1 Oct 2024)``; ``Financial Year 2024-25 (from 1
    Jul 2024)``; an X value ``dated 5 Dec 2024``.
    """
    if g is Granularity.M:
        return f"Trading Month {_MONTHS[day.month - 1]} {day.year}"
    if g is Granularity.CY:
        return f"Capacity Year {day.year} (from {day_text(day)})"
    if g is Granularity.FY:
        return f"Financial Year {day.year}-{(day.year + 1) % 100:02d} (from {day_text(day)})"
    if g is Granularity.X:
        return f"dated {day_text(day)}"
    return f"Trading Day {day_text(day)}"


def when_text(f: Finding) -> str:
    """Say which Trading Interval, Trading Day or Trading Week a finding is about.

    This is the one function that labels a finding's time, for the terminal, both reports
    and the Disagreement draft. Only a finding about a Trading or Dispatch Interval (an I or
    DI variable with ``interval_start``, SPEC §5) names an interval: ``Trading Interval 23,
    19:00–19:30 AWST, 4 Dec 2024``, with the Trading Day added when the interval falls after
    midnight. A finding about a Trading Day (granularity D) or a coarser value names its
    day or period (``Trading Day 5 Dec 2024``, :func:`period_text`), even when a result
    saved by an older recon gave it an interval; a finding about the whole run names the
    week (``Trading Week TW 01 Dec 2024, 1–7 Dec 2024``).
    """
    g = _granularity(f.variable)
    start, end = _interval(f)
    interval = g in _LENGTH or (g is None and start is not None and f.position is not None)
    if start is not None and interval:
        return _interval_text(g or Granularity.I, start, end, f.position)
    ts = f.timestamp
    if ts:
        try:
            instant: datetime | date = (
                datetime.fromisoformat(ts) if "T" in ts else date.fromisoformat(ts)
            )
        except ValueError:
            return ts
        if isinstance(instant, datetime):
            aw = to_awst(instant)
            if g in _LENGTH:
                assert g is not None
                return _interval_text(g, aw, None, f.position)
            day = calendar.trading_day_of(aw)
            if g is None:
                return f"{aw:%H:%M} AWST, {day_text(aw.date())} (Trading Day {day_text(day)})"
            return period_text(g, day)
        return period_text(g, instant)
    if start is not None:  # no Timestamp, an interval of no known granularity
        day = calendar.trading_day_of(start)
        return period_text(Granularity.D, day)
    return f"Trading Week {week_text(f.period)}" if f.period else ""


# ---------------------------------------------------------------------------------------------
# disagreement.csv: one row per root cause, to paste into AEMO's form
# ---------------------------------------------------------------------------------------------

CSV_NAME = "disagreement.csv"

CSV_COLUMNS = (
    "Participant",
    "Run",
    "Trading Week",
    "Variable or figure",
    "Trading Day or interval",
    "AEMO's figure",
    "Recon's figure",
    "Difference",
    "At stake",
    "Reason",
    "Consequences",
)
"""The columns of ``disagreement.csv``. AEMO's figure is the one disputed, recon's the one
it should match (where both are AEMO's, or one is yours, the Reason says whose); At stake
is from the participant's side (positive: AEMO owes you)."""

_FORMULA_LEADS = ("=", "+", "-", "@", "\t", "\r")


def _cell(text: str) -> str:
    """Text for a CSV cell: control characters shown escaped, and text a spreadsheet would
    read as a formula kept as text (a leading apostrophe)."""
    out = safe_text(text)
    return "'" + out if out.startswith(_FORMULA_LEADS) else out


def _amount(value: Decimal | None) -> str:
    return "" if value is None else format(value, "f")


def _consequence_text(root: DisagreementRow, c: DisagreementRow) -> str:
    """A consequence in a few words: its reason, with its variable or figure where the
    reason does not name it, and its run where that is not the root's."""
    text = c.reason if not c.variable or c.variable in c.reason else f"{c.variable}: {c.reason}"
    if (c.participant, c.period, c.run_id) != (root.participant, root.period, root.run_id):
        text += f" [{c.run}]"
    return text


def csv_rows(result: CheckResult) -> list[list[str]]:
    """The rows of ``disagreement.csv`` (header first), one per root cause."""
    rows = [list(CSV_COLUMNS)]
    for d in disagreement_rows(result):
        reason = d.reason
        if not d.against_by.startswith("recon"):
            reason += f" ({d.disputed_by} against {d.against_by}.)"
        if d.no_amount:
            reason += f" {d.no_amount}"
        stake = _amount(d.at_stake)
        if stake and d.at_stake_basis == AtStakeBasis.ESTIMATE.value:
            stake += " (estimate)"
        rows.append(
            [
                _cell(d.participant),
                _cell(d.run),
                _cell(d.period),
                _cell(d.variable + (f" {d.scope}" if d.scope else "")),
                _cell(d.when),
                _amount(d.disputed),
                _amount(d.against),
                _amount(d.difference),
                stake,
                _cell(reason),
                _cell(" | ".join(_consequence_text(d, c) for c in d.consequences)),
            ]
        )
    return rows


def disagreement_csv(result: CheckResult) -> bytes:
    """``disagreement.csv`` as bytes: UTF-8 with a byte order mark (so a spreadsheet opens
    it as UTF-8), comma separated, every field quoted where it must be."""
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerows(csv_rows(result))
    return buf.getvalue().encode("utf-8-sig", errors="backslashreplace")


def write_disagreement_csv(result: CheckResult, path: str | Path) -> Path:
    """Write ``disagreement.csv`` atomically; return its path."""
    p = Path(path)
    atomic_write_bytes(p, disagreement_csv(result))
    return p
