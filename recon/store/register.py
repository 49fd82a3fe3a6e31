"""The issue register and the audit query (SPEC §8), read from the checks
:mod:`recon.store.history` recorded.

**Issue register.** A finding's issue key is (participant, week, check, variable, scope,
timestamp, position, figure): the run is not part of it, so the same discrepancy seen again
in a later run of the week is the same issue, and two totals that differ are two issues.
:func:`build_register` decides each issue from the recorded checks of its week (the rule,
written down for users in ``docs/audit.md``), resolving it only on evidence: a check that
covered a run *for the issue's own ground* (:mod:`recon.store.grounds`: the artefact kind
and form, and for a Detail, own-data or source finding the Trading Day) and did not yield
it there.

* The runs of the week are ordered by PublishedAt (then RunId); an issue's **first run** and
  **last run** are the earliest and latest runs whose findings yielded it.
* Each recorded check of the week, in the order they ran, either **yields** the issue, or
  **clears** it, or says nothing about it:

  - it yields it when one of its findings has the key, in a run that no later run of the
    same check replaces *for that ground* (a statement's ground is replaced by a later
    run holding it; an invoice's never is, so an INITIAL invoice line still reported by
    a later check keeps its issue open);
  - it clears it when it does not yield it and it covered the ground in a run that did not
    yield it: for a statement's ground, a run no earlier than the issue's last run; for a
    run's own artefact (an invoice), every run whose artefact last yielded it;
  - otherwise (a run that does not hold the day, a form missing, no ``--own``) it says
    nothing: the issue stays as the checks before left it.

* The issue is **open** while the latest check that yields or clears it yields it, and
  **resolved** when that check clears it: **resolved by** the earliest run that cleared it
  in the first check to clear it after it was last yielded (**resolved at**: that check).
* An info finding never keeps an error or warning of the same key open and never resolves
  one (only coverage does); a key yielded only as info is an issue of its own.
* A finding with no run (a file recon could not read at all) is about the check's inputs:
  open while the latest check of its week yields it, and resolved by the latest run of the
  first later check that does not.
* ``first_seen_at`` is the first check that yielded it; ``last_seen_at`` the first check
  that yielded it in its last run (so re-checking the same inputs changes no issue's
  history).

**Audit.** :func:`audit` reads, for the Trading Weeks starting in a date range, the runs
held and their invoices' amount due (the ``runs``, ``invoices`` and ``invoice_totals``
tables), the recorded checks and the issue register. It never reads Summary or Detail
values, so its time and memory do not grow with the Detail held.
"""

from __future__ import annotations

import json
import logging
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from recon.models.audit import Audit, AuditRun, AuditWeek, CheckRecord, Issue, OutputsState
from recon.models.findings import Finding
from recon.store.db import Store
from recon.store.grounds import Ground, ground_of
from recon.store.history import WeekKey

log = logging.getLogger(__name__)

_FAR_FUTURE = datetime(9999, 12, 31)


# ------------------------------------------------------------------------------ register


def _where(
    participant: str | None, start: date | None, end: date | None, prefix: str = ""
) -> tuple[str, list[Any]]:
    sql, params = "", []
    if participant:
        sql += f" AND {prefix}participant = ?"
        params.append(participant)
    if start:
        sql += f" AND {prefix}week >= ?"
        params.append(start)
    if end:
        sql += f" AND {prefix}week <= ?"
        params.append(end)
    return sql, params


def _run_order(published: datetime | None, run_id: int) -> tuple[datetime, int]:
    return (published or _FAR_FUTURE, run_id)


@dataclass
class _Week:
    """What the register needs of one (participant, week): its checks in the order they
    ran, the runs each covered with their grounds, and the runs' order."""

    checks: list[int] = field(default_factory=list)
    covered: dict[int, dict[int, frozenset[str]]] = field(default_factory=dict)
    order: dict[int, tuple[datetime, int]] = field(default_factory=dict)
    designation: dict[int, str] = field(default_factory=dict)
    period_days: int = 7

    def rank(self, run_id: int) -> tuple[datetime, int]:
        return self.order.get(run_id, _run_order(None, run_id))


