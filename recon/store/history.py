"""Settlement history (SPEC §8): every check recorded, with what it covered and found.

**Recording.** :func:`record_check` writes one check into the store, in one transaction:
one ``checks`` row per (participant, Trading Week) the check covered (when, recon's
version, the command, the RunIds, the counts, the SHA-256 of the week's inputs and whether
its outputs were written), one ``check_runs`` row per run covered (its coverage, the
artefact kinds used, its *grounds*: what of it the check used, by Trading Day and form, see
:mod:`recon.store.grounds`; the invoice's amount due and recon's recomputed Total Payable)
and one ``check_findings`` row per finding (with its issue key). Re-checking the same
inputs records another check: it happened.

**Outputs.** A check that writes outputs is recorded first as ``not written`` and marked
``written`` (:func:`mark_outputs_written`) once its output set is in place, so a crash while
writing the reports never leaves a recorded check claiming outputs it does not have.

**Weekly runs.** :func:`record_weekly` records a completed ``recon weekly`` run with the
ingest watermark it covered, so the next run picks up from there
(:func:`recon.store.query.plan_weeks`).

The issue register and the audit query, which read what is recorded here, are in
:mod:`recon.store.register`.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
from collections import defaultdict
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import duckdb

from recon.errors import StoreError
from recon.models.audit import OutputsState
from recon.models.findings import CheckId
from recon.models.kinds import DETAIL_KINDS, SUMMARY_KINDS, Kind
from recon.models.results import CheckResult, RunCoverage, RunInfo
from recon.models.weekly import WeekPlan
from recon.reconcile.invoice_terms import figure_of_source
from recon.store.db import Store
from recon.store.grounds import RunGrounds, own_days, run_tokens
from recon.wem.calendar import INTERVAL_GRANULARITIES, parse_week_label
from recon.wem.variables import parse_variable

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
    figure: str | None = None,
) -> str:
    """The SPEC §8 issue key as one string: its eight parts joined by ``|`` (null: empty).

    >>> issue_key("SWANGEN", date(2024, 12, 15), "invoice.total", None, None, None, None,
    ...           "RCTI Total")
    'SWANGEN|2024-12-15|invoice.total|||||RCTI Total'
    """
    parts = [participant, week.isoformat(), check, variable, scope, timestamp, position, figure]
    return "|".join("" if p is None else str(p) for p in parts)


def issue_id(key: str) -> str:
    """An issue's short stable id (SPEC §11): the first 10 hex digits of its key's SHA-256.

    >>> issue_id("SWANGEN|2024-12-15|invoice.total|||||RCTI Total")
    'c3a4ba2ba6'
    """
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:10]


_CHAIN_FIGURE = re.compile(r"^The invoiced (.+?)s across ")
_PDF_FIELD = re.compile(
    r"^The PDF shows the (invoice number|run|previous run|designation|Trading Week|"
    r"participant|issue date|trade week) as "
)
_ROW_FIGURE = re.compile(r"^The Payment Summary shows \S+'s (amount|GST) as ")


def figure_of_recorded(finding: dict[str, Any]) -> str | None:
    """The ``figure`` of a recorded finding (its JSON as a dict).

    A finding recorded by this recon carries it. One recorded before findings had it
    (schema version 2) gets the figure its source or message names, as the checks that
    made it would now set it.
    """
    if "figure" in finding:
        return finding["figure"]
    check = finding.get("check") or ""
    if check not in (CheckId.INVOICE_TOTAL, CheckId.INVOICE_PDF_JSON, CheckId.ADJUSTMENT_CHAIN):
        return None
    message = finding.get("message") or ""
    if check == CheckId.INVOICE_TOTAL and "no Adjustment Information section" in message:
        return "Adjustment Information"
    if check == CheckId.INVOICE_TOTAL and (m := _ROW_FIGURE.match(message)):
        return f"Payment Summary {m.group(1)}"
    if check == CheckId.INVOICE_PDF_JSON and (m := _PDF_FIELD.match(message)):
        return m.group(1)
    if check == CheckId.INVOICE_PDF_JSON and "Adjustment Information section" in message:
        return "Adjustment Information"
    if check == CheckId.ADJUSTMENT_CHAIN and not finding.get("variable"):
        m = _CHAIN_FIGURE.match(message)
        return m.group(1) if m else None
    if check == CheckId.ADJUSTMENT_CHAIN:
        return None
    return figure_of_source(finding.get("source"))


def _week_of(period: str | None) -> date | None:
    if not period:
        return None
    try:
        return parse_week_label(period)
    except ValueError:
        return None


OWN_KIND = "own:"
"""Prefix of the pseudo artefact kind ``own:<variable>`` a recorded run carries when the
check compared your own data (``--own``) with that run's Detail values of the variable."""


