"""``recon audit``'s outputs (SPEC §8): ``audit.json``, ``audit.xlsx`` and ``audit.html``.

All three show the same :class:`recon.models.audit.Audit`:

* ``audit.json``: :meth:`Audit.document`, as SPEC §8 lays it out;
* ``audit.xlsx``: sheets Overview (the verdict, and native Excel charts of the net
  adjustment by week and the cumulative position, with the figures they plot), Weeks (each
  week's run chain, position after its latest run, checks and open issues), Run chains
  (every run: invoice amount due, recon's recomputed Total Payable, net adjustment),
  Issues (the register: open first, then resolved, with the run that raised and the run
  that resolved each) and Checks (the trail: when, which recon, which runs and inputs);
* ``audit.html``: one self-contained page for printing (inline CSS and SVG charts; no
  script, font or image is fetched).

Amounts are exact Decimals in every output; the SVG charts scale them to pixels only.
"""

from __future__ import annotations

import html
import json
import logging
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from markupsafe import Markup
from openpyxl import Workbook
from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.styles import Font

from recon.atomic import atomic_path, atomic_write_bytes, replace_set
from recon.models.audit import Audit, Issue, range_text
from recon.models.decimals import round_half_away, to_cents
from recon.report.formatting import awst_text, money_text
from recon.report.sheet import DISCREPANCY_FILL, WARNING_FILL, Col, Sheet, xl_text
from recon.wem.calendar import week_label

log = logging.getLogger(__name__)

AUDIT_SHEETS = ("Overview", "Weeks", "Run chains", "Issues", "Events", "Checks")
"""The workbook's sheets, in order."""

NET_ADJUSTMENT_CHART = "Net adjustment by week"
POSITION_CHART = "Cumulative position"


# ------------------------------------------------------------------------------ series


@dataclass(frozen=True)
class WeekPoint:
    """One Trading Week on the charts (every participant in the audit summed)."""

    week: date
    net_adjustment: Decimal
    position: Decimal
    cumulative: Decimal


def week_series(audit: Audit) -> list[WeekPoint]:
    """Net adjustment (sum of ADJ runs' net adjustments) and position by week, and the
    running total of positions, weeks in order; a week with no known position adds 0."""
    by_week: dict[date, list[Decimal]] = {}
    for w in audit.weeks:
        pos = w.position
        cur = by_week.setdefault(w.week, [Decimal(0), Decimal(0)])
        cur[0] += w.adjustment_total
        cur[1] += pos if pos is not None else Decimal(0)
    out: list[WeekPoint] = []
    running = Decimal(0)
    for wk in sorted(by_week):
        adj, pos = by_week[wk]
        running += pos
        out.append(WeekPoint(wk, adj, pos, running))
    return out


def stored_time_text(value: datetime | None) -> str:
    """A time the store keeps in UTC, shown in AWST: ``2024-12-19 23:30 AWST``."""
    if value is None:
        return ""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return awst_text(value)


def published_text(value: datetime | None) -> str:
    """A PublishedAt (AEMO's wall-clock time, AWST), shown with its zone."""
    return awst_text(value) if value is not None else ""


def week_text(week: date) -> str:
    """A Trading Week as AEMO labels it: ``TW 15 Dec 2024``."""
    return week_label(week)


def _run_text(run_id: int | None, designation: str | None) -> str:
    if run_id is None:
        return ""
    return f"{designation} {run_id}" if designation else str(run_id)


def _chain_text(audit_week: Any) -> str:
    return " → ".join(f"{r.designation} {r.run_id}" for r in audit_week.runs)


# ------------------------------------------------------------------------------ json


def audit_json(audit: Audit) -> bytes:
    """``audit.json`` as bytes (UTF-8, indented)."""
    return (json.dumps(audit.document(), indent=2, ensure_ascii=False) + "\n").encode()


