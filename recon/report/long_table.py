"""Writing the long Detail table (``recon decode``) as Parquet, CSV or XLSX, streamed.

One Trading Day at a time: memory holds one day's long table, not the week's.
"""

from __future__ import annotations

import base64
import logging
import queue
import threading
import zipfile
from collections.abc import Iterable
from pathlib import Path
from xml.sax.saxutils import escape

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq

from recon.atomic import atomic_path
from recon.errors import UsageError
from recon.text import safe_text

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
    if fmt == "xlsx":
        return _write_xlsx(parts, Path(path))
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
    return rows


class _ParquetThread:
    """A ParquetWriter fed from a queue on its own thread (pyarrow releases the GIL while it
    encodes, so the caller builds the next table meanwhile). It writes only ``tmp``, the
    temporary file of the ``atomic_path(...)`` block in :func:`write_parquet_tables`."""

    def __init__(self, tmp: Path, schema: pa.Schema, read_as: pa.Schema | None) -> None:
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


XLSX_CHUNK = 50_000
"""Rows turned into sheet XML at a time (bounds the memory of one write)."""
_EXCEL_EPOCH_DAYS = 25569  # 1970-01-01 as an Excel serial day number
_US_PER_DAY = 86_400_000_000
_STYLE_HEADER, _STYLE_DATE, _STYLE_DATETIME, _STYLE_VALUE = 1, 2, 3, 4


def too_many_rows(rows: int) -> UsageError:
    """The refusal of an .xlsx too long for Excel (exit 2), naming what to write instead."""
    return UsageError(
        f"the long table has more than {XLSX_MAX_ROWS:,} rows ({rows:,} so far), more than an "
        "Excel sheet holds (1,048,576 with the header): write .parquet (exact decimals) or "
        ".csv instead"
    )


def sheet_name(columns: list[str]) -> str:
    """``Summary`` for a Summary's long table (it has Payment or Charge), else ``Detail``."""
    return "Summary" if "payment_or_charge" in columns else "Detail"


def _write_xlsx(parts: Iterable[pl.DataFrame], path: Path) -> int:
    """Stream the long table into a one-sheet .xlsx, atomically, writing the XML directly.

    The sheet is named for what it holds (``Detail`` or ``Summary``), its header row is
    bold and frozen, its columns sized to their content (from the first day), dates and
    times are Excel dates (AWST wall clock), values are numbers, and every text is a
    shared string (a string cell: never a formula). The rows are turned into XML
    column-wise by polars, a chunk at a time, and streamed into the ZIP: memory holds one
    chunk, not the table (``bench/xlsx_writers.py``: openpyxl's write-only mode and
    XlsxWriter's constant-memory mode spend their time in Python per cell; this is more
    than 10x faster than either).

    Raises:
        UsageError: As soon as the table passes Excel's row limit; nothing is written.
    """
    it = iter(parts)
    first = next(it, None)
    sheet = sheet_name(list(first.columns) if first is not None else [])
    rows = 0
    strings = _SharedStrings()
    with (
        atomic_path(path) as tmp,
        zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as zf,
    ):
        for name, text in _package_parts(sheet).items():
            zf.writestr(name, text)
        with zf.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as out:
            out.write(_sheet_head(first).encode())
            if first is not None:
                for part in _chain(first, it):
                    if rows + part.height > XLSX_MAX_ROWS:
                        raise too_many_rows(rows + part.height)
                    for offset in range(0, part.height, XLSX_CHUNK):
                        chunk = part.slice(offset, XLSX_CHUNK)
                        out.write(_rows_xml(chunk, rows + offset + 2, strings).encode())
                    rows += part.height
            out.write(b"</sheetData></worksheet>")
        zf.writestr("xl/sharedStrings.xml", strings.xml())
    return rows


