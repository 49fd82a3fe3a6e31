"""``recon ingest``: put settlement artefacts into the history store, one transaction each.

Each file is detected by content (:mod:`recon.sources.detect`) and read with the reader of
its kind. Then, in one transaction per file:

* **the same bytes** (SHA-256 already in ``files``) are a no-op: *unchanged*;
* **other bytes with the same content** as an artefact held for the same participant,
  run, kind and form (and, for a Detail, every Settlement Trading Day it holds) are
  recorded in ``files`` as a *duplicate* of it, and no values are stored again (a
  re-downloaded JSON with a new ``transactionId``, a re-zipped ZIP);
* **other content** for a run already held is **refused** (:class:`IngestRefused`, a
  :class:`~recon.errors.StoreError`): AEMO never republishes a RunId with other figures,
  so such a file is a mistake to look at, not history to keep. Content is compared per
  artefact kind and form: a Summary CSV against the run's Summary CSV, a Summary JSON
  against its Summary JSON, a Detail day against the same day of the same form (ZIP and
  CSV are one form); the CSV and JSON forms of one run may differ, which ``recon check``
  reports as ``source.mismatch``. A file whose run header (designation, PublishedAt,
  Period dates) differs from the run held is refused too;
* a CSV whose columns are not the Guide's is recorded as *unusable* with its
  ``data.columns`` finding (a check of its week reports it, as a check of the files does);
* anything else is *ingested*: a ``files`` row, the run, and its values.

An exception (or Ctrl-C) while a file is being stored rolls its transaction back: the
store is as it was before that file, and files already ingested stay. Ingesting the same
paths again resumes.
"""

from __future__ import annotations

import json
import logging
import os
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import polars as pl
import pyarrow as pa

from recon.errors import InputError, StoreError
from recon.models.findings import Finding
from recon.models.invoices import Invoice
from recon.models.progress import Progress
from recon.models.statements import DetailStatement, RunHeader, SummaryStatement
from recon.sources.detect import Artefact, detect
from recon.sources.limits import DEFAULT_LIMITS, Limits
from recon.store.db import Store, decimal_form, to_column
from recon.wem.calendar import week_of

log = logging.getLogger(__name__)


INGESTED = "ingested"
UNCHANGED = "unchanged"
DUPLICATE = "duplicate"
UNUSABLE = "unusable"
REFUSED = "refused"
OUTCOMES = (INGESTED, UNCHANGED, DUPLICATE, UNUSABLE, REFUSED)

_DEC = pa.decimal128(23, 8)


@dataclass
class FileOutcome:
    """What ingest did with one file.

    Attributes:
        path: The file.
        sha256: Its SHA-256.
        kind: The detected kind.
        status: ``ingested``, ``unchanged``, ``duplicate``, ``unusable`` or ``refused``.
        message: Why (for duplicate, unusable, refused).
        participant: The run's participant, where known.
        week: The Trading Week's first day, where known.
    """

    path: str
    sha256: str
    kind: str
    status: str
    message: str = ""
    participant: str | None = None
    week: date | None = None


@dataclass
class IngestReport:
    """What :func:`ingest` did.

    Attributes:
        outcomes: One per artefact, in path order.
        skipped: Paths that are not settlement artefacts, with the reason.
    """

    outcomes: list[FileOutcome] = field(default_factory=list)
    skipped: list[dict[str, str]] = field(default_factory=list)

    @property
    def counts(self) -> dict[str, int]:
        """Files per outcome (every outcome present, possibly 0)."""
        c = Counter(o.status for o in self.outcomes)
        return {k: c.get(k, 0) for k in OUTCOMES}

    def of(self, status: str) -> list[FileOutcome]:
        """The outcomes of one status."""
        return [o for o in self.outcomes if o.status == status]

    @property
    def weeks(self) -> set[tuple[str, date]]:
        """(participant, week) of every file ingested or found unusable."""
        return {
            (o.participant, o.week)
            for o in self.outcomes
            if o.status in (INGESTED, UNUSABLE) and o.participant and o.week
        }


