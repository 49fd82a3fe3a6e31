"""``recon weekly``: the scheduled job (fetch, ingest, check, record, notify), as the
terminal shows it; :mod:`recon.pipeline.weekly` does the work.

Exit status (SPEC §6): the worst of the weeks: 0 clean; 1 discrepancies (error findings,
an unusable file ingested); 2 something could not run (a fetch failed, a file was refused,
bad options), with one line on stderr; 3 (``--notify``) the run's work was done and
recorded but its digest could not be sent.
"""

from __future__ import annotations

import logging
from contextlib import AbstractContextManager
from datetime import date
from decimal import Decimal
from pathlib import Path

import click
import platformdirs
from rich.table import Table
from rich.text import Text

from recon.cli.audit_cmd import print_issue_changes
from recon.cli.options import (
    day_value,
    limit_options,
    limits_from,
    materiality_option,
    participant_option,
    store_option,
    week_option,
)
from recon.cli.progress import progress_bar, stderr, wrapped
from recon.cli.store_cmd import print_ingest
from recon.cli.text import line, printable, text
from recon.config import NotifySettings, load_config
from recon.errors import UsageError
from recon.models.progress import Progress
from recon.models.results import CheckResult
from recon.models.weekly import WeekPlan
from recon.notify import settings_for_weekly
from recon.pipeline.weekly import FetchOutcome, IssueChanges, WeeklyRequest, run_weekly
from recon.store.ingest import IngestReport
from recon.wem.calendar import week_label

log = logging.getLogger(__name__)


@click.command("weekly")
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@store_option
@week_option(
    "Check this Trading Week (its first day, a Sunday) instead of the weeks that "
    "changed; with PaSS configured, fetch only this week."
)
@click.option(
    "--since",
    callback=day_value,
    metavar="YYYY-MM-DD",
    help="Catch up: check every week with a run published or ingested on or after "
    "this day; with PaSS configured, fetch every week from this day's week to "
    "now.",
)
@participant_option("Only this participant's weeks.")
@click.option(
    "--out-root",
    type=click.Path(file_okay=False, path_type=Path),
    metavar="DIR",
    help="Where reports go: DIR/<today>/<participant>_<week>/ (findings.json, "
    "result.json, report.xlsx, report.html). Default: 'weekly' in your recon "
    "data folder.",
)
@click.option(
    "--download-dir",
    type=click.Path(file_okay=False, path_type=Path),
    metavar="DIR",
    help="Where PaSS downloads are kept: DIR/<participant>/<week>/. Default: "
    "'pass' in your recon data folder.",
)
@click.option(
    "--lookback",
    type=click.IntRange(1, 520),
    default=60,
    show_default=True,
    metavar="WEEKS",
    help="With PaSS configured and neither --week nor --since: how many Trading "
    "Weeks back to look for new runs (adjustments arrive months later).",
)
@click.option("--no-fetch", is_flag=True, help="Do not fetch from PaSS even if configured.")
@materiality_option
@click.option("--strict", is_flag=True, help="Exit 1 on warnings too, not only on errors.")
@click.option(
    "--no-reports",
    is_flag=True,
    help="Write findings.json and result.json only, not report.xlsx/report.html.",
)
@click.option("--no-progress", is_flag=True, help="Do not show progress bars.")
@click.option(
    "--notify/--no-notify",
    default=None,
    help="Send the digest when the run ends, by email and/or to a webhook, as [notify] "
    "in the config file sets (default: its 'notify' key, else no). A send that fails "
    "keeps the run's reports and record and exits 3.",
)
@click.option(
    "--own",
    type=click.Path(path_type=Path),
    metavar="FILE.toml",
    help="Tie each week's Detail out against your own data (NEM12 meter data, SCADA "
    "CSVs) mapped by this TOML file (SPEC §9), exactly as `recon check --own` does: "
    "own.value and own.missing findings in each week's reports and record.",
)
@click.option(
    "--config",
    "config_file",
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="TOML",
    help="Config file ([pass], [disputes], [notify]). Default: $RECON_CONFIG, else "
    "config.toml in your recon config folder (~/.config/recon/config.toml on Linux) if "
    "it exists. Without [pass] (and $RECON_PASS_URL) nothing is fetched.",
)
@limit_options
def weekly(
    paths: tuple[Path, ...],
    store_path: Path | None,
    week: date | None,
    since: date | None,
    participant: str | None,
    out_root: Path | None,
    download_dir: Path | None,
    lookback: int,
    no_fetch: bool,
    materiality: Decimal | None,
    strict: bool,
    no_reports: bool,
    no_progress: bool,
    notify: bool | None,
    own: Path | None,
    config_file: Path | None,
    **limits: int,
) -> int:
    """The scheduled job: fetch, ingest, and check every week that changed.

    \b
    1. Fetch: if the PaSS client is configured ($RECON_PASS_URL etc., or a
       [pass] table in the config file; see `recon fetch --help`), download
       every run of the window not yet held. Otherwise this step is skipped.
    2. Ingest the downloads and any PATHS given (files or folders, such as
       an inbox folder).
    3. Check, from the store, every week with a file ingested since the last
       weekly run (the first time: every week held), or --week, or --since.
       An ADJ run's previous run comes from the store. With --own, each
       week's Detail is tied out against your own data as `recon check
       --own` does.
    4. Write each week's reports under OUT_ROOT/<today>/<participant>_<week>/
       and record the run in the store (a run that could not finish is not
       recorded, so its weeks are checked again next time).
    5. With --notify (or notify = true under [notify]): send the digest (per
       week: the verdict, issues raised and resolved, disputed issues still
       open, issues due within 5 Business Days, the total at stake, where the
       reports are) by SMTP and/or to a webhook.

    Exit status: the worst of the weeks: 0 no error finding (with --strict no warning); 1
    discrepancies found; 2 something could not run (a fetch failed, a file was refused);
    the other weeks are still checked. 3: the run's work was done and recorded, but its
    digest could not be sent.
    """
    if week and since:
        raise UsageError("give --week or --since, not both")
    config = load_config(config_file)  # every table checked before any work
    data_dir = platformdirs.user_data_path("recon")
    request = WeeklyRequest(
        out_root=out_root or data_dir / "weekly",
        download_root=download_dir or data_dir / "pass",
        store_path=store_path,
        paths=list(paths),
        week=week,
        since=since,
        participant=participant,
        lookback=lookback,
        no_fetch=no_fetch,
        materiality=materiality,
        strict=strict,
        no_reports=no_reports,
        limits=limits_from(limits),
        own=own,
        config_file=config_file,
        notify=settings_for_weekly(config, notify),
        nod_business_days=config.nod_business_days,
    )
    return run_weekly(request, _WeeklyPrinter(not no_progress)).exit_code


