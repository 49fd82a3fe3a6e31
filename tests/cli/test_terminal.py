"""What the commands print, read as an analyst reads it: at exactly 80 columns and wider.

Each command runs in-process (``recon.cli.main.main``) on the fixture weeks with recon's
consoles laid out at a given width (:func:`recon.cli.progress.fixed_width`), so the result
does not depend on the terminal the tests run in. Every line must fit, carry no trailing
padding, and break only between words; every label says what it is: weeks as AEMO labels
them, times in AWST with the zone named, one name per kind of artefact.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from paths import FIXTURES
from paths import REPO as ROOT

from recon.cli.main import main
from recon.cli.progress import fixed_width

WIDTHS = [80, 120]
BOX = set("┏┓┗┛┃━┡┩└┘│─┼┬┴├┤╇╈┳┻╋┠┨┯┷")


def run(args: list[str], width: int, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """Run one command at ``width`` columns; return (exit status, stdout, stderr)."""
    capsys.readouterr()
    with fixed_width(width):
        code = main(args)
    out = capsys.readouterr()
    return code, out.out, out.err


def assert_fits(text: str, width: int) -> None:
    """Every line at most ``width`` wide and without trailing spaces."""
    for line in text.splitlines():
        assert len(line) <= width, f"{len(line)} > {width}: {line!r}"
        assert line == line.rstrip(), f"trailing spaces: {line!r}"


def squeeze(text: str) -> str:
    """The text without white space: a long path broken across lines reads back whole."""
    return re.sub(r"\s+", "", text)


def prose(text: str) -> str:
    """The text outside tables, its lines joined: a paragraph wrapped at word boundaries
    reads back whole."""
    lines = [ln for ln in text.splitlines() if not (set(ln) & BOX)]
    return " ".join(" ".join(lines).split())


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("store") / "recon.duckdb"
    folders = [str(FIXTURES / "history"), str(FIXTURES / "sample_week")]
    code = main(["ingest", *folders, "--store", str(path), "--no-progress"])
    assert code == 0
    return path


@pytest.mark.parametrize("width", WIDTHS)
def test_check_fits_and_says_what_every_label_is(
    width: int, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "planted"
    args = ["check", str(FIXTURES / "planted_week"), "--materiality", "5000", "--out", str(out)]
    code, _, err = run([*args, "--no-progress"], width, capsys)
    assert code == 1
    assert_fits(err, width)
    flat = prose(err)
    # The coverage line (217 characters) wrapped at word boundaries, whole when read back.
    assert (
        "3 runs fully checked; run 51230 of PLANTCO has no Detail; run 54237 of PLANTCO has "
        "no Detail and no previous run among the inputs; run 50871 of PLANTCO has no Detail; "
        "run 56130 of PLANTCO has no Detail and no invoice." in flat
    )
    # Weeks as AEMO labels them, times in AWST with the zone named.
    assert "TW 24 Nov 2024" in err and "TW 01 Dec 2024" in err
    lines = err.splitlines()
    at = next(i for i, ln in enumerate(lines) if "2024-12-12" in ln)
    assert "15:30 AWST" in lines[at + 1]  # run 50871's PublishedAt, the time under the date
    assert "15:30 AWST" in err and "2024-12-19T" not in err
    # One name per kind of artefact.
    assert "Summary CSV+JSON" in err and "summary_csv" not in err
    # The cut list says where the rest is; every file written is listed.
    assert "13 more findings in report.html." in flat
    for name in ("report.html", "report.xlsx", "findings.json", "result.json", "disagreement.csv"):
        assert re.search(rf"^  {re.escape(name)}\s+\S", err, flags=re.M), name
    assert squeeze(f"Wrote 5 files into {out}:") in squeeze(err)  # however long the path
    # Own data is own data, not "skipped".
    assert "Your own data: 3 files, used with --own" in flat
    assert "own.toml: text that is not" not in flat
    assert "Skipped 4 input(s)" in flat  # EXPECTED_FINDINGS.md and the three expected JSONs


@pytest.mark.parametrize("width", WIDTHS)
def test_a_trading_day_finding_names_its_day_on_the_terminal(
    width: int, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    week = FIXTURES / "planted_week" / "SWANGEN_2024-12-01"
    code, _, err = run(
        ["check", str(week), "--out", str(tmp_path / "o"), "--no-progress"], width, capsys
    )
    assert code == 1
    assert_fits(err, width)
    assert "Interval 1," not in err and "08:00–08:00" not in err
    if width < 100:  # the findings as a list (wider, as a table whose cells wrap)
        flat = prose(err)
        assert "summary_detail.value run 53874 CCPAY_P_D Trading Day 5 Dec 2024" in flat
        assert "MSQ_F_I Trading Interval 23, 19:00–19:30 AWST, 4 Dec 2024" in flat


@pytest.mark.parametrize("width", WIDTHS)
def test_the_sample_week_lists_its_own_data_as_own_data(
    width: int, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "sample"
    code, _, err = run(
        ["check", str(FIXTURES / "sample_week"), "--out", str(out), "--no-progress"], width, capsys
    )
    assert code == 0
    assert_fits(err, width)
    flat = prose(err)
    assert "Skipped" not in err
    assert "Your own data: 3 files, used with --own" in flat
    assert "sample_week/own/SWANGEN_scada_msq.csv" in err
    assert "No discrepancies. 3 runs fully checked." in flat


def test_report_says_the_verdict_and_why(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "planted"
    args = ["check", str(FIXTURES / "planted_week"), "--materiality", "5000", "--out", str(out)]
    code, _, _ = run([*args, "--no-progress"], 80, capsys)
    assert code == 1
    code, _, err = run(["report", str(out)], 80, capsys)
    assert code == 1
    assert_fits(err, 80)
    flat = prose(err)
    assert (
        "Discrepancies found: 21 errors in 10 root causes; $0.00 at stake "
        "(1 invoice not recomputed); 3 warnings, 1 info." in flat
    )
    assert "3 runs fully checked; run 51230 of PLANTCO has no Detail;" in flat
    assert "report.xlsx" in err and "report.html" in err


@pytest.mark.parametrize("width", WIDTHS)
def test_runs_shows_week_labels_awst_times_and_artefact_names(
    width: int, store: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(["runs", "--store", str(store)], width, capsys)
    assert code == 0
    assert_fits(out, width)
    assert "TW 24 Nov 2024" in out and "2024-11-24" not in out
    assert "15:30 AWST" in out
    assert "Summary CSV+JSON" in out and "Detail JSON+ZIP" in out


@pytest.mark.parametrize("width", WIDTHS)
def test_weekly_shows_what_each_weeks_check_covered(
    width: int, store: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["weekly", "--store", str(store), "--no-fetch", "--since", "2024-01-01"]
    code, _, err = run([*args, "--out-root", str(tmp_path / "r"), "--no-progress"], width, capsys)
    assert code == 0
    assert_fits(err, width)
    assert "TW 24 Nov 2024" in err and "TW 08 Dec 2024" in err
    assert "2024-11-24 " not in err
    assert "Coverage" in err and err.count("fully checked") >= 3
    assert "0 errors" in err
    assert "UTC" not in err  # times in AWST with the zone named


def test_log_lines_are_not_padded_when_piped(tmp_path: Path) -> None:
    """stderr a pipe: each log record one line, never padded to a width."""
    week, out = str(FIXTURES / "sample_week"), str(tmp_path / "o")
    proc = subprocess.run(
        [sys.executable, "-m", "recon", "-v", "check", week, "--out", out, "--no-progress"],
        capture_output=True,
        text=True,
        check=False,
        env={"PATH": "/usr/bin:/bin", "COLUMNS": "200", "LANG": "C.UTF-8"},
        cwd=ROOT,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    logs = [ln for ln in proc.stderr.splitlines() if ln.startswith(("INFO ", "WARNING "))]
    assert logs, proc.stderr[:2000]
    for line in proc.stderr.splitlines():
        assert line == line.rstrip(), repr(line)