def write_audit_json(audit: Audit, path: str | Path) -> Path:
    """Write ``audit.json`` atomically."""
    target = Path(path)
    atomic_write_bytes(target, audit_json(audit))
    return target


# ------------------------------------------------------------------------------ excel


def build_audit_workbook(audit: Audit) -> Workbook:
    """The audit workbook in memory (see the module doc)."""
    wb = Workbook()
    wb.remove(wb.active)
    builders = (_overview, _weeks, _runs, _issues, _events, _checks)
    for name, build in zip(AUDIT_SHEETS, builders, strict=True):
        sheet = Sheet(wb.create_sheet(name))
        build(sheet, audit)
        sheet.finish()
    return wb


def write_audit_excel(audit: Audit, path: str | Path) -> Path:
    """Write ``audit.xlsx`` atomically."""
    target = Path(path)
    wb = build_audit_workbook(audit)
    with atomic_path(target) as tmp:
        wb.save(tmp)
    return target


def _overview(sheet: Sheet, audit: Audit) -> None:
    ws = sheet.ws
    sheet.put(1, 1, "Settlement audit")
    ws.cell(row=1, column=1).font = Font(bold=True, size=14)
    facts = [
        ("Covers", f"Trading Weeks starting {range_text(audit.start, audit.end)}"),
        ("From", audit.start),
        ("To", audit.end),
        ("Participant", audit.participant or "every participant held"),
        ("Verdict", audit.verdict()),
        ("Weeks", len(audit.weeks)),
        ("Checks recorded", len(audit.checks)),
        ("Issues open", sum(1 for i in audit.issues if i.is_open)),
        ("Of those, accepted", len(audit.accepted)),
        ("Issues resolved", sum(1 for i in audit.issues if not i.is_open)),
        ("recon version", audit.recon_version),
        ("Generated", stored_time_text(audit.generated_at)),
    ]
    for r, (label, value) in enumerate(facts, start=3):
        sheet.put(r, 1, label)
        sheet.put(r, 2, value)
    if audit.open_errors:
        ws.cell(row=3 + [f[0] for f in facts].index("Verdict"), column=2).fill = DISCREPANCY_FILL
    top = 3 + len(facts) + 1
    points = week_series(audit)
    cols = [
        Col("Week"),
        Col("Net adjustment", "money"),
        Col("Position after latest run", "money"),
        Col("Cumulative position", "money"),
    ]
    end = sheet.table(
        top,
        cols,
        ([week_text(p.week), p.net_adjustment, p.position, p.cumulative] for p in points),
        filtered=False,
    )
    if not points:
        sheet.put(end, 1, "No Trading Week held in the range.")
        return
    bar = BarChart()
    bar.type = "col"
    charts = (
        (bar, NET_ADJUSTMENT_CHART, "Net adjustment ($, + participant pays)", 2, top),
        (LineChart(), POSITION_CHART, "Cumulative Total Payable ($)", 4, top + 17),
    )
    for chart, title, y_title, col, row in charts:
        chart.title = xl_text(title)
        chart.y_axis.title = xl_text(y_title)
        chart.y_axis.numFmt = '"$"#,##0.00'
        chart.x_axis.delete = False
        chart.y_axis.delete = False
        values = Reference(ws, min_col=col, min_row=top, max_row=end - 1)
        chart.add_data(values, titles_from_data=True)
        chart.set_categories(Reference(ws, min_col=1, min_row=top + 1, max_row=end - 1))
        chart.legend = None
        chart.width, chart.height = 22, 8
        ws.add_chart(chart, f"F{row}")


