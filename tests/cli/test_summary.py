"""``recon check``'s terminal summary: readable at an 80-column terminal and a wide one.

The summary goes to stderr through recon's stable console; a test lays that console out
at a width (as a terminal of that size would, :func:`recon.cli.progress.fixed_width`) and
reads what it printed.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from paths import FIXTURES

import recon
import recon.cli.summary as check_cmd
from recon.cli.progress import fixed_width


@pytest.fixture(scope="module")
def planted() -> recon.CheckResult:
    return recon.check(FIXTURES / "planted_week")


def _printed(result: recon.CheckResult, width: int, capsys: pytest.CaptureFixture[str]) -> str:
    capsys.readouterr()
    with fixed_width(width):
        check_cmd.print_summary(result)
    return capsys.readouterr().err


@pytest.mark.parametrize("width", [80, 100, 160])
def test_no_line_is_wider_than_the_terminal_and_no_check_id_is_split(
    planted: recon.CheckResult, width: int, capsys: pytest.CaptureFixture[str]
) -> None:
    out = _printed(planted, width, capsys)
    # Every line fits, the skipped files and the verdict wrapped at word boundaries too.
    assert max(len(line) for line in out.splitlines()) <= width
    worst = [f for f in planted.findings if f.severity.value == "error"][:12]
    for f in worst:
        assert f.check in out  # whole, never folded across two lines
    assert "TW 24 Nov 2024" in out and "TW 01 Dec 2024" in out  # week labels whole


def test_at_80_columns_each_finding_reads_as_a_heading_and_its_message(
    planted: recon.CheckResult, capsys: pytest.CaptureFixture[str]
) -> None:
    out = _printed(planted, 80, capsys)
    flat = " ".join(out.split())
    line = next(
        f for f in planted.findings if f.check == "invoice.line" and f.variable == "SOFEE_P_D"
    )
    assert f"error invoice.line run {line.run_id} SOFEE_P_D" in flat
    assert " ".join(line.message.split()) in flat
    runs = out[out.index("Runs checked") : out.index("Worst findings")]
    assert "Summary CSV+JSON" in runs and "INITIAL" in runs


def test_a_wide_terminal_keeps_the_findings_table(
    planted: recon.CheckResult, capsys: pytest.CaptureFixture[str]
) -> None:
    out = _printed(planted, 160, capsys)
    header = next(line for line in out.splitlines() if "Severity" in line)
    for col in ("Check", "Run", "Variable", "When", "Message"):
        assert col in header


def _err(capsys: pytest.CaptureFixture[str], width: int, show: Callable[[], None]) -> str:
    capsys.readouterr()
    with fixed_width(width):
        show()
    return capsys.readouterr().err


def test_the_worst_findings_say_how_many_more_and_where(
    planted: recon.CheckResult, capsys: pytest.CaptureFixture[str]
) -> None:
    total = len(planted.findings)
    assert total > 3
    err = _err(capsys, 80, lambda: check_cmd.print_worst(planted, 3, where="findings.json"))
    assert err.splitlines()[0] == f"Worst findings (of {total})"
    assert err.splitlines()[-1] == f"{total - 3} more findings in findings.json."


def test_written_files_are_listed_in_the_set_order_with_what_each_is_for(
    capsys: pytest.CaptureFixture[str],
) -> None:
    out = Path("reports", "TW 01 Dec 2024")  # never touched: only named
    names = ["result.json", "disagreement.csv", "report.html", "findings.json", "notes.txt"]
    err = _err(capsys, 120, lambda: check_cmd.print_written([out / n for n in names]))
    assert err.splitlines() == [
        f"Wrote 5 files into {out}:",
        "  report.html       the report to read and file",
        "  findings.json     every finding, for other programs",
        "  result.json       everything behind the reports (recon report rebuilds them)",
        "  disagreement.csv  the Notice of Disagreement draft, one row per root cause",
        "  notes.txt",
    ]
    one = _err(capsys, 120, lambda: check_cmd.print_written([out / "findings.json"]))
    assert one.splitlines()[0] == f"Wrote 1 file into {out}:"
    assert _err(capsys, 120, lambda: check_cmd.print_written([])) == ""


def test_skipped_files_are_cut_after_ten_with_how_many_more(
    planted: recon.CheckResult, capsys: pytest.CaptureFixture[str]
) -> None:
    skipped = [{"path": f"in/x{n:02d}.txt", "reason": "text that is not a settlement CSV"}
               for n in range(13)]  # fmt: skip
    own = [{"path": "own.toml", "reason": "own data", "own_data": "own.toml"},
           {"path": "own/meters.csv", "reason": "own data", "own_data": "own.toml"}]  # fmt: skip
    result = planted.model_copy(update={"skipped": own + skipped})
    lines = _err(capsys, 120, lambda: check_cmd.print_skipped(result)).splitlines()
    assert lines[:3] == [
        "Your own data: 2 files, used with --own own.toml (not compared in this check):",
        "  own.toml",
        "  own/meters.csv",
    ]
    assert lines[3] == (
        "Skipped 13 input(s) that are not settlement artefacts or could not be used:"
    )
    assert lines[4:6] == ["  in/x00.txt", "    text that is not a settlement CSV"]
    assert "  in/x09.txt" in lines and "  in/x10.txt" not in lines
    assert lines[-1] == "  ... and 3 more (see result.json)"
