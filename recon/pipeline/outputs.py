"""The files a check writes, replaced as a set (:func:`recon.atomic.replace_set`): a
check's output set, and the reports ``recon report`` rebuilds from a saved check.
"""

from __future__ import annotations

from pathlib import Path

from recon.atomic import replace_set
from recon.models.results import CheckResult
from recon.report import load_result, write_reports
from recon.report.saved import findings_json_chunks, result_json_chunks, write_chunks

OUTPUT_SET = ("findings.json", "result.json", "report.xlsx", "report.html", "disagreement.csv")
"""The files of one check, replaced as a set."""

REPORT_SET = ("report.xlsx", "report.html", "disagreement.csv")
"""The reports, replaced as a set by ``recon report``."""


def write_outputs(result: CheckResult, out: Path, *, reports: bool = True) -> list[Path]:
    """Write findings.json, result.json and (unless ``reports`` is False) the reports
    (report.xlsx, report.html, disagreement.csv), as one set that replaces the earlier
    check's set in ``out``.

    The set is written into a staging folder beside ``out`` and swapped in at the end
    (:func:`recon.atomic.replace_set` states the guarantee): a failure, a full disk, Ctrl-C
    or SIGTERM leaves the earlier set whole and no temporary file behind, and a reader
    never finds a new report beside old findings. Without reports, the earlier reports are
    removed with the rest of the earlier set.

    Returns:
        The paths written, under ``out`` as given.

    Raises:
        OutputError: If the folder or a file cannot be written (the earlier set is kept).
    """
    names: list[str] = []
    with replace_set(out, OUTPUT_SET) as stage:
        if reports:
            names.extend(p.name for p in write_reports(result, stage))
        # Both written a finding at a time: a check of a million findings never holds
        # either document as one string.
        write_chunks(stage / "result.json", result_json_chunks(result))
        names.append("result.json")
        write_chunks(stage / "findings.json", findings_json_chunks(result))
        names.append("findings.json")
    return [out / name for name in names]


def write_report_set(result: CheckResult, out: Path) -> list[Path]:
    """Write report.xlsx, report.html and disagreement.csv as one set that replaces the
    earlier set in ``out``.

    They are written into a staging folder beside ``out`` and swapped in at the end
    (:func:`recon.atomic.replace_set` states the guarantee): a failure, a full disk, Ctrl-C
    or SIGTERM leaves the earlier set whole and no temporary file behind. Every other file
    in ``out`` (a check's findings.json and result.json, say) is left as it is.

    Returns:
        The paths written, workbook first, under ``out`` as given.

    Raises:
        OutputError: If the folder or a report cannot be written (the earlier set is kept).
    """
    with replace_set(out, REPORT_SET) as stage:
        names = [p.name for p in write_reports(result, stage)]
    return [out / name for name in names]


def rebuild_reports(findings_dir: Path, out: Path | None = None) -> tuple[CheckResult, list[Path]]:
    """``recon report``: the reports of a saved check, rebuilt from its result.json alone.

    Args:
        findings_dir: The ``--out`` folder of an earlier check.
        out: Where to write them (default: ``findings_dir``).

    Returns:
        (the saved check's result, the paths written).

    Raises:
        InputError: There is no readable result.json in ``findings_dir``.
        OutputError: The reports cannot be written (the earlier set is kept).
    """
    result = load_result(findings_dir)
    return result, write_report_set(result, out or findings_dir)
