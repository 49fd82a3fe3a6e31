"""``recon ingest``, ``recon runs``, ``recon weekly``, ``recon export``: the history store.

``recon/cli/main.py`` adds these four commands. ``recon check --store`` (in
:mod:`recon.cli.check_cmd`) checks runs from the store.

Exit status (SPEC §6): 0 clean; 1 discrepancies (an unusable file ingested, error findings
in a weekly check); 2 recon could not run (a file refused by the store, a store that
cannot be opened, bad options), with one line on stderr; 3 (``weekly --notify``) the run's
work was done and recorded but its digest could not be sent.
"""

from __future__ import annotations

import logging
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import click
from rich.table import Table
from rich.text import Text

from recon.cli.options import limit_options, limits_from, materiality_option
from recon.cli.progress import progress_bar, stderr, stdout, wrapped
from recon.cli.text import line, printable, text
from recon.errors import (
    EXIT_CANNOT_RUN,
    EXIT_CLEAN,
    EXIT_FINDINGS,
    EXIT_NOT_NOTIFIED,
    NotifyError,
    UsageError,
)
from recon.report.formatting import awst_text
from recon.wem.calendar import week_label

log = logging.getLogger(__name__)

_STORE_HELP = (
    "The store's database file (a folder means recon.duckdb in it). Default: "
    "$RECON_STORE, else recon.duckdb in your recon data folder "
    "(~/.local/share/recon on Linux)."
)


def store_option(f: Any) -> Any:
    """Add ``--store PATH``."""
    return click.option(
        "--store", "store_path", type=click.Path(path_type=Path), metavar="PATH", help=_STORE_HELP
    )(f)


def _week(_ctx: click.Context, _param: click.Parameter, value: str | None) -> date | None:
    if value is None:
        return None
    from recon.store.query import parse_week

    try:
        return parse_week(value)
    except UsageError as e:
        raise click.BadParameter(str(e)) from None


