"""The report tests' fixtures: the hand-made check result (``builders.report_result``)
and its workbook, and readers of a written sheet's rows and numbers."""

from __future__ import annotations

from decimal import Decimal as D
from pathlib import Path

import pytest
from builders.report_result import build_result
from openpyxl import load_workbook
from openpyxl.workbook.workbook import Workbook

from recon.models.results import CheckResult
from recon.report.excel import write_excel


@pytest.fixture
def result() -> CheckResult:
    """A fresh copy of the hand-made result."""
    return build_result()


@pytest.fixture
def book(result: CheckResult, tmp_path: Path) -> tuple[Workbook, Path]:
    """report.xlsx of the hand-made result, written and re-opened."""
    path = write_excel(result, tmp_path / "report.xlsx")
    return load_workbook(path), path


def rows_of(ws) -> list[dict[str, object]]:  # type: ignore[no-untyped-def]
    """A sheet's rows below its header, as cells by column header."""
    header = [c.value for c in ws[1]]
    return [dict(zip(header, (c for c in row), strict=True)) for row in ws.iter_rows(min_row=2)]


def decimal_of(cell) -> D:  # type: ignore[no-untyped-def]
    """The exact decimal Excel holds (openpyxl reads numbers back as float or int)."""
    assert cell.data_type == "n", cell.coordinate
    return D(str(cell.value))
