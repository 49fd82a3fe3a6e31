"""Tie AEMO's Detail out against your own data (SPEC §9): ``own.value`` and ``own.missing``.

For every participant's Trading Week among the inputs, each Trading Day held in a Detail
is compared as settled by its *latest* run (the run published last that holds the day):
an earlier run's figures are explained instead, as the change each ADJ run made against
your figure (``now agrees``, ``toward``, ``away``). Only the Trading Days held are
compared; your data for other days is not used.

Every function here is pure (models and frames in, findings and summaries out):
:func:`tie_out_series` ties one series out against every week, through :func:`tie_out`
and :func:`~recon.reconcile.own_adjust.explain_adjustments` (the ADJ explanations); the
weeks and AEMO's values come from :mod:`recon.reconcile.own_weeks`. Reading the mapping and
the series (``recon.sources.own_data``) and adding the result to a
:class:`~recon.models.results.CheckResult` is the API's job (``recon.api``).
"""

from __future__ import annotations

import logging
from datetime import date
from decimal import Decimal
from typing import cast

import polars as pl

from recon.models.decimals import round_half_away
from recon.models.findings import CheckId, Finding
from recon.models.own import OwnDifference, OwnSeries, OwnSeriesSummary
from recon.models.statements import RunHeader
from recon.reconcile.own_adjust import explain_adjustments
from recon.reconcile.own_weeks import (
    DETAIL_VALUES_SCHEMA,
    KEYS,
    WeekView,
    interval_bounds,
    latest_values,
    plain_number,
    target_interval,
)
from recon.wem.calendar import DISPATCH_INTERVAL, align_intervals

log = logging.getLogger(__name__)

LARGEST = 10
"""Differences listed per series in the summary."""

CHART_POINTS = 2016
"""At most this many intervals in a series' chart (a week of Dispatch Intervals)."""

MAX_MISFITS = 20
"""Own intervals that fit no target interval, reported per series."""


def _mean(total: Decimal, count: int) -> Decimal:
    """The mean of finer power readings, 8 places, half away from zero (SPEC §9)."""
    return round_half_away(total / count, 8)


def _interval_name(variable: str) -> str:
    return (
        "Dispatch Interval"
        if target_interval(variable) == DISPATCH_INTERVAL
        else ("Trading Interval")
    )


# ---------------------------------------------------------------------------------------------
# The tie-out
# ---------------------------------------------------------------------------------------------


def tie_out(
    series: OwnSeries,
    own: pl.DataFrame,
    aemo: pl.DataFrame,
    headers: dict[int, RunHeader],
    *,
    participant: str,
    period: str,
    days: list[date],
    files: list[str] | None = None,
) -> tuple[list[Finding], OwnSeriesSummary]:
    """Compare one series with AEMO's values for one week.

    Args:
        series: The mapping entry (tolerance, unit, name).
        own: Aligned own values (:func:`recon.wem.calendar.align_intervals` output).
        aemo: AEMO's values (:func:`latest_values` output: scope, trading_day, position,
            aemo, aemo_source, run_id).
        headers: Run headers by RunId, for the findings' run fields.
        participant, period: The week.
        days: The Trading Days compared; own values of other days are left out.
        files: The series' files, for the summary.

    Returns:
        (``own.value`` and ``own.missing`` findings, the series' summary for the week).
    """
    tol = series.tolerance
    mine = own.filter(pl.col("trading_day").is_in(days)).select(
        *KEYS,
        pl.when(pl.col("count") == pl.col("expected"))
        .then(pl.col("value"))
        .otherwise(None)
        .alias("yours"),
        ((pl.col("count") > 0) & (pl.col("count") != pl.col("expected"))).alias("partial"),
        pl.format("{}:{}", "source_file", "source_line").alias("own_source"),
        "quality",
    )
    theirs = aemo.select(*KEYS, "aemo", "aemo_source", "run_id") if aemo.height else None
    if theirs is None:
        theirs = pl.DataFrame(schema={**DETAIL_VALUES_SCHEMA, "run_id": pl.Int64()})
    joined = (
        theirs.join(mine, on=KEYS, how="full", coalesce=True)
        .with_columns((pl.col("aemo") - pl.col("yours")).alias("difference"))
        .sort(KEYS)
    )
    default_run = max(headers) if headers else None
    joined = joined.with_columns(pl.col("run_id").fill_null(default_run))
    both = joined.filter(pl.col("aemo").is_not_null() & pl.col("yours").is_not_null())
    outside = both.filter(pl.col("difference").abs() > tol)
    findings: list[Finding] = []
    unit = f" {series.unit}" if series.unit else ""
    what = _interval_name(series.variable)
    for rec in outside.iter_rows(named=True):
        start, end = interval_bounds(series.variable, rec["trading_day"], rec["position"])
        q = rec["quality"] or ""
        qual = f" (your data's quality flag: {q})" if q and q.upper() != "A" else ""
        findings.append(
            Finding.make(
                CheckId.OWN_VALUE,
                f"{series.name}: {series.variable} of {rec['scope']} in {what} "
                f"{rec['position']} of {rec['trading_day']} ({start:%H:%M}-{end:%H:%M} "
                f"AWST on {start:%d %b}): AEMO's Detail has {plain_number(rec['aemo'])}{unit}, "
                f"yours {plain_number(rec['yours'])}{qual}, a difference of "
                f"{plain_number(rec['difference'])} beyond the tolerance {plain_number(tol)}.",
                header=headers.get(rec["run_id"]),
                variable=series.variable,
                scope=rec["scope"],
                timestamp=start.isoformat(),
                expected=rec["yours"],
                actual=rec["aemo"],
                difference=rec["difference"],
                source=rec["own_source"],
                position=rec["position"],
                interval_start=start,
                interval_end=end,
            )
        )
    missing_yours = joined.filter(pl.col("aemo").is_not_null() & pl.col("yours").is_null())
    missing_aemo = joined.filter(pl.col("aemo").is_null() & pl.col("yours").is_not_null())
    findings.extend(_missing(series, missing_yours, "yours", headers))
    findings.extend(_missing(series, missing_aemo, "aemo", headers))

    summary = _summary(series, both, joined, tol, participant, period, days, files or [])
    summary.missing_yours = missing_yours.height
    summary.missing_aemo = missing_aemo.height
    summary.runs = sorted({r for r in aemo.get_column("run_id").unique()} if aemo.height else [])
    return findings, summary


