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


class _ParquetThread:
    """A ParquetWriter fed from a queue on its own thread (pyarrow releases the GIL while it
    encodes, so the caller builds the next table meanwhile). It writes only ``tmp``, the
    temporary file of the ``atomic_path(...)`` block in :func:`write_parquet_tables`."""

    def __init__(self, tmp: Path, schema: pa.Schema, read_as: pa.Schema | None) -> None:
        import queue
        import threading

        self._read_as = read_as
        self._writer = pq.ParquetWriter(
            tmp, schema, store_schema=read_as is None, **_writer_options(schema)
        )
        self._box: queue.Queue[pa.Table | None] = queue.Queue(maxsize=1)
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._drain, name="parquet-writer", daemon=True)
        self._thread.start()

    def _drain(self) -> None:
        try:
            while (table := self._box.get()) is not None:
                self._writer.write_table(table)
        except BaseException as e:  # re-raised on the caller's thread
            self._error = e
            while self._box.get() is not None:
                pass

    def put(self, table: pa.Table) -> None:
        if self._error is not None:
            raise self._error
        self._box.put(table)

    def close(self) -> None:
        self._box.put(None)
        self._thread.join()
        if self._read_as is not None:
            import base64

            self._writer.add_key_value_metadata(
                {"ARROW:schema": base64.b64encode(self._read_as.serialize().to_pybytes()).decode()}
            )
        self._writer.close()
        if self._error is not None:
            raise self._error


def _writer_options(schema: pa.Schema) -> dict[str, object]:
    """Parquet-level settings for :class:`_ParquetThread` (what readers get is unchanged).

    The writer thread is the critical path of ``recon decode`` (bench/README.md, R7-R8),
    so each column gets the cheapest encoding that keeps the file small:

    - Dictionary columns (the strings) are written as the dictionaries they are, with no
      compression: their pages hold run-length encoded indices a few bytes long, and no
      min/max statistics (a second pass over every value, about half the writer's time).
    - Every other column plainly encoded (dictionary hashing of 15M integers costs 2-3x
      the plain write) with statistics, so readers can skip row groups by day and time:
      integers, dates and timestamps compressed with zstd (repetitive, so it is cheap and
      shrinks them to almost nothing), the Decimal ``value`` with lz4 (values hardly
      repeat: zstd took ~1.8x lz4's time on them for a file ~25% smaller).
    """
    dictionary = [f.name for f in schema if pa.types.is_dictionary(f.type)]
    compression = {
        f.name: "none"
        if pa.types.is_dictionary(f.type)
        else "lz4"
        if pa.types.is_decimal(f.type)
        else "zstd"
        for f in schema
    }
    statistics = [f.name for f in schema if not pa.types.is_dictionary(f.type)]
    return {
        "compression": compression,
        "use_dictionary": dictionary or False,
        "write_statistics": statistics or False,
    }


def write_parquet_tables(
    tables: Iterable[pa.Table], path: str | Path, *, read_as: pa.Schema | None = None
) -> int:
    """Write Arrow tables to one Parquet file, atomically, on a writer thread.

    Dictionary string columns are written as they are (Parquet stores strings
    dictionary-encoded anyway: no per-value copy, no re-hashing); with ``read_as`` that
    Arrow schema is what readers restore (plain strings), as if the tables were plain.

    Args:
        tables: Tables of one schema.
        path: The ``.parquet`` file.
        read_as: The schema readers should see (same columns, dictionaries decoded).

    Returns:
        The number of rows written.
    """
    rows = 0
    with atomic_path(path) as tmp:
        writer: _ParquetThread | None = None
        try:
            for table in tables:
                writer = writer or _ParquetThread(tmp, table.schema, read_as)
                writer.put(table)
                rows += table.num_rows
        finally:
            if writer is not None:
                writer.close()
        if writer is None:
            pq.write_table(pa.table({}), tmp)
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
            raise UsageError(
                f"the long table has more than {XLSX_MAX_ROWS} rows, more than "
                "Excel holds: write .parquet or .csv instead"
            )
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