class IngestRefused(StoreError):
    """One or more files were refused; the others were ingested.

    Attributes:
        report: What was done with every file.
    """

    def __init__(self, message: str, report: IngestReport) -> None:
        super().__init__(message)
        self.report = report


class NothingToIngest(InputError):
    """No settlement artefact under the paths given (and none already held)."""


class _Refusal(Exception):
    """A file the store must not take (rolled back and reported)."""


# ------------------------------------------------------------------------------ helpers


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def form_class(kind: str, form: str) -> tuple[str, ...]:
    """The forms that are 'the same form' for content comparison (ZIP and CSV Detail)."""
    if kind in ("detail_csv", "detail_zip", "detail_json"):
        return ("json",) if form == "json" else ("csv", "zip")
    return (form,)


def _model_kind(model: Any) -> str:
    if isinstance(model, SummaryStatement):
        return "summary"
    if isinstance(model, DetailStatement):
        return "detail"
    return "invoice"


def _findings_json(findings: list[Finding]) -> str | None:
    if not findings:
        return None
    return json.dumps([f.model_dump(mode="json") for f in findings], ensure_ascii=False)


def _record_json(art: Artefact) -> str:
    return art.record().model_dump_json()


# ------------------------------------------------------------------------------ ingest


def ingest(
    store: Store,
    paths: Iterable[str | os.PathLike[str]],
    *,
    limits: Limits = DEFAULT_LIMITS,
    progress: Progress | None = None,
) -> IngestReport:
    """Ingest every settlement artefact under ``paths`` (files and folders, recursively).

    Args:
        store: An open, writable store.
        paths: Files and folders.
        limits: Input caps for reading.
        progress: ``(done, total)`` over the artefacts found.

    Returns:
        What was done with each file.

    Raises:
        NothingToIngest: Nothing under ``paths`` is a settlement artefact (an
            :class:`~recon.errors.InputError`).
        IngestRefused: A file conflicts with the store (the others were still ingested;
            ``.report`` says what happened to each).
    """
    paths = list(paths)
    held, fresh, missing = _known_files(store, paths)
    found = detect(fresh + missing, limits=limits)
    report = IngestReport(skipped=[s.as_dict() for s in found.skipped])
    for s in found.skipped:
        log.info("not an artefact, skipped: %s (%s)", s.path, s.reason)
    if not found.artefacts and not held:
        raise NothingToIngest(
            ", ".join(str(p) for p in paths) or "(no path)", "holds no settlement artefact"
        )
    outcomes = {o.path: o for o in held}
    total = len(found.artefacts) + len(held)
    if progress:
        progress(len(held), total)
    for i, art in enumerate(found.artefacts, start=len(held) + 1):
        outcomes[art.path] = ingest_artefact(store, art, limits=limits)
        if progress:
            progress(i, total)
    report.outcomes = [outcomes[k] for k in sorted(outcomes)]
    refused = report.of(REFUSED)
    if refused:
        first = refused[0]
        more = f" (and {len(refused) - 1} more refused)" if len(refused) > 1 else ""
        raise IngestRefused(
            f"{first.path}: {first.message}{more}; nothing of "
            f"{'that file' if len(refused) == 1 else 'those files'} was "
            "stored",
            report,
        )
    return report


