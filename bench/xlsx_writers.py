"""Benchmark: ways to write ``recon decode``'s long table to .xlsx (issue 15).

Decodes a Detail (default: the sample week's INITIAL Detail ZIP, 445,382 values) once to
polars frames, then writes the same rows with each writer, each in a fresh process, and
prints wall time, rows/s and file size:

- ``baseline``: the writer recon had before issue 15 (openpyxl write-only, a Python call
  and a formula check per value);
- ``openpyxl``: openpyxl write-only with rows prepared column-wise first;
- ``xlsxwriter``: XlsxWriter in constant_memory mode, ``write_row`` per row;
- ``recon``: what ``recon decode --out x.xlsx`` now runs.

Usage::

    python bench/xlsx_writers.py [DETAIL] [--rows N] [--cases baseline,openpyxl,...]

``--rows`` takes the first N rows only (the baseline takes ~95 s on the full sample week).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = ROOT / "fixtures/sample_week/csv/SWANGEN_51230_INITIAL_SettlementStatementDetail.zip"
CASES = ("baseline", "openpyxl", "xlsxwriter", "recon")


def _frames(detail: Path, rows: int | None):  # type: ignore[no-untyped-def]
    from recon.api import iter_decoded

    out, n = [], 0
    for part in iter_decoded(detail):
        if rows is not None and n + part.height > rows:
            part = part.head(rows - n)
        out.append(part)
        n += part.height
        if rows is not None and n >= rows:
            break
    return out


def _baseline(parts, path: Path) -> None:  # type: ignore[no-untyped-def]
    import polars as pl
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Detail")
    ws.append(parts[0].columns)
    for part in parts:
        flat = part.with_columns(pl.col(pl.Datetime).dt.replace_time_zone(None))
        for rec in flat.iter_rows():
            row = []
            for v in rec:
                if isinstance(v, str) and v[:1] in ("=", "+", "-", "@"):
                    c = WriteOnlyCell(ws, value=v)
                    c.data_type = "s"
                    v = c
                row.append(v)
            ws.append(row)
    wb.save(path)


def _openpyxl(parts, path: Path) -> None:  # type: ignore[no-untyped-def]
    import polars as pl
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Detail")
    ws.append(parts[0].columns)
    for part in parts:
        flat = part.with_columns(
            pl.col(pl.Datetime).dt.replace_time_zone(None), pl.col(pl.Decimal).cast(pl.Float64)
        )
        for rec in flat.iter_rows():
            ws.append(rec)
    wb.save(path)


def _xlsxwriter(parts, path: Path) -> None:  # type: ignore[no-untyped-def]
    import polars as pl
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True, "strings_to_formulas": False})
    ws = wb.add_worksheet("Detail")
    date_fmt = wb.add_format({"num_format": "yyyy-mm-dd"})
    ws.write_row(0, 0, parts[0].columns)
    r = 1
    for part in parts:
        flat = part.with_columns(
            pl.col(pl.Datetime).dt.replace_time_zone(None), pl.col(pl.Decimal).cast(pl.Float64)
        )
        for rec in flat.iter_rows():
            ws.write_row(r, 0, rec, date_fmt)
            r += 1
    wb.close()


def _recon(parts, path: Path) -> None:  # type: ignore[no-untyped-def]
    from recon.report.long_table import write_long_table

    write_long_table(iter(parts), path)


def _one(case: str, detail: Path, rows: int | None) -> dict[str, object]:
    parts = _frames(detail, rows)
    n = sum(p.height for p in parts)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "long.xlsx"
        t = time.perf_counter()
        {"baseline": _baseline, "openpyxl": _openpyxl, "xlsxwriter": _xlsxwriter, "recon": _recon}[
            case
        ](parts, path)
        wall = time.perf_counter() - t
        size = path.stat().st_size
    return {
        "case": case,
        "rows": n,
        "seconds": round(wall, 2),
        "rows_per_s": int(n / wall),
        "mb": round(size / 1e6, 1),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("detail", nargs="?", type=Path, default=DEFAULT)
    ap.add_argument("--rows", type=int, default=None)
    ap.add_argument("--cases", default=",".join(CASES))
    ap.add_argument("--one", help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.one:
        print(json.dumps(_one(a.one, a.detail, a.rows)))
        return
    for case in a.cases.split(","):
        cmd = [sys.executable, __file__, str(a.detail), "--one", case]
        if a.rows:
            cmd += ["--rows", str(a.rows)]
        out = subprocess.run(cmd, capture_output=True, text=True, check=True, env=None)
        print(out.stdout.strip())


if __name__ == "__main__":
    main()
