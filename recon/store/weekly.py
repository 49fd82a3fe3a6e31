"""``recon weekly``: fetch, ingest and check the weeks that changed, for cron or CI.

The steps (:func:`run_weekly` drives them; the command in :mod:`recon.cli.store_cmd` prints):

1. **Fetch** (:func:`fetch_new_runs`), when the PaSS client is installed and configured
   (``$RECON_PASS_URL``, ``$RECON_CONFIG`` or the user's ``config.toml``; see
   :mod:`recon.pass_client.config`): for each Trading Week of the window, the timeline
   is read and every run not yet held whole (Summary, Detail and Invoice) is downloaded.
   Otherwise fetching is skipped with an info log line.
2. **Ingest** what was fetched and any folders given (an inbox).
3. **Plan** (:func:`plan_weeks`): ``--week`` checks that week; ``--since D`` every week
   with a run published or ingested on or after D; by default every week with a file
   ingested since the last completed weekly run (all weeks held, the first time).
4. **Check** each (participant, week) from the store and write its reports.
5. **Record** the run (:func:`record_weekly`) with the ingest watermark it covered, so
   the next run picks up from there. A run that could not finish is not recorded, so its
   weeks are checked again next time.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, Protocol

from recon.models.progress import Progress
from recon.report.formatting import awst_text
from recon.store.db import Store
from recon.store.query import WeekKey
from recon.text import path_component

log = logging.getLogger(__name__)

DEFAULT_LOOKBACK_WEEKS = 60
"""Trading Weeks the default fetch window reaches back: adjustment runs (ADJ3 especially)
arrive many months after the week, so the window covers more than a year."""


@dataclass
class WeekPlan:
    """The weeks a weekly run checks.

    Attributes:
        weeks: (participant, week) pairs, sorted by week.
        watermark_utc: The latest ``ingested_at_utc`` covered (recorded for the next run).
        reason: How they were chosen, for the log.
    """

    weeks: list[WeekKey]
    watermark_utc: datetime | None
    reason: str


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
    """Choose the weeks to check (see the module doc).

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


def record_weekly(
    store: Store, *, started_at_utc: datetime, plan: WeekPlan, out_dir: Path | None, exit_code: int
) -> None:
    """Record a completed weekly run."""
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


# ------------------------------------------------------------------------------ fetching


@dataclass
class FetchOutcome:
    """What :func:`fetch_new_runs` did.

    Attributes:
        configured: Whether a PaSS client was configured (else nothing was tried).
        folders: Folders files were fetched into (to ingest).
        runs: Runs downloaded, as ``(week, run_id)``.
        missing: Artefacts the server did not have, one line each.
        errors: Weeks that could not be fetched, one line each.
    """

    configured: bool = False
    folders: list[Path] = field(default_factory=list)
    runs: list[tuple[date, int]] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def pass_configured(env: Mapping[str, str] | None = None, config_file: Path | None = None) -> bool:
    """Whether the PaSS client is installed and a configuration is given.

    Configured means ``$RECON_PASS_URL`` is set, or the config file (``config_file``, else
    ``$RECON_CONFIG``, else the default ``config.toml``) has a ``[pass]`` table: a config
    file without one (only ``[notify]``, say) means PaSS is not configured. A
    configuration that is then incomplete or wrong is an error (``UsageError``), not a
    silent skip.

    Raises:
        UsageError: The config file named does not exist or is not a valid config file.
    """
    from recon.config import load_config

    env = os.environ if env is None else env
    try:
        from recon.pass_client import client as _api  # noqa: F401
        from recon.pass_client import fetch as _fetch  # noqa: F401
        from recon.pass_client.config import ENV_URL
    except ImportError:
        return False
    return bool(env.get(ENV_URL)) or load_config(config_file, env).pass_table is not None


def fetch_window(
    *,
    week: date | None,
    since: date | None,
    today: date,
    lookback_weeks: int = DEFAULT_LOOKBACK_WEEKS,
) -> list[date]:
    """The Trading Weeks to ask PaSS about, oldest first."""
    from recon.wem.calendar import trading_week_start

    if week is not None:
        return [week]
    last = trading_week_start(today)
    first = trading_week_start(since) if since else last - timedelta(weeks=lookback_weeks)
    out = []
    w = first
    while w <= last:
        out.append(w)
        w += timedelta(weeks=1)
    return out


def _held_whole(store: Store, participant: str, period: str, run_id: int) -> bool:
    kinds = {
        r[0].split("_")[0]
        for r in store.rows(
            "SELECT DISTINCT kind FROM files WHERE participant = ? AND period = ? AND run_id = ? "
            "AND status IN ('stored', 'duplicate')",
            [participant, period, run_id],
        )
    }
    return {"summary", "detail", "invoice"} <= kinds


