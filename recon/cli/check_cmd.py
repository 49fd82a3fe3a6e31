"""``recon check``: run every check the inputs allow and write findings and reports."""

from __future__ import annotations

import logging
from decimal import Decimal
from pathlib import Path

import click

from recon.cli.options import (
    STORE_DEFAULT,
    check_store_option,
    limit_options,
    limits_from,
    materiality_option,
)
from recon.cli.progress import progress_bar
from recon.cli.summary import print_summary
from recon.pipeline.check import CheckRequest
from recon.pipeline.check import keep as keep_check
from recon.pipeline.check import run as run_check

log = logging.getLogger(__name__)


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
@check_store_option
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
    request = CheckRequest.make(  # every argument checked here, once
        paths,
        materiality=materiality,
        limits=limits_from(limits),
        own=own,
        store=True if store == STORE_DEFAULT else store,
        week=week,
        participant=participant,
    )
    with progress_bar("Reading artefacts", enabled=not no_progress) as prog:
        result = run_check(request, prog)
    # SPEC §8: with --store the check is recorded, its outputs marked once they are in place
    checked = keep_check(request, result, command="check", out=out, reports=not no_reports)
    print_summary(result, written=checked.written, reports=not no_reports)
    return result.exit_code(strict)
