"""``recon ingest``, ``recon runs``, ``recon export``: the history store.

``recon/cli/main.py`` adds these three commands. ``recon check --store`` (in
:mod:`recon.cli.check_cmd`) checks runs from the store, ``recon weekly`` (in
:mod:`recon.cli.weekly_cmd`) fetches, ingests and checks on a schedule.

Exit status (SPEC §6): 0 clean; 1 an unusable file ingested; 2 recon could not run (a file
refused by the store, a store that cannot be opened, bad options), with one line on stderr.
"""

from __future__ import annotations

import logging
from datetime import date
from pathlib import Path

import click
from rich.table import Table
from rich.text import Text

from recon.cli.options import (
    limit_options,
    limits_from,
    participant_option,
    store_option,
    week_option,
)
from recon.cli.progress import progress_bar, stderr, stdout, wrapped
from recon.cli.text import line, printable, text
from recon.errors import EXIT_CLEAN, EXIT_FINDINGS
from recon.report.formatting import awst_text
from recon.store import export_store, list_runs, open_store
from recon.store.ingest import IngestRefused, IngestReport
from recon.store.ingest import ingest as run_ingest
from recon.wem.calendar import week_label

log = logging.getLogger(__name__)


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
    with open_store(store_path) as store:
        try:
            with progress_bar("Ingesting", enabled=not no_progress) as prog:
                report = run_ingest(store, list(paths), limits=limits_from(limits), progress=prog)
        except IngestRefused as e:
            print_ingest(e.report, store.path)
            raise
    print_ingest(report, store.path)
    return EXIT_FINDINGS if report.counts["unusable"] else EXIT_CLEAN


def print_ingest(report: IngestReport, path: Path) -> None:
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