def _summary(
    series: OwnSeries,
    both: pl.DataFrame,
    joined: pl.DataFrame,
    tol: Decimal,
    participant: str,
    period: str,
    days: list[date],
    files: list[str],
) -> OwnSeriesSummary:
    within = both.filter(pl.col("difference").abs() <= tol).height
    ranked = both.with_columns(pl.col("difference").abs().alias("_abs")).sort(
        ["_abs", "scope", "trading_day", "position"], descending=[True, False, False, False]
    )
    largest = [
        _difference(series.variable, rec)
        for rec in ranked.filter(pl.col("_abs") > 0).head(LARGEST).iter_rows(named=True)
    ]
    worst: str | None = None
    if largest:
        worst = largest[0].scope
    elif joined.height:
        # The scope column is text, so its first value is a str (or None).
        worst = cast("str | None", joined.get_column("scope").drop_nulls().sort().first())
    chart = []
    if worst is not None:
        rows = joined.filter(pl.col("scope") == worst).sort(["trading_day", "position"])
        chart = [
            _difference(series.variable, rec)
            for rec in rows.head(CHART_POINTS).iter_rows(named=True)
        ]
    return OwnSeriesSummary(
        name=series.name,
        variable=series.variable,
        format=series.format,
        unit=series.unit,
        tolerance=tol,
        files=files,
        participant=participant,
        period=period,
        trading_days=days,
        intervals_compared=both.height,
        within_tolerance=within,
        largest=largest,
        worst_scope=worst,
        chart=chart,
    )


def _difference(variable: str, rec: dict) -> OwnDifference:
    start, end = interval_bounds(variable, rec["trading_day"], rec["position"])
    return OwnDifference(
        scope=rec["scope"],
        trading_day=rec["trading_day"],
        position=rec["position"],
        interval_start=start,
        interval_end=end,
        yours=rec["yours"],
        aemo=rec["aemo"],
        difference=rec["difference"],
    )


def _missing(
    series: OwnSeries, rows: pl.DataFrame, side: str, headers: dict[int, RunHeader]
) -> list[Finding]:
    """``own.missing`` findings: one per contiguous range of intervals per scope."""
    if rows.height == 0:
        return []
    per_day = 288 if target_interval(series.variable) == DISPATCH_INTERVAL else 48
    epoch = date(2000, 1, 1)
    ranges = (
        rows.with_columns(
            (
                (pl.col("trading_day") - pl.lit(epoch)).dt.total_days() * per_day
                + pl.col("position")
            ).alias("_n")
        )
        .sort("scope", "_n")
        .with_columns(
            (pl.col("_n").diff().over("scope").fill_null(0) != 1).cum_sum().alias("_range")
        )
        .group_by("scope", "_range", maintain_order=True)
        .agg(
            pl.len().alias("n"),
            pl.col("trading_day").first().alias("day0"),
            pl.col("position").first().alias("pos0"),
            pl.col("trading_day").last().alias("day1"),
            pl.col("position").last().alias("pos1"),
            pl.col("run_id").first(),
            pl.col("partial").any().alias("partial"),
            pl.col("own_source").drop_nulls().first().alias("own_source"),
            pl.col("aemo_source").drop_nulls().first().alias("aemo_source"),
        )
    )
    what = _interval_name(series.variable)
    out: list[Finding] = []
    for rec in ranges.iter_rows(named=True):
        start, _ = interval_bounds(series.variable, rec["day0"], rec["pos0"])
        _, end = interval_bounds(series.variable, rec["day1"], rec["pos1"])
        span = (
            f"{what} {rec['pos0']} of {rec['day0']}"
            if rec["n"] == 1
            else f"{rec['n']} {what}s from {rec['pos0']} of {rec['day0']} to {rec['pos1']} "
            f"of {rec['day1']}"
        )
        when = f"{start:%Y-%m-%d %H:%M}-{end:%Y-%m-%d %H:%M} AWST"
        if side == "yours":
            why = (
                "your data holds only part of them (finer intervals missing)"
                if rec["partial"]
                else "your data has no value for them"
            )
            msg = (
                f"{series.name}: AEMO's Detail has {series.variable} of {rec['scope']} for "
                f"{span} ({when}); {why}, so they were not compared."
            )
            source = rec["own_source"] if rec["partial"] else rec["aemo_source"]
        else:
            msg = (
                f"{series.name}: your data has {series.variable} of {rec['scope']} for {span} "
                f"({when}); AEMO's Detail has no value for them."
            )
            source = rec["own_source"]
        out.append(
            Finding.make(
                CheckId.OWN_MISSING,
                msg,
                header=headers.get(rec["run_id"]),
                variable=series.variable,
                scope=rec["scope"],
                # one interval: its start (the draft names the interval); a range: its day
                timestamp=start.isoformat() if rec["n"] == 1 else rec["day0"].isoformat(),
                source=source,
                position=rec["pos0"] if rec["n"] == 1 else None,
                interval_start=start,
                interval_end=end,
            )
        )
    return out