class _SharedStrings:
    """The workbook's shared string table, grown chunk by chunk (texts repeat a lot)."""

    def __init__(self) -> None:
        self.index: dict[str, int] = {}

    def codes(self, frame: pl.DataFrame, name: str) -> pl.Series:
        """The column's texts as string-table indices (null stays null)."""
        col = frame.get_column(name).cast(pl.String)
        for text in col.unique().drop_nulls().to_list():
            if text not in self.index:
                self.index[text] = len(self.index)
        return col.replace_strict(self.index, return_dtype=pl.UInt32, default=None)

    def xml(self) -> str:
        items = "".join(
            f'<si><t xml:space="preserve">{_escape(_clean(t))}</t></si>' for t in self.index
        )
        n = len(self.index)
        return (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            f'count="{n}" uniqueCount="{n}">{items}</sst>'
        )


def _clean(text: str) -> str:
    """A cell's text: control, bidi and invisible characters, lone surrogates and
    noncharacters shown escaped (:func:`recon.text.safe_text`), so XML 1.0 holds it."""
    return safe_text(text, keep_newlines=True)


def _chain(first: pl.DataFrame, rest: Iterable[pl.DataFrame]) -> Iterable[pl.DataFrame]:
    yield first
    yield from rest


def _letter(i: int) -> str:
    # start-up: openpyxl costs 58 ms to import (python -X importtime, 2026-12-05); only an .xlsx
    # table needs it, not `recon decode` to Parquet or CSV
    from openpyxl.utils import get_column_letter

    return get_column_letter(i + 1)


def _cell_expr(
    name: str, dtype: pl.DataType, letter: str, rownum: pl.Expr, text: bool = False
) -> pl.Expr:
    """One column's cells as XML (an empty string where the value is null).

    With ``text`` the column holds shared-string indices (see :func:`_rows_xml`).
    """
    col = pl.col(name)
    if text:
        style, value = ' t="s"', col
    elif dtype == pl.Date:
        style, value = f' s="{_STYLE_DATE}"', col.cast(pl.Int32) + _EXCEL_EPOCH_DAYS
    elif isinstance(dtype, pl.Datetime):
        naive = col.dt.replace_time_zone(None) if dtype.time_zone else col
        style = f' s="{_STYLE_DATETIME}"'
        value = naive.dt.epoch("us").cast(pl.Float64) / _US_PER_DAY + _EXCEL_EPOCH_DAYS
    elif isinstance(dtype, pl.Decimal):
        style, value = f' s="{_STYLE_VALUE}"', col
    elif dtype == pl.Boolean:
        style, value = ' t="b"', col.cast(pl.Int8)
    else:
        style, value = "", col
    return pl.concat_str(
        [
            pl.lit(f'<c r="{letter}'),
            rownum,
            pl.lit(f'"{style}><v>'),
            value.cast(pl.String),
            pl.lit("</v></c>"),
        ]
    ).fill_null("")


def _is_text(dtype: pl.DataType) -> bool:
    return not (
        dtype == pl.Date
        or dtype == pl.Boolean
        or isinstance(dtype, (pl.Datetime, pl.Decimal))
        or dtype.is_integer()
        or dtype.is_float()
    )


def _rows_xml(frame: pl.DataFrame, first_row: int, strings: _SharedStrings) -> str:
    """Rows of the sheet as XML, texts replaced by their shared-string indices."""
    schema = dict(frame.schema)
    texts = [n for n, t in schema.items() if _is_text(t)]
    if texts:
        frame = frame.with_columns([strings.codes(frame, n).alias(n) for n in texts])
    rownum = pl.int_range(first_row, first_row + frame.height, eager=False).cast(pl.String)
    cells = [
        _cell_expr(n, schema[n], _letter(i), rownum, text=n in texts) for i, n in enumerate(schema)
    ]
    row = pl.concat_str([pl.lit('<row r="'), rownum, pl.lit('">'), *cells, pl.lit("</row>")])
    return frame.select(row.str.join("").alias("x")).item()


