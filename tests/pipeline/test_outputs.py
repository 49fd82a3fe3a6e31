"""recon.pipeline.outputs: a check's output set and the report set, each replacing the
earlier set as one, and ``recon report``'s rebuild from a saved check."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from openpyxl import load_workbook
from paths import FIXTURES

from recon.api import check
from recon.errors import InputError
from recon.models.results import CheckResult
from recon.pipeline.outputs import (
    OUTPUT_SET,
    REPORT_SET,
    rebuild_reports,
    write_outputs,
    write_report_set,
)


@pytest.fixture(scope="module")
def planted() -> CheckResult:
    """The planted week checked (files only, nothing recorded)."""
    return check(FIXTURES / "planted_week" / "SWANGEN_2024-12-01")


def _listing(folder: Path) -> list[str]:
    return sorted(os.listdir(folder))


def test_the_sets_are_the_check_files_and_the_reports() -> None:
    assert set(REPORT_SET) < set(OUTPUT_SET)
    assert set(OUTPUT_SET) - set(REPORT_SET) == {"findings.json", "result.json"}


def test_a_check_writes_its_whole_set_and_says_what_it_wrote(
    planted: CheckResult, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    written = write_outputs(planted, out)
    assert sorted(p.name for p in written) == sorted(OUTPUT_SET)
    assert all(p.parent == out and p.stat().st_size > 0 for p in written)
    assert _listing(tmp_path) == ["out"]  # no staging folder left beside it
    findings = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    assert [f["id"] for f in findings["findings"]] == [f.id for f in planted.findings]
    assert findings["counts"] and len(findings["findings"]) == len(planted.findings) > 0
    saved = CheckResult.model_validate_json((out / "result.json").read_text(encoding="utf-8"))
    assert saved.findings == planted.findings


def test_without_reports_the_earlier_reports_go_and_other_files_stay(
    planted: CheckResult, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    write_outputs(planted, out)
    (out / "notes.txt").write_text("mine", encoding="utf-8")
    written = write_outputs(planted, out, reports=False)
    assert [p.name for p in written] == ["result.json", "findings.json"]
    assert _listing(out) == ["findings.json", "notes.txt", "result.json"]


def test_the_report_set_leaves_the_check_files_alone(planted: CheckResult, tmp_path: Path) -> None:
    out = tmp_path / "out"
    write_outputs(planted, out, reports=False)
    before = (out / "result.json").read_bytes()
    written = write_report_set(planted, out)
    assert written[0].name == "report.xlsx"
    assert sorted(p.name for p in written) == sorted(REPORT_SET)
    assert (out / "result.json").read_bytes() == before
    assert _listing(out) == sorted(OUTPUT_SET)


def test_rebuild_reports_reads_the_saved_check_and_writes_where_told(
    planted: CheckResult, tmp_path: Path
) -> None:
    saved = tmp_path / "saved"
    write_outputs(planted, saved, reports=False)
    elsewhere = tmp_path / "elsewhere"
    result, written = rebuild_reports(saved, elsewhere)
    assert result.findings == planted.findings
    assert sorted(p.name for p in written) == sorted(REPORT_SET)
    assert _listing(saved) == ["findings.json", "result.json"]
    workbook = load_workbook(elsewhere / "report.xlsx", read_only=True)
    assert workbook.sheetnames and workbook.sheetnames[0]
    workbook.close()
    result, written = rebuild_reports(saved)
    assert {p.parent for p in written} == {saved}


def test_rebuild_reports_without_a_saved_check_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="run 'recon check"):
        rebuild_reports(tmp_path)
    assert _listing(tmp_path) == []
