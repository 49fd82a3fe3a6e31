"""recon.report: write_reports writes the three reports into a folder; result_json and
load_result save a check and read it back."""

from __future__ import annotations

from pathlib import Path

import pytest
from builders.results import save_result as _save
from openpyxl import load_workbook

import recon.report as report
from recon.errors import InputError, OutputError
from recon.models.results import CheckResult
from recon.report import (
    DISAGREEMENT_NAME,
    EXCEL_NAME,
    HTML_NAME,
    RESULT_NAME,
    load_result,
    result_json,
    write_reports,
)
from recon.report.html import render_html


def test_load_result_round_trip(result: CheckResult, tmp_path: Path) -> None:
    folder = _save(result, tmp_path / "check")
    back = load_result(folder)
    assert back == result
    assert load_result(folder / "result.json") == result
    assert render_html(back) == render_html(result)


def test_load_result_errors(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="run 'recon check"):
        load_result(tmp_path)
    (tmp_path / "result.json").write_text('{"findings": 3}', encoding="utf-8")
    with pytest.raises(InputError, match="not a saved recon check"):
        load_result(tmp_path)


def test_write_reports(result: CheckResult, tmp_path: Path) -> None:
    paths = write_reports(result, tmp_path / "new" / "out")
    assert [p.name for p in paths] == ["report.xlsx", "report.html", "disagreement.csv"]
    assert all(p.is_file() for p in paths)


def test_empty_check_still_reports(tmp_path: Path) -> None:
    from datetime import UTC, datetime

    empty = CheckResult(generated_at=datetime(2024, 1, 1, tzinfo=UTC))
    xlsx, html, draft = write_reports(empty, tmp_path)
    assert draft.read_bytes().decode("utf-8-sig").count("\n") == 1  # the header only
    assert load_workbook(xlsx)["Findings"].max_row == 1
    page = html.read_text(encoding="utf-8")
    assert "verdict-clean" in page and "No error finding: nothing to disagree with." in page
    assert "2024-01-01 08:00:00 AWST" in page  # the check's time, shown in AWST


def test_result_json_is_what_load_result_reads_back(result: CheckResult, tmp_path: Path) -> None:
    data = result_json(result)
    assert data == result.model_dump_json(indent=1).encode("utf-8")
    (tmp_path / RESULT_NAME).write_bytes(data)
    assert load_result(tmp_path) == result


def test_a_lone_surrogate_is_saved_as_its_escape_text(result: CheckResult, tmp_path: Path) -> None:
    first = result.findings[0].model_copy(update={"message": "bad \ud800 text"})
    odd = result.model_copy(update={"findings": [first, *result.findings[1:]]})
    data = result_json(odd)
    assert b'"bad \\\\ud800 text"' in data  # the six characters, JSON-escaped
    (tmp_path / RESULT_NAME).write_bytes(data)
    assert load_result(tmp_path).findings[0].message == "bad \\ud800 text"


def _saved(tmp_path: Path, data: bytes) -> Path:
    (tmp_path / RESULT_NAME).write_bytes(data)
    return tmp_path / RESULT_NAME


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (b'{"findings": "\xff"}', ": not UTF-8 at byte 14"),
        (b'{"findings": [', ": Expecting value: line 1 column 15 (char 14)"),
        (b"[" * 100_000 + b"]" * 100_000, ": nested too deeply"),
        (b'{"findings": 3}', " (2 problem(s); first at generated_at: Field required)"),
        (b"[]", " (1 problem(s); first at top level: Input should be a valid dictionary"),
    ],
    ids=["not-utf8", "not-json", "too-deep", "not-a-check", "a-list"],
)
def test_a_file_that_is_not_a_saved_check_is_refused_in_one_line(
    tmp_path: Path, data: bytes, problem: str
) -> None:
    file = tmp_path / RESULT_NAME
    file.write_bytes(data)
    with pytest.raises(InputError) as e:
        load_result(tmp_path)
    assert str(e.value).startswith(f"{file}: is not a saved recon check{problem}")
    assert "\n" not in str(e.value)


def test_a_large_file_that_is_not_a_check_is_refused_the_same_way(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(report, "BIG_RESULT", 10)
    file = _saved(tmp_path, b'{"generated_at": "not a time", "findings": []}')
    with pytest.raises(InputError) as e:
        load_result(tmp_path)
    assert str(e.value).startswith(f"{file}: is not a saved recon check (")
    assert "first at generated_at: " in str(e.value)


@pytest.mark.parametrize("big", [False, True], ids=["read-whole", "streamed"])
def test_a_saved_check_naming_two_findings_by_one_id_is_refused(
    result: CheckResult, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, big: bool
) -> None:
    """A consequence names its root by id: with an id twice, a root would take another's
    consequences, so such a file (recon never writes one) is not read as a check."""
    if big:
        monkeypatch.setattr(report, "BIG_RESULT", 10)
    first, second, *rest = result.findings
    findings = [
        first.model_copy(update={"id": "b447b688eec8"}),
        second.model_copy(update={"id": "b447b688eec8"}),
        *rest,
    ]
    folder = _save(result.model_copy(update={"findings": findings}), tmp_path / "check")
    with pytest.raises(InputError) as e:
        load_result(folder)
    assert str(e.value) == (
        f"{folder / RESULT_NAME}: is not a saved recon check: finding 2 has the id "
        "'b447b688eec8' of an earlier finding (each finding has its own)"
    )
    # The same check with distinct ids reads.
    findings[1] = second.model_copy(update={"id": "b447b688eec8-2"})
    folder = _save(result.model_copy(update={"findings": findings}), tmp_path / "check2")
    assert [f.id for f in load_result(folder).findings][:2] == ["b447b688eec8", "b447b688eec8-2"]


def test_a_folder_named_as_the_file_cannot_be_read(tmp_path: Path) -> None:
    (tmp_path / RESULT_NAME).mkdir()
    with pytest.raises(InputError) as e:
        load_result(tmp_path)
    assert str(e.value) == f"{tmp_path / RESULT_NAME}: cannot be read: Is a directory"


def test_a_missing_file_asks_for_a_check_first(tmp_path: Path) -> None:
    with pytest.raises(InputError) as e:
        load_result(tmp_path / "elsewhere.json")
    assert str(e.value) == (
        f"{tmp_path / 'elsewhere.json'}: no saved check here: run 'recon check ... --out DIR' "
        "first (it writes result.json)"
    )


def test_reports_into_a_file_are_an_output_error(result: CheckResult, tmp_path: Path) -> None:
    blocker = tmp_path / "taken"
    blocker.write_text("a file, not a folder", encoding="utf-8")
    with pytest.raises(OutputError) as e:
        write_reports(result, blocker / "out")
    assert str(e.value).startswith(f"cannot write the reports into {blocker / 'out'}: ")
    assert blocker.read_text(encoding="utf-8") == "a file, not a folder"


def test_the_reports_are_written_with_their_names(result: CheckResult, tmp_path: Path) -> None:
    paths = write_reports(result, tmp_path)
    assert paths == [tmp_path / EXCEL_NAME, tmp_path / HTML_NAME, tmp_path / DISAGREEMENT_NAME]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(p.name for p in paths)
