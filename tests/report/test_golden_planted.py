"""Golden snapshots of the planted week: findings.json, the Disagreement sheet, the draft.

The planted week (``fixtures/planted_week``, made by the fixture generator) is checked for
real; the snapshots hold what an analyst would lodge. Regenerate them after an intended
change with ``RECON_UPDATE_GOLDEN=1`` and review the diff.
"""

from __future__ import annotations

import json
import os
import re
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from paths import FIXTURES
from paths import REPO as ROOT

import recon
from recon.models.results import CheckResult
from recon.report.excel import write_excel
from recon.report.html import render_html

PLANTED = FIXTURES / "planted_week"
GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("RECON_UPDATE_GOLDEN") == "1"


def _strip_root(text: str) -> str:
    """Paths relative to the repository, whatever the checkout's location."""
    return text.replace(str(ROOT) + os.sep, "").replace(str(ROOT), ".")


def _compare(name: str, text: str) -> None:
    path = GOLDEN / name
    if UPDATE:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert path.is_file(), f"no golden file {path.name}: run with RECON_UPDATE_GOLDEN=1"
    assert text == path.read_text(encoding="utf-8"), (
        f"{name} differs from tests/report/golden/{name}; if the change is intended, rerun "
        "with RECON_UPDATE_GOLDEN=1 and review the diff"
    )


@pytest.fixture(scope="module")
def planted() -> CheckResult:
    return recon.check(PLANTED)


def test_findings_json(planted: CheckResult) -> None:
    doc = planted.findings_document()
    doc["generated_at"] = "GENERATED"
    doc["recon_version"] = "VERSION"
    text = json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
    _compare("planted_findings.json", _strip_root(text))


def _cell(value: Any) -> Any:
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, (Decimal, float)):
        return format(Decimal(str(value)), "f")
    if isinstance(value, str):
        return _strip_root(value)
    return value


def test_disagreement_sheet_cells(planted: CheckResult, tmp_path: Path) -> None:
    path = write_excel(planted, tmp_path / "report.xlsx")
    ws = load_workbook(path)["Disagreement"]
    rows = [[_cell(c) for c in row] for row in ws.iter_rows(values_only=True)]
    formats = [c.number_format for c in ws[2]]
    text = json.dumps({"rows": rows, "number_formats": formats}, indent=1, ensure_ascii=False)
    _compare("planted_disagreement_sheet.json", text + "\n")
    header = rows[0]
    for name in ("Disputed figure", "Should match", "Difference"):
        j = header.index(name)
        for row in rows[1:]:
            ok = row[j] is None or isinstance(row[j], int)
            assert ok or re.fullmatch(r"-?\d+(\.\d+)?", row[j]), (name, row[j])


def test_draft_html(planted: CheckResult) -> None:
    html = render_html(planted)
    start = html.index('<section class="page" id="disagreement">')
    end = html.index("</section>", start) + len("</section>")
    _compare("planted_disagreement.html", _strip_root(html[start:end]) + "\n")
