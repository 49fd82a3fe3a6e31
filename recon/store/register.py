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
  **resolved** when that check clears it: **resolved by** the earliest run after its last
  run that cleared it in the first check to clear it after it was last yielded (its last
  run itself only when no later run did), **resolved at** that check.
* An info finding never keeps an error or warning of the same key open and never resolves
  one (only coverage does); a key yielded only as info is an issue of its own.
* A finding with no run (a file recon could not read at all) is about the check's inputs:
  open while the latest check of its week yields it, and resolved by the latest run of the
  first later check that does not.
* ``first_seen_at`` is the first check that yielded it; ``last_seen_at`` the first check
  that yielded it in its last run (so re-checking the same inputs changes no issue's
  history).

**Worklist** (SPEC §11). Each issue also has a workflow state people set (``new``,
``investigating``, ``disputed``, ``accepted``): :func:`record_event` appends an event to the
store's ``issue_events``, never edits or deletes one, and each event carries the SHA-256
of the one before it, so an event altered outside recon is found when the log is read
(:func:`events_by_key`). An issue's ``at_stake`` is its latest root finding's; with
``nod_business_days`` an open issue is due that many WA Business Days after its raising
run's PublishedAt.

**Audit.** :func:`audit` reads, for the Trading Weeks starting in a date range, the runs
held and their invoices' amount due (the ``runs``, ``invoices`` and ``invoice_totals``
tables), the recorded checks and the issue register. It never reads Summary or Detail
values, so its time and memory do not grow with the Detail held.
"""

from __future__ import annotations

import getpass
import hashlib
import json
import logging
import os
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any, Literal, overload

import duckdb

from recon.errors import StoreError, UnknownIssueError, UsageError
from recon.models.audit import (
    Audit,
    AuditRun,
    AuditWeek,
    CheckRecord,
    Issue,
    IssueEvent,
    OutputsState,
    Workflow,
)
from recon.models.findings import Finding
from recon.store.db import Store
from recon.store.grounds import Ground, ground_of
from recon.store.history import WeekKey, issue_id
from recon.wem.business_days import add_business_days, business_days_between
from recon.wem.calendar import AWST

log = logging.getLogger(__name__)

_FAR_FUTURE = datetime(9999, 12, 31)


# ------------------------------------------------------------------------------ register


def _where(
    participant: str | None, start: date | None, end: date | None, prefix: str = ""
) -> tuple[str, list[Any]]:
    sql = ""
    params: list[Any] = []
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
    at_stake: str | None = None
    root: bool = True
    at_stake_basis: str | None = None


def _decide(
    issue: Issue, ground: Ground, hits: list[_Hit], week: _Week, at: dict[int, datetime]
) -> None:
    """Set an issue's status, runs and times from its hits, by the rule of the module doc."""
    by_check: dict[int, list[_Hit]] = defaultdict(list)
    for h in hits:
        by_check[h.check_id].append(h)
    with_run = [h for h in hits if h.run_id is not None]
    run_ids = [h.run_id for h in with_run if h.run_id is not None]  # every hit of with_run
    last = max(run_ids, key=week.rank) if with_run else None
    if with_run:
        first = min(run_ids, key=week.rank)
        issue.first_run_id, issue.last_run_id = first, last
        issue.first_designation = week.designation.get(first)
        assert last is not None  # with_run is not empty
        issue.last_designation = week.designation.get(last)
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
    cleared = [r for r in holding if r not in found and (floor is None or week.rank(r) >= floor)]
    later = [r for r in cleared if floor is None or week.rank(r) > floor]
    if later:  # the first later run holding the ground without it
        return "clear", later[0]
    if cleared:  # only its own last run, checked again without it
        return "clear", cleared[0]
    return None, None


