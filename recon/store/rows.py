"""Store rows -> models: the one place where what DuckDB holds becomes Summary, Detail and
Invoice models again (for ``check --store``, the weekly workflow and ingest's comparisons).
"""

from __future__ import annotations

import json
import logging
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import polars as pl

from recon.errors import StoreError
from recon.models.findings import Finding
from recon.models.invoices import (
    AdjustmentInformation,
    Invoice,
    LineItem,
    PaymentSummary,
    SectionTotals,
)
from recon.models.loaded import Loaded
from recon.models.results import InputRecord
from recon.models.statements import (
    DETAIL_SCHEMA,
    SUMMARY_TIE_OUT_SUFFIX,
    DetailStatement,
    Kept,
    RunHeader,
    SummaryRow,
    SummaryStatement,
)
from recon.store.db import Store, from_column

log = logging.getLogger(__name__)

WeekKey = tuple[str, date]
"""(participant, Trading Week's first day)."""


# ------------------------------------------------------------------------------ models


def _findings(text: str | None) -> list[Finding]:
    return [Finding.model_validate(f) for f in json.loads(text)] if text else []


def _week_filter(wanted: set[WeekKey]) -> tuple[str, list[Any]]:
    """A SQL condition selecting the (participant, week)s wanted (``true`` if many)."""
    if not wanted or len(wanted) > 500:
        return "true", []
    clauses = " OR ".join(["(participant = ? AND week = ?)"] * len(wanted))
    return f"({clauses})", [v for key in sorted(wanted) for v in key]


_RunOfFile = tuple[str | None, str | None, int | None]
"""A stored file's (participant, period, run_id), as the files table holds them."""


def _headers(store: Store, keys: set[_RunOfFile]) -> dict[_RunOfFile, RunHeader]:
    out: dict[_RunOfFile, RunHeader] = {}
    # Every file was selected by its (participant, week), so every participant is text.
    participants = sorted({k[0] for k in keys if k[0] is not None})
    if not participants:
        return out
    for row in store.rows(
        "SELECT participant, period, run_id, designation, published_at, "
        "market_service, period_from, period_to FROM runs "
        "WHERE published_at IS NOT NULL AND participant IN "
        f"({', '.join('?' * len(participants))})",
        participants,
    ):
        key = (row[0], row[1], row[2])
        if key in keys:
            out[key] = RunHeader(
                participant=row[0],
                period=row[1],
                run_id=row[2],
                designation=row[3],
                published_at=row[4],
                market_service=row[5],
                period_from=row[6],
                period_to=row[7],
            )
    return out


_FILE_COLS = (
    "sha256, path, kind, form, participant, period, run_id, source, sources, days, "
    "findings, input_record, status, reason"
)


@dataclass
class _FileRow:
    sha256: str
    path: str
    kind: str
    form: str | None
    participant: str | None
    period: str | None
    run_id: int | None
    source: str | None
    sources: list[str] | None
    days: list[date] | None
    findings: str | None
    input_record: str
    status: str
    reason: str | None

    @property
    def record(self) -> InputRecord:
        return InputRecord.model_validate_json(self.input_record)


def load_invoice(store: Store, sha: str) -> Invoice:
    """Rebuild one stored invoice exactly.

    Raises:
        StoreError: No invoice with that SHA-256 is stored.
    """
    got = _invoices(store, [sha])
    if sha not in got:
        raise StoreError(f"no invoice {sha} in the store")
    return got[sha]


