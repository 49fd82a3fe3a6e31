"""No input text can crash an output (issue 22, "Crashes, escapes"): an ESC, BEL, RLO or
lone surrogate anywhere a week's files or your own data carry text gives the findings it
deserves and every output, each showing the character escaped (``\\x1b``, ``U+202E``,
``\\ud800``).

The weeks are written by ``fixtures/hostile.py`` (the fixture generator's runs and writers,
never recon's code).
"""

from __future__ import annotations

import json
import logging
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from paths import REPO

from .helpers import (
    RunCli,
    assert_outputs_clean,
    assert_terminal_clean,
    chart_titles,
    hostile_fixture,
    raw_characters,
    raw_in_outputs,
    recon_env,
    workbook_texts,
)

hx = hostile_fixture()


def _week(tmp_path: Path, **texts: str) -> Any:
    return hx.write_week(tmp_path / "in", hx.Texts(**texts))


def _checked(recon_cli: RunCli, out: Path, *argv: str | Path) -> Any:
    """``recon check`` that must exit by its findings and write the whole set, clean of raw
    characters in the reports and on the terminal."""
    run = recon_cli("check", *argv, "--out", out, "--no-progress", out=out)
    assert_terminal_clean(run)
    assert run.code in (0, 1), run.err[-3000:]
    assert_outputs_clean(out)
    return run


def _result(out: Path) -> dict[str, Any]:
    return json.loads((out / "result.json").read_text("utf-8"))


# ------------------------------------------------------- ESC and BEL: IllegalCharacterError


def test_an_esc_in_the_participant_code_of_a_run_with_an_adj(
    tmp_path: Path, recon_cli: RunCli
) -> None:
    """Today: "internal error: IllegalCharacterError" from the ADJ chart's title, no outputs."""
    week = _week(tmp_path, participant="SWAN\x1bGEN\x07")
    out = tmp_path / "out"
    _checked(recon_cli, out, week.aemo)
    shown = "SWAN\\x1bGEN\\x07"
    assert f"{shown}: ADJ deltas by variable" in chart_titles(out / "report.xlsx")
    cells = [text for _, text in workbook_texts(out / "report.xlsx")]
    assert f"{shown}: ADJ deltas by variable" in cells  # the section title above the chart
    assert shown in (out / "report.html").read_text("utf-8")
    assert {r["participant"] for r in _result(out)["runs"]} == {"SWAN\x1bGEN\x07"}  # data kept


def test_an_esc_in_an_own_series_name(tmp_path: Path, recon_cli: RunCli) -> None:
    """Today: "internal error: IllegalCharacterError" from the Own data sheet."""
    week = _week(tmp_path, series="SCADA \x1b[31mred\x07")
    out = tmp_path / "out"
    _checked(recon_cli, out, week.aemo, "--own", week.own)
    own = dict(workbook_texts(out / "report.xlsx"))
    assert "SCADA \\x1b[31mred\\x07" in own.values()
    assert "SCADA \\x1b[31mred\\x07" in (out / "report.html").read_text("utf-8")


def test_a_bel_in_a_scada_scope(tmp_path: Path, recon_cli: RunCli) -> None:
    """Today: "internal error: IllegalCharacterError" from the Own data sheet (the scope of
    the intervals ADJ1 revised, explained against your figure)."""
    scope = "SWANGEN_WF1\x07\x1b"
    week = _week(tmp_path, scope=scope, scada_scope=scope)
    out = tmp_path / "out"
    run = _checked(recon_cli, out, week.aemo, "--own", week.own)
    assert run.code == 1  # AEMO's scope does not fit its grammar: data.scope
    explained = {f["scope"] for f in run.findings if f["check"] == "own.value"}
    assert explained == {scope}  # data: the text as it was
    texts = [text for _, text in workbook_texts(out / "report.xlsx")]
    assert "SWANGEN_WF1\\x07\\x1b" in texts
    assert "SWANGEN_WF1\\x07\\x1b" in (out / "report.html").read_text("utf-8")


def test_an_rlo_never_reaches_the_workbook_raw(tmp_path: Path, recon_cli: RunCli) -> None:
    """Today the ADJ chart's section title and chart title carry U+202E as it is."""
    week = _week(tmp_path, participant="SWAN\u202eNEG", series="meters \u202e\u2066")
    out = tmp_path / "out"
    _checked(recon_cli, out, week.aemo, "--own", week.own)
    texts = [text for _, text in workbook_texts(out / "report.xlsx")]
    assert "SWANU+202ENEG: ADJ deltas by variable" in texts
    assert "SWANU+202ENEG: ADJ deltas by variable" in chart_titles(out / "report.xlsx")
    assert "meters U+202EU+2066" in texts


