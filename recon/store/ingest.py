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
* a file recognisable as an artefact (by content, magic or name) that cannot be read (cut
  short, malformed) is recorded as *unusable* with its ``coverage.unread`` finding, never
  stored as if it were fine; a file refused by a cap (``--max-member-mb``...) is
  *refused* and not recorded, so that ingesting it again with a larger cap reads it;
* anything else is *ingested*: a ``files`` row, the run, and its values.

An exception (or Ctrl-C) while a file is being stored rolls its transaction back: the
store is as it was before that file, and files already ingested stay. Ingesting the same
paths again resumes.

A Detail ZIP (or CSV) is stored a batch of rows at a time, inside its one transaction
(:func:`_ingest_detail_days`): the reader threads inflate, validate and cast each batch
of a member while DuckDB inserts the one before, and each day is compared with the day
held once its rows are in; memory holds a few batches, never a member or the week.
"""

from __future__ import annotations

import contextlib
import logging
import os
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import polars as pl

from recon.errors import InputError, StoreError
from recon.models.invoices import Invoice
from recon.models.kinds import DETAIL_CSV_KINDS, Kind
from recon.models.progress import Progress
from recon.models.statements import DetailStatement, RunHeader, SummaryStatement, with_values
from recon.sources.artefacts import KINDS
from recon.sources.detail_csv import BatchDeclined, DetailBatch, map_detail_batches
from recon.sources.detect import Artefact, Unread, detect
from recon.sources.files import sha256_file
from recon.sources.limits import DEFAULT_LIMITS, Limits, refused_by_limit
from recon.sources.loading import load_artefact, unread_finding, unread_of
from recon.sources.validate import ColumnsError
from recon.store.conflicts import (
    Refusal,
    compare_detail_days,
    compare_stored_day,
    form_class,
    held_artefacts,
    held_summary_content,
    merge_run,
    merge_run_of_invoice,
    path_of,
    strip_invoice,
    summary_content,
)
from recon.store.db import Store
from recon.store.ingest_sql import insert_detail, insert_file, insert_invoice, insert_summary
from recon.store.rows import load_invoice
from recon.wem.calendar import week_of

log = logging.getLogger(__name__)


INGESTED = "ingested"
UNCHANGED = "unchanged"
DUPLICATE = "duplicate"
UNUSABLE = "unusable"
REFUSED = "refused"
OUTCOMES = (INGESTED, UNCHANGED, DUPLICATE, UNUSABLE, REFUSED)


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


def _model_kind(model: Any) -> str:
    if isinstance(model, SummaryStatement):
        return "summary"
    if isinstance(model, DetailStatement):
        return "detail"
    return "invoice"


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
    held, fresh, missing, hashes = _known_files(store, paths)
    found = detect(fresh + missing, limits=limits, hashes=hashes)
    unread = {u.path for u in found.unread}  # reported as unusable, not as skipped
    report = IngestReport(skipped=[s.as_dict() for s in found.skipped if s.path not in unread])
    for s in found.skipped:
        log.info("not an artefact, skipped: %s (%s)", s.path, s.reason)
    if not found.artefacts and not held and not found.unread:
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
    for u in found.unread:  # recognisable, and damaged: recorded as unusable, with why
        outcome = _record_unread(store, u)
        if outcome is not None:
            outcomes[outcome.path] = outcome
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
) -> tuple[list[FileOutcome], list[Path], list[Path], dict[str, str]]:
    """Split the files under ``paths`` into those already held (by SHA-256) and the rest.

    Files held are not read again (no detection), so re-ingesting a folder of years of
    files costs one hash per file; the others' hashes are handed to detection, which
    does not read them again.

    Returns:
        (outcomes of the files held, other files, paths that are neither file nor
        folder, the SHA-256s of the other files read, by real path).
    """
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
    hashes: dict[str, str] = {}
    for f in files:
        try:
            sha = sha256_file(f)
        except InputError:
            fresh.append(f)  # detection reports it
            continue
        row = store.one("SELECT kind, participant, week FROM files WHERE sha256 = ?", [sha])
        if row is None:
            fresh.append(f)
            hashes[os.path.realpath(f)] = sha
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
    return held, fresh, missing, hashes


def ingest_artefact(store: Store, art: Artefact, *, limits: Limits = DEFAULT_LIMITS) -> FileOutcome:
    """Ingest one detected artefact in one transaction (see the module doc).

    Returns:
        Its outcome; ``refused`` outcomes have rolled back.

    Raises:
        Exception: Anything unexpected, after rolling the file's transaction back.
    """
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
        if art.kind in DETAIL_CSV_KINDS:
            try:
                return _ingest_detail_days(store, art, outcome, limits)
            except _Whole:
                log.info("%s: members share a Trading Day; read whole", art.path)
        model = load_artefact(art, limits)
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
            insert_file(
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
        if refused_by_limit(e):  # raising the cap lets it in: not recorded
            return _refused(outcome, art, f"cannot be read: {e.problem}")
        return _record_unread(store, unread_of(art, e), art) or _refused(
            outcome, art, f"cannot be read: {e.problem}"
        )
    try:
        with store.transaction():
            status, message, week = _store_model(store, art, model)
    except Refusal as e:
        return _refused(outcome, art, str(e))
    outcome.status, outcome.message, outcome.week = status, message, week
    outcome.participant = getattr(getattr(model, "header", model), "participant", None)
    log.info("%s: %s%s", status, art.path, f" ({message})" if message else "")
    return outcome


class _Whole(Exception):
    """Two members of a Detail ZIP hold the same Trading Day: it is read whole."""


def _ingest_detail_days(
    store: Store, art: Artefact, outcome: FileOutcome, limits: Limits
) -> FileOutcome:
    """Ingest a Detail ZIP (or CSV) a batch of rows at a time, in one transaction.

    The outcome is the one :func:`_store_model` gives for the whole statement: the run is
    merged (its header refused when it differs from the run held), each day held in this
    form is compared (a day that differs refuses the file), the rows of every day are
    stored in file order, and a file whose every day is held and equal is a duplicate. A
    file that cannot be read is refused before any of that is judged, as when it is read
    whole first; so reading goes on to the last member even once the file is refused.

    The reader threads validate each batch and cast its values while DuckDB inserts the
    batch before (:func:`~recon.sources.detail_csv.map_detail_batches`); a member's days
    are compared with the days held once its rows are in, in SQL.

    Raises:
        ColumnsError: A member's columns are not the Guide's (nothing stored).
        InputError: The file cannot be read (nothing stored).
        _Whole: Two members hold the same day, the first member's rows name more than one
            run header, or a batch needs the careful reader (nothing stored; read it whole).
    """
    forms = form_class(art.kind, "zip" if art.kind is Kind.DETAIL_ZIP else "csv")
    header: RunHeader | None = None
    week: date | None = None
    refused: Refusal | None = None
    day_refusals: dict[date, Refusal] = {}
    same: dict[date, str] = {}
    days: set[date] = set()
    findings = []
    form = "csv"
    rows = 0
    try:
        with _bulk_load(store), store.transaction():
            for item in map_detail_batches(
                art.path, with_values, limits=limits, cast=True, ahead_values=READ_AHEAD_VALUES
            ):
                if isinstance(item, DetailBatch):
                    if header is None:
                        if item.header is None:  # the first batch names no run that reads
                            raise _Whole
                        header = item.header
                        week = week_of(header.period, header.period_from)
                        assert week is not None
                        try:
                            merge_run(store, header, week)
                        except Refusal as e:
                            refused = e
                    if refused is None and not day_refusals:
                        assert week is not None
                        batch = DetailStatement(
                            header=header,
                            days=[],
                            frame=item.rows,
                            source=art.path,
                            form="zip" if art.kind == "detail_zip" else "csv",
                        )
                        insert_detail(store, art.sha256, batch, week, first_ord=rows)
                        rows += item.rows.height
                    continue
                part = item  # a member's end: its header, days and findings
                if part.header != header:  # the first member's rows name another run
                    raise _Whole
                assert header is not None
                form = part.form
                if days & set(part.days):
                    raise _Whole
                days.update(part.days)
                findings.extend(part.findings)
                if refused is not None or day_refusals:
                    continue  # refused: read on only to report a file that cannot be read
                for day in part.days:
                    try:
                        sha = compare_stored_day(store, header, art.sha256, day, forms)
                    except Refusal as e:
                        day_refusals[day] = e
                        continue
                    if sha is not None:
                        same[day] = sha
            if refused is not None:
                raise refused
            if day_refusals:
                raise day_refusals[min(day_refusals)]
            assert header is not None and week is not None
            model = DetailStatement(
                header=header,
                days=sorted(days),
                frame=pl.DataFrame(),
                source=art.path,
                sources=[art.path],
                form=form,
                findings=findings,
            )
            if same and len(same) == len(days):  # every day held, and the same
                store.con.execute("DELETE FROM detail_values WHERE sha256 = ?", [art.sha256])
                status, message, _ = _duplicate(store, art, model, week, same[min(same)])
            else:
                _file_row(
                    store,
                    art,
                    model,
                    week,
                    status="stored",
                    sources=model.sources,
                    days=model.days,
                    findings=model.findings,
                )
                status, message = INGESTED, ""
    except Refusal as e:
        return _refused(outcome, art, str(e))
    except BatchDeclined:
        raise _Whole from None
    outcome.status, outcome.message, outcome.week = status, message, week
    outcome.participant = header.participant
    log.info("%s: %s%s", status, art.path, f" ({message})" if message else "")
    return outcome


READ_AHEAD_VALUES = 4_000_000
"""Values each reader thread may cast ahead of DuckDB's insert (64 MB of decimals; a batch
is bounded in bytes, so short values make more of them a batch, and this bounds them too;
at least one batch). With one batch ahead, the thread reading the next member stopped
after its first batch while DuckDB inserted the member before. Measured on the 40M week
(about five batches), on an idle 2-core machine: 6.0-6.1 s wall against 7.8-8.0 s, the
same CPU, ~80 MB more peak memory; 2M values 6.8-7.0 s, 6M as 4M (bench/README.md, issue
25, fifth session)."""

BULK_THREADS = 1
"""DuckDB's threads while a Detail is loaded (:func:`_bulk_load`)."""


