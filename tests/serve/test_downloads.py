"""recon.serve.downloads: the files a week page and the audit page offer, and their names."""

from __future__ import annotations

import json
import tempfile
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook

from recon.errors import ReconError
from recon.models.audit import Audit
from recon.report.audit import AUDIT_SHEETS, audit_json
from recon.serve.config import ServeConfig
from recon.serve.downloads import AUDIT_FILES, WEEK_FILES, XLSX, audit_file, week_file

WEEK = date(2024, 12, 15)


def test_download_names_are_built_from_safe_characters_only() -> None:
    from recon.serve.downloads import attachment

    assert attachment("../../x", "2024-12-15", "report.html") == (
        'attachment; filename="recon_.._.._x_2024-12-15_report.html"'
    )
    assert attachment('a"; filename="evil.exe', "w", "f") == (
        'attachment; filename="recon_a___filename__evil.exe_w_f"'
    )


def test_a_weeks_findings_are_those_of_a_check_from_the_store(walk_store: Path) -> None:
    data = week_file(ServeConfig(store=walk_store), "SWANGEN", WEEK, "findings.json")
    doc = json.loads(data)
    assert {i["run_id"] for i in doc["inputs"] if i.get("run_id")} == {51958, 54601, 57219}
    d = [f for f in doc["findings"] if f.get("variable") == "REGFEE_P_D"]
    assert {f["run_id"] for f in d} == {51958, 54601, 57219}  # D, in every run


def test_a_weeks_page_is_made_and_nothing_is_left_behind(
    walk_store: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    data = week_file(ServeConfig(store=walk_store), "SWANGEN", WEEK, "report.html")
    assert data.startswith(b"<!DOCTYPE html>")
    assert "TW 15 Dec 2024" in data.decode("utf-8")
    assert list(tmp_path.iterdir()) == []


def test_a_name_not_offered_is_refused_before_any_work(tmp_path: Path) -> None:
    config = ServeConfig(store=tmp_path / "missing.duckdb")
    with pytest.raises(KeyError):
        week_file(config, "SWANGEN", WEEK, "result.json")
    with pytest.raises(KeyError):
        audit_file(Audit(start=WEEK, end=WEEK, participant=None), "audit.csv")


def test_a_week_the_store_does_not_hold_is_a_store_error(walk_store: Path) -> None:
    with pytest.raises(ReconError):
        week_file(ServeConfig(store=walk_store), "PLANTCO", WEEK, "findings.json")


def test_an_audits_files_are_those_recon_audit_writes(tmp_path: Path) -> None:
    audit = Audit(
        start=WEEK,
        end=WEEK,
        participant="SWANGEN",
        generated_at=datetime(2025, 1, 6, tzinfo=UTC),
        recon_version="9.9.9",
    )
    assert audit_file(audit, "audit.json") == audit_json(audit)
    (tmp_path / "audit.xlsx").write_bytes(audit_file(audit, "audit.xlsx"))
    assert load_workbook(tmp_path / "audit.xlsx").sheetnames == list(AUDIT_SHEETS)
    assert audit.empty_line() in audit_file(audit, "audit.html").decode("utf-8")


def test_the_media_types_offered() -> None:
    assert set(WEEK_FILES) == {"report.html", "report.xlsx", "findings.json"}
    assert set(AUDIT_FILES) == {"audit.json", "audit.xlsx", "audit.html"}
    assert WEEK_FILES["report.xlsx"] == AUDIT_FILES["audit.xlsx"] == XLSX
