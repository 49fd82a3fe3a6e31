"""``recon check``'s terminal summary: readable at an 80-column terminal and a wide one.

The summary goes to stderr through recon's stable console; a test lays that console out
at a width (as a terminal of that size would, :func:`recon.cli.progress.fixed_width`) and
reads what it printed.
"""

from __future__ import annotations

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