def _weeks(sheet: Sheet, audit: Audit) -> None:
    open_by_week: dict[tuple[str, date], int] = {}
    for i in audit.issues:
        if i.is_open:
            open_by_week[(i.participant, i.week)] = open_by_week.get((i.participant, i.week), 0) + 1
    cols = [
        Col("Participant"),
        Col("Week"),
        Col("Run chain"),
        Col("Latest run", "int"),
        Col("Position after latest run", "money"),
        Col("Net adjustments", "money"),
        Col("Checks", "int"),
        Col("Last checked"),
        Col("Open issues", "int"),
    ]
    rows, fills = [], []
    for w in audit.weeks:
        n_open = open_by_week.get((w.participant, w.week), 0)
        rows.append(
            [
                w.participant,
                week_text(w.week),
                _chain_text(w),
                w.latest_run_id,
                w.position,
                w.adjustment_total,
                w.checked,
                stored_time_text(w.last_checked_at),
                n_open,
            ]
        )
        fills.append(DISCREPANCY_FILL if n_open else WARNING_FILL if not w.checked else None)
    sheet.table(1, cols, rows, fills)


def _runs(sheet: Sheet, audit: Audit) -> None:
    cols = [
        Col("Participant"),
        Col("Week"),
        Col("Run", "int"),
        Col("Designation"),
        Col("Published"),
        Col("Amount due (invoice)", "money"),
        Col("Total Payable (recomputed)", "money"),
        Col("Net adjustment", "money"),
    ]
    rows = [
        [
            w.participant,
            week_text(w.week),
            r.run_id,
            r.designation,
            published_text(r.published_at),
            r.amount_due,
            r.recomputed_total_payable,
            r.net_adjustment,
        ]
        for w in audit.weeks
        for r in w.runs
    ]
    sheet.table(1, cols, rows)


def _issues(sheet: Sheet, audit: Audit) -> None:
    cols = [
        Col("Id"),
        Col("Status"),
        Col("Workflow"),
        Col("State"),
        Col("At stake", "money"),
        Col("Due", "date"),
        Col("Age (WA Business Days)", "int"),
        Col("Severity"),
        Col("Participant"),
        Col("Week"),
        Col("Check"),
        Col("Variable"),
        Col("Figure"),
        Col("Scope"),
        Col("Timestamp"),
        Col("Position", "int"),
        Col("Raised by run"),
        Col("Last run"),
        Col("Resolved by run"),
        Col("First seen"),
        Col("Last seen"),
        Col("Resolved at"),
        Col("Message"),
    ]
    rows, fills = [], []
    for i in audit.issues:
        rows.append(
            [
                i.id,
                i.status,
                i.workflow.value,
                i.state_text(),
                i.at_stake,
                i.due,
                i.age_business_days,
                i.severity,
                i.participant,
                week_text(i.week),
                i.check,
                i.variable,
                i.figure,
                i.scope,
                i.timestamp,
                i.position,
                _run_text(i.first_run_id, i.first_designation),
                _run_text(i.last_run_id, i.last_designation),
                _run_text(i.resolved_by_run_id, i.resolved_by_designation),
                stored_time_text(i.first_seen_at),
                stored_time_text(i.last_seen_at),
                stored_time_text(i.resolved_at),
                i.message,
            ]
        )
        fills.append(_issue_fill(i))
    sheet.table(1, cols, rows, fills)


def _issue_fill(i: Issue) -> Any:
    if not i.counts:
        return None
    return DISCREPANCY_FILL if i.severity == "error" else WARNING_FILL


def event_rows(audit: Audit) -> list[dict[str, Any]]:
    """Every workflow event of the audit's issues, in the order recorded (times in AWST)."""
    rows = [
        {
            "issue": i,
            "event": e,
            "at": stored_time_text(e.at),
            "week": week_text(i.week),
            "lodged": e.lodged.isoformat() if e.lodged else "",
        }
        for i in audit.issues
        for e in i.events
    ]
    return sorted(rows, key=lambda r: r["event"].at)


