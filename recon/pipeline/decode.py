"""``recon decode`` and :func:`recon.decode`: a Summary or Detail file as one long table,
one row per value, put together in one place.

The file is classified (:mod:`recon.sources.detect`), read by its reader a Trading Day at
a time, turned into the long table (:mod:`recon.sources.detail_long`, or
:func:`summary_long` for a Summary) and written (:mod:`recon.report.long_table`).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import polars as pl
import pyarrow as pa

from recon.errors import InputError
from recon.models.findings import Finding
from recon.models.kinds import Kind
from recon.models.progress import Progress
from recon.models.statements import DetailStatement, SummaryStatement
from recon.report.long_table import output_format, write_long_table, write_parquet_tables
from recon.sources.detail_csv import iter_detail_parts, map_detail_parts
from recon.sources.detail_long import (
    AWST_TZ,
    LONG_ARROW_SCHEMA,
    RowAttributes,
    day_values,
    long_frame,
    long_tables,
)
from recon.sources.detect import (
    PDF_MAGIC,
    NotAnArtefact,
    Unreadable,
    is_detail_statement,
    is_json_object,
    sniff,
)
from recon.sources.files import read_bytes, read_head
from recon.sources.limits import DEFAULT_LIMITS, Limits
from recon.sources.loading import load_artefact
from recon.sources.summary_csv import parse_summary_csv


def _json_statement(path: Path, limits: Limits) -> SummaryStatement | DetailStatement | None:
    """A Summary or Detail JSON document (PaSS API, SPEC §3.3) read whole; None when the
    file is not JSON (a ZIP or a CSV).

    Raises:
        InputError: If it is JSON but not a Settlement Statement, or cannot be read.
    """
    if not is_json_object(path):
        if PDF_MAGIC in read_head(path, 1024):
            raise InputError(
                path,
                "is a PDF (an Invoice PDF, whole or damaged); recon decode reads a "
                "Settlement Statement Summary or Detail (CSV, ZIP or JSON)",
            )
        return None
    try:
        art = sniff(path, limits=limits)
    except Unreadable as e:  # recognisable but damaged: as check reports it (coverage.unread)
        raise InputError(path, f"is {e}; nothing was decoded") from None
    except NotAnArtefact as e:
        raise InputError(path, f"is not a Settlement Statement ({e})") from None
    if art.kind not in (Kind.SUMMARY_JSON, Kind.DETAIL_JSON):
        raise InputError(
            path,
            f"is an {art.kind.artefact.title()} {art.kind.form.upper()}; recon decode reads a "
            "Settlement Statement Summary or Detail (CSV, ZIP or JSON)",
        )
    model = load_artefact(art, limits, None)
    assert isinstance(model, (SummaryStatement, DetailStatement))
    return model


def summary_long(stmt: SummaryStatement) -> pl.DataFrame:
    """A Summary statement as a long table (one row per variable and Trading Day)."""
    h = stmt.header
    df = pl.DataFrame(
        {
            "run_id": [h.run_id] * len(stmt.rows),
            "participant": [h.participant] * len(stmt.rows),
            "period": [h.period] * len(stmt.rows),
            "designation": [h.designation.value] * len(stmt.rows),
            "variable": [r.variable for r in stmt.rows],
            "timestamp": [r.timestamp for r in stmt.rows],
            "payment_or_charge": [r.payment_or_charge.value for r in stmt.rows],
            "gst_applicable": [r.gst_applicable for r in stmt.rows],
            "value": pl.Series([r.value for r in stmt.rows], dtype=pl.Decimal(23, 8)),
        },
        schema_overrides={"timestamp": pl.Date},
    )
    start = pl.col("timestamp").cast(pl.Datetime("us")) + pl.duration(hours=8)
    return df.with_columns(
        start.dt.replace_time_zone(AWST_TZ).alias("interval_start"),
        (start + pl.duration(days=1)).dt.replace_time_zone(AWST_TZ).alias("interval_end"),
    )


def iter_decoded(
    path: str | Path,
    *,
    limits: Limits = DEFAULT_LIMITS,
    progress: Progress | None = None,
    findings: list[Finding] | None = None,
) -> Iterator[pl.DataFrame]:
    """Yield the long table of a Summary or Detail file, one Trading Day at a time.

    Args:
        path: Summary CSV or JSON, Detail CSV, ZIP or JSON (one day).
        limits: Input caps.
        progress: ``(done, total)`` callback.
        findings: A list to extend with the ``data.*`` findings met while reading.
    """
    p = Path(path)
    sink = findings if findings is not None else []
    doc = _json_statement(p, limits)
    if doc is not None:
        sink.extend(doc.findings)
        if progress:
            progress(1, 1)
        if isinstance(doc, SummaryStatement):
            yield summary_long(doc)
        elif doc.frame.height:
            yield long_frame(doc.with_values().frame, doc.header)
        return
    if not is_detail_statement(p, limits):
        stmt = parse_summary_csv(read_bytes(p, limits), str(p), limits)
        sink.extend(stmt.findings)
        if progress:
            progress(1, 1)
        yield summary_long(stmt)
        return
    for part in iter_detail_parts(p, limits=limits, progress=progress):
        sink.extend(part.findings)
        yield long_frame(part.frame, part.header)


def decode(path: str | Path, *, limits: Limits = DEFAULT_LIMITS) -> pa.Table:
    """Decode a Summary or Detail file into one long Arrow table (exact decimal128(23,8)).

    For a large Detail week prefer :func:`decode_to_file`, which streams day by day.
    """
    parts = list(iter_decoded(path, limits=limits))
    return pl.concat(parts, how="vertical").to_arrow() if parts else pa.table({})


def decode_to_file(
    path: str | Path,
    out: str | Path,
    *,
    limits: Limits = DEFAULT_LIMITS,
    progress: Progress | None = None,
) -> tuple[int, list[Finding]]:
    """Decode a Summary or Detail file to Parquet, CSV or XLSX, streaming day by day.

    Returns:
        (values written, findings met while reading).

    Raises:
        InputError: The file is not a Settlement Statement, or cannot be read.
        UsageError: The output's suffix names no format, or an XLSX would pass Excel's rows.
        OutputError: The output cannot be written.
    """
    fmt = output_format(out)
    findings: list[Finding] = []
    src = Path(path)
    if not is_json_object(src) and is_detail_statement(src, limits) and fmt == "parquet":

        def tables() -> Iterator[pa.Table]:
            attrs = RowAttributes()
            # Values are split and cast on the reader threads, each day as it is read.
            for day in map_detail_parts(
                path, day_values, limits=limits, progress=progress, cast=False
            ):
                findings.extend(day.stmt.findings)
                yield from long_tables(day, attrs)

        return write_parquet_tables(tables(), out, read_as=LONG_ARROW_SCHEMA), findings
    rows = write_long_table(
        iter_decoded(path, limits=limits, progress=progress, findings=findings), out
    )
    return rows, findings
