"""Reading the store back: runs held, the weeks a check or a weekly run covers.

The models themselves are rebuilt by :func:`recon.store.rows.load_weeks`;
:mod:`recon.pipeline.check` puts them together with the files given (``recon check
--store``), so an ADJ run's previous run comes from history even when only the ADJ run's
files are at hand, and the result equals a check of all the files.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from recon.models.invoices import Invoice
from recon.models.labels import artefacts_text
from recon.models.loaded import Loaded
from recon.models.weekly import WeekKey, WeekPlan
from recon.reconcile.grouping import loose_week, participant_code
from recon.report.formatting import awst_text
from recon.store.db import Store
from recon.wem.calendar import week_of

log = logging.getLogger(__name__)


# ------------------------------------------------------------------------------ weeks


def where_filters(participant: str | None, week: date | None) -> tuple[str, list[Any]]:
    """SQL ``AND`` clauses and parameters for the usual participant and week filters."""
    sql = ""
    params: list[Any] = []
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


def weeks_for_check(
    store: Store,
    *,
    week: date | None = None,
    participant: str | None = None,
    given: Iterable[Loaded] | None = None,
) -> list[WeekKey]:
    """The (participant, week)s a check from the store covers.

    ``week`` if given; else, when files were given (``given``, possibly empty when none
    of them could be read), the weeks of their artefacts; else every week held.
    ``participant`` narrows any of these.

    Args:
        store: The store.
        week: The Trading Week's first day.
        participant: A participant code.
        given: The artefacts read from the files given (None: no file was given).
    """
    if week is not None:
        return weeks_held(store, participant=participant, week=week)
    if given is None:
        return weeks_held(store, participant=participant)
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
    return sorted(asked, key=lambda k: (k[1], k[0]))


def held_whole(store: Store, participant: str, period: str, run_id: int) -> bool:
    """Whether the store holds a run whole: its Summary, Detail and Invoice."""
    kinds = {
        r[0].split("_")[0]
        for r in store.rows(
            "SELECT DISTINCT kind FROM files WHERE participant = ? AND period = ? AND run_id = ? "
            "AND status IN ('stored', 'duplicate')",
            [participant, period, run_id],
        )
    }
    return {"summary", "detail", "invoice"} <= kinds


# ------------------------------------------------------------------------------ weekly


def last_weekly(store: Store) -> tuple[datetime, datetime | None] | None:
    """(started_at_utc, watermark_utc) of the last recorded weekly run, or None."""
    row = store.one(
        "SELECT started_at_utc, watermark_utc FROM weekly_runs ORDER BY started_at_utc DESC LIMIT 1"
    )
    return (row[0], row[1]) if row else None


def plan_weeks(
    store: Store,
    *,
    week: date | None = None,
    since: date | None = None,
    participant: str | None = None,
) -> WeekPlan:
    """Choose the weeks a weekly run checks.

    ``week`` checks that week; ``since`` every week with a run published or ingested on
    or after that day; by default every week with a file ingested since the last
    completed weekly run (every week held, the first time).

    Args:
        store: The store.
        week: Check this Trading Week (every participant held, or ``participant``).
        since: Check every week with a run published, or a file ingested, on or after
            this day.
        participant: Only this participant.
    """
    watermark = store.scalar("SELECT max(ingested_at_utc) FROM files")
    pfilter = " AND participant = ?" if participant else ""
    pparams: list[Any] = [participant] if participant else []
    if week is not None:
        rows = store.rows(
            f"SELECT DISTINCT participant, week FROM runs WHERE week = ?{pfilter}", [week, *pparams]
        )
        reason = f"the Trading Week of {week.isoformat()}"
    elif since is not None:
        start = datetime.combine(since, datetime.min.time())
        rows = store.rows(
            "SELECT DISTINCT participant, week FROM runs WHERE (published_at >= ? OR "
            f"first_ingested_at_utc >= ?){pfilter} UNION SELECT DISTINCT participant, week "
            f"FROM files WHERE ingested_at_utc >= ? AND week IS NOT NULL{pfilter}",
            [start, start, *pparams, start, *pparams],
        )
        reason = f"weeks with runs published or ingested since {since.isoformat()}"
    else:
        last = last_weekly(store)
        if last is None:
            rows = store.rows(
                f"SELECT DISTINCT participant, week FROM runs WHERE true{pfilter}", pparams
            )
            reason = "every week held (first weekly run)"
        else:
            mark = last[1] or last[0]
            rows = store.rows(
                "SELECT DISTINCT participant, week FROM files WHERE "
                f"ingested_at_utc > ? AND week IS NOT NULL{pfilter}",
                [mark, *pparams],
            )
            reason = (
                "weeks with files ingested since the last weekly run "
                f"({awst_text(mark.replace(tzinfo=UTC))})"
            )
    weeks = sorted({(r[0], r[1]) for r in rows}, key=lambda k: (k[1], k[0]))
    return WeekPlan(weeks=weeks, watermark_utc=watermark, reason=reason)