def own_kind(variable: str) -> str:
    """The ``check_runs.artefacts`` entry saying your data of ``variable`` was compared."""
    return f"{OWN_KIND}{variable}"


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
    outputs: OutputsState = OutputsState.NONE,
    out_dir: str | os.PathLike[str] | None = None,
) -> int:
    """Record one check in the store (SPEC §8), in one transaction; return its check id.

    Args:
        store: An open store, or its path (None: ``$RECON_STORE`` or the default); a path
            is opened for writing and closed again.
        result: The check's result (``recon check --store``, ``recon weekly``).
        command: What ran it (``check``, ``weekly``, ``api``).
        checked_at: When (default: the result's ``generated_at``), stored as UTC.
        outputs: Whether its outputs were written: a check about to write them is
            recorded ``not written`` and then marked (:func:`mark_outputs_written`); one
            that writes none (``recon.check``) is ``none``.
        out_dir: Where its outputs go.

    Returns:
        The check id (one per call, shared by every week the check covered).

    Raises:
        StoreError: The store cannot be opened or written.
    """
    when = checked_at or result.generated_at
    if when.tzinfo is not None:
        when = when.astimezone(UTC).replace(tzinfo=None)
    checks_rows, run_rows, finding_rows = _rows(result)
    where = str(Path(out_dir).absolute()) if out_dir is not None else None
    st, owned = _open(store)
    try:
        return _insert(
            st, checks_rows, run_rows, finding_rows, when, result, command, outputs, where
        )
    except duckdb.Error as e:
        raise StoreError(
            f"cannot record the check in the store {st.path}: {str(e).splitlines()[0]}"
        ) from None
    finally:
        if owned:
            st.close()


def mark_outputs_written(
    store: Store | str | os.PathLike[str] | None,
    check_id: int,
    out_dir: str | os.PathLike[str] | None = None,
) -> None:
    """Mark a recorded check's outputs as written (its whole output set is in place).

    Raises:
        StoreError: The store cannot be opened or written.
    """
    where = str(Path(out_dir).absolute()) if out_dir is not None else None
    st, owned = _open(store)
    try:
        with st.transaction():
            st.con.execute(
                "UPDATE checks SET outputs = ?, out_dir = coalesce(?, out_dir) WHERE check_id = ?",
                [OutputsState.WRITTEN.value, where, check_id],
            )
    except duckdb.Error as e:
        raise StoreError(
            f"cannot record the check's outputs in the store {st.path}: {str(e).splitlines()[0]}"
        ) from None
    finally:
        if owned:
            st.close()


def record_weekly(
    store: Store, *, started_at_utc: datetime, plan: WeekPlan, out_dir: Path | None, exit_code: int
) -> None:
    """Record a completed weekly run: when it started and finished, the ingest watermark
    it covered, the weeks it checked, where their reports went and its exit status."""
    with store.transaction():
        store.con.execute(
            "INSERT INTO weekly_runs VALUES (?, ?, ?, ?, ?, ?)",
            [
                started_at_utc,
                datetime.now(UTC).replace(tzinfo=None),
                plan.watermark_utc,
                [f"{p}/{w.isoformat()}" for p, w in plan.weeks],
                str(out_dir) if out_dir else None,
                exit_code,
            ],
        )


