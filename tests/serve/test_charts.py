"""The charts of the pages, drawn by the reports' SVG code: a line chart scaled to its
values shows a cent between large figures, gaps stay gaps, every label is escaped."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

from recon.models.audit import AuditRun, AuditWeek
from recon.report.audit import line_svg
from recon.serve.charts import values_chart, week_charts
from recon.serve.queries import HeldValue

HIGH, LOW = Decimal("187.93923879"), Decimal("187.92923879")


def _ys(svg: str) -> list[float]:
    return [float(y) for y in re.findall(r'<circle cx="[^"]+" cy="([^"]+)"', svg)]


def test_scaled_to_its_values_a_cent_shows() -> None:
    from_zero = _ys(line_svg(["a", "b"], [HIGH, LOW], "t"))
    scaled = _ys(line_svg(["a", "b"], [HIGH, LOW], "t", from_zero=False))
    assert abs(from_zero[0] - from_zero[1]) < 1
    assert abs(scaled[0] - scaled[1]) > 100


def test_a_gap_in_a_line_is_left_open() -> None:
    svg = line_svg(["INITIAL", "ADJ1", "ADJ2"], [], "t", series=[("JSON", [HIGH, None, HIGH])])
    assert svg.count("<polyline") == 2 and svg.count("<circle") == 2


def test_names_and_labels_are_escaped() -> None:
    svg = str(line_svg(["<i>x</i>"], [], "<b>t</b>", series=[("<script>", [HIGH])]))
    assert "<script>" not in svg and "<b>" not in svg and "<i>" not in svg
    assert "&lt;script&gt;" in svg and "&lt;b&gt;t&lt;/b&gt;" in svg


def test_the_values_chart_has_a_line_per_form_and_a_point_per_run() -> None:
    values = [
        HeldValue(3, "summary_csv", HIGH),
        HeldValue(1, "summary_csv", HIGH),
        HeldValue(1, "detail_zip", LOW, date(2024, 12, 20)),
        HeldValue(3, "detail_zip", LOW, date(2024, 12, 20)),
    ]
    svg = str(values_chart(values, {1: "INITIAL", 2: "ADJ1", 3: "ADJ2"}, "REGFEE_P_D"))
    assert "— Detail ZIP" in svg and "— Summary CSV" in svg
    assert svg.count("<circle") == 4
    assert "INITIAL: Summary CSV: 187.93923879" in svg
    assert "ADJ2: Detail ZIP: 187.92923879" in svg
    labels = re.findall(r'text-anchor="middle" font-size="14">([^<]+)<', svg)
    assert labels == ["INITIAL", "ADJ1", "ADJ2"]


def test_the_week_charts_have_a_bar_and_a_point_per_week() -> None:
    weeks = [
        AuditWeek(
            "SWANGEN",
            date(2024, 12, 1) + (date(2024, 12, 8) - date(2024, 12, 1)) * k,
            [
                AuditRun(1 + k, "INITIAL", None, None, Decimal(-1000 * (k + 1)), None),
                AuditRun(10 + k, "ADJ1", None, None, Decimal(5 * k), Decimal(5 * k)),
            ],
            checked=1,
        )
        for k in range(3)
    ]
    net, position = week_charts(weeks, date(2024, 12, 1), date(2024, 12, 31))
    assert str(net).count('class="bar"') == 3 and str(position).count("<circle") == 3
    assert "TW 08 Dec 2024" in str(net)
    assert "TW 15 Dec 2024: -2,990.00" in str(position)
