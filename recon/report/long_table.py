"""Writing the long Detail table (``recon decode``) as Parquet, CSV or XLSX, streamed.

One Trading Day at a time: memory holds one day's long table, not the week's.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from pathlib import Path

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq

from recon.atomic import atomic_path
from recon.errors import UsageError

log = logging.getLogger(__name__)

XLSX_MAX_ROWS = 1_048_575
SUFFIXES = (".parquet", ".csv", ".xlsx")


def output_format(path: str | Path) -> str:
    """Return ``parquet``, ``csv`` or ``xlsx`` from a file name.

    Raises:
        UsageError: For any other suffix.
    """
    suffix = Path(path).suffix.lower()
    if suffix not in SUFFIXES:
        raise UsageError(f"--out {path}: the file name must end in .parquet, .csv or .xlsx")
    return suffix[1:]


def write_long_table(parts: Iterable[pl.DataFrame], path: str | Path) -> int:
    """Write long-form frames (one per Trading Day) to one file, atomically.

    Args:
        parts: Long frames from :func:`recon.sources.detail_long.long_frame`.
        path: ``.parquet`` (Decimal(23,8) kept exact), ``.csv`` or ``.xlsx``.

    Returns:
        The number of value rows written.
    """
    fmt = output_format(path)
    rows = 0
    with atomic_path(path) as tmp:
        if fmt == "parquet":
            writer: pq.ParquetWriter | None = None
            try:
                for part in parts:
                    table = part.to_arrow()
                    if writer is None:
                        writer = pq.ParquetWriter(tmp, table.schema, compression="zstd")
                    writer.write_table(table)
                    rows += table.num_rows
            finally:
                if writer is not None:
                    writer.close()
            if writer is None:
                pq.write_table(pa.table({}), tmp)
        elif fmt == "csv":
            with open(tmp, "wb") as f:
                first = True
                for part in parts:
                    part.write_csv(f, include_header=first)
                    first = False
                    rows += part.height
        else:
            rows = _write_xlsx(parts, tmp)
    return rows


def _write_xlsx(parts: Iterable[pl.DataFrame], tmp: Path) -> int:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Detail")
    rows = 0
    header_done = False
    for part in parts:
        if rows + part.height > XLSX_MAX_ROWS:
            raise UsageError(f"the long table has more than {XLSX_MAX_ROWS} rows, more than "
                             "Excel holds: write .parquet or .csv instead")
        if not header_done:
            ws.append(part.columns)
            header_done = True
        flat = part.with_columns(
            pl.col(pl.Datetime).dt.replace_time_zone(None),
        )
        for rec in flat.iter_rows():
            ws.append([_text_cell(ws, v, WriteOnlyCell) for v in rec])
        rows += part.height
    wb.save(tmp)
    return rows


def _text_cell(ws: object, value: object, cell_type: type) -> object:
    """Input text starting with = + - @ is stored as text, never as a formula."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        cell = cell_type(ws, value=value)
        cell.data_type = "s"
        return cell
    return value
