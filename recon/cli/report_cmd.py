"""``recon report``: rebuild report.xlsx, report.html and disagreement.csv from a saved
check."""

from __future__ import annotations

import logging
from pathlib import Path

import click

from recon.cli.summary import print_verdict, print_written
from recon.pipeline.outputs import rebuild_reports

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
    help="Folder to write report.xlsx, report.html and disagreement.csv into (created if "
    "missing; the three are replaced as a set, other files are kept). Default: FINDINGS_DIR "
    "itself.",
)
def report(findings_dir: Path, out: Path | None) -> int:
    """Rebuild the reports from a saved check.

    FINDINGS_DIR is the --out folder of an earlier 'recon check': its result.json holds
    everything the reports show, so no input is read again. Writes report.xlsx (the
    analyst's workbook), report.html (the auditor's self-contained page) and
    disagreement.csv (the Notice of Disagreement draft, one row per root cause).

    The reports replace the earlier set as one: if recon is interrupted or cannot write
    them, the earlier reports are left as they were. Other files
    in the folder (findings.json, result.json) are never touched.

    Prints the saved check's verdict (as `recon check` did) and the files written.

    Exit status: 0 when the saved check has no error finding; 1 when it has (the verdict
    says so); 2 when the reports cannot be built (no result.json, unwritable folder); 130
    or 143 interrupted (the earlier reports are left whole).
    """
    result, written = rebuild_reports(findings_dir, out)
    # The saved check's verdict, which is also why the exit status is what it is.
    print_verdict(result)
    print_written(written)
    return result.exit_code()
