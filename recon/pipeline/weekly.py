"""``recon weekly``: fetch, ingest, check, record and notify, for cron or CI.

The steps (:func:`run_weekly` drives them; the command in :mod:`recon.cli.weekly_cmd`
prints what a :class:`WeeklyView` is shown):

1. **Fetch** (:func:`fetch_new_runs`), when PaSS is configured (``$RECON_PASS_URL``, or
   a ``[pass]`` table in the config file; see :mod:`recon.pass_client.config`): for each
   Trading Week of the window, the timeline is read and every run not yet held whole
   (Summary, Detail and Invoice) is downloaded. Otherwise fetching is skipped with an
   info log line.
2. **Ingest** what was fetched and any folders given (an inbox).
3. **Plan** (:func:`recon.store.query.plan_weeks`): ``--week`` checks that week;
   ``--since D`` every week with a run published or ingested on or after D; by default
   every week with a file ingested since the last completed weekly run (all weeks held,
   the first time).
4. **Check** each (participant, week) from the store, with your own data when ``--own``
   is given, and write its output set (:func:`recon.pipeline.check.check`: the check is
   recorded with its outputs).
5. **Record** the run (:func:`recon.store.history.record_weekly`) with the ingest
   watermark it covered, so the next run picks up from there. A run that could not
   finish is not recorded, so its weeks are checked again next time.
6. **Notify** (:func:`recon.notify.notify_weekly`), when a digest is asked for: a send
   that fails raises :class:`~recon.errors.NotifyError` (exit 3) and changes nothing the
   run wrote or recorded.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Protocol

from recon.config import NotifySettings, load_config
from recon.errors import EXIT_CANNOT_RUN, EXIT_CLEAN, EXIT_FINDINGS, ReconError
from recon.models.audit import Issue
from recon.models.progress import Progress
from recon.models.results import CheckResult
from recon.models.weekly import WeekDone, WeeklyDone, WeekPlan
from recon.notify import notify_weekly
from recon.pass_client.client import PassClient
from recon.pass_client.config import ENV_URL, resolve_config
from recon.pass_client.fetch import fetch_week
from recon.pipeline.check import CheckRequest, check
from recon.pipeline.issues import changes_since_last_weekly
from recon.sources.limits import DEFAULT_LIMITS, Limits
from recon.store.db import Store
from recon.store.history import record_weekly
from recon.store.ingest import IngestRefused, IngestReport, NothingToIngest, ingest
from recon.store.query import held_whole, plan_weeks
from recon.text import path_component
from recon.wem.calendar import trading_week_start

log = logging.getLogger(__name__)

DEFAULT_LOOKBACK_WEEKS = 60
"""Trading Weeks the default fetch window reaches back: adjustment runs (ADJ3 especially)
arrive many months after the week, so the window covers more than a year."""


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
    """Whether a PaSS configuration is given.

    Configured means ``$RECON_PASS_URL`` is set, or the config file (``config_file``, else
    ``$RECON_CONFIG``, else the default ``config.toml``) has a ``[pass]`` table: a config
    file without one (only ``[notify]``, say) means PaSS is not configured. A
    configuration that is then incomplete or wrong is an error (``UsageError``), not a
    silent skip.

    Raises:
        UsageError: The config file named does not exist or is not a valid config file.
    """
    env = os.environ if env is None else env
    return bool(env.get(ENV_URL)) or load_config(config_file, env).pass_table is not None


def fetch_window(
    *,
    week: date | None,
    since: date | None,
    today: date,
    lookback_weeks: int = DEFAULT_LOOKBACK_WEEKS,
) -> list[date]:
    """The Trading Weeks to ask PaSS about, oldest first."""
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


def fetch_new_runs(
    store: Store,
    weeks: list[date],
    download_root: Path,
    *,
    progress: Progress | None = None,
    config_file: Path | None = None,
) -> FetchOutcome:
    """Download every run of ``weeks`` not yet held whole, into ``download_root``.

    Files go to ``<download_root>/<participant>/<week>/`` (content-addressed by
    :func:`recon.pass_client.fetch.fetch_week`, so nothing is written twice).

    Args:
        store: The store (to see which runs are held).
        weeks: Trading Weeks' first days.
        download_root: Where to keep downloads.
        progress: ``(done, total)`` over weeks.
        config_file: The config file (``--config``; default: ``$RECON_CONFIG`` or the
            user's ``config.toml``).

    Returns:
        What was fetched. A week whose calls fail is listed in ``errors`` and the others
        are still fetched.

    Raises:
        UsageError: The configuration is incomplete or wrong.
    """
    outcome = FetchOutcome(configured=True)
    with PassClient(resolve_config(config_file=config_file)) as client:
        for i, w in enumerate(weeks, start=1):
            try:
                entries = [e for e in client.timeline(w) if e.participant == client.participant]
                folder = (
                    download_root
                    / path_component(client.participant, "participant code")
                    / path_component(w.isoformat(), "week")
                )
                for e in entries:
                    if held_whole(store, e.participant, e.period, e.run_id):
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
        out_root: Reports go under ``out_root/<today>/<participant>_<week>/``.
        download_root: Where fetched runs are written.
        store_path: The store (None: ``$RECON_STORE``, else the default).
        paths: Files and folders to ingest besides what is fetched.
        week: Check this Trading Week only (its first day).
        since: Check every week with a run published or ingested on or after this day.
        participant: Only this participant's weeks.
        lookback: Trading Weeks the fetch window reaches back.
        no_fetch: Do not fetch even if PaSS is configured.
        materiality: ``adjustment.material`` threshold (None: off).
        strict: Exit 1 on warnings too.
        no_reports: Write the findings only, not the Excel/HTML reports.
        limits: Input caps.
        own: An ``--own`` mapping file (SPEC §9): each week's Detail is tied out against
            your data, as ``recon check --own`` does.
        config_file: The config file (``--config``; None: ``$RECON_CONFIG`` or the
            user's ``config.toml``).
        notify: Where to send the digest when the run ends (None: no digest).
        nod_business_days: ``[disputes] nod_business_days`` (the digest's due dates).
    """

    out_root: Path
    download_root: Path
    store_path: Path | None = None
    paths: list[Path] = field(default_factory=list)
    week: date | None = None
    since: date | None = None
    participant: str | None = None
    lookback: int = DEFAULT_LOOKBACK_WEEKS
    no_fetch: bool = False
    materiality: Decimal | None = None
    strict: bool = False
    no_reports: bool = False
    limits: Limits = DEFAULT_LIMITS
    own: Path | None = None
    config_file: Path | None = None
    notify: NotifySettings | None = None
    nod_business_days: int | None = None


@dataclass
class IssueChanges:
    """The issues of the weeks checked opened and resolved since the last weekly run.

    Attributes:
        opened: Issues first seen since, still open.
        resolved: Issues resolved since.
        since: When the last weekly run finished (None: there was none).
    """

    opened: list[Issue]
    resolved: list[Issue]
    since: datetime | None


class WeeklyView(Protocol):
    """What a weekly run shows as it goes (the CLI prints it)."""

    def progress(self, title: str) -> AbstractContextManager[Progress | None]:
        """A context manager yielding a ``(done, total)`` callback for one step."""
        ...

    def fetched(self, fetched: FetchOutcome, weeks: list[date], download_root: Path) -> None:
        """The fetch step finished (``fetched.errors`` are also reported as problems)."""
        ...

    def ingested(self, report: IngestReport, store_path: Path) -> None:
        """The ingest step finished with this report."""
        ...

    def planned(self, plan: WeekPlan) -> None:
        """The weeks to check are known."""
        ...

    def week_checked(self, participant: str, week: date, result: CheckResult | None) -> None:
        """One week was checked (``result`` None: it could not be)."""
        ...

    def finished(
        self,
        plan: WeekPlan,
        today: date,
        out_root: Path,
        problems: list[str],
        changes: IssueChanges | None,
    ) -> None:
        """Every week was checked; ``problems`` is what could not run; ``changes`` the
        issues opened and resolved since the last weekly run (None: no week checked)."""
        ...

    def notified(self, settings: NotifySettings) -> None:
        """The digest was sent to every destination of ``settings``."""
        ...


def run_weekly(request: WeeklyRequest, view: WeeklyView) -> WeeklyDone:
    """Fetch, ingest, check each week that changed, write its reports, record the run and
    send its digest (see the module doc).

    Args:
        request: The command's options.
        view: Shows progress and results (the CLI prints them).

    Returns:
        What the run did; its ``exit_code`` is the worst of the weeks, or 2 when
        something could not run (the other weeks are still checked).

    Raises:
        NotifyError: The digest could not be sent (exit 3; 2 when the run itself could
            not finish). Everything the run wrote and recorded is kept.
        StoreError: The store cannot be opened.
    """
    req = request
    started = datetime.now(UTC).replace(tzinfo=None)
    worst = EXIT_CLEAN
    problems: list[str] = []

    with Store.open(req.store_path) as store:
        store_path = store.path
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
                        store, weeks, req.download_root, progress=prog, config_file=req.config_file
                    )
            except ReconError as e:  # e.g. an incomplete PaSS configuration
                problems.append(f"fetch: {e}")
            else:
                view.fetched(fetched, weeks, req.download_root)
                problems.extend(fetched.errors)
                to_ingest.extend(f for f in fetched.folders if f.exists())
        if to_ingest:
            report: IngestReport | None
            try:
                with view.progress("Ingesting") as prog:
                    report = ingest(store, to_ingest, limits=req.limits, progress=prog)
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
            request_week = CheckRequest(
                materiality=req.materiality,
                limits=req.limits,
                own=req.own,
                use_store=True,
                store_path=store_path,
                week=w,
                participant=p,
            )
            result = check(
                request_week, command="weekly", out=out, reports=not req.no_reports
            ).result
        except ReconError as e:
            problems.append(f"{p} week {w.isoformat()}: {e}")
            view.week_checked(p, w, None)
            done.append(WeekDone(p, w, None, None))
            continue
        worst = max(worst, result.exit_code(req.strict))
        view.week_checked(p, w, result)
        done.append(WeekDone(p, w, result, out))
    changes = None
    if plan.weeks:  # opened/resolved since the last weekly run: asked before this one is recorded
        changes = IssueChanges(*changes_since_last_weekly(store_path, plan.weeks))
    view.finished(plan, today, req.out_root, problems, changes)
    if problems:
        worst = EXIT_CANNOT_RUN
    else:
        with Store.open(store_path) as store:
            record_weekly(
                store,
                started_at_utc=started,
                plan=plan,
                out_dir=req.out_root / today.isoformat(),
                exit_code=worst,
            )
    finished = WeeklyDone(started, today, req.out_root, plan, done, problems, worst, not problems)
    if req.notify is not None:
        notify_weekly(store_path, finished, req.notify, nod_business_days=req.nod_business_days)
        view.notified(req.notify)
    return finished
