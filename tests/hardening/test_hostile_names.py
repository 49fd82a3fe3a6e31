"""Hostile names (issue 16 items 1 and 5, issue 14): a ParticipantCode or file name holding
``../``, ESC, a newline or U+202E never reaches a terminal raw, never names a folder outside
``--out-root``, and rich markup in a path is printed as text."""

from __future__ import annotations

import json
import re
import shutil
from datetime import date
from pathlib import Path

import pytest
from paths import FIXTURES, REPO

from recon.errors import UnsafeNameError
from recon.text import path_component, printable, safe_text

from .helpers import RunCli, tree

SAMPLE_JSON = FIXTURES / "sample_week" / "json"
RAW_ESC = "\x1b"
RAW_RLO = "\u202e"

HOSTILE_CODES = [
    "../2024-12-06/SWANGEN",
    "../../../../elsewhere/ESCAPED",
    "SWAN\x1b[2JGEN",
    "SWAN\nGEN",
    "SWAN/GEN",
    "SWAN\u202eNEG",
    '=HYPERLINK("http://evil.example","x")',
    "<script>alert(1)</script>",
]


def _raw_control(text: str) -> list[str]:
    """Characters in ``text`` that must never reach a terminal or a page raw."""
    return re.findall(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]", text)


# --------------------------------------------------------------------------- the sanitiser


def test_safe_text_escapes_control_and_bidi_characters() -> None:
    assert safe_text("A\x1b[2JB\u202eC\nD\tE") == "A\\x1b[2JBU+202EC\\x0aD\tE"
    assert safe_text("a\nb", keep_newlines=True) == "a\nb"
    assert safe_text(None) == ""
    assert printable("x" * 3000).endswith("(1000 more characters)")


@pytest.mark.parametrize(
    "name",
    [
        "",
        ".",
        "..",
        "../x",
        "a/b",
        "a\\b",
        "C:",
        ".hidden",
        "CON",
        "nul.txt",
        "Com1",
        "LPT9.log",
        "a\x1bb",
        "a\nb",
        "a\u202eb",
        "a\u200bb",
        "trailing.",
        "trailing ",
        "x" * 201,
    ],
)
def test_path_component_refuses(name: str) -> None:
    with pytest.raises(UnsafeNameError) as e:
        path_component(name, "participant code")
    assert "participant code" in str(e.value)
    assert not _raw_control(str(e.value))


@pytest.mark.parametrize("name", ["SWANGEN", "SWAN_GEN2", "51230_detail_2024-12-01_abc.json"])
def test_path_component_keeps_ordinary_names(name: str) -> None:
    assert path_component(name) == name


# ------------------------------------------------------------------ every path from data


def test_every_place_recon_builds_a_path_from_data_refuses_traversal(tmp_path: Path) -> None:
    """The walk: each function that names a file or folder after data, fed hostile data."""
    from recon.pass_client.fetch import artefact_name
    from recon.pipeline.weekly import dated_folder
    from recon.store.export import partition_dir

    week = date(2024, 12, 1)
    for code in HOSTILE_CODES:
        if "/" in code or "\x1b" in code or "\n" in code or "\u202e" in code:
            with pytest.raises(UnsafeNameError):
                dated_folder(tmp_path, date(2025, 1, 3), code, week)
        else:
            folder = dated_folder(tmp_path, date(2025, 1, 3), code, week)
            assert folder.parent.parent == tmp_path
        part = partition_dir(tmp_path, "runs", code, week)
        assert part.parent.parent.parent == tmp_path  # hive-quoted: always one component
        assert not _raw_control(str(part))
    assert (
        artefact_name("detail", 51230, "ab" * 32, week)
        == "51230_detail_2024-12-01_abababababab.json"
    )
    with pytest.raises((UnsafeNameError, ValueError)):
        artefact_name("summary", "1/../../x", "ab" * 32)  # type: ignore[arg-type]


def test_no_path_is_built_from_data_without_path_component() -> None:
    """Static audit: the modules that name files after data all call path_component."""
    root = REPO / "recon"
    for rel in ("pipeline/weekly.py", "store/export.py", "pass_client/fetch.py"):
        assert "path_component(" in (root / rel).read_text("utf-8"), rel


# -------------------------------------------------------------------------- recon weekly


