"""CSV bytes to a frame of raw string columns, fast with polars, exact on odd files.

Handles UTF-8 with or without BOM, LF or CRLF, quoted or unquoted Value arrays and
quoted scopes holding commas. The fast path is polars' CSV reader; a file it cannot take
as it is (ragged rows from unquoted arrays, bytes that are not UTF-8) is read line by line
with the standard ``csv`` module, repairing what can be repaired and turning the rest into
findings.
"""

from __future__ import annotations

import csv
import io
import logging

import polars as pl

from recon.errors import InputError
from recon.models import aemo_names as aemo
from recon.models.findings import CheckId, Finding
from recon.sources.limits import DEFAULT_LIMITS, Limits
from recon.sources.validate import check_columns

log = logging.getLogger(__name__)

BOM = b"\xef\xbb\xbf"


def header_names(data: bytes, source: str, limits: Limits = DEFAULT_LIMITS) -> list[str]:
    """Return the column names of the first line of CSV bytes.

    Raises:
        InputError: If the file is empty, its first line is over the line cap or not text.
    """
    body = data[len(BOM) :] if data.startswith(BOM) else data
    end = body.find(b"\n")
    first = body if end < 0 else body[:end]
    if not first.strip():
        raise InputError(source, "is empty: expected a CSV header row")
    if len(first) > limits.max_line_bytes:
        raise InputError(
            source,
            f"line 1 is longer than {limits.max_line_bytes} bytes (raise it with --max-line-mb)",
            line=1,
        )
    try:
        text = first.decode("utf-8").rstrip("\r")
    except UnicodeDecodeError:
        raise InputError(
            source, "line 1 is not UTF-8 text: expected a CSV header row", line=1
        ) from None
    if "\r" in text:
        raise InputError(
            source,
            "line 1 holds a carriage return not followed by a line "
            "feed (old Mac line ends?): expected lines ending in LF or CRLF",
            line=1,
        )
    try:
        return [c.strip() for c in next(csv.reader([text]), [])]
    except csv.Error as e:
        raise InputError(source, f"line 1 is not a CSV header row ({e})", line=1) from None


def check_line_lengths(data: bytes, source: str, limits: Limits, first_line: int = 1) -> None:
    """Raise InputError naming the first line of ``data`` longer than ``limits.max_line_bytes``.

    Args:
        data: Whole lines of a file (its start, or a part cut after a line feed).
        source: The file, for the message.
        limits: The line cap.
        first_line: The line number of ``data``'s first line in the file.
    """
    cap = limits.max_line_bytes
    if len(data) <= cap:
        return
    start = 0
    n = len(data)
    line = first_line
    while start < n:
        end = data.find(b"\n", start, start + cap + 2)
        if end < 0:
            if n - start > cap:
                raise InputError(
                    source,
                    f"line {line} is longer than {cap} bytes (raise it with --max-line-mb)",
                    line=line,
                )
            return
        start = end + 1
        line += 1


