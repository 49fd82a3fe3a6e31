"""The Settlement Statement Summary CSV (Guide Table 4, SPEC §3.1)."""

from __future__ import annotations

from pathlib import Path

from recon.models.statements import SummaryStatement
from recon.sources.csv_table import read_csv_table
from recon.sources.files import read_bytes
from recon.sources.limits import DEFAULT_LIMITS, Limits
from recon.sources.validate import SUMMARY_COLUMNS, validate_summary


def parse_summary_csv(
    data: bytes, source: str, limits: Limits = DEFAULT_LIMITS
) -> SummaryStatement:
    """Parse Summary CSV bytes.

    Args:
        data: The file's bytes.
        source: The path, for messages and finding sources.
        limits: Input caps.

    Raises:
        ColumnsError: If the columns are not the Guide's (``data.columns``).
        InputError: If the file cannot be read at all.
    """
    raw, findings = read_csv_table(data, source, SUMMARY_COLUMNS, limits=limits)
    stmt = validate_summary(raw, source, "csv")
    if findings:
        stmt.findings[:0] = [f.model_copy(update=_run_fields(stmt)) for f in findings]
    return stmt


def read_summary_csv(path: str | Path, limits: Limits = DEFAULT_LIMITS) -> SummaryStatement:
    """Read a Summary CSV file. See :func:`parse_summary_csv`."""
    return parse_summary_csv(read_bytes(path, limits), str(path), limits)


def _run_fields(stmt: SummaryStatement) -> dict[str, object]:
    h = stmt.header
    return {
        "participant": h.participant,
        "period": h.period,
        "run_id": h.run_id,
        "designation": h.designation.value,
    }