def _inbox_with_participant(root: Path, code: str) -> Path:
    """The sample week's INITIAL Summary and Invoice JSON, with ParticipantCode ``code``."""
    inbox = root / "inbox"
    inbox.mkdir(parents=True)
    for name in (
        "SWANGEN_51230_INITIAL_SettlementStatementSummary.json",
        "SWANGEN_51230_INITIAL_Invoice.json",
    ):
        text = (SAMPLE_JSON / name).read_text("utf-8")
        text = text.replace('"SWANGEN"', json.dumps(code))
        (inbox / name.replace("SWANGEN", "P")).write_text(text, "utf-8")
    return inbox


@pytest.mark.parametrize(
    "code", ["../2024-12-06/SWANGEN", "../../../../elsewhere/ESCAPED", "SWAN\x1b[2JGEN", "A\nB"]
)
def test_weekly_with_a_hostile_inbox_writes_only_under_out_root(
    tmp_path: Path, recon_cli: RunCli, code: str
) -> None:
    inbox = _inbox_with_participant(tmp_path, code)
    out_root = tmp_path / "a" / "b" / "c" / "reports"
    out_root.mkdir(parents=True)
    store = tmp_path / "store" / "s.duckdb"
    store.parent.mkdir()
    before = tree(tmp_path)
    run = recon_cli(
        "weekly", inbox, "--store", store, "--no-fetch", "--out-root", out_root, "--no-progress"
    )
    run.assert_no_traceback()
    after = tree(tmp_path)
    new = sorted(set(after) - set(before))
    outside = [p for p in new if not p.startswith("a/b/c/reports/") and not p.startswith("store/")]
    assert not outside, outside
    assert not any(_raw_control(p) for p in new), new
    assert run.code == 2  # the week could not be filed: reported, not written elsewhere
    assert "cannot name a file or folder" in run.err
    assert not _raw_control(run.out + run.err)


# -------------------------------------------------------------- terminal and HTML output


def test_ingest_runs_and_check_never_print_control_characters(
    tmp_path: Path, recon_cli: RunCli
) -> None:
    code = "SWAN\x1b[2J\u202eGEN"
    inbox = _inbox_with_participant(tmp_path, code)
    odd = inbox / "x\x1b[2J\u202egpj.json"
    shutil.copy(next(inbox.glob("*Summary*")), odd)
    (inbox / "junk\x1b[31m.txt").write_text("not an artefact")
    store = tmp_path / "s.duckdb"
    for argv in (
        ("-v", "ingest", inbox, "--store", store, "--no-progress"),
        ("runs", "--store", store),
    ):
        run = recon_cli(*argv)
        run.assert_no_traceback()
        assert not _raw_control(run.out + run.err), (argv, run.out, run.err)
    out = tmp_path / "out"
    run = recon_cli("-v", "check", inbox, "--out", out, "--no-progress", out=out)
    run.assert_no_traceback()
    assert not _raw_control(run.out + run.err), run.err
    html = (out / "report.html").read_text("utf-8")
    assert RAW_RLO not in html and RAW_ESC not in html
    assert "U+202E" in html
    from openpyxl import load_workbook

    wb = load_workbook(out / "report.xlsx")
    for ws in wb.worksheets:
        for row in ws.iter_rows(values_only=True):
            for v in row:
                if isinstance(v, str):
                    assert not _raw_control(v), (ws.title, v)


def test_a_path_holding_rich_markup_is_printed_as_text(tmp_path: Path, recon_cli: RunCli) -> None:
    """Issue 14: ``x[/b]/s.duckdb`` crashed ``recon ingest`` with MarkupError."""
    store = tmp_path / "x[/b]" / "s.duckdb"
    store.parent.mkdir(parents=True)
    inbox = _inbox_with_participant(tmp_path, "SWANGEN")
    run = recon_cli("ingest", inbox, "--store", store, "--no-progress")
    run.assert_no_traceback()
    assert run.code == 0, run.err
    assert "x[/b]" in run.err.replace("\n", "")
    run = recon_cli("runs", "--store", store)
    run.assert_no_traceback()
    assert "x[/b]" in (run.out + run.err).replace("\n", "")
    run = recon_cli("export", "--store", store, "--to", tmp_path / "lake[/red]", "--no-progress")
    run.assert_no_traceback()
    assert run.code == 0, run.err