_CHECK_COLUMNS = (
    "check_id, checked_at_utc, recon_version, command, participant, week, run_ids, errors, "
    "warnings, infos, inputs_sha256, outputs, out_dir"
)
_RUN_COLUMNS = (
    "check_id, participant, week, period, run_id, designation, published_at, artefacts, "
    "summary, detail_days, period_days, invoice_json, invoice_pdf, previous_run, notes, "
    "amount_due, recomputed_total_payable, grounds"
)
_FINDING_COLUMNS = (
    "check_id, participant, week, ord, run_id, check_name, severity, variable, scope, "
    '"timestamp", position, issue_key, finding, figure'
)


def _marks(columns: str) -> str:
    return ", ".join("?" for _ in columns.split(","))


def _insert(
    st: Store,
    checks_rows: dict[WeekKey, list[Any]],
    run_rows: list[list[Any]],
    finding_rows: list[list[Any]],
    when: datetime,
    result: CheckResult,
    command: str,
    outputs: OutputsState,
    out_dir: str | None,
) -> int:
    """Insert one check's rows in one transaction; return its check id."""
    state = OutputsState(outputs).value
    with st.transaction():
        check_id = int(st.scalar("SELECT nextval('check_id_seq')"))
        for (p, w), row in sorted(checks_rows.items()):
            st.con.execute(
                f"INSERT INTO checks ({_CHECK_COLUMNS}) VALUES ({_marks(_CHECK_COLUMNS)})",
                [check_id, when, result.recon_version, command, p, w, *row, state, out_dir],
            )
        if run_rows:
            st.con.executemany(
                f"INSERT INTO check_runs ({_RUN_COLUMNS}) VALUES ({_marks(_RUN_COLUMNS)})",
                [[check_id, *r] for r in run_rows],
            )
        if finding_rows:
            st.con.executemany(
                f"INSERT INTO check_findings ({_FINDING_COLUMNS}) "
                f"VALUES ({_marks(_FINDING_COLUMNS)})",
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
    which days), in no form proven day by day; a check that records coverage per run
    (SPEC §6) is used as it is.
    """
    kinds = set(run.artefacts)
    adjustment = run.designation.upper().startswith("ADJ")
    return RunCoverage(
        participant=run.participant,
        period=run.period,
        run_id=run.run_id,
        designation=run.designation,
        summary=bool(kinds & SUMMARY_KINDS),
        detail_days=7 if kinds & DETAIL_KINDS else 0,
        invoice_json=Kind.INVOICE_JSON in kinds,
        invoice_pdf=Kind.INVOICE_PDF in kinds,
        previous_run=(run.previous_run_id is not None) if adjustment else None,
    )


def _run_grounds(c: RunCoverage, artefacts: list[str], published: datetime | None) -> RunGrounds:
    """What the check used of a run, for its grounds (days by form when recorded)."""
    forms = c.detail_forms if (c.detail_forms or c.detail_days == 0) else None
    return RunGrounds(
        run_id=c.run_id,
        designation=c.designation,
        published_at=published,
        kinds=frozenset(artefacts),
        summary=c.summary,
        invoice_json=c.invoice_json,
        invoice_pdf=c.invoice_pdf,
        previous_run=c.previous_run,
        detail_forms=forms,
        detail_days=c.detail_days,
        period_days=c.period_days,
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
    for (p, w), keys in sorted(weeks.items()):
        chosen: dict[int, tuple[tuple[str, str, int], RunGrounds, list[str], Any, Any]] = {}
        for key in sorted(keys, key=lambda k: k[2]):
            if key[2] in chosen:
                continue
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
            grounds = _run_grounds(c, artefacts, published)
            chosen[key[2]] = (key, grounds, artefacts, amount_due, recomputed)
        compared = {
            run_id: own_vars.get((p, run_id), set()) for run_id in chosen if (p, run_id) in own_vars
        }
        owned = own_days([g for _, g, _, _, _ in chosen.values()], w, compared)
        for run_id in sorted(chosen):
            key, g, artefacts, amount_due, recomputed = chosen[run_id]
            c = covs[key]
            kinds = sorted(set(artefacts) | {own_kind(v) for v in compared.get(run_id, ())})
            run_rows.append(
                [
                    p,
                    w,
                    key[1],
                    key[2],
                    c.designation,
                    g.published_at,
                    kinds,
                    c.summary,
                    c.detail_days,
                    c.period_days,
                    c.invoice_json,
                    c.invoice_pdf,
                    c.previous_run,
                    list(c.notes),
                    amount_due,
                    recomputed,
                    run_tokens(g, w, owned.get(run_id, ())),
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
            ikey = issue_key(p, wk, f.check, f.variable, f.scope, f.timestamp, f.position, f.figure)
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
                    ikey,
                    f.model_dump_json(),
                    f.figure,
                ]
            )
    checks_rows: dict[WeekKey, list[Any]] = {}
    for (p, w), tally in counts.items():
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
        checks_rows[(p, w)] = [run_ids, tally["error"], tally["warning"], tally["info"], shas]
    return checks_rows, run_rows, finding_rows


# ------------------------------------------------------------------------------ migration


def migrate_to_v3(con: duckdb.DuckDBPyConnection) -> None:
    """Schema 3's data step (run inside its migration's transaction): every recorded
    finding gets its ``figure`` and the issue key that includes it, and every recorded run
    the grounds its recorded coverage proves (:mod:`recon.store.grounds`; Detail days by
    form from the ``files`` the check read, where they are held). A finding about a Trading
    Day (or coarser) value recorded with a ``position`` and an interval (as recon did
    before SPEC §5 kept them for I and DI values) loses them, in its key and its JSON, so
    it stays the issue a check makes of it now. No recorded check is removed or changed
    otherwise; the register is rebuilt from these by the new rule."""
    rows = con.execute(
        "SELECT check_id, participant, week, ord, check_name, variable, scope, "
        '"timestamp", position, finding FROM check_findings'
    ).fetchall()
    updates = []
    for cid, p, w, ord_, check, variable, scope, ts, position, text in rows:
        try:
            doc = json.loads(text)
        except ValueError:
            doc = {}
        figure = figure_of_recorded(doc if isinstance(doc, dict) else {"check": check})
        if position is not None and not _interval_variable(variable):
            position = None
            if isinstance(doc, dict):
                doc.update(position=None, interval_start=None, interval_end=None)
                text = json.dumps(doc, ensure_ascii=False)
        key = issue_key(p, w, check, variable, scope, ts, position, figure)
        updates.append((cid, p, w, ord_, figure, key, position, text))
    if updates:
        con.execute(
            "CREATE TEMP TABLE _v3_keys (check_id BIGINT, participant VARCHAR, week DATE, "
            "ord INTEGER, figure VARCHAR, issue_key VARCHAR, position INTEGER, "
            "finding VARCHAR)"
        )
        con.executemany("INSERT INTO _v3_keys VALUES (?, ?, ?, ?, ?, ?, ?, ?)", updates)
        con.execute(
            "UPDATE check_findings SET figure = k.figure, issue_key = k.issue_key, "
            "position = k.position, finding = k.finding FROM _v3_keys k "
            "WHERE check_findings.check_id = k.check_id AND "
            "check_findings.participant = k.participant AND check_findings.week = k.week "
            "AND check_findings.ord = k.ord"
        )
        con.execute("DROP TABLE _v3_keys")
    _backfill_grounds(con)


def _interval_variable(variable: str | None) -> bool:
    """Whether a recorded finding's variable is a Trading or Dispatch Interval one (or
    cannot be told: then its position is kept as recorded)."""
    if not variable:
        return True
    try:
        return parse_variable(variable).granularity in INTERVAL_GRANULARITIES
    except ValueError:
        return True


def _backfill_grounds(con: duckdb.DuckDBPyConnection) -> None:
    """Grounds for the ``check_runs`` rows recorded before schema 3."""
    runs = con.execute(
        "SELECT r.check_id, r.participant, r.week, r.run_id, r.designation, r.published_at, "
        "r.artefacts, r.summary, r.detail_days, r.period_days, r.invoice_json, "
        "r.invoice_pdf, r.previous_run, c.inputs_sha256 FROM check_runs r JOIN checks c "
        "ON c.check_id = r.check_id AND c.participant = r.participant AND c.week = r.week "
        "WHERE r.grounds IS NULL"
    ).fetchall()
    if not runs:
        return
    held: dict[str, tuple[str, int | None, list[date]]] = {
        sha: (kind, run_id, list(days or []))
        for sha, kind, run_id, days in con.execute(
            "SELECT sha256, kind, run_id, days FROM files WHERE kind LIKE 'detail_%' "
            "AND status IN ('stored', 'duplicate')"
        ).fetchall()
    }
    groups: dict[tuple[int, str, date], list[tuple[Any, ...]]] = defaultdict(list)
    for row in runs:
        groups[(row[0], row[1], row[2])].append(row)
    updates = []
    for (cid, p, w), rows in groups.items():
        grounds: list[RunGrounds] = []
        compared: dict[int, set[str]] = {}
        for _, _, _, run_id, des, pub, artefacts, summary, dd, pd_, ij, ip, prev, shas in rows:
            kinds = [a for a in (artefacts or []) if not a.startswith(OWN_KIND)]
            own = {a[len(OWN_KIND) :] for a in (artefacts or []) if a.startswith(OWN_KIND)}
            if own:
                compared[run_id] = own
            forms: dict[str, set[date]] = defaultdict(set)
            for sha in shas or []:
                kind, file_run, days = held.get(sha, ("", None, []))
                if kind and file_run == run_id:
                    forms["json" if kind == Kind.DETAIL_JSON else "csv"] |= set(days)
            union = set().union(*forms.values()) if forms else set()
            used = {"json" if k == Kind.DETAIL_JSON else "csv" for k in kinds if k in DETAIL_KINDS}
            whole = used <= set(forms)  # the files of every Detail form it used are held
            proven = dict(forms) if forms and whole and len(union) >= dd > 0 else None
            grounds.append(
                RunGrounds(
                    run_id=run_id,
                    designation=des,
                    published_at=pub,
                    kinds=frozenset(kinds),
                    summary=summary,
                    invoice_json=ij,
                    invoice_pdf=ip,
                    previous_run=prev,
                    detail_forms=proven,
                    detail_days=dd,
                    period_days=pd_,
                )
            )
        owned = own_days(grounds, w, compared)
        for g in grounds:
            updates.append((cid, p, w, g.run_id, run_tokens(g, w, owned.get(g.run_id, ()))))
    con.execute(
        "CREATE TEMP TABLE _v3_grounds (check_id BIGINT, participant VARCHAR, week DATE, "
        "run_id BIGINT, grounds VARCHAR[])"
    )
    con.executemany("INSERT INTO _v3_grounds VALUES (?, ?, ?, ?, ?)", updates)
    con.execute(
        "UPDATE check_runs SET grounds = g.grounds FROM _v3_grounds g WHERE "
        "check_runs.check_id = g.check_id AND check_runs.participant = g.participant AND "
        "check_runs.week = g.week AND check_runs.run_id = g.run_id"
    )
    con.execute("DROP TABLE _v3_grounds")