def _events(sheet: Sheet, audit: Audit) -> None:
    cols = [
        Col("At"),
        Col("Issue"),
        Col("Participant"),
        Col("Week"),
        Col("Check"),
        Col("Variable / figure"),
        Col("By"),
        Col("Workflow"),
        Col("Ref"),
        Col("Lodged", "date"),
        Col("Note"),
    ]
    rows = [
        [
            r["at"],
            r["issue"].id,
            r["issue"].participant,
            week_text(r["issue"].week),
            r["issue"].check,
            " / ".join(x for x in (r["issue"].variable, r["issue"].figure) if x),
            r["event"].by,
            r["event"].workflow.value,
            r["event"].ref,
            r["event"].lodged,
            r["event"].note,
        ]
        for r in event_rows(audit)
    ]
    sheet.table(1, cols, rows)


def _checks(sheet: Sheet, audit: Audit) -> None:
    cols = [
        Col("Checked"),
        Col("Check", "int"),
        Col("Command"),
        Col("recon version"),
        Col("Participant"),
        Col("Week"),
        Col("Runs"),
        Col("Errors", "int"),
        Col("Warnings", "int"),
        Col("Info", "int"),
        Col("Outputs"),
        Col("Inputs (SHA-256)"),
    ]
    rows = [
        [
            stored_time_text(c.checked_at),
            c.check_id,
            c.command,
            c.recon_version,
            c.participant,
            week_text(c.week),
            ", ".join(str(r) for r in c.run_ids),
            c.counts["error"],
            c.counts["warning"],
            c.counts["info"],
            c.outputs.value,
            "\n".join(c.inputs_sha256),
        ]
        for c in audit.checks
    ]
    sheet.table(1, cols, rows)


# ------------------------------------------------------------------------------ html

_W, _H, _PAD_L, _PAD_R, _PAD_T, _PAD_B = 720, 300, 140, 16, 16, 40


def _scale(values: list[Decimal], from_zero: bool = True) -> tuple[Decimal, Decimal]:
    if not from_zero and values:  # the values alone, with a margin: small differences show
        lo, hi = min(values), max(values)
        pad = (hi - lo) / 10 if hi != lo else Decimal(1)
        return lo - pad, hi + pad
    lo = min([Decimal(0), *values])
    hi = max([Decimal(0), *values])
    if hi == lo:
        hi = lo + 1
    return lo, hi


def _px(value: Decimal) -> str:
    return format(round_half_away(value, 1), "f")


def _y(value: Decimal, lo: Decimal, hi: Decimal) -> Decimal:
    plot = Decimal(_H - _PAD_T - _PAD_B)
    return Decimal(_PAD_T) + (hi - value) / (hi - lo) * plot


