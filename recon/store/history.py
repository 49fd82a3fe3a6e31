"""Settlement history (SPEC §8): every check recorded, the issue register, the audit query.

**Recording.** :func:`record_check` writes one check into the store, in one transaction:
one ``checks`` row per (participant, Trading Week) the check covered (when, recon's
version, the command, the RunIds, the counts and the SHA-256 of the week's inputs), one
``check_runs`` row per run covered (its coverage and the artefact kinds used, the
invoice's amount due and recon's recomputed Total Payable) and one ``check_findings`` row
per finding (with its issue key). Re-checking the same inputs records another check: it
happened.

**Issue register.** A finding's issue key is (participant, week, check, variable, scope,
timestamp, position): the run is not part of it, so the same discrepancy seen again in a
later run of the week is the same issue. :func:`build_register` decides each issue from
the recorded checks of its week (the rule, written down for users in ``docs/audit.md``):

* the runs of the week are ordered by PublishedAt (then RunId); the **first run** and the
  **last run** of an issue are the earliest and latest runs whose check yielded it;
* the issue is **resolved by run R** when R is the earliest run after the last run that
  a recorded check *covered for what the finding is about* (:func:`covers`), since such a
  check of R did not yield it; otherwise it is **open**;
* a run that did not cover what the finding is about (a later run with no JSON form, for
  a CSV-vs-JSON mismatch) neither keeps the issue open nor resolves it;
* ``first_seen_at`` is the first check that yielded it; ``last_seen_at`` the first check
  that yielded it in its last run (so re-checking the same inputs changes no issue's
  history); a resolved issue also has ``resolved_at``, the first check that covered R;
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
import os
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import duckdb

from recon.errors import StoreError
from recon.models.audit import Audit, AuditRun, AuditWeek, CheckRecord, Issue
from recon.models.findings import Finding
from recon.models.results import CheckResult, RunCoverage, RunInfo
from recon.store.db import Store
from recon.wem.calendar import parse_week_label

log = logging.getLogger(__name__)

WeekKey = tuple[str, date]

_CENT = Decimal("0.01")
_FAR_FUTURE = datetime(9999, 12, 31)


# ------------------------------------------------------------------------------ keys


def issue_key(
    participant: str,
    week: date,
    check: str,
    variable: str | None,
    scope: str | None,
    timestamp: str | None,
    position: int | None,
) -> str:
    """The SPEC §8 issue key as one string: its seven parts joined by ``|`` (null: empty).

    >>> issue_key("SWANGEN", date(2024, 12, 15), "source.mismatch", "X_P_D", None,
    ...           "2024-12-17", None)
    'SWANGEN|2024-12-15|source.mismatch|X_P_D||2024-12-17|'
    """
    parts = [participant, week.isoformat(), check, variable, scope, timestamp, position]
    return "|".join("" if p is None else str(p) for p in parts)


def _week_of(period: str | None) -> date | None:
    if not period:
        return None
    try:
        return parse_week_label(period)
    except ValueError:
        return None


# ------------------------------------------------------------------------------ coverage


@dataclass(frozen=True)
class RunCover:
    """What one recorded check could check of one run (``check_runs``)."""

    run_id: int
    designation: str
    summary: bool
    detail_days: int
    period_days: int
    invoice_json: bool
    invoice_pdf: bool
    previous_run: bool | None
    artefacts: frozenset[str]


def _summary_p_d(variable: str | None) -> bool:
    """Whether a variable is a Summary variable (scope P, granularity D)."""
    return bool(variable) and str(variable).endswith("_P_D")


def covers(check: str, variable: str | None, scope: str | None, run: RunCover) -> bool:
    """Whether a check of ``run`` could have yielded a finding of ``check`` (SPEC §8).

    A run that could not have yielded it neither keeps its issue open nor resolves it.
    What each check needs of a run (``docs/audit.md`` states the same table):

    * ``invoice.pdf_json``: both an Invoice JSON and an Invoice PDF;
    * other ``invoice.*``: a Summary and an Invoice;
    * ``summary_detail.*``: a Summary and the Detail of every Trading Day of the Period;
    * ``source.mismatch``: both forms (CSV and JSON) of the artefact concerned: of the
      Detail when the finding names a scope, else of the Summary;
    * ``adjustment.previous_missing``: an ADJ run; other ``adjustment.*``: an ADJ run with
      its previous run, and (``chain``) an Invoice, (``material``) a Summary;
    * ``coverage.statement_missing``: an Invoice; ``coverage.invoice_missing``: a Summary
      or Detail;
    * ``own.*`` and ``data.*`` about a variable that is not a Summary variable: the Detail
      of every day; other ``data.*``: a Summary or Detail;
    * anything else (``source.conflict``, ``coverage.unread``): any artefact of the run.
    """
    kinds = run.artefacts
    invoice = run.invoice_json or run.invoice_pdf
    statement = run.summary or run.detail_days > 0
    full_detail = run.detail_days >= run.period_days and run.detail_days > 0
    adjustment = run.designation.upper().startswith("ADJ")
    if check == "invoice.pdf_json":
        return run.invoice_json and run.invoice_pdf
    if check.startswith("invoice."):
        return run.summary and invoice
    if check.startswith("summary_detail."):
        return run.summary and full_detail
    if check == "source.mismatch":
        if scope:
            return bool(kinds & {"detail_csv", "detail_zip"}) and "detail_json" in kinds
        return {"summary_csv", "summary_json"} <= kinds
    if check == "adjustment.previous_missing":
        return adjustment
    if check.startswith("adjustment."):
        if not adjustment or run.previous_run is not True:
            return False
        if check == "adjustment.chain":
            return invoice
        return run.summary
    if check == "coverage.statement_missing":
        return invoice
    if check == "coverage.invoice_missing":
        return statement
    if check.startswith("own.") or (
        check.startswith("data.") and variable and not _summary_p_d(variable)
    ):
        return full_detail
    if check.startswith("data."):
        return statement
    return statement or invoice or bool(kinds)


# ------------------------------------------------------------------------------ recording


def _open(store: Store | str | os.PathLike[str] | None) -> tuple[Store, bool]:
    if isinstance(store, Store):
        return store, False
    return Store.open(store), True


def record_check(
    store: Store | str | os.PathLike[str] | None,
    result: CheckResult,
    *,
    command: str = "check",
    checked_at: datetime | None = None,
) -> int:
    """Record one check in the store (SPEC §8), in one transaction; return its check id.

    Args:
        store: An open store, or its path (None: ``$RECON_STORE`` or the default); a path
            is opened for writing and closed again.
        result: The check's result (``recon check --store``, ``recon weekly``).
        command: What ran it (``check``, ``weekly``, ``api``).
        checked_at: When (default: the result's ``generated_at``), stored as UTC.

    Returns:
        The check id (one per call, shared by every week the check covered).

    Raises:
        StoreError: The store cannot be opened or written.
    """
    when = checked_at or result.generated_at
    if when.tzinfo is not None:
        when = when.astimezone(UTC).replace(tzinfo=None)
    checks_rows, run_rows, finding_rows = _rows(result)
    st, owned = _open(store)
    try:
        return _insert(st, checks_rows, run_rows, finding_rows, when, result, command)
    except duckdb.Error as e:
        raise StoreError(
            f"cannot record the check in the store {st.path}: {str(e).splitlines()[0]}"
        ) from None
    finally:
        if owned:
            st.close()


def _insert(
    st: Store,
    checks_rows: dict[WeekKey, list[Any]],
    run_rows: list[list[Any]],
    finding_rows: list[list[Any]],
    when: datetime,
    result: CheckResult,
    command: str,
) -> int:
    """Insert one check's rows in one transaction; return its check id."""
    with st.transaction():
        check_id = int(st.scalar("SELECT nextval('check_id_seq')"))
        for (p, w), row in sorted(checks_rows.items()):
            st.con.execute(
                "INSERT INTO checks VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [check_id, when, result.recon_version, command, p, w, *row],
            )
        if run_rows:
            st.con.executemany(
                "INSERT INTO check_runs VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [[check_id, *r] for r in run_rows],
            )
        if finding_rows:
            st.con.executemany(
                "INSERT INTO check_findings VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [[check_id, *r] for r in finding_rows],
            )
    log.info(
        "recorded check %d: %d week(s), %d run(s), %d finding(s)",
        check_id,
        len(checks_rows),
        len(run_rows),
        len(finding_rows),
    )
    return check_id


def _coverage_of(run: RunInfo) -> RunCoverage:
    """A run's coverage from its artefact kinds, for a result that carries none.

    A Detail artefact is taken to hold every day of the Period (the kinds do not say
    which days); a check that records coverage per run (SPEC §6) is used as it is.
    """
    kinds = set(run.artefacts)
    adjustment = run.designation.upper().startswith("ADJ")
    return RunCoverage(
        participant=run.participant,
        period=run.period,
        run_id=run.run_id,
        designation=run.designation,
        summary=bool(kinds & {"summary_csv", "summary_json"}),
        detail_days=7 if kinds & {"detail_csv", "detail_zip", "detail_json"} else 0,
        invoice_json="invoice_json" in kinds,
        invoice_pdf="invoice_pdf" in kinds,
        previous_run=(run.previous_run_id is not None) if adjustment else None,
    )


def _rows(
    result: CheckResult,
) -> tuple[dict[WeekKey, list[Any]], list[list[Any]], list[list[Any]]]:
    """The ``checks``, ``check_runs`` and ``check_findings`` rows of a result (no check id)."""
    infos = {(r.participant, r.period, r.run_id): r for r in result.runs}
    covs: dict[tuple[str, str, int], RunCoverage] = {
        (c.participant, c.period, c.run_id): c for c in result.coverage
    }
    for key, r in infos.items():
        if key not in covs:
            covs[key] = _coverage_of(r)
    weeks: dict[WeekKey, list[tuple[str, str, int]]] = defaultdict(list)
    for key in covs:
        w = _week_of(key[1])
        if w is not None:
            weeks[(key[0], w)].append(key)
    run_rows: list[list[Any]] = []
    seen_runs: set[tuple[str, date, int]] = set()
    for (p, w), keys in sorted(weeks.items()):
        for key in sorted(keys, key=lambda k: k[2]):
            if (p, w, key[2]) in seen_runs:
                continue
            seen_runs.add((p, w, key[2]))
            c = covs[key]
            info = infos.get(key)
            amount_due = recomputed = None
            published = None
            artefacts: list[str] = []
            if info is not None:
                published = info.published_at
                if published is not None and published.tzinfo is not None:
                    published = published.astimezone(UTC).replace(tzinfo=None)
                artefacts = sorted(set(info.artefacts))
                if info.invoiced is not None:
                    amount_due = info.invoiced.payment_summary.amount_due
                adjustment = c.designation.upper().startswith("ADJ")
                if info.computed is not None and (not adjustment or c.previous_run):
                    recomputed = info.computed.payment_summary.total_payable
            run_rows.append(
                [
                    p,
                    w,
                    key[1],
                    key[2],
                    c.designation,
                    published,
                    artefacts,
                    c.summary,
                    c.detail_days,
                    c.period_days,
                    c.invoice_json,
                    c.invoice_pdf,
                    c.previous_run,
                    list(c.notes),
                    amount_due,
                    recomputed,
                ]
            )
    # findings: each to the week it names; one that names none to every week of the check
    finding_rows: list[list[Any]] = []
    counts: dict[WeekKey, dict[str, int]] = {
        k: {"error": 0, "warning": 0, "info": 0} for k in weeks
    }
    ords: dict[WeekKey, int] = defaultdict(int)
    for f in result.findings:
        w = _week_of(f.period)
        if f.participant and w is not None:
            targets = [(f.participant, w)]
        else:
            targets = [k for k in sorted(weeks) if not f.participant or k[0] == f.participant]
        for p, wk in targets:
            counts.setdefault((p, wk), {"error": 0, "warning": 0, "info": 0})
            counts[(p, wk)][f.severity.value] += 1
            ords[(p, wk)] += 1
            finding_rows.append(
                [
                    p,
                    wk,
                    ords[(p, wk)],
                    f.run_id,
                    f.check,
                    f.severity.value,
                    f.variable,
                    f.scope,
                    f.timestamp,
                    f.position,
                    issue_key(p, wk, f.check, f.variable, f.scope, f.timestamp, f.position),
                    f.model_dump_json(),
                ]
            )
    checks_rows: dict[WeekKey, list[Any]] = {}
    for (p, w), c in counts.items():
        run_ids = sorted({k[2] for k in weeks.get((p, w), [])})
        shas = sorted(
            {
                i.sha256
                for i in result.inputs
                if (i.participant in (None, p))
                and (_week_of(i.period) in (None, w))
                and (i.participant is not None or i.period is None)
            }
        )
        checks_rows[(p, w)] = [run_ids, c["error"], c["warning"], c["info"], shas]
    return checks_rows, run_rows, finding_rows


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
