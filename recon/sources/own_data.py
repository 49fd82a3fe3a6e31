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

Malformed own data is a ``data.*`` finding naming the file and line (the rest of the file
is still used); a mapping file that cannot be read is an :class:`~recon.errors.InputError`
(exit 2).
"""

from __future__ import annotations

import glob
import logging
import tomllib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import polars as pl
from pydantic import ValidationError

from recon.errors import InputError
from recon.models.findings import Finding
from recon.models.own import OwnMapping, OwnSeries
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


def read_mapping(path: str | Path) -> OwnMapping:
    """Read an ``--own`` mapping file (TOML, SPEC §9).

    Raises:
        InputError: If the file cannot be read, is not TOML, or a series is not valid
            (unknown key, missing key, a variable that is not interval data).
    """
    p = Path(path)
    try:
        doc = tomllib.loads(p.read_bytes().decode("utf-8-sig"))
    except OSError as e:
        raise InputError(p, f"cannot be read: {e.strerror or e}") from None
    except UnicodeDecodeError:
        raise InputError(p, "is not UTF-8 text (expected a TOML mapping, SPEC §9)") from None
    except tomllib.TOMLDecodeError as e:
        raise InputError(p, f"is not valid TOML: {e}") from None
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
    """The files a series' glob names (relative to the mapping file), sorted."""
    pattern = series.path
    if not Path(pattern).is_absolute():
        pattern = str(Path(series.base_dir) / pattern)
    return sorted(Path(p) for p in glob.glob(pattern, recursive=True) if Path(p).is_file())


def read_series(series: OwnSeries, days: set[date] | None = None) -> SeriesData:
    """Read every file of one series.

    Args:
        series: The mapping entry.
        days: Calendar days to keep (NEM12 days, or the AWST dates of CSV starts);
            None keeps every day. Rows outside them are still checked for shape but
            their values are not read.

    Returns:
        The series' own intervals, files and findings. No file is a finding, not an error.
    """
    files = series_files(series)
    out = SeriesData(series=series, frame=empty_frame(), files=[str(f) for f in files])
    if not files:
        out.findings.append(
            finding(
                series,
                "data.columns",
                f"Your series {series.name!r} names {series.path!r}, which matches no file: "
                f"nothing of {series.variable} could be compared.",
                source=str(Path(series.base_dir) / series.path),
            )
        )
        return out
    frames: list[pl.DataFrame] = []
    for f in files:
        if series.format == "nem12":
            frame, found = read_nem12(f, series, days)
        else:
            frame, found = read_csv_series(f, series, days)
        frames.append(frame)
        out.findings.extend(found)
    out.frame = pl.concat(frames, how="vertical") if frames else empty_frame()
    out.findings.extend(_duplicates(series, out.frame))
    # As for AEMO's rows (data.duplicate), the first of a duplicated interval is used.
    out.frame = out.frame.unique(["scope", "start"], keep="first", maintain_order=True)
    return out


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
                "data.duplicate",
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
