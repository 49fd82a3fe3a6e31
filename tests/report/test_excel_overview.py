"""report.xlsx re-opened: the Overview's verdict, runs and figures, and the ADJ chart
sheet's table and native bar chart."""

from __future__ import annotations

import zipfile
from decimal import Decimal as D
from pathlib import Path

from openpyxl.workbook.workbook import Workbook

from .conftest import decimal_of


def test_overview_verdict_figures_and_chart(book: tuple[Workbook, Path]) -> None:
    wb, path = book
    ws = wb["Overview"]
    cells = {c.value: c for row in ws.iter_rows() for c in row if isinstance(c.value, str)}
    assert cells["Verdict"].offset(column=1).value.startswith("5 errors found")
    assert cells["Findings"].offset(column=1).value == "5 errors, 2 warnings, 1 info"
    total = [
        row for row in ws.iter_rows() if row[5].value == "Total Payable" and row[2].value == 51000
    ]
    assert len(total) == 1
    assert [decimal_of(c) for c in total[0][6:9]] == [D("18.74"), D("27.74"), D("9.00")]
    assert total[0][9].value == "differs"
    head = cells["PublishedAt (AWST)"].row
    runs = [[c.value for c in row[:6]] for row in ws.iter_rows(min_row=head + 1, max_row=head + 2)]
    assert [r[2:4] for r in runs] == [[50000, "INITIAL"], [51000, "ADJ1"]]
    assert runs[1][4].isoformat() == "2024-01-16T09:45:00" and runs[1][5] == 50000
    with zipfile.ZipFile(path) as zf:
        charts = [n for n in zf.namelist() if n.startswith("xl/charts/chart")]
        assert len(charts) == 1
        xml = zf.read(charts[0]).decode()
    assert "<barChart>" in xml and '<barDir val="bar"/>' in xml
    assert cells["ADJ chart"].offset(column=1).value.startswith("ADJ deltas by variable")
    ch = wb["ADJ chart"]
    assert ch["A1"].value == "IMOWA: ADJ deltas by variable"
    head = 2
    assert [c.value for c in ch[head][:2]] == ["Variable", "ADJ1 (51000)"]
    assert [
        (r[0].value, decimal_of(r[1])) for r in ch.iter_rows(min_row=head + 1, max_row=head + 2)
    ] == [
        ("RTMSA_P_D", D("-12.35")),
        ("MFEE_P_D", D("4.68")),
    ]
    assert f"<strRef><f>'ADJ chart'!$A${head + 1}:$A${head + 2}</f></strRef>" in xml
    assert f"<numRef><f>'ADJ chart'!$B${head + 1}:$B${head + 2}</f></numRef>" in xml
    assert "IMOWA: ADJ deltas by variable" in xml