def _invoices(store: Store, shas: list[str]) -> dict[str, Invoice]:
    if not shas:
        return {}
    marks = ", ".join("?" * len(shas))
    lines: dict[tuple[str, str], list[LineItem]] = defaultdict(list)
    for (
        sha,
        section,
        variable,
        description,
        poc,
        gst_app,
        amount,
        amount_form,
        gst,
        gst_form,
        source,
    ) in store.rows(
        "SELECT sha256, section, variable, description, payment_or_charge, gst_applicable, "
        "amount, amount_form, gst, gst_form, source FROM invoice_lines "
        f"WHERE sha256 IN ({marks}) ORDER BY sha256, section, ord",
        shas,
    ):
        lines[(sha, section)].append(
            LineItem(
                variable=variable,
                description=description,
                payment_or_charge=poc,
                gst_applicable=gst_app,
                amount=from_column(amount, amount_form),
                gst=from_column(gst, gst_form),
                source=source,
            )
        )
    totals: dict[tuple[str, str], dict[str, Decimal]] = defaultdict(dict)
    for sha, section, name, amount, form in store.rows(
        "SELECT sha256, section, field, amount, amount_form FROM invoice_totals "
        f"WHERE sha256 IN ({marks})",
        shas,
    ):
        totals[(sha, section)][name] = from_column(amount, form)
    out: dict[str, Invoice] = {}
    for (
        sha,
        participant,
        period,
        run_id,
        designation,
        form,
        number,
        previous,
        issued,
        trade_week,
        adj_previous,
        has_summary_lines,
        source,
    ) in store.rows(
        "SELECT sha256, participant, period, run_id, designation, form, invoice_number, "
        "previous_run_id, issued_at, trade_week, adjustment_previous_run_id, "
        f"has_summary_lines, source FROM invoices WHERE sha256 IN ({marks})",
        shas,
    ):
        adj = None
        if adj_previous is not None:
            adj = AdjustmentInformation(
                previous_run_id=adj_previous, **totals[(sha, "adjustment_information")]
            )
        out[sha] = Invoice(
            invoice_number=number,
            run_id=run_id,
            previous_run_id=previous,
            designation=designation,
            period=period,
            participant=participant,
            issued_at=datetime.fromisoformat(issued) if issued else None,
            trade_week=trade_week,
            line_items=lines[(sha, "line_items")],
            payment_summary=PaymentSummary(**totals[(sha, "payment_summary")]),
            rcti=SectionTotals(**totals[(sha, "rcti")]),
            tax_invoice=SectionTotals(**totals[(sha, "tax_invoice")]),
            adjustment_information=adj,
            summary_lines=lines[(sha, "summary_lines")] if has_summary_lines else None,
            source=source,
            form=form,
        )
    return out


def _summaries(
    store: Store, files: list[_FileRow], headers: dict[_RunOfFile, RunHeader]
) -> dict[str, SummaryStatement]:
    if not files:
        return {}
    shas = [f.sha256 for f in files]
    rows: dict[str, list[SummaryRow]] = defaultdict(list)
    for sha, variable, ts, poc, gst, value, form, source in store.rows(
        'SELECT sha256, variable, "timestamp", payment_or_charge, gst_applicable, value, '
        f"value_form, source FROM summary_values WHERE sha256 IN "
        f"({', '.join('?' * len(shas))}) ORDER BY sha256, ord",
        shas,
    ):
        rows[sha].append(
            SummaryRow(
                variable=variable,
                timestamp=ts,
                payment_or_charge=poc,
                gst_applicable=gst,
                value=from_column(value, form),
                source=source,
            )
        )
    return {
        f.sha256: SummaryStatement(
            header=headers[(f.participant, f.period, f.run_id)],
            rows=rows[f.sha256],
            source=f.source or f.path,
            form=f.form,
            findings=_findings(f.findings),
        )
        for f in files
    }


_DETAIL_COLS = (
    'settlement_trading_day, variable, scope, "timestamp", value AS "values", source_file, '
    "source_line"
)


def _details(
    store: Store,
    files: list[_FileRow],
    headers: dict[_RunOfFile, RunHeader],
    kept: Kept | None = None,
) -> dict[str, DetailStatement]:
    if not files:
        return {}
    shas = [f.sha256 for f in files]
    where, params = "", []
    if kept is not None:  # streamed: only the rows kept, the rest read a day at a time
        where = " AND (ends_with(variable, ?)"
        params = [SUMMARY_TIE_OUT_SUFFIX]
        if kept.variables:
            where += f" OR variable IN ({', '.join('?' * len(kept.variables))})"
            params += sorted(kept.variables)
        where += ")"
    frame = store.frame(
        f"SELECT sha256, {_DETAIL_COLS} FROM detail_values "
        f"WHERE sha256 IN ({', '.join('?' * len(shas))}){where} ORDER BY sha256, ord",
        [*shas, *params],
    )
    parts = frame.partition_by("sha256", as_dict=True, maintain_order=True)
    empty = pl.DataFrame(schema=DETAIL_SCHEMA)
    out: dict[str, DetailStatement] = {}
    for f in files:
        part = parts.get((f.sha256,))
        body = empty if part is None else part.drop("sha256").cast(pl.Schema(DETAIL_SCHEMA))
        out[f.sha256] = DetailStatement(
            header=headers[(f.participant, f.period, f.run_id)],
            days=sorted(f.days or []),
            frame=body,
            source=f.source or f.path,
            sources=list(f.sources or []),
            form=f.form,
            findings=_findings(f.findings),
            kept=kept,
            reread=None if kept is None else StoredDays(store.path, f.sha256),
        )
    return out


