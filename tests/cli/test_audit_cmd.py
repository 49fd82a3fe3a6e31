"""recon.cli.audit_cmd: ``recon audit`` (its exit status, its lines, its set) and the issue
tables ``recon audit`` and ``recon weekly`` print.

The store holds ``fixtures/history_adj`` after INITIAL and ADJ1 (tests/cli/conftest.py):
issue A resolved by ADJ1; B, C and D open (the generator's ``expected_register.json``).
"""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, datetime
from pathlib import Path

import click
import pytest

from recon.cli.audit_cmd import audit as audit_command
from recon.cli.audit_cmd import print_issue_changes, print_issues
from recon.cli.main import main
from recon.cli.progress import fixed_width
from recon.models.audit import Issue
from recon.pipeline.issues import register


def _recon(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    capsys.readouterr()
    with fixed_width(200):
        code = main(args)
    return code, capsys.readouterr().err


def _flat(text: str) -> str:
    return " ".join(text.split())


def test_an_audit_with_open_errors_exits_1_and_says_what_it_covered(
    adj1_cli_store: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "audit"
    code, err = _recon(["audit", "--fy", "2024-25", "--participant", "swangen", "--store",
                        str(adj1_cli_store), "--out", str(out)], capsys)  # fmt: skip
    assert code == 1
    lines = err.splitlines()
    assert lines[0] == "Audit of Trading Weeks starting 1 Jul 2024 to 30 Jun 2025 (SWANGEN)."
    assert "Open issues: 3" in err
    assert (
        "3 error issue(s) open: 1 week(s), 2 check(s) recorded, 3 issue(s) open, 1 resolved." in err
    )
    assert lines[-1] == f"Wrote audit.xlsx, audit.html, audit.json into {out}"
    assert sorted(p.name for p in out.iterdir()) == ["audit.html", "audit.json", "audit.xlsx"]
    doc = json.loads((out / "audit.json").read_text("utf-8"))
    assert len(doc["issues"]) == 4


def test_a_range_holding_no_week_exits_0_with_one_line(
    adj1_cli_store: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "audit"
    args = ["--from", "2025-01-01", "--to", "2025-01-31", "--no-reports"]
    code, err = _recon(["audit", *args, "--store", str(adj1_cli_store), "--out", str(out)], capsys)
    assert code == 0
    assert err.strip() == (
        "No Trading Week held in the store starts from 1 Jan 2025 to 31 Jan 2025: nothing to "
        f"audit (wrote an empty audit.json into {out})."
    )
    assert [p.name for p in out.iterdir()] == ["audit.json"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--from", "2024-12-01"],
         "recon: give --from and --to (yyyy-mm-dd), or --fy (2024-25, or 2025)"),
        (["--fy", "next year"],
         "recon: --fy 'next year' is not a Financial Year: give 2024-25 (1 July 2024 to 30 "
         "June 2025) or 2025 (the year ending 30 June 2025)"),
    ],
)  # fmt: skip
def test_a_range_it_cannot_read_exits_2_with_one_line(
    args: list[str], message: str, adj1_cli_store: Path, tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    out = tmp_path / "audit"
    code, err = _recon(["audit", *args, "--store", str(adj1_cli_store), "--out", str(out)], capsys)
    assert code == 2
    assert err.strip() == message
    assert not out.exists()


def test_no_store_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "none.duckdb"
    code, err = _recon(["audit", "--fy", "2025", "--store", str(missing), "--out",
                        str(tmp_path / "o")], capsys)  # fmt: skip
    assert code == 2
    assert err.startswith("recon: ") and str(missing) in err and len(err.splitlines()) == 1
    assert not missing.exists() and not (tmp_path / "o").exists()


def test_print_issues_names_each_issue_and_its_runs(
    adj1_cli_store: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    issues = register(adj1_cli_store)
    capsys.readouterr()
    with fixed_width(200):
        print_issues(issues, "Issues")
    err = capsys.readouterr().err
    assert "Issues: 4" in err
    flat = _flat(err)
    assert "SWANGEN TW 15 Dec 2024" in flat
    assert "OUTCOMP_P_D SWANGEN 2024-12-17" in flat
    assert "INITIAL 51958; resolved by ADJ1 54601" in flat  # A
    assert "INITIAL 51958 … ADJ1 54601" in flat  # C and D, seen again in ADJ1


def test_print_issues_cuts_a_long_list_and_says_how_many_more(
    adj1_cli_store: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    one = register(adj1_cli_store, status="open")[0]
    many = [dataclasses.replace(one, variable=f"VAR{n:02d}") for n in range(25)]
    capsys.readouterr()
    with fixed_width(200):
        print_issues(many, "Open issues")
    err = capsys.readouterr().err
    assert "Open issues: 20 of 25" in err
    assert "VAR19" in err and "VAR20" not in err
    assert err.rstrip().endswith("... and 5 more (see audit.json)")


def test_print_issues_shows_the_workflow_beside_the_severity(
    adj1_cli_store: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    one = register(adj1_cli_store, status="open")[0]
    assert one.workflow.value == "new"
    main(["issue", one.id, "--set", "investigating", "--store", str(adj1_cli_store)])
    moved = next(i for i in register(adj1_cli_store) if i.id == one.id)
    capsys.readouterr()
    with fixed_width(200):
        print_issues([moved], "Open issues")
        print_issues([], "Nothing")
    err = capsys.readouterr().err
    assert "error, investigating" in err
    assert "Nothing" not in err


def test_print_issue_changes_says_since_when(
    adj1_cli_store: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    issues = register(adj1_cli_store)
    opened = [i for i in issues if i.is_open]
    resolved: list[Issue] = [i for i in issues if not i.is_open]
    capsys.readouterr()
    with fixed_width(200):
        print_issue_changes(opened, resolved, datetime(2025, 3, 6, 7, 30, tzinfo=UTC))
        print_issue_changes([], [], None)
    err = capsys.readouterr().err
    assert "Issues since the last weekly run (2025-03-06 15:30 AWST): 3 opened, 1 resolved." in err
    assert "Opened: 3" in err and "Resolved: 1" in err
    assert "Issues so far: 0 opened, 0 resolved." in err


def test_every_option_is_explained() -> None:
    for param in audit_command.params:
        if isinstance(param, click.Option):
            assert param.help, param.opts
