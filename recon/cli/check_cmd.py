"""``recon check``: run every check the inputs allow and write findings and reports."""

from __future__ import annotations

import logging
from decimal import Decimal
from pathlib import Path

import click
from rich.table import Table
from rich.text import Text

from recon.cli.options import (
    check_store_options,
    limit_options,
    limits_from,
    materiality_option,
    store_choice,
)
from recon.cli.progress import progress_bar, stderr, wrapped
from recon.cli.text import printable
from recon.errors import InputError, UsageError
from recon.models.findings import Severity
from recon.models.labels import artefacts_text
from recon.models.results import CheckResult
from recon.report.formatting import awst_text
from recon.report.saved import write_chunks

log = logging.getLogger(__name__)


OUTPUT_SET = ("findings.json", "result.json", "report.xlsx", "report.html", "disagreement.csv")
"""The files of one check, replaced as a set (:func:`recon.atomic.replace_set`)."""


def write_outputs(result: CheckResult, out: Path, *, reports: bool = True) -> list[Path]:
    """Write findings.json, result.json and (unless ``reports`` is False) the reports
    (report.xlsx, report.html, disagreement.csv), as one set that replaces the earlier
    check's set in ``out``.

    The set is written into a staging folder beside ``out`` and swapped in at the end
    (:func:`recon.atomic.replace_set` states the guarantee): a failure, a full disk, Ctrl-C
    or SIGTERM leaves the earlier set whole and no temporary file behind, and a reader
    never finds a new report beside old findings. Without reports, the earlier reports are
    removed with the rest of the earlier set.
    """
    from recon.atomic import replace_set
    from recon.report.saved import findings_json_chunks, result_json_chunks

    names: list[str] = []
    with replace_set(out, OUTPUT_SET) as stage:
        if reports:
            from recon.report import write_reports

            names.extend(p.name for p in write_reports(result, stage))
        # Both written a finding at a time: a check of a million findings never holds
        # either document as one string.
        write_chunks(stage / "result.json", result_json_chunks(result))
        names.append("result.json")
        write_chunks(stage / "findings.json", findings_json_chunks(result))
        names.append("findings.json")
    return [out / name for name in names]


def _text(value: object) -> Text:
    """Input text for the terminal: control characters escaped, never read as rich markup."""
    return Text(printable(str(value)) if value is not None else "")


NARROW = 100
"""Below this many columns the worst findings are listed, not tabled."""

OUTPUT_ROLES = {
    "report.html": "the report to read and file",
    "report.xlsx": "the workbook to act on",
    "findings.json": "every finding, for other programs",
    "result.json": "everything behind the reports (recon report rebuilds them)",
    "disagreement.csv": "the Notice of Disagreement draft, one row per root cause",
}
"""What each file of a check's output set is for, as the terminal lists them."""


def print_runs(result: CheckResult) -> None:
    """The runs checked, in date order, laid out to fit 80 columns: the designation under
    the RunId, the time (AWST) under the date, one kind of artefact a line."""
    from recon.report.view import run_order

    runs = Table(title="Runs checked", title_justify="left")
    runs.add_column("Participant", overflow="fold")
    runs.add_column("Week", no_wrap=True)
    runs.add_column("Run", no_wrap=True)
    runs.add_column("Published", no_wrap=True)
    runs.add_column("Artefacts", min_width=16)
    for r in sorted(result.runs, key=run_order):
        runs.add_row(
            _text(r.participant),
            _text(r.period),
            Text("\n").join([Text(str(r.run_id)), _text(r.designation)]),
            awst_text(r.published_at, sep="\n"),
            artefacts_text(r.artefacts, sep="\n"),
        )
    stderr.print(runs)


