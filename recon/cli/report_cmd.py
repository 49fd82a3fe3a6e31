"""``recon report``: rebuild report.xlsx and report.html from a saved check."""

from __future__ import annotations

import logging
from pathlib import Path

import click

from recon.cli.text import printable

log = logging.getLogger(__name__)


@click.command()
@click.argument(
    "findings_dir",
    metavar="FINDINGS_DIR",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
)
@click.option(
    "--out",
    "out",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Folder to write report.xlsx and report.html into (created if missing; "
    "files are replaced atomically). Default: FINDINGS_DIR itself.",
)
def report(findings_dir: Path, out: Path | None) -> int:
    """Rebuild the reports from a saved check.

    FINDINGS_DIR is the --out folder of an earlier 'recon check': its result.json holds
    everything the reports show, so no input is read again. Writes report.xlsx (the
    analyst's workbook) and report.html (the auditor's self-contained page).

    Exit status: 0 when the saved check has no error finding; 1 when it has; 2 when the
    reports cannot be built (no result.json, unwritable folder).
    """
    from recon.report import load_result, write_reports

    result = load_result(findings_dir)
    for path in write_reports(result, out or findings_dir):
        click.echo(f"Wrote {printable(str(path))}", err=True)
    return result.exit_code()