def _known_files(
    store: Store,
    paths: list[str | os.PathLike[str]],
) -> tuple[list[FileOutcome], list[Path], list[Path]]:
    """Split the files under ``paths`` into those already held (by SHA-256) and the rest.

    Files held are not read again (no detection), so re-ingesting a folder of years of
    files costs one hash per file.

    Returns:
        (outcomes of the files held, other files, paths that are neither file nor folder).
    """
    from recon.sources.files import sha256_file

    files: list[Path] = []
    missing: list[Path] = []
    seen: set[str] = set()
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            found = [Path(root) / name for root, dirs, names in os.walk(p) for name in names]
        elif p.is_file():
            found = [p]
        else:
            missing.append(p)
            continue
        for f in found:
            key = os.path.realpath(f)
            if key not in seen and f.is_file():
                seen.add(key)
                files.append(f)
    held: list[FileOutcome] = []
    fresh: list[Path] = []
    for f in files:
        try:
            sha = sha256_file(f)
        except InputError:
            fresh.append(f)  # detection reports it
            continue
        row = store.one("SELECT kind, participant, week FROM files WHERE sha256 = ?", [sha])
        if row is None:
            fresh.append(f)
        else:
            held.append(
                FileOutcome(
                    path=str(f),
                    sha256=sha,
                    kind=row[0],
                    status=UNCHANGED,
                    participant=row[1],
                    week=row[2],
                )
            )
    return held, fresh, missing


def ingest_artefact(store: Store, art: Artefact, *, limits: Limits = DEFAULT_LIMITS) -> FileOutcome:
    """Ingest one detected artefact in one transaction (see the module doc).

    Returns:
        Its outcome; ``refused`` outcomes have rolled back.

    Raises:
        Exception: Anything unexpected, after rolling the file's transaction back.
    """
    from recon.sources import detect as detect_mod
    from recon.sources.validate import ColumnsError

    outcome = FileOutcome(
        path=art.path,
        sha256=art.sha256,
        kind=art.kind,
        status=UNCHANGED,
        participant=art.participant,
    )
    if store.scalar("SELECT count(*) FROM files WHERE sha256 = ?", [art.sha256]):
        log.info("unchanged (already held): %s", art.path)
        return outcome
    try:
        model = detect_mod.load(art, limits=limits)
    except ColumnsError as e:
        finding = e.finding.model_copy(
            update={
                "participant": art.participant,
                "period": art.period,
                "run_id": art.run_id,
                "designation": art.designation,
            }
        )
        week = week_of(art.period or "")
        with store.transaction():
            _insert_file(
                store,
                art,
                status=UNUSABLE,
                form=None,
                reason=str(e),
                participant=art.participant,
                period=art.period,
                week=week,
                run_id=art.run_id,
                designation=art.designation,
                findings=[finding],
            )
        outcome.status, outcome.message, outcome.week = UNUSABLE, str(e), week
        log.warning("unusable (data.columns): %s", e)
        return outcome
    except InputError as e:
        return _refused(outcome, art, f"cannot be read: {e.problem}")
    try:
        with store.transaction():
            status, message, week = _store_model(store, art, model)
    except _Refusal as e:
        return _refused(outcome, art, str(e))
    outcome.status, outcome.message, outcome.week = status, message, week
    outcome.participant = getattr(getattr(model, "header", model), "participant", None)
    log.info("%s: %s%s", status, art.path, f" ({message})" if message else "")
    return outcome


def _refused(outcome: FileOutcome, art: Artefact, message: str) -> FileOutcome:
    """Mark a file refused (its transaction, if any, has rolled back) and log why."""
    outcome.status, outcome.message = REFUSED, message
    log.error("refused %s: %s", art.path, message)
    return outcome


