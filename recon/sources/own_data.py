"""Your own data (SPEC §9): the ``--own`` mapping, NEM12 meter data and plain CSV series.

Every series is read into one polars frame of *own intervals* (naive AWST datetimes):

``scope`` (String), ``start`` (Datetime), ``minutes`` (Int64, the interval length),
``value`` (Decimal(38,8), exact; null where the data says it has no value), ``quality``
(String, NEM12 quality method, else null), ``source_file``, ``source_line``.

**NEM12.** The structure (100/200/300/400 records) is read with ``nemreader``'s record
parsers (``parse_200_row``, ``parse_400_row``, ``parse_datetime``), one record at a time
so every problem names its line. Its value parser yields floats (and silently turns a
bad value into None, and skips a short 300 record), so the values are taken from the 300
record's *text* here and cast exactly: never through a float. Units come from the 200
record (Wh, kWh, MWh; W, kW, MW) and are converted to the series' unit by a power of ten.
A NEM12 day runs midnight to midnight AWST and its interval *k* ends at *k* x length
(period-ending): :func:`recon.wem.calendar.meter_interval_start_expr` places it.

**CSV.** One row per scope and interval, with the column names of the mapping; a start
without an offset is AWST, one with an offset is converted to AWST.

The readers are :mod:`recon.sources.nem12` and :mod:`recon.sources.own_csv`; the frame and
what they share is :mod:`recon.sources.own_rows`. This module reads the mapping and drives
the readers over each series' files.

**Files.** A series names one file by ``path`` (its name literal: ``[``, ``]`` and ``?``
are characters) or several by ``glob`` (only ``*`` and ``**`` are wildcards). Every file is
read streamed within the caps of AEMO's files (``--max-member-mb``, ``--max-line-mb``), and
the SHA-256 recorded is that of the bytes read (:class:`~recon.sources.own_rows.OwnFile`).

Malformed own data is a ``data.*`` finding naming the file and line (the rest of the file
is still used); a file that is not a regular file or not UTF-8 is a ``data.columns``
finding and is not used. A mapping file that cannot be read (not a regular file, too
large, not TOML, nested too deeply) and a file over a cap are an
:class:`~recon.errors.InputError` (one line, exit 2).
"""

from __future__ import annotations

import glob
import logging
import os
import tomllib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import polars as pl
from pydantic import ValidationError

from recon.errors import InputError
from recon.models.findings import CheckId, Finding
from recon.models.own import OwnMapping, OwnSeries
from recon.sources.files import NotARegularFile, open_regular
from recon.sources.limits import DEFAULT_LIMITS, Limits
from recon.sources.nem12 import NEM12_LENGTHS, read_nem12
from recon.sources.own_csv import parse_starts, read_csv_series
from recon.sources.own_rows import MAX_FINDINGS_PER_FILE, OWN_SCHEMA, empty_frame, finding
from recon.wem.granularity import Granularity
from recon.wem.variables import VariableName, VariableNameError, parse_variable

__all__ = [
    "MAX_FINDINGS_PER_FILE",
    "NEM12_LENGTHS",
    "OWN_SCHEMA",
    "SeriesData",
    "empty_frame",
    "parse_starts",
    "read_csv_series",
    "read_mapping",
    "read_nem12",
    "read_series",
    "series_files",
]

log = logging.getLogger(__name__)


@dataclass
class SeriesData:
    """One series as read: its own intervals, the files read, and the problems met."""

    series: OwnSeries
    frame: pl.DataFrame
    files: list[str] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    hashes: dict[str, str] = field(default_factory=dict)
    """SHA-256 of each file read, of the very bytes compared."""


MAX_MAPPING_BYTES = 1024 * 1024
"""The largest ``--own`` mapping file read (a mapping names a few series)."""


def _mapping_bytes(p: Path) -> bytes:
    """The bytes of a mapping file: a regular file of at most :data:`MAX_MAPPING_BYTES`
    (a FIFO or a device such as ``/dev/zero`` is refused, never read)."""
    try:
        f, _st = open_regular(p)
    except NotARegularFile as e:
        raise InputError(p, f"is {e}; expected a TOML mapping file (SPEC §9)") from None
    except OSError as e:
        raise InputError(p, f"cannot be read: {e.strerror or e}") from None
    with f:
        try:
            data = f.read(MAX_MAPPING_BYTES + 1)
        except OSError as e:
            raise InputError(p, f"cannot be read: {e.strerror or e}") from None
    if len(data) > MAX_MAPPING_BYTES:
        raise InputError(
            p, f"is larger than {MAX_MAPPING_BYTES} bytes; a mapping file names a few series"
        )
    return data