class StoredDays:
    """Reads a stored Detail's days from the store, one Settlement Trading Day at a time
    (a :data:`~recon.models.statements.DayRows` for a streamed Detail).

    Args:
        path: The store's file.
        sha256: The Detail file's SHA-256.
    """

    def __init__(self, path: Path, sha256: str) -> None:
        self.path = path
        self.sha256 = sha256

    def __call__(
        self, days: Sequence[date], cast: bool = True
    ) -> Iterator[tuple[date, pl.DataFrame]]:
        """Yield ``(day, every row of the day, cast)`` for each day asked, in that order
        (the store holds exact values: ``cast`` makes no difference)."""
        with Store.open(self.path, read_only=True, must_exist=True) as store:
            for day in days:
                frame = store.frame(
                    f"SELECT {_DETAIL_COLS} FROM detail_values WHERE sha256 = ? AND "
                    "settlement_trading_day = ? ORDER BY ord",
                    [self.sha256, day],
                )
                yield day, frame.cast(pl.Schema(DETAIL_SCHEMA))

    def changed_values(
        self, previous: object, days: Sequence[date], top: int
    ) -> pl.DataFrame | None:
        """The values that changed from ``previous`` (another stored Detail) to this one,
        compared in SQL one Settlement Trading Day at a time, of each day only the ``top``
        largest changes of each variable: what
        :func:`recon.reconcile.attribution.changed_by_day` computes in polars.

        Returns:
            The rows (columns and order of
            :func:`~recon.reconcile.attribution.changed_values`, not yet sorted), or None
            when ``previous`` is not a Detail of the same store.
        """
        if not isinstance(previous, StoredDays) or previous.path != self.path:
            return None
        frames = []
        with Store.open(self.path, read_only=True, must_exist=True) as store:
            for day in days:
                frames.append(
                    store.frame(_CHANGED_SQL, [self.sha256, day, previous.sha256, day, top])
                )
        return pl.concat(frames, how="vertical") if frames else None


