"""report/own_section: the ``--own`` section of the HTML report and the "Own data" sheet,
on a real check of the planted week with its own.toml (workbook saved and reopened)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from paths import FIXTURES

import recon
from recon.models.own import OwnDifference
from recon.models.results import CheckResult
from recon.report.own_section import SHEET, add_own_sheet, chart_svg, own_html

PLANTED = FIXTURES / "planted_week"


@pytest.fixture(scope="module")
def checked() -> CheckResult:
    return recon.check(PLANTED, own=PLANTED / "own.toml")


def test_html_has_a_section_per_series_with_a_chart(checked: CheckResult) -> None:
    assert checked.own is not None
    html = str(own_html(checked))
    assert html.startswith('<section class="page" id="own-data">')
    assert "AEMO&#39;s Detail" in html  # escaped
    for s in checked.own.series:
        assert s.name in html and s.variable in html
    assert html.count("<svg") == sum(1 for s in checked.own.series if len(s.chart) >= 2)
    assert "<script" not in html


def test_the_sheet_is_written_and_reads_back(checked: CheckResult, tmp_path: Path) -> None:
    wb = Workbook()
    add_own_sheet(wb, checked)
    path = tmp_path / "own.xlsx"
    wb.save(path)
    ws = load_workbook(path)[SHEET]
    rows = list(ws.iter_rows(values_only=True))
    assert checked.own is not None
    assert rows[0][0] == checked.own.line()
    assert rows[1][:2] == ("Mapping", checked.own.mapping)
    cells = {c for row in rows for c in row if isinstance(c, str)}
    for s in checked.own.series:
        assert s.name in cells
        assert f"Chart data: {s.name}, {s.worst_scope}" in cells


def test_nothing_without_own(tmp_path: Path) -> None:
    plain = recon.check(PLANTED / "SWANGEN_2024-12-01")
    assert str(own_html(plain)) == ""
    wb = Workbook()
    add_own_sheet(wb, plain)
    assert SHEET not in wb.sheetnames


def _point(i: int, aemo: str, yours: str) -> OwnDifference:
    start = datetime(2024, 12, 1, tzinfo=timezone(timedelta(hours=8))) + timedelta(minutes=30 * i)
    return OwnDifference(
        scope="S",
        trading_day=start.date(),
        position=i + 1,
        interval_start=start,
        interval_end=start + timedelta(minutes=30),
        aemo=Decimal(aemo),
        yours=Decimal(yours),
        difference=Decimal(yours) - Decimal(aemo),
    )


def test_chart_marks_points_beyond_tolerance() -> None:
    points = [_point(0, "1", "1"), _point(1, "2", "2.5"), _point(2, "3", "3")]
    svg = str(chart_svg(points, "S <x>", Decimal("0.1")))
    assert svg.startswith("<svg") and "S &lt;x&gt;" in svg
    assert svg.count('stroke="#c00000" stroke-width="1">') == 1  # the one point beyond
    assert svg.count("<polyline") == 2  # AEMO's line and yours
    assert str(chart_svg(points[:1], "one point")) == ""
