"""The charts of the pages, drawn server-side as SVG by the reports' own chart code
(:func:`recon.report.audit.bar_svg` and :func:`~recon.report.audit.line_svg`, the charts of
``audit.html``): net adjustment by week and position per week for a participant, and the
values behind a finding in every run held (a line per artefact form, scaled to the
values). Every label is escaped by that code."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from markupsafe import Markup

from recon.models.audit import Audit, AuditWeek
from recon.report.audit import bar_svg, line_svg, week_series
from recon.serve.queries import HeldValue
from recon.wem.calendar import week_label

NET_TITLE = "Net adjustment by week"
POSITION_TITLE = "Position after the latest run, by week"


def week_charts(weeks: Sequence[AuditWeek], start: date, end: date) -> tuple[Markup, Markup]:
    """(net adjustment by week, position by week) of one participant's weeks, as the
    audit report computes them (:func:`recon.report.audit.week_series`)."""
    participant = weeks[0].participant if weeks else None
    points = week_series(Audit(start=start, end=end, participant=participant, weeks=list(weeks)))
    labels = [week_label(p.week) for p in points]
    return (
        bar_svg(labels, [p.net_adjustment for p in points], NET_TITLE),
        line_svg(labels, [p.position for p in points], POSITION_TITLE),
    )


def artefact_text(kind: str) -> str:
    """``summary_csv`` -> ``Summary CSV``."""
    what, _, form = kind.partition("_")
    return f"{what.capitalize()} {form.upper()}".strip()


def values_chart(values: Sequence[HeldValue], runs: dict[int, str], title: str) -> Markup:
    """A line for each artefact form holding the value, a point for each run (``runs``:
    run id -> its name, in the chain's order), the axis scaled to the values so that a
    difference of a cent shows."""
    order = list(runs)
    for v in values:
        if v.run_id not in runs:
            order.append(v.run_id)
    multi_day = len({v.day for v in values if v.day is not None}) > 1
    lines: dict[str, list[Decimal | None]] = {}
    for v in sorted(values, key=lambda v: (v.artefact, v.day or date.min)):
        name = artefact_text(v.artefact)
        if multi_day and v.day is not None:
            name += f" ({v.day.isoformat()})"
        line = lines.setdefault(name, [None] * len(order))
        line[order.index(v.run_id)] = v.value
    labels = [runs.get(r, str(r)) for r in order]
    return line_svg(labels, [], title, from_zero=False, series=list(lines.items()))