def build_register(
    store: Store,
    *,
    participant: str | None = None,
    start: date | None = None,
    end: date | None = None,
    nod_business_days: int | None = None,
    today: date | None = None,
) -> list[Issue]:
    """The issue register of the weeks asked (Trading Weeks starting from ``start`` to
    ``end``, both included), decided from the recorded checks (see the module doc), with
    each issue's workflow events, at stake, due date and age (SPEC §10, §11).

    Args:
        store: The store.
        participant, start, end: Which weeks.
        nod_business_days: ``[disputes] nod_business_days`` of the config file: an open
            issue is due that many WA Business Days after the day (AWST) of its raising
            run's PublishedAt. None: no due date.
        today: The day ages are counted to (default: today in AWST).

    Raises:
        StoreError: The event log was altered.

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
        at_stake,
        root,
        basis,
    ) in store.rows(
        "SELECT check_id, participant, week, run_id, check_name, severity, variable, "
        'scope, "timestamp", position, figure, issue_key, '
        "json_extract_string(finding, '$.message'), json_extract_string(finding, '$.source'), "
        "json_extract_string(finding, '$.interval_start'), "
        "json_extract_string(finding, '$.at_stake'), "
        "json_extract_string(finding, '$.cause') IS NULL, "
        "json_extract_string(finding, '$.at_stake_basis') FROM check_findings WHERE true"
        + where
        + " ORDER BY check_id, ord",
        params,
    ):
        if cid not in at:
            continue
        hits[key].append(_Hit(cid, run_id, severity, message or "", at_stake, root, basis))
        meta.setdefault(
            key, (check, p, w, variable, scope, ts, position, figure, source, interval_start)
        )
    events = events_by_key(store, participant=participant, start=start, end=end)
    day = today or datetime.now(AWST).date()
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
        roots = [h for h in found if h.root]
        issue.at_stake = _decimal(roots[-1].at_stake) if roots else None
        issue.at_stake_basis = roots[-1].at_stake_basis if roots else None
        issue.events = events.get(key, [])
        _due(issue, week, nod_business_days, day)
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


def _decimal(text: str | None) -> Decimal | None:
    if text is None:
        return None
    try:
        value = Decimal(text)
    except (InvalidOperation, ValueError):
        return None
    return value if value.is_finite() else None


def _due(issue: Issue, week: _Week, nod_business_days: int | None, today: date) -> None:
    """Set an issue's due date and age in WA Business Days (SPEC §11)."""
    if issue.first_run_id is None:
        return
    published, _ = week.rank(issue.first_run_id)
    if published >= _FAR_FUTURE:
        return
    issue.raised_published_at = published
    raised = published.date()  # PublishedAt is AEMO's wall-clock time: AWST
    if nod_business_days is not None and issue.is_open:
        issue.due = add_business_days(raised, nod_business_days)
    until = today
    if not issue.is_open and issue.resolved_at is not None:
        until = issue.resolved_at.replace(tzinfo=UTC).astimezone(AWST).date()
    issue.age_business_days = business_days_between(raised, until)


# ------------------------------------------------------------------------------ events

_GENESIS = "0" * 64
"""The ``prev_sha256`` of the first event of a store."""
_TEXT_LIMIT = {"by": 200, "ref": 200, "note": 4000}
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
"""Characters a person's text never needs: C0/C1 controls (tab and newline are kept) and
bidi marks, overrides and isolates."""