def print_worst(result: CheckResult, limit: int = 12, where: str = "report.html") -> None:
    """The worst findings (errors first, in run order), and how many more are in ``where``."""
    from recon.report.disagreement import when_text
    from recon.report.view import in_run_order

    ordered = in_run_order(list(result.findings), result)
    worst = sorted(ordered, key=lambda f: f.severity.rank)[:limit]  # stable: run order kept
    if not worst:
        return
    title = f"Worst findings (of {len(result.findings)})"
    colour = {Severity.ERROR: "red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}
    if stderr.width < NARROW:
        # A narrow terminal: each finding as a heading line and its message below it,
        # rather than six columns too thin to read.
        stderr.print(Text(title, style="italic"), soft_wrap=True)
        for f in worst:
            where_parts = [f.check]
            if f.run_id:
                where_parts.append(f"run {f.run_id}")
            if f.variable:
                where_parts.append(str(f.variable))
            if f.timestamp or f.interval_start:
                where_parts.append(when_text(f))
            sev = f.severity.value
            heading = Text(printable(f"{sev} {'  '.join(where_parts)}"))
            heading.stylize(colour[f.severity], 0, len(sev))
            wrapped(heading, indent=len(sev) + 1, first=0)
            wrapped(printable(f.message), indent=len(sev) + 1)
    else:  # a wide one: a table
        t = Table(title=title, title_justify="left")
        for col in ("Severity", "Check", "Run", "Variable", "When", "Message"):
            t.add_column(col, overflow="fold")
        for f in worst:
            t.add_row(
                Text(f.severity.value, style=colour[f.severity]),
                f.check,
                str(f.run_id or ""),
                _text(f.variable),
                _text(when_text(f) if (f.timestamp or f.interval_start) else ""),
                _text(f.message),
            )
        stderr.print(t)
    more = len(result.findings) - len(worst)
    if more:
        wrapped(f"{more} more finding{'s' if more != 1 else ''} in {where}.")


def print_skipped(result: CheckResult, shown: int = 10) -> None:
    """Your own data found among the inputs, then the files skipped with the reason: one
    path a line, the reason wrapped beneath it at word boundaries."""
    own = [s for s in result.skipped if s.get("own_data")]
    skipped = [s for s in result.skipped if not s.get("own_data")]
    for mapping in dict.fromkeys(s["own_data"] for s in own):
        files = [s for s in own if s["own_data"] == mapping]
        wrapped(
            f"Your own data: {len(files)} file{'s' if len(files) != 1 else ''}, used with "
            f"--own {printable(mapping)} (not compared in this check):",
            style="cyan",
        )
        for sk in files:
            wrapped(printable(sk.get("path", "")), indent=4, first=2)
    if not skipped:
        return
    wrapped(
        f"Skipped {len(skipped)} input(s) that are not settlement artefacts or could not be used:",
        style="yellow",
    )
    for sk in skipped[:shown]:
        wrapped(printable(sk.get("path", "")), indent=4, first=2)
        wrapped(printable(sk.get("reason", "")), indent=4)
    if len(skipped) > shown:
        wrapped(f"  ... and {len(skipped) - shown} more (see result.json)")


def print_verdict(result: CheckResult) -> None:
    """The verdict lines (SPEC §6 "Coverage": only what was checked), wrapped to fit."""
    c = result.counts
    head, *rest = result.verdict_lines()
    clean = c["error"] == 0 and result.fully_checked
    style = "red" if c["error"] else ("green" if clean and not c["warning"] else "yellow")
    wrapped(head, style=style)
    for line in rest:
        wrapped(printable(line))


def print_written(paths: list[Path]) -> None:
    """Every file written, with what it is for, the folder named once."""
    if not paths:
        return
    folder = paths[0].parent
    wrapped(printable(f"Wrote {len(paths)} file{'s' if len(paths) != 1 else ''} into {folder}:"))
    order = list(OUTPUT_ROLES)
    width = max(len(p.name) for p in paths)
    for p in sorted(paths, key=lambda p: order.index(p.name) if p.name in order else 99):
        role = OUTPUT_ROLES.get(p.name, "")
        wrapped(printable(f"{p.name.ljust(width)}  {role}".rstrip()), indent=width + 4, first=2)


def print_summary(
    result: CheckResult,
    limit: int = 12,
    written: list[Path] | None = None,
    reports: bool = True,
) -> None:
    """Print the runs (in date order), the worst findings, your own data and the skipped
    files, the verdict and the files written (stderr), laid out to fit the terminal."""
    print_runs(result)
    print_worst(result, limit, where="report.html" if reports else "findings.json")
    print_skipped(result)
    print_verdict(result)
    if result.own is not None:
        wrapped(printable(result.own.line()))
    if written:
        print_written(written)


@click.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--out",
    "out",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="Folder to write findings.json, result.json, report.xlsx, report.html and "
    "disagreement.csv into (created if missing; files are replaced atomically).",
)
@materiality_option
@click.option(
    "--strict",
    is_flag=True,
    help="Exit 1 on warnings too, and when a run was not fully checked or a file could "
    "not be read, not only on errors.",
)
@click.option(
    "--no-reports",
    is_flag=True,
    help="Write findings.json and result.json only, not report.xlsx, report.html and "
    "disagreement.csv.",
)
@click.option("--no-progress", is_flag=True, help="Do not show progress bars.")
@check_store_options
@click.option(
    "--week",
    metavar="YYYY-MM-DD",
    help="With --store: check every run held for this Trading Week (its first day, a Sunday).",
)
@click.option("--participant", metavar="CODE", help="With --store: only this participant's runs.")
@click.option(
    "--own",
    type=click.Path(path_type=Path),
    metavar="FILE.toml",
    help="Tie AEMO's Detail out against your own data (NEM12 meter data, SCADA CSVs) "
    "mapped by this TOML file (SPEC §9): own.value and own.missing findings. With "
    "--store, the Details held for the weeks checked are used too.",
)
@limit_options
def check(
    paths: tuple[Path, ...],
    out: Path,
    materiality: Decimal | None,
    strict: bool,
    no_reports: bool,
    no_progress: bool,
    store: str | None,
    store_path: str | None,
    week: str | None,
    participant: str | None,
    own: Path | None,
    **limits: int,
) -> int:
    """Check settlement artefacts: recompute invoices, tie out every form, explain ADJ runs.

    PATHS are any mix of files and folders (searched recursively). Each artefact is
    recognised by its content, not its name: Summary CSV, Detail CSV or ZIP,
    Summary/Detail/Invoice JSON, Invoice PDF. They are grouped by participant, Trading
    Week and run, and every check the inputs allow is run (SPEC §5). With --store, the
    runs held in the history store for the weeks checked are added: the weeks are --week,
    else those of PATHS, else every week held; PATHS are then optional; and the check is
    recorded in the store (see `recon audit`).

    The verdict says what was checked: "No discrepancies" only of runs fully checked
    (Summary, Detail for every day, Invoice, and for an ADJ run its previous run).

    Exit status: 0 no error finding (with --strict, no warning either, every run fully
    checked and every file read); 1 discrepancies found; 2 recon could not run; 130 or
    143 interrupted (the earlier outputs are left whole).
    """
    from recon.api import check as run_check

    use_store, store_file = store_choice(store, store_path)
    if not use_store and (week or participant):
        raise UsageError("--week and --participant select runs from the store: add --store")
    if not paths and not use_store:
        raise UsageError("give at least one file or folder to check")
    for p in paths:
        if not p.exists():  # a mistyped PATH is never just "skipped" (SPEC §6)
            raise InputError(p, "no such file or folder")
    with progress_bar("Reading artefacts", enabled=not no_progress) as prog:
        result = run_check(
            list(paths),
            materiality=materiality,
            limits=limits_from(limits),
            progress=prog,
            own=own,
            store=(store_file or True) if use_store else None,
            week=week,
            participant=participant,
            record=False,
        )
    if use_store:  # SPEC §8: every check kept; its outputs marked once they are in place
        from recon.models.audit import OutputsState
        from recon.store.history import mark_outputs_written, record_check

        check_id = record_check(
            store_file, result, command="check", outputs=OutputsState.NOT_WRITTEN, out_dir=out
        )
    written = write_outputs(result, out, reports=not no_reports)
    if use_store:
        mark_outputs_written(store_file, check_id, out)
    print_summary(result, written=written, reports=not no_reports)
    return result.exit_code(strict)