@contextlib.contextmanager
def _bulk_load(store: Store) -> Iterator[None]:
    """DuckDB's settings while a Detail is loaded: one thread.

    The reader threads keep the cores busy inflating, validating and casting; DuckDB's
    own threads (up to :data:`~recon.store.db.MAX_THREADS`) would only contend with them
    to insert one Arrow batch at a time (measured: ~0.7 s more CPU for 40M values). Set
    and restored outside the file's transaction: DuckDB refuses ``SET`` in a transaction
    an error has aborted, which would hide that error.
    """
    threads = store.scalar("SELECT current_setting('threads')")
    store.con.execute(f"SET threads = {BULK_THREADS}")
    try:
        yield
    finally:
        store.con.execute(f"SET threads = {int(threads)}")


def _record_unread(store: Store, u: Unread, art: Artefact | None = None) -> FileOutcome | None:
    """Record a file recognisable as an artefact but unreadable as *unusable*, with its
    ``coverage.unread`` finding, so that a check of its week from the store reports it.

    Its run is what its content or name said; a RunId alone is placed in the week of the
    run held with it. None when its kind is not known or it cannot be hashed (detection
    lists it as skipped).
    """
    if art is None:
        if u.kind not in KINDS:
            return None
        try:
            sha = sha256_file(u.path)
        except InputError:
            return None
        art = Artefact(
            path=u.path,
            kind=u.kind,
            sha256=sha,
            participant=u.participant,
            period=u.period,
            run_id=u.run_id,
            designation=u.designation,
        )
        if store.scalar("SELECT count(*) FROM files WHERE sha256 = ?", [sha]):
            return FileOutcome(u.path, sha, u.kind or "", UNCHANGED, participant=u.participant)
    participant, period = u.participant, u.period
    week = week_of(period or "")
    if u.run_id is not None and (week is None or participant is None):
        held = store.rows(
            "SELECT DISTINCT participant, period, week FROM runs WHERE run_id = ?"
            + (" AND participant = ?" if participant else ""),
            [u.run_id, participant] if participant else [u.run_id],
        )
        if len(held) == 1:
            participant, period, week = held[0]
    finding = unread_finding(u).model_copy(update={"participant": participant, "period": period})
    with store.transaction():
        insert_file(
            store,
            art,
            status=UNUSABLE,
            form=None,
            reason=u.reason,
            participant=participant,
            period=period,
            week=week,
            run_id=u.run_id,
            designation=u.designation,
            findings=[finding],
        )
    log.warning("unusable (coverage.unread): %s: %s", u.path, u.reason)
    return FileOutcome(
        u.path, art.sha256, art.kind, UNUSABLE, u.reason, participant=participant, week=week
    )


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
            raise Refusal(
                f"its Trading Week {model.period!r} is not a label like "
                "'TW 01 Dec 2024', so the invoice cannot be placed in a week"
            )
        merge_run_of_invoice(store, model, week)
        held = held_artefacts(
            store, "invoice", model.participant, model.period, model.run_id, (model.form,)
        )
        if held:
            for sha in held:
                if strip_invoice(load_invoice(store, sha)) == strip_invoice(model):
                    return _duplicate(store, art, model, week, sha)
            raise Refusal(
                f"run {model.run_id} of {model.participant} is held with another "
                f"{model.form.upper()} invoice ({path_of(store, held[0])}) whose "
                "content differs; AEMO does not republish a run with other figures"
            )
        _file_row(store, art, model, week, status="stored", findings=model.findings)
        insert_invoice(store, art.sha256, model, week)
        return INGESTED, "", week

    h: RunHeader = model.header
    week = week_of(h.period, h.period_from)
    assert week is not None
    merge_run(store, h, week)
    kind = _model_kind(model)
    if isinstance(model, SummaryStatement):
        held = held_artefacts(store, kind, h.participant, h.period, h.run_id, (model.form,))
        if held:
            mine = summary_content(model)
            for sha in held:
                if held_summary_content(store, sha) == mine:
                    return _duplicate(store, art, model, week, sha)
            raise Refusal(
                f"run {h.run_id} of {h.participant} ({h.designation.value}, "
                f"{h.period}) is held with another Summary {model.form.upper()} "
                f"({path_of(store, held[0])}) whose values differ; AEMO does not "
                "republish a run with other figures"
            )
        _file_row(store, art, model, week, status="stored", findings=model.findings)
        insert_summary(store, art.sha256, model, week)
        return INGESTED, "", week

    assert isinstance(model, DetailStatement)
    forms = form_class(art.kind, model.form)
    new_days, same_as = compare_detail_days(store, model, forms)
    if not new_days and same_as:
        return _duplicate(store, art, model, week, same_as)
    _file_row(
        store,
        art,
        model,
        week,
        status="stored",
        sources=model.sources,
        days=model.days,
        findings=model.findings,
    )
    insert_detail(store, art.sha256, model, week)
    return INGESTED, "", week


def _duplicate(
    store: Store, art: Artefact, model: Any, week: date, same_as: str
) -> tuple[str, str, date | None]:
    _file_row(
        store,
        art,
        model,
        week,
        status=DUPLICATE,
        same_as=same_as,
        days=getattr(model, "days", None),
    )
    return DUPLICATE, f"same content as {path_of(store, same_as)}", week


def _file_row(store: Store, art: Artefact, model: Any, week: date, **extra: Any) -> None:
    """Record one file's row: its run (from an invoice or a statement header) and ``extra``
    (``status``, ``findings``, ``same_as``, ``days``, ``sources``)."""
    h = model if isinstance(model, Invoice) else model.header
    insert_file(
        store,
        art,
        form=model.form,
        participant=h.participant,
        period=h.period,
        week=week,
        run_id=h.run_id,
        designation=h.designation.value,
        source=model.source,
        **extra,
    )