def read_csv_table(
    data: bytes,
    source: str,
    columns: tuple[str, ...],
    *,
    array_column: str | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> tuple[pl.DataFrame, list[Finding]]:
    """Read CSV bytes into raw string columns plus ``__file`` and ``__line``.

    Args:
        data: The file's bytes.
        source: What to call the file in messages (``path`` or ``path!member``).
        columns: The required columns, in the Guide's order.
        array_column: The column holding a ``[...]`` array that may be unquoted.
        limits: Line-length cap.

    Returns:
        The raw frame and findings for rows that could not be read at all.

    Raises:
        ColumnsError: If the header row is not the Guide's.
        InputError: If the bytes are not a CSV at all.
    """
    names = header_names(data, source, limits)
    check_columns(names, columns, source)
    check_line_lengths(data, source, limits)
    body = data[len(BOM) :] if data.startswith(BOM) else data
    fast = read_fast(body, source, names, columns)
    if fast is not None:
        return fast[0], []
    return read_careful(body, source, names, columns, array_column)


def read_fast(
    body: bytes, source: str, names: list[str], columns: tuple[str, ...], first_line: int = 2
) -> tuple[pl.DataFrame, int] | None:
    """Read CSV text with polars' reader, or None when it cannot take it as it is.

    Args:
        body: The header line, then rows (without a byte order mark).
        source: The file, for ``__file``.
        names: The header's column names.
        columns: The columns to return, with ``__file`` and ``__line``.
        first_line: The ``__line`` of the first row after the header.

    Returns:
        The frame, and how many rows polars read (blank lines included: the ``__line`` of
        the next row of the file is ``first_line`` plus that).
    """
    try:
        body.decode("utf-8")
        frame = pl.read_csv(
            io.BytesIO(body), infer_schema=False, has_header=True, new_columns=names
        )
        if frame.width == len(names):
            read = frame.height
            frame = frame.with_columns(
                pl.lit(source).alias("__file"),
                (pl.int_range(pl.len(), dtype=pl.Int64) + first_line).alias("__line"),
            )
            # polars reads a blank line and a line of only separators (",,") alike, as a
            # row of nulls: the careful path tells them apart (it skips the blank line and
            # keeps the other, whose empty fields are then reported).
            if frame.select(pl.all_horizontal(pl.col(names).is_null()).any()).item():
                log.debug("fast CSV path declined %s: a blank or an empty row", source)
                return None
            # polars pads a short line with nulls, so a null in the last column is a short
            # line or an empty last field: the careful path tells which, by field count.
            if not frame.get_column(names[-1]).null_count():
                return frame.select(*columns, "__file", "__line"), read
            log.debug("fast CSV path declined %s: a short line or an empty last field", source)
    except (UnicodeDecodeError, pl.exceptions.PolarsError, pl.exceptions.PanicException) as e:
        # PanicException (a Rust panic on odd input) is a BaseException: named here so
        # the file is still read, by the careful path
        log.debug("fast CSV path declined %s: %s", source, e)
    return None


def read_careful(
    body: bytes,
    source: str,
    names: list[str],
    columns: tuple[str, ...],
    array_column: str | None,
    first_line: int = 2,
) -> tuple[pl.DataFrame, list[Finding]]:
    """Read CSV text line by line with the ``csv`` module, repairing unquoted arrays and
    turning lines that cannot be read into findings.

    Args:
        body: The header line, then rows (without a byte order mark).
        source: The file, for ``__file`` and the findings.
        names: The header's column names.
        columns: The columns to return, with ``__file`` and ``__line``.
        array_column: The column holding a ``[...]`` array that may be unquoted.
        first_line: The line number of the line after the header.
    """
    findings: list[Finding] = []
    width = len(names)
    arr_idx = names.index(array_column) if array_column else -1
    records: dict[str, list[object]] = {c: [] for c in (*names, "__file", "__line")}
    lines = body.split(b"\n")
    for lineno, raw_line in enumerate(lines[1:], start=first_line):
        raw_line = raw_line.rstrip(b"\r")
        if not raw_line.strip():
            continue
        try:
            text = raw_line.decode("utf-8")
        except UnicodeDecodeError as e:
            findings.append(
                Finding.make(
                    CheckId.DATA_VALUE,
                    f"line {lineno} holds bytes that are not UTF-8 (at byte "
                    f"{e.start}); the row was not used.",
                    source=f"{source}:{lineno}",
                )
            )
            continue
        try:
            fields = next(csv.reader([text]))
        except csv.Error as e:
            findings.append(
                Finding.make(
                    CheckId.DATA_VALUE,
                    f"line {lineno} is not a CSV row ({e}); the row was not used.",
                    source=f"{source}:{lineno}",
                )
            )
            continue
        row: list[str] | None = fields
        if len(fields) > width and arr_idx == width - 1:
            row = _repair(fields, width, names)
        if row is None or len(row) != width:
            count = len(fields if row is None else row)
            findings.append(
                Finding.make(
                    CheckId.DATA_VALUE,
                    f"line {lineno} has {count} fields where the header "
                    f"has {width}; the row was not used.",
                    source=f"{source}:{lineno}",
                )
            )
            continue
        for name, value in zip(names, row, strict=True):
            records[name].append(value if value != "" else None)  # as polars reads it
        records["__file"].append(source)
        records["__line"].append(lineno)
    schema = {c: pl.String for c in names} | {"__file": pl.String, "__line": pl.Int64}
    frame = pl.DataFrame(records, schema=schema)
    return frame.select(*columns, "__file", "__line"), findings


def _repair(fields: list[str], width: int, names: list[str]) -> list[str] | None:
    """Rejoin an unquoted trailing array (and an unquoted scope holding commas)."""
    start = next(
        (i for i in range(width - 1, len(fields)) if fields[i].lstrip().startswith("[")), None
    )
    if start is None:
        return None
    head = fields[:start]
    value = ",".join(fields[start:])
    if len(head) == width - 1:
        return [*head, value]
    if aemo.C_SCOPE in names and len(head) > width - 1:
        s = names.index(aemo.C_SCOPE)
        extra = len(head) - (width - 1)
        head = [*head[:s], ",".join(head[s : s + extra + 1]), *head[s + extra + 1 :]]
        return [*head, value]
    return None
