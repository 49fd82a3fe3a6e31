"""Detect and read every artefact under some paths: the loading step of ``check``.

Used by :func:`recon.api.load` (the public API) and by the store's ``check --store``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from recon.errors import InputError
from recon.models.findings import CheckId, Finding
from recon.models.loaded import Loaded
from recon.models.progress import Progress
from recon.models.results import InputRecord
from recon.models.statements import DetailStatement, Kept, compact
from recon.sources.artefacts import Artefact, Unread, kind_words
from recon.sources.limits import DEFAULT_LIMITS, Limits, refused_by_limit

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


def load_artefact(
    artefact: object,
    limits: Limits,
    progress: Progress | None,
    cast: bool = True,
    kept: Kept | None = None,
) -> object:
    """Load one detected artefact into its model (the reader is chosen by its kind).

    ``cast=False`` keeps a Detail CSV/ZIP's validated value text, cast when needed.
    ``kept`` streams a Detail: only those rows stay in memory
    (:attr:`~recon.models.statements.DetailStatement.kept`).
    """
    from recon.sources import detect
    from recon.sources.detail_csv import read_detail

    if artefact.kind in ("detail_zip", "detail_csv"):  # type: ignore[attr-defined]
        return read_detail(
            artefact.path,
            limits=limits,
            progress=progress,  # type: ignore[attr-defined]
            cast=cast,
            kept=kept,
        )
    model = detect.load(artefact, limits=limits)  # type: ignore[arg-type]
    if kept is not None and isinstance(model, DetailStatement):
        return streamed(model, kept, ReloadDays(artefact, limits))
    return model


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
    """Reads a streamed Detail JSON's days again by loading the file again."""

    def __init__(self, artefact: object, limits: Limits) -> None:
        self.artefact = artefact
        self.limits = limits

    def __call__(
        self, days: Sequence[date], cast: bool = True
    ) -> Iterator[tuple[date, pl.DataFrame]]:
        """Yield ``(day, every row of the day)`` for each day asked."""
        from recon.sources import detect

        model = detect.load(self.artefact, limits=self.limits)  # type: ignore[arg-type]
        assert isinstance(model, DetailStatement)
        return model.day_frames(days, cast=cast)


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
    from recon.sources.detect import detect
    from recon.sources.validate import ColumnsError

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
        loaded.append(Loaded(record=record, model=model))  # type: ignore[arg-type]
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
