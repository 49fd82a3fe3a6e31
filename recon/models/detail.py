"""Detail statements and run Periods: what the readers and the checks share, no I/O.

Joining the Detail statements of one run (the days of a ZIP, or JSON day files) and keeping
the first of each :data:`DETAIL_KEY`; the Trading Days of a run's Period; the capped
collector of ``data.*`` findings. Used by :mod:`recon.sources.validate` (the readers) and
by :mod:`recon.reconcile` (the checks), which may not import the readers.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Sequence
from datetime import date, timedelta
from typing import Any

import polars as pl

from recon.models.findings import CheckId, Finding
from recon.models.statements import DayRows, DetailStatement, RunHeader, with_values

MAX_FINDINGS_PER_CHECK = 200
"""Row findings of one check kept per file; the rest are counted in one closing finding."""


class FindingCollector:
    """Collects findings with a cap per check so a broken file cannot flood a report."""

    def __init__(self, header: RunHeader | None) -> None:
        self.header = header
        self.findings: list[Finding] = []
        self._counts: dict[CheckId, int] = {}
        self._over: dict[CheckId, tuple[int, str]] = {}

    def add(self, check: CheckId, message: str, **fields: Any) -> None:
        n = self._counts.get(check, 0) + 1
        self._counts[check] = n
        if n > MAX_FINDINGS_PER_CHECK:
            cnt, src = self._over.get(check, (0, fields.get("source") or ""))
            self._over[check] = (cnt + 1, src)
            return
        self.findings.append(Finding.make(check, message, header=self.header, **fields))

    def add_more(self, check: CheckId, count: int, source: str) -> None:
        """Count ``count`` more findings of ``check`` past the cap at once, the first of
        them at ``source``, as :meth:`add` counts them (for findings gathered elsewhere,
        once this collector lists :data:`MAX_FINDINGS_PER_CHECK` of the check)."""
        if count <= 0:
            return
        self._counts[check] = self._counts.get(check, 0) + count
        cnt, src = self._over.get(check, (0, source))
        self._over[check] = (cnt + count, src)

    def close(self) -> list[Finding]:
        for check, (cnt, src) in self._over.items():
            self.findings.append(
                Finding.make(
                    check,
                    f"{cnt} more rows have this problem; only the first "
                    f"{MAX_FINDINGS_PER_CHECK} are listed.",
                    header=self.header,
                    source=src,
                )
            )
        return self.findings


def source_ref(file: str, line: Any) -> str:
    """``file:line``, as a finding names its place."""
    return f"{file}:{line}"


MAX_PERIOD_DAYS = 366
"""At most this many Trading Days of a Period are listed by :func:`period_days`: a Period
that is not seven days long is already a ``data.period`` warning, and a hostile header
(PeriodFrom 0001-01-01, PeriodTo 9999-12-31) must not make millions of days."""


def period_days(header: RunHeader) -> list[date]:
    """The Trading Days of a run's Period, PeriodFrom to PeriodTo inclusive.

    At most :data:`MAX_PERIOD_DAYS` days, from PeriodFrom.
    """
    n = min((header.period_to - header.period_from).days + 1, MAX_PERIOD_DAYS)
    return [header.period_from + timedelta(days=i) for i in range(max(n, 0))]


DETAIL_KEY = ["variable", "scope", "timestamp", "settlement_trading_day"]
"""What makes a Detail row unique within a run (SPEC §5 ``data.duplicate``)."""


def dedupe(df: pl.DataFrame, out: FindingCollector) -> pl.DataFrame:
    """Keep the first of each DETAIL_KEY, in file or document order (``__ord`` when the
    frame carries it, else its row order); report each repeat."""
    dup = df.filter(pl.len().over(DETAIL_KEY) > 1)
    if dup.height == 0:
        return df
    added = "__ord" not in df.columns
    if added:
        df = df.with_row_index("__ord")
        dup = df.filter(pl.len().over(DETAIL_KEY) > 1)
    # Not by source text: a JSON row's source is a pointer, whose text sorts
    # /variables/10 before /variables/2.
    for rec in (
        dup.sort("__ord")
        .group_by(DETAIL_KEY, maintain_order=True)
        .agg(pl.col("source_file"), pl.col("source_line"))
    ).iter_rows(named=True):
        first = source_ref(rec["source_file"][0], rec["source_line"][0])
        for file, line in zip(rec["source_file"][1:], rec["source_line"][1:], strict=True):
            out.add(
                CheckId.DATA_DUPLICATE,
                f"{rec['variable']} / {rec['scope']!r} / "
                f"{rec['timestamp']} appears again (first at {first}); the repeat was not "
                "used.",
                variable=rec["variable"],
                scope=rec["scope"],
                timestamp=rec["timestamp"].isoformat(),
                source=source_ref(file, line),
            )
    kept = df.sort("__ord").unique(DETAIL_KEY, keep="first", maintain_order=True)
    return kept.drop("__ord") if added else kept


def combine_details(parts: list[DetailStatement], source: str) -> DetailStatement:
    """Join several Detail statements of one run (days of a ZIP, or JSON day files).

    Duplicate keys across parts become ``data.duplicate`` findings; the first is kept.
    Streamed parts (:attr:`~recon.models.statements.DetailStatement.kept`) make a streamed
    statement (:func:`combine_streamed`).
    """
    if len(parts) == 1:
        return parts[0]
    if any(p.kept is not None for p in parts):
        return combine_streamed(parts, source)
    header = parts[0].header
    out = FindingCollector(header)
    if len({"values" in p.frame.columns for p in parts}) > 1:  # text and cast parts mixed
        parts = [p.with_values() for p in parts]
    frame = pl.concat([p.frame for p in parts], how="vertical")
    tmp = frame.with_columns(pl.lit(None, dtype=pl.String).alias("scope_code"))
    deduped = dedupe(tmp, out).drop("scope_code")
    findings = [f for p in parts for f in p.findings] + out.close()
    days = sorted({d for p in parts for d in p.days})
    sources = sorted({s for p in parts for s in p.sources})
    return DetailStatement(
        header=header,
        days=days,
        frame=deduped,
        source=source,
        sources=sources,
        form=parts[0].form,
        findings=findings,
    )


def _kept_rows(part: DetailStatement, keep: pl.Expr) -> pl.DataFrame:
    return part.frame if part.kept is not None else part.frame.filter(keep)


def combine_streamed(parts: list[DetailStatement], source: str) -> DetailStatement:
    """Join Detail statements of one run of which some are streamed, without reading them.

    The result is streamed: its frame holds the rows kept (those of whole parts filtered
    alike), the first of each :data:`DETAIL_KEY` kept as :func:`combine_details` keeps it;
    its days are read again part by part. Its findings are the parts'; a key repeated across
    parts is not reported here (the engine uses a run's combined Detail for its values, and
    the reading findings of each part).
    """
    kept = next(p.kept for p in parts if p.kept is not None)
    assert kept is not None
    keep = kept.expr()
    frames = [_kept_rows(p, keep) for p in parts]
    if len({"values" in f.columns for f in frames}) > 1:  # text and cast parts mixed
        frames = [with_values(f) for f in frames]
    frame = pl.concat(frames, how="vertical").unique(DETAIL_KEY, keep="first", maintain_order=True)
    days = sorted({d for p in parts for d in p.days})
    disjoint = sum(len(p.days) for p in parts) == len(days)
    return DetailStatement(
        header=parts[0].header,
        days=days,
        frame=frame,
        source=source,
        sources=sorted({s for p in parts for s in p.sources}),
        form=parts[0].form,
        findings=[f for p in parts for f in p.findings],
        kept=kept,
        reread=combined_reader(parts),
        n_values=sum(p.value_count for p in parts) if disjoint else None,
    )


def combined_reader(parts: list[DetailStatement]) -> DayRows:
    """A :data:`~recon.models.statements.DayRows` over several parts of one run: a day held
    by one part is that part's; a day held by several is their rows joined, the first of
    each :data:`DETAIL_KEY` kept (parts in order)."""
    held = [set(p.days) for p in parts]

    def reread(days: Sequence[date], cast: bool = True) -> Iterator[tuple[date, pl.DataFrame]]:
        def holders(day: date) -> tuple[int, ...]:
            return tuple(i for i, h in enumerate(held) if day in h)

        for who, group in itertools.groupby(days, key=holders):
            run = list(group)
            if len(who) == 1:  # the usual case: a ZIP, or one JSON file per day
                yield from parts[who[0]].day_frames(run, cast=cast)
                continue
            for day in run:
                frames = [f for i in who for _, f in parts[i].day_frames([day])]
                joined = pl.concat(frames, how="vertical")
                yield day, joined.unique(DETAIL_KEY, keep="first", maintain_order=True)

    return reread
