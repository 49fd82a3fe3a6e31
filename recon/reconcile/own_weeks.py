"""AEMO's side of the own-data tie-out (SPEC §9): each participant's Trading Week as its
runs and their Details (:class:`WeekView`), and one mapped variable's values from them, one
row per interval keyed by :data:`KEYS`, with the interval each position covers.

Used by the tie-out (:mod:`recon.reconcile.own`) and the ADJ explanations
(:mod:`recon.reconcile.own_adjust`); pure, like them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

import polars as pl

from recon.models.statements import DetailStatement, RunHeader, with_values
from recon.wem.calendar import (
    DISPATCH_INTERVAL,
    TRADING_INTERVAL,
    dispatch_interval,
    trading_interval,
)
from recon.wem.granularity import Granularity
from recon.wem.variables import parse_variable

KEYS = ["scope", "trading_day", "position"]
"""The columns that name one interval of a variable in both sides' frames."""

DETAIL_VALUES_SCHEMA: dict[str, pl.DataType] = {
    "scope": pl.String(),
    "trading_day": pl.Date(),
    "position": pl.Int64(),
    "aemo": pl.Decimal(38, 8),
    "aemo_source": pl.String(),
}
"""The columns of :func:`detail_values`' frame (AEMO's side of a comparison)."""


def target_interval(variable: str) -> timedelta:
    """The length of one position of an I (30 min) or DI (5 min) variable."""
    g = parse_variable(variable).granularity
    return DISPATCH_INTERVAL if g is Granularity.DI else TRADING_INTERVAL


def interval_bounds(variable: str, day: date, position: int) -> tuple[datetime, datetime]:
    """The AWST start and end of ``position`` of ``day`` for an I or DI variable."""
    if target_interval(variable) == DISPATCH_INTERVAL:
        return dispatch_interval(day, position)
    return trading_interval(day, position)


def plain_number(d: Decimal | None) -> str:
    """A decimal for a sentence: no trailing zeros (``8.22``, ``-0.5``, ``12``)."""
    if d is None:
        return "none"
    s = format(d, "f")
    return s.rstrip("0").rstrip(".") if "." in s else s


def detail_values(parts: list[DetailStatement], variable: str, days: set[date]) -> pl.DataFrame:
    """One variable's values from a run's Detail parts, one row per interval.

    Only the rows of ``variable`` are cast (a deferred-cast Detail keeps the rest as text).

    Returns:
        ``scope``, ``trading_day``, ``position``, ``aemo`` (Decimal(38,8)), ``aemo_source``.
    """
    frames = []
    for p in parts:
        f = p.variable_rows(variable, days)  # a streamed Detail reads its days again
        if f.height:
            frames.append(with_values(f))
    if not frames:
        return pl.DataFrame(schema=DETAIL_VALUES_SCHEMA)
    rows = pl.concat(frames, how="vertical").unique(
        ["scope", "timestamp"], keep="first", maintain_order=True
    )
    return (
        rows.select(
            "scope",
            pl.col("timestamp").alias("trading_day"),
            pl.col("values").alias("aemo"),
            pl.format("{}:{}", "source_file", "source_line").alias("aemo_source"),
        )
        .with_columns(pl.int_ranges(1, pl.col("aemo").list.len() + 1).alias("position"))
        .explode("aemo", "position")
        .select(
            "scope",
            "trading_day",
            pl.col("position").cast(pl.Int64),
            pl.col("aemo").cast(pl.Decimal(38, 8)),
            "aemo_source",
        )
    )


@dataclass
class WeekView:
    """One participant's Trading Week as the tie-out sees it.

    Attributes:
        participant, period: The week.
        headers: Every run header of the week, by RunId.
        details: Each run's Detail parts (preferred form: CSV/ZIP, else JSON), by RunId.
        latest: For each Trading Day held, the RunId of the latest run holding it.
    """

    participant: str
    period: str
    headers: dict[int, RunHeader] = field(default_factory=dict)
    details: dict[int, list[DetailStatement]] = field(default_factory=dict)
    latest: dict[date, int] = field(default_factory=dict)

    @property
    def days(self) -> list[date]:
        """The Trading Days held in some run's Detail."""
        return sorted(self.latest)


def week_views(models: Sequence[object]) -> list[WeekView]:
    """Group loaded Detail statements into weeks and find each day's latest run."""
    weeks: dict[tuple[str, str], WeekView] = {}
    forms: dict[tuple[str, str, int], dict[str, list[DetailStatement]]] = defaultdict(
        lambda: defaultdict(list)
    )
    for m in models:
        if not isinstance(m, DetailStatement):
            continue
        h = m.header
        w = weeks.setdefault((h.participant, h.period), WeekView(h.participant, h.period))
        w.headers.setdefault(h.run_id, h)
        forms[h.key][("json" if m.form == "json" else "csv")].append(m)
    for (participant, period, run_id), by_form in forms.items():
        w = weeks[(participant, period)]
        w.details[run_id] = by_form.get("csv") or by_form["json"]
    for w in weeks.values():
        order = sorted(w.headers.values(), key=lambda h: (h.published_at, h.run_id))
        for h in order:  # later runs overwrite earlier ones
            for part in w.details[h.run_id]:
                for d in part.days:
                    w.latest[d] = h.run_id
    return [weeks[k] for k in sorted(weeks)]


def latest_values(week: WeekView, variable: str) -> pl.DataFrame:
    """AEMO's values of ``variable`` for every Trading Day held, each from its latest run,
    with a ``run_id`` column."""
    by_run: dict[int, set[date]] = defaultdict(set)
    for d, run_id in week.latest.items():
        by_run[run_id].add(d)
    frames = [
        detail_values(week.details[run_id], variable, days).with_columns(
            pl.lit(run_id, dtype=pl.Int64).alias("run_id")
        )
        for run_id, days in sorted(by_run.items())
    ]
    return pl.concat(frames, how="vertical") if frames else pl.DataFrame()