_KEY = 'variable, scope, "timestamp", settlement_trading_day'
_SAME = " AND ".join(
    f"{{a}}.{c} IS NOT DISTINCT FROM {{b}}.{c}"
    for c in ("variable", "scope", '"timestamp"', "settlement_trading_day")
)
"""Two rows have the same Detail key (a null equals a null, as in the polars comparison)."""
_CHANGED_SQL = f"""
WITH cur AS (
    SELECT {_KEY}, value FROM detail_values WHERE sha256 = ? AND settlement_trading_day = ?
), prev AS (
    SELECT {_KEY}, value FROM detail_values WHERE sha256 = ? AND settlement_trading_day = ?
), dup AS (  -- a key twice in one run: every row is compared, its values summed
    SELECT (SELECT count(*) FROM cur) > (SELECT count(*) FROM (SELECT DISTINCT {_KEY} FROM cur))
        OR (SELECT count(*) FROM prev) > (SELECT count(*) FROM (SELECT DISTINCT {_KEY} FROM prev))
        AS twice
), differ AS (  -- else only the rows whose Value array is not the same
    SELECT coalesce(c.variable, p.variable) AS variable, coalesce(c.scope, p.scope) AS scope,
        coalesce(c."timestamp", p."timestamp") AS "timestamp",
        coalesce(c.settlement_trading_day, p.settlement_trading_day) AS settlement_trading_day
    FROM cur c FULL JOIN prev p ON {_SAME.format(a="c", b="p")}
    WHERE c.value IS DISTINCT FROM p.value
), pick_cur AS (
    SELECT * FROM cur WHERE (SELECT twice FROM dup)
    UNION ALL
    SELECT cur.* FROM cur SEMI JOIN differ d ON {_SAME.format(a="cur", b="d")}
    WHERE NOT (SELECT twice FROM dup)
), pick_prev AS (
    SELECT * FROM prev WHERE (SELECT twice FROM dup)
    UNION ALL
    SELECT prev.* FROM prev SEMI JOIN differ d ON {_SAME.format(a="prev", b="d")}
    WHERE NOT (SELECT twice FROM dup)
), long_cur AS (
    SELECT {_KEY}, position, sum(v) AS current FROM (
        SELECT {_KEY}, unnest(generate_series(1, len(value))) AS position, unnest(value) AS v
        FROM pick_cur) GROUP BY ALL
), long_prev AS (
    SELECT {_KEY}, position, sum(v) AS previous FROM (
        SELECT {_KEY}, unnest(generate_series(1, len(value))) AS position, unnest(value) AS v
        FROM pick_prev) GROUP BY ALL
), changed AS (
    SELECT coalesce(c.variable, p.variable) AS variable, coalesce(c.scope, p.scope) AS scope,
        coalesce(c."timestamp", p."timestamp") AS "timestamp",
        coalesce(c.settlement_trading_day, p.settlement_trading_day) AS settlement_trading_day,
        coalesce(c.position, p.position) AS position, c.current, p.previous,
        coalesce(c.current, 0) - coalesce(p.previous, 0) AS change
    FROM long_cur c FULL JOIN long_prev p
      ON {_SAME.format(a="c", b="p")} AND c.position = p.position
)
SELECT variable, scope, "timestamp", settlement_trading_day, position::BIGINT AS position,
    current::DECIMAL(38, 8) AS current, previous::DECIMAL(38, 8) AS previous,
    change::DECIMAL(38, 8) AS change, abs(change)::DECIMAL(38, 8) AS abs_change
FROM changed WHERE change <> 0
QUALIFY row_number() OVER (
    PARTITION BY variable
    ORDER BY abs(change) DESC, settlement_trading_day, variable, scope, "timestamp", position
) <= ?
"""
"""One day's changed values of two stored Details (see :meth:`StoredDays.changed_values`)."""


@dataclass
class StoredWeek:
    """What the store holds for some weeks, ready for the engine.

    Attributes:
        loaded: Every stored artefact rebuilt, with its input record.
        findings: Reading findings of files that could not be used (``data.columns``).
        skipped: Those files, with the reason.
    """

    loaded: list[Loaded] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    skipped: list[dict[str, str]] = field(default_factory=list)


def load_weeks(store: Store, weeks: Iterable[WeekKey], *, kept: Kept | None = None) -> StoredWeek:
    """Rebuild every stored artefact of the given (participant, week)s.

    ``kept`` streams the Details (only those rows are read now; each day is read again
    from the store when a check needs it, see :class:`StoredDays`).

    Returns:
        The models (sorted by path, as detection sorts files) and the unusable files.
    """
    wanted = set(weeks)
    out = StoredWeek()
    if not wanted:
        return out
    where, params = _week_filter(wanted)
    rows: list[_FileRow] = []
    for r in store.rows(
        f"SELECT {_FILE_COLS}, week FROM files WHERE status IN "
        f"('stored', 'unusable') AND {where} ORDER BY path, sha256",
        params,
    ):
        if (r[4], r[-1]) in wanted:
            rows.append(_FileRow(*r[:-1]))
    stored = [f for f in rows if f.status == "stored"]
    keys = {(f.participant, f.period, f.run_id) for f in stored}
    headers = _headers(store, keys)
    summaries = _summaries(store, [f for f in stored if f.kind.startswith("summary")], headers)
    details = _details(store, [f for f in stored if f.kind.startswith("detail")], headers, kept)
    invoices = _invoices(store, [f.sha256 for f in stored if f.kind.startswith("invoice")])
    for f in stored:  # the data.* findings met reading each invoice (lines left out)
        if f.sha256 in invoices and f.findings:
            invoices[f.sha256].findings = _findings(f.findings)
    models: dict[str, Any] = {**summaries, **details, **invoices}
    for f in rows:
        if f.status == "unusable":
            out.findings.extend(_findings(f.findings))
            out.skipped.append({"path": f.path, "reason": f.reason or "unusable"})
            continue
        out.loaded.append(Loaded(record=f.record, model=models[f.sha256]))
    return out