def _store_model(store: Store, art: Artefact, model: Any) -> tuple[str, str, date | None]:
    """Check and store one model inside the caller's transaction."""
    if isinstance(model, Invoice):
        week = week_of(model.period) or (week_of(model.trade_week) if model.trade_week else None)
        if week is None:
            raise _Refusal(
                f"its Trading Week {model.period!r} is not a label like "
                "'TW 01 Dec 2024', so the invoice cannot be placed in a week"
            )
        _merge_run_of_invoice(store, model, week)
        held = _held(store, "invoice", model.participant, model.period, model.run_id, (model.form,))
        if held:
            from recon.store.rows import load_invoice

            for sha in held:
                if _strip_invoice(load_invoice(store, sha)) == _strip_invoice(model):
                    return _duplicate(store, art, model, week, sha)
            raise _Refusal(
                f"run {model.run_id} of {model.participant} is held with another "
                f"{model.form.upper()} invoice ({_path_of(store, held[0])}) whose "
                "content differs; AEMO does not republish a run with other figures"
            )
        _insert_file(
            store,
            art,
            status="stored",
            form=model.form,
            participant=model.participant,
            period=model.period,
            week=week,
            run_id=model.run_id,
            designation=model.designation.value,
            source=model.source,
            findings=model.findings,
        )
        _insert_invoice(store, art.sha256, model, week)
        return INGESTED, "", week

    h: RunHeader = model.header
    week = week_of(h.period, h.period_from)
    assert week is not None
    _merge_run(store, h, week)
    kind = _model_kind(model)
    if isinstance(model, SummaryStatement):
        held = _held(store, kind, h.participant, h.period, h.run_id, (model.form,))
        if held:
            mine = _summary_content(model)
            for sha in held:
                if _held_summary_content(store, sha) == mine:
                    return _duplicate(store, art, model, week, sha)
            raise _Refusal(
                f"run {h.run_id} of {h.participant} ({h.designation.value}, "
                f"{h.period}) is held with another Summary {model.form.upper()} "
                f"({_path_of(store, held[0])}) whose values differ; AEMO does not "
                "republish a run with other figures"
            )
        _insert_file(
            store,
            art,
            status="stored",
            form=model.form,
            participant=h.participant,
            period=h.period,
            week=week,
            run_id=h.run_id,
            designation=h.designation.value,
            source=model.source,
            findings=model.findings,
        )
        _insert_summary(store, art.sha256, model, week)
        return INGESTED, "", week

    assert isinstance(model, DetailStatement)
    forms = form_class(art.kind, model.form)
    new_days, same_as = _compare_detail_days(store, model, forms)
    if not new_days and same_as:
        return _duplicate(store, art, model, week, same_as)
    _insert_file(
        store,
        art,
        status="stored",
        form=model.form,
        participant=h.participant,
        period=h.period,
        week=week,
        run_id=h.run_id,
        designation=h.designation.value,
        source=model.source,
        sources=model.sources,
        days=model.days,
        findings=model.findings,
    )
    _insert_detail(store, art.sha256, model, week)
    return INGESTED, "", week


def _duplicate(
    store: Store, art: Artefact, model: Any, week: date, same_as: str
) -> tuple[str, str, date | None]:
    h = model if isinstance(model, Invoice) else model.header
    _insert_file(
        store,
        art,
        status=DUPLICATE,
        form=model.form,
        same_as=same_as,
        participant=h.participant,
        period=h.period,
        week=week,
        run_id=h.run_id,
        designation=h.designation.value,
        source=model.source,
        days=getattr(model, "days", None),
    )
    return DUPLICATE, f"same content as {_path_of(store, same_as)}", week


def _path_of(store: Store, sha: str) -> str:
    return str(store.scalar("SELECT path FROM files WHERE sha256 = ?", [sha]))


def _held(
    store: Store,
    model_kind: str,
    participant: str,
    period: str,
    run_id: int,
    forms: tuple[str, ...],
) -> list[str]:
    """SHA-256s of the stored artefacts of one run, model kind and form(s), oldest first."""
    kinds = {
        "summary": ("summary_csv", "summary_json"),
        "detail": ("detail_csv", "detail_zip", "detail_json"),
        "invoice": ("invoice_json", "invoice_pdf"),
    }[model_kind]
    rows = store.rows(
        f"SELECT sha256 FROM files WHERE status = 'stored' AND participant = ? AND period = ? "
        f"AND run_id = ? AND kind IN ({', '.join('?' * len(kinds))}) "
        f"AND form IN ({', '.join('?' * len(forms))}) ORDER BY ingested_at_utc, sha256",
        [participant, period, run_id, *kinds, *forms],
    )
    return [r[0] for r in rows]


# ------------------------------------------------------------------------------ runs


