"""A check, put together in one place: read → group → reconcile → own data → record →
write the set.

``recon check``, :func:`recon.check`, ``recon weekly`` (each week) and ``recon serve`` (a
week's reports on demand) all run :func:`check` (or its two halves, :func:`run` and
:func:`keep`):

1. **Read** (:func:`read`): every artefact under the paths given (detected by content,
   :func:`recon.sources.loading.load`), and with a store the runs it holds for the weeks
   asked (:func:`recon.store.rows.load_weeks`), so an ADJ run's previous run comes from
   history. Details are streamed: only the rows the checks compare stay in memory.
2. **Reconcile** (:func:`recon.reconcile.engine.run_checks`): runs grouped by
   (participant, RunId), every check the artefacts allow, coverage, root causes and
   money at stake.
3. **Own data** (:mod:`recon.pipeline.own`): with ``own``, your data tied out against
   AEMO's Detail; without it, your files among the inputs named as your own data.
4. **Record** (:func:`recon.store.history.record_check`): with a store, the check is
   recorded (SPEC §8); a check that writes outputs is recorded ``not written`` first
   and marked written once its whole set is in place.
5. **Write the set** (:func:`recon.pipeline.outputs.write_outputs`): findings.json,
   result.json and the reports, replacing the earlier set as one.

The arguments are checked once, where a :class:`CheckRequest` is made
(:meth:`CheckRequest.make`): every argument error is a :class:`~recon.errors.UsageError`.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any, cast

from recon.errors import InputError, StoreError, UsageError
from recon.models.audit import OutputsState
from recon.models.findings import Finding
from recon.models.loaded import Loaded
from recon.models.progress import Progress
from recon.models.results import CheckResult
from recon.models.statements import Kept
from recon.pipeline.outputs import write_outputs
from recon.pipeline.own import add_own, kept_rows, mark_own_data
from recon.reconcile.engine import run_checks
from recon.sources.limits import DEFAULT_LIMITS, Limits
from recon.sources.loading import load
from recon.store.db import Store
from recon.store.history import mark_outputs_written, record_check
from recon.store.query import weeks_for_check
from recon.store.rows import load_weeks
from recon.text import encodable_model
from recon.wem.calendar import parse_week

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class CheckRequest:
    """What one check is asked to do, its arguments checked (make one with :meth:`make`).

    Attributes:
        paths: Files and folders to read (searched recursively).
        materiality: ``adjustment.material`` threshold (None: off).
        limits: Input caps.
        own: An ``--own`` mapping file (SPEC §9), or None.
        use_store: Whether to add the runs held in the history store.
        store_path: The store's file (None: ``$RECON_STORE``, else the default store).
        week: With the store: the Trading Week (its first day).
        participant: With the store: only this participant's runs (upper case).
    """

    paths: tuple[Path, ...] = ()
    materiality: Decimal | None = None
    limits: Limits = DEFAULT_LIMITS
    own: Path | None = None
    use_store: bool = False
    store_path: Path | None = None
    week: date | None = None
    participant: str | None = None

    @classmethod
    def make(
        cls,
        paths: Iterable[str | os.PathLike[str]] | str | os.PathLike[str] = (),
        *,
        materiality: Decimal | None = None,
        limits: Limits = DEFAULT_LIMITS,
        own: str | os.PathLike[str] | None = None,
        store: str | os.PathLike[str] | bool | None = None,
        week: Any = None,
        participant: str | None = None,
    ) -> CheckRequest:
        """Check a check's arguments and make its request.

        Args:
            paths: A file or folder, or several.
            materiality: ``adjustment.material`` threshold (None: off).
            limits: Input caps.
            own: An ``--own`` mapping file.
            store: The store's file; True: ``$RECON_STORE``, else the default store;
                None or False: files only.
            week: With ``store``: a date, ``yyyy-mm-dd`` or ``TW dd Mon yyyy`` (a Sunday).
            participant: With ``store``: a participant code (any case).

        Raises:
            UsageError: ``week`` or ``participant`` without ``store``, nothing to check, or
                a week that is not a Trading Week's first day.
            InputError: A path that does not exist (a mistyped path is never just skipped).
        """
        if isinstance(paths, (str, os.PathLike)):
            paths = [paths]
        given = tuple(Path(p) for p in paths)
        use_store = store is not None and store is not False
        if not use_store and (week is not None or participant is not None):
            raise UsageError(
                "week and participant select runs from the store: add --store (store= in Python)"
            )
        if not use_store and not given:
            raise UsageError("give at least one file or folder to check")
        for p in given:
            if not p.exists():  # a mistyped PATH is never just "skipped" (SPEC §6)
                raise InputError(p, "no such file or folder")
        # use_store: store is neither None nor False, so here a path.
        store_path = (
            Path(cast("str | os.PathLike[str]", store)) if use_store and store is not True else None
        )
        return cls(
            paths=given,
            materiality=materiality,
            limits=limits,
            own=Path(own) if own is not None else None,
            use_store=use_store,
            store_path=store_path,
            week=parse_week(week),
            participant=participant.strip().upper() if participant else None,
        )


@dataclass
class Inputs:
    """The artefacts a check uses, as read.

    Attributes:
        loaded: Every artefact, with its input record (sorted by path).
        findings: Findings made while reading (``data.*``, ``coverage.unread``).
        skipped: Files not used, with the reason.
    """

    loaded: list[Loaded] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    skipped: list[dict[str, str]] = field(default_factory=list)


@dataclass
class Checked:
    """A check done: its result, the files it wrote and its id in the store.

    Attributes:
        result: The :class:`~recon.models.results.CheckResult`.
        written: The output set's files (empty when none was written).
        check_id: The check's id in the store (None when it was not recorded).
    """

    result: CheckResult
    written: list[Path] = field(default_factory=list)
    check_id: int | None = None


def read(request: CheckRequest, progress: Progress | None = None) -> Inputs:
    """Read the artefacts a check uses: the files given, and with the store its runs.

    Raises:
        InputError: An artefact cannot be read at all, or (files only) none was found.
        StoreError: With the store: no store, or nothing held or given for the weeks.
    """
    kept = kept_rows(request.own)  # Details are streamed: only these rows stay in memory
    if not request.use_store:
        loaded, findings, skipped = load(
            request.paths, limits=request.limits, progress=progress, cast=False, kept=kept
        )
        return Inputs(loaded, findings, skipped)
    return _read_with_store(request, progress, kept)


def _read_with_store(request: CheckRequest, progress: Progress | None, kept: Kept) -> Inputs:
    """The runs held for the weeks asked, plus the files given (a file whose SHA-256 is
    among the runs held is taken once).

    Which weeks: the request's week if given; else the weeks of the artefacts under its
    paths; else every week held. Its participant narrows any of these.
    """
    files = Inputs()
    if request.paths:
        files = Inputs(*load(request.paths, limits=request.limits, progress=progress, kept=kept))
    given = files.loaded if (request.paths and (files.loaded or files.findings)) else None
    with Store.open(request.store_path, read_only=True, must_exist=True) as store:
        weeks = weeks_for_check(
            store, week=request.week, participant=request.participant, given=given
        )
        held = load_weeks(store, weeks, kept=kept)
        path = store.path
    if not held.loaded and not held.findings and not files.loaded and not files.findings:
        what = []
        if request.week:
            what.append(f"the Trading Week of {request.week.isoformat()}")
        if request.participant:
            what.append(f"participant {request.participant}")
        raise StoreError(
            f"the store {path} holds no run"
            + (f" for {' and '.join(what)}" if what else "")
            + "; see `recon runs`"
        )
    held_shas = {item.record.sha256 for item in held.loaded}
    extra = [item for item in files.loaded if item.record.sha256 not in held_shas]
    log.info(
        "checking %d artefact(s) from the store and %d from files, %d week(s)",
        len(held.loaded),
        len(extra),
        len(weeks),
    )
    return Inputs(
        sorted(held.loaded + extra, key=lambda i: i.record.path),
        held.findings + files.findings,
        held.skipped + files.skipped,
    )


def run(request: CheckRequest, progress: Progress | None = None) -> CheckResult:
    """Read, reconcile and tie out your own data: the check's result, nothing recorded
    or written.

    Raises:
        InputError: An artefact or (with ``own``) your mapping cannot be read at all.
        StoreError: With the store: no store, or nothing held or given for the weeks.
    """
    inputs = read(request, progress)
    skipped = inputs.skipped if request.own is not None else mark_own_data(inputs.skipped)
    result = run_checks(
        inputs.loaded,
        materiality=request.materiality,
        findings=inputs.findings,
        skipped=skipped,
    )
    if request.own is not None:
        result = add_own(result, inputs.loaded, request.own, request.limits)
    return encodable_model(result)  # a file name's undecodable bytes: \udcff, in every output


def check(
    request: CheckRequest,
    *,
    progress: Progress | None = None,
    command: str | None = None,
    out: Path | None = None,
    reports: bool = True,
) -> Checked:
    """Run a check (:func:`run`) and keep it (:func:`keep`): with the store and a
    ``command``, record it; with ``out``, write its output set.

    Args:
        request: What to check.
        progress: ``(done, total)`` over the artefacts read.
        command: What ran it, as recorded (``check``, ``api``, ``weekly``); None: do not
            record it (looking at a week changes nothing).
        out: The folder to write the output set into (None: write nothing).
        reports: With ``out``: write report.xlsx, report.html and disagreement.csv too.

    Raises:
        InputError: An input cannot be read at all.
        StoreError: The store cannot be read or written.
        OutputError: The output set cannot be written (the earlier set is kept).
    """
    return keep(request, run(request, progress), command=command, out=out, reports=reports)


def keep(
    request: CheckRequest,
    result: CheckResult,
    *,
    command: str | None = None,
    out: Path | None = None,
    reports: bool = True,
) -> Checked:
    """Record a check's result in the store (with the store and a ``command``) and write
    its output set (with ``out``).

    The check is recorded together with its written output set (SPEC §8): first as
    ``not written``, then marked written once the whole set is in place, so a crash while
    writing never leaves a recorded check claiming outputs it does not have. A check that
    writes nothing is recorded with no outputs.

    Raises:
        StoreError: The store cannot be written.
        OutputError: The output set cannot be written (the earlier set is kept).
    """
    check_id = None
    if request.use_store and command is not None:
        check_id = record_check(
            request.store_path,
            result,
            command=command,
            outputs=OutputsState.NONE if out is None else OutputsState.NOT_WRITTEN,
            out_dir=out,
        )
    if out is None:
        return Checked(result, [], check_id)
    written = write_outputs(result, out, reports=reports)
    if check_id is not None:
        mark_outputs_written(request.store_path, check_id, out)
    return Checked(result, written, check_id)