# ---------------------------------------------------------------------------------------------
# One series against every week
# ---------------------------------------------------------------------------------------------


def _misfits(series: OwnSeries, misfits: pl.DataFrame) -> list[Finding]:
    out = []
    for rec in misfits.head(MAX_MISFITS).iter_rows(named=True):
        out.append(
            Finding.make(
                CheckId.DATA_TIMESTAMP,
                f"{series.name}: {rec['scope']}: {rec['problem']} of {series.variable}; "
                "it is not compared.",
                variable=series.variable,
                scope=rec["scope"],
                source=f"{rec['source_file']}:{rec['source_line']}",
            )
        )
    if misfits.height > MAX_MISFITS and out:
        out[-1] = out[-1].model_copy(
            update={"message": out[-1].message + f" ({misfits.height} such intervals in all.)"}
        )
    return out


def no_detail(mapping_path: str) -> Finding:
    """``own.missing`` for a mapping with no Settlement Statement Detail among the inputs."""
    return Finding.make(
        CheckId.OWN_MISSING,
        f"--own {mapping_path}: no Settlement Statement Detail among the inputs, so "
        "none of your data could be compared.",
        source=mapping_path,
    )


def days_held(weeks: list[WeekView]) -> list[date]:
    """Every Trading Day the weeks' Details hold, in order."""
    return sorted({d for w in weeks for d in w.days})


def tie_out_series(
    series: OwnSeries, frame: pl.DataFrame, files: list[str], weeks: list[WeekView]
) -> tuple[list[Finding], list[OwnSeriesSummary]]:
    """Tie one series of your data out against every week's Details.

    Args:
        series: The mapping entry.
        frame: Its values as read (``recon.sources.own_data.read_series``).
        files: The files they were read from.
        weeks: :func:`~recon.reconcile.own_weeks.week_views` of the loaded models.

    Returns:
        The findings (intervals that fit no Trading or Dispatch Interval, each week's
        ``own.value``/``own.missing`` and the ADJ explanations) and one summary per week
        compared.
    """
    findings: list[Finding] = []
    summaries: list[OwnSeriesSummary] = []
    aligned, misfits = align_intervals(
        frame, target_interval(series.variable), series.aggregate, mean=_mean
    )
    findings.extend(_misfits(series, misfits))
    aemo_by_week = {(w.participant, w.period): latest_values(w, series.variable) for w in weeks}
    scopes: dict[str, set[str]] = {}  # participant -> every scope its Details hold
    for (participant, _period), week_rows in aemo_by_week.items():
        if week_rows.height:
            scopes.setdefault(participant, set()).update(week_rows.get_column("scope").unique())
    for w in weeks:
        aemo = aemo_by_week[(w.participant, w.period)]
        # Your scopes that another participant's Detail holds (and none of this
        # participant's weeks) are that participant's. Judged by participant code, never
        # by week: a meter one week's Detail leaves out is still yours, and own.missing.
        mine = scopes.get(w.participant, set())
        elsewhere = {s for p, held in scopes.items() if p != w.participant for s in held} - mine
        own = aligned.filter(~pl.col("scope").is_in(sorted(elsewhere)))
        if not aemo.height and own.filter(pl.col("trading_day").is_in(w.days)).height == 0:
            continue  # neither side has the variable in this week
        f, summary = tie_out(
            series,
            own,
            aemo,
            w.headers,
            participant=w.participant,
            period=w.period,
            days=w.days,
            files=files,
        )
        adj_findings, adj_rows = explain_adjustments(series, own, w)
        summary.adjustments = adj_rows
        findings.extend(f)
        findings.extend(adj_findings)
        summaries.append(summary)
    return findings, summaries


__all__ = [
    "days_held",
    "no_detail",
    "tie_out",
    "tie_out_series",
]