def _event_digest(
    prev: str,
    seq: int,
    key: str,
    at: datetime,
    by: str,
    workflow: str,
    ref: str | None,
    lodged: date | None,
    note: str | None,
) -> str:
    text = json.dumps(
        [prev, seq, key, at.isoformat(), by, workflow, ref, lodged and lodged.isoformat(), note],
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def events_by_key(
    store: Store,
    *,
    participant: str | None = None,
    start: date | None = None,
    end: date | None = None,
) -> dict[str, list[IssueEvent]]:
    """Every recorded workflow event of the weeks asked, by issue key, oldest first.

    The whole log is read to check that no event was edited or deleted: each carries the
    SHA-256 of the one before it and of itself.

    Raises:
        StoreError: An event was edited or deleted.
    """
    wanted_where, wanted_params = _where(participant, start, end)
    wanted = {
        seq
        for (seq,) in store.rows(
            "SELECT seq FROM issue_events WHERE true" + wanted_where, wanted_params
        )
    }
    out: dict[str, list[IssueEvent]] = defaultdict(list)
    prev = _GENESIS
    for seq, key, at, by, workflow, ref, lodged, note, prev_sha, sha in store.rows(
        "SELECT seq, issue_key, at_utc, by_name, workflow, ref, lodged, note, prev_sha256, "
        "sha256 FROM issue_events ORDER BY seq"
    ):
        digest = _event_digest(prev, seq, key, at, by, workflow, ref, lodged, note)
        if prev_sha != prev or sha != digest:
            raise StoreError(
                f"the issue event log of the store {store.path} was altered at event {seq}: "
                "recon only ever appends to it; restore the store from a backup"
            )
        prev = sha
        if seq in wanted:
            out[key].append(
                IssueEvent(
                    at=at.replace(tzinfo=UTC),
                    by=by,
                    workflow=Workflow(workflow),
                    ref=ref,
                    lodged=lodged,
                    note=note,
                )
            )
    return dict(out)


def _issue_keys(store: Store) -> dict[str, tuple[str, str, date]]:
    """Issue id -> (key, participant, week) of every key recorded."""
    return {
        issue_id(key): (key, p, w)
        for key, p, w in store.rows(
            "SELECT DISTINCT issue_key, participant, week FROM check_findings"
        )
    }


def _as_store(store: Store | str | os.PathLike[str] | None, read_only: bool) -> tuple[Store, bool]:
    if isinstance(store, Store):
        return store, False
    return Store.open(store, read_only=read_only, must_exist=True), True


def find_issue(
    store: Store | str | os.PathLike[str] | None,
    issue_id: str,
    *,
    nod_business_days: int | None = None,
    today: date | None = None,
) -> Issue | None:
    """The issue of the register with this id (its 10 hex digits), or None.

    Args:
        store: An open store, or its path (None: ``$RECON_STORE`` or the default), opened
            read-only and closed again.
        issue_id: The issue's id.
        nod_business_days, today: As for :func:`build_register`.
    """
    wanted = str(issue_id).strip().lower()
    if not re.fullmatch(r"[0-9a-f]{10}", wanted):
        return None
    st, owned = _as_store(store, read_only=True)
    try:
        found = _issue_keys(st).get(wanted)
        if found is None:
            return None
        key, p, w = found
        register = build_register(
            st,
            participant=p,
            start=w,
            end=w,
            nod_business_days=nod_business_days,
            today=today,
        )
        return next((i for i in register if i.key == key), None)
    finally:
        if owned:
            st.close()


ENV_USER = "RECON_USER"


def person(by: str | None = None, env: Mapping[str, str] | None = None) -> str:
    """Who records a change (SPEC §11): ``by`` (``--by``), else ``$RECON_USER``, else the
    login name.

    Raises:
        UsageError: None of them says.
    """
    env = os.environ if env is None else env
    if by and by.strip():
        return by.strip()
    if env.get(ENV_USER, "").strip():
        return env[ENV_USER].strip()
    try:
        return getpass.getuser()
    except (OSError, KeyError):
        raise UsageError(f"say who you are: --by NAME (or set ${ENV_USER})") from None


@overload
def _text(name: str, value: str | None, *, required: Literal[True]) -> str: ...


@overload
def _text(name: str, value: str | None, *, required: bool = False) -> str | None: ...


def _text(name: str, value: str | None, *, required: bool = False) -> str | None:
    text = value.strip() if isinstance(value, str) else value
    if not text:
        if required:
            raise UsageError(f"give --{name}")
        return None
    if not isinstance(text, str):
        raise UsageError(f"--{name} must be text")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise UsageError(f"--{name} is not valid text (a lone surrogate)") from None
    bad = next((c for c in text if _CONTROL.match(c)), None)
    if bad is not None:
        raise UsageError(
            f"--{name} holds a control or direction character (U+{ord(bad):04X}): type it "
            "as plain text"
        )
    if len(text) > _TEXT_LIMIT[name]:
        raise UsageError(f"--{name} is longer than {_TEXT_LIMIT[name]} characters")
    return text


def _lodged(value: date | str | None, today: date) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        value = value.date()
    if not isinstance(value, date):
        try:
            value = date.fromisoformat(str(value).strip())
        except ValueError:
            raise UsageError(f"--lodged {value!r} is not a date: give yyyy-mm-dd") from None
    if value > today:
        raise UsageError(f"--lodged {value} is after today ({today}): give the day it was lodged")
    return value


def record_event(
    store: Store | str | os.PathLike[str] | None,
    issue_id: str,
    *,
    workflow: Workflow | str,
    by: str,
    ref: str | None = None,
    lodged: date | str | None = None,
    note: str | None = None,
    at: datetime | None = None,
    nod_business_days: int | None = None,
) -> Issue:
    """Record a change of an issue's workflow (SPEC §11): one event appended to the store,
    never edited or deleted; return the issue as it now stands.

    Args:
        store: An open store (writable), or its path (opened for writing and closed again).
        issue_id: The issue's id.
        workflow: ``new``, ``investigating``, ``disputed`` or ``accepted``.
        by: Who.
        ref: AEMO's reference or the team's: required to dispute.
        lodged: The day the Notice of Disagreement was lodged: required to dispute.
        note: Why: required to accept.
        at: When (default: now), stored as UTC.
        nod_business_days: As for :func:`build_register` (the issue returned).

    Raises:
        UsageError: An invalid change (accepted without a note, disputed without a
            reference or a lodged day, a reference with another state, a lodged day in
            the future, text that is too long or not text).
        UnknownIssueError: No issue has this id.
        StoreError: The store cannot be opened or written, or its event log was altered.
    """
    try:
        state = Workflow(workflow.value if isinstance(workflow, Workflow) else workflow)
    except ValueError:
        choices = ", ".join(w.value for w in Workflow)
        raise UsageError(f"{workflow!r} is not a workflow state: give one of {choices}") from None
    when = at or datetime.now(UTC)
    when = when.astimezone(UTC).replace(tzinfo=None) if when.tzinfo else when
    today = when.replace(tzinfo=UTC).astimezone(AWST).date()
    who = _text("by", by, required=True)
    reference = _text("ref", ref)
    day = _lodged(lodged, today)
    why = _text("note", note)
    if state is Workflow.DISPUTED and (reference is None or day is None):
        raise UsageError("to set an issue disputed, give --ref (the reference) and --lodged DATE")
    if state is not Workflow.DISPUTED and (reference is not None or day is not None):
        raise UsageError("--ref and --lodged go with --set disputed")
    if state is Workflow.ACCEPTED and why is None:
        raise UsageError("to accept an issue, give --note saying why")
    st, owned = _as_store(store, read_only=False)
    try:
        issue = find_issue(st, issue_id)
        if issue is None:
            raise UnknownIssueError(f"no issue {str(issue_id).strip()!r} in the store {st.path}")
        events_by_key(st)  # refuse to append to a log that was altered
        try:
            with st.transaction():
                row = st.one("SELECT sha256 FROM issue_events ORDER BY seq DESC LIMIT 1")
                prev = row[0] if row else _GENESIS
                seq = int(st.scalar("SELECT nextval('issue_event_seq')"))
                digest = _event_digest(
                    prev, seq, issue.key, when, who, state.value, reference, day, why
                )
                st.con.execute(
                    "INSERT INTO issue_events (seq, issue_id, issue_key, participant, week, "
                    "at_utc, by_name, workflow, ref, lodged, note, prev_sha256, sha256) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [
                        seq,
                        issue.id,
                        issue.key,
                        issue.participant,
                        issue.week,
                        when,
                        who,
                        state.value,
                        reference,
                        day,
                        why,
                        prev,
                        digest,
                    ],
                )
        except duckdb.Error as e:
            raise StoreError(
                f"cannot record the change in the store {st.path}: {str(e).splitlines()[0]}"
            ) from None
        log.info("issue %s set %s by %s", issue.id, state.value, who)
        updated = find_issue(st, issue.id, nod_business_days=nod_business_days)
        assert updated is not None
        return updated
    finally:
        if owned:
            st.close()


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


def audit(
    store: Store,
    start: date,
    end: date,
    *,
    participant: str | None = None,
    nod_business_days: int | None = None,
    today: date | None = None,
) -> Audit:
    """The audit of the Trading Weeks starting from ``start`` to ``end`` (both included).

    Reads the runs held, their invoices' Payment Summary totals, the recorded checks,
    findings and workflow events; never a Summary or Detail value. ``nod_business_days``
    and ``today`` are as for :func:`build_register`.
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
    out.issues = build_register(
        store,
        participant=participant,
        start=start,
        end=end,
        nod_business_days=nod_business_days,
        today=today,
    )
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
