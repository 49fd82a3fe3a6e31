"""Adjustments explained against your data (SPEC §9): for each ADJ run
of a week and its previous run, every interval of the mapped variable the ADJ run changed,
judged against your figure (``now agrees``, ``still agrees``, ``toward``, ``away``, ``no
figure``), as ``own.value`` info findings and :class:`~recon.models.own.OwnAdjustment` rows.

Pure: :func:`recon.reconcile.own.tie_out_series` calls :func:`explain_adjustments` for each
week it ties out.
"""

from __future__ import annotations

import polars as pl

from recon.models.findings import CheckId, Finding, Severity
from recon.models.own import OwnAdjustment, OwnSeries
from recon.reconcile.adjustments import previous_run
from recon.reconcile.own_weeks import (
    KEYS,
    WeekView,
    detail_values,
    interval_bounds,
    plain_number,
)

MAX_ADJUSTMENT_FINDINGS = 200
"""Info findings explaining one ADJ run's changes to one series (the summary holds all)."""


def explain_adjustments(
    series: OwnSeries, own: pl.DataFrame, week: WeekView
) -> tuple[list[Finding], list[OwnAdjustment]]:
    """For each ADJ run of the week and its previous run, every interval of the mapped
    variable the ADJ run changed, judged against your figure (info findings and rows)."""
    tol = series.tolerance
    headers = list(week.headers.values())
    mine = own.filter(pl.col("count") == pl.col("expected")).select(
        *KEYS, pl.col("value").alias("yours")
    )
    findings: list[Finding] = []
    rows: list[OwnAdjustment] = []
    unit = f" {series.unit}" if series.unit else ""
    for h in sorted(headers, key=lambda x: (x.published_at, x.run_id)):
        if not h.designation.is_adjustment:
            continue
        prev = previous_run(h, headers)
        if prev is None:
            continue
        cur_days = {d for p in week.details[h.run_id] for d in p.days}
        prev_days = {d for p in week.details[prev.run_id] for d in p.days}
        days = cur_days & prev_days
        if not days:
            continue
        cur = detail_values(week.details[h.run_id], series.variable, days)
        old = detail_values(week.details[prev.run_id], series.variable, days)
        changed = (
            cur.join(old, on=KEYS, how="inner", suffix="_prev")
            .filter(pl.col("aemo") != pl.col("aemo_prev"))
            .join(mine, on=KEYS, how="left")
            .sort(KEYS)
        )
        first = len(findings)
        for rec in changed.iter_rows(named=True):
            before, after, yours = rec["aemo_prev"], rec["aemo"], rec["yours"]
            start, end = interval_bounds(series.variable, rec["trading_day"], rec["position"])
            if yours is None:
                verdict, says = "no figure", "you have no figure for it"
            else:
                d0, d1 = abs(before - yours), abs(after - yours)
                if d1 <= tol < d0:
                    verdict = "now agrees"
                elif d1 <= tol:
                    verdict = "still agrees"
                elif d1 < d0:
                    verdict = "toward"
                else:
                    verdict = "away"
                label = {
                    "now agrees": "now agrees",
                    "still agrees": "agreed before and still does",
                    "toward": "moved toward yours but still differs",
                    "away": "moved away from yours",
                }[verdict]
                says = f"your figure ({series.name}) is {plain_number(yours)}: {label}"
            rows.append(
                OwnAdjustment(
                    run_id=h.run_id,
                    designation=h.designation.value,
                    previous_run_id=prev.run_id,
                    scope=rec["scope"],
                    trading_day=rec["trading_day"],
                    position=rec["position"],
                    interval_start=start,
                    interval_end=end,
                    previous=before,
                    current=after,
                    yours=yours,
                    verdict=verdict,
                )
            )
            if len(findings) - first >= MAX_ADJUSTMENT_FINDINGS:
                continue  # the rows keep every interval; the findings stop here
            findings.append(
                Finding.make(
                    CheckId.OWN_VALUE,
                    f"{h.designation.value} changed {series.variable} of {rec['scope']} at "
                    f"{start:%H:%M}-{end:%H:%M} on {start:%d %b %Y} (Trading Day "
                    f"{rec['trading_day']}, position {rec['position']}) from "
                    f"{plain_number(before)} to "
                    f"{plain_number(after)}{unit}; {says}.",
                    header=h,
                    severity=Severity.INFO,
                    variable=series.variable,
                    scope=rec["scope"],
                    timestamp=start.isoformat(),
                    expected=yours,
                    actual=after,
                    difference=None if yours is None else after - yours,
                    source=rec["aemo_source"],
                    position=rec["position"],
                    interval_start=start,
                    interval_end=end,
                )
            )
        if changed.height > MAX_ADJUSTMENT_FINDINGS:
            findings.append(
                Finding.make(
                    CheckId.OWN_VALUE,
                    f"{h.designation.value} changed {changed.height} intervals of "
                    f"{series.variable} in all; {MAX_ADJUSTMENT_FINDINGS} are listed as "
                    "findings, every one in the reports (Own data).",
                    header=h,
                    severity=Severity.INFO,
                    variable=series.variable,
                )
            )
    return findings, rows
