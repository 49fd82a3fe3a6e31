"""Writing fails midway: the previous report stays intact and no temporary file is left."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook

from recon import atomic
from recon.atomic import atomic_write_bytes
from recon.errors import OutputError
from recon.models.results import CheckResult
from recon.report import write_reports


def _previous(result: CheckResult, out: Path) -> dict[str, bytes]:
    write_reports(result, out)
    return {p.name: p.read_bytes() for p in sorted(out.iterdir())}


def test_excel_failing_midway_keeps_the_previous_workbook(
    result: CheckResult, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = _previous(result, tmp_path)

    def half_save(self: Workbook, filename: str) -> None:
        Path(filename).write_bytes(b"PK\x03\x04 half a workbook")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(Workbook, "save", half_save)
    with pytest.raises(OutputError, match="No space left on device"):
        write_reports(result, tmp_path)
    assert {p.name: p.read_bytes() for p in sorted(tmp_path.iterdir())} == before


def test_html_failing_at_fsync_keeps_the_previous_page(
    result: CheckResult, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = _previous(result, tmp_path)
    changed = result.model_copy(update={"recon_version": "9.9.9"})
    from recon.report import html

    def fsync_fails(fd: int) -> None:
        raise OSError(5, "Input/output error")

    def write_then_fail(path: Path, data: bytes) -> None:
        # the page's bytes are out in the temporary file; fsync then fails
        monkeypatch.setattr(atomic.os, "fsync", fsync_fails)
        atomic_write_bytes(path, data)

    monkeypatch.setattr(html, "atomic_write_bytes", write_then_fail)
    with pytest.raises(OutputError, match="Input/output error"):
        write_reports(changed, tmp_path)
    assert (tmp_path / "report.html").read_bytes() == before["report.html"]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(before)