def fetch_new_runs(
    store: Store,
    weeks: list[date],
    download_root: Path,
    *,
    client_factory: Callable[[], Any] | None = None,
    progress: Callable[[int, int], None] | None = None,
    config_file: Path | None = None,
) -> FetchOutcome:
    """Download every run of ``weeks`` not yet held whole, into ``download_root``.

    Files go to ``<download_root>/<participant>/<week>/`` (content-addressed by
    :func:`recon.pass_client.fetch.fetch_week`, so nothing is written twice).

    Args:
        store: The store (to see which runs are held).
        weeks: Trading Weeks' first days.
        download_root: Where to keep downloads.
        client_factory: Makes the PaSS client (default: from the configuration).
        progress: ``(done, total)`` over weeks.
        config_file: The config file (``--config``; default: ``$RECON_CONFIG`` or the
            user's ``config.toml``).

    Returns:
        What was fetched. A week whose calls fail is listed in ``errors`` and the others
        are still fetched.

    Raises:
        UsageError: The configuration is incomplete or wrong.
    """
    from recon.errors import ReconError
    from recon.pass_client.client import PassClient
    from recon.pass_client.config import resolve_config
    from recon.pass_client.fetch import fetch_week

    outcome = FetchOutcome(configured=True)
    if client_factory is None:
        config = resolve_config(config_file=config_file)

        def client_factory() -> Any:
            return PassClient(config)

    with client_factory() as client:
        for i, w in enumerate(weeks, start=1):
            try:
                entries = [e for e in client.timeline(w) if e.participant == client.participant]
                folder = (
                    download_root
                    / path_component(client.participant, "participant code")
                    / path_component(w.isoformat(), "week")
                )
                for e in entries:
                    if _held_whole(store, e.participant, e.period, e.run_id):
                        continue
                    report = fetch_week(client, w, folder, run_id=e.run_id)
                    outcome.runs.append((w, e.run_id))
                    outcome.missing.extend(m.problem for m in report.missing)
                    if folder not in outcome.folders:
                        outcome.folders.append(folder)
            except ReconError as e:
                outcome.errors.append(f"week {w.isoformat()}: {e}")
                log.error("fetch of the week of %s failed: %s", w.isoformat(), e)
            if progress:
                progress(i, len(weeks))
    return outcome


def dated_folder(out_root: Path, day: date, participant: str, week: date) -> Path:
    """``<out_root>/<yyyy-mm-dd>/<participant>_<week>/``: where a week's reports go.

    The participant code comes from the data, so the name is built by
    :func:`recon.text.path_component`: a code such as ``../2024-12-06/X`` is refused, never
    filed outside ``out_root``.

    Raises:
        UnsafeNameError: The participant code cannot name a folder.
    """
    code = path_component(participant, "participant code")
    return (
        out_root
        / path_component(day.isoformat(), "day")
        / path_component(f"{code}_{week.isoformat()}", "report folder")
    )


def today_local() -> date:
    """Today's date on this machine (the dated folder's name)."""
    return datetime.now().date()


# ------------------------------------------------------------------------------ the run


@dataclass
class WeeklyRequest:
    """What one ``recon weekly`` run is asked to do (the command's options).

    Attributes:
        paths: Files and folders to ingest besides what is fetched.
        week: Check this Trading Week only (its first day).
        since: Check every week with a run published or ingested on or after this day.
        participant: Only this participant's weeks.
        out_root: Reports go under ``out_root/<today>/<participant>_<week>/``.
        download_root: Where fetched runs are written.
        lookback: Trading Weeks the fetch window reaches back.
        no_fetch: Do not fetch even if PaSS is configured.
        materiality: ``adjustment.material`` threshold (None: off).
        strict: Exit 1 on warnings too.
        no_reports: Write the findings only, not the Excel/HTML reports.
        limits: Input caps.
        config_file: The config file (``--config``; None: ``$RECON_CONFIG`` or the
            user's ``config.toml``).
    """

    paths: list[Path]
    week: date | None
    since: date | None
    participant: str | None
    out_root: Path
    download_root: Path
    lookback: int
    no_fetch: bool
    materiality: Any
    strict: bool
    no_reports: bool
    limits: Any
    config_file: Path | None = None


@dataclass
class WeekDone:
    """One week a weekly run checked (or could not).

    Attributes:
        participant, week: The week.
        result: Its :class:`~recon.models.results.CheckResult`, or None when it could not
            be checked.
        folder: Where its reports were written (None when it could not be checked).
    """

    participant: str
    week: date
    result: Any | None
    folder: Path | None


@dataclass
class WeeklyDone:
    """What a finished weekly run did, for what follows it (the digest).

    Attributes:
        started_at_utc: When the run started (naive UTC, as the store keeps times): every
            check it recorded is later.
        today: The day naming its report folder.
        out_root: Where its reports went.
        plan: The weeks it set out to check.
        weeks: Each week checked, in order.
        problems: What could not run, one line each.
        exit_code: Its exit status (0, 1 or 2).
        recorded: Whether the run was recorded (not when something could not run).
    """

    started_at_utc: datetime
    today: date
    out_root: Path
    plan: WeekPlan
    weeks: list[WeekDone]
    problems: list[str]
    exit_code: int
    recorded: bool