def test_recon_report_on_a_result_holding_esc_and_bel(tmp_path: Path, recon_cli: RunCli) -> None:
    """``check --no-reports`` saves such a result today; ``recon report`` then crashed."""
    week = _week(tmp_path, participant="SWAN\x1bGEN", series="SCADA\x07")
    saved = tmp_path / "saved"
    run = recon_cli(
        "check", week.aemo, "--own", week.own, "--out", saved, "--no-reports", "--no-progress"
    )
    assert run.code in (0, 1), run.err
    run = recon_cli("report", saved, "--out", tmp_path / "reports")
    run.assert_no_traceback()
    assert run.code in (0, 1), run.err
    assert sorted(os.listdir(tmp_path / "reports")) == [
        "disagreement.csv",
        "report.html",
        "report.xlsx",
    ]
    assert not raw_in_outputs(tmp_path / "reports")
    assert not raw_characters(run.out + run.err)


# --------------------------------------------------- lone surrogates: UnicodeEncodeError


def test_a_lone_surrogate_in_an_invoice_line_description(tmp_path: Path, recon_cli: RunCli) -> None:
    """Today: "internal error: UnicodeEncodeError", no outputs."""
    week = _week(tmp_path, description="Real-Time \ud800 settlement", variable="MKT\udfffFEE")
    out = tmp_path / "out"
    run = _checked(recon_cli, out, week.aemo)
    assert run.code == 1  # MKT\udfffFEE is no statement variable: invoice.line_missing
    lines = {(li["variable"], li["description"]) for li in _result(out)["lines"]}
    assert ("RTMSA_P_D", "Real-Time \\ud800 settlement") in lines  # six characters, as shown
    findings = json.loads((out / "findings.json").read_text("utf-8"))["findings"]
    assert any(f["variable"] == "MKT\\udfffFEE" for f in findings)
    texts = [text for _, text in workbook_texts(out / "report.xlsx")]
    assert "Real-Time \\ud800 settlement" in texts
    run = recon_cli("report", out)
    run.assert_no_traceback()
    assert run.code == 1


def test_recon_report_on_a_result_json_holding_a_lone_surrogate_escape(
    tmp_path: Path, recon_cli: RunCli
) -> None:
    """A result.json whose scope holds ``\\ud800`` (JSON allows the escape, UTF-8 cannot
    hold it): today "is not a saved recon check" (exit 2); the reports show it escaped."""
    week = _week(tmp_path, scope="SWANGEN WF1 X")
    out = tmp_path / "out"
    _checked(recon_cli, out, week.aemo)
    path = out / "result.json"
    text = path.read_text("utf-8")
    assert '"scope": "SWANGEN WF1 X"' in text  # the data.scope finding
    path.write_text(text.replace("SWANGEN WF1 X", "SWANGEN WF1 \\ud800"), "utf-8")
    run = recon_cli("report", out, "--out", tmp_path / "reports")
    run.assert_no_traceback()
    assert run.code == 1, run.err
    assert not raw_in_outputs(tmp_path / "reports")
    assert "SWANGEN WF1 \\ud800" in (tmp_path / "reports" / "report.html").read_text("utf-8")


def test_a_result_json_that_is_not_utf8_is_one_clear_line(
    tmp_path: Path, recon_cli: RunCli
) -> None:
    (tmp_path / "result.json").write_bytes(b'{"findings": "\xff"}')
    run = recon_cli("report", tmp_path)
    run.assert_no_traceback()
    assert run.code == 2
    assert len(run.error_lines) == 1 and "not UTF-8" in run.error_lines[0]


def test_file_names_with_undecodable_bytes(tmp_path: Path, recon_cli: RunCli) -> None:
    """A file named with bytes that are not UTF-8 (Python holds them as ``\\udcff``): today
    "internal error: UnicodeEncodeError" in check, and in ingest from the store's insert."""
    week = _week(tmp_path, file_name="\udcff\x1b[2J\u202e", description="RT \udcfe")
    out = tmp_path / "out"
    _checked(recon_cli, out, week.aemo)
    paths = [i["path"] for i in json.loads((out / "findings.json").read_text())["inputs"]]
    assert paths and all("\\udcff\x1b[2J\u202e" in p for p in paths)  # data: only \udcff
    store = tmp_path / "s.duckdb"
    run = recon_cli("ingest", week.aemo, "--store", store, "--no-progress")
    run.assert_no_traceback()
    assert run.code == 0, run.err
    assert not raw_characters(run.out + run.err)
    _checked(recon_cli, tmp_path / "again", week.aemo, "--store", store)
    run = recon_cli(
        "audit", "--store", store, "--from", "2024-12-01", "--to", "2024-12-07", "--out", out
    )
    run.assert_no_traceback()
    assert run.code in (0, 1)
    assert not raw_in_outputs(out)


