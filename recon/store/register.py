"""The issue register and the audit query (SPEC §8), read from the checks
:mod:`recon.store.history` recorded.

**Issue register.** A finding's issue key is (participant, week, check, variable, scope,
timestamp, position): the run is not part of it, so the same discrepancy seen again in a
later run of the week is the same issue. :func:`build_register` decides each issue from
the recorded checks of its week (the rule, written down for users in ``docs/audit.md``):

* the runs of the week are ordered by PublishedAt (then RunId); the **first run** and the
  **last run** of an issue are the earliest and latest runs whose check yielded it;
* the issue is **resolved by run R** when R is the earliest run after the last run that
  a recorded check *covered for what the finding is about*
  (:func:`~recon.store.history.covers`), since such a check of R did not yield it;
  otherwise it is **open**;
* a run that did not cover what the finding is about (a later run with no JSON form, for
  a CSV-vs-JSON mismatch) neither keeps the issue open nor resolves it;
* ``first_seen_at`` is the first check that yielded it; ``last_seen_at`` the first check
  that yielded it in its last run (so re-checking the same inputs changes no issue's
  history); a resolved issue also has ``resolved_at``, the first check that covered R;
* an info finding never keeps an error or warning of the same key open: a key yielded
  as an error and later only as info (an ADJ change to your figure explained, "now
  agrees") is resolved there, as if it were no longer yielded;
* a finding with no run (a file recon could not read at all) is about the check, not a
  run: it is open while the latest check of its week yields it, and resolved by the latest
  run of the first later check that no longer does.

**Audit.** :func:`audit` reads, for the Trading Weeks starting in a date range, the runs
held and their invoices' amount due (the ``runs``, ``invoices`` and ``invoice_totals``
tables), the recorded checks and the issue register. It never reads Summary or Detail
values, so its time and memory do not grow with the Detail held.
"""

from __future__ import annotations