class WeeklyView(Protocol):
    """What a weekly run shows as it goes (the CLI prints it)."""

    def progress(self, title: str) -> AbstractContextManager[Progress | None]:
        """A context manager yielding a ``(done, total)`` callback for one step."""
        ...

    def fetched(self, fetched: FetchOutcome, weeks: list[date], download_root: Path) -> None:
        """The fetch step finished (``fetched.errors`` are also reported as problems)."""
        ...

    def ingested(self, report: Any, store_path: Path) -> None:
        """The ingest step finished with this :class:`~recon.store.ingest.IngestReport`."""
        ...

    def planned(self, plan: WeekPlan) -> None:
        """The weeks to check are known."""
        ...

    def week_checked(self, participant: str, week: date, result: Any | None) -> None:
        """One week was checked (``result`` None: it could not be)."""
        ...

    def finished(self, plan: WeekPlan, today: date, out_root: Path, problems: list[str]) -> None:
        """Every week was checked; ``problems`` is what could not run."""
        ...


def run_weekly(
    store_path: Path | None,
    request: WeeklyRequest,
    view: WeeklyView,
    write_outputs: Callable[..., Any],
    after: Callable[[WeeklyDone], int] | None = None,
) -> int:
    """Fetch, ingest, check each week that changed, write its reports and record the run.

    Args:
        store_path: The store (None: the default one).
        request: The command's options.
        view: Shows progress and results (the CLI prints them).
        write_outputs: Writes one week's result into a folder (``reports=`` keyword).
        after: Called last, once the run is recorded (the digest): given what the run
            did, it returns the exit status.

    Returns:
        The exit status: the worst of the weeks; 2 when something could not run (or what
        ``after`` returns).
    """
    from recon.errors import EXIT_CANNOT_RUN, EXIT_CLEAN, EXIT_FINDINGS, ReconError
    from recon.models.audit import OutputsState
    from recon.store.db import open_store
    from recon.store.history import mark_outputs_written, record_check
    from recon.store.ingest import IngestRefused, NothingToIngest
    from recon.store.ingest import ingest as run_ingest
    from recon.store.query import check_from_store

    req = request
    started = datetime.now(UTC).replace(tzinfo=None)
    worst = EXIT_CLEAN
    problems: list[str] = []

    with open_store(store_path) as store:
        to_ingest: list[Path] = list(req.paths)
        if req.no_fetch:
            log.info("fetch skipped (--no-fetch)")
        elif not pass_configured(config_file=req.config_file):
            log.info(
                "PaSS is not configured ($RECON_PASS_URL, or a [pass] table in the config "
                "file); fetching skipped"
            )
        else:
            weeks = fetch_window(
                week=req.week, since=req.since, today=today_local(), lookback_weeks=req.lookback
            )
            try:
                with view.progress("Fetching from PaSS") as prog:
                    fetched = fetch_new_runs(
                        store,
                        weeks,
                        req.download_root,
                        progress=prog,
                        config_file=req.config_file,
                    )
            except ReconError as e:  # e.g. an incomplete PaSS configuration
                problems.append(f"fetch: {e}")
            else:
                view.fetched(fetched, weeks, req.download_root)
                problems.extend(fetched.errors)
                to_ingest.extend(f for f in fetched.folders if f.exists())
        if to_ingest:
            try:
                with view.progress("Ingesting") as prog:
                    report = run_ingest(store, to_ingest, limits=req.limits, progress=prog)
            except IngestRefused as e:
                report = e.report
                problems.append(str(e))
            except NothingToIngest as e:
                report = None
                log.info("nothing to ingest: %s", e)
            except ReconError as e:
                report = None
                problems.append(str(e))
            if report is not None:
                view.ingested(report, store.path)
                if report.counts["unusable"]:
                    worst = max(worst, EXIT_FINDINGS)
        plan = plan_weeks(store, week=req.week, since=req.since, participant=req.participant)
    log.info("weekly: checking %s", plan.reason)
    view.planned(plan)

    today = today_local()
    done: list[WeekDone] = []
    for p, w in plan.weeks:
        try:
            out = dated_folder(req.out_root, today, p, w)  # refuses a name such as ../x
            result = check_from_store(
                store_path, week=w, participant=p, materiality=req.materiality, limits=req.limits
            )
            check_id = record_check(  # SPEC §8; its outputs marked once they are in place
                store_path,
                result,
                command="weekly",
                outputs=OutputsState.NOT_WRITTEN,
                out_dir=out,
            )
            write_outputs(result, out, reports=not req.no_reports)
            mark_outputs_written(store_path, check_id, out)
        except ReconError as e:
            problems.append(f"{p} week {w.isoformat()}: {e}")
            view.week_checked(p, w, None)
            done.append(WeekDone(p, w, None, None))
            continue
        worst = max(worst, result.exit_code(req.strict))
        view.week_checked(p, w, result)
        done.append(WeekDone(p, w, result, out))
    view.finished(plan, today, req.out_root, problems)
    if problems:
        worst = EXIT_CANNOT_RUN
    else:
        with open_store(store_path) as store:
            record_weekly(
                store,
                started_at_utc=started,
                plan=plan,
                out_dir=req.out_root / today.isoformat(),
                exit_code=worst,
            )
    if after is None:
        return worst
    return after(
        WeeklyDone(started, today, req.out_root, plan, done, problems, worst, not problems)
    )
