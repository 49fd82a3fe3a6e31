"""Writing a worksheet: the cells, tables, column widths, number formats, fonts and fills
that report.xlsx (:mod:`recon.report.excel`) and audit.xlsx (:mod:`recon.report.audit`)
share.

Money cells are numbers (the exact Decimal is handed to Excel) with a currency format and
negatives in red. No text from an input ever becomes a formula: a string starting with
``=``, ``+``, ``-`` or ``@`` (or a tab or carriage return) is stored as a string cell with
Excel's quote prefix set.

Every text openpyxl receives (cells, chart and axis titles) goes through :func:`xl_text`:
control, bidi and invisible characters, lone surrogates and noncharacters are shown escaped
(``\\x1b``, ``U+202E``, ``\\ud800``; :func:`recon.text.safe_text`), so no input text can
stop a workbook being written or hide in one.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from recon.report.formatting import as_figure, exact_text, money_text, naive_awst
from recon.text import safe_text

MONEY_FORMAT = '"$"#,##0.00;[Red]-"$"#,##0.00'
UNSIGNED_MONEY_FORMAT = '"$"#,##0.00;-"$"#,##0.00'
"""A total whose sign says who pays whom (the words beside it say so): negatives not red."""
EXACT_FORMAT = "#,##0.00######;[Red]-#,##0.00######"
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
INT_FORMAT = "0"

_FORMULA_LEADS = ("=", "+", "-", "@", "\t", "\r")
_HEADER_FONT = Font(bold=True, color="FFFFFF")
_HEADER_FILL = PatternFill("solid", fgColor="305496")
TITLE_FONT = Font(bold=True, size=14)
"""Font of a sheet's title (cell A1 of an Overview)."""
SECTION_FONT = Font(bold=True, size=12, color="305496")
"""Font of a section title within a sheet (see :func:`section`)."""
DISCREPANCY_FILL = PatternFill("solid", fgColor="F8CBAD")
"""Fill of a row holding a discrepancy (or an error finding)."""
WARNING_FILL = PatternFill("solid", fgColor="FFE699")
"""Fill of a warning row (material adjustment, warning finding)."""
VERDICT_FILLS = {
    "error": DISCREPANCY_FILL,
    "warning": WARNING_FILL,
    "clean": PatternFill("solid", fgColor="C6EFCE"),
}
"""Fill of the verdict cell by verdict level (``error``, ``warning``, ``clean``)."""
_MAX_WIDTH = 60
CELL_MAX_CHARS = 32_767
"""The most characters an Excel cell holds; a longer text is cut (and says so)."""
_WRAP = Alignment(wrap_text=True, vertical="top")
_LEFT = Alignment(horizontal="left")


@dataclass(frozen=True)
class Col:
    """A column: its header and the kind of value (``text``, ``money``, ``exact``, ``int``,
    ``date``, ``datetime``, ``bool``, ``figure``: a number when it is one, else text)."""

    header: str
    kind: str = "text"


class Sheet:
    """A worksheet with the column widths it needs remembered as it is written.

    Args:
        ws: The openpyxl worksheet written to (``ws`` below).
    """

    def __init__(self, ws: Worksheet) -> None:
        self.ws = ws
        self.widths: dict[int, int] = {}

    def put(self, row: int, col: int, value: Any, kind: str = "text") -> Cell:
        """Write ``value`` to a cell in the format of ``kind`` (see :class:`Col`); return it."""
        cell = self.ws.cell(row=row, column=col)
        shown = write_cell(cell, value, kind)
        self.widths[col] = max(self.widths.get(col, 0), len(shown))
        return cell

    def table(
        self,
        top: int,
        cols: Sequence[Col],
        rows: Iterable[Sequence[Any]],
        fills: Iterable[PatternFill | None] | None = None,
        filtered: bool = True,
    ) -> int:
        """Write a header row and rows from ``top``; return the next free row."""
        for j, col in enumerate(cols, start=1):
            cell = self.put(top, j, col.header)
            cell.font, cell.fill = _HEADER_FONT, _HEADER_FILL
            cell.alignment = Alignment(vertical="top", wrap_text=True)
        fill_list = list(fills) if fills is not None else None
        r = top
        for i, values in enumerate(rows):
            r = top + 1 + i
            fill = fill_list[i] if fill_list is not None else None
            for j, (col, value) in enumerate(zip(cols, values, strict=True), start=1):
                cell = self.put(r, j, value, col.kind)
                if fill is not None:
                    cell.fill = fill
        if filtered:
            self.ws.auto_filter.ref = f"A{top}:{get_column_letter(len(cols))}{max(r, top)}"
            self.ws.freeze_panes = f"A{top + 1}"
        return max(r, top) + 1

    def fit(self) -> None:
        """Set each written column's width to its longest text (capped)."""
        for col, width in self.widths.items():
            self.ws.column_dimensions[get_column_letter(col)].width = min(width + 3, _MAX_WIDTH)

    def finish(self) -> None:
        """Fit the columns (:meth:`fit`) and set the page up: A4 landscape, one page wide."""
        self.fit()
        setup = self.ws.page_setup
        setup.orientation, setup.paperSize = "landscape", self.ws.PAPERSIZE_A4
        self.ws.sheet_properties.pageSetUpPr.fitToPage = True
        setup.fitToWidth, setup.fitToHeight = 1, 0


def xl_text(value: object) -> str:
    """Any text as openpyxl may be given it (a cell, a chart or axis title): every character
    that is not plain text shown escaped (:func:`recon.text.safe_text`, newlines and tabs
    kept), and cut to what a cell holds (:data:`CELL_MAX_CHARS`)."""
    text = safe_text(value, keep_newlines=True)
    if len(text) > CELL_MAX_CHARS:
        keep = CELL_MAX_CHARS - 40
        text = text[:keep] + f"... ({len(text) - keep} more characters)"
    return text


def write_cell(cell: Cell, value: Any, kind: str) -> str:
    """Put a value in a cell with its format; return the text it shows (for widths)."""
    if kind == "figure" and isinstance(value, str):
        value = as_figure(value)
        kind = "exact" if isinstance(value, Decimal) else "text"
    elif kind == "figure":
        kind = "exact"
    if value is None:
        return ""
    if isinstance(value, str):
        text = xl_text(value)
        cell.value = text
        if text.startswith(_FORMULA_LEADS):
            cell.data_type = "s"
            cell.quotePrefix = True
        if len(text) > _MAX_WIDTH:
            cell.alignment = _WRAP
        return text
    if isinstance(value, bool):
        cell.value = "yes" if value else "no"
        return cell.value
    if isinstance(value, Decimal):
        cell.value = value
        if kind == "money":
            cell.number_format = MONEY_FORMAT
            return "$" + money_text(value)
        cell.number_format = EXACT_FORMAT
        return exact_text(value)
    if isinstance(value, datetime):
        cell.value = naive_awst(value)
        cell.number_format = DATETIME_FORMAT
        return "2023-10-01 08:00"
    if isinstance(value, date):
        cell.value = value
        cell.number_format = DATE_FORMAT
        return "2023-10-01"
    if isinstance(value, int):  # RunIds and counts: identifiers, read left to right
        cell.value = value
        cell.number_format = INT_FORMAT
        cell.alignment = _LEFT
        return str(value)
    return write_cell(cell, str(value), "text")


def section(sheet: Sheet, row: int, title: str) -> int:
    """Write a section title in column A of ``row``; return the row below it."""
    cell = sheet.ws.cell(row=row, column=1)
    write_cell(cell, title, "text")
    cell.font = SECTION_FONT
    return row + 1