def _merge_run(store: Store, h: RunHeader, week: date) -> None:
    """Insert the run, or check its header against the run held (refusing a difference)."""
    row = store.one(
        "SELECT designation, published_at, market_service, period_from, period_to "
        "FROM runs WHERE participant = ? AND period = ? AND run_id = ?",
        [h.participant, h.period, h.run_id],
    )
    mine = (h.designation.value, h.published_at, h.market_service, h.period_from, h.period_to)
    if row is None:
        store.con.execute(
            "INSERT INTO runs VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [h.participant, h.period, week, h.run_id, *mine, _now()],
        )
        return
    if row[1] is None:  # known so far from its invoice only
        if row[0] != h.designation.value:
            raise _Refusal(
                f"run {h.run_id} of {h.participant} is held as {row[0]} (from its "
                f"invoice) but this file says {h.designation.value}"
            )
        store.con.execute(
            "UPDATE runs SET published_at = ?, market_service = ?, "
            "period_from = ?, period_to = ? WHERE participant = ? AND "
            "period = ? AND run_id = ?",
            [
                h.published_at,
                h.market_service,
                h.period_from,
                h.period_to,
                h.participant,
                h.period,
                h.run_id,
            ],
        )
        return
    if tuple(row) != mine:
        names = ("Designation", "PublishedAt", "MarketService", "PeriodFrom", "PeriodTo")
        diffs = [
            f"{n} {a} held, {b} in this file"
            for n, a, b in zip(names, row, mine, strict=True)
            if a != b
        ]
        raise _Refusal(
            f"run {h.run_id} of {h.participant} ({h.period}) is held with another "
            f"header: {'; '.join(diffs)}"
        )


def _merge_run_of_invoice(store: Store, inv: Invoice, week: date) -> None:
    row = store.one(
        "SELECT designation FROM runs WHERE participant = ? AND period = ? AND run_id = ?",
        [inv.participant, inv.period, inv.run_id],
    )
    if row is None:
        store.con.execute(
            "INSERT INTO runs (participant, period, week, run_id, designation, "
            "first_ingested_at_utc) VALUES (?, ?, ?, ?, ?, ?)",
            [inv.participant, inv.period, week, inv.run_id, inv.designation.value, _now()],
        )
    elif row[0] != inv.designation.value:
        raise _Refusal(
            f"run {inv.run_id} of {inv.participant} is held as {row[0]} but this "
            f"invoice says {inv.designation.value}"
        )


# ------------------------------------------------------------------------------ content


def _summary_content(s: SummaryStatement) -> Counter[tuple[Any, ...]]:
    return Counter(
        (r.variable, r.timestamp, r.payment_or_charge.value, r.gst_applicable, r.value)
        for r in s.rows
    )


def _held_summary_content(store: Store, sha: str) -> Counter[tuple[Any, ...]]:
    rows = store.rows(
        'SELECT variable, "timestamp", payment_or_charge, gst_applicable, value '
        "FROM summary_values WHERE sha256 = ?",
        [sha],
    )
    return Counter(tuple(r) for r in rows)


def _strip_invoice(inv: Invoice) -> Invoice:
    """The invoice without where it was read from and what reading it found (content
    only)."""

    def lines(items: list[Any] | None) -> list[Any] | None:
        return None if items is None else [li.model_copy(update={"source": None}) for li in items]

    return inv.model_copy(
        update={
            "source": None,
            "line_items": lines(inv.line_items),
            "summary_lines": lines(inv.summary_lines),
            "findings": [],
        }
    )