def _axes(labels: list[str], lo: Decimal, hi: Decimal, title: str) -> list[str]:
    base = _y(Decimal(0) if lo <= 0 <= hi else lo, lo, hi)  # the zero line, else the bottom
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {_W} {_H}" '
        f'width="{_W}" height="{_H}" style="max-width:100%;height:auto" role="img" '
        f'aria-label="{html.escape(title)}">',
        f"<title>{html.escape(title)}</title>",
        f'<line x1="{_PAD_L}" y1="{_px(base)}" x2="{_W - _PAD_R}" y2="{_px(base)}" '
        'stroke="#444" stroke-width="1"/>',
    ]
    for v in (hi, lo):
        parts.append(
            f'<text x="{_PAD_L - 6}" y="{_px(_y(v, lo, hi) + 4)}" text-anchor="end" '
            f'font-size="14">{html.escape(money_text(to_cents(v)))}</text>'
        )
    step = max(1, -(-len(labels) // 6))  # at most 6 labels
    n = max(1, len(labels))
    width = Decimal(_W - _PAD_L - _PAD_R) / n
    for k, label in enumerate(labels):
        if k % step:
            continue
        x = Decimal(_PAD_L) + width * k + width / 2
        parts.append(
            f'<text x="{_px(x)}" y="{_H - _PAD_B + 20}" text-anchor="middle" '
            f'font-size="14">{html.escape(label)}</text>'
        )
    return parts


def bar_svg(labels: list[str], values: list[Decimal], title: str) -> Markup:
    """An inline SVG bar chart (bars up for positive values, down for negative)."""
    lo, hi = _scale(values)
    parts = _axes(labels, lo, hi, title)
    n = max(1, len(values))
    width = Decimal(_W - _PAD_L - _PAD_R) / n
    zero = _y(Decimal(0), lo, hi)
    for k, (label, v) in enumerate(zip(labels, values, strict=True)):
        y = _y(v, lo, hi)
        top, height = (y, zero - y) if v >= 0 else (zero, y - zero)
        x = Decimal(_PAD_L) + width * k + width / 10
        colour = "#c0504d" if v > 0 else "#4f81bd"
        parts.append(
            f'<rect class="bar" x="{_px(x)}" y="{_px(top)}" width="{_px(width * 8 / 10)}" '
            f'height="{_px(height)}" fill="{colour}"><title>{html.escape(label)}: '
            f"{html.escape(money_text(v))}</title></rect>"
        )
    parts.append("</svg>")
    return Markup("".join(parts))


LINE_COLOURS = ("#305496", "#c55a11", "#548235", "#7030a0", "#bf8f00")
"""The colours of a line chart's lines, in order."""


def line_svg(
    labels: list[str],
    values: list[Decimal],
    title: str,
    *,
    from_zero: bool = True,
    series: list[tuple[str, list[Decimal | None]]] | None = None,
) -> Markup:
    """An inline SVG line chart with a dot per point.

    Args:
        labels: One label per point along the axis.
        values: The line's values.
        title: The chart's title.
        from_zero: Scale the axis from zero (False: to the values alone, so that small
            differences between large values show).
        series: Several named lines instead of ``values`` (a None leaves a gap), with a
            legend.
    """
    lines: list[tuple[str, list[Decimal | None]]] = (
        list(series) if series is not None else [("", list(values))]
    )
    known = [v for _, vs in lines for v in vs if v is not None]
    lo, hi = _scale(known, from_zero)
    parts = _axes(labels, lo, hi, title)
    width = Decimal(_W - _PAD_L - _PAD_R) / max(1, len(labels))
    for i, (name, vs) in enumerate(lines):
        colour = LINE_COLOURS[i % len(LINE_COLOURS)]
        points = [
            (Decimal(_PAD_L) + width * k + width / 2, _y(v, lo, hi), labels[k], v)
            for k, v in enumerate(vs)
            if v is not None
        ]
        segments: list[list[str]] = [[]]  # a gap (None) ends a segment
        for at, v in enumerate(vs):
            if v is None:
                segments.append([])
            else:
                x = Decimal(_PAD_L) + width * at + width / 2
                segments[-1].append(f"{_px(x)},{_px(_y(v, lo, hi))}")
        for segment in segments:
            if segment:
                parts.append(
                    f'<polyline class="line" points="{" ".join(segment)}" fill="none" '
                    f'stroke="{colour}" stroke-width="2"/>'
                )
        what = f"{name}: " if name else ""
        for x, y, label, v in points:
            parts.append(
                f'<circle cx="{_px(x)}" cy="{_px(y)}" r="3" fill="{colour}"><title>'
                f"{html.escape(label)}: {html.escape(what)}{html.escape(money_text(v))}"
                "</title></circle>"
            )
        if name:
            parts.append(
                f'<text x="{_PAD_L + 8}" y="{_PAD_T + 14 + 18 * i}" font-size="13" '
                f'fill="{colour}">— {html.escape(name)}</text>'
            )
    parts.append("</svg>")
    return Markup("".join(parts))


def render_audit_html(audit: Audit) -> str:
    """``audit.html`` as text (see the module doc)."""
    # start-up: recon.report.templates (jinja2) costs 14 ms to import (python -X importtime,
    # 2026-12-05); only audit.html needs it, not `recon issues`, which imports this module too
    from recon.report.templates import get_template

    points = week_series(audit)
    labels = [week_text(p.week) for p in points]
    open_by_week: dict[tuple[str, date], int] = {}
    for i in audit.issues:
        if i.is_open:
            open_by_week[(i.participant, i.week)] = open_by_week.get((i.participant, i.week), 0) + 1
    weeks = [
        {
            "participant": w.participant,
            "week": week_text(w.week),
            "chain": _chain_text(w),
            "runs": [{"run": r, "published": published_text(r.published_at)} for r in w.runs],
            "position": w.position,
            "adjustments": w.adjustment_total,
            "checked": w.checked,
            "last_checked": stored_time_text(w.last_checked_at),
            "open": open_by_week.get((w.participant, w.week), 0),
        }
        for w in audit.weeks
    ]
    issues = [
        {
            "issue": i,
            "week": week_text(i.week),
            "state": i.state_text(),
            "due": (
                f"due {i.due.isoformat()}"
                if i.due
                else (
                    f"{i.age_business_days} WA Business Days old"
                    if i.age_business_days is not None
                    else ""
                )
            ),
            "raised": _run_text(i.first_run_id, i.first_designation),
            "last": _run_text(i.last_run_id, i.last_designation),
            "resolved": _run_text(i.resolved_by_run_id, i.resolved_by_designation),
            "first_seen": stored_time_text(i.first_seen_at),
            "last_seen": stored_time_text(i.last_seen_at),
            "resolved_at": stored_time_text(i.resolved_at),
        }
        for i in audit.issues
    ]
    events = event_rows(audit)
    checks = [
        {
            "check": c,
            "at": stored_time_text(c.checked_at),
            "week": week_text(c.week),
            "runs": ", ".join(map(str, c.run_ids)),
        }
        for c in audit.checks
    ]
    return get_template("audit.html").render(
        audit=audit,
        covered=audit.covered,
        verdict=audit.verdict(),
        generated=stored_time_text(audit.generated_at),
        weeks=weeks,
        issues=issues,
        open_count=sum(1 for i in audit.issues if i.is_open),
        checks=checks,
        events=events,
        net_chart=bar_svg(labels, [p.net_adjustment for p in points], NET_ADJUSTMENT_CHART),
        position_chart=line_svg(labels, [p.cumulative for p in points], POSITION_CHART),
        has_points=bool(points),
    )


def write_audit_html(audit: Audit, path: str | Path) -> Path:
    """Write ``audit.html`` atomically."""
    target = Path(path)
    atomic_write_bytes(target, render_audit_html(audit).encode("utf-8"))
    return target


AUDIT_SET = ("audit.json", "audit.xlsx", "audit.html")
"""The files of one audit, replaced as a set (:func:`recon.atomic.replace_set`)."""


def write_audit(audit: Audit, out: str | Path, *, reports: bool = True) -> list[Path]:
    """Write ``audit.xlsx`` and ``audit.html`` (unless ``reports`` is False) and
    ``audit.json`` as one set that replaces the earlier audit's set in ``out``; return the
    paths.

    The set is written into a staging folder beside ``out`` and swapped in at the end
    (:func:`recon.atomic.replace_set` states the guarantee): a failure, a full disk,
    Ctrl-C or SIGTERM leaves the earlier set whole and no temporary file behind, so a
    reader never finds a new workbook beside an old audit.json. Without reports, the
    earlier reports are removed with the rest of the earlier set; other files in ``out``
    are kept.

    Raises:
        OutputError: The folder or a file cannot be written (the earlier set is kept).
    """
    folder = Path(out)
    names: list[str] = []
    with replace_set(folder, AUDIT_SET) as stage:
        if reports:
            names.append(write_audit_excel(audit, stage / "audit.xlsx").name)
            names.append(write_audit_html(audit, stage / "audit.html").name)
        names.append(write_audit_json(audit, stage / "audit.json").name)
    written = [folder / name for name in names]
    log.info("wrote %s", ", ".join(str(p) for p in written))
    return written