@dataclass
class _Hit:
    check_id: int
    run_id: int | None
    severity: str
    message: str


def _decide(
    issue: Issue, ground: Ground, hits: list[_Hit], week: _Week, at: dict[int, datetime]
) -> None:
    """Set an issue's status, runs and times from its hits, by the rule of the module doc."""
    by_check: dict[int, list[_Hit]] = defaultdict(list)
    for h in hits:
        by_check[h.check_id].append(h)
    with_run = [h for h in hits if h.run_id is not None]
    last = max((h.run_id for h in with_run), key=week.rank) if with_run else None  # type: ignore[arg-type]
    if with_run:
        first = min((h.run_id for h in with_run), key=week.rank)  # type: ignore[arg-type]
        issue.first_run_id, issue.last_run_id = first, last
        issue.first_designation = week.designation.get(first)  # type: ignore[arg-type]
        issue.last_designation = week.designation.get(last)  # type: ignore[arg-type]
        last_hits = [h for h in with_run if h.run_id == last]
        latest = max(last_hits, key=lambda h: (at[h.check_id], h.check_id))
        issue.severity, issue.message = latest.severity, latest.message
        issue.last_seen_at = min(at[h.check_id] for h in last_hits)
    else:
        latest = max(hits, key=lambda h: (at[h.check_id], h.check_id))
        issue.severity, issue.message = latest.severity, latest.message
        issue.last_seen_at = max(at[h.check_id] for h in hits)
    state: str | None = None  # "yield" or "clear", from the latest check that says either
    cleared: tuple[int, int | None] | None = None  # (check, run) of the first clear since
    yielded_runs: set[int | None] = set()
    for cid in week.checks:
        mine = by_check.get(cid, [])
        runs = week.covered.get(cid, {})
        verdict, resolver = _verdict(ground, mine, runs, week, last, yielded_runs)
        if verdict == "yield":
            state, cleared = "yield", None
            yielded_runs = {h.run_id for h in mine}
        elif verdict == "clear":
            if state != "clear":
                cleared = (cid, resolver)
            state = "clear"
    if state == "clear" and cleared is not None:
        issue.status = "resolved"
        issue.resolved_at = at[cleared[0]]
        issue.resolved_by_run_id = cleared[1]
        if cleared[1] is not None:
            issue.resolved_by_designation = week.designation.get(cleared[1])
    else:
        issue.status = "open"


def _verdict(
    ground: Ground,
    mine: list[_Hit],
    runs: dict[int, frozenset[str]],
    week: _Week,
    last: int | None,
    yielded_runs: set[int | None],
) -> tuple[str | None, int | None]:
    """One check's word on an issue: ``("yield", None)``, ``("clear", run)`` or
    ``(None, None)`` (see the module doc)."""
    latest_run = max(runs, key=week.rank) if runs else None
    if ground.runless:
        if mine:
            return "yield", None
        return ("clear", latest_run) if yielded_runs else (None, None)
    found = {h.run_id for h in mine}
    if ground.bound:
        if mine:
            return "yield", None
        if not yielded_runs:
            return None, None
        for r in yielded_runs:
            if r is not None and (r not in runs or not ground.covered_by(runs[r])):
                return None, None
        return "clear", latest_run
    # a statement's ground: a later run holding it replaces an earlier run's finding
    holding = sorted((r for r, t in runs.items() if ground.covered_by(t)), key=week.rank)
    for h in mine:
        if h.run_id is None or not any(week.rank(r) > week.rank(h.run_id) for r in holding):
            return "yield", None
    floor = week.rank(last) if last is not None else None
    for r in holding:
        if r not in found and (floor is None or week.rank(r) >= floor):
            return "clear", r
    return None, None