def _compare_detail_days(
    store: Store, model: DetailStatement, forms: tuple[str, ...]
) -> tuple[list[date], str | None]:
    """Compare each day of a Detail with the same day held in the same form.

    Returns:
        (days not held yet, the SHA-256 of a held artefact the other days equal, or None).

    Raises:
        _Refusal: A day held whose rows differ.
    """
    h = model.header
    new_days: list[date] = []
    same_as: str | None = None
    cols = 'settlement_trading_day, variable, scope, "timestamp"'
    registered = False
    try:
        for day in model.days:
            held = store.rows(
                "SELECT sha256, path FROM files WHERE status = 'stored' AND participant = ? "
                "AND period = ? AND run_id = ? AND kind LIKE 'detail_%' AND form IN "
                f"({', '.join('?' * len(forms))}) AND list_contains(days, ?) "
                "ORDER BY ingested_at_utc, sha256 LIMIT 1",
                [h.participant, h.period, h.run_id, *forms, day],
            )
            if not held:
                new_days.append(day)
                continue
            sha, path = held[0]
            if not registered:
                store.con.register(
                    "_recon_new_detail",
                    model.frame.select(
                        "settlement_trading_day", "variable", "scope", "timestamp", "values"
                    ).to_arrow(),
                )
                registered = True
            mine = (
                f'SELECT {cols}, "values" FROM _recon_new_detail WHERE settlement_trading_day = ?'
            )
            theirs = (
                f"SELECT {cols}, value FROM detail_values WHERE sha256 = ? AND "
                "settlement_trading_day = ?"
            )
            differ = store.scalar(
                f"SELECT (SELECT count(*) FROM ({mine} EXCEPT ALL {theirs})) + "
                f"(SELECT count(*) FROM ({theirs} EXCEPT ALL {mine}))",
                [day, sha, day, sha, day, day],
            )
            if differ:
                raise _Refusal(
                    f"run {h.run_id} of {h.participant} ({h.designation.value}, {h.period}) is "
                    f"held with a Detail for {day.isoformat()} in this form ({path}) and "
                    f"{differ} row(s) differ; AEMO does not republish a run with other figures"
                )
            same_as = same_as or sha
    finally:
        if registered:
            store.con.unregister("_recon_new_detail")
    return new_days, same_as


# ------------------------------------------------------------------------------ inserts


def _insert_file(
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
    store.con.execute(
        "INSERT INTO files VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            art.sha256,
            art.path,
            str(p.resolve()),
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
            _now(),
        ],
    )


def _insert_summary(store: Store, sha: str, s: SummaryStatement, week: date) -> None:
    h = s.header
    n = len(s.rows)
    table = pa.table(
        {
            "ord": pa.array(range(n), pa.int32()),
            "variable": [r.variable for r in s.rows],
            "timestamp": pa.array([r.timestamp for r in s.rows], pa.date32()),
            "payment_or_charge": [r.payment_or_charge.value for r in s.rows],
            "gst_applicable": pa.array([r.gst_applicable for r in s.rows], pa.bool_()),
            "value": pa.array([to_column(r.value) for r in s.rows], _DEC),
            "value_form": pa.array([decimal_form(r.value) for r in s.rows], pa.int16()),
            "source": pa.array([r.source for r in s.rows], pa.string()),
        }
    )
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


def _insert_detail(store: Store, sha: str, d: DetailStatement, week: date) -> None:
    h = d.header
    frame = d.frame.with_row_index("ord").with_columns(pl.col("ord").cast(pl.Int64))
    table = frame.select(
        "ord",
        "settlement_trading_day",
        "variable",
        "scope",
        "timestamp",
        pl.col("values").alias("value"),
        "source_file",
        "source_line",
    ).to_arrow()
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
    store.con.register(name, table)
    try:
        store.con.execute(
            f"INSERT INTO {target} (sha256, participant, week, run_id, {columns}) "
            f"SELECT ?, ?, ?, ?, {columns} FROM {name}",
            [sha, participant, week, run_id],
        )
    finally:
        store.con.unregister(name)


_TOTALS = {
    "payment_summary": (
        "gst_applicable_amount",
        "gst_not_applicable_amount",
        "gst",
        "total_payable",
        "prepayment_applied",
        "amount_due",
        "prepayment_balance",
    ),
    "rcti": ("amount", "gst", "total"),
    "tax_invoice": ("amount", "gst", "total"),
    "adjustment_information": ("rcti_difference", "tax_invoice_difference"),
}
"""Money fields of each invoice section, stored in ``invoice_totals``."""


def _insert_invoice(store: Store, sha: str, inv: Invoice, week: date) -> None:
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
    for section, names in _TOTALS.items():
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
