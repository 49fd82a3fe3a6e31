"""recon.report.sheet: cells keep their kind and format, input text never becomes a
formula, a table carries its header, fills, filter and frozen header, and widths fit."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal as D
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from recon.report.sheet import (
    DATE_FORMAT,
    DATETIME_FORMAT,
    DISCREPANCY_FILL,
    EXACT_FORMAT,
    MONEY_FORMAT,
    SECTION_FONT,
    Col,
    Sheet,
    section,
    write_cell,
)
from recon.wem.calendar import AWST


def _reopened(sheet: Sheet, tmp_path: Path) -> Workbook:
    path = tmp_path / "sheet.xlsx"
    sheet.ws.parent.save(path)
    return load_workbook(path)


@pytest.fixture
def sheet() -> Sheet:
    wb = Workbook()
    return Sheet(wb.active)


@pytest.mark.parametrize("text", ["=1+1", "+44 8 0000", "-x", "@SUM(A1)"])
def test_text_that_looks_like_a_formula_stays_text(sheet: Sheet, tmp_path: Path, text: str) -> None:
    sheet.put(1, 1, text)
    cell = _reopened(sheet, tmp_path).active["A1"]
    assert cell.data_type == "s" and cell.quotePrefix and cell.value == text


def test_values_take_the_format_of_their_kind(sheet: Sheet, tmp_path: Path) -> None:
    sheet.put(1, 1, D("-1234.5"), "money")
    sheet.put(1, 2, D("0.00012"), "exact")
    sheet.put(1, 3, "-8.5", "figure")
    sheet.put(1, 4, "not a number", "figure")
    sheet.put(1, 5, date(2023, 10, 3))
    sheet.put(1, 6, datetime(2023, 10, 3, 8, 0, tzinfo=AWST))
    sheet.put(1, 7, True)
    sheet.put(1, 8, 51000)
    ws = _reopened(sheet, tmp_path).active
    assert ws["A1"].number_format == MONEY_FORMAT and ws["A1"].value == -1234.5
    assert ws["B1"].number_format == EXACT_FORMAT
    assert ws["C1"].data_type == "n" and ws["C1"].number_format == EXACT_FORMAT
    assert ws["D1"].data_type == "s" and ws["D1"].value == "not a number"
    assert ws["E1"].number_format == DATE_FORMAT
    assert ws["F1"].number_format == DATETIME_FORMAT
    assert ws["F1"].value == datetime(2023, 10, 3, 8, 0)  # AWST wall clock, no zone
    assert ws["G1"].value == "yes"
    assert ws["H1"].value == 51000 and ws["H1"].alignment.horizontal == "left"


def test_write_cell_returns_the_text_shown(sheet: Sheet) -> None:
    cell = sheet.ws["A1"]
    assert write_cell(cell, D("-1234.5"), "money") == "$-1,234.50"
    assert write_cell(cell, None, "text") == ""


def test_a_table_has_its_header_fills_filter_and_frozen_header(sheet: Sheet) -> None:
    cols = [Col("Variable"), Col("Amount", "money")]
    end = sheet.table(
        3, cols, [["A_P_D", D("1.00")], ["B_P_D", D("2.00")]], fills=[None, DISCREPANCY_FILL]
    )
    ws = sheet.ws
    assert end == 6
    assert [ws["A3"].value, ws["B3"].value] == ["Variable", "Amount"]
    assert ws["A3"].font.bold
    assert ws["A4"].fill.fill_type is None and ws["B5"].fill == DISCREPANCY_FILL
    assert ws.auto_filter.ref == "A3:B5" and ws.freeze_panes == "A4"


def test_an_unfiltered_table_is_left_unfiltered(sheet: Sheet) -> None:
    end = sheet.table(1, [Col("Variable")], [], filtered=False)
    assert end == 2
    assert sheet.ws.auto_filter.ref is None and sheet.ws.freeze_panes is None


def test_widths_fit_the_longest_text_up_to_a_cap(sheet: Sheet) -> None:
    sheet.put(1, 1, "short")
    sheet.put(2, 1, "a longer text")
    sheet.put(1, 2, "x" * 500)
    sheet.fit()
    assert sheet.ws.column_dimensions["A"].width == len("a longer text") + 3
    assert sheet.ws.column_dimensions["B"].width == 60
    assert sheet.ws["B1"].alignment.wrap_text


def test_a_section_title_takes_one_row(sheet: Sheet) -> None:
    assert section(sheet, 4, "Runs") == 5
    assert sheet.ws["A4"].value == "Runs" and sheet.ws["A4"].font == SECTION_FONT