def build_register(
    store: Store,
    *,
    participant: str | None = None,
    start: date | None = None,
    end: date | None = None,
) -> list[Issue]:
    """The issue register of the weeks asked (Trading Weeks starting from ``start`` to
    ``end``, both included), decided from the recorded checks (see the module doc).

    Returns:
        The issues, open first (then resolved), each group by participant, week, check,
        variable, scope, timestamp, position and figure.
    """
    where, params = _where(participant, start, end)
    at: dict[int, datetime] = {}
    weeks: dict[WeekKey, _Week] = defaultdict(_Week)
    for cid, p, w, when in store.rows(
        "SELECT check_id, participant, week, checked_at_utc FROM checks WHERE true"
        + where
        + " ORDER BY checked_at_utc, check_id",
        params,
    ):
        at[cid] = when
        weeks[(p, w)].checks.append(cid)
    for cid, p, w, run_id, designation, published, grounds, period_days in store.rows(
        "SELECT check_id, participant, week, run_id, designation, published_at, grounds, "
        "period_days FROM check_runs WHERE true" + where,
        params,
    ):
        wk = weeks[(p, w)]
        wk.covered.setdefault(cid, {})[run_id] = frozenset(grounds or ())
        mine = _run_order(published, run_id)
        prev = wk.order.get(run_id)
        wk.order[run_id] = min(prev, mine) if prev else mine
        wk.designation.setdefault(run_id, designation)
        wk.period_days = max(wk.period_days, period_days or 0)
    hits: dict[str, list[_Hit]] = defaultdict(list)
    meta: dict[str, tuple[Any, ...]] = {}
    for (
        cid,
        p,
        w,
        run_id,
        check,
        severity,
        variable,
        scope,
        ts,
        position,
        figure,
        key,
        message,
        source,
        interval_start,
    ) in store.rows(
        "SELECT check_id, participant, week, run_id, check_name, severity, variable, "
        'scope, "timestamp", position, figure, issue_key, '
        "json_extract_string(finding, '$.message'), json_extract_string(finding, '$.source'), "
        "json_extract_string(finding, '$.interval_start') FROM check_findings WHERE true"
        + where
        + " ORDER BY check_id, ord",
        params,
    ):
        if cid not in at:
            continue
        hits[key].append(_Hit(cid, run_id, severity, message or ""))
        meta.setdefault(
            key, (check, p, w, variable, scope, ts, position, figure, source, interval_start)
        )
    out: list[Issue] = []
    for key, found in hits.items():
        check, p, w, variable, scope, ts, position, figure, source, interval_start = meta[key]
        # An info finding is no discrepancy (an ADJ change explained against your figure, a
        # one-cent rounding difference): it never keeps an error or warning of the same key
        # open, and never resolves one; only coverage does.
        serious = [h for h in found if h.severity != "info"]
        if serious:
            found = serious
        week = weeks[(p, w)]
        with_run = [h for h in found if h.run_id is not None]
        ground = ground_of(
            check,
            week=w,
            run_id=with_run[0].run_id if with_run else None,
            variable=variable,
            scope=scope,
            timestamp=ts,
            interval_start=interval_start,
            source=source,
            period_days=week.period_days,
        )
        issue = Issue(
            key=key,
            check=check,
            severity=found[-1].severity,
            participant=p,
            week=w,
            variable=variable,
            scope=scope,
            timestamp=ts,
            position=position,
            figure=figure,
            first_run_id=None,
            last_run_id=None,
            status="open",
            resolved_by_run_id=None,
            first_seen_at=min(at[h.check_id] for h in found),
            last_seen_at=min(at[h.check_id] for h in found),
            message=found[-1].message,
        )
        _decide(issue, ground, found, week, at)
        out.append(issue)
    out.sort(
        key=lambda i: (
            not i.is_open,
            i.participant,
            i.week,
            i.check,
            i.variable or "",
            i.scope or "",
            i.timestamp or "",
            i.position or 0,
            i.figure or "",
        )
    )
    return out


