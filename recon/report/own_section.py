"""The ``--own`` part of the reports (SPEC §9): a section per series and an Excel sheet.

:func:`own_html` returns the HTML fragment (every text shown escaped by
:func:`recon.text.safe_text`, then HTML-escaped with markupsafe; the chart
is inline SVG, no script) and :func:`add_own_sheet` adds the "Own data" sheet to a
workbook. Both do nothing when the check had no ``--own``.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from markupsafe import Markup
from markupsafe import escape as _html_escape

from recon.models.decimals import round_half_away
from recon.models.own import OwnDifference, OwnSeriesSummary
from recon.models.results import CheckResult
from recon.reconcile.own_weeks import plain_number
from recon.report.sheet import Sheet
from recon.text import safe_text

SHEET = "Own data"
ADJUSTMENT_ROWS = 50
"""Adjusted intervals listed per series in the HTML (the sheet lists all)."""

_W, _H, _LEFT, _TOP, _BOTTOM = 640, 180, 70, 12, 24


def escape(value: object) -> Markup:
    """Text for the page: control, bidi and invisible characters and lone surrogates shown
    escaped (:func:`recon.text.safe_text`), then HTML-escaped."""
    return _html_escape(safe_text(value))


def _fig(d: Decimal | None) -> str:
    """A figure without trailing zeros (:func:`plain_number`); ``—`` for None."""
    return "—" if d is None else plain_number(d)


def _cls(flag: object, name: str) -> str:
    return f' class="{name}"' if flag else ""


def _px(v: Decimal) -> str:
    return str(round_half_away(v, 1))


def chart_svg(points: list[OwnDifference], title: str, tolerance: Decimal | None = None) -> Markup:
    """A small line chart of AEMO's values and yours over time (inline SVG); intervals
    whose difference is beyond ``tolerance`` are marked with a red line."""
    values = [v for p in points for v in (p.aemo, p.yours) if v is not None]
    if len(points) < 2 or not values:
        return Markup("")
    lo, hi = min(values), max(values)
    span = hi - lo or Decimal(1)
    width, height = Decimal(_W - _LEFT - 10), Decimal(_H - _TOP - _BOTTOM)
    step = width / (len(points) - 1)

    def xy(i: int, v: Decimal) -> str:
        x = Decimal(_LEFT) + step * i
        y = Decimal(_TOP) + height * (hi - v) / span
        return f"{_px(x)},{_px(y)}"

    def line(attr: str) -> list[str]:
        runs: list[list[str]] = [[]]
        for i, p in enumerate(points):
            v = getattr(p, attr)
            if v is None:
                runs.append([])
            else:
                runs[-1].append(xy(i, v))
        return [" ".join(r) for r in runs if len(r) > 1]

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{_W}" height="{_H}" '
        f'viewBox="0 0 {_W} {_H}" role="img" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
        f'<text x="{_LEFT - 4}" y="{_TOP + 4}" text-anchor="end" font-size="10">'
        f"{escape(_fig(hi))}</text>",
        f'<text x="{_LEFT - 4}" y="{_H - _BOTTOM}" text-anchor="end" font-size="10">'
        f"{escape(_fig(lo))}</text>",
        f'<text x="{_LEFT}" y="{_H - 6}" font-size="10">'
        f"{escape(f'{points[0].interval_start:%d %b %H:%M}')}</text>",
        f'<text x="{_W - 10}" y="{_H - 6}" text-anchor="end" font-size="10">'
        f"{escape(f'{points[-1].interval_end:%d %b %H:%M}')} AWST</text>",
    ]
    for pts in line("aemo"):
        parts.append(f'<polyline fill="none" stroke="#1f4e79" stroke-width="1.5" points="{pts}"/>')
    for pts in line("yours"):
        parts.append(
            f'<polyline fill="none" stroke="#c55a11" stroke-width="1" '
            f'stroke-dasharray="4 2" points="{pts}"/>'
        )
    if tolerance is not None:
        for i, p in enumerate(points):
            if p.difference is not None and abs(p.difference) > tolerance:
                x = _px(Decimal(_LEFT) + step * i)
                parts.append(
                    f'<line x1="{x}" x2="{x}" y1="{_TOP}" y2="{_H - _BOTTOM}" stroke="#c00000" '
                    f'stroke-width="1"><title>{escape(_fig(p.difference))} at '
                    f"{p.interval_start:%d %b %H:%M}</title></line>"
                )
    parts.append(
        f'<text x="{(_W + _LEFT) // 2}" y="{_H - 6}" text-anchor="middle" font-size="10">'
        '<tspan fill="#1f4e79">— AEMO</tspan> <tspan fill="#c55a11">- - yours</tspan> '
        '<tspan fill="#c00000">| beyond tolerance</tspan></text>'
    )
    parts.append("</svg>")
    return Markup("".join(parts))


def _series_html(s: OwnSeriesSummary) -> str:
    unit = f" ({s.unit})" if s.unit else ""
    outside = s.intervals_compared - s.within_tolerance
    out = [
        f"<h3>{escape(s.name)}: <code>{escape(s.variable)}</code>{escape(unit)} · "
        f"{escape(s.participant)} · {escape(s.period)}</h3>",
        "<table><tbody>",
        f"<tr><th>Files</th><td>{escape(', '.join(s.files) or 'none')}</td></tr>",
        f"<tr><th>Compared with run(s)</th><td>{escape(', '.join(map(str, s.runs)))}</td></tr>",
        f"<tr><th>Trading Days</th><td>{len(s.trading_days)}</td></tr>",
        f"<tr><th>Intervals compared</th><td>{s.intervals_compared}</td></tr>",
        f"<tr><th>Within tolerance ({escape(_fig(s.tolerance))})</th>"
        f"<td>{s.within_tolerance}</td></tr>",
        f"<tr{_cls(outside, 'bad')}><th>Outside tolerance</th><td>{outside}</td></tr>",
        f"<tr{_cls(s.missing_yours, 'warn')}><th>AEMO has, you have not</th>"
        f"<td>{s.missing_yours}</td></tr>",
        f"<tr{_cls(s.missing_aemo, 'warn')}><th>You have, AEMO has not</th>"
        f"<td>{s.missing_aemo}</td></tr>",
        "</tbody></table>",
    ]
    if s.largest:
        out.append(
            "<h4>Largest differences</h4><table><thead><tr><th>Scope</th>"
            '<th>Interval (AWST)</th><th class="num">AEMO</th>'
            '<th class="num">Yours</th><th class="num">Difference</th>'
            "</tr></thead><tbody>"
        )
        for d in s.largest:
            bad = d.difference is not None and abs(d.difference) > s.tolerance
            out.append(
                f"<tr{_cls(bad, 'bad')}><td>{escape(d.scope)}</td>"
                f"<td>{d.interval_start:%Y-%m-%d %H:%M}–{d.interval_end:%H:%M} "
                f"(#{d.position} of {d.trading_day})</td>"
                f'<td class="num">{escape(_fig(d.aemo))}</td>'
                f'<td class="num">{escape(_fig(d.yours))}</td>'
                f'<td class="num">{escape(_fig(d.difference))}</td></tr>'
            )
        out.append("</tbody></table>")
    else:
        out.append("<p>No interval differs.</p>")
    if s.worst_scope:
        title = f"{s.variable} of {s.worst_scope}: AEMO vs yours"
        out.append(f"<h4>{escape(title)}</h4>")
        out.append(str(chart_svg(s.chart, title, s.tolerance)))
    if s.adjustments:
        out.append(
            "<h4>Adjustments against your data</h4><table><thead><tr><th>Run</th>"
            '<th>Scope</th><th>Interval (AWST)</th><th class="num">Before</th>'
            '<th class="num">After</th><th class="num">Yours</th><th>Verdict</th>'
            "</tr></thead><tbody>"
        )
        for a in s.adjustments[:ADJUSTMENT_ROWS]:
            out.append(
                f"<tr><td>{escape(a.designation)} ({a.run_id})</td><td>{escape(a.scope)}</td>"
                f"<td>{a.interval_start:%Y-%m-%d %H:%M}–{a.interval_end:%H:%M}</td>"
                f'<td class="num">{escape(_fig(a.previous))}</td>'
                f'<td class="num">{escape(_fig(a.current))}</td>'
                f'<td class="num">{escape(_fig(a.yours))}</td><td>{escape(a.verdict)}</td></tr>'
            )
        out.append("</tbody></table>")
        if len(s.adjustments) > ADJUSTMENT_ROWS:
            out.append(
                f"<p>… and {len(s.adjustments) - ADJUSTMENT_ROWS} more in the "
                f"{SHEET} sheet of report.xlsx.</p>"
            )
    return "".join(out)


def own_html(result: CheckResult) -> Markup:
    """The "Your own data" section of report.html (empty without ``--own``)."""
    own = getattr(result, "own", None)
    if own is None:
        return Markup("")
    parts = [
        '<section class="page" id="own-data"><h2>Your own data</h2>',
        f'<p class="note">{escape(own.line())} Mapping: <code>{escape(own.mapping)}</code>. '
        "Each Trading Day is compared as its latest run settled it; your intervals are "
        "placed by SPEC §9 (NEM12 days midnight to midnight, labelled by their end).</p>",
    ]
    if not own.series:
        parts.append('<p class="empty">No series could be compared.</p>')
    parts.extend(_series_html(s) for s in own.series)
    parts.append("</section>")
    return Markup("".join(parts))


class _Rows:
    """The sheet's rows, appended one after another; every value is written by
    :func:`recon.report.sheet.write_cell` (text escaped, never a formula)."""

    def __init__(self, ws: Any) -> None:
        self.sheet = Sheet(ws)
        self.row = 0

    def __call__(self, values: list[object]) -> None:
        self.row += 1
        for col, value in enumerate(values, start=1):
            if value is not None and value != "":
                self.sheet.put(self.row, col, value)


def add_own_sheet(wb: Any, result: CheckResult) -> None:
    """Add the "Own data" sheet to an openpyxl workbook (nothing without ``--own``)."""
    own = getattr(result, "own", None)
    if own is None:
        return
    append = _Rows(wb.create_sheet(SHEET))
    append([own.line()])
    append(["Mapping", own.mapping])
    append([])
    append(
        [
            "Series",
            "Variable",
            "Unit",
            "Participant",
            "Week",
            "Runs",
            "Intervals compared",
            "Within tolerance",
            "Tolerance",
            "AEMO has, you have not",
            "You have, AEMO has not",
            "Worst scope",
        ],
    )
    for s in own.series:
        append(
            [
                s.name,
                s.variable,
                s.unit or "",
                s.participant,
                s.period,
                ", ".join(map(str, s.runs)),
                s.intervals_compared,
                s.within_tolerance,
                s.tolerance,
                s.missing_yours,
                s.missing_aemo,
                s.worst_scope or "",
            ],
        )
    append([])
    append(
        [
            "Largest differences",
            "Series",
            "Scope",
            "Trading Day",
            "Position",
            "Start (AWST)",
            "End (AWST)",
            "AEMO",
            "Yours",
            "Difference",
        ],
    )
    for s in own.series:
        for d in s.largest:
            append(
                [
                    "",
                    s.name,
                    d.scope,
                    d.trading_day,
                    d.position,
                    d.interval_start,
                    d.interval_end,
                    d.aemo,
                    d.yours,
                    d.difference,
                ],
            )
    append([])
    append(
        [
            "Adjustments",
            "Series",
            "Run",
            "Designation",
            "Scope",
            "Trading Day",
            "Position",
            "Start (AWST)",
            "Before",
            "After",
            "Yours",
            "Verdict",
        ],
    )
    for s in own.series:
        for a in s.adjustments:
            append(
                [
                    "",
                    s.name,
                    a.run_id,
                    a.designation,
                    a.scope,
                    a.trading_day,
                    a.position,
                    a.interval_start,
                    a.previous,
                    a.current,
                    a.yours,
                    a.verdict,
                ],
            )
    append([])
    for s in own.series:
        if not s.chart:
            continue
        append([f"Chart data: {s.name}, {s.worst_scope}", "Start (AWST)", "AEMO", "Yours"])
        for p in s.chart:
            append(["", p.interval_start, p.aemo, p.yours])