def read_mapping(path: str | Path) -> OwnMapping:
    """Read an ``--own`` mapping file (TOML, SPEC §9).

    Raises:
        InputError: If the file cannot be read, is not a regular file, is not TOML (or
            is nested too deeply to read), or a series is not valid (unknown key, missing
            key, both or neither of ``path`` and ``glob``, a variable that is not interval
            data).
    """
    p = Path(path)
    try:
        doc = tomllib.loads(_mapping_bytes(p).decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise InputError(p, "is not UTF-8 text (expected a TOML mapping, SPEC §9)") from None
    except tomllib.TOMLDecodeError as e:
        raise InputError(p, f"is not valid TOML: {e}") from None
    except RecursionError:
        raise InputError(p, "is not a mapping: its TOML is nested too deeply to read") from None
    unknown = sorted(set(doc) - {"series"})
    if unknown:
        raise InputError(
            p, f"has unknown top-level key(s) {', '.join(unknown)}; expected [[series]]"
        )
    raw = doc.get("series")
    if not isinstance(raw, list) or not raw:
        raise InputError(p, "has no [[series]] table (SPEC §9)")
    series: list[OwnSeries] = []
    names: set[str] = set()
    for i, item in enumerate(raw, start=1):
        if not isinstance(item, dict):
            raise InputError(p, f"series {i} is not a table")
        try:
            s = OwnSeries(**item, base_dir=str(p.parent))
        except ValidationError as e:
            problems = "; ".join(
                f"{'.'.join(str(x) for x in err['loc']) or 'series'}: {err['msg']}"
                for err in e.errors()
            )
            raise InputError(p, f"series {i} ({item.get('name', '?')}): {problems}") from None
        except TypeError as e:
            raise InputError(p, f"series {i}: {e}") from None
        if s.path is not None and "*" in s.path and not _literal(s).exists():
            raise InputError(
                p,
                f"series {i} ({s.name}): path = {s.path!r} names one file, literally; for "
                f"the files a pattern matches write glob = {s.path!r} (only * and ** are "
                "wildcards)",
            )
        try:
            v = parse_variable(s.variable)
        except VariableNameError as e:
            raise InputError(p, f"series {i} ({s.name}): variable {s.variable!r}: {e}") from None
        if v.granularity not in (Granularity.I, Granularity.DI):
            raise InputError(
                p,
                f"series {i} ({s.name}): variable {s.variable} has granularity "
                f"{v.granularity.value}; own data ties out Trading (I) or Dispatch (DI) "
                "Interval variables",
            )
        if s.format == "nem12" and v.scope not in ("CH", "N"):
            raise InputError(
                p,
                f"series {i} ({s.name}): NEM12 data gives Channel (CH) or NMI (N) scopes, "
                f"not {v.scope} ({s.variable})",
            )
        if s.format == "nem12" and not s.unit:
            raise InputError(
                p,
                f'series {i} ({s.name}): a NEM12 series needs unit = "..." (the variable\'s '
                'unit, e.g. "kWh" or "MWh"): the files\' values are converted to it',
            )
        _check_price(p, i, s, v)
        if s.name in names:
            raise InputError(p, f"series {i}: the name {s.name!r} is used twice")
        names.add(s.name)
        series.append(s)
    return OwnMapping(path=str(p), series=series)


_COARSENESS = {
    Granularity.DI: 0,
    Granularity.I: 1,
    Granularity.D: 2,
    Granularity.M: 3,
    Granularity.CY: 4,
    Granularity.FY: 5,
    Granularity.X: 6,
}


def _check_price(path: Path, i: int, s: OwnSeries, v: VariableName) -> None:
    """A series' ``price`` and ``direction`` (SPEC §9): both or neither; the price a Detail
    variable of the same or a coarser granularity, scope G or the series' scope.

    Raises:
        InputError: Naming the series and what was expected.
    """
    if (s.price is None) != (s.direction is None):
        raise InputError(
            path,
            f'series {i} ({s.name}): give price = "..." and direction = "payment" or '
            '"charge" together (the estimate of what a difference is worth needs both)',
        )
    if s.price is None:
        return
    try:
        pv = parse_variable(s.price)
    except VariableNameError as e:
        raise InputError(path, f"series {i} ({s.name}): price {s.price!r}: {e}") from None
    if _COARSENESS[pv.granularity] < _COARSENESS[v.granularity]:
        raise InputError(
            path,
            f"series {i} ({s.name}): price {s.price} has granularity "
            f"{pv.granularity.value}, finer than {s.variable}'s {v.granularity.value}",
        )
    if pv.scope not in ("G", v.scope):
        raise InputError(
            path,
            f"series {i} ({s.name}): price {s.price} has scope {pv.scope}; a price has "
            f"scope G (Global) or the series' scope {v.scope}",
        )


def series_files(series: OwnSeries) -> list[Path]:
    """The files of a series, sorted: the one file its ``path`` names (if it exists), or
    the files its ``glob`` matches (relative to the mapping file)."""
    if series.path is not None:
        f = _literal(series)
        return [f] if f.exists() or f.is_symlink() else []
    pattern = glob_pattern(series.glob or "")
    if not Path(series.glob or "").is_absolute():
        pattern = os.path.join(glob.escape(series.base_dir), pattern)
    return sorted(Path(p) for p in glob.glob(pattern, recursive=True) if Path(p).is_file())


def read_series(
    series: OwnSeries, days: set[date] | None = None, *, limits: Limits = DEFAULT_LIMITS
) -> SeriesData:
    """Read every file of one series.

    Args:
        series: The mapping entry.
        days: Calendar days to keep (NEM12 days, or the AWST dates of CSV starts);
            None keeps every day. Rows outside them are still checked for shape but
            their values are not read.
        limits: The caps of AEMO's files, which hold for yours (SPEC §9).

    Returns:
        The series' own intervals, files (with the SHA-256 of the bytes read) and
        findings. No file is a finding, not an error.

    Raises:
        InputError: A file over a cap (``--max-member-mb``, ``--max-line-mb``).
    """
    files = series_files(series)
    out = SeriesData(series=series, frame=empty_frame(), files=[str(f) for f in files])
    if not files:
        what = (
            f"names {series.path!r}, which does not exist"
            if series.path is not None
            else f"has glob = {series.glob!r}, which matches no file"
        )
        out.findings.append(
            finding(
                series,
                CheckId.DATA_COLUMNS,
                f"Your series {series.name!r} {what}: nothing of {series.variable} could be "
                "compared.",
                source=str(Path(series.base_dir) / series.files),
            )
        )
        return out
    frames: list[pl.DataFrame] = []
    for f in files:
        if series.format == "nem12":
            frame, found = read_nem12(f, series, days, limits=limits, hashes=out.hashes)
        else:
            frame, found = read_csv_series(f, series, days, limits=limits, hashes=out.hashes)
        frames.append(frame)
        out.findings.extend(found)
    out.frame = pl.concat(frames, how="vertical") if frames else empty_frame()
    out.findings.extend(_duplicates(series, out.frame))
    # As for AEMO's rows (data.duplicate), the first of a duplicated interval is used.
    out.frame = out.frame.unique(["scope", "start"], keep="first", maintain_order=True)
    return out


def _literal(series: OwnSeries) -> Path:
    """The file a series' ``path`` names (relative to the mapping file)."""
    p = Path(series.path or "")
    return p if p.is_absolute() else Path(series.base_dir) / p


def glob_pattern(text: str) -> str:
    """A ``glob`` of the mapping as a :mod:`glob` pattern in which only ``*`` and ``**``
    are wildcards: ``?`` and ``[`` are escaped, so they match themselves."""
    return "".join("[?]" if c == "?" else "[[]" if c == "[" else c for c in text)


def _duplicates(series: OwnSeries, frame: pl.DataFrame) -> list[Finding]:
    """The same scope and interval start twice (in one file or across files)."""
    if frame.height == 0:
        return []
    dup = (
        frame.group_by("scope", "start")
        .agg(pl.len().alias("n"), pl.col("source_file"), pl.col("source_line"))
        .filter(pl.col("n") > 1)
        .sort("scope", "start")
    )
    out: list[Finding] = []
    for rec in dup.head(MAX_FINDINGS_PER_FILE).iter_rows(named=True):
        where = ", ".join(
            f"{f}:{ln}" for f, ln in zip(rec["source_file"], rec["source_line"], strict=True)
        )
        out.append(
            finding(
                series,
                CheckId.DATA_DUPLICATE,
                f"Your series {series.name!r} gives {rec['scope']} at "
                f"{rec['start']:%Y-%m-%d %H:%M} AWST {rec['n']} times ({where}); "
                "the first is used.",
                scope=rec["scope"],
                source=f"{rec['source_file'][0]}:{rec['source_line'][0]}",
            )
        )
    if dup.height > MAX_FINDINGS_PER_FILE:
        out[-1] = out[-1].model_copy(
            update={"message": out[-1].message + f" ({dup.height} such intervals in all.)"}
        )
    return out