def issue_changes(
    issues: Iterable[Issue], since: datetime | None
) -> tuple[list[Issue], list[Issue]]:
    """(opened, resolved) issues since a time (UTC; None: since the beginning).

    Opened: first seen after ``since`` and still open. Resolved: resolved by a check after
    ``since``.
    """
    opened, resolved = [], []
    for i in issues:
        if i.is_open and (since is None or i.first_seen_at > since):
            opened.append(i)
        elif not i.is_open and i.resolved_at and (since is None or i.resolved_at > since):
            resolved.append(i)
    return opened, resolved


# ------------------------------------------------------------------------------ audit


_FY_SPAN = re.compile(r"^(?:FY)?\s*(\d{4})\s*[-/–]\s*(\d{2}|\d{4})$", re.IGNORECASE)
_FY_YEAR = re.compile(r"^(?:FY)?\s*(\d{4})$", re.IGNORECASE)


def financial_year(fy: int | str) -> tuple[date, date]:
    """The Financial Year ``--fy`` names (SPEC §8), as (1 July, 30 June).

    ``2024-25`` (or ``2024-2025``) is 1 July 2024 to 30 June 2025; a single year ``2025``
    (or ``FY2025``) is the year *ending* 30 June 2025, as Australians write it.

    Raises:
        UsageError: Anything else, or a span whose years do not follow each other.
    """
    from recon.errors import UsageError

    text = str(fy).strip()
    if m := _FY_SPAN.match(text):
        first, second = int(m.group(1)), m.group(2)
        if int(second) != (first + 1 if len(second) == 4 else (first + 1) % 100):
            raise UsageError(
                f"--fy {text}: the second year must follow the first "
                f"(e.g. {first}-{(first + 1) % 100:02d})"
            )
        return date(first, 7, 1), date(first + 1, 6, 30)
    if m := _FY_YEAR.match(text):
        ending = int(m.group(1))
        return date(ending - 1, 7, 1), date(ending, 6, 30)
    raise UsageError(
        f"--fy {text!r} is not a Financial Year: give 2024-25 (1 July 2024 to 30 June 2025) "
        "or 2025 (the year ending 30 June 2025)"
    )


def date_range(
    start: str | date | None, end: str | date | None, fy: int | str | None = None
) -> tuple[date, date]:
    """The range asked: ``start`` and ``end`` (dates or ``yyyy-mm-dd``), or ``fy``
    (:func:`financial_year`).

    Raises:
        UsageError: Neither or both given, a date that is not ``yyyy-mm-dd``, a Financial
            Year it cannot read, or the start after the end.
    """
    from recon.errors import UsageError

    if fy is not None and str(fy).strip():
        if start or end:
            raise UsageError("give --fy, or --from and --to, not both")
        return financial_year(fy)
    if not start or not end:
        raise UsageError("give --from and --to (yyyy-mm-dd), or --fy (2024-25, or 2025)")
    out = []
    for name, value in (("--from", start), ("--to", end)):
        if isinstance(value, date):
            out.append(value)
            continue
        try:
            out.append(date.fromisoformat(str(value).strip()))
        except ValueError:
            raise UsageError(f"{name} {value!r} is not a date: give yyyy-mm-dd") from None
    if out[0] > out[1]:
        raise UsageError(f"--from {out[0]} is after --to {out[1]}")
    return out[0], out[1]


