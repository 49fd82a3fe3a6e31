"""Read artefacts: the one reader registry, and the loading step of ``check``.

:data:`READERS` is the one place a reader is chosen for a kind of artefact
(:mod:`recon.sources.detect` only classifies files); :func:`load_artefact` reads one
detected artefact with it, and :func:`load` detects and reads every artefact under some
paths (used by :func:`recon.api.load`, the public API, and by the store's ``check
--store``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING

from recon.errors import InputError
from recon.models.findings import CheckId, Finding
from recon.models.kinds import Kind
from recon.models.loaded import Loaded, Model
from recon.models.progress import Progress
from recon.models.results import InputRecord
from recon.models.statements import DetailStatement, Kept, compact
from recon.sources.artefacts import Artefact, Unread, kind_words
from recon.sources.detail_csv import read_detail
from recon.sources.detect import detect
from recon.sources.invoice_json import read_invoice_json
from recon.sources.invoice_pdf import read_invoice_pdf
from recon.sources.limits import DEFAULT_LIMITS, Limits, refused_by_limit
from recon.sources.statement_json import read_detail_json, read_summary_json
from recon.sources.summary_csv import read_summary_csv
from recon.sources.validate import ColumnsError

if TYPE_CHECKING:
    import polars as pl

_STEPS = 100
"""Progress units per artefact, so a large Detail ZIP moves the bar member by member."""


def _member_progress(progress: Progress | None, index: int, total: int) -> Progress | None:
    """A ``(members done, members)`` callback that advances the artefact-level bar."""
    if progress is None:
        return None

    def step(done: int, members: int) -> None:
        progress(index * _STEPS + (done * _STEPS) // max(members, 1), total * _STEPS)

    return step


@dataclass(frozen=True)
class ReadOptions:
    """How an artefact is read (every reader takes the limits; only a Detail CSV or ZIP
    reports progress and keeps its value text, and only a Detail is streamed).

    Attributes:
        limits: The input caps.
        progress: A ``(members done, members)`` callback for a Detail ZIP.
        cast: False keeps a Detail CSV/ZIP's validated value text, cast when needed.
        kept: Streams a Detail: only those rows stay in memory
            (:attr:`~recon.models.statements.DetailStatement.kept`).
    """

    limits: Limits = DEFAULT_LIMITS
    progress: Progress | None = None
    cast: bool = True
    kept: Kept | None = None


Reader = Callable[[str, ReadOptions], Model]
"""Reads the file at a path into its model, or raises ``InputError``."""


def _summary_csv(path: str, how: ReadOptions) -> Model:
    return read_summary_csv(path, how.limits)


def _detail_csv(path: str, how: ReadOptions) -> Model:
    return read_detail(path, limits=how.limits, progress=how.progress, cast=how.cast, kept=how.kept)


def _summary_json(path: str, how: ReadOptions) -> Model:
    return read_summary_json(path, how.limits)


def _detail_json(path: str, how: ReadOptions) -> Model:
    stmt = read_detail_json(path, how.limits)
    if how.kept is None:
        return stmt
    return streamed(stmt, how.kept, ReloadDays(path, how.limits))


def _invoice_json(path: str, how: ReadOptions) -> Model:
    return read_invoice_json(path, how.limits)


def _invoice_pdf(path: str, how: ReadOptions) -> Model:
    return read_invoice_pdf(path, limits=how.limits)


READERS: Mapping[Kind, Reader] = MappingProxyType(
    {
        Kind.SUMMARY_CSV: _summary_csv,
        Kind.SUMMARY_JSON: _summary_json,
        Kind.DETAIL_CSV: _detail_csv,
        Kind.DETAIL_ZIP: _detail_csv,
        Kind.DETAIL_JSON: _detail_json,
        Kind.INVOICE_JSON: _invoice_json,
        Kind.INVOICE_PDF: _invoice_pdf,
    }
)
"""The reader of each kind of AEMO artefact: the one place a reader is chosen."""


def load_artefact(
    artefact: Artefact,
    limits: Limits = DEFAULT_LIMITS,
    progress: Progress | None = None,
    cast: bool = True,
    kept: Kept | None = None,
) -> Model:
    """Read one detected artefact into its model, with the reader of its kind
    (:data:`READERS`).

    Args:
        artefact: What detection found.
        limits, progress, cast, kept: As :class:`ReadOptions` says.

    Raises:
        InputError: If the file cannot be read at all (a ``ColumnsError`` for a CSV whose
            columns are not the Guide's carries its ``data.columns`` finding).
    """
    reader = READERS.get(artefact.kind)
    if reader is None:
        raise ValueError(f"no reader for artefacts of kind {str(artefact.kind)!r}")
    return reader(artefact.path, ReadOptions(limits, progress, cast, kept))


def streamed(stmt: DetailStatement, kept: Kept, reread: ReloadDays) -> DetailStatement:
    """A whole Detail statement made streamed: only ``kept``'s rows stay in memory."""
    return stmt.model_copy(
        update={
            "frame": compact(stmt.frame.filter(kept.expr())),
            "kept": kept,
            "reread": reread,
            "n_values": stmt.value_count,
        }
    )


class ReloadDays:
    """Reads a streamed Detail JSON's days again by reading the file again."""

    def __init__(self, path: str, limits: Limits) -> None:
        self.path = path
        self.limits = limits

    def __call__(
        self, days: Sequence[date], cast: bool = True
    ) -> Iterator[tuple[date, pl.DataFrame]]:
        """Yield ``(day, every row of the day)`` for each day asked."""
        return read_detail_json(self.path, self.limits).day_frames(days, cast=cast)


def unread_of(artefact: Artefact, error: InputError) -> Unread:
    """A detected artefact whose reader refused it: what ``coverage.unread`` reports."""
    where = []
    if error.line is not None:
        where.append(f"line {error.line}")
    if error.json_path is not None:
        where.append(f"at {error.json_path}")
    inner = error.path if error.path != artefact.path else ""
    place = ", ".join([inner, *where] if inner else where)
    return Unread(
        path=artefact.path,
        reason=f"{kind_words(artefact.kind)} that cannot be read ("
        + (f"{place}: " if place else "")
        + f"{error.problem})",
        kind=artefact.kind,
        participant=artefact.participant,
        period=artefact.period,
        run_id=artefact.run_id,
        designation=artefact.designation,
    )


def unread_finding(u: Unread) -> Finding:
    """The ``coverage.unread`` finding of a file recognised but not used (SPEC §5)."""
    return Finding.make(
        CheckId.COVERAGE_UNREAD,
        f"{u.path} is {u.reason}; it was not used.",
        participant=u.participant,
        period=u.period,
        run_id=u.run_id,
        designation=u.designation,
        source=u.path,
    )


def load(
    paths: Iterable[str | Path],
    *,
    limits: Limits = DEFAULT_LIMITS,
    progress: Progress | None = None,
    cast: bool = True,
    kept: Kept | None = None,
) -> tuple[list[Loaded], list[Finding], list[dict[str, str]]]:
    """Detect and read every artefact under ``paths``.

    ``cast=False`` leaves a Detail CSV/ZIP's values as validated text (see
    :meth:`~recon.models.statements.DetailStatement.with_values`): :func:`check` casts
    only the rows its checks compare. ``kept`` streams every Detail: only those rows stay
    in memory, the checks read each day again as they need it.

    Returns:
        (loaded artefacts, findings made while loading such as ``data.columns``,
        skipped inputs with reasons).

    A recognised artefact its reader refuses as damaged (cut short, malformed) is a
    ``coverage.unread`` finding and the rest are still read; one a cap refuses
    (``--max-member-mb``...) stops the load, naming the option that raises the cap.

    Raises:
        InputError: If a file is over a cap, or nothing readable was found.
    """
    paths = list(paths)
    found = detect(paths, limits=limits)
    loaded: list[Loaded] = []
    findings: list[Finding] = []
    skipped = [{"path": str(s.path), "reason": s.reason} for s in found.skipped]
    total = len(found.artefacts)
    for i, art in enumerate(found.artefacts, start=1):
        record = InputRecord(
            path=str(art.path),
            sha256=art.sha256,
            kind=art.kind,
            participant=art.participant,
            period=art.period,
            run_id=art.run_id,
            designation=art.designation,
        )
        step = _member_progress(progress, i - 1, total)
        try:
            model = load_artefact(art, limits, step, cast, kept)
        except ColumnsError as e:
            findings.append(
                e.finding.model_copy(
                    update={
                        "participant": art.participant,
                        "period": art.period,
                        "run_id": art.run_id,
                        "designation": art.designation,
                    }
                )
            )
            skipped.append({"path": str(art.path), "reason": str(e)})
            continue
        except InputError as e:
            if refused_by_limit(e):
                raise  # a cap refuses the file: recon stops, naming the option to raise it
            # Recognised, and damaged (cut short, malformed): a finding, and the rest of
            # the inputs are still checked.
            found.unread.append(unread_of(art, e))
            skipped.append({"path": str(art.path), "reason": found.unread[-1].reason})
            continue
        loaded.append(Loaded(record=record, model=model))
        if progress:
            progress(i * _STEPS, total * _STEPS)
    findings.extend(unread_finding(u) for u in found.unread)
    if not loaded and all(f.check == CheckId.COVERAGE_UNREAD for f in findings):
        # Nothing could be used at all: recon cannot run (exit 2), naming why (the files
        # recognised but unread first).
        unread = {u.path for u in found.unread}
        first = sorted(skipped, key=lambda s: (s["path"] not in unread, s["path"]))
        reasons = "; ".join(f"{s['path']}: {s['reason']}" for s in first[:3])
        raise InputError(
            ", ".join(str(p) for p in paths),
            "holds no readable settlement artefact" + (f" ({reasons})" if reasons else ""),
        )
    return loaded, findings, skipped
