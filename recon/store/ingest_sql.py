"""The store's SQL inserts for one ingested artefact: its ``files`` row and its values
(Summary rows, Detail values as Arrow, invoice totals and lines), inside the caller's
transaction."""

from __future__ import annotations

import itertools
import json
from datetime import UTC, date, datetime
from pathlib import Path

import numpy as np
import polars as pl
import pyarrow as pa

from recon.errors import StoreError
from recon.models.findings import Finding
from recon.models.invoices import INVOICE_TOTALS, Invoice
from recon.models.statements import DetailStatement, SummaryStatement, with_values
from recon.sources.artefacts import Artefact
from recon.store.db import Store, decimal_form, to_column
from recon.text import encodable, encodable_data, encodable_model


def now_utc() -> datetime:
    """Now, UTC, without a zone (as the store keeps times)."""
    return datetime.now(UTC).replace(tzinfo=None)


def _findings_json(findings: list[Finding]) -> str | None:
    if not findings:
        return None
    doc = encodable_data([f.model_dump(mode="json") for f in findings])
    return json.dumps(doc, ensure_ascii=False)


def _record_json(art: Artefact) -> str:
    doc = encodable_data(art.record().model_dump(mode="json"))
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":"))


# ------------------------------------------------------------------------------ inserts


def insert_file(
    store: Store,
    art: Artefact,
    *,
    status: str,
    form: str | None,
    participant: str | None,
    period: str | None,
    week: date | None,
    run_id: int | None,
    designation: str | None,
    source: str | None = None,
    sources: list[str] | None = None,
    days: list[date] | None = None,
    findings: list[Finding] | None = None,
    same_as: str | None = None,
    reason: str | None = None,
) -> None:
    p = Path(art.path)
    try:
        size = p.stat().st_size
    except OSError as e:
        raise StoreError(f"{art.path}: cannot be read: {e.strerror or e}") from None
    trading_day = date.fromisoformat(art.trading_day) if art.trading_day else None
    # Text the store holds is UTF-8: a file name's undecodable bytes are kept as \udcff.
    path, resolved = encodable(art.path), encodable(str(p.resolve()))
    source, sources, reason = encodable_data([source, sources, reason])
    store.con.execute(
        "INSERT INTO files VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            art.sha256,
            path,
            resolved,
            size,
            art.kind,
            form,
            status,
            same_as,
            reason,
            participant,
            period,
            week,
            run_id,
            designation,
            trading_day,
            source,
            sources,
            days,
            _findings_json(findings or []),
            _record_json(art),
            now_utc(),
        ],
    )


def insert_summary(store: Store, sha: str, s: SummaryStatement, week: date) -> None:
    """Insert a Summary's rows into ``summary_values``."""
    s = encodable_model(s)  # UTF-8 text only: a file name's undecodable bytes as \udcff
    h = s.header
    # Through polars, not ``pa.array``: pyarrow imports pandas (~0.3 s) to convert Python
    # objects, and nothing else ingest does needs it.
    table = pl.DataFrame(
        {
            "ord": range(len(s.rows)),
            "variable": [r.variable for r in s.rows],
            "timestamp": [r.timestamp for r in s.rows],
            "payment_or_charge": [r.payment_or_charge.value for r in s.rows],
            "gst_applicable": [r.gst_applicable for r in s.rows],
            "value": [to_column(r.value) for r in s.rows],
            "value_form": [decimal_form(r.value) for r in s.rows],
            "source": [r.source for r in s.rows],
        },
        schema={
            "ord": pl.Int32,
            "variable": pl.String,
            "timestamp": pl.Date,
            "payment_or_charge": pl.String,
            "gst_applicable": pl.Boolean,
            "value": pl.Decimal(23, 8),
            "value_form": pl.Int16,
            "source": pl.String,
        },
    ).to_arrow()
    _insert_arrow(
        store,
        "summary_values",
        table,
        sha,
        h.participant,
        week,
        h.run_id,
        'ord, variable, "timestamp", payment_or_charge, gst_applicable, value, value_form, source',
    )


SLICE_VALUES = 1 << 20
"""Values per Arrow batch a Detail is inserted in (cast just before, so memory holds
one batch of exact decimals, not the day's)."""


