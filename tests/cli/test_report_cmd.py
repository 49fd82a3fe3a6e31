"""recon.cli.report_cmd: ``recon report FINDINGS_DIR`` rebuilds the reports of a saved
check, prints its verdict and the files written, and exits as the check did."""

from __future__ import annotations

from pathlib import Path

import pytest
from builders.results import save_result as _save
from click.testing import CliRunner
from openpyxl import load_workbook
from paths import FIXTURES

from recon.api import check
from recon.cli.main import main
from recon.cli.report_cmd import report
from recon.models.results import CheckResult


@pytest.fixture(scope="module")
def result() -> CheckResult:
    """The planted SWANGEN week checked (it has error findings)."""
    return check(FIXTURES / "planted_week" / "SWANGEN_2024-12-01")


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


def test_a_clean_saved_check_exits_0_and_prints_its_verdict_and_files(tmp_path: Path) -> None:
    clean = _save(check(FIXTURES / "sample_week" / "csv"), tmp_path / "check")
    run = CliRunner().invoke(report, [str(clean)], terminal_width=80)
    assert run.exit_code == 0, run.output
    for name in ("report.xlsx", "report.html", "disagreement.csv"):
        assert name in run.output
        assert (clean / name).is_file()
    assert sorted(p.name for p in clean.iterdir()) == [
        "disagreement.csv", "report.html", "report.xlsx", "result.json",
    ]  # fmt: skip


def test_the_reports_replace_the_earlier_set_and_keep_other_files(
    result: CheckResult, tmp_path: Path
) -> None:
    folder = _save(result, tmp_path / "check")
    (folder / "report.html").write_text("an earlier report", encoding="utf-8")
    (folder / "notes.txt").write_text("mine", encoding="utf-8")
    assert main(["report", str(folder)]) == 1
    assert "an earlier report" not in (folder / "report.html").read_text(encoding="utf-8")
    assert (folder / "notes.txt").read_text(encoding="utf-8") == "mine"


def test_a_damaged_result_is_one_line_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "result.json").write_text('{"findings": 3}', encoding="utf-8")
    assert main(["report", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "not a saved recon check" in err and "Traceback" not in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["result.json"]


def test_the_help_names_every_option() -> None:
    run = CliRunner().invoke(report, ["--help"], terminal_width=80)
    assert run.exit_code == 0
    assert "FINDINGS_DIR" in run.output and "--out" in run.output
