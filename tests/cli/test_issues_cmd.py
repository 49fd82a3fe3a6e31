"""recon.cli.issues_cmd: ``recon issues`` and ``recon issue`` over a real store, and the
short texts they show for each issue.

The store holds ``fixtures/history_adj`` after INITIAL and ADJ1 (tests/cli/conftest.py): the
generator's ``expected_register.json`` says A (OUTCOMP_P_D) is resolved by ADJ1 54601 and
B, C and D are open; C (CRCHG_P_D) was found by both checks.
"""

from __future__ import annotations

import dataclasses
import json
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import click
import pytest
from cli_runs import run_recon as _recon

from recon.cli import issues_cmd
from recon.cli.issues_cmd import WORKFLOWS, issue_findings, register_rows
from recon.models.audit import Issue
from recon.pipeline.issues import register
from recon.store import open_store


def _by_variable(store: Path, variable: str) -> Issue:
    return next(i for i in register(store) if i.variable == variable)


@pytest.fixture
def issue(adj1_cli_store: Path) -> Issue:
    return _by_variable(adj1_cli_store, "CRCHG_P_D")


# ------------------------------------------------------------------ texts


@pytest.mark.parametrize(
    ("at_stake", "basis", "text"),
    [
        (None, None, ""),
        (Decimal("0"), None, "$0.00 at stake"),
        (Decimal("5.5"), None, "$5.50 owed to you"),
        (Decimal("-1234.5"), None, "$1,234.50 owed to AEMO"),
        (Decimal("0.01"), "estimate", "$0.01 owed to you (estimate)"),
    ],
)
def test_the_short_stake_says_which_way_it_runs(
    issue: Issue, at_stake: Decimal | None, basis: str | None, text: str
) -> None:
    changed = dataclasses.replace(issue, at_stake=at_stake, at_stake_basis=basis)
    assert issues_cmd._stake_short(changed) == text


def test_due_date_else_age_else_nothing(issue: Issue) -> None:
    due = dataclasses.replace(issue, due=date(2025, 3, 5), age_business_days=3)
    assert issues_cmd._due_or_age(due) == "due 5 Mar 2025"
    aged = dataclasses.replace(issue, due=None, age_business_days=12)
    assert issues_cmd._due_or_age(aged) == "12 WA Business Days old"
    assert issues_cmd._due_or_age(dataclasses.replace(aged, age_business_days=None)) == ""


def test_what_is_the_variable_and_figure_else_the_scope(issue: Issue) -> None:
    assert issues_cmd._what(issue) == "CRCHG_P_D"
    both = dataclasses.replace(issue, figure="gst")
    assert issues_cmd._what(both) == "CRCHG_P_D / gst"
    assert issues_cmd._what(dataclasses.replace(issue, variable=None, scope="SWANGEN")) == (
        "SWANGEN"
    )


def test_register_rows_is_three_short_lines(issue: Issue) -> None:
    shown = dataclasses.replace(
        issue, at_stake=Decimal("-2.5"), at_stake_basis=None, due=date(2025, 3, 5)
    )
    assert register_rows(shown).plain.split("\n") == [
        "new, open",
        "SWANGEN  TW 15 Dec 2024  summary_detail.value  CRCHG_P_D",
        "$2.50 owed to AEMO · due 5 Mar 2025",
    ]


def test_register_rows_escapes_what_came_from_the_data(issue: Issue) -> None:
    hostile = dataclasses.replace(issue, variable="X\x1b[2J\u202e", at_stake=None, due=None,
                                  age_business_days=None)  # fmt: skip
    assert register_rows(hostile).plain.split("\n")[1].endswith("X\\x1b[2JU+202E")


# ------------------------------------------------------------------ recon issues


