"""``recon report``: rebuild report.xlsx, report.html and disagreement.csv from a saved
check."""

from __future__ import annotations

import logging
from pathlib import Path

import click

from recon.models.results import CheckResult

log = logging.getLogger(__name__)

REPORT_SET = ("report.xlsx", "report.html", "disagreement.csv")
"""The reports, replaced as a set (:func:`recon.atomic.replace_set`)."""


def write_report_set(result: CheckResult, out: Path) -> list[Path]:
    """Write report.xlsx, report.html and disagreement.csv as one set that replaces the
    earlier set in ``out``.

    Both are written into a staging folder beside ``out`` and swapped in at the end
    (:func:`recon.atomic.replace_set` states the guarantee): a failure, a full disk, Ctrl-C
    or SIGTERM leaves the earlier set whole and no temporary file behind. Every other file
    in ``out`` (a check's findings.json and result.json, say) is left as it is.

    Returns:
        The paths written, workbook first, under ``out`` as given.

    Raises:
        OutputError: If the folder or a report cannot be written (the earlier set is kept).
    """
    from recon.atomic import replace_set
    from recon.report import write_reports

    with replace_set(out, REPORT_SET) as stage:
        names = [p.name for p in write_reports(result, stage)]
    return [out / name for name in names]


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
    from recon.cli.check_cmd import print_verdict, print_written
    from recon.report import load_result

    result = load_result(findings_dir)
    written = write_report_set(result, out or findings_dir)
    # The saved check's verdict, which is also why the exit status is what it is.
    print_verdict(result)
    print_written(written)
    return result.exit_code()
