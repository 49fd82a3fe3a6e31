"""recon.cli.weekly_cmd: ``recon weekly`` as the terminal shows it (the ingest line, the
weeks' table, the issues opened, "nothing to check"), its exit status and refusals.

The inbox is ``fixtures/history_adj``'s runs (the fixture generator's): INITIAL holds four
planted errors (``expected_register.json``); ADJ1 resolves one of them. Fetching from PaSS
is in tests/store/test_cli.py; notifying in tests/notify/test_weekly_notify.py.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import click
import pytest
from paths import FIXTURES

from recon.cli.main import main
from recon.cli.progress import fixed_width, stderr
from recon.cli.weekly_cmd import _WeeklyPrinter
from recon.cli.weekly_cmd import weekly as weekly_command

HISTORY_ADJ = FIXTURES / "history_adj" / "SWANGEN_2024-12-15"
REGISTER = json.loads((HISTORY_ADJ.parent / "expected_register.json").read_text("utf-8"))


def _recon(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    capsys.readouterr()
    with fixed_width(200):
        code = main([*args, "--no-progress"])
    return code, capsys.readouterr().err


def _cells(err: str) -> list[list[str]]:
    return [[c.strip() for c in ln.split("│")[1:-1]] for ln in err.splitlines() if "│" in ln]


def test_an_inbox_is_ingested_checked_and_its_issues_listed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store, out_root = tmp_path / "s.duckdb", tmp_path / "weekly"
    code, err = _recon(["weekly", str(HISTORY_ADJ / "1_INITIAL"), "--store", str(store),
                        "--out-root", str(out_root), "--no-reports"], capsys)  # fmt: skip
    assert code == 1
    lines = err.splitlines()
    assert lines[0].startswith(f"Ingested into {store}: 4 new, 0 unchanged")
    (day,) = out_root.iterdir()
    assert date.fromisoformat(day.name)
    # (wrapped to the width: a long temporary path may break the line, so read it squeezed)
    assert f"Weeklycheck,{day.name}:reportsin{day}" in "".join(err.split())
    assert sorted(p.name for p in (day / "SWANGEN_2024-12-15").iterdir()) == [
        "findings.json", "result.json"
    ]  # fmt: skip
    table = _cells(err)
    assert table[0] == ["SWANGEN", "TW 15 Dec 2024", "INITIAL", "4 errors", "1 run fully checked."]
    assert table[1][3] == "0 warnings" and table[2][3] == "0 info"
    assert "Issues so far: 4 opened, 0 resolved." in lines


def test_the_next_run_checks_only_what_changed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store, out_root = tmp_path / "s.duckdb", tmp_path / "weekly"
    args = ["--store", str(store), "--out-root", str(out_root), "--no-reports"]
    assert _recon(["weekly", str(HISTORY_ADJ / "1_INITIAL"), *args], capsys)[0] == 1
    code, err = _recon(["weekly", *args], capsys)
    assert code == 0
    assert err.strip().startswith("Nothing to check (weeks with files ingested since the last "
                                  "weekly run (")  # fmt: skip
    assert err.strip().endswith(" AWST): none).")
    code, err = _recon(["weekly", str(HISTORY_ADJ / "2_ADJ1"), *args], capsys)
    assert code == 1
    # the week's check finds INITIAL's four again, and in ADJ1 those it still yields
    after = next(s for s in REGISTER["steps"] if s["after"] == "ADJ1")["issues"]
    errors = 4 + sum(1 for i in after if i["last_run_id"] == 54601)
    assert errors == 6
    assert _cells(err)[0][:4] == ["SWANGEN", "TW 15 Dec 2024", "INITIAL", f"{errors} errors"]
    assert _cells(err)[1][2] == "ADJ1"
    assert "Issues since the last weekly run (" in err and "0 opened, 1 resolved." in err


def test_a_week_asked_is_checked_again(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    store, out_root = tmp_path / "s.duckdb", tmp_path / "weekly"
    args = ["--store", str(store), "--out-root", str(out_root), "--no-reports"]
    assert _recon(["weekly", str(HISTORY_ADJ / "1_INITIAL"), *args], capsys)[0] == 1
    code, err = _recon(["weekly", *args, "--week", "TW 15 Dec 2024"], capsys)
    assert code == 1
    assert _cells(err)[0][:4] == ["SWANGEN", "TW 15 Dec 2024", "INITIAL", "4 errors"]
    code, err = _recon(["weekly", *args, "--week", "2024-12-08"], capsys)
    assert code == 0
    assert err.strip().startswith("Nothing to check (")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--week", "2024-12-15", "--since", "2024-12-01"],
         "recon: give --week or --since, not both"),
        (["--since", "1 Dec"], "recon: --since '1 Dec' is not a date like 2024-12-01"),
        (["--week", "2024-12-16"],
         "recon: 2024-12-16 is a Monday; a Trading Week starts on a Sunday"),
    ],
)  # fmt: skip
def test_bad_options_exit_2_with_one_line_before_any_work(
    args: list[str], message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = tmp_path / "s.duckdb"
    code, err = _recon(["weekly", *args, "--store", str(store), "--out-root",
                        str(tmp_path / "w")], capsys)  # fmt: skip
    assert code == 2
    assert err.strip() == message
    assert not store.exists() and not (tmp_path / "w").exists()


def test_a_config_file_that_does_not_read_stops_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "config.toml"
    config.write_text("[pass\n")
    store = tmp_path / "s.duckdb"
    code, err = _recon(["weekly", "--config", str(config), "--store", str(store), "--out-root",
                        str(tmp_path / "w")], capsys)  # fmt: skip
    assert code == 2
    assert err.startswith("recon: ") and str(config) in err and len(err.splitlines()) == 1
    assert not store.exists()


def test_a_path_that_does_not_exist_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, err = _recon(["weekly", str(tmp_path / "inbox"), "--store", str(tmp_path / "s")],
                       capsys)  # fmt: skip
    assert code == 2
    assert f"Path '{tmp_path / 'inbox'}' does not exist." in err


def test_a_week_that_could_not_be_checked_says_so(capsys: pytest.CaptureFixture[str]) -> None:
    printer = _WeeklyPrinter(show_progress=False)
    printer.week_checked("SWANGEN", date(2024, 12, 15), None)
    assert printer.summary is not None
    capsys.readouterr()
    with fixed_width(120):
        stderr.print(printer.summary)
    cells = _cells(capsys.readouterr().err)
    assert cells == [["SWANGEN", "TW 15 Dec 2024", "", "could not be checked", ""]]


def test_every_option_is_explained() -> None:
    for param in weekly_command.params:
        if isinstance(param, click.Option):
            assert param.help, param.opts
