"""Own intervals (SPEC §9): the frame every own-data reader returns, and what the readers
share: the capped row findings, reading a file streamed within the caps of AEMO's files
(:class:`OwnFile`, which hashes the bytes it reads), casting values exactly."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import polars as pl

from recon.errors import InputError
from recon.models.findings import CheckId, Finding
from recon.models.own import OwnSeries
from recon.sources.files import NotARegularFile, open_regular
from recon.sources.limits import DEFAULT_LIMITS, Limits

OWN_SCHEMA: dict[str, pl.DataType] = {
    "scope": pl.String(),
    "start": pl.Datetime("us"),
    "minutes": pl.Int64(),
    "value": pl.Decimal(38, 8),
    "quality": pl.String(),
    "source_file": pl.String(),
    "source_line": pl.Int64(),
}
"""Columns of an own-intervals frame (naive datetimes are AWST)."""

MAX_FINDINGS_PER_FILE = 20
"""Row-level findings reported per file and kind; the rest are counted in the last one."""

_NUMBER = r"^-?[0-9]+(\.[0-9]+)?$"
WIDE = pl.Decimal(38, 16)
"""Wide enough to hold a value before it is checked for 8 decimals."""


def empty_frame() -> pl.DataFrame:
    """An own-intervals frame with no rows."""
    return pl.DataFrame(schema=OWN_SCHEMA)


def finding(series: OwnSeries, check: CheckId, message: str, **fields: Any) -> Finding:
    return Finding.make(check, message, variable=series.variable, **fields)


class Limited:
    """Collects row-level findings, at most :data:`MAX_FINDINGS_PER_FILE` per check."""

    def __init__(self, series: OwnSeries) -> None:
        self.series = series
        self.findings: list[Finding] = []
        self.counts: dict[CheckId, int] = {}

    def add(self, check: CheckId, message: str, source: str, **fields: Any) -> None:
        n = self.counts.get(check, 0) + 1
        self.counts[check] = n
        if n <= MAX_FINDINGS_PER_FILE:
            self.findings.append(finding(self.series, check, message, source=source, **fields))

    def done(self, path: Path) -> list[Finding]:
        for check, n in self.counts.items():
            if n > MAX_FINDINGS_PER_FILE:
                self.findings.append(
                    finding(
                        self.series,
                        check,
                        f"{path} has {n} {check} problems in all; the first "
                        f"{MAX_FINDINGS_PER_FILE} are listed.",
                        source=str(path),
                    )
                )
        return self.findings


class Unusable(Exception):
    """Your file cannot be used at all (not a regular file, unreadable, not UTF-8): the
    message is the ``data.columns`` finding's sentence fragment."""