def test_issues_lists_the_open_ones_and_exits_1(
    adj1_cli_store: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = _recon(["issues", "--store", str(adj1_cli_store)], capsys)
    assert code == 1
    assert out == ""
    assert err.startswith("Open issues: 3")
    for i in register(adj1_cli_store, status="open"):
        assert i.id in err
    assert "OUTCOMP_P_D" not in err  # A is resolved


def test_resolved_issues_exit_0(adj1_cli_store: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _recon(["issues", "--store", str(adj1_cli_store), "--status", "resolved"],
                          capsys)  # fmt: skip
    assert code == 0
    assert err.startswith("Resolved issues: 1")
    assert "resolved by ADJ1 54601" in err


def test_issues_json_is_what_audit_json_holds(
    adj1_cli_store: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = _recon(["issues", "--store", str(adj1_cli_store), "--status", "all",
                             "--json"], capsys)  # fmt: skip
    assert code == 1 and err == ""
    doc = json.loads(out)
    assert sorted(d["variable"] for d in doc) == ["CRCHG_P_D", "OUTCOMP_P_D", "REGFEE_P_D",
                                                  "SOFEE_P_D"]  # fmt: skip
    assert doc == [i.document() for i in register(adj1_cli_store)]


def test_no_match_says_so_and_exits_0(
    adj1_cli_store: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = _recon(["issues", "--store", str(adj1_cli_store), "--participant", "other"],
                          capsys)  # fmt: skip
    assert (code, err.strip()) == (0, "No open issue in the store matches.")
    code, _, err = _recon(["issues", "--store", str(adj1_cli_store), "--status", "all",
                           "--week", "2024-12-08"], capsys)  # fmt: skip
    assert (code, err.strip()) == (0, "No issue in the store matches.")


def test_an_accepted_issue_no_longer_counts(
    adj1_cli_store: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for i in register(adj1_cli_store, status="open"):
        code, _, err = _recon(["issue", i.id, "--store", str(adj1_cli_store), "--set",
                               "accepted", "--note", "agreed with AEMO", "--by", "ann"],
                              capsys)  # fmt: skip
        assert code == 0
        first = err.splitlines()[0]
        assert first == f"Recorded: issue {i.id} is now accepted: agreed with AEMO, open."
    code, _, err = _recon(["issues", "--store", str(adj1_cli_store), "--workflow", "accepted"],
                          capsys)  # fmt: skip
    assert code == 0
    assert err.startswith("Open issues: 3")


# ------------------------------------------------------------------ recon issue ID


def test_issue_shows_its_findings_across_runs(
    adj1_cli_store: Path, issue: Issue, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = _recon(["issue", issue.id, "--store", str(adj1_cli_store)], capsys)
    assert code == 0 and out == ""
    flat = " ".join(err.split())
    assert f"Issue {issue.id}" in flat
    assert "Week TW 15 Dec 2024" in flat and "Variable CRCHG_P_D" in flat
    assert "Findings across runs" in err
    assert "INITIAL 51958" in flat and "ADJ1 54601" in flat
    assert f"Key {issue.key}" in flat


def test_issue_json_holds_the_findings_check_by_check(
    adj1_cli_store: Path, issue: Issue, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = _recon(["issue", f" {issue.id} ", "--store", str(adj1_cli_store), "--json"],
                          capsys)  # fmt: skip
    assert code == 0
    doc = json.loads(out)
    assert doc["id"] == issue.id and doc["variable"] == "CRCHG_P_D"
    # the first check found it in INITIAL; the second in INITIAL (still held) and ADJ1
    assert [f["run"] for f in doc["findings"]] == ["INITIAL 51958", "INITIAL 51958",
                                                   "ADJ1 54601"]  # fmt: skip
    assert [f["run_id"] for f in doc["findings"]] == [51958, 51958, 54601]
    assert doc["findings"][0]["checked_at"] < doc["findings"][1]["checked_at"]
    assert all(f["checked"].endswith(" AWST") for f in doc["findings"])
    assert all(f["checked_at"].endswith("+00:00") for f in doc["findings"])


def test_issue_findings_of_an_issue_adj1_resolved(adj1_cli_store: Path) -> None:
    a = _by_variable(adj1_cli_store, "OUTCOMP_P_D")
    with open_store(adj1_cli_store, read_only=True) as store:
        found: list[dict[str, Any]] = issue_findings(store, a)
    # found in INITIAL by both checks, and in ADJ1 by none: resolved by ADJ1
    assert [(f["run_id"], f["severity"]) for f in found] == [(51958, "error")] * 2


def test_a_dispute_is_recorded_and_shown_with_its_event(
    adj1_cli_store: Path, issue: Issue, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = _recon(["issue", issue.id, "--store", str(adj1_cli_store), "--set",
                           "disputed", "--ref", "NOD-0142", "--lodged", "2025-03-10", "--by",
                           "ann"], capsys)  # fmt: skip
    assert code == 0
    assert err.splitlines()[0] == f"Recorded: issue {issue.id} is now disputed NOD-0142, open."
    flat = " ".join(err.split())
    assert "Events" in err and "ann" in flat and "NOD-0142 lodged 2025-03-10" in flat


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["0123456789"],
         "recon: no issue '0123456789' in the store {store}: `recon issues --status all` lists "
         "them"),
        (["{id}", "--note", "why"], "recon: --ref, --lodged, --note and --by go with --set"),
    ],
)  # fmt: skip
def test_refusals_are_one_line(
    adj1_cli_store: Path, issue: Issue, args: list[str], message: str,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    argv = [a.format(id=issue.id) for a in args]
    code, _, err = _recon(["issue", *argv, "--store", str(adj1_cli_store)], capsys)
    assert code == 2
    assert err.strip() == message.format(store=adj1_cli_store)


def test_accepting_without_a_note_is_refused_and_records_nothing(
    adj1_cli_store: Path, issue: Issue, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = _recon(["issue", issue.id, "--store", str(adj1_cli_store), "--set",
                           "accepted"], capsys)  # fmt: skip
    assert code == 2 and len(err.strip().splitlines()) == 1 and err.startswith("recon: ")
    assert _by_variable(adj1_cli_store, "CRCHG_P_D").events == []


def test_the_workflow_choices_are_the_vocabulary_and_every_option_is_explained() -> None:
    assert WORKFLOWS == ("new", "investigating", "disputed", "accepted")
    for command in (issues_cmd.issues, issues_cmd.issue):
        for param in command.params:
            if isinstance(param, click.Option):
                assert param.help, param.opts