@pytest.mark.parametrize("suffix", [".xlsx", ".csv", ".parquet"])
def test_decode_of_a_file_with_hostile_text_and_name(
    tmp_path: Path, recon_cli: RunCli, suffix: str
) -> None:
    """decode writes every format; the workbook shows ESC and RLO escaped (today: U+FFFD
    for the ESC, the RLO raw), and an undecodable file name no longer crashes the reader."""
    week = _week(tmp_path, scope="SWANGEN_WF1\x1b[2J\u202e", file_name="\udcff")
    day = next(
        f
        for f in week.files
        if f.name.endswith("INITIAL_SettlementStatementDetail_2024-12-01.json")
    )
    target = tmp_path / f"long{suffix}"
    run = recon_cli("decode", day, "--out", target, "--no-progress")
    run.assert_no_traceback()
    assert run.code == 1, run.err  # the scope does not fit its grammar: data.scope
    assert target.is_file()
    assert not raw_characters(run.out + run.err)
    if suffix == ".xlsx":
        texts = [text for _, text in workbook_texts(target)]
        assert not [t for t in texts if raw_characters(t)]
        assert "SWANGEN_WF1\\x1b[2JU+202E" in texts


def test_a_lone_surrogate_in_a_json_scope_and_participant(
    tmp_path: Path, recon_cli: RunCli
) -> None:
    week = _week(tmp_path, scope="SWANGEN_WF1\ud800", participant="SWAN\udc00GEN")
    _checked(recon_cli, tmp_path / "out", week.aemo)


# ------------------------------------------------------------- the terminal and log lines


def test_a_newline_in_a_file_name_cannot_forge_a_log_line(tmp_path: Path) -> None:
    """``recon -v ingest`` logs each file: a file name holding a newline is one line."""
    week = _week(tmp_path, file_name="x\nWARNING  forged\n")
    store = tmp_path / "s.duckdb"
    argv = ["-v", "ingest", str(week.aemo), "--store", str(store), "--no-progress"]
    done = subprocess.run(
        [sys.executable, "-m", "recon", *argv], capture_output=True, env=recon_env(), timeout=300
    )
    err = done.stderr.decode("utf-8", "replace")
    assert done.returncode == 0, err[-3000:]
    assert "x\\x0aWARNINGforged\\x0a" in "".join(err.split())  # however the log wraps
    assert not any(line.lstrip().startswith("WARNING  forged") for line in err.splitlines())
    assert not raw_characters(err)


def test_log_arguments_are_escaped_whole(caplog: pytest.LogCaptureFixture) -> None:
    from recon.cli.main import _SafeRecords

    record = logging.LogRecord(
        "recon", logging.INFO, __file__, 1, "read %s: %d", ("a\nb\ud800", 3), None
    )
    assert _SafeRecords().filter(record)
    assert record.getMessage() == "read a\\x0ab\\ud800: 3"
    bad = logging.LogRecord("recon", logging.INFO, __file__, 1, "%d files", ("x\x1b",), None)
    assert _SafeRecords().filter(bad)  # a format that does not fit: no exception
    assert not raw_characters(bad.getMessage())


# ------------------------------------------------------------------------ the workbook


def test_a_text_longer_than_a_cell_holds_is_cut_and_says_so() -> None:
    from recon.report.sheet import CELL_MAX_CHARS, xl_text

    text = xl_text("\x1b" * CELL_MAX_CHARS)  # escaped, four times as long
    assert len(text) <= CELL_MAX_CHARS
    assert text.endswith(f"({4 * CELL_MAX_CHARS - (CELL_MAX_CHARS - 40)} more characters)")


def test_every_text_openpyxl_receives_goes_through_xl_text() -> None:
    """Static audit of the modules that write workbooks: a chart, axis or sheet title is set
    through ``xl_text``, a cell's value only by ``write_cell`` (or a literal), never a whole
    row at once (``ws.append``), and no comment, hyperlink or defined name is made."""
    root = REPO / "recon"
    writers = [p for p in root.rglob("*.py") if "openpyxl" in p.read_text("utf-8")]
    assert root / "report" / "sheet.py" in writers and len(writers) >= 4
    problems = []
    for path in writers:
        for n, line in enumerate(path.read_text("utf-8").splitlines(), start=1):
            where = f"{path.relative_to(root)}:{n}: {line.strip()}"
            if re.search(r"\.title\s*=", line) and "xl_text(" not in line:
                problems.append(where)
            if re.search(r"\.cell\(.*value=(?!\")", line) or re.search(r"\bws\.append\(", line):
                problems.append(where)
            if re.search(r"\.value\s*=", line) and path.name != "sheet.py":
                problems.append(where)
            if re.search(r"\b(Comment|Hyperlink|DefinedName)\(", line):
                problems.append(where)
    assert not problems, problems