def audit(store: Store, start: date, end: date, *, participant: str | None = None) -> Audit:
    """The audit of the Trading Weeks starting from ``start`` to ``end`` (both included).

    Reads the runs held, their invoices' Payment Summary totals, the recorded checks and
    findings; never a Summary or Detail value.
    """
    out = Audit(start=start, end=end, participant=participant)
    where, params = _where(participant, start, end)
    chains: dict[WeekKey, dict[int, AuditRun]] = defaultdict(dict)
    for p, w, run_id, designation, published in store.rows(
        "SELECT participant, week, run_id, any_value(designation), min(published_at) "
        "FROM runs WHERE true" + where + " GROUP BY participant, week, run_id",
        params,
    ):
        chains[(p, w)][run_id] = AuditRun(run_id, designation, published, None, None, None)
    # the invoice's figures: JSON preferred to PDF
    for p, w, run_id, fld, amount in store.rows(
        "SELECT i.participant, i.week, i.run_id, t.field, "
        "arg_min(t.amount, CASE WHEN i.form = 'json' THEN 0 ELSE 1 END) "
        "FROM invoices i JOIN invoice_totals t ON t.sha256 = i.sha256 "
        "AND t.section = 'payment_summary' AND t.field IN ('amount_due', 'total_payable') "
        "WHERE true" + _where(participant, start, end, "i.")[0] + " GROUP BY ALL",
        _where(participant, start, end, "i.")[1],
    ):
        run = chains[(p, w)].get(run_id)
        if run is None:
            continue
        if fld == "amount_due":
            run.amount_due = amount
        else:
            run.invoice_total_payable = amount
    # recon's figures: from the latest check that recomputed each run
    for p, w, run_id, designation, published, amount_due, recomputed in store.rows(
        "SELECT r.participant, r.week, r.run_id, arg_max(r.designation, c.checked_at_utc), "
        "min(r.published_at), arg_max(r.amount_due, c.checked_at_utc) FILTER "
        "(WHERE r.amount_due IS NOT NULL), arg_max(r.recomputed_total_payable, "
        "c.checked_at_utc) FILTER (WHERE r.recomputed_total_payable IS NOT NULL) "
        "FROM check_runs r JOIN checks c ON c.check_id = r.check_id AND c.participant = "
        "r.participant AND c.week = r.week WHERE true"
        + _where(participant, start, end, "r.")[0]
        + " GROUP BY ALL",
        _where(participant, start, end, "r.")[1],
    ):
        run = chains[(p, w)].get(run_id)
        if run is None:
            run = chains[(p, w)][run_id] = AuditRun(
                run_id, designation, published, amount_due, None, None
            )
        if run.amount_due is None:
            run.amount_due = amount_due
        run.recomputed_total_payable = recomputed
    for chain in chains.values():
        for run in chain.values():
            if run.designation.upper().startswith("ADJ"):
                run.net_adjustment = (
                    run.recomputed_total_payable
                    if run.recomputed_total_payable is not None
                    else run.invoice_total_payable
                )
    for row in store.rows(
        "SELECT check_id, checked_at_utc, recon_version, command, participant, week, run_ids, "
        "errors, warnings, infos, inputs_sha256, outputs FROM checks WHERE true"
        + where
        + " ORDER BY checked_at_utc, check_id, participant, week",
        params,
    ):
        out.checks.append(
            CheckRecord(
                check_id=row[0],
                checked_at=row[1],
                recon_version=row[2],
                command=row[3],
                participant=row[4],
                week=row[5],
                run_ids=list(row[6]),
                counts={"error": row[7], "warning": row[8], "info": row[9]},
                inputs_sha256=list(row[10]),
                outputs=_outputs(row[11]),
            )
        )
    checked: dict[WeekKey, list[datetime]] = defaultdict(list)
    for c in out.checks:
        checked[(c.participant, c.week)].append(c.checked_at)
        chains.setdefault((c.participant, c.week), {})
    for (p, w), chain in sorted(chains.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        ordered = sorted(chain.values(), key=lambda r: _run_order(r.published_at, r.run_id))
        times = checked.get((p, w), [])
        out.weeks.append(
            AuditWeek(
                participant=p,
                week=w,
                runs=ordered,
                checked=len(times),
                last_checked_at=max(times) if times else None,
            )
        )
    out.issues = build_register(store, participant=participant, start=start, end=end)
    return out


def _outputs(value: str | None) -> OutputsState:
    try:
        return OutputsState(value)
    except ValueError:
        return OutputsState.UNKNOWN


def findings_of(store: Store, check_id: int) -> list[Finding]:
    """Every finding recorded for one check (all its weeks), as recorded."""
    return [
        Finding.model_validate(json.loads(text))
        for (text,) in store.rows(
            "SELECT finding FROM check_findings WHERE check_id = ? ORDER BY participant, week, ord",
            [check_id],
        )
    ]
