"""Settlement history (SPEC §8): every check recorded, the issue register, the audit query.

**Recording.** :func:`record_check` writes one check into the store, in one transaction:
one ``checks`` row per (participant, Trading Week) the check covered (when, recon's
version, the command, the RunIds, the counts and the SHA-256 of the week's inputs), one
``check_runs`` row per run covered (its coverage and the artefact kinds used, the
invoice's amount due and recon's recomputed Total Payable) and one ``check_findings`` row
per finding (with its issue key). Re-checking the same inputs records another check: it
happened.

The issue register and the audit query, which read what is recorded here, are in
:mod:`recon.store.register`.
"""

from __future__ import annotations

import logging
import os
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import duckdb

from recon.errors import StoreError
from recon.models.results import CheckResult, RunCoverage, RunInfo
from recon.store.db import Store
from recon.wem.calendar import parse_week_label

log = logging.getLogger(__name__)

WeekKey = tuple[str, date]


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


OWN_KIND = "own:"
"""Prefix of the pseudo artefact kind ``own:<variable>`` a recorded run carries when the
check compared your own data (``--own``) with that run's Detail values of the variable."""


def own_kind(variable: str) -> str:
    """The ``check_runs.artefacts`` entry saying your data of ``variable`` was compared."""
    return f"{OWN_KIND}{variable}"


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
    * ``own.*``: your own data of the finding's variable compared with the run's Detail
      (``--own``; recorded as the kind ``own:<variable>``): a check without ``--own``
      neither keeps an own-data issue open nor resolves it;
    * ``data.*`` about a variable that is not a Summary variable: the Detail of every day;
      other ``data.*``: a Summary or Detail;
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
    if check.startswith("own."):
        if variable:
            return own_kind(variable) in kinds
        return any(k.startswith(OWN_KIND) for k in kinds)
    if check.startswith("data.") and variable and not _summary_p_d(variable):
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
    # the runs whose Detail your own data was compared with (--own), and of which variables
    own_vars: dict[tuple[str, int], set[str]] = defaultdict(set)
    for series in result.own.series if result.own is not None else ():
        for run_id in series.runs:
            own_vars[(series.participant, run_id)].add(series.variable)
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
            owned = own_vars.get((c.participant, key[2]), set())
            artefacts = sorted(set(artefacts) | {own_kind(v) for v in owned})
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
