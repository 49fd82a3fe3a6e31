"""report.html: the self-contained page an auditor files.

One file, no network: CSS inline, the ADJ chart drawn as inline SVG here in Python (no
scripts at all), system fonts only. It carries the same content as the workbook, opens
with a verdict banner (counts, worst findings first), puts each run on its own printed
A4 page, and ends with the audit trail (every input with its SHA-256, recon's version,
the time of the check). Every text from an input is HTML-escaped by jinja2's autoescape.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from recon.atomic import atomic_write_bytes
from recon.models.decimals import round_half_away
from recon.models.labels import artefact_name, artefacts_text
from recon.models.results import AdjustmentLine, CheckResult
from recon.report.disagreement import disagreement_rows, sides, when_text
from recon.report.formatting import (
    breakable,
    common_folder,
    figure_text,
    money_text,
    short_source,
)
from recon.report.own_section import own_html
from recon.report.templates import get_template
from recon.report.view import (
    RunView,
    check_rows,
    in_run_order,
    line_discrepant,
    participants,
    run_views,
    status_text,
    verdict,
    weeks,
)

log = logging.getLogger(__name__)

TEMPLATE = "report.html"
ATTRIBUTION_PRINTED = 2
"""How many of the largest contributions to an ADJ line the printed page keeps."""
RUN_FINDINGS_SHOWN = 12
"""How many errors and warnings a run's section names before pointing to Findings."""


@dataclass(frozen=True)
class Bar:
    """One bar of the SVG chart (pixel geometry as exact decimal strings)."""

    label: str
    value: Decimal
    text: str
    y: str
    x: str
    width: str
    negative: bool


@dataclass(frozen=True)
class BarChart:
    """A horizontal bar chart of ADJ deltas by variable."""

    title: str
    width: int
    height: int
    label_width: int
    plot_width: int
    zero_x: str
    bar_height: int
    row_height: int
    top: int
    bars: list[Bar]


def _px(value: Decimal) -> str:
    return str(round_half_away(value, 1))


def delta_chart(
    adjustments: list[AdjustmentLine],
    title: str = "ADJ deltas by variable",
    label_width: int = 170,
    plot_width: int = 420,
    value_width: int = 110,
) -> BarChart | None:
    """Lay out the bars for an ADJ run's non-zero deltas, largest first.

    Args:
        adjustments: One run's ADJ lines.
        title: The chart's title.
        label_width: Pixels for the variable names.
        plot_width: Pixels for the bars.
        value_width: Pixels for the figures.

    Returns:
        The chart, or None when no delta is non-zero.
    """
    items = sorted(
        ((a.variable, a.delta) for a in adjustments if a.delta != 0),
        key=lambda t: (-abs(t[1]), t[0]),
    )
    if not items:
        return None
    lo = min(Decimal(0), *(v for _, v in items))
    hi = max(Decimal(0), *(v for _, v in items))
    span = hi - lo
    width = Decimal(plot_width)
    row, bar, top = 24, 16, 30

    def x_of(v: Decimal) -> Decimal:
        return Decimal(label_width) + width * (v - lo) / span

    zero = x_of(Decimal(0))
    bars = []
    for i, (label, value) in enumerate(items):
        end = x_of(value)
        bars.append(
            Bar(
                label=label,
                value=value,
                text=money_text(value),
                y=str(top + i * row + (row - bar) // 2),
                x=_px(min(zero, end)),
                width=_px(max(abs(end - zero), Decimal(1))),
                negative=value < 0,
            )
        )
    return BarChart(
        title=title,
        width=label_width + plot_width + value_width,
        height=top + len(items) * row + 10,
        label_width=label_width,
        plot_width=plot_width,
        zero_x=_px(zero),
        bar_height=bar,
        row_height=row,
        top=top,
        bars=bars,
    )


def short_figure(text: str | None, longest: int = 24) -> str:
    """A finding's figure for reading, cut to ``longest`` characters (a Value array is long)."""
    shown = figure_text(text)
    return shown if len(shown) <= longest else shown[: longest - 1] + "…"


def render_html(result: CheckResult) -> str:
    """Render report.html for a check.

    Raises:
        OutputError: If the templates folder or the template is missing.
    """
    views = run_views(result)
    charts = {
        id(rv): delta_chart(rv.adjustments, f"{rv.run.designation} deltas by variable")
        for rv in views
    }

    def chart_of(rv: RunView) -> BarChart | None:
        return charts[id(rv)]

    who, when = participants(result), weeks(result)
    return get_template(TEMPLATE).render(
        result=result,
        verdict=verdict(result),
        participants=who,
        weeks=when,
        several=len(who) > 1 or len(when) > 1,
        run_limit=RUN_FINDINGS_SHOWN,
        checks=check_rows(result),
        views=views,
        chart_of=chart_of,
        disagreements=disagreement_rows(result),
        findings=in_run_order(result.findings, result),
        breakable=breakable,
        sides=sides,
        short=short_figure,
        common_folder=common_folder,
        short_source=short_source,
        attribution_printed=ATTRIBUTION_PRINTED,
        when=when_text,
        status_text=status_text,
        discrepant=line_discrepant,
        own_section=own_html(result),
        artefacts=artefacts_text,
        artefact_name=artefact_name,
    )


def write_html(result: CheckResult, path: str | Path) -> Path:
    """Write report.html for a check, atomically.

    Returns:
        The path written.

    Raises:
        OutputError: If the template is missing or the file cannot be written.
    """
    target = Path(path)
    atomic_write_bytes(target, render_html(result).encode("utf-8"))
    log.info("wrote %s", target)
    return target