def _day(_ctx: click.Context, _param: click.Parameter, value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date like 2024-12-01") from None


def week_option(help_text: str) -> Any:
    """Add ``--week YYYY-MM-DD`` (a Trading Week's first day, a Sunday)."""
    return click.option("--week", callback=_week, metavar="YYYY-MM-DD", help=help_text)


def participant_option(help_text: str) -> Any:
    """Add ``--participant CODE``."""
    return click.option(
        "--participant",
        metavar="CODE",
        callback=lambda _c, _p, v: v.strip().upper() if v else None,
        help=help_text,
    )


# ------------------------------------------------------------------------------ ingest


@click.command("ingest")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@store_option
@click.option("--no-progress", is_flag=True, help="Do not show the progress bar.")
@limit_options
def ingest(
    paths: tuple[Path, ...], store_path: Path | None, no_progress: bool, **limits: int
) -> int:
    """Store settlement artefacts in the history store, for audit and later checks.

    PATHS are any mix of files and folders (searched recursively); each artefact is
    recognised by its content. Each file is stored in one transaction: an interrupted
    ingest leaves the store as it was before the file it was storing, and running it
    again resumes.

    The same bytes again are a no-op ("unchanged"). Other bytes with the same content as a
    file held (a re-download) are recorded as a "duplicate" and nothing is stored twice. A
    file whose figures differ from those held for the same run, kind and form (AEMO never
    republishes a RunId with other figures) is refused: nothing of it is stored and the
    exit status is 2. The CSV and JSON forms of one run are held side by side.

    Exit status: 0 all stored; 1 a file was unusable (a CSV whose columns are not the
    Guide's, recorded with its data.columns finding; or an artefact cut short or
    malformed, recorded with its coverage.unread finding); 2 a file was refused (over a
    cap such as --max-member-mb, or in conflict with the store) or recon could not run.
    """
    from recon.store import open_store
    from recon.store.ingest import IngestRefused

    with open_store(store_path) as store:
        try:
            with progress_bar("Ingesting", enabled=not no_progress) as prog:
                from recon.store.ingest import ingest as run_ingest

                report = run_ingest(store, list(paths), limits=limits_from(limits), progress=prog)
        except IngestRefused as e:
            _print_ingest(e.report, store.path)
            raise
    _print_ingest(report, store.path)
    return EXIT_FINDINGS if report.counts["unusable"] else EXIT_CLEAN


def _print_ingest(report: Any, path: Path) -> None:
    c = report.counts
    stderr.print(
        line(
            f"Ingested into {path}: ",
            (f"{c['ingested']} new", "green"),
            f", {c['unchanged']} unchanged, {c['duplicate']} duplicate (same content as a "
            f"file held), {c['unusable']} unusable, {c['refused']} refused"
            + (f"; {len(report.skipped)} path(s) not artefacts" if report.skipped else ""),
        )
    )
    for o in report.outcomes:
        if o.status in ("unusable", "refused"):
            colour = "red" if o.status == "refused" else "yellow"
            stderr.print(line("  ", (o.status, colour), f" {o.path}: {o.message}"))


# ------------------------------------------------------------------------------ runs


@click.command("runs")
@store_option
@participant_option("Only this participant's runs.")
@week_option("Only the runs of this Trading Week, named by its first day (a Sunday).")
def runs(store_path: Path | None, participant: str | None, week: date | None) -> int:
    """List the runs held in the store, with the artefacts held for each.

    One row per run (participant, Trading Week, RunId): designation, PublishedAt (AWST),
    which artefacts are held (Summary CSV/JSON; Detail ZIP/CSV/JSON, each with the number of
    Settlement Trading Days held, e.g. "Detail ZIP: 7 days"; Invoice JSON/PDF). A run known only
    from its invoice shows "(invoice only)" as its PublishedAt.
    """

    from recon.store import list_runs, open_store

    with open_store(store_path, read_only=True, must_exist=True) as store:
        rows = list_runs(store, participant=participant, week=week)
        path = store.path
    # Laid out to fit 80 columns, as `recon check` lays out its runs: the designation
    # under the RunId, the time under the date, one kind of artefact a line.
    wrapped(printable(f"Runs held in {path}"), to=stdout)
    table = Table()
    table.add_column("Participant", overflow="fold")
    for col in ("Week", "Run", "Published"):
        table.add_column(col, no_wrap=True)
    table.add_column("Artefacts")
    for r in rows:
        table.add_row(
            text(r.participant),
            week_label(r.week),
            Text("\n").join([Text(str(r.run_id)), text(r.designation)]),
            awst_text(r.published_at, sep="\n") or "(invoice\nonly)",
            Text("\n").join(text(a) for a in r.artefact_text("\n").split("\n")),
        )
    stdout.print(table)
    if not rows:
        stderr.print("No run held" + (" for these filters." if participant or week else "."))
    return EXIT_CLEAN


# ------------------------------------------------------------------------------ weekly


@click.command("weekly")
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@store_option
@week_option(
    "Check this Trading Week (its first day, a Sunday) instead of the weeks that "
    "changed; with PaSS configured, fetch only this week."
)
@click.option(
    "--since",
    callback=_day,
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
       An ADJ run's previous run comes from the store.
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
    import platformdirs

    from recon.cli.check_cmd import write_outputs
    from recon.config import load_config
    from recon.notify import settings_for_weekly
    from recon.store.weekly import WeeklyRequest, run_weekly

    if week and since:
        raise UsageError("give --week or --since, not both")
    config = load_config(config_file)  # every table checked before any work
    sending = settings_for_weekly(config, notify)
    data_dir = platformdirs.user_data_path("recon")
    request = WeeklyRequest(
        paths=list(paths),
        week=week,
        since=since,
        participant=participant,
        out_root=out_root or data_dir / "weekly",
        download_root=download_dir or data_dir / "pass",
        lookback=lookback,
        no_fetch=no_fetch,
        materiality=materiality,
        strict=strict,
        no_reports=no_reports,
        limits=limits_from(limits),
        config_file=config_file,
    )

    def after(done: Any) -> int:
        if sending is None:
            return done.exit_code
        return _send_digest(store_path, done, sending, config.nod_business_days)

    return run_weekly(
        store_path, request, _WeeklyPrinter(not no_progress, store_path), write_outputs, after
    )


def _send_digest(
    store_path: Path | None, done: Any, settings: Any, nod_business_days: int | None
) -> int:
    """Send a finished weekly run's digest; return the run's exit status, or 3 when the
    digest could not be sent (2 stays 2: the run itself did not finish)."""
    from recon.notify import notify_weekly

    try:
        notify_weekly(store_path, done, settings, nod_business_days=nod_business_days)
    except NotifyError as e:
        click.echo(f"recon: digest not sent: {printable(str(e))}", err=True)
        return done.exit_code if done.exit_code == EXIT_CANNOT_RUN else EXIT_NOT_NOTIFIED
    stderr.print(text(f"Digest sent to {', '.join(settings.destinations())}."))
    return done.exit_code


class _WeeklyPrinter:
    """Prints a weekly run as it goes: progress bars, the fetch and ingest lines, the table."""

    def __init__(self, show_progress: bool, store_path: Path | None = None) -> None:
        self.show_progress = show_progress
        self.store_path = store_path
        self.summary: Table | None = None

    def progress(self, title: str) -> Any:
        return progress_bar(title, enabled=self.show_progress)

    def fetched(self, fetched: Any, weeks: list[date], download_root: Path) -> None:
        stderr.print(
            text(
                f"PaSS: {len(fetched.runs)} run(s) fetched over {len(weeks)} "
                f"week(s) into {download_root}"
            )
        )
        for missing in fetched.missing:
            stderr.print(line("  ", ("not published", "yellow"), f": {missing}"))

    def ingested(self, report: Any, store_path: Path) -> None:
        _print_ingest(report, store_path)

    def planned(self, plan: Any) -> None:
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

    def week_checked(self, participant: str, week: date, result: Any | None) -> None:
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

    def finished(self, plan: Any, today: date, out_root: Path, problems: list[str]) -> None:
        if plan.weeks:
            summary = self._table()
            wrapped(
                printable(
                    f"Weekly check, {today.isoformat()}: reports in {out_root / today.isoformat()}"
                )
            )
            stderr.print(summary)
            from recon.cli.audit_cmd import print_issue_changes

            # Opened/resolved since the last weekly run (called before this one is recorded).
            print_issue_changes(self.store_path, plan.weeks)
        for problem in problems:
            click.echo(f"recon: {printable(problem)}", err=True)


# ------------------------------------------------------------------------------ export


@click.command("export")
@click.option(
    "--to",
    "to_dir",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    metavar="DIR",
    help="Folder to write into (created if missing): DIR/<table>/participant=<P>/"
    "week=<yyyy-mm-dd>/part-0.parquet for each table, and "
    "DIR/_recon_export.json describing them.",
)
@store_option
@participant_option("Only this participant's partitions.")
@week_option("Only this Trading Week's partitions (its first day, a Sunday).")
@click.option(
    "--full",
    is_flag=True,
    help="Rewrite every partition; by default a partition unchanged since the last "
    "export into DIR is skipped.",
)
@click.option("--no-progress", is_flag=True, help="Do not show the progress bar.")
def export(
    to_dir: Path,
    store_path: Path | None,
    participant: str | None,
    week: date | None,
    full: bool,
    no_progress: bool,
) -> int:
    """Write the store's tables as Parquet for Spark, Trino or DuckDB on a cluster.

    Tables files, runs, summary_values, detail_values (one row per Detail row, the Value
    array as list<decimal(23,8)>), invoices, invoice_lines and invoice_totals, partitioned
    hive-style by participant and Trading Week. Each file is written atomically (a
    temporary file renamed into place), so a reader never sees half a file. Decimals stay
    exact decimal(23,8).
    """
    from recon.store import export_store, open_store

    with (
        open_store(store_path, read_only=True, must_exist=True) as store,
        progress_bar("Exporting", enabled=not no_progress) as prog,
    ):
        report = export_store(
            store, to_dir, participant=participant, week=week, full=full, progress=prog
        )
    stderr.print(
        text(
            f"Exported {len(report.partitions)} partition(s) ({len(report.written)} "
            f"file(s)) into {report.out_dir}; {len(report.unchanged)} unchanged since "
            "the last export"
        )
    )
    return EXIT_CLEAN
