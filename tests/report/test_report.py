"""recon.report: write_reports writes the three reports into a folder; result_json and
load_result save a check and read it back."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook

from recon.errors import InputError
from recon.models.results import CheckResult
from recon.report import load_result, write_reports
from recon.report.html import render_html


def _save(result: CheckResult, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "result.json").write_text(result.model_dump_json(indent=1), encoding="utf-8")
    return folder


def test_load_result_round_trip(result: CheckResult, tmp_path: Path) -> None:
    folder = _save(result, tmp_path / "check")
    back = load_result(folder)
    assert back == result
    assert load_result(folder / "result.json") == result
    assert render_html(back) == render_html(result)


def test_load_result_errors(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="run 'recon check"):
        load_result(tmp_path)
    (tmp_path / "result.json").write_text('{"findings": 3}', encoding="utf-8")
    with pytest.raises(InputError, match="not a saved recon check"):
        load_result(tmp_path)


def test_write_reports(result: CheckResult, tmp_path: Path) -> None:
    paths = write_reports(result, tmp_path / "new" / "out")
    assert [p.name for p in paths] == ["report.xlsx", "report.html", "disagreement.csv"]
    assert all(p.is_file() for p in paths)


def test_empty_check_still_reports(tmp_path: Path) -> None:
    from datetime import UTC, datetime

    empty = CheckResult(generated_at=datetime(2024, 1, 1, tzinfo=UTC))
    xlsx, html, draft = write_reports(empty, tmp_path)
    assert draft.read_bytes().decode("utf-8-sig").count("\n") == 1  # the header only
    assert load_workbook(xlsx)["Findings"].max_row == 1
    page = html.read_text(encoding="utf-8")
    assert "verdict-clean" in page and "No error finding: nothing to disagree with." in page
    assert "2024-01-01 08:00:00 AWST" in page  # the check's time, shown in AWST
