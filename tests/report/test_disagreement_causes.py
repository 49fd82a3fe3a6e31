"""The Notice of Disagreement draft by root cause: HTML, report.xlsx and disagreement.csv."""

from __future__ import annotations

import csv
import io
from decimal import Decimal as D
from pathlib import Path
from types import ModuleType

import fixture_scripts
import pytest
from openpyxl import load_workbook

import recon
from recon.cli.main import main
from recon.models.findings import Finding
from recon.models.results import CheckResult
from recon.reconcile.causes import ANNOTATIONS
from recon.report.disagreement import (
    CSV_COLUMNS,
    csv_rows,
    disagreement_csv,
    disagreement_rows,
    stake_words,
)
from recon.report.excel import write_excel
from recon.report.html import render_html


def _money_scenarios() -> ModuleType:
    return fixture_scripts.load("money_scenarios.py")


@pytest.fixture(scope="module")
def cash(tmp_path_factory: pytest.TempPathFactory) -> tuple[CheckResult, dict, Path]:
    folder = tmp_path_factory.mktemp("cash") / "week"
    expected = _money_scenarios().scenario_cash(folder)
    return recon.check(folder), expected, folder


def test_one_item_per_root_cause_with_its_consequences(cash: tuple) -> None:
    result, expected, _ = cash
    items = disagreement_rows(result)
    assert [(d.run_id, d.variable, d.at_stake) for d in items] == [
        (r["run_id"], r["variable"], r["at_stake"]) for r in expected["roots"]
    ]
    assert sum(len(d.consequences) for d in items) + len(items) == result.counts["error"]
    first = items[0]
    assert first.stake_words == "AEMO owes you" and first.at_stake_basis == "cash"
    assert items[-1].stake_words == "you owe AEMO"
    # A chain total on the latest run is beneath the INITIAL line that causes it.
    assert any(c.run_id != first.run_id for c in first.consequences)
    assert all(not c.consequences and c.at_stake is None for c in first.consequences)


def test_the_csv_has_one_row_per_root_cause(cash: tuple) -> None:
    result, expected, _ = cash
    data = disagreement_csv(result)
    assert data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0] == list(CSV_COLUMNS)
    assert len(rows) == 1 + len(expected["roots"])
    by_name = [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]
    assert [D(r["At stake"]) for r in by_name] == [r["at_stake"] for r in expected["roots"]]
    first = by_name[0]
    assert first["Run"] == "INITIAL, run 51230" and first["Trading Week"] == "TW 01 Dec 2024"
    assert first["Variable or figure"] == "MKTFEE_P_D"
    assert D(first["AEMO's figure"]) - D(first["Recon's figure"]) == D(first["Difference"])
    assert first["Consequences"].count(" | ") == len(disagreement_rows(result)[0].consequences) - 1
    assert "[ADJ2, run 56492]" in first["Consequences"]


def test_csv_text_never_becomes_a_formula_or_a_control_sequence(cash: tuple) -> None:
    result, _, _ = cash
    hostile = Finding.make(
        "data.variable",
        "=cmd|' /C calc'!A0 is not a variable.",
        participant="SWANGEN",
        period="TW 01 Dec 2024",
        run_id=51230,
        designation="INITIAL",
        variable='=HYPERLINK("http://x")_P_D',
        scope="\x1b[2J",
    )
    rows = csv_rows(result.model_copy(update={"findings": [hostile]}))
    (row,) = rows[1:]
    cells = dict(zip(CSV_COLUMNS, row, strict=True))
    assert cells["Variable or figure"].startswith("'=HYPERLINK")
    assert "\\x1b" in cells["Variable or figure"] and "\x1b" not in cells["Variable or figure"]
    assert cells["Reason"].startswith("'=cmd")
    assert cells["At stake"] == ""


def test_html_lists_consequences_beneath_their_root(cash: tuple) -> None:
    result, _, _ = cash
    page = render_html(result)
    draft = page[page.index('id="disagreement"') :]
    draft = draft[: draft.index("</section>")]
    assert draft.count('<tr class="root"') == 3
    assert draft.count('<tr class="consequence"') == result.counts["error"] - 3
    assert "AEMO owes you" in draft and "you owe AEMO" in draft
    head = page[page.index('class="headline"') :]
    assert head.split("</p>")[0].endswith(
        "30 errors found in 3 root causes; $118.76 at stake: AEMO owes you: the statements and "
        "invoices do not tie out. Do not accept them as they are."
    )


def test_the_excel_sheet_numbers_items_and_their_consequences(cash: tuple, tmp_path: Path) -> None:
    result, expected, _ = cash
    ws = load_workbook(write_excel(result, tmp_path / "r.xlsx"))["Disagreement"]
    header = [c.value for c in ws[1]]
    rows = [dict(zip(header, r, strict=True)) for r in ws.iter_rows(min_row=2, values_only=True)]
    roots = [r for r in rows if "." not in r["Draft item"]]
    assert [r["Draft item"] for r in roots] == ["1", "2", "3"]
    assert [D(str(r["At stake"])) for r in roots] == [r["at_stake"] for r in expected["roots"]]
    assert rows[1]["Draft item"] == "1.1" and rows[1]["Root cause or consequence"] == (
        "consequence of item 1"
    )
    assert rows[1]["At stake"] is None
    overview = load_workbook(tmp_path / "r.xlsx")["Overview"]
    verdict = next(r[1].value for r in overview.iter_rows() if r[0].value == "Verdict")
    assert "in 3 root causes; $118.76 at stake: AEMO owes you" in verdict


def test_check_and_report_write_the_csv_in_the_set(cash: tuple, tmp_path: Path) -> None:
    _, _, folder = cash
    out = tmp_path / "out"
    assert main(["check", str(folder), "--out", str(out), "--no-progress"]) == 1
    first = (out / "disagreement.csv").read_bytes()
    (out / "disagreement.csv").unlink()
    assert main(["report", str(out)]) == 1
    assert (out / "disagreement.csv").read_bytes() == first


@pytest.mark.parametrize(
    ("amount", "basis", "words"),
    [
        (D("1.00"), "cash", "AEMO owes you"),
        (D("-1.00"), "cash", "you owe AEMO"),
        (D("0.00"), "cash", "no cash at stake"),
        (D("5.00"), "estimate", "estimate: AEMO would owe you"),
        (D("-5.00"), "estimate", "estimate: you would owe AEMO"),
        (None, "", ""),
    ],
)
def test_stake_words(amount: D | None, basis: str, words: str) -> None:
    assert stake_words(amount, basis) == words


def test_a_check_saved_before_root_causes_claims_none(cash: tuple) -> None:
    """A result.json written by a recon without ids or at_stake: the verdict claims no root
    causes and no cash, and the draft lists every error, as it used to."""
    result, _, _ = cash
    old = result.model_copy(
        update={
            "findings": [f.model_copy(update=dict.fromkeys(ANNOTATIONS)) for f in result.findings],
            "coverage": [c.model_copy(update={"at_stake": None}) for c in result.coverage],
        }
    )
    assert old.error_root_count() is None and old.stake_phrase() is None
    assert old.verdict_lines()[0] == "Discrepancies found: 30 errors; 0 warnings, 0 info."
    assert "30 errors found: the statements" in render_html(old)
    assert len(disagreement_rows(old)) == old.counts["error"]