def _width(frame: pl.DataFrame | None, name: str, dtype: pl.DataType) -> float:
    head = len(name) + 2
    if dtype == pl.Date:
        return float(max(12, head))
    if isinstance(dtype, pl.Datetime):
        return float(max(17, head))
    if isinstance(dtype, pl.Decimal):
        return float(max(18, head))
    longest = 0
    if frame is not None and frame.height:
        longest = frame.select(pl.col(name).cast(pl.String).str.len_chars().max()).item() or 0
    return float(min(max(longest, len(name)) + 2, 50))


def _sheet_head(first: pl.DataFrame | None) -> str:
    schema = first.schema if first is not None else {}
    cols = "".join(
        f'<col min="{i + 1}" max="{i + 1}" width="{_width(first, n, t)}" customWidth="1"/>'
        for i, (n, t) in enumerate(schema.items())
    )
    header = "".join(
        f'<c r="{_letter(i)}1" t="inlineStr" s="{_STYLE_HEADER}"><is><t>{_escape(n)}</t></is></c>'
        for i, n in enumerate(schema)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        '<sheetViews><sheetView tabSelected="1" workbookViewId="0">'
        '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
        '<selection pane="bottomLeft" activeCell="A2" sqref="A2"/></sheetView></sheetViews>'
        '<sheetFormatPr defaultRowHeight="15"/>'
        + (f"<cols>{cols}</cols>" if cols else "")
        + "<sheetData>"
        + (f'<row r="1">{header}</row>' if header else "")
    )


def _escape(text: str) -> str:
    return escape(text)


def _package_parts(sheet: str) -> dict[str, str]:
    """The workbook's fixed parts: content types, relationships, workbook, styles."""
    decl = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    pkg = "http://schemas.openxmlformats.org/package/2006/relationships"
    ct = "application/vnd.openxmlformats-officedocument.spreadsheetml"
    return {
        "[Content_Types].xml": decl
        + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" '
        'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/xl/workbook.xml" ContentType="{ct}.sheet.main+xml"/>'
        f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{ct}.worksheet+xml"/>'
        f'<Override PartName="/xl/styles.xml" ContentType="{ct}.styles+xml"/>'
        f'<Override PartName="/xl/sharedStrings.xml" ContentType="{ct}.sharedStrings+xml"/>'
        "</Types>",
        "_rels/.rels": decl + f'<Relationships xmlns="{pkg}">'
        f'<Relationship Id="rId1" Type="{rel}/officeDocument" Target="xl/workbook.xml"/>'
        "</Relationships>",
        "xl/workbook.xml": decl + f'<workbook xmlns="{main}" xmlns:r="{rel}">'
        f'<sheets><sheet name="{sheet}" sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": decl + f'<Relationships xmlns="{pkg}">'
        f'<Relationship Id="rId1" Type="{rel}/worksheet" Target="worksheets/sheet1.xml"/>'
        f'<Relationship Id="rId2" Type="{rel}/styles" Target="styles.xml"/>'
        f'<Relationship Id="rId3" Type="{rel}/sharedStrings" Target="sharedStrings.xml"/>'
        "</Relationships>",
        "xl/styles.xml": decl + f'<styleSheet xmlns="{main}">'
        '<numFmts count="3"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/>'
        '<numFmt numFmtId="165" formatCode="yyyy-mm-dd hh:mm"/>'
        '<numFmt numFmtId="166" formatCode="#,##0.00######;[Red]-#,##0.00######"/></numFmts>'
        '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>'
        '<font><b/><sz val="11"/><name val="Calibri"/></font></fonts>'
        '<fills count="2"><fill><patternFill patternType="none"/></fill>'
        '<fill><patternFill patternType="gray125"/></fill></fills>'
        '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
        '<cellStyleXfs count="1">'
        '<xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
        '<cellXfs count="5"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
        '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
        '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
        '<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
        '<xf numFmtId="166" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
        "</cellXfs>"
        '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
        "</styleSheet>",
    }