class _WeeklyPrinter:
    """Prints a weekly run as it goes: progress bars, the fetch and ingest lines, the table."""

    def __init__(self, show_progress: bool) -> None:
        self.show_progress = show_progress
        self.summary: Table | None = None

    def progress(self, title: str) -> AbstractContextManager[Progress | None]:
        return progress_bar(title, enabled=self.show_progress)

    def fetched(self, fetched: FetchOutcome, weeks: list[date], download_root: Path) -> None:
        stderr.print(
            text(
                f"PaSS: {len(fetched.runs)} run(s) fetched over {len(weeks)} "
                f"week(s) into {download_root}"
            )
        )
        for missing in fetched.missing:
            stderr.print(line("  ", ("not published", "yellow"), f": {missing}"))

    def ingested(self, report: IngestReport, store_path: Path) -> None:
        print_ingest(report, store_path)

    def planned(self, plan: WeekPlan) -> None:
        if not plan.weeks:
            stderr.print(text(f"Nothing to check ({plan.reason}: none)."))

    def _table(self) -> Table:
        # Laid out to fit 80 columns: the runs one a line, the counts in words, and what
        # the week's check covered (as `recon check` says it) wrapped at word boundaries.
        if self.summary is None:
            self.summary = Table(title_justify="left")
            self.summary.add_column("Participant", overflow="fold")
            self.summary.add_column("Week", no_wrap=True)
            self.summary.add_column("Runs", no_wrap=True)
            self.summary.add_column("Findings", min_width=10)
            self.summary.add_column("Coverage", ratio=1, min_width=16)
        return self.summary

    def week_checked(self, participant: str, week: date, result: CheckResult | None) -> None:
        summary = self._table()
        if result is None:
            summary.add_row(
                text(participant), week_label(week), "", text("could not be checked", "red"), ""
            )
            return
        c = result.counts
        parts = []
        for n, word, style in (
            (c["error"], "error", "red"),
            (c["warning"], "warning", "yellow"),
            (c["info"], "info", ""),
        ):
            plural = "s" if n != 1 and word != "info" else ""
            parts.append(Text(f"{n} {word}{plural}", style=style if n else ""))
        findings = Text("\n").join(parts)
        summary.add_row(
            text(participant),
            week_label(week),
            Text("\n").join(
                text(r.designation) for r in result.runs if r.participant == participant
            ),
            findings,
            text(result.verdict_lines()[1]),
        )

    def finished(
        self,
        plan: WeekPlan,
        today: date,
        out_root: Path,
        problems: list[str],
        changes: IssueChanges | None,
    ) -> None:
        if plan.weeks:
            summary = self._table()
            wrapped(
                printable(
                    f"Weekly check, {today.isoformat()}: reports in {out_root / today.isoformat()}"
                )
            )
            stderr.print(summary)
        if changes is not None:
            print_issue_changes(changes.opened, changes.resolved, changes.since)
        for problem in problems:
            click.echo(f"recon: {printable(problem)}", err=True)

    def notified(self, settings: NotifySettings) -> None:
        stderr.print(text(f"Digest sent to {', '.join(settings.destinations())}."))