class OwnFile:
    """One file of your own data, opened once and read streamed within the caps that hold
    for AEMO's files (SPEC §9): never more than one line (``--max-line-mb``) in memory,
    never more than ``--max-member-mb`` read. Its SHA-256 is of the very bytes read, so the
    hash recorded is always that of the file compared.

    Raises (on opening and reading):
        InputError: A cap refuses the file (the message names the option that raises it):
            recon stops with one line.
        Unusable: It is not a regular file (a folder, a FIFO, a device) or cannot be read.
    """

    def __init__(self, path: Path, limits: Limits = DEFAULT_LIMITS) -> None:
        self.path = path
        self.limits = limits
        self._sha = hashlib.sha256()
        self._read = 0
        try:
            f, st = open_regular(path)
        except NotARegularFile as e:
            raise Unusable(f"is {e}, not a file") from None
        except OSError as e:
            raise Unusable(f"cannot be read ({e.strerror or e})") from None
        if st.st_size > limits.max_member_bytes:
            f.close()
            raise InputError(
                path,
                f"is {st.st_size} bytes, over the cap of {limits.max_member_bytes} "
                "(raise it with --max-member-mb)",
            )
        self.identity = (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns)
        self._f = f

    def __enter__(self) -> OwnFile:
        return self

    def __exit__(self, *exc: object) -> None:
        self._f.close()

    def _count(self, data: bytes) -> None:
        self._read += len(data)
        if self._read > self.limits.max_member_bytes:
            raise InputError(
                self.path,
                f"grew past the cap of {self.limits.max_member_bytes} bytes while it was "
                "read (raise it with --max-member-mb)",
            )
        self._sha.update(data)

    def lines(self) -> Iterator[tuple[int, str]]:
        """Each line as text (UTF-8, a BOM on the first line dropped, the line end cut),
        with its 1-based number.

        Raises:
            InputError: A line longer than ``--max-line-mb`` (read no further than that).
            Unusable: A line that is not UTF-8 text, or lines ended by a carriage return
                alone.
        """
        cap = self.limits.max_line_bytes
        lineno = 0
        while True:
            try:
                raw = self._f.readline(cap + 2)
            except OSError as e:
                raise Unusable(f"cannot be read ({e.strerror or e})") from None
            if not raw:
                return
            self._count(raw)
            lineno += 1
            body = raw.rstrip(b"\r\n")
            if len(body) > cap:
                raise InputError(
                    self.path,
                    f"line {lineno} is longer than {cap} bytes (raise it with --max-line-mb)",
                )
            if b"\r" in body:
                raise Unusable(
                    f"ends its lines with a carriage return alone (line {lineno}); save it "
                    "with \\n or \\r\\n line ends"
                )
            try:
                text = body.decode("utf-8-sig" if lineno == 1 else "utf-8")
            except UnicodeDecodeError as e:
                raise Unusable(f"is not UTF-8 text (line {lineno}, byte {e.start + 1})") from None
            yield lineno, text

    def scan(self) -> None:
        """Read the whole file in blocks, holding no more than a line's cap at once: its
        hash, and that no line is longer than ``--max-line-mb`` (for a reader that takes
        the file by its path).

        Raises:
            InputError: A line longer than the cap.
        """
        cap = self.limits.max_line_bytes
        since = 0  # bytes of the current line so far
        lineno = 1  # the current line's number
        last = b""  # the byte before this block
        while True:
            try:
                block = self._f.read(max(cap, 1))
            except OSError as e:
                raise Unusable(f"cannot be read ({e.strerror or e})") from None
            if not block:
                return
            self._count(block)
            first = block.find(b"\n")
            if first >= 0:
                before = block[first - 1 : first] if first else last
                if since + first - (before == b"\r") > cap:
                    break
                # A line wholly inside the block is shorter than the block: within the cap.
                lineno += block.count(b"\n")
                since = len(block) - block.rfind(b"\n") - 1
            else:
                since += len(block)
            last = block[-1:]
            if since > cap + 1 or (since == cap + 1 and last != b"\r"):
                break
        raise InputError(
            self.path,
            f"line {lineno} is longer than {cap} bytes (raise it with --max-line-mb)",
        )

    def finish(self) -> str:
        """Read what is left (for the hash) and return the hex SHA-256 of the file."""
        while True:
            try:
                block = self._f.read(1 << 20)
            except OSError as e:
                raise Unusable(f"cannot be read ({e.strerror or e})") from None
            if not block:
                break
            self._count(block)
        return self._sha.hexdigest()

    def unchanged(self) -> bool:
        """Whether the path still names the file opened, as it was (for a reader that
        read it by its path)."""
        try:
            st = os.stat(self.path)
        except OSError:
            return False
        return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns) == self.identity


def unusable_finding(path: Path, series: OwnSeries, why: str) -> Finding:
    """The ``data.columns`` finding for a file of your own data that cannot be used."""
    return finding(
        series,
        CheckId.DATA_COLUMNS,
        f"Your file {path} {why}: series {series.name!r}; it is not used.",
        source=str(path),
    )


def cast_values(
    frame: pl.DataFrame, column: str, factor: pl.Expr | None
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Cast a text column to exact Decimal(38,8) ``value`` (times ``factor``).

    An empty text is a null value (no reading). A text that is not a plain decimal
    number, or whose converted value has more than 8 decimals, is a problem row (with
    ``why``) and its value is null.
    """
    t = pl.col(column)
    empty = t.is_null() | (t == "")
    plain = t.str.contains(_NUMBER)
    frac = t.str.split(".").list.get(1, null_on_oob=True).str.len_chars().fill_null(0)
    wide = t.cast(WIDE, strict=False)
    if factor is not None:
        wide = wide * factor
    df = frame.with_columns(wide.alias("_wide"), empty.alias("_empty"), plain.alias("_plain"))
    df = df.with_columns(frac.alias("_frac"))
    narrow = pl.col("_wide").cast(pl.Decimal(38, 8), strict=False)
    df = df.with_columns(narrow.alias("value")).with_columns(
        pl.when(pl.col("_empty"))
        .then(None)
        .when(~pl.col("_plain"))
        .then(pl.lit("not a plain decimal number"))
        .when(pl.col("_frac") > 8)
        .then(pl.lit("more than 8 decimals"))
        .when(pl.col("_wide").is_null() | pl.col("value").is_null())
        .then(pl.lit("too large"))
        .when(pl.col("value").cast(WIDE) != pl.col("_wide"))
        .then(pl.lit("more than 8 decimals once converted to the series' unit"))
        .otherwise(None)
        .alias("why")
    )
    problems = df.filter(pl.col("why").is_not_null())
    df = df.with_columns(
        pl.when(pl.col("why").is_null()).then(pl.col("value")).otherwise(None).alias("value")
    )
    return df.drop("_wide", "_empty", "_plain", "_frac"), problems