import json
import logging
from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from recon.models.audit import Audit, AuditRun, AuditWeek, CheckRecord, Issue
from recon.models.findings import Finding
from recon.store.db import Store
from recon.store.history import RunCover, WeekKey, covers

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
        variable, scope, timestamp and position.
    """
    where, params = _where(participant, start, end)
    check_time: dict[int, datetime] = {}
    week_checks: dict[WeekKey, list[int]] = defaultdict(list)
    for cid, p, w, at in store.rows(
        "SELECT check_id, participant, week, checked_at_utc FROM checks WHERE true"
        + where
        + " ORDER BY checked_at_utc, check_id",
        params,
    ):
        check_time[cid] = at
        week_checks[(p, w)].append(cid)
    runs: dict[WeekKey, dict[int, RunCover]] = defaultdict(dict)
    order: dict[WeekKey, dict[int, tuple[datetime, int]]] = defaultdict(dict)
    covered: dict[WeekKey, dict[int, list[tuple[int, RunCover]]]] = defaultdict(
        lambda: defaultdict(list)
    )
    for (
        cid,
        p,
        w,
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
    ) in store.rows(
        "SELECT check_id, participant, week, run_id, designation, published_at, artefacts, "
        "summary, detail_days, period_days, invoice_json, invoice_pdf, previous_run "
        "FROM check_runs WHERE true" + where,
        params,
    ):
        cover = RunCover(
            run_id=run_id,
            designation=designation,
            summary=summary,
            detail_days=detail_days,
            period_days=period_days,
            invoice_json=invoice_json,
            invoice_pdf=invoice_pdf,
            previous_run=previous_run,
            artefacts=frozenset(artefacts or ()),
        )
        runs[(p, w)][run_id] = cover
        prev = order[(p, w)].get(run_id)
        mine = _run_order(published, run_id)
        order[(p, w)][run_id] = min(prev, mine) if prev else mine
        covered[(p, w)][run_id].append((cid, cover))
    hits: dict[str, list[tuple[int, int | None, str, str]]] = defaultdict(list)
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
        key,
        message,
    ) in store.rows(
        "SELECT check_id, participant, week, run_id, check_name, severity, variable, "
        'scope, "timestamp", position, issue_key, '
        "json_extract_string(finding, '$.message') FROM check_findings WHERE true"
        + where
        + " ORDER BY check_id, ord",
        params,
    ):
        hits[key].append((cid, run_id, severity, message or ""))
        meta.setdefault(key, (check, p, w, variable, scope, ts, position))
    out: list[Issue] = []
    for key, found in hits.items():
        check, p, w, variable, scope, ts, position = meta[key]
        wk = (p, w)
        found = [h for h in found if h[0] in check_time]
        # An info finding is no discrepancy (an ADJ change explained against your figure,
        # a one-cent rounding difference): it never keeps an error or warning of the same
        # key open, which a later check yielding only the info finding resolves.
        serious = [h for h in found if h[2] != "info"]
        if serious:
            found = serious
        if not found:
            continue
        first_seen = min(check_time[h[0]] for h in found)
        designation = {r: c.designation for r, c in runs[wk].items()}
        with_run = [h for h in found if h[1] is not None]
        issue = Issue(
            key=key,
            check=check,
            severity=found[-1][2],
            participant=p,
            week=w,
            variable=variable,
            scope=scope,
            timestamp=ts,
            position=position,
            first_run_id=None,
            last_run_id=None,
            status="open",
            resolved_by_run_id=None,
            first_seen_at=first_seen,
            last_seen_at=first_seen,
            message=found[-1][3],
        )
        if with_run:
            ordk = order[wk]

            def rank(run_id: int, ordk: dict[int, tuple[datetime, int]] = ordk) -> tuple:
                return ordk.get(run_id, _run_order(None, run_id))

            first = min((h[1] for h in with_run), key=rank)  # type: ignore[arg-type]
            last = max((h[1] for h in with_run), key=rank)  # type: ignore[arg-type]
            last_hits = [h for h in with_run if h[1] == last]
            latest = max(last_hits, key=lambda h: (check_time[h[0]], h[0]))
            issue.first_run_id, issue.last_run_id = first, last
            issue.severity, issue.message = latest[2], latest[3]
            issue.last_seen_at = min(check_time[h[0]] for h in last_hits)
            for r in sorted((r for r in covered[wk] if rank(r) > rank(last)), key=rank):
                times = [
                    check_time[cid]
                    for cid, cover in covered[wk][r]
                    if cid in check_time and covers(check, variable, scope, cover)
                ]
                if times:
                    issue.status, issue.resolved_by_run_id = "resolved", r
                    issue.resolved_at = min(times)
                    break
            issue.first_designation = designation.get(first)
            issue.last_designation = designation.get(last)
            issue.resolved_by_designation = (
                designation.get(issue.resolved_by_run_id) if issue.resolved_by_run_id else None
            )
        else:
            yielded = {h[0] for h in found}
            ordered = week_checks[wk]
            last_yield = max(ordered.index(c) for c in yielded if c in ordered)
            issue.last_seen_at = check_time[ordered[last_yield]]
            later = ordered[last_yield + 1 :]
            if later:
                nxt = later[0]
                mine = [r for r, lst in covered[wk].items() if any(c == nxt for c, _ in lst)]
                issue.status = "resolved"
                issue.resolved_at = check_time[nxt]
                if mine:
                    r = max(mine, key=lambda r: order[wk].get(r, _run_order(None, r)))
                    issue.resolved_by_run_id = r
                    issue.resolved_by_designation = designation.get(r)
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


def financial_year(fy: int) -> tuple[date, date]:
    """``--fy 2025``: 1 July 2025 to 30 June 2026 (a Financial Year starts 1 July)."""
    return date(fy, 7, 1), date(fy + 1, 6, 30)


def date_range(
    start: str | date | None, end: str | date | None, fy: int | None = None
) -> tuple[date, date]:
    """The range asked: ``start`` and ``end`` (dates or ``yyyy-mm-dd``), or ``fy``.

    Raises:
        UsageError: Neither or both given, a date that is not ``yyyy-mm-dd``, or the
            start after the end.
    """
    from recon.errors import UsageError

    if fy is not None:
        if start or end:
            raise UsageError("give --fy, or --from and --to, not both")
        return financial_year(fy)
    if not start or not end:
        raise UsageError("give --from and --to (yyyy-mm-dd), or --fy YEAR")
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
        "errors, warnings, infos, inputs_sha256 FROM checks WHERE true"
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


def findings_of(store: Store, check_id: int) -> list[Finding]:
    """Every finding recorded for one check (all its weeks), as recorded."""
    return [
        Finding.model_validate(json.loads(text))
        for (text,) in store.rows(
            "SELECT finding FROM check_findings WHERE check_id = ? ORDER BY participant, week, ord",
            [check_id],
        )
    ]
