"""``recon check``'s terminal summary: readable at an 80-column terminal and a wide one.

The summary goes to stderr through recon's stable console; a test gives that console a
width (as a terminal of that size would) and reads what it printed.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest

import recon
import recon.cli.check_cmd as check_cmd
from recon.cli.progress import console

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"


@pytest.fixture(scope="module")
def planted() -> recon.CheckResult:
    return recon.check(FIXTURES / "planted_week")


def _printed(result: recon.CheckResult, width: int, monkeypatch: pytest.MonkeyPatch) -> str:
    buf = io.StringIO()
    monkeypatch.setattr(check_cmd, "stderr", console(file=buf, width=width, color_system=None))
    check_cmd.print_summary(result)
    return buf.getvalue()


@pytest.mark.parametrize("width", [80, 100, 160])
def test_no_line_is_wider_than_the_terminal_and_no_check_id_is_split(
    planted: recon.CheckResult, width: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = _printed(planted, width, monkeypatch)
    table_lines = [
        line
        for line in out.splitlines()
        if not line.startswith("  ")  # the skipped files' lines are never hard-broken
        and not line.startswith(("3 runs", "Discrepancies"))  # nor is the verdict
    ]
    assert max(len(line.rstrip()) for line in table_lines) <= width
    worst = [f for f in planted.findings if f.severity.value == "error"][:12]
    for f in worst:
        assert f.check in out  # whole, never folded across two lines
    assert "TW 24 Nov 2024" in out and "TW 01 Dec 2024" in out  # week labels whole


def test_at_80_columns_each_finding_reads_as_a_heading_and_its_message(
    planted: recon.CheckResult, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = _printed(planted, 80, monkeypatch)
    flat = " ".join(out.split())
    line = next(
        f for f in planted.findings if f.check == "invoice.line" and f.variable == "SOFEE_P_D"
    )
    assert f"error invoice.line run {line.run_id} SOFEE_P_D" in flat
    assert " ".join(line.message.split()) in flat
    runs = out[out.index("Runs checked") : out.index("Worst findings")]
    assert "Summary CSV+JSON" in runs and "INITIAL" in runs


def test_a_wide_terminal_keeps_the_findings_table(
    planted: recon.CheckResult, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = _printed(planted, 160, monkeypatch)
    header = next(line for line in out.splitlines() if "Severity" in line)
    for col in ("Check", "Run", "Variable", "When", "Message"):
        assert col in header
