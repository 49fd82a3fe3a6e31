"""Reading the store back: runs held, models rebuilt exactly, and checks from history.

:func:`check_from_store` is ``recon check --store``: it rebuilds every artefact of the
matching weeks as the model its reader made (same rows, same exact decimals, same source
references, same reading findings, the same ``inputs`` record), adds any files given,
and runs the engine, so an ADJ run's previous run comes from history even when only the
ADJ run's files are at hand, and the result equals a check of all the files.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from recon.errors import StoreError, UsageError
from recon.models.findings import Finding
from recon.models.invoices import (
    Invoice,
)
from recon.models.labels import artefacts_text
from recon.models.loaded import Loaded
from recon.models.progress import Progress
from recon.models.results import CheckResult
from recon.models.statements import Kept
from recon.sources.limits import DEFAULT_LIMITS, Limits
from recon.store.db import Store
from recon.store.rows import WeekKey, load_weeks

log = logging.getLogger(__name__)


# ------------------------------------------------------------------------------ weeks


def parse_week(value: date | datetime | str | None) -> date | None:
    """A Trading Week given as a date, ``yyyy-mm-dd`` or ``TW dd Mon yyyy``; None passes.

    Raises:
        UsageError: Not a date, or not a Sunday (a Trading Week starts on a Sunday).
    """
    if value is None:
        return None
    if isinstance(value, datetime):
        day = value.date()
    elif isinstance(value, date):
        day = value
    else:
        text = str(value).strip()
        try:
            day = date.fromisoformat(text)
        except ValueError:
            from recon.wem.calendar import parse_week_label

            try:
                day = parse_week_label(text)
            except ValueError:
                raise UsageError(
                    f"{text!r} is not a Trading Week: give its first day as "
                    "yyyy-mm-dd (a Sunday) or its label 'TW 01 Dec 2024'"
                ) from None
    if day.weekday() != 6:
        raise UsageError(
            f"{day.isoformat()} is a {day.strftime('%A')}; a Trading Week starts on a Sunday"
        )
    return day


def where_filters(participant: str | None, week: date | None) -> tuple[str, list[Any]]:
    """SQL ``AND`` clauses and parameters for the usual participant and week filters."""
    sql, params = "", []
    if participant:
        sql += " AND participant = ?"
        params.append(participant)
    if week:
        sql += " AND week = ?"
        params.append(week)
    return sql, params


def weeks_held(
    store: Store, *, participant: str | None = None, week: date | None = None
) -> list[WeekKey]:
    """(participant, week) of every run held, filtered, sorted."""
    where, params = where_filters(participant, week)
    sql = "SELECT DISTINCT participant, week FROM runs WHERE true" + where
    return [(r[0], r[1]) for r in store.rows(sql + " ORDER BY week, participant", params)]


# ------------------------------------------------------------------------------ runs


@dataclass
class RunRow:
    """One run held (``recon runs``).

    Attributes:
        participant, period, week, run_id, designation, published_at: The run.
        artefacts: ``kind -> number of files`` stored for it (duplicates not counted).
        detail_days: Settlement Trading Days held per Detail form (``csv``/``json``).
        first_ingested_at_utc: When the run was first ingested.
    """

    participant: str
    period: str
    week: date
    run_id: int
    designation: str
    published_at: datetime | None
    first_ingested_at_utc: datetime
    artefacts: dict[str, int] = field(default_factory=dict)
    detail_days: dict[str, int] = field(default_factory=dict)

    def artefact_text(self, sep: str = "; ") -> str:
        """e.g. ``Summary CSV+JSON; Detail JSON+ZIP: 7 days; Invoice JSON+PDF``, in the
        words every report uses (:func:`recon.models.labels.artefacts_text`), the Detail
        with the number of Settlement Trading Days held in it."""
        return artefacts_text(self.artefacts, sep, detail_days=self.detail_days)


def list_runs(
    store: Store, *, participant: str | None = None, week: date | None = None
) -> list[RunRow]:
    """Every run held, optionally for one participant and/or Trading Week.

    Sorted by week, participant, PublishedAt (invoice-only runs last in their week), run.
    """
    sql = (
        "SELECT participant, period, week, run_id, designation, published_at, "
        "first_ingested_at_utc FROM runs WHERE true"
    )
    where, params = where_filters(participant, week)
    sql += where
    sql += " ORDER BY week, participant, published_at NULLS LAST, run_id"
    runs = [RunRow(*r) for r in store.rows(sql, params)]
    by_key = {(r.participant, r.period, r.run_id): r for r in runs}
    if not runs:
        return runs
    for p, per, run_id, kind, n in store.rows(
        "SELECT participant, period, run_id, kind, count(*) FROM files "
        "WHERE status = 'stored' GROUP BY ALL"
    ):
        run = by_key.get((p, per, run_id))
        if run is not None:
            run.artefacts[kind] = int(n)
    for p, per, run_id, form, n in store.rows(
        "SELECT participant, period, run_id, CASE WHEN form = 'json' THEN 'json' ELSE "
        "'csv' END AS f, count(DISTINCT d) FROM (SELECT participant, period, run_id, form, "
        "unnest(days) AS d FROM files WHERE status = 'stored' AND kind LIKE 'detail_%') "
        "GROUP BY ALL"
    ):
        run = by_key.get((p, per, run_id))
        if run is not None:
            run.detail_days[form] = int(n)
    return runs


# ------------------------------------------------------------------------------ check


def check_from_store(
    store_path: str | os.PathLike[str] | None = None,
    week: Any = None,
    participant: str | None = None,
    paths: Iterable[str | os.PathLike[str]] = (),
    materiality: Decimal | None = None,
    *,
    limits: Limits = DEFAULT_LIMITS,
    progress: Progress | None = None,
) -> CheckResult:
    """Check runs from the store (plus any files given), as ``recon check`` checks files.

    The artefacts are those of :func:`load_from_store`; the engine is the one
    :func:`recon.check` runs (``recon.check(..., store=...)`` adds ``--own``).

    Args:
        store_path: The store (None: ``$RECON_STORE`` or the default).
        week: The Trading Week's first day (date, ``yyyy-mm-dd`` or ``TW dd Mon yyyy``).
        participant: A participant code.
        paths: Files and folders to add.
        materiality: ``adjustment.material`` threshold (None: off).
        limits: Input caps for reading ``paths``.
        progress: ``(done, total)`` over the files read from ``paths``.

    Returns:
        The check's result, as :func:`recon.check` returns it.

    Raises:
        StoreError: No store, or nothing held or given for the weeks asked.
        InputError: A file under ``paths`` cannot be read at all.
    """
    from recon.reconcile.engine import run_checks

    loaded, findings, skipped = load_from_store(
        store_path, week, participant, paths, limits=limits, progress=progress, kept=Kept()
    )
    return run_checks(loaded, materiality=materiality, findings=findings, skipped=skipped)


def load_from_store(
    store_path: str | os.PathLike[str] | None = None,
    week: Any = None,
    participant: str | None = None,
    paths: Iterable[str | os.PathLike[str]] = (),
    *,
    limits: Limits = DEFAULT_LIMITS,
    progress: Progress | None = None,
    kept: Kept | None = None,
) -> tuple[list[Loaded], list[Finding], list[dict[str, str]]]:
    """The artefacts a check from the store uses, as :func:`recon.sources.loading.load`
    gives them for files: runs held in the store plus any files given.

    Which weeks: ``week`` if given; else the weeks of the artefacts under ``paths``; else
    every week held. ``participant`` narrows any of these. Every run held for those weeks
    is used, so an ADJ run's previous run comes from history. Files under ``paths`` are
    added (a file whose SHA-256 is already among them is taken once).

    Args:
        store_path: The store (None: ``$RECON_STORE`` or the default).
        week: The Trading Week's first day (date, ``yyyy-mm-dd`` or ``TW dd Mon yyyy``).
        participant: A participant code.
        paths: Files and folders to add.
        limits: Input caps for reading ``paths``.
        progress: ``(done, total)`` over the files read from ``paths``.
        kept: Stream the Details (files' and the store's): only these rows stay in
            memory, each day is read again when a check needs it.

    Returns:
        (the artefacts, sorted by path; the reading findings; the files skipped).

    Raises:
        StoreError: No store, or nothing held or given for the weeks asked.
        InputError: A file under ``paths`` cannot be read at all.
    """
    from recon.sources.loading import load

    wk = parse_week(week)
    paths = [Path(p) for p in paths]
    given: list[Loaded] = []
    findings: list[Finding] = []
    skipped: list[dict[str, str]] = []
    if paths:
        given, findings, skipped = load(paths, limits=limits, progress=progress, kept=kept)
    with Store.open(store_path, read_only=True, must_exist=True) as store:
        if wk is not None:
            weeks = weeks_held(store, participant=participant, week=wk)
        elif given or findings:
            from recon.reconcile.grouping import loose_week, participant_code
            from recon.wem.calendar import week_of

            asked = set()
            for item in given:
                m = item.model
                h = m if isinstance(m, Invoice) else m.header
                # The run's week and participant however the file spells them (SPEC §6
                # "Grouping"): the engine reports the spelling, the store is still asked.
                w = week_of(h.period, getattr(h, "period_from", None)) or loose_week(h.period)
                code = participant_code(h.participant)
                if w is not None and (not participant or code == participant):
                    asked.add((code, w))
            weeks = sorted(asked, key=lambda k: (k[1], k[0]))
        else:
            weeks = weeks_held(store, participant=participant)
        held = load_weeks(store, weeks, kept=kept)
    if not held.loaded and not held.findings and not given and not findings:
        what = []
        if wk:
            what.append(f"the Trading Week of {wk.isoformat()}")
        if participant:
            what.append(f"participant {participant}")
        raise StoreError(
            f"the store {store.path} holds no run"
            + (f" for {' and '.join(what)}" if what else "")
            + "; see `recon runs`"
        )
    held_shas = {item.record.sha256 for item in held.loaded}
    extra = [item for item in given if item.record.sha256 not in held_shas]
    loaded = sorted(held.loaded + extra, key=lambda i: i.record.path)
    log.info(
        "checking %d artefact(s) from the store and %d from files, %d week(s)",
        len(held.loaded),
        len(extra),
        len(weeks),
    )
    return loaded, held.findings + findings, held.skipped + skipped
