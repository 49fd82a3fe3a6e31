"""``recon report DIR``: rebuild both reports from a saved check's result.json."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from recon.cli.main import main
from recon.cli.report_cmd import report
from recon.models.results import CheckResult


def _save(result: CheckResult, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "result.json").write_text(result.model_dump_json(indent=1), encoding="utf-8")
    return folder


def test_report_command(result: CheckResult, tmp_path: Path) -> None:
    folder = _save(result, tmp_path / "check")
    out = tmp_path / "reports"
    assert main(["report", str(folder), "--out", str(out)]) == 1  # it has error findings
    assert load_workbook(out / "report.xlsx").sheetnames[0] == "Overview"
    assert "Notice of Disagreement" in (out / "report.html").read_text(encoding="utf-8")
    # default: next to result.json
    run = CliRunner().invoke(report, [str(folder)])
    assert run.exception is None, run.output
    assert (folder / "report.xlsx").is_file() and (folder / "report.html").is_file()


def test_report_command_without_result_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["report", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "result.json" in err and "Traceback" not in err