def insert_detail(
    store: Store,
    sha: str,
    d: DetailStatement,
    week: date,
    *,
    first_ord: int = 0,
    slice_values: int = SLICE_VALUES,
) -> None:
    """Insert a Detail's values into ``detail_values``, through Arrow batches of about
    ``slice_values`` values (each cast from the validated text as it is inserted).

    Args:
        store: The store, inside the caller's transaction.
        sha: The file's SHA-256.
        d: The Detail (or one Trading Day of it, when it is stored day by day), its
            values cast or not.
        week: The Trading Week's first day.
        first_ord: The file order (``ord``) of ``d``'s first row.
        slice_values: Values per batch.
    """
    h = d.header
    frame = d.frame
    if frame.height == 0:
        return
    counts = (
        frame.get_column("n_values")
        if "n_values" in frame.columns
        else frame.select(pl.col("values").list.len()).to_series()
    ).to_numpy()
    ends = np.cumsum(counts)
    cuts = np.searchsorted(ends, np.arange(slice_values, int(ends[-1]), slice_values), "right")
    bounds = [0, *sorted({int(c) for c in cuts if 0 < c < frame.height}), frame.height]
    for lo, hi in itertools.pairwise(bounds):
        table = (
            with_values(frame.slice(lo, hi - lo))
            .with_row_index("ord", offset=first_ord + lo)
            .select(
                pl.col("ord").cast(pl.Int64),
                "settlement_trading_day",
                "variable",
                "scope",
                "timestamp",
                pl.col("values").alias("value"),
                "source_file",
                "source_line",
            )
            .to_arrow()
        )
        _insert_arrow(
            store,
            "detail_values",
            table,
            sha,
            h.participant,
            week,
            h.run_id,
            'ord, settlement_trading_day, variable, scope, "timestamp", value, '
            "source_file, source_line",
        )


def _insert_arrow(
    store: Store,
    target: str,
    table: pa.Table,
    sha: str,
    participant: str,
    week: date,
    run_id: int,
    columns: str,
) -> None:
    name = f"_recon_new_{target}"
    # A stream of batches, not the table: DuckDB keeps a registered table alive until the
    # transaction ends, so a large file inserted table by table would be held whole.
    store.con.register(name, pa.RecordBatchReader.from_batches(table.schema, table.to_batches()))
    try:
        store.con.execute(
            f"INSERT INTO {target} (sha256, participant, week, run_id, {columns}) "
            f"SELECT ?, ?, ?, ?, {columns} FROM {name}",
            [sha, participant, week, run_id],
        )
    finally:
        store.con.unregister(name)


def insert_invoice(store: Store, sha: str, inv: Invoice, week: date) -> None:
    """Insert an invoice's totals and lines."""
    inv = encodable_model(inv)  # UTF-8 text only: a file name's undecodable bytes as \udcff
    adj = inv.adjustment_information
    store.con.execute(
        "INSERT INTO invoices VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            sha,
            inv.participant,
            inv.period,
            week,
            inv.run_id,
            inv.designation.value,
            inv.form,
            inv.invoice_number,
            inv.previous_run_id,
            inv.issued_at.isoformat() if inv.issued_at else None,
            inv.trade_week,
            adj.previous_run_id if adj else None,
            inv.summary_lines is not None,
            inv.source,
        ],
    )
    line_rows = []
    for section, items in (
        ("line_items", inv.line_items),
        ("summary_lines", inv.summary_lines or []),
    ):
        for i, li in enumerate(items):
            line_rows.append(
                [
                    sha,
                    inv.participant,
                    week,
                    inv.run_id,
                    section,
                    i,
                    li.variable,
                    li.description,
                    li.payment_or_charge.value,
                    li.gst_applicable,
                    to_column(li.amount),
                    decimal_form(li.amount),
                    to_column(li.gst),
                    decimal_form(li.gst),
                    li.source,
                ]
            )
    if line_rows:
        store.con.executemany(
            "INSERT INTO invoice_lines VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            line_rows,
        )
    total_rows = []
    for section, names in INVOICE_TOTALS.items():
        obj = getattr(inv, section)
        if obj is None:
            continue
        for name in names:
            amount = getattr(obj, name)
            total_rows.append(
                [
                    sha,
                    inv.participant,
                    week,
                    inv.run_id,
                    section,
                    name,
                    to_column(amount),
                    decimal_form(amount),
                ]
            )
    store.con.executemany("INSERT INTO invoice_totals VALUES (?, ?, ?, ?, ?, ?, ?, ?)", total_rows)
